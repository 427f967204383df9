import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, startWorker } from './server-process.mjs';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  migrateWithCli,
  preparePostgres,
  redisReachable,
} from './services.mjs';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** Production-mode settings every bench shares: limits stay on but never refuse the bench. */
export function benchEnv(mockUrl, logLevel) {
  return {
    NODE_ENV: 'production',
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: mockUrl,
    PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
    JWT_SECRET_KEY: 'bench-jwt-secret-0123456789-0123456789-abcdef',
    JWT_ACCESS_TOKEN_EXPIRE_MINUTES: '120',
    LOG_LEVEL: logLevel,
    PARLEY_RATE_LIMIT_USER_PER_MINUTE: '100000',
    PARLEY_RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
    PARLEY_RATE_LIMIT_API_KEY_PER_MINUTE: '100000',
    PARLEY_QUOTA_USER_MESSAGES_PER_DAY: '10000000',
    PARLEY_QUOTA_TENANT_TOKENS_PER_DAY: '1000000000',
  };
}

/**
 * PostgreSQL + Redis when reachable (else embedded PGlite / in-process),
 * a worker beside a PARLEY_ROLE=api server when Redis is there, and the
 * server itself. `stop()` ends all of it; the children never outlive the bench.
 */
export async function startStack({ root, resultsDir, env, embedded, cpuProfDir, log }) {
  const mode = { database: 'embedded PGlite', redis: 'in-process', notes: [] };
  let tmpData = null;
  if (!embedded) {
    const dbUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    const pgState = await preparePostgres(dbUrl, { fresh: !process.env.DATABASE_URL });
    if (pgState.ok) {
      env.DATABASE_URL = dbUrl;
      mode.database = `PostgreSQL ${new URL(dbUrl).host}${new URL(dbUrl).pathname}`;
      log('migrate:', migrateWithCli(root, dbUrl));
    } else mode.notes.push(`${pgState.reason}: using embedded PGlite`);
    const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
    if (await redisReachable(redisUrl)) {
      env.REDIS_URL = redisUrl;
      mode.redis = `Redis ${new URL(redisUrl).host}`;
    } else mode.notes.push('Redis not reachable: using in-process queue/limits');
  }
  if (!env.DATABASE_URL) {
    tmpData = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
    env.PARLEY_DATA_DIR = path.join(tmpData, 'data');
  }
  // Production runs HTTP servers (PARLEY_ROLE=api) beside workers that do
  // memory extraction; the budget is the streaming server's share.
  const worker = env.REDIS_URL
    ? await startWorker({ root, env, logFile: path.join(resultsDir, 'worker.log') })
    : null;
  if (worker) env.PARLEY_ROLE = 'api';
  const server = await startServer({
    root,
    env,
    logFile: path.join(resultsDir, 'server.log'),
    cpuProfDir,
  });
  const cleanUp = () => {
    if (tmpData) rmSync(tmpData, { recursive: true, force: true });
    tmpData = null;
  };
  process.on('SIGINT', () => process.exit(130));
  process.on('exit', () => {
    for (const pid of [server.stopped ? null : server.pid, worker?.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    cleanUp();
  });
  return {
    server,
    worker,
    mode,
    async stop() {
      await server.stop();
      await worker?.stop();
      cleanUp();
    },
  };
}
