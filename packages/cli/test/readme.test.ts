import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDir } from './helpers/run-cli.js';
import { shellBlocks } from './helpers/shell-blocks.js';

/**
 * The docs test: every command in the shell blocks of README.md and the CLI
 * reference runs, as written, against a Parley started as the README says
 * (`parley serve` on the embedded default, here on a free port), and exits 0;
 * every curl answers 2xx. What cannot run here is in SKIP with the reason, and
 * a command that is neither run nor skipped cannot exist: all others run.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(root, 'packages/cli/bin/parley.js');
const built = existsSync(path.join(root, 'packages/cli/dist/index.js'));

const SKIP: Record<string, string> = {
  'npm install && npm start':
    'installs and starts a server until stopped; this test starts the same server (`parley serve`, what npm start runs after building)',
  'npm test': 'the test suite this test is part of',
  'parley serve': 'runs until stopped; this test starts it itself',
  'parley worker': 'runs until stopped, and needs Redis (PARLEY_ROLE=api)',
  'parley migrate':
    'the embedded database belongs to the running server (one process per PGlite directory); migrate-command.test.ts runs it',
  'export DATABASE_URL=postgres://parley:…@db.internal:5432/parley REDIS_URL=redis://redis.internal:6379':
    'production services a reader supplies',
  'export JWT_SECRET_KEY=…32-or-more-random-characters… PARLEY_ADMIN_TOKEN=…16-or-more…':
    'secrets a reader supplies',
  'npm install && npm run build': 'installs packages; npm test has built already',
  'npx parley migrate':
    'needs the production PostgreSQL above; bin-wrapper.test.ts runs `npx parley`',
  'npx parley serve': 'runs until stopped, on the production services above',
};

const blocks = [
  ...shellBlocks(path.join(root, 'README.md'), 'README.md'),
  ...shellBlocks(path.join(root, 'packages/cli/README.md'), 'packages/cli/README.md'),
];

describe('README.md', () => {
  it('starts with exactly the two commands a newcomer runs', () => {
    expect(blocks[0]).toMatchObject({
      where: 'README.md:3',
      commands: ['npm install && npm start', 'npm test'],
    });
  });

  it('skips only commands it has (the skip list is not stale)', () => {
    const all = new Set(blocks.flatMap((b) => b.commands));
    expect(Object.keys(SKIP).filter((c) => !all.has(c))).toEqual([]);
  });
});

/** What the test made on the running server, for the README's placeholders. */
interface Fixtures {
  url: string;
  dir: string;
  tenantId: string;
  keyId: string;
  publishableKey: string;
  secretKey: string;
}

describe.runIf(built)('every command of the README and the CLI reference', () => {
  let server: ChildProcess;
  let f: Fixtures;

  beforeAll(async () => {
    const dir = emptyDir();
    server = spawn(process.execPath, [bin, 'serve'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        LOG_LEVEL: 'warn',
        PARLEY_OFFLINE_WORD_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await bannerUrl(server);
    f = {
      url,
      dir,
      ...(await fixtures(url, readFileSync(path.join(dir, '.parley/admin-token'), 'utf8').trim())),
    };
  }, 180_000);

  afterAll(async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  for (const block of blocks) {
    const run = block.commands.filter((c) => !(c in SKIP));
    const title = `${block.where}: ${block.commands[0]}`;
    if (run.length === 0) {
      it.skip(`${title} (skipped: ${SKIP[block.commands[0]!]})`, () => {});
      continue;
    }
    it(title, () => {
      const script = run.map((c) => substitute(c, f)).join('\n');
      const res = spawnSync('bash', ['-c', PRELUDE + script], {
        cwd: f.dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}`,
          HOME: process.env.HOME,
          PARLEY_URL: f.url, // as exported from the banner's line
        },
      });
      expect(res.status, `${res.stderr}\n${res.stdout}`).toBe(0);
      const statuses = [...res.stderr.matchAll(/^HTTP (\d{3})$/gm)].map((m) => Number(m[1]));
      const curls = run.join('\n').match(/\bcurl\b/g)?.length ?? 0;
      expect(statuses).toHaveLength(curls);
      expect(
        statuses.filter((s) => s < 200 || s > 299),
        res.stderr,
      ).toEqual([]);
    });
  }
});

/**
 * Stops at the first failing command and names it; every curl reports its
 * status on stderr (its output stays the reader's output).
 */
const PRELUDE = `set -eE -o pipefail
trap 'echo "README command failed (exit $?): $BASH_COMMAND" >&2' ERR
curl() { command curl -w '%{stderr}HTTP %{http_code}\\n' "$@"; }
`;

/** The README's placeholders, filled with what exists on the test server. */
function substitute(command: string, f: Fixtures): string {
  return command
    .replaceAll('http://localhost:3000', f.url)
    .replaceAll('<tenantId>', f.tenantId)
    .replaceAll('<keyId>', f.keyId)
    .replaceAll('pk_…', f.publishableKey)
    .replaceAll('sk_…', f.secretKey);
}

/** The URL from the banner's `export PARLEY_URL=…` line, once the server prints it. */
function bannerUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^ {2}In another shell: {2}export PARLEY_URL=(\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`parley serve exited (${code}):\n${out}`)));
  });
}

/** A tenant with a publishable key (both README origins), a secret key and a key to revoke. */
async function fixtures(url: string, adminToken: string) {
  const admin = async (p: string, body: unknown) => {
    const res = await fetch(url + p, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; key: string };
  };
  const tenant = await admin('/v1/admin/tenants', { name: 'Docs' });
  const keys = `/v1/admin/tenants/${tenant.id}/keys`;
  const pk = await admin(keys, {
    type: 'publishable',
    allowedOrigins: ['https://acme.com', 'https://acme.example'],
  });
  const sk = await admin(keys, { type: 'secret' });
  const spare = await admin(keys, { type: 'secret', name: 'to revoke' });
  return { tenantId: tenant.id, keyId: spare.id, publishableKey: pk.key, secretKey: sk.key };
}
