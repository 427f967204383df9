import { Redis } from 'ioredis';
import type { JobQueue } from './job-queue.js';
import { MemoryJobQueue } from './job-queue.js';
import type { KeyValueStore } from './kv.js';
import { MemoryKeyValueStore } from './kv.js';
import type { PubSub } from './pubsub.js';
import { MemoryPubSub } from './pubsub.js';
import type { RateLimiter } from './rate-limiter.js';
import { MemoryRateLimiter } from './rate-limiter.js';
import { RedisKeyValueStore } from './redis-kv.js';
import { RedisPubSub } from './redis-pubsub.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

/** Everything that is Redis in production and in-process on the embedded default. */
export interface Infra {
  kind: 'redis' | 'memory';
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  kv: KeyValueStore;
  queue: JobQueue;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface InfraOptions {
  redisUrl: string | null;
  /** Key prefix, so tests and several deployments can share one Redis. */
  prefix?: string;
  onJobError?: (name: string, err: unknown) => void;
}

export async function createInfra(opts: InfraOptions): Promise<Infra> {
  const prefix = opts.prefix ?? 'parley:';
  if (!opts.redisUrl) {
    const queue = new MemoryJobQueue(opts.onJobError);
    return {
      kind: 'memory',
      rateLimiter: new MemoryRateLimiter(),
      pubsub: new MemoryPubSub(),
      kv: new MemoryKeyValueStore(),
      queue,
      ping: async () => {},
      close: () => queue.close(),
    };
  }
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const subscriber = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  await Promise.all([redis.ping(), subscriber.ping()]);
  // bull (~30 MB resident) is only loaded when Redis is configured.
  const { BullJobQueue } = await import('./bull-job-queue.js');
  const queue = new BullJobQueue(opts.redisUrl, prefix);
  return {
    kind: 'redis',
    rateLimiter: new RedisRateLimiter(redis, prefix),
    pubsub: new RedisPubSub(redis, subscriber, prefix),
    kv: new RedisKeyValueStore(redis, prefix),
    queue,
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await queue.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

export type { JobQueue, KeyValueStore, PubSub, RateLimiter };
