import type { Redis } from 'ioredis';
import type { ConnectionCounter } from './connection-counter.js';

/**
 * One sorted set per key: member = connection id, score = lease end (ms).
 * Expired leases are dropped, the rest counted and the new one added in one
 * atomic script, so two instances cannot both take the last slot.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export class RedisConnectionCounter implements ConnectionCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('parleyAcquireConnection', { numberOfKeys: 1, lua: ACQUIRE });
  }

  async acquire(key: string, id: string, max: number, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const acquire = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>)
      .parleyAcquireConnection!;
    const ok = await acquire.call(this.redis, this.k(key), now, max, now + leaseMs, id, leaseMs);
    return ok === 1;
  }

  async refresh(entries: readonly { key: string; id: string }[], leaseMs: number): Promise<void> {
    if (entries.length === 0) return;
    const until = Date.now() + leaseMs;
    const batch = this.redis.multi();
    for (const { key, id } of entries) {
      batch.zadd(this.k(key), 'XX', until, id);
      batch.pexpire(this.k(key), leaseMs);
    }
    await batch.exec();
  }

  async release(key: string, id: string): Promise<void> {
    await this.redis.zrem(this.k(key), id);
  }

  private k(key: string): string {
    return `${this.prefix}ws-conns:${key}`;
  }
}
