/**
 * CPU of the recall statement alone (`npm run bench:memory-statement`), on
 * the database `npm run bench:memory-load` seeded (run that once first).
 * Captures the statements of N recalls (random users, eval questions), then
 * runs them on ONE connection, one after another, and reads that backend's
 * CPU from /proc/<pid>/schedstat (nanoseconds) around each: sub-millisecond
 * differences show through a loaded machine, where the load bench's 10 ms
 * ticks and waiting for a core blur them. Client CPU is the pg driver's.
 *
 * Options: --recalls 400 --reps 2
 *          --variant path/to/rewrite.mjs (default export (sql) => sql: a changed
 *          statement to compare, run alternately with the shipped one)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../../packages/server/src/db/connect.js';
import type { SqlClient, Statement } from '../../packages/server/src/db/sql-client.js';
import { HashingEmbedder } from '../../packages/server/src/memory/hashing-embedder.js';
import { MemoryService } from '../../packages/server/src/memory/memory-service.js';
import { recall } from '../../packages/server/src/memory/recall.js';
import { rng } from './memory/corpus.js';
import { userScript } from './memory-eval/user-script.js';

const { values: args } = parseArgs({
  options: {
    recalls: { type: 'string', default: '400' },
    reps: { type: 'string', default: '2' },
    variant: { type: 'string' },
  },
});
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
url.pathname = '/parley_bench_recall';

interface Captured {
  text: string;
  values: unknown[];
}

/** The statements recall() would send, without running them. */
async function capture(n: number): Promise<Captured[]> {
  const db = await openDatabase({ url: url.toString(), dataDir: null, embeddingDimensions: 512 });
  try {
    const users: { tenant_id: string; id: string }[] = await db
      .knex('users')
      .select('tenant_id', 'id');
    const questions = [
      ...new Set(
        Array.from({ length: 12 }, (_, i) => userScript(5001 + i, new Date()).questions)
          .flat()
          .map((q) => q.text),
      ),
    ];
    const out: Captured[] = [];
    const sql: SqlClient = {
      query: async <R>(s: Statement, values: unknown[]): Promise<R[]> => {
        out.push({ text: s.text, values });
        return [];
      },
    };
    const ports = {
      sql,
      log: pino({ level: 'silent' }),
      memory: new MemoryService(new HashingEmbedder(512), {
        recallBudgetMs: 60_000,
        cleanupIntervalMs: 0,
      }),
    };
    const r = rng(11);
    for (let i = 0; i < n; i++) {
      const u = users[Math.floor(r() * users.length)]!;
      const q = questions[Math.floor(r() * questions.length)]!;
      await recall(ports, { tenantId: u.tenant_id, userId: u.id }, q, { budgetMs: 60_000 });
    }
    return out;
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const statements = await capture(Number(args.recalls));
  const rewrite = args.variant
    ? (
        (await import(new URL(args.variant, `file://${process.cwd()}/`).href)) as {
          default: (sql: string) => string;
        }
      ).default
    : null;
  const variants = [{ name: 'shipped', f: (s: string) => s }];
  if (rewrite) variants.push({ name: args.variant!, f: rewrite });

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('set hnsw.iterative_scan = relaxed_order'); // as the server's connections
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const schedstat = `/proc/${rows[0]!.pid}/schedstat`;
    const cpuNs = (): number => Number(readFileSync(schedstat, 'utf8').split(' ')[0]);
    const names = new Map<string, string>();
    const totals = variants.map(() => ({ db: 0, client: 0, rows: 0, n: 0 }));
    const run = async (v: number, s: Captured, measure: boolean): Promise<void> => {
      const text = variants[v]!.f(s.text);
      let name = names.get(text);
      if (!name) names.set(text, (name = `bench_recall_${names.size}`));
      const d0 = cpuNs();
      const c0 = process.cpuUsage();
      const res = await client.query({ name, text, values: s.values });
      const c = process.cpuUsage(c0);
      const d = cpuNs() - d0;
      if (!measure) return;
      const t = totals[v]!;
      t.db += d;
      t.client += c.user + c.system;
      t.rows += res.rows.length;
      t.n++;
    };
    // Prepare and warm every variant, then alternate them statement by statement.
    for (const s of statements.slice(0, 20))
      for (let v = 0; v < variants.length; v++) await run(v, s, false);
    for (let k = 0; k < Number(args.reps); k++)
      for (const s of statements)
        for (let i = 0; i < variants.length; i++) await run((i + k) % variants.length, s, true);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    for (const [i, t] of totals.entries())
      console.log(
        `${variants[i]!.name}: ${t.n} statements, DB CPU ${(t.db / t.n / 1e6).toFixed(3)} ms, ` +
          `client CPU ${(t.client / t.n / 1e3).toFixed(3)} ms, ${(t.rows / t.n).toFixed(1)} rows (load ${load})`,
      );
  } finally {
    await client.end();
  }
}

await main();
