import { randomBytes } from 'node:crypto';
import type { Infra } from '../../src/infra/index.js';
import { createInfra } from '../../src/infra/index.js';

export const usingRedis = Boolean(process.env.TEST_REDIS_URL);

/** Real Redis (isolated by a random key prefix) when TEST_REDIS_URL is set. */
export async function openTestInfra(
  prefix = `t${randomBytes(5).toString('hex')}:`,
): Promise<Infra & { prefix: string }> {
  const infra = await createInfra({ redisUrl: process.env.TEST_REDIS_URL ?? null, prefix });
  return Object.assign(infra, { prefix });
}
