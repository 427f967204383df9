import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TEMPLATE_ENV,
  writePgliteTemplate,
} from '../../packages/server/test/helpers/pglite-template.js';

/**
 * Says up front which backends this run uses, so a green run on a laptop
 * without services is never mistaken for the full CI run. On PGlite, migrates
 * one template database that every test file's database starts from; the
 * returned teardown removes it.
 */
export default async function setup(): Promise<(() => void) | void> {
  const db = process.env.TEST_DATABASE_URL;
  const redis = process.env.TEST_REDIS_URL;
  const lines = [
    `[parley tests] database: ${db ? 'PostgreSQL + pgvector (TEST_DATABASE_URL)' : 'embedded PGlite (set TEST_DATABASE_URL for PostgreSQL)'}`,
    `[parley tests] redis:    ${redis ? 'Redis (TEST_REDIS_URL)' : 'in-process implementations (set TEST_REDIS_URL for Redis)'}`,
  ];
  if (!redis) {
    lines.push(
      '[parley tests] skipped: multi-instance tests (two servers sharing Redis) need TEST_REDIS_URL',
    );
  }
  if (!db || !redis) {
    lines.push(
      '[parley tests] skipped: fault tests (server processes killed, drained, cut off from PostgreSQL/Redis) need TEST_DATABASE_URL and TEST_REDIS_URL',
    );
  }
  console.log(lines.join('\n'));
  if (db) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  const file = path.join(dir, 'pglite-template.tar');
  await writePgliteTemplate(file);
  process.env[TEMPLATE_ENV] = file; // read by the test workers, which start after this
  return () => rmSync(dir, { recursive: true, force: true });
}
