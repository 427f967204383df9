#!/usr/bin/env node
/**
 * Added latency of authentication + rate limiting per request (not a test).
 * Times the real middleware on a live app's services, in process:
 *   - REST: requireUser = JWT verify (kid, HS256) + revocation check + tenant
 *     origin check + per-user/per-tenant sliding-window limit (1 Redis call)
 *   - turn: checkTurnLimits = rate limit + 4 quota counters (1 Redis call)
 *   - API key: requireApiKey (hash, cached lookup, origin, 3 limit rules)
 * with the in-process limiter and, when reachable, Redis. Prints p50/p99 of
 * wall time and CPU per call.
 *
 *   node --import tsx --conditions parley-source scripts/bench/auth.mjs [--iterations 20000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import {
  createApp,
  createInfra,
  loadConfig,
  migrateLatest,
  openDatabase,
  OfflineProvider,
  ProviderRegistry,
} from '@parley/server';
import { requireApiKey, requireUser } from '../../packages/server/src/auth/middleware.ts';
import { checkTurnLimits } from '../../packages/server/src/limits/turn-limits.ts';
import { percentile, round, table } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const N = Number(opt.iterations);
const WARMUP = Number(opt.warmup);
const ADMIN = 'bench-admin-token-0123456789';
const ORIGIN = 'https://shop.example.com';

async function redisReachable(url) {
  try {
    const infra = await Promise.race([
      createInfra({ redisUrl: url, prefix: 'bench-probe:' }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500)),
    ]);
    await infra.close();
    return true;
  } catch {
    return false;
  }
}

async function json(url, method, path, token, body, headers = {}) {
  const res = await fetch(url + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** A minimal Koa context: what the auth middleware reads and writes. */
function fakeCtx(headers) {
  return {
    get: (name) => headers[name] ?? '',
    set() {},
    state: {},
    protocol: 'http',
    host: 'parley.local',
    ip: '10.0.0.1',
  };
}

async function time(name, fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const wall = new Float64Array(N);
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn();
    wall[i] = performance.now() - t;
  }
  const cpu = process.cpuUsage(cpuStart);
  const sorted = Array.from(wall);
  return {
    check: name,
    'p50 ms': round(percentile(sorted, 50), 3),
    'p99 ms': round(percentile(sorted, 99), 3),
    'mean ms': round(sorted.reduce((a, b) => a + b, 0) / N, 4),
    'CPU µs/call': round((cpu.user + cpu.system) / N, 1),
  };
}

async function run(redisUrl) {
  const db = await openDatabase({ url: null, dataDir: null });
  await migrateLatest(db);
  const infra = await createInfra({ redisUrl, prefix: `bench-auth-${Date.now()}:` });
  const config = loadConfig(
    {},
    {
      adminToken: ADMIN,
      jwtSecret: 'bench-jwt-secret-0123456789-0123456789-abcdef',
      jwtPreviousSecrets: ['bench-old-jwt-secret-0123456789-0123456789-x'],
      logLevel: 'silent',
      limits: {
        rateLimits: {
          userPerMinute: 1e9,
          tenantPerMinute: 1e9,
          apiKeyPerMinute: 1e9,
          sessionsPerMinutePerIp: 1e9,
          loginPerIpPer15Min: 1e9,
          loginPerAccountPer15Min: 1e9,
        },
        // Quotas on, so the turn check reads four counters with the rate rules.
        quotas: {
          tenant: { messagesPerDay: 1e9, tokensPerMonth: 1e12 },
          user: { messagesPerDay: 1e9, tokensPerDay: 1e12 },
        },
      },
    },
  );
  const app = await createApp(config, {
    db,
    infra,
    providers: new ProviderRegistry().register(new OfflineProvider(0)),
    defaultModels: ['offline:offline'],
    log: pino({ level: 'silent' }),
    migrate: false,
  });
  const server = await app.listen(0, '127.0.0.1');
  try {
    const tenant = await json(server.url, 'POST', '/v1/admin/tenants', ADMIN, { name: 'bench' });
    const pk = await json(server.url, 'POST', `/v1/admin/tenants/${tenant.id}/keys`, ADMIN, {
      type: 'publishable',
      allowedOrigins: [ORIGIN],
    });
    const sk = await json(server.url, 'POST', `/v1/admin/tenants/${tenant.id}/keys`, ADMIN, {
      type: 'secret',
    });
    const session = await json(server.url, 'POST', '/v1/sessions', sk.key, {
      externalUserId: 'bench-user',
    });
    const services = app.services;
    const user = requireUser(services);
    const apiKey = requireApiKey(services, ['publishable', 'secret']);
    const next = async () => {};
    const bearer = `Bearer ${session.accessToken}`;
    const auth = { tenantId: tenant.id, userId: session.user.id };
    const rows = [];
    rows.push(
      await time('REST: requireUser (no Origin)', () =>
        user(fakeCtx({ authorization: bearer }), next),
      ),
    );
    rows.push(
      await time('REST: requireUser (browser Origin)', () =>
        user(fakeCtx({ authorization: bearer, origin: ORIGIN }), next),
      ),
    );
    rows.push(
      await time('turn: checkTurnLimits (rate + 4 quotas)', () => checkTurnLimits(services, auth)),
    );
    rows.push(
      await time('API key: requireApiKey (pk_ + Origin)', () =>
        apiKey(fakeCtx({ authorization: `Bearer ${pk.key}`, origin: ORIGIN }), next),
      ),
    );
    return rows;
  } finally {
    await app.close();
    await infra.close();
    await db.close();
  }
}

const modes = [['in-process limiter', null]];
if (await redisReachable(opt.redis)) modes.push([`Redis ${new URL(opt.redis).host}`, opt.redis]);
else console.log(`Redis not reachable at ${opt.redis}: in-process only`);
for (const [label, url] of modes) {
  console.log(`\n${label} — ${N} calls each (after ${WARMUP} warm-up), one process, sequential`);
  const rows = await run(url);
  const headers = Object.keys(rows[0]);
  console.log(
    table(
      headers,
      rows.map((r) => headers.map((h) => r[h])),
    ),
  );
}
