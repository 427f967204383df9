/**
 * Memory benchmark (npm run bench:memory): recall latency p50/p95/p99 at 10k
 * and 100k memories spread over 1,000 users, insert throughput and HNSW
 * build time, on PostgreSQL + pgvector and on PGlite. Writes
 * bench-results/memory-<backends>.json. Not a test: numbers depend on the machine.
 *
 * Options: --backends pg,pglite  --sizes 10000,100000  --pglite-sizes 10000
 *          --users 1000  --queries 1000  --warmup 50
 * PostgreSQL: the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
 * database parley_bench_memory, dropped and re-created on every run (never the
 * database DATABASE_URL names; `npm run bench` owns parley_bench).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import pino from 'pino';
import type { AppServices } from '../../packages/server/src/app-services.js';
import type { Database } from '../../packages/server/src/db/connect.js';
import { migrateLatest, openDatabase } from '../../packages/server/src/db/connect.js';
import { toVectorLiteral } from '../../packages/server/src/memory/embedder.js';
import { HashingEmbedder } from '../../packages/server/src/memory/hashing-embedder.js';
import { MemoryService } from '../../packages/server/src/memory/memory-service.js';
import { recall } from '../../packages/server/src/memory/recall.js';
import { percentile, round, table } from './lib/stats.mjs';
import { memoryText, queryText, rng } from './memory/corpus.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'pg,pglite' },
    sizes: { type: 'string', default: '10000,100000' },
    'pglite-sizes': { type: 'string', default: '10000' },
    users: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '50' },
  },
});
const USERS = Number(args.users);
const QUERIES = Number(args.queries);
const WARMUP = Number(args.warmup);
const DIMS = 512;
const BUDGET_MS = 50;
const HNSW =
  'create index memories_embedding_hnsw_idx on memories using hnsw (embedding vector_cosine_ops)';

const embedder = new HashingEmbedder(DIMS);
const log = pino({ level: 'silent' });

interface StageResult {
  backend: string;
  memories: number;
  embedPerSec: number;
  insertPerSec: number;
  insertWithIndexPerSec: number;
  hnswBuildS: number;
  recall: { p50: number; p95: number; p99: number; mean: number; overBudget: number };
  plan: string;
}

function adminKnex(): Knex {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 } });
}

async function dropBenchDatabase(): Promise<void> {
  const k = adminKnex();
  await k.raw('drop database if exists parley_bench_memory with (force)');
  await k.destroy();
}

async function openBackend(backend: string): Promise<Database> {
  if (backend === 'pglite')
    return openDatabase({ url: null, dataDir: null, embeddingDimensions: DIMS });
  // Only the server comes from DATABASE_URL: the bench always uses (and drops) its own database.
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/parley_bench_memory';
  await dropBenchDatabase();
  const k = adminKnex();
  await k.raw('create database parley_bench_memory');
  await k.destroy();
  return openDatabase({
    url: url.toString(),
    dataDir: null,
    embeddingDimensions: DIMS,
    pool: { min: 1, max: 4 },
  });
}

async function seedOwners(knex: Knex): Promise<{ tenantId: string; users: string[] }> {
  const [t] = await knex('tenants').insert({ name: 'bench' }).returning('id');
  const users: string[] = [];
  for (let i = 0; i < USERS; i += 500) {
    const rows = Array.from({ length: Math.min(500, USERS - i) }, (_, j) => ({
      tenant_id: t.id,
      external_id: `u${i + j}`,
    }));
    users.push(
      ...((await knex('users').insert(rows).returning('id')) as { id: string }[]).map((r) => r.id),
    );
  }
  return { tenantId: t.id as string, users };
}

/** Inserts `count` memories spread evenly over the users; returns [embed/s, insert/s]. */
async function insertMemories(
  knex: Knex,
  owners: { tenantId: string; users: string[] },
  count: number,
  r: () => number,
): Promise<[number, number]> {
  let embedMs = 0;
  let insertMs = 0;
  for (let done = 0; done < count; done += 1000) {
    const n = Math.min(1000, count - done);
    const items = Array.from({ length: n }, () => memoryText(r));
    let t0 = performance.now();
    const vectors = await embedder.embed(items.map((m) => m.text));
    embedMs += performance.now() - t0;
    const ageDays = () => Math.floor(r() * 180);
    const rows = items.map((m, i) => {
      const created = new Date(Date.now() - ageDays() * 86_400_000);
      return {
        tenant_id: owners.tenantId,
        user_id: owners.users[Math.floor(r() * owners.users.length)],
        text: m.text,
        kind: m.kind,
        importance: m.importance,
        embedding: toVectorLiteral(vectors[i]!),
        created_at: created,
        updated_at: created,
      };
    });
    t0 = performance.now();
    await knex('memories').insert(rows);
    insertMs += performance.now() - t0;
  }
  return [count / (embedMs / 1000), count / (insertMs / 1000)];
}

async function buildHnsw(knex: Knex, backend: string): Promise<number> {
  await knex.raw('drop index if exists memories_embedding_hnsw_idx');
  const t0 = performance.now();
  await knex.transaction(async (trx) => {
    // The graph must fit in maintenance_work_mem or the build slows down sharply.
    if (backend === 'pg') await trx.raw(`set local maintenance_work_mem = '1GB'`);
    await trx.raw(HNSW);
  });
  const s = (performance.now() - t0) / 1000;
  await knex.raw('analyze memories');
  return s;
}

async function measureRecall(
  knex: Knex,
  owners: { tenantId: string; users: string[] },
  r: () => number,
): Promise<StageResult['recall']> {
  const services = {
    knex,
    log,
    memory: new MemoryService(embedder, { recallBudgetMs: 60_000, cleanupIntervalMs: 0 }),
  } as unknown as AppServices;
  const times: number[] = [];
  for (let i = 0; i < WARMUP + QUERIES; i++) {
    const owner = {
      tenantId: owners.tenantId,
      userId: owners.users[Math.floor(r() * owners.users.length)]!,
    };
    const t0 = performance.now();
    await recall(services, owner, queryText(r), { budgetMs: 60_000, includeMessages: true });
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  return {
    p50: round(percentile(times, 50), 2),
    p95: round(percentile(times, 95), 2),
    p99: round(percentile(times, 99), 2),
    mean: round(times.reduce((a, b) => a + b, 0) / times.length, 2),
    overBudget: times.filter((t) => t > BUDGET_MS).length,
  };
}

/** Which index the vector arm of recall uses for one user (EXPLAIN of the real query shape). */
async function vectorPlan(
  knex: Knex,
  owners: { tenantId: string; users: string[] },
): Promise<string> {
  const [v] = await embedder.embed(['where do I live?']);
  return knex.transaction(async (trx) => {
    await trx.raw('set local hnsw.iterative_scan = relaxed_order');
    const { rows } = await trx.raw(
      `explain select id, embedding <=> ?::vector as d from memories
        where tenant_id = ? and user_id = ? and invalidated_at is null and (expires_at is null or expires_at > now())
          and embedding is not null order by d limit 20`,
      [toVectorLiteral(v!), owners.tenantId, owners.users[0]!],
    );
    const lines = (rows as { 'QUERY PLAN': string }[]).map((x) => x['QUERY PLAN']);
    return lines
      .filter((l) => /Scan/.test(l))
      .map((l) => l.trim().replace(/\s+\(cost.*$/, ''))
      .join(' / ');
  });
}

async function runBackend(backend: string, sizes: number[]): Promise<StageResult[]> {
  const db = await openBackend(backend);
  const out: StageResult[] = [];
  try {
    await migrateLatest(db);
    const knex = db.knex;
    const owners = await seedOwners(knex);
    const r = rng(42);
    let have = 0;
    for (const size of sizes) {
      await knex.raw('drop index if exists memories_embedding_hnsw_idx');
      const [embedPerSec, insertPerSec] = await insertMemories(knex, owners, size - have, r);
      have = size;
      const hnswBuildS = await buildHnsw(knex, backend);
      const recallStats = await measureRecall(knex, owners, rng(7));
      const plan = await vectorPlan(knex, owners);
      // Insert throughput while the HNSW index is maintained (what extraction pays).
      const [, insertWithIndexPerSec] = await insertMemories(knex, owners, 2000, r);
      have += 2000;
      const res: StageResult = {
        backend,
        memories: size,
        embedPerSec: Math.round(embedPerSec),
        insertPerSec: Math.round(insertPerSec),
        insertWithIndexPerSec: Math.round(insertWithIndexPerSec),
        hnswBuildS: round(hnswBuildS, 1),
        recall: recallStats,
        plan,
      };
      console.log(JSON.stringify(res));
      out.push(res);
    }
  } finally {
    await db.close();
    if (backend === 'pg') await dropBenchDatabase();
  }
  return out;
}

const results: StageResult[] = [];
for (const backend of args.backends!.split(',')) {
  const sizes = (backend === 'pglite' ? args['pglite-sizes']! : args.sizes!).split(',').map(Number);
  results.push(...(await runBackend(backend, sizes)));
}
console.log(
  '\n' +
    table(
      [
        'backend',
        'memories',
        'recall p50 ms',
        'p95',
        'p99',
        `>${BUDGET_MS}ms`,
        'insert/s',
        'insert/s (HNSW kept)',
        'HNSW build s',
        'vector plan',
      ],
      results.map((x) => [
        x.backend,
        x.memories,
        x.recall.p50,
        x.recall.p95,
        x.recall.p99,
        x.recall.overBudget,
        x.insertPerSec,
        x.insertWithIndexPerSec,
        x.hnswBuildS,
        x.plan,
      ]),
    ),
);
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  `bench-results/memory-${args.backends!.replace(/,/g, '-')}.json`,
  JSON.stringify(
    { users: USERS, queries: QUERIES, dims: DIMS, embedder: embedder.id, results },
    null,
    2,
  ),
);
