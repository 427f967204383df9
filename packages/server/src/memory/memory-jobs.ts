import { every } from '../clock/clock.js';
import { randomUUID } from 'node:crypto';
import type { AppServices } from '../app-services.js';
import type { CleanupCounts } from './cleanup.js';
import { runCleanup } from './cleanup.js';
import { runExtraction } from './extraction/extract-job.js';
import type { ExtractionJob } from './turn-memory.js';
import { EXTRACT_JOB } from './turn-memory.js';

export const TOUCH_JOB = 'memory.touch';
export const CLEANUP_JOB = 'memory.cleanup';
/** Idle memories lose half their importance over this long. */
const DECAY_HALF_LIFE_MS = 60 * 86_400_000;

/**
 * Registers the memory workers on the queue and the cleanup schedule.
 * The schedule is a timer that enqueues one ordinary job per period, under
 * a shared lock so one instance of many enqueues it; a delayed job would
 * keep `queue.drain()` from ever settling. Returns the stop function.
 */
export async function startMemoryJobs(services: AppServices): Promise<() => Promise<void>> {
  const { queue, kv } = services.infra;
  queue.process<ExtractionJob>(EXTRACT_JOB, async (job) => {
    // Access stats ride on the turn's one job instead of a second queue round trip.
    if (job.recalledMemoryIds?.length) await touchMemories(services, job, job.recalledMemoryIds);
    await runExtraction(services, job);
  });
  // Kept for jobs queued by an older version.
  queue.process<{ tenantId: string; userId: string; ids: string[] }>(TOUCH_JOB, (job) =>
    touchMemories(services, job, job.ids),
  );
  queue.process<Record<string, never>>(CLEANUP_JOB, async () => {
    await cleanupNow(services);
  });

  const intervalMs = services.memory.options.cleanupIntervalMs;
  if (intervalMs <= 0) return async () => {};
  const stop = every(services.clock, intervalMs, () => {
    const lock = randomUUID();
    kv.setIfAbsent('memory:cleanup-scheduled', lock, Math.floor(intervalMs * 0.9))
      .then((won) => (won ? queue.add(CLEANUP_JOB, {}) : undefined))
      .catch((err: unknown) => services.log.warn({ err }, 'memory cleanup not scheduled'));
  });
  return async () => stop();
}

/** One cleanup pass with the deployment's settings; logs and returns the counts. */
export async function cleanupNow(services: AppServices): Promise<CleanupCounts> {
  const intervalMs = services.memory.options.cleanupIntervalMs;
  const counts = await runCleanup(services.knex, {
    duplicateSimilarity: services.memory.embedder.similarity.duplicate,
    since: intervalMs > 0 ? new Date(services.clock.now() - 2 * intervalMs) : null,
    decayFactor: intervalMs > 0 ? Math.pow(0.5, intervalMs / DECAY_HALF_LIFE_MS) : 0.99,
  });
  services.log.info(counts, 'memory cleanup');
  return counts;
}

async function touchMemories(
  services: AppServices,
  owner: { tenantId: string; userId: string },
  ids: string[],
): Promise<void> {
  await services
    .knex('memories')
    .where({ tenant_id: owner.tenantId, user_id: owner.userId })
    .whereIn('id', ids)
    .update({
      access_count: services.knex.raw('access_count + 1'),
      last_accessed_at: services.knex.fn.now(),
    });
}
