import type { Redis } from 'ioredis';
import type { KeyValueStore } from './kv.js';

const DELETE_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('parleyDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    // EVALSHA (defined once) instead of sending the script text on every release.
    const del = (this.redis as unknown as Record<string, (k: string, v: string) => Promise<number>>)
      .parleyDeleteIfEquals!;
    return (await del.call(this.redis, this.prefix + key, value)) === 1;
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
