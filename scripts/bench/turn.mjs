#!/usr/bin/env node
/**
 * Performance budget of a streamed turn (npm run bench). Starts a mock
 * OpenAI-compatible server and the built Parley server on loopback, then
 * measures (a) server-added time to first token, (b) server CPU per 50-token
 * turn, (c) server RSS with 100 streams open. Writes bench-results/turn.json.
 * Options: --turns 200 --warmup 20 --concurrency 100 --tokens 50
 *   --token-delay-ms 2 --slow-token-delay-ms 100 --log-level info
 *   --embedded (skip PostgreSQL/Redis) --no-memory --cpu-prof --build
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyseProfile } from './lib/cpu-profile.mjs';
import { startMockOpenAI } from './lib/mock-openai.mjs';
import { setUpTenant } from './lib/parley-setup.mjs';
import { cpuMs, cpuTickMs, memoryMiB, syscalls, newestProfile } from './lib/server-process.mjs';
import { ADMIN_TOKEN, benchEnv, startStack } from './lib/stack.mjs';
import { agent, streamPost } from './lib/sse-request.mjs';
import { percentile, round, table } from './lib/stats.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    turns: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '100' },
    tokens: { type: 'string', default: '50' },
    'token-delay-ms': { type: 'string', default: '2' },
    'slow-token-delay-ms': { type: 'string', default: '100' },
    'turns-per-conversation': { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'info' },
    embedded: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    // Off isolates the turn itself from recall and background extraction.
    'no-memory': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results/turn.json' },
  },
});
const num = (name, min, max) => {
  const n = Number(opt[name]);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`bench: --${name} must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
};
const TURNS = num('turns', 1, 5000);
const WARMUP = num('warmup', 0, 1000);
const CONCURRENCY = num('concurrency', 1, 1000);
const TOKENS = num('tokens', 1, 2000);
const TOKEN_DELAY = num('token-delay-ms', 0, 1000);
const SLOW_DELAY = num('slow-token-delay-ms', 1, 5000);
const PER_CONVERSATION = num('turns-per-conversation', 1, 1000);
const BUDGET = { ttftMs: 2, cpuMsPerTurn: 2, rssMiB: 150 };
const resultsDir = path.join(root, path.dirname(opt.out));
mkdirSync(resultsDir, { recursive: true });
const log = (...a) => console.log('[bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- build -----------------------------------------------------------------
if (opt.build || !existsSync(path.join(root, 'packages/server/dist/bin.js'))) {
  log('building @parley/sdk and @parley/server …');
  execFileSync('npm', ['run', 'build', '--silent', '-w', '@parley/sdk', '-w', '@parley/server'], {
    cwd: root,
    stdio: 'inherit',
  });
}

// --- services ----------------------------------------------------------------
const mock = await startMockOpenAI({ tokenCount: TOKENS, tokenDelayMs: TOKEN_DELAY });
const env = benchEnv(mock.url, opt['log-level']);
const profDir = opt['cpu-prof'] ? path.join(resultsDir, 'prof') : null;
if (profDir) {
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
}
const stack = await startStack({
  root,
  resultsDir,
  env,
  embedded: opt.embedded,
  cpuProfDir: profDir,
  log,
});
const { server, worker, mode } = stack;
log(
  `database: ${mode.database}; redis: ${mode.redis}; log level: ${env.LOG_LEVEL}; memory: ${opt['no-memory'] ? 'off' : 'on'}`,
);
for (const n of mode.notes) log(n);
log(`server pid ${server.pid} at ${server.url}; mock OpenAI at ${mock.url}`);
const rssAtStart = memoryMiB(server.pid).rss;

// --- helpers -----------------------------------------------------------------
const parley = await setUpTenant(server.url, ADMIN_TOKEN, { memory: !opt['no-memory'] });
const isParleyToken = (text) => text.includes('event: text.delta');
const isMockToken = (text) => text.includes('"delta":{"content":"');

async function parleyTurn(token, conversationId, content, onFirstToken) {
  const r = await streamPost(`${server.url}/v1/conversations/${conversationId}/messages`, {
    headers: { authorization: `Bearer ${token}` },
    body: { content },
    firstToken: isParleyToken,
    onFirstToken,
  });
  if (!r.text.includes('event: response.completed')) {
    throw new Error(`turn did not complete:\n${r.text.slice(-600)}`);
  }
  return r;
}

function directTurn(content) {
  return streamPost(`${mock.url}/chat/completions`, {
    headers: { authorization: 'Bearer test' },
    body: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content }],
      stream: true,
      stream_options: { include_usage: true },
    },
    firstToken: isMockToken,
  });
}

/** A user who talks in consecutive conversations of PER_CONVERSATION turns. */
async function sequentialUser(name) {
  const token = await parley.session(name);
  let conversationId = null;
  let turns = 0;
  return {
    async next() {
      if (turns++ % PER_CONVERSATION === 0) conversationId = await parley.conversation(token);
      return { token, conversationId };
    },
  };
}

const prompt = (i) => `I live in Lisbon and I like cycling. What should I do this weekend? (${i})`;

/** Waits until the server's CPU stops moving (background jobs done), at most 10 s. */
async function settle() {
  let last = cpuMs(server.pid);
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    const now = cpuMs(server.pid);
    if (now - last < 1) return;
    last = now;
  }
}

// --- sanity + warm-up --------------------------------------------------------
const user = await sequentialUser('bench-user');
{
  const { token, conversationId } = await user.next();
  const first = await parleyTurn(token, conversationId, prompt(0));
  const started = /event: response\.started\ndata: (.*)\n/.exec(first.text);
  const info = started ? JSON.parse(started[1]) : null;
  const deltas = first.text.split('event: text.delta').length - 1;
  if (!info || info.offline || info.provider !== 'openai' || deltas !== TOKENS) {
    throw new Error(
      `expected ${TOKENS} deltas from openai, got ${deltas} from ${JSON.stringify(info)}`,
    );
  }
  log(`sanity: ${deltas} text.delta events from ${info.provider}:${info.model}`);
}
for (let i = 0; i < WARMUP; i++) {
  const { token, conversationId } = await user.next();
  await directTurn(prompt(i));
  await parleyTurn(token, conversationId, prompt(i));
}
await settle();
log(
  `warm-up done (${WARMUP} turns); memory extraction calls so far: ${mock.state.extractionRequests}`,
);

// --- (a) added time to first token ------------------------------------------
const ttft = { parley: [], direct: [] };
for (let i = 0; i < TURNS; i++) {
  const { token, conversationId } = await user.next();
  ttft.direct.push((await directTurn(prompt(i))).ttftMs);
  ttft.parley.push((await parleyTurn(token, conversationId, prompt(i))).ttftMs);
}
const ttftRow = (p) => ({
  parley: percentile(ttft.parley, p),
  direct: percentile(ttft.direct, p),
  added: percentile(ttft.parley, p) - percentile(ttft.direct, p),
});
const ttftResult = { p50: ttftRow(50), p95: ttftRow(95), turns: TURNS };
log(`(a) TTFT added p50 ${round(ttftResult.p50.added)} ms, p95 ${round(ttftResult.p95.added)} ms`);

// --- (b) CPU per turn --------------------------------------------------------
await settle();
const idleStart = cpuMs(server.pid);
await sleep(2000);
const idleRatePerMs = (cpuMs(server.pid) - idleStart) / 2000;
const conversations = [];
for (let i = 0; i < TURNS; i++) conversations.push(await user.next());
const cpuBefore = cpuMs(server.pid);
const workerBefore = worker ? cpuMs(worker.pid) : 0;
const sysBefore = syscalls(server.pid);
const tStart = performance.now();
const profileFromUs = Number(process.hrtime.bigint() / 1000n);
for (let i = 0; i < TURNS; i++) {
  const { token, conversationId } = conversations[i];
  await parleyTurn(token, conversationId, prompt(i));
}
const hotElapsed = performance.now() - tStart;
const cpuHot = cpuMs(server.pid);
const sysHot = syscalls(server.pid);
await settle();
const profileToUs = Number(process.hrtime.bigint() / 1000n);
const allElapsed = performance.now() - tStart;
const cpuAll = cpuMs(server.pid);
const workerAfter = worker ? cpuMs(worker.pid) : 0;
const cpuResult = {
  turns: TURNS,
  tickMs: cpuTickMs(),
  perTurnMs: (cpuHot - cpuBefore - idleRatePerMs * hotElapsed) / TURNS,
  perTurnWithBackgroundMs: (cpuAll - cpuBefore - idleRatePerMs * allElapsed) / TURNS,
  idleMsPerSecond: idleRatePerMs * 1000,
  // Background jobs (memory extraction) in the separate worker process, when there is one.
  workerPerTurnMs: worker ? (workerAfter - workerBefore) / TURNS : null,
  wallMsPerTurn: hotElapsed / TURNS,
  // Every socket write and read is a system call; this shows how well events are coalesced.
  writeSyscallsPerTurn: (sysHot.writes - sysBefore.writes) / TURNS,
  readSyscallsPerTurn: (sysHot.reads - sysBefore.reads) / TURNS,
};
log(
  `(b) CPU per turn ${round(cpuResult.perTurnMs)} ms (with background jobs ${round(cpuResult.perTurnWithBackgroundMs)} ms); ` +
    (worker ? `worker ${round(cpuResult.workerPerTurnMs)} ms; ` : '') +
    `${round(cpuResult.writeSyscallsPerTurn, 1)} write / ${round(cpuResult.readSyscallsPerTurn, 1)} read syscalls per turn`,
);

// --- (c) RSS with N streams open --------------------------------------------
await settle();
const rssIdle = memoryMiB(server.pid);
mock.setTokenDelay(SLOW_DELAY);
const streams = [];
const users = Math.max(1, Math.ceil(CONCURRENCY / 10));
const slots = [];
for (let u = 0; u < users; u++) {
  const token = await parley.session(`bench-concurrent-${u}`);
  for (let c = 0; c < 10 && slots.length < CONCURRENCY; c++) {
    slots.push({ token, conversationId: await parley.conversation(token) });
  }
}
let firstTokens = 0;
const outcomes = { completed: 0, failed: 0, firstError: null };
for (const [i, s] of slots.entries()) {
  streams.push(
    parleyTurn(s.token, s.conversationId, prompt(i), () => firstTokens++).then(
      () => outcomes.completed++,
      (err) => {
        outcomes.failed++;
        outcomes.firstError ??= err.message.slice(0, 300);
      },
    ),
  );
}
const openDeadline = Date.now() + 60_000;
while (firstTokens < CONCURRENCY && Date.now() < openDeadline) await sleep(20);
const samples = [];
for (let i = 0; i < 5; i++) {
  samples.push(memoryMiB(server.pid).rss);
  await sleep(200);
}
const streaming = firstTokens;
await Promise.all(streams);
const rssResult = {
  concurrency: CONCURRENCY,
  streamingWhenSampled: streaming,
  atStartMiB: rssAtStart,
  idleMiB: rssIdle.rss,
  peakWhileStreamingMiB: Math.max(...samples),
  highWaterMiB: memoryMiB(server.pid).hwm,
  tokenDelayMs: SLOW_DELAY,
  ...outcomes,
};
log(
  `(c) RSS with ${streaming} streams open: ${round(rssResult.peakWhileStreamingMiB, 1)} MiB ` +
    `(at start ${round(rssAtStart, 1)} MiB, idle before the streams ${round(rssIdle.rss, 1)} MiB)`,
);
if (outcomes.failed) log(`(c) ${outcomes.failed} streams failed, first: ${outcomes.firstError}`);

// --- shut down, profile -------------------------------------------------------
await stack.stop();
await mock.close();
agent.destroy();
let profile = null;
if (profDir) {
  const file = newestProfile(profDir);
  if (file) {
    profile = {
      file: path.relative(root, file),
      window: 'the (b) CPU phase',
      ...analyseProfile(file, { fromUs: profileFromUs, toUs: profileToUs, root, limit: 15 }),
    };
  }
}

// --- report -----------------------------------------------------------------
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const budget = [
  {
    metric: 'added TTFT p50',
    value: ttftResult.p50.added,
    unit: 'ms',
    budget: `≤ ${BUDGET.ttftMs} ms`,
    pass: ttftResult.p50.added <= BUDGET.ttftMs,
  },
  {
    metric: 'added TTFT p95 (info)',
    value: ttftResult.p95.added,
    unit: 'ms',
    budget: '-',
    pass: null,
  },
  {
    metric: `CPU per ${TOKENS}-token turn`,
    value: cpuResult.perTurnMs,
    unit: 'ms',
    budget: `≤ ${BUDGET.cpuMsPerTurn} ms`,
    pass: cpuResult.perTurnMs <= BUDGET.cpuMsPerTurn,
  },
  {
    metric: 'CPU per turn incl. background jobs (info)',
    value: cpuResult.perTurnWithBackgroundMs,
    unit: 'ms',
    budget: '-',
    pass: null,
  },
  {
    metric: `RSS with ${CONCURRENCY} streams open`,
    value: rssResult.peakWhileStreamingMiB,
    unit: 'MiB',
    budget: `< ${BUDGET.rssMiB} MiB`,
    pass:
      rssResult.peakWhileStreamingMiB < BUDGET.rssMiB &&
      streaming === CONCURRENCY &&
      outcomes.failed === 0,
  },
];

console.log('');
console.log(
  table(
    ['', 'p50 ms', 'p95 ms'],
    [
      ['TTFT through Parley', round(ttftResult.p50.parley), round(ttftResult.p95.parley)],
      ['TTFT mock directly', round(ttftResult.p50.direct), round(ttftResult.p95.direct)],
      ['added by Parley', round(ttftResult.p50.added), round(ttftResult.p95.added)],
    ],
  ),
);
console.log('');
console.log(
  table(
    ['metric', 'value', 'budget', 'result'],
    budget.map((b) => [
      b.metric,
      `${round(b.value, 2)} ${b.unit}`,
      b.budget,
      b.pass === null ? '' : verdict(b.pass),
    ]),
  ),
);
if (profile) {
  console.log(
    `\nCPU profile (${profile.file}), ${profile.windowed ? profile.window : 'whole run'}: ${round(profile.busyMs)} ms busy`,
  );
  console.log(
    table(
      ['self ms', '%', 'function', 'mostly called from'],
      profile.functions.map((f) => [
        round(f.selfMs, 1),
        round(f.percent, 1),
        f.name,
        f.via ? `${f.via} (${Math.round(f.viaPercent)}%)` : '',
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['self ms', '%', 'package'],
      profile.packages.map((f) => [round(f.selfMs, 1), round(f.percent, 1), f.name]),
    ),
  );
}

const result = {
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavg: os.loadavg().map((l) => round(l)),
  },
  mode: {
    ...mode,
    logLevel: env.LOG_LEVEL,
    memory: !opt['no-memory'],
    cpuProfiling: Boolean(profDir),
  },
  settings: {
    turns: TURNS,
    warmup: WARMUP,
    tokens: TOKENS,
    tokenDelayMs: TOKEN_DELAY,
    turnsPerConversation: PER_CONVERSATION,
  },
  ttft: ttftResult,
  cpu: cpuResult,
  rss: rssResult,
  budget,
  memoryExtractionCalls: mock.state.extractionRequests,
  profile,
};
writeFileSync(path.join(root, opt.out), JSON.stringify(result, null, 2) + '\n');
const failed = budget.some((b) => b.pass === false);
console.log(
  `\n${failed ? 'FAIL' : 'PASS'}: results in ${opt.out}${profDir ? ' (numbers inflated by --cpu-prof)' : ''}`,
);
process.exitCode = failed ? 1 : 0;
