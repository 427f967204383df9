#!/usr/bin/env node
/**
 * Realtime load on one instance (npm run bench:realtime), loopback only:
 * N idle authenticated WebSockets, then M turns streaming over WebSocket at
 * once, then R clients that drop mid-answer and resume with their last seq.
 *
 * Per-event latency is "the mock model wrote the token → the client parsed
 * its text.delta": every token's text is the epoch time of its write
 * (performance.timeOrigin + now(), same machine clock in both processes).
 * Resume latency is "the client starts reconnecting → it has parsed the
 * first event it had missed".
 *
 * Options: --idle 10000 --streaming 1000 --users 1000 --tokens 50
 *   --token-delay-ms 20 --ramp-ms 1000 --resume 200 --embedded --log-level warn
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { startMockOpenAI } from './lib/mock-openai.mjs';
import { setUpTenant } from './lib/parley-setup.mjs';
import { memoryMiB } from './lib/server-process.mjs';
import { ADMIN_TOKEN, benchEnv, startStack } from './lib/stack.mjs';
import { percentile, round, table } from './lib/stats.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    idle: { type: 'string', default: '10000' },
    streaming: { type: 'string', default: '1000' },
    users: { type: 'string', default: '1000' },
    tokens: { type: 'string', default: '50' },
    'token-delay-ms': { type: 'string', default: '20' },
    'ramp-ms': { type: 'string', default: '1000' },
    resume: { type: 'string', default: '200' },
    'log-level': { type: 'string', default: 'warn' },
    embedded: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/realtime.json' },
  },
});
const int = (name) => {
  const n = Number(opt[name]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`bench:realtime: --${name} must be a non-negative integer`);
    process.exit(2);
  }
  return n;
};
const IDLE = int('idle');
const STREAMING = int('streaming');
const USERS = Math.max(1, int('users'));
const TOKENS = Math.max(1, int('tokens'));
const RAMP_MS = int('ramp-ms');
const RESUME = int('resume');
const TARGET = { rssMiB: 400, eventP99Ms: 50, resumeP99Ms: 100 };
const resultsDir = path.join(root, path.dirname(opt.out));
mkdirSync(resultsDir, { recursive: true });
const log = (...a) => console.log('[realtime]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

if (!existsSync(path.join(root, 'packages/server/dist/bin.js'))) {
  log('building …');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

const mock = await startMockOpenAI({
  tokenCount: TOKENS,
  tokenDelayMs: int('token-delay-ms'),
  stamp: true,
});
const env = benchEnv(mock.url, opt['log-level']);
const stack = await startStack({ root, resultsDir, env, embedded: opt.embedded, log });
const { server, mode } = stack;
log(`database: ${mode.database}; redis: ${mode.redis}; server pid ${server.pid}`);
const wsUrl = server.url.replace('http', 'ws') + '/v1/ws';
const parley = await setUpTenant(server.url, ADMIN_TOKEN);

/** Runs fn over items with at most `width` in flight. */
async function inBatches(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return out;
}

/** An authenticated socket, resolved once the server said `ready`. */
function openSocket(token, onFrame = () => {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, ['parley.v1', `parley.token.${token}`], {
      perMessageDeflate: false,
    });
    ws.once('error', reject);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ready') resolve(ws);
      else onFrame(frame);
    });
    ws.once('close', (code) => reject(new Error(`closed ${code} before ready`)));
  });
}

const sampleRss = () => memoryMiB(server.pid).rss;
const rss = { atStart: sampleRss() };

// --- users -------------------------------------------------------------------
const tokens = await inBatches(
  Array.from({ length: USERS }, (_, i) => `rt-user-${i}`),
  20,
  (name) => parley.session(name),
);
log(`${USERS} users have sessions`);

// --- idle sockets ----------------------------------------------------------------
const openStart = performance.now();
const idleSockets = await inBatches(
  Array.from({ length: IDLE }, (_, i) => tokens[i % USERS]),
  200,
  (token) => openSocket(token),
);
const idleOpenS = (performance.now() - openStart) / 1000;
await sleep(1000);
rss.idle = sampleRss();
log(`${IDLE} idle sockets open in ${round(idleOpenS, 1)} s; server RSS ${round(rss.idle, 1)} MiB`);

// --- streaming ---------------------------------------------------------------------
function streamingClient(i) {
  const turn = { tokens: 0, latencies: [], completed: false, failed: null, lastSeq: 0 };
  const onFrame = (frame) => {
    if (typeof frame.seq === 'number') turn.lastSeq = Math.max(turn.lastSeq, frame.seq);
    if (frame.type === 'text.delta') {
      const at = now();
      for (const m of frame.delta.matchAll(/t(\d+\.\d+)/g)) {
        turn.latencies.push(at - Number(m[1]));
        turn.tokens++;
      }
    } else if (frame.type === 'response.completed') turn.completed = true;
    else if (frame.type === 'response.failed' || frame.type === 'error')
      turn.failed = JSON.stringify(frame).slice(0, 200);
  };
  return { turn, onFrame, token: tokens[i % USERS] };
}

const clients = Array.from({ length: STREAMING }, (_, i) => streamingClient(i));
const conversations = await inBatches(clients, 20, (c) => parley.conversation(c.token));
const streamSockets = await inBatches(clients, 200, (c) => openSocket(c.token, c.onFrame));
rss.beforeStreaming = sampleRss();
let peak = rss.beforeStreaming;
const sampler = setInterval(() => (peak = Math.max(peak, sampleRss())), 50);
const streamStart = performance.now();
for (const [i, ws] of streamSockets.entries()) {
  // Real traffic is not synchronised: starts spread over the ramp.
  setTimeout(
    () =>
      ws.send(
        JSON.stringify({
          type: 'message.send',
          conversationId: conversations[i],
          content: `What should I do this weekend? (${i})`,
        }),
      ),
    (RAMP_MS * i) / Math.max(1, STREAMING),
  );
}
const streamDeadline = performance.now() + 180_000;
const settled = () => clients.filter((c) => c.turn.completed || c.turn.failed).length;
while (settled() < STREAMING && performance.now() < streamDeadline) await sleep(50);
clearInterval(sampler);
const streamS = (performance.now() - streamStart) / 1000;
rss.peakStreaming = peak;
const latencies = clients.flatMap((c) => c.turn.latencies);
const stream = {
  turns: STREAMING,
  completed: clients.filter((c) => c.turn.completed).length,
  failed: clients.filter((c) => c.turn.failed).length,
  firstFailure: clients.find((c) => c.turn.failed)?.turn.failed ?? null,
  tokensExpected: STREAMING * TOKENS,
  tokensReceived: latencies.length,
  dropped: STREAMING * TOKENS - latencies.length,
  wallS: streamS,
  eventLatencyMs: {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  },
};
log(
  `${stream.completed}/${STREAMING} turns completed in ${round(streamS, 1)} s; ` +
    `per-event p50 ${round(stream.eventLatencyMs.p50)} / p99 ${round(stream.eventLatencyMs.p99)} ms; ` +
    `dropped ${stream.dropped}; peak RSS ${round(peak, 1)} MiB`,
);
for (const ws of streamSockets) ws.close();

// --- resume --------------------------------------------------------------------------
/**
 * Starts a turn, drops the socket after `dropAfter` tokens, reconnects at once
 * and subscribes after the last seq it saw; checks nothing is missing or doubled.
 */
async function resumeOne(i, dropAfter = 10) {
  const token = tokens[i % USERS];
  const conversationId = await parley.conversation(token);
  const seen = new Set();
  let duplicate = 0;
  let lastSeq = 0;
  let count = 0;
  const onDelta = (frame) => {
    for (const m of frame.delta.matchAll(/t(\d+\.\d+)/g)) {
      if (seen.has(m[1])) duplicate++;
      seen.add(m[1]);
      count++;
    }
  };
  const first = await new Promise((resolve, reject) => {
    let ws;
    openSocket(token, (frame) => {
      if (typeof frame.seq === 'number') lastSeq = Math.max(lastSeq, frame.seq);
      if (frame.type === 'text.delta') {
        onDelta(frame);
        if (count >= dropAfter) {
          ws.terminate();
          resolve();
        }
      }
      if (frame.type === 'response.completed') resolve();
    }).then((socket) => {
      ws = socket;
      ws.send(JSON.stringify({ type: 'message.send', conversationId, content: `resume ${i}` }));
    }, reject);
  }).then(() => lastSeq);
  const t0 = performance.now();
  let resumeMs = null;
  let completed = false;
  const ws = await openSocket(token, (frame) => {
    if (typeof frame.seq === 'number' && frame.seq > first && resumeMs === null) {
      resumeMs = performance.now() - t0;
    }
    if (frame.type === 'text.delta') onDelta(frame);
    if (frame.type === 'response.completed') completed = true;
  });
  ws.send(JSON.stringify({ type: 'subscribe', conversationId, afterSeq: first }));
  const deadline = performance.now() + 60_000;
  while (!completed && performance.now() < deadline) await sleep(20);
  ws.close();
  return { resumeMs, completed, tokens: count, duplicate };
}

const resumed = await inBatches(
  Array.from({ length: RESUME }, (_, i) => i),
  50,
  (i) => resumeOne(i),
);
const resumeLatencies = resumed.map((r) => r.resumeMs).filter((v) => v !== null);
const resume = {
  clients: RESUME,
  completed: resumed.filter((r) => r.completed).length,
  exact: resumed.filter((r) => r.completed && r.tokens === TOKENS && r.duplicate === 0).length,
  missing: resumed.reduce((n, r) => n + Math.max(0, TOKENS - r.tokens), 0),
  duplicates: resumed.reduce((n, r) => n + r.duplicate, 0),
  latencyMs: {
    p50: percentile(resumeLatencies, 50),
    p95: percentile(resumeLatencies, 95),
    p99: percentile(resumeLatencies, 99),
  },
};
log(
  `resume: ${resume.exact}/${RESUME} exact; p50 ${round(resume.latencyMs.p50)} / p99 ${round(resume.latencyMs.p99)} ms`,
);

for (const ws of idleSockets) ws.terminate();
await stack.stop();
await mock.close();

// --- report ----------------------------------------------------------------------------
const rows = [
  [
    `RSS, ${IDLE} idle + ${STREAMING} streaming`,
    round(rss.peakStreaming, 1),
    `< ${TARGET.rssMiB} MiB`,
  ],
  ['per-event latency p99', round(stream.eventLatencyMs.p99, 2), `< ${TARGET.eventP99Ms} ms`],
  ['dropped tokens', stream.dropped, '0'],
  ['resume latency p99', round(resume.latencyMs.p99, 2), `< ${TARGET.resumeP99Ms} ms`],
  ['resumed exactly (no gap, no duplicate)', `${resume.exact}/${RESUME}`, `${RESUME}/${RESUME}`],
];
const pass =
  rss.peakStreaming < TARGET.rssMiB &&
  stream.eventLatencyMs.p99 < TARGET.eventP99Ms &&
  stream.dropped === 0 &&
  stream.failed === 0 &&
  resume.latencyMs.p99 < TARGET.resumeP99Ms &&
  resume.exact === RESUME;
console.log('\n' + table(['metric', 'value', 'target'], rows));
console.log(
  `\nRSS: at start ${round(rss.atStart, 1)}, ${IDLE} idle ${round(rss.idle, 1)}, ` +
    `before streaming ${round(rss.beforeStreaming, 1)}, peak ${round(rss.peakStreaming, 1)} MiB`,
);
console.log(`verdict: ${pass ? 'PASS' : 'FAIL'}`);
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavg: os.loadavg().map((l) => round(l)),
    node: process.version,
  },
  mode,
  options: opt,
  idle: { sockets: IDLE, openS: idleOpenS },
  rss,
  stream,
  resume,
  pass,
};
writeFileSync(path.join(root, opt.out), JSON.stringify(result, null, 2) + '\n');
log(`results in ${opt.out}`);
process.exit(pass ? 0 : 1);
