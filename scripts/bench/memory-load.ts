/**
 * Recall under load (`npm run bench:memory-load`): 100k memories and 1M
 * messages on PostgreSQL, then concurrent recalls (default 10 at a time),
 * each exactly what a turn runs (`recall()` with the deployment's budget).
 * Reports p50/p95/p99 latency and the share of recalls over budget
 * (degraded). Not a test: numbers depend on the machine and its load.
 *
 * Seeding is set-based: a pool of realistic turns and memories (from the
 * eval's conversation generator) is embedded once in JS, then
 * `generate_series` spreads it over users in a few statements; indexes are
 * built after the data, as a restore would. Minutes, not hours.
 *
 * Options: --users 2000 --messages 1000000 --memories 100000 --concurrency 10
 *          --recalls 5000 --budget 50 --keep (reuse the seeded database)
 * PostgreSQL: the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
 * database parley_bench_recall (dropped and re-created unless --keep finds it seeded).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import pino from 'pino';
import type { Database } from '../../packages/server/src/db/connect.js';
import { migrateLatest, openDatabase } from '../../packages/server/src/db/connect.js';
import type { SqlClient, Statement } from '../../packages/server/src/db/sql-client.js';
import { toVectorLiteral } from '../../packages/server/src/memory/embedder.js';
import { HashingEmbedder } from '../../packages/server/src/memory/hashing-embedder.js';
import { MemoryService } from '../../packages/server/src/memory/memory-service.js';
import { recall } from '../../packages/server/src/memory/recall.js';
import { percentile, round, table } from './lib/stats.mjs';
import { rng } from './memory/corpus.js';
import { userScript } from './memory-eval/user-script.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    messages: { type: 'string', default: '1000000' },
    memories: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '10' },
    recalls: { type: 'string', default: '5000' },
    budget: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const MESSAGES = Number(args.messages);
const MEMORIES = Number(args.memories);
const CONCURRENCY = Number(args.concurrency);
const RECALLS = Number(args.recalls);
const BUDGET_MS = Number(args.budget);
const DB = 'parley_bench_recall';
const embedder = new HashingEmbedder(512);

function serverUrl(db: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${db}`;
  return url.toString();
}

async function admin<T>(fn: (k: Knex) => Promise<T>): Promise<T> {
  const k = knexFactory({
    client: 'pg',
    connection: serverUrl('postgres'),
    pool: { min: 0, max: 1 },
  });
  try {
    return await fn(k);
  } finally {
    await k.destroy();
  }
}

async function seeded(knex: Knex): Promise<boolean> {
  try {
    const [row] = await knex('messages').count('* as n');
    return Number(row?.n) >= MESSAGES;
  } catch {
    return false;
  }
}

/** Distinct texts to spread over users: turns and what the extractor stores about them. */
function pools(): {
  turns: { role: string; text: string }[];
  memories: string[];
  questions: string[];
} {
  const turns = new Map<string, string>();
  const questions = new Set<string>();
  for (let seed = 1; seed <= 12; seed++) {
    const s = userScript(5000 + seed, new Date());
    for (const t of s.sessions.flat()) turns.set(t.text, t.role);
    for (const q of s.questions) questions.add(q.text);
  }
  const r = rng(99);
  const memories = [...turns.entries()]
    .filter(([, role]) => role === 'user')
    .map(([text]) => `User said: ${text}`)
    .filter(() => r() < 0.5);
  return {
    turns: [...turns.entries()].map(([text, role]) => ({ role, text })),
    memories,
    questions: [...questions],
  };
}

async function seed(knex: Knex): Promise<void> {
  const t0 = performance.now();
  const p = pools();
  const step = (what: string) =>
    console.log(`${what} (${round((performance.now() - t0) / 1000, 1)} s)`);
  await knex.raw(
    'create temp table if not exists _pool (i int, role text, content text, embedding vector(512))',
  );
  await knex.raw(
    'create temp table if not exists _mpool (i int, text text, embedding vector(512))',
  );
  const vt = await embedder.embed(p.turns.map((t) => t.text));
  for (let i = 0; i < p.turns.length; i += 500) {
    await knex('_pool').insert(
      p.turns.slice(i, i + 500).map((t, j) => ({
        i: i + j,
        role: t.role,
        content: t.text,
        embedding: toVectorLiteral(vt[i + j]!),
      })),
    );
  }
  const vm = await embedder.embed(p.memories);
  for (let i = 0; i < p.memories.length; i += 500) {
    await knex('_mpool').insert(
      p.memories.slice(i, i + 500).map((text, j) => ({
        i: i + j,
        text,
        embedding: toVectorLiteral(vm[i + j]!),
      })),
    );
  }
  step(`pools: ${p.turns.length} turns, ${p.memories.length} memories`);
  const [{ id: tenantId }] = await knex('tenants').insert({ name: 'load' }).returning('id');
  await knex.raw(
    `insert into users (tenant_id, external_id) select ?, 'u' || g from generate_series(1, ?) g`,
    [tenantId, USERS],
  );
  await knex.raw(
    `create temp table _users as select id, row_number() over (order by id) - 1 as n from users where tenant_id = ?`,
    [tenantId],
  );
  // 20 conversations per user.
  await knex.raw(
    `insert into conversations (tenant_id, user_id, created_at)
     select ?, u.id, now() - interval '1 day' * (400 - c * 20) from _users u, generate_series(0, 19) c`,
    [tenantId],
  );
  await knex.raw(
    `create temp table _convs as select id, user_id, row_number() over (partition by user_id order by created_at) - 1 as c from conversations where tenant_id = ?`,
    [tenantId],
  );
  step('users and conversations');
  // Indexes that a bulk load would rebuild afterwards.
  for (const idx of [
    'messages_embedding_hnsw_idx',
    'messages_search_tsv_idx',
    'memories_embedding_hnsw_idx',
    'memories_search_tsv_idx',
  ])
    await knex.raw(`drop index if exists ${idx}`);
  const poolSize = p.turns.length;
  const perUser = Math.ceil(MESSAGES / USERS);
  await knex.raw(
    `insert into messages (tenant_id, user_id, conversation_id, role, content, seq, embedding, created_at)
     select ?, u.id, cv.id, pl.role, pl.content, g % ? + 1, pl.embedding,
            now() - interval '1 minute' * (? - g % ?) * 20
       from generate_series(0::bigint, ? - 1) g
       join _users u on u.n = g / ?
       join _convs cv on cv.user_id = u.id and cv.c = (g % ?) * 20 / ?
       join _pool pl on pl.i = (g * 7919 + g / ? * 104729) % ?`,
    [tenantId, perUser, perUser, perUser, MESSAGES, perUser, perUser, perUser, perUser, poolSize],
  );
  step(`${MESSAGES} messages`);
  const memPerUser = Math.ceil(MEMORIES / USERS);
  await knex.raw(
    `insert into memories (tenant_id, user_id, text, kind, importance, embedding, created_at, updated_at)
     select ?, u.id, mp.text, 'fact', 0.5, mp.embedding, now() - interval '1 day' * (g % 300), now() - interval '1 day' * (g % 300)
       from generate_series(0::bigint, ? - 1) g
       join _users u on u.n = g / ?
       join _mpool mp on mp.i = (g * 7919) % ?`,
    [tenantId, MEMORIES, memPerUser, p.memories.length],
  );
  step(`${MEMORIES} memories`);
  await knex.raw('create index messages_search_tsv_idx on messages using gin (search_tsv)');
  await knex.raw('create index memories_search_tsv_idx on memories using gin (search_tsv)');
  step('GIN indexes');
  await knex.transaction(async (trx) => {
    await trx.raw(`set local maintenance_work_mem = '4GB'`);
    await trx.raw(
      'create index memories_embedding_hnsw_idx on memories using hnsw (embedding vector_cosine_ops)',
    );
    await trx.raw(
      'create index messages_embedding_hnsw_idx on messages using hnsw (embedding vector_cosine_ops)',
    );
  });
  step('HNSW indexes');
  await knex.raw('vacuum analyze messages');
  await knex.raw('vacuum analyze memories');
  await knex.raw('vacuum analyze conversations');
  step('vacuum analyze');
}

async function main(): Promise<void> {
  const exists = await admin(async (k) => {
    const { rows } = await k.raw('select 1 from pg_database where datname = ?', [DB]);
    return rows.length > 0;
  });
  if (!args.keep || !exists) {
    await admin((k) => k.raw(`drop database if exists ${DB} with (force)`));
    await admin((k) => k.raw(`create database ${DB}`));
  }
  const db = await openDatabase({
    url: serverUrl(DB),
    dataDir: null,
    embeddingDimensions: 512,
    pool: { min: CONCURRENCY, max: CONCURRENCY },
  });
  try {
    await migrateLatest(db);
    const knex = db.knex;
    if (!(await seeded(knex))) await seed(knex);
    const { questions } = pools();
    const owners: { tenantId: string; userId: string }[] = (
      await knex('users').select('tenant_id', 'id').limit(USERS)
    ).map((u: { tenant_id: string; id: string }) => ({ tenantId: u.tenant_id, userId: u.id }));
    const ports = {
      sql: db.sql,
      log: pino({ level: 'silent' }),
      memory: new MemoryService(embedder, { recallBudgetMs: BUDGET_MS, cleanupIntervalMs: 0 }),
    };
    const r = rng(7);
    const times: number[] = [];
    let degraded = 0;
    let items = 0;
    let next = 0;
    const load0 = loadavg()[0]!;
    const db0 = postgresCpuMs();
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < RECALLS) {
        next++;
        const owner = owners[Math.floor(r() * owners.length)]!;
        const q = questions[Math.floor(r() * questions.length)]!;
        const s = performance.now();
        const res = await recall(ports, owner, q, { budgetMs: BUDGET_MS });
        times.push(performance.now() - s);
        if (res.degraded) degraded++;
        items += res.memories.length + res.passages.length;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wall = (performance.now() - t0) / 1000;
    const dbCpu = postgresCpuMs() - db0;
    const nodeCpu = process.cpuUsage(node0);
    const plan = await explain(db, owners[0]!, questions[0]!);
    const result = {
      users: USERS,
      messages: MESSAGES,
      memories: MEMORIES,
      concurrency: CONCURRENCY,
      recalls: times.length,
      budgetMs: BUDGET_MS,
      p50: round(percentile(times, 50), 2),
      p95: round(percentile(times, 95), 2),
      p99: round(percentile(times, 99), 2),
      max: round(Math.max(...times), 2),
      overBudgetPct: round((100 * degraded) / times.length, 2),
      recallsPerSec: round(times.length / wall, 1),
      meanItems: round(items / times.length, 2),
      // CPU per recall is what the budget is about on a shared machine; wall time also counts waiting for a core.
      dbCpuMsPerRecall: round(dbCpu / times.length, 2),
      nodeCpuMsPerRecall: round((nodeCpu.user + nodeCpu.system) / 1000 / times.length, 2),
      // System time is mostly socket reads and writes (one round trip per recall).
      nodeSysMsPerRecall: round(nodeCpu.system / 1000 / times.length, 2),
      loadAvgBefore: round(load0, 2),
      loadAvgAfter: round(loadavg()[0]!, 2),
    };
    console.log(table(Object.keys(result), [Object.values(result).map(String)]));
    console.log(`\nplan of one recall statement (EXPLAIN ANALYZE, abridged):\n${plan}`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/memory-load.json', JSON.stringify({ ...result, plan }, null, 2));
  } finally {
    await db.close();
  }
}

/** CPU time of the postgres backends serving the bench database (the server is local), from /proc. */
function postgresCpuMs(): number {
  const tick = 10; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DB)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      // the process ended while we read
    }
  }
  return total;
}

/** EXPLAIN ANALYZE of the recall statement for one user, to show which indexes it uses. */
async function explain(
  db: Database,
  owner: { tenantId: string; userId: string },
  q: string,
): Promise<string> {
  let captured = '';
  const spy: SqlClient = {
    query: async (s: Statement, values: unknown[]) => {
      const plan = await db.sql.query<Record<string, string>>(
        { name: `${s.name}_explain`, text: `explain (analyze, buffers, costs off) ${s.text}` },
        values,
      );
      captured = plan
        .map((x) => x['QUERY PLAN']!)
        .filter((l) => /Scan|Execution Time|Planning Time/.test(l))
        .slice(0, 40)
        .join('\n');
      return [];
    },
  } as SqlClient;
  await recall(
    {
      sql: spy,
      log: pino({ level: 'silent' }),
      memory: new MemoryService(embedder, { recallBudgetMs: 60_000, cleanupIntervalMs: 0 }),
    },
    owner,
    q,
    { budgetMs: 60_000 },
  );
  return captured;
}

await main();
