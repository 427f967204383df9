/**
 * Recall-quality eval (not a test): synthetic users talk over three sessions:
 * they state facts among small talk and distractors, later correct some of
 * them, then ask questions whose answer is one current fact. Every user
 * message goes through the real extraction job (offline provider → rules,
 * hashing embedder), then each question is recalled three ways.
 *
 * Reports recall@5 / recall@10 of the current fact and how often a
 * superseded fact is still in the top 5, for vector-only, full-text-only and
 * hybrid recall, and for an append-only store (every fact added, nothing
 * updated) as the baseline the update logic is meant to beat.
 *
 * Run: npx tsx --conditions parley-source scripts/bench/memory-eval.ts [--users 100]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../packages/server/src/config/env.js';
import { createApp } from '../../packages/server/src/create-app.js';
import { openDatabase } from '../../packages/server/src/db/connect.js';
import type { AppServices } from '../../packages/server/src/app-services.js';
import { applyDecisions } from '../../packages/server/src/memory/extraction/apply-decisions.js';
import { runExtraction } from '../../packages/server/src/memory/extraction/extract-job.js';
import { extractFactsByRules } from '../../packages/server/src/memory/extraction/rule-extractor.js';
import type { SearchMode } from '../../packages/server/src/memory/hybrid-search.js';
import { memoryPolicy } from '../../packages/server/src/memory/memory-policy.js';
import { recall } from '../../packages/server/src/memory/recall.js';
import { OfflineProvider } from '../../packages/server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../packages/server/src/providers/registry.js';
import { table } from './lib/stats.mjs';
import {
  ALLERGENS,
  CITIES,
  COMPANIES,
  FOODS,
  HOBBIES,
  JOBS,
  PEOPLE,
  RELATIVES,
  pick,
  rng,
} from './memory/corpus.js';

const { values: args } = parseArgs({
  options: { users: { type: 'string', default: '100' }, floors: { type: 'string', default: '' } },
});
const USERS = Number(args.users);
const DRINKS = [
  'green tea',
  'black coffee',
  'sparkling water',
  'oat milk lattes',
  'herbal tea',
  'espresso',
];
const SMALL_TALK = [
  'Hi there!',
  'Thanks, that helps.',
  'How are you today?',
  'Can you explain how tides work?',
  'lol ok',
  'What time is it in Tokyo?',
  'Tell me a joke about cats.',
  'Good night!',
];

interface Probe {
  question: string;
  /** Text of the memory that answers it, as the extractor phrases it; null: off-topic, nothing should come back. */
  answer: string | null;
  /** Text of the fact it replaced, if the user corrected it. */
  stale: string | null;
}

interface Script {
  sessions: string[][];
  probes: Probe[];
}

/** One user's three sessions and questions. */
function script(r: () => number): Script {
  const distinct = <T>(xs: readonly T[]): [T, T] => {
    const a = pick(r, xs);
    let b = pick(r, xs);
    while (b === a) b = pick(r, xs);
    return [a, b];
  };
  const [cityA, cityB] = distinct(CITIES);
  const [coA, coB] = distinct(COMPANIES);
  const [foodA, foodB] = distinct(FOODS);
  const [drinkA, drinkB] = distinct(DRINKS);
  const job = pick(r, JOBS);
  const allergen = pick(r, ALLERGENS);
  const hobbies = Array.from({ length: 6 }, () => pick(r, HOBBIES));
  const filler = () => `I enjoy ${hobbies.pop() ?? pick(r, HOBBIES)}.`;
  const chatter = () => pick(r, SMALL_TALK);
  const other = () => `My ${pick(r, RELATIVES)} ${pick(r, PEOPLE)} lives in ${pick(r, CITIES)}.`;
  const s1 = [
    chatter(),
    `I live in ${cityA}.`,
    other(),
    `I work at ${coA}.`,
    filler(),
    `My favourite food is ${foodA}.`,
    chatter(),
    `I'm allergic to ${allergen}.`,
    `I prefer ${drinkA} in the morning.`,
    filler(),
    `I work as a ${job}.`,
    chatter(),
  ];
  const s2 = [
    chatter(),
    `I moved to ${cityB} last month.`,
    `I really love ${cityA} food though.`, // mentions the old city: a distractor
    filler(),
    `I now work at ${coB}.`,
    other(),
    `My favourite food is ${foodB} now.`,
    `I prefer ${drinkB} these days.`, // no slot: rules cannot tell it replaces the old drink
    filler(),
    chatter(),
  ];
  const s3 = [filler(), chatter()];
  return {
    sessions: [s1, s2, s3],
    probes: [
      {
        question: "What's the weather like where I live?",
        answer: `User lives in ${cityB}`,
        stale: `User lives in ${cityA}`,
      },
      {
        question: 'Which city am I based in these days?',
        answer: `User lives in ${cityB}`,
        stale: `User lives in ${cityA}`,
      },
      {
        question: 'Where do I work?',
        answer: `User works at ${coB}`,
        stale: `User works at ${coA}`,
      },
      {
        question: "Remind me of my company's name",
        answer: `User works at ${coB}`,
        stale: `User works at ${coA}`,
      },
      {
        question: "What's my favourite food?",
        answer: `User's favourite food is ${foodB}`,
        stale: `User's favourite food is ${foodA}`,
      },
      {
        question: 'What should I drink this morning? You know what I prefer.',
        answer: `User prefers ${drinkB}`,
        stale: `User prefers ${drinkA} in the morning`,
      },
      {
        question: 'Is there anything I am allergic to?',
        answer: `User is allergic to ${allergen}`,
        stale: null,
      },
      { question: 'What do I do for a living?', answer: `User works as a ${job}`, stale: null },
      { question: 'Tell me a joke about penguins', answer: null, stale: null },
      { question: 'How do tides work?', answer: null, stale: null },
    ],
  };
}

const same = (a: string, b: string) =>
  a.toLowerCase().replace(/[^a-z0-9 ]/g, '') === b.toLowerCase().replace(/[^a-z0-9 ]/g, '');

async function main(): Promise<void> {
  const db = await openDatabase({ url: process.env.EVAL_DATABASE_URL ?? null, dataDir: null });
  const app = await createApp(
    loadConfig({}, { logLevel: 'silent', jwtSecret: 'x'.repeat(32), memoryCleanupIntervalMs: 0 }),
    {
      db,
      providers: new ProviderRegistry().register(new OfflineProvider(0)),
      defaultModels: ['offline:offline'],
      log: pino({ level: 'silent' }),
    },
  );
  const services: AppServices = app.services;
  const knex = services.knex;
  try {
    const [{ id: tenantId }] = await knex('tenants').insert({ name: 'eval' }).returning('id');
    const [{ id: baselineTenant }] = await knex('tenants')
      .insert({ name: 'append-only' })
      .returning('id');
    const policy = memoryPolicy({});
    const r = rng(2026);
    const users: {
      owner: { tenantId: string; userId: string };
      baseline: { tenantId: string; userId: string };
      probes: Probe[];
    }[] = [];
    let messages = 0;
    const t0 = performance.now();
    for (let u = 0; u < USERS; u++) {
      const s = script(r);
      const [{ id: userId }] = await knex('users').insert({ tenant_id: tenantId }).returning('id');
      const [{ id: baseUser }] = await knex('users')
        .insert({ tenant_id: baselineTenant })
        .returning('id');
      const owner = { tenantId, userId };
      const baseline = { tenantId: baselineTenant, userId: baseUser };
      for (const session of s.sessions) {
        const [{ id: conversationId }] = await knex('conversations')
          .insert({ tenant_id: tenantId, user_id: userId })
          .returning('id');
        let seq = 0;
        for (const content of session) {
          const [{ id: messageId }] = await knex('messages')
            .insert({
              tenant_id: tenantId,
              user_id: userId,
              conversation_id: conversationId,
              role: 'user',
              content,
              seq: ++seq,
            })
            .returning('id');
          await runExtraction(services, {
            ...owner,
            conversationId,
            userMessageId: messageId,
            assistantMessageId: null,
          });
          // Baseline: the same facts, every one added, nothing compared or replaced.
          const facts = extractFactsByRules(content).filter((f) => !f.forget);
          await applyDecisions(
            knex,
            services.memory.embedder,
            baseline,
            facts.map((fact) => ({ event: 'ADD' as const, fact })),
            { policy, sourceMessageIds: [messageId] },
          );
          messages++;
        }
      }
      users.push({ owner, baseline, probes: s.probes });
    }
    const ingestS = (performance.now() - t0) / 1000;

    type Row = {
      store: string;
      mode: SearchMode;
      floor: number;
      at5: number;
      at10: number;
      stale5: number;
      staleProbes: number;
      probes: number;
      offTopic: number;
      falseRecall: number;
    };
    const rows: Row[] = [];
    const embedder = services.memory.embedder;
    const defaultFloor = embedder.similarity.relevant;
    const floors = args.floors ? args.floors.split(',').map(Number) : [defaultFloor];
    let stored = 0;
    let expected = 0;
    for (const floor of floors)
      for (const store of ['update', 'append-only'] as const) {
        for (const mode of ['vector', 'text', 'hybrid'] as const) {
          if (mode === 'text' && floor !== floors[0]) continue; // the floor only gates vector matches
          // Sweep of the embedder's noise floor (vector-only matches below it are dropped).
          Object.defineProperty(embedder, 'similarity', {
            value: { ...embedder.similarity, relevant: floor },
          });
          const row: Row = {
            store,
            mode,
            floor,
            at5: 0,
            at10: 0,
            stale5: 0,
            staleProbes: 0,
            probes: 0,
            offTopic: 0,
            falseRecall: 0,
          };
          for (const u of users) {
            const owner = store === 'update' ? u.owner : u.baseline;
            for (const p of u.probes) {
              const res = await recall(services, owner, p.question, {
                budgetMs: 60_000,
                mode,
                includeMessages: false,
                maxMemories: 10,
                memoryTokens: 100_000,
              });
              const texts = res.memories.map((m) => m.text);
              if (p.answer === null) {
                row.offTopic++;
                if (texts.length > 0) row.falseRecall++;
                continue;
              }
              const rank = texts.findIndex((t) => same(t, p.answer!));
              row.probes++;
              if (rank >= 0 && rank < 5) row.at5++;
              if (rank >= 0 && rank < 10) row.at10++;
              if (p.stale) {
                row.staleProbes++;
                if (texts.slice(0, 5).some((t) => same(t, p.stale!))) row.stale5++;
              }
            }
          }
          rows.push(row);
        }
      }
    Object.defineProperty(embedder, 'similarity', {
      value: { ...embedder.similarity, relevant: defaultFloor },
    });
    // How many answers the rule extractor stored at all (an upper bound on recall).
    for (const u of users) {
      const current = await knex('memories')
        .where({ user_id: u.owner.userId })
        .whereNull('invalidated_at')
        .pluck('text');
      for (const p of u.probes) {
        if (p.answer === null) continue;
        expected++;
        if (current.some((t: string) => same(t, p.answer!))) stored++;
      }
    }
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
    console.log(
      `users ${USERS}, user messages ${messages}, answerable probes per row ${rows[0]!.probes}, off-topic ${rows[0]!.offTopic}; ingest ${ingestS.toFixed(1)} s`,
    );
    console.log(`answers present as current memories after extraction: ${pct(stored, expected)}`);
    console.log(
      table(
        [
          'store',
          'recall',
          'vector floor',
          'recall@5',
          'recall@10',
          'superseded in top 5',
          'off-topic with recall',
        ],
        rows.map((x) => [
          x.store,
          x.mode,
          x.mode === 'text' ? '-' : x.floor,
          pct(x.at5, x.probes),
          pct(x.at10, x.probes),
          pct(x.stale5, x.staleProbes),
          pct(x.falseRecall, x.offTopic),
        ]),
      ),
    );
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      'bench-results/memory-eval.json',
      JSON.stringify({ users: USERS, messages, answersStored: stored / expected, rows }, null, 2),
    );
  } finally {
    await app.close();
    await db.close();
  }
}

await main();
