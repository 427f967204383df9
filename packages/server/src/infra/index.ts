import { Redis } from 'ioredis';
import type { ConnectionCounter } from './connection-counter.js';
import { MemoryConnectionCounter } from './connection-counter.js';
import type { JobQueue } from './job-queue.js';
import { MemoryJobQueue } from './job-queue.js';
import type { KeyValueStore } from './kv.js';
import { MemoryKeyValueStore } from './kv.js';
import type { PubSub } from './pubsub.js';
import { MemoryPubSub } from './pubsub.js';
import type { RateLimiter } from './rate-limiter.js';
import { MemoryRateLimiter } from './rate-limiter.js';
import { RedisConnectionCounter } from './redis-connection-counter.js';
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
  /** Open WebSockets per user across instances (ws/connection-caps.ts). */
  connections: ConnectionCounter;
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
      connections: new MemoryConnectionCounter(),
      ping: async () => {},
      close: () => queue.close(),
    };
  }
  // Redis down must mean a fast, honest 503, not requests queued for seconds:
  // no offline queue, bounded command and connect times, reconnects in the background.
  const failFast = {
    enableOfflineQueue: false,
    commandTimeout: 1000,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
  const redis = new Redis(opts.redisUrl, { ...failFast, enableAutoPipelining: true });
  const subscriber = new Redis(opts.redisUrl, { ...failFast, maxRetriesPerRequest: null });
  await Promise.all([ready(redis), ready(subscriber)]);
  // bull (~30 MB resident) is only loaded when Redis is configured.
  const { BullJobQueue } = await import('./bull-job-queue.js');
  const queue = new BullJobQueue(opts.redisUrl, prefix);
  return {
    kind: 'redis',
    rateLimiter: new RedisRateLimiter(redis, prefix),
    pubsub: new RedisPubSub(redis, subscriber, prefix),
    kv: new RedisKeyValueStore(redis, prefix),
    queue,
    connections: new RedisConnectionCounter(redis, prefix),
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

/** Without an offline queue, nothing may be sent before the first connection is up. */
async function ready(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        client.off('ready', onReady);
        reject(err);
      };
      const onReady = (): void => {
        client.off('error', onError);
        resolve();
      };
      client.once('ready', onReady);
      client.once('error', onError);
    });
  }
  await client.ping();
}
