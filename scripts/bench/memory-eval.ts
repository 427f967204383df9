/**
 * Recall-quality eval on long conversations (`npm run bench:memory-eval`).
 * Not a test: it prints a table and writes bench-results/memory-eval.json.
 *
 * Synthetic users (scripts/bench/memory-eval/user-script.ts) each talk with
 * the assistant over 24 sessions and ~600 turns spread across a year; every
 * turn goes through the real extraction job. Questions of four kinds
 * (single fact, multi-hop, temporal, open-ended, plus off-topic ones with no
 * answer) are asked in new conversations, and stay in the user's history
 * afterwards, as they would. The metric is evidence recall of what the turn
 * puts into the prompt: the share of a question's evidence turns that are
 * in a recalled passage (or its neighbour) or behind a recalled memory.
 * Baseline: plain BM25 over the same turns, top 10 and top "our mean".
 *
 * Training users (seeds 1..N) choose the thresholds (--calibrate prints the
 * sweep); held-out users (seeds 1001..) only report.
 *
 * Run: npm run bench:memory-eval -- [--train 6] [--held-out 6] [--calibrate]
 *      [--embedder hashing|local]   EVAL_DATABASE_URL=postgres://… to use PostgreSQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { AppServices } from '../../packages/server/src/app-services.js';
import { loadConfig } from '../../packages/server/src/config/env.js';
import { createApp } from '../../packages/server/src/create-app.js';
import { openDatabase } from '../../packages/server/src/db/connect.js';
import type { RecallResult, SearchMode } from '../../packages/server/src/memory/recall.js';
import { RECALL_CANDIDATES, recall } from '../../packages/server/src/memory/recall.js';
import { DEFAULT_TUNING } from '../../packages/server/src/memory/recall/tuning.js';
import { searchHits } from '../../packages/server/src/memory/search/candidate-search.js';
import { isQuestion } from '../../packages/server/src/memory/recall/turn-shape.js';
import { queryTerms } from '../../packages/server/src/memory/search/query-terms.js';
import { OfflineProvider } from '../../packages/server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../packages/server/src/providers/registry.js';
import { round, table } from './lib/stats.mjs';
import { rng } from './memory/corpus.js';
import { Bm25Index, analyse } from './memory-eval/bm25-baseline.js';
import type { CachedSearch } from './memory-eval/calibrate.js';
import { calibrate, score } from './memory-eval/calibrate.js';
import { coveredTurns, evidenceRecall, mean, promptTurns } from './memory-eval/evidence-metrics.js';
import { ingestUser, storeQuestion } from './memory-eval/ingest.js';
import type { QuestionKind } from './memory-eval/script-types.js';
import { userScript } from './memory-eval/user-script.js';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '6' },
    'held-out': { type: 'string', default: '6' },
    calibrate: { type: 'boolean', default: false },
    embedder: { type: 'string', default: 'hashing' },
    show: { type: 'string', default: '0' },
  },
});
const MODES: SearchMode[] = ['hybrid', 'text', 'vector'];

interface Row {
  split: 'train' | 'held-out';
  kind: QuestionKind;
  recall: Record<SearchMode, number>;
  items: Record<SearchMode, number>;
  turns: number;
  /** BM25 ranking of the evidence: recall at each k from 1 to 20. */
  bm25AtK: number[];
  /** The same, with the user's own questions left out of the ranking (a stronger baseline). */
  bm25NoQuestionsAtK: number[];
}

async function main(): Promise<void> {
  const db = await openDatabase({ url: process.env.EVAL_DATABASE_URL ?? null, dataDir: null });
  const app = await createApp(
    loadConfig(
      { PARLEY_EMBEDDER: args.embedder },
      { logLevel: 'silent', jwtSecret: 'x'.repeat(32), memoryCleanupIntervalMs: 0 },
    ),
    {
      db,
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      defaultModels: ['offline:offline'],
      log: pino({ level: 'silent' }),
    },
  );
  const services: AppServices = app.services;
  const knex = services.knex;
  const rows: Row[] = [];
  const cache: CachedSearch[] = [];
  let turnsTotal = 0;
  let sessionsTotal = 0;
  let memoriesTotal = 0;
  const t0 = performance.now();
  try {
    const [{ id: tenantId }] = await knex('tenants').insert({ name: 'eval' }).returning('id');
    const seeds: [number, Row['split']][] = [
      ...Array.from(
        { length: Number(args.train) },
        (_, i) => [i + 1, 'train'] as [number, Row['split']],
      ),
      ...Array.from(
        { length: Number(args['held-out']) },
        (_, i) => [1001 + i, 'held-out'] as [number, Row['split']],
      ),
    ];
    for (const [seed, split] of seeds) {
      const now = new Date();
      const script = userScript(seed, now);
      const [{ id: userId }] = await knex('users').insert({ tenant_id: tenantId }).returning('id');
      const owner = { tenantId, userId };
      const ids = await ingestUser(services, owner, script);
      sessionsTotal += script.sessions.length;
      turnsTotal += ids.size;
      memoriesTotal += Number(
        (
          await knex('memories')
            .where({ user_id: userId })
            .whereNull('invalidated_at')
            .count('* as n')
        )[0]!.n,
      );
      const bm25 = await Bm25Index.forUser(knex, owner, new Set(ids.values()));
      const userQuestions = new Set(
        script.sessions
          .flat()
          .filter((t) => t.role === 'user' && isQuestion(t.text))
          .map((t) => ids.get(t.key)!),
      );
      const order = rng(seed * 7919);
      const questions = [...script.questions].sort(() => order() - 0.5);
      for (const q of questions) {
        const evidence = q.evidence.map((k) => ids.get(k)!);
        const [{ id: conversationId }] = await knex('conversations')
          .insert({ tenant_id: tenantId, user_id: userId })
          .returning('id');
        const results = {} as Record<SearchMode, RecallResult>;
        for (const mode of MODES) {
          results[mode] = await recall(services, owner, q.text, {
            budgetMs: 60_000,
            conversationId,
            mode,
          });
        }
        cache.push({
          split,
          evidence,
          now: Date.now(),
          found: await searchHits(services.sql, owner, {
            terms: queryTerms(q.text),
            vector: await services.memory.embedQuery(owner, q.text),
            memories: {
              lexical: RECALL_CANDIDATES.memoryLexical,
              vector: RECALL_CANDIDATES.memoryVector,
            },
            messages: {
              excludeConversationId: conversationId,
              lexical: RECALL_CANDIDATES.messageLexical,
              vector: services.memory.embedder.lexical ? 0 : RECALL_CANDIDATES.messageVector,
              vectorWindow: RECALL_CANDIDATES.messageVectorWindow,
            },
            perTerm: RECALL_CANDIDATES.perTerm,
          }),
        });
        const analysed = await analyse(knex, q.text);
        const ranked = bm25.search(analysed, 20);
        const statements = bm25.search(analysed, 20, userQuestions);
        if (rows.length < Number(args.show))
          await show(knex, q.text, q.kind, evidence, ranked, results.hybrid);
        rows.push({
          split,
          kind: q.kind,
          recall: Object.fromEntries(
            MODES.map((m) => [m, evidenceRecall(evidence, coveredTurns(results[m]))]),
          ) as Record<SearchMode, number>,
          items: Object.fromEntries(
            MODES.map((m) => [m, results[m].memories.length + results[m].passages.length]),
          ) as Record<SearchMode, number>,
          turns: promptTurns(results.hybrid),
          bm25AtK: Array.from({ length: 21 }, (_, k) =>
            evidenceRecall(evidence, new Set(ranked.slice(0, k))),
          ),
          bm25NoQuestionsAtK: Array.from({ length: 21 }, (_, k) =>
            evidenceRecall(evidence, new Set(statements.slice(0, k))),
          ),
        });
        await storeQuestion(services, owner, conversationId, q.text, new Date());
      }
    }
  } finally {
    await app.close();
    await db.close();
  }

  const users = Number(args.train) + Number(args['held-out']);
  console.log(
    `${users} users (${args.train} train, ${args['held-out']} held-out), ${sessionsTotal} sessions, ${turnsTotal} turns, ` +
      `${memoriesTotal} current memories extracted, ${rows.length} questions; embedder ${args.embedder}; ` +
      `${round((performance.now() - t0) / 1000, 1)} s`,
  );
  const report: Record<string, unknown> = {
    users,
    turns: turnsTotal,
    sessions: sessionsTotal,
    rows,
  };
  for (const split of ['train', 'held-out'] as const) {
    const mine = rows.filter((r) => r.split === split);
    console.log(`\n${split} users`);
    console.log(
      table(HEADERS, [
        ...KINDS.map((k) =>
          line(
            k,
            mine.filter((r) => r.kind === k),
          ),
        ),
        line(
          'all',
          mine.filter((r) => r.kind !== 'off-topic'),
        ),
      ]),
    );
    const off = mine.filter((r) => r.kind === 'off-topic');
    console.log(
      `off-topic questions: ${off.length}, mean items recalled ${round(mean(off.map((r) => r.items.hybrid)), 2)}, ` +
        `with anything recalled ${round((100 * off.filter((r) => r.items.hybrid > 0).length) / Math.max(1, off.length), 1)} %`,
    );
  }

  if (args.calibrate) {
    const floor = services.memory.embedder.similarity.relevant;
    const train = cache.filter((c) => c.split === 'train');
    const held = cache.filter((c) => c.split === 'held-out');
    const sweep = calibrate(train, floor);
    console.log(
      '\ncalibration on training users (top 8 of the grid; objective = recall - 0.02 × off-topic items)',
    );
    console.log(
      table(
        [
          'b',
          'lexicalFloor',
          'vectorFloor',
          'vectorWeight',
          'relativeFloor',
          'train recall',
          'items',
          'off-topic items',
          'held-out recall',
        ],
        sweep.slice(0, 8).map((x) => {
          const h = score(held, x.tuning, floor);
          return [
            x.tuning.b,
            x.tuning.lexicalFloor,
            x.tuning.vectorFloor,
            x.tuning.vectorWeight,
            x.tuning.relativeFloor,
            round(x.score.recall, 3),
            round(x.score.items, 2),
            round(x.score.offTopicItems, 2),
            round(h.recall, 3),
          ];
        }),
      ),
    );
    const current = score(train, DEFAULT_TUNING, floor);
    console.log(
      `current defaults on train: recall ${round(current.recall, 3)}, items ${round(current.items, 2)}, off-topic items ${round(current.offTopicItems, 2)}`,
    );
    report.calibration = sweep.slice(0, 20);
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/memory-eval.json', JSON.stringify(report, null, 2));
}

/** --show N: the first N questions with their evidence, BM25's top 10 and what recall put in the prompt. */
async function show(
  knex: AppServices['knex'],
  question: string,
  kind: string,
  evidence: string[],
  ranked: string[],
  r: RecallResult,
): Promise<void> {
  const text = new Map<string, string>(
    (
      await knex('messages')
        .whereIn('id', [...evidence, ...ranked.slice(0, 10)])
        .select('id', 'content', 'role')
    ).map((m: { id: string; content: string; role: string }) => [m.id, `${m.role}: ${m.content}`]),
  );
  const covered = coveredTurns(r);
  console.log(`\n[${kind}] ${question}`);
  for (const id of evidence)
    console.log(
      `  evidence ${covered.has(id) ? '✓' : '✗'} ${ranked.slice(0, 10).includes(id) ? 'bm25✓' : 'bm25✗'} ${text.get(id)}`,
    );
  for (const id of ranked.slice(0, 10)) console.log(`  bm25   ${text.get(id)}`);
  for (const m of r.memories)
    console.log(`  memory ${m.score.toFixed(2)} ${m.retriever} ${m.text}`);
  for (const p of r.passages)
    console.log(
      `  passage ${p.score.toFixed(2)} ${p.retriever} ${p.before ? `[${p.before.text}] → ` : ''}${p.role}: ${p.text}${p.after ? ` → [${p.after.text}]` : ''}`,
    );
}

const KINDS: QuestionKind[] = ['single', 'multi-hop', 'temporal', 'open'];
const HEADERS = [
  'kind',
  'n',
  'Parley',
  'lexical only',
  'vector only',
  'BM25@10',
  'ratio',
  'items',
  'BM25@items',
  'turns',
  'BM25@turns',
  'BM25@10 no questions',
  'ratio',
];

/** BM25 recall at a fractional k, interpolated between its neighbours. */
function bm25At(rs: Row[], k: number, field: 'bm25AtK' | 'bm25NoQuestionsAtK' = 'bm25AtK'): number {
  const lo = Math.floor(k);
  const hi = Math.min(20, lo + 1);
  const at = (i: number) => mean(rs.map((r) => r[field][Math.min(20, i)]!));
  return at(lo) + (at(hi) - at(lo)) * (k - lo);
}

function line(kind: string, rs: Row[]): (string | number)[] {
  const parley = mean(rs.map((r) => r.recall.hybrid));
  const b10 = bm25At(rs, 10);
  const items = mean(rs.map((r) => r.items.hybrid));
  const turns = mean(rs.map((r) => r.turns));
  return [
    kind,
    rs.length,
    round(parley, 3),
    round(mean(rs.map((r) => r.recall.text)), 3),
    round(mean(rs.map((r) => r.recall.vector)), 3),
    round(b10, 3),
    b10 > 0 ? `${round(parley / b10, 2)}x` : '-',
    round(items, 2),
    round(bm25At(rs, items), 3),
    round(turns, 2),
    round(bm25At(rs, turns), 3),
    round(bm25At(rs, 10, 'bm25NoQuestionsAtK'), 3),
    `${round(parley / Math.max(1e-9, bm25At(rs, 10, 'bm25NoQuestionsAtK')), 2)}x`,
  ];
}

await main();
