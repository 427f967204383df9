import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../server/src/config/env.js';

/**
 * No Docker engine or cluster here: these checks parse the deployment files
 * and hold them against what the server actually reads and serves.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Env = Record<string, string>;
const REQUIRED_ENV = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET_KEY',
  'PARLEY_ADMIN_TOKEN',
  'OPENAI_API_KEY',
  'PORT',
];

/** Compose-style `${VAR:-default}` / `${VAR:?error}` with the values an operator would give. */
function interpolate(value: string, given: Env): string {
  return value.replace(
    /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (_m, name: string, op?: string, arg?: string) => {
      if (given[name] !== undefined) return given[name]!;
      if (op === '-') return arg ?? '';
      throw new Error(`compose would refuse to start: ${name} is required (${arg})`);
    },
  );
}

/** Every environment name the server's config code reads. */
function serverEnvNames(): Set<string> {
  const dirs = ['packages/server/src/config', 'packages/server/src/tools'];
  const names = new Set<string>();
  for (const dir of dirs) {
    for (const file of readdirSync(path.join(root, dir))) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      for (const m of read(path.join(dir, file)).matchAll(/'([A-Z][A-Z0-9_]{2,})'/g))
        names.add(m[1]!);
    }
  }
  return names;
}

const operatorSecrets: Env = {
  JWT_SECRET_KEY: 'x'.repeat(40),
  PARLEY_ADMIN_TOKEN: 'y'.repeat(24),
};

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));
  const services = compose.services as Record<string, any>;

  it('runs PostgreSQL with pgvector, Redis and the server, each with a healthcheck', () => {
    expect(services.postgres.image).toBe('pgvector/pgvector:pg15');
    expect(services.redis.image).toMatch(/^redis:/);
    for (const name of ['postgres', 'redis', 'server']) {
      expect(services[name].healthcheck?.test, name).toEqual(expect.any(Array));
    }
    expect(services.server.healthcheck.test.join(' ')).toContain('/readyz');
    expect(services.server.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('gives the server a configuration it accepts, pointing at the compose services', () => {
    const raw = services.server.environment as Env;
    for (const name of REQUIRED_ENV) expect(Object.keys(raw)).toContain(name);
    const env = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), operatorSecrets)]),
    );
    const config = loadConfig(env); // throws ConfigError listing every problem
    expect(new URL(config.databaseUrl!).hostname).toBe('postgres');
    expect(new URL(config.redisUrl!).hostname).toBe('redis');
    expect(config.host).toBe('0.0.0.0'); // reachable from outside the container
    expect(services.server.ports).toContain(`${config.port}:${config.port}`);
    // The database credentials match the postgres service.
    const pg = services.postgres.environment as Env;
    const dbUrl = new URL(config.databaseUrl!);
    expect(dbUrl.username).toBe(pg.POSTGRES_USER);
    expect(dbUrl.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(decodeURIComponent(dbUrl.password)).toBe(interpolate(pg.POSTGRES_PASSWORD!, {}));
  });

  it('refuses to start without the operator secrets', () => {
    const raw = services.server.environment as Env;
    expect(() => interpolate(raw.JWT_SECRET_KEY!, {})).toThrow(/JWT_SECRET_KEY is required/);
    expect(() => interpolate(raw.PARLEY_ADMIN_TOKEN!, {})).toThrow(
      /PARLEY_ADMIN_TOKEN is required/,
    );
  });

  it('sets only environment names the server reads', () => {
    const known = serverEnvNames();
    for (const name of Object.keys(services.server.environment))
      expect(known, name).toContain(name);
  });

  it('migrates with the CLI before the server starts', () => {
    expect(services.migrate.command).toEqual(['node', 'packages/cli/dist/index.js', 'migrate']);
    expect(services.server.depends_on.migrate).toEqual({
      condition: 'service_completed_successfully',
    });
  });
});

describe('deploy/k8s', () => {
  const docs = readdirSync(path.join(root, 'deploy/k8s'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(read(`deploy/k8s/${f}`)).map((d) => d.toJS()));
  const byKind = (kind: string) => docs.filter((d) => d?.kind === kind);
  const deployment = byKind('Deployment')[0];
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const configMap = byKind('ConfigMap')[0];
  const secret = byKind('Secret')[0];

  it('probes readiness on /readyz and liveness on /healthz, on the container port', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const port = container.ports[0];
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect([port.name, port.containerPort]).toContain(probe.httpGet.port);
    }
    expect(String(port.containerPort)).toBe(configMap.data.PORT);
  });

  it('routes the Service to the Deployment pods', () => {
    const service = byKind('Service')[0];
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(pod.metadata?.labels ?? deployment.spec.template.metadata.labels).toMatchObject(
      service.spec.selector,
    );
    const target = service.spec.ports[0].targetPort;
    expect([container.ports[0].name, container.ports[0].containerPort]).toContain(target);
  });

  it('takes settings from the ConfigMap and every secret from the Secret', () => {
    expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
    const refs = (container.env as any[]).map((e) => e.valueFrom?.secretKeyRef).filter(Boolean);
    for (const ref of refs) {
      expect(ref.name).toBe(secret.metadata.name);
      expect(Object.keys(secret.stringData)).toContain(ref.key);
    }
    const names = [...(container.env as any[]).map((e) => e.name), ...Object.keys(configMap.data)];
    for (const name of REQUIRED_ENV) expect(names).toContain(name);
    const known = serverEnvNames();
    for (const name of names) expect(known, name).toContain(name);
  });

  it('adds up to a configuration the server accepts', () => {
    const env = { ...configMap.data, ...secret.stringData } as Env;
    const config = loadConfig(env);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toMatch(/^postgres:/);
    expect(config.redisUrl).toMatch(/^redis:/);
  });

  it('runs migrations as a Job with the CLI', () => {
    const job = byKind('Job')[0];
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['node', 'packages/cli/dist/index.js', 'migrate']);
    expect(c.image).toBe(container.image);
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('builds on Node 20 and runs `parley serve` as a non-root user on port 3000', () => {
    expect(lines.filter((l) => l.startsWith('FROM ')).every((l) => /^FROM node:20\b/.test(l))).toBe(
      true,
    );
    expect(lines).toContain('USER node');
    expect(lines).toContain('EXPOSE 3000');
    expect(lines.at(-1)).toBe('CMD ["node", "packages/cli/dist/index.js", "serve"]');
    expect(lines.find((l) => l.startsWith('HEALTHCHECK'))).toContain('/healthz');
    expect(lines.find((l) => l.startsWith('ENV'))).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('copies only paths that exist in the repository', () => {
    const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const sources = line
        .split(/\s+/)
        .slice(1, -1)
        .filter((p) => !p.startsWith('--'));
      for (const src of sources) expect(existsSync(path.join(root, src)), src).toBe(true);
    }
  });
});
