/**
 * The fault table of "Streams that survive faults", re-run at its original
 * scale against real server processes, PostgreSQL and Redis
 * (npm run bench:faults). Each row prints what happened; nothing here is
 * a test (the assertions live in packages/server/test/faults/).
 *
 * Options: --sigterm-turns 200 --outage-s 20 --after-s 30 --users 50 --readers 10
 *   --only sigterm,pg,redis,stall,breaker,fanout,readers,long
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { WebSocket } from 'ws';
import type { ParleyEvent } from '@parley/sdk/protocol';
import type { ChildServer } from '../../packages/server/test/helpers/child-server.js';
import { lastOf, openSse, textOf } from '../../packages/server/test/helpers/sse-stream.js';
import { startTcpProxy } from '../../packages/server/test/helpers/tcp-proxy.js';
import type { Cluster, FaultUser } from '../../packages/server/test/faults/fault-cluster.js';
import {
  LONG,
  openCluster,
  request,
  tenantOn,
} from '../../packages/server/test/faults/fault-cluster.js';
import { startMockOpenAI } from './lib/mock-openai.mjs';
import { memoryMiB } from './lib/server-process.mjs';
import { percentile, round, table } from './lib/stats.mjs';

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/parley_test';
process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    'sigterm-turns': { type: 'string', default: '200' },
    'outage-s': { type: 'string', default: '20' },
    'after-s': { type: 'string', default: '30' },
    users: { type: 'string', default: '50' },
    readers: { type: 'string', default: '10' },
    only: { type: 'string', default: '' },
    out: { type: 'string', default: 'bench/results/faults.json' },
  },
});
const only = new Set(opt.only ? opt.only.split(',') : []);
const wanted = (row: string) => only.size === 0 || only.has(row);
const log = (...a: unknown[]) => console.log('[faults]', ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number) => round(performance.now() - t0, 0);

type Row = { row: string; result: string; data: Record<string, unknown> };
const rows: Row[] = [];
const report = (row: string, result: string, data: Record<string, unknown>) => {
  rows.push({ row, result, data });
  log(`${row}: ${result}`);
};

const send = (server: ChildServer, user: FaultUser, conv: string, content: string) =>
  openSse(`${server.url}/v1/conversations/${conv}/messages`, {
    method: 'POST',
    token: user.token,
    body: { content },
  });

async function stored(server: ChildServer, user: FaultUser, conv: string) {
  const r = await request(`${server.url}/v1/conversations/${conv}/messages`, 'GET', user.token);
  return (r.body?.data ?? []) as Array<{ role: string; status: string; content: string }>;
}

/** Users with one conversation each, on a fresh tenant. */
async function usersOn(server: ChildServer, n: number, tag: string) {
  const make = await tenantOn(server.url);
  const users: FaultUser[] = [];
  for (let i = 0; i < n; i++) users.push(await make(`${tag}-${i}`));
  const convs = await Promise.all(users.map((u) => u.newConversation(server.url)));
  return { users, convs };
}

/** Does the conversation accept a new message now? (a stuck lock answers 409) */
async function acceptsNow(server: ChildServer, user: FaultUser, conv: string): Promise<number> {
  const s = await send(server, user, conv, 'are you there?');
  s.abort();
  return s.status;
}

async function sigterm(cluster: Cluster, drainMs: string) {
  const n = Number(opt['sigterm-turns']);
  const a = await cluster.start({ PARLEY_DRAIN_TIMEOUT_MS: drainMs });
  const { users, convs } = await usersOn(a, n, `drain${drainMs}`);
  const streams = await Promise.all(users.map((u, i) => send(a, u, convs[i]!, LONG(`d${i}`))));
  await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'text.delta')));
  const t0 = performance.now();
  a.kill('SIGTERM');
  const exit = await a.exited;
  const exitMs = ms(t0);
  await Promise.all(streams.map((s) => s.ended));
  const b = await cluster.start();
  let noFinal = 0;
  let lost = 0;
  let completed = 0;
  let locked = 0;
  for (const [i, s] of streams.entries()) {
    const end = lastOf(s.events);
    if (!end) noFinal++;
    if (end?.type === 'response.completed') completed++;
    const last = (await stored(b, users[i]!, convs[i]!)).at(-1);
    if (last?.role !== 'assistant' || last.content !== textOf(s.events)) lost++;
    if ((await acceptsNow(b, users[i]!, convs[i]!)) === 409) locked++;
  }
  b.kill('SIGKILL');
  report(
    `SIGTERM with ${n} turns streaming (drain ${drainMs} ms)`,
    `exit ${exit.code === 0 ? 'code 0' : JSON.stringify(exit)} in ${exitMs} ms; ${completed} completed, ` +
      `${n - completed - noFinal} told to retry; ${lost} partial answers lost; ${locked} conversations locked; ` +
      `${noFinal} clients without a final event`,
    { exitMs, completed, lost, locked, noFinal, turns: n },
  );
}

/**
 * Steady traffic from `users` users while a dependency goes away for the
 * outage and comes back; then `after-s` more seconds of traffic.
 */
async function outage(cluster: Cluster, which: 'pg' | 'redis') {
  const target = new URL(which === 'pg' ? cluster.databaseUrl : cluster.redisUrl);
  const proxy = await startTcpProxy({
    host: target.hostname,
    port: Number(target.port || (which === 'pg' ? 5432 : 6379)),
  });
  const via = new URL(target);
  via.port = String(proxy.port);
  const a = await cluster.start(
    which === 'pg' ? { DATABASE_URL: via.toString() } : { REDIS_URL: via.toString() },
  );
  const { users, convs } = await usersOn(a, Number(opt.users), which);
  type Turn = {
    user: number;
    phase: string;
    status: number;
    firstByteMs: number;
    end?: string;
    code?: string;
    storedFlag?: unknown;
    text: string;
    endPhase?: string;
  };
  const turns: Turn[] = [];
  let phase = 'before';
  let running = true;
  const loops = users.map(async (u, i) => {
    while (running) {
      const t0 = performance.now();
      const myPhase = phase;
      try {
        const s = await send(a, u, convs[i]!, LONG(`${which}${i}`));
        const turn: Turn = {
          user: i,
          phase: myPhase,
          status: s.status,
          firstByteMs: ms(t0),
          text: '',
        };
        await s.ended;
        const end = lastOf(s.events) as (ParleyEvent & { error?: any }) | undefined;
        turn.end = end?.type;
        turn.code = end?.error?.code;
        turn.storedFlag = end?.error?.details?.stored;
        turn.text = textOf(s.events);
        turn.endPhase = phase;
        turns.push(turn);
        if (s.status !== 200) await sleep(200);
      } catch {
        turns.push({ user: i, phase: myPhase, status: 0, firstByteMs: ms(t0), text: '' });
        await sleep(200);
      }
    }
  });
  await sleep(3000);
  phase = 'down';
  proxy.down();
  const readyT0 = performance.now();
  const ready = await fetch(`${a.url}/readyz`).then((r) => r.status);
  const readyMs = ms(readyT0);
  await sleep(Number(opt['outage-s']) * 1000);
  phase = 'after';
  proxy.up();
  await sleep(Number(opt['after-s']) * 1000);
  running = false;
  await Promise.all(loops);
  const exited = (await Promise.race([a.exited, sleep(0)])) !== undefined;
  const down = turns.filter((t) => t.phase === 'down');
  const refused = down.filter((t) => t.status === 503);
  const after = turns.filter((t) => t.phase === 'after');
  const busyAfter = after.filter((t) => t.status === 409).length;
  const status5xx = turns.filter((t) => t.status >= 500 && t.status !== 503).length;
  // Every client's last event against what the database holds for that conversation.
  let mismatched = 0;
  for (const [i, u] of users.entries()) {
    const last = turns.filter((t) => t.user === i && t.status === 200).at(-1);
    const rows = await stored(a, u, convs[i]!);
    const stillStreaming = rows.filter((r) => r.status === 'streaming').length;
    if (stillStreaming) mismatched++;
    if (last?.end === 'response.completed' && rows.at(-1)?.content !== last.text) mismatched++;
  }
  const told = turns.filter((t) => t.endPhase !== 'before' && t.end === 'response.failed');
  report(
    which === 'pg'
      ? `PostgreSQL unreachable ${opt['outage-s']} s under ${users.length} users' traffic`
      : `Redis unreachable ${opt['outage-s']} s under ${users.length} users' traffic`,
    `${exited ? 'server EXITED' : 'no crash'}; /readyz ${ready} in ${readyMs} ms; during the outage ${refused.length}/${down.length} ` +
      `new turns got 503 (first byte p50 ${round(
        percentile(
          refused.map((t) => t.firstByteMs),
          50,
        ),
      )} ms, ` +
      `max ${round(
        percentile(
          refused.map((t) => t.firstByteMs),
          100,
        ),
      )} ms); other 5xx ${status5xx}; ` +
      `${told.length} in-flight turns ended response.failed (${told.filter((t) => t.storedFlag === false).length} said stored:false); ` +
      `after recovery ${after.length} turns, ${busyAfter} refused as busy (409); ${mismatched} conversations where the client's last event and the database disagree`,
    {
      readyStatus: ready,
      readyMs,
      down: down.length,
      refused503: refused.length,
      other5xx: status5xx,
      after: after.length,
      busyAfter,
      mismatched,
    },
  );
  a.kill('SIGKILL');
  await proxy.close();
}

async function stall(cluster: Cluster, mock: any) {
  mock.state.stallAfter = 10;
  const a = await cluster.start({ OPENAI_API_KEY: 'test', OPENAI_BASE_URL: mock.url });
  const { users, convs } = await usersOn(a, 1, 'stall');
  const t0 = performance.now();
  const s = await send(a, users[0]!, convs[0]!, 'hello');
  await s.ended;
  const took = ms(t0);
  const last = (await stored(a, users[0]!, convs[0]!)).at(-1);
  mock.state.stallAfter = null;
  a.kill('SIGKILL');
  report(
    'model stalls after 10 tokens',
    `turn ended after ${round(took / 1000, 1)} s with ${lastOf(s.events)?.type}; stored ${last?.status} with ${textOf(s.events).split(' ').length} words`,
    { tookMs: took, end: lastOf(s.events)?.type, stored: last?.status },
  );
}

async function breaker(cluster: Cluster, mock: any) {
  const a = await cluster.start({
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: mock.url,
    PARLEY_BREAKER_FAILURES: '3',
  });
  const { users, convs } = await usersOn(a, 1, 'breaker');
  const [u, c] = [users[0]!, convs[0]!];
  mock.state.failing = true;
  let failed = 0;
  for (let i = 0; i < 5; i++) {
    const s = await send(a, u, c, `try ${i}`);
    await s.ended;
    if (lastOf(s.events)?.type !== 'response.completed') failed++;
  }
  mock.state.failing = false;
  const t0 = performance.now();
  const s = await send(a, u, c, 'and now?');
  await s.ended;
  const next = lastOf(s.events)?.type;
  a.kill('SIGKILL');
  report(
    'breaker open (5 failures, threshold 3, cool-down 30 s), model healthy again',
    `${failed}/5 turns failed while the model was down; the next turn: ${next} in ${ms(t0)} ms (no wait for the cool-down)`,
    { failed, next },
  );
}

async function fanout(cluster: Cluster) {
  const [a, b] = await Promise.all([cluster.start(), cluster.start()]);
  const { users, convs } = await usersOn(a, 1, 'fanout');
  const [u, c] = [users[0]!, convs[0]!];
  const seen = { a1: 0, a2: 0 };
  const open = (label: 'a1' | 'a2') =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${a.url.replace('http', 'ws')}/v1/ws`, [
        'parley.v1',
        `parley.token.${u.token}`,
      ]);
      ws.on('message', (d) => {
        const f = JSON.parse(String(d));
        if (f.type === 'ready') {
          ws.send(JSON.stringify({ type: 'subscribe', conversationId: c, afterSeq: 0 }));
          resolve(ws);
        }
        if (f.type === 'text.delta') seen[label]++;
      });
      ws.once('error', reject);
    });
  const [w1, w2] = await Promise.all([open('a1'), open('a2')]);
  const s = await send(b, u, c, LONG('fanout'));
  await s.waitFor((e) => e.type === 'text.delta');
  for (let i = 0; i < 100 && (seen.a1 < 3 || seen.a2 < 3); i++) await sleep(50);
  const liveBeforeCancel = { ...seen };
  const cancel = await request(`${a.url}/v1/conversations/${c}/cancel`, 'POST', u.token);
  await s.ended;
  await sleep(300);
  const onB = s.events.filter((e) => e.type === 'text.delta').length;
  w1.close();
  w2.close();
  a.kill('SIGKILL');
  b.kill('SIGKILL');
  report(
    'two instances: turn on B, two WebSockets on A, cancel sent to A',
    `B's client saw ${onB} deltas; socket 1 on A saw ${seen.a1} (${liveBeforeCancel.a1} before the cancel), socket 2 on A saw ${seen.a2}; ` +
      `cancel via A → ${cancel.status} ${JSON.stringify(cancel.body)}, the turn on B ended ${lastOf(s.events)?.type}`,
    { onB, ...seen, cancel: cancel.body },
  );
}

/** Readers that stop reading while long answers stream: server RSS stays bounded. */
async function readers(cluster: Cluster, mock: any) {
  const n = Number(opt.readers);
  const piece = 'x'.repeat(999) + ' ';
  mock.setAnswer(Array.from({ length: 5000 }, () => piece)); // 5 MB per answer
  mock.setTokenDelay(0);
  const a = await cluster.start({ OPENAI_API_KEY: 'test', OPENAI_BASE_URL: mock.url });
  const { users, convs } = await usersOn(a, n, 'readers');
  const rssBefore = memoryMiB(a.pid).rss;
  const requests = users.map(
    (u, i) =>
      new Promise<http.IncomingMessage>((resolve) => {
        const req = http.request(`${a.url}/v1/conversations/${convs[i]}/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${u.token}`,
            accept: 'text/event-stream',
            'content-type': 'application/json',
          },
        });
        req.on('response', (res) => {
          res.pause(); // a reader that never reads
          resolve(res);
        });
        req.end(JSON.stringify({ content: `long ${i}` }));
      }),
  );
  const responses = await Promise.all(requests);
  let peak = rssBefore;
  let done = 0;
  for (let t = 0; t < 600 && done < n; t++) {
    peak = Math.max(peak, memoryMiB(a.pid).rss);
    await sleep(100);
    done = 0;
    for (const [i, u] of users.entries()) {
      const last = (await stored(a, u, convs[i]!)).at(-1);
      if (last?.role === 'assistant' && last.status !== 'streaming') done++;
    }
  }
  const lengths = await Promise.all(
    users.map(async (u, i) => (await stored(a, u, convs[i]!)).at(-1)?.content.length ?? 0),
  );
  for (const r of responses) r.destroy();
  a.kill('SIGKILL');
  report(
    `${n} SSE readers that stop reading, 5 MB answers`,
    `server RSS ${round(rssBefore, 0)} → peak ${round(peak, 0)} MiB; ${done}/${n} answers stored, ` +
      `${lengths.filter((l) => l >= 5_000_000).length} of them in full (${round(Math.min(...lengths) / 1e6, 2)}–${round(Math.max(...lengths) / 1e6, 2)} MB)`,
    { rssBefore, peak, stored: done, lengths },
  );
}

async function longAnswer(cluster: Cluster, mock: any) {
  const piece = 'word '.repeat(200);
  mock.setAnswer(Array.from({ length: 2000 }, () => piece)); // 2 MB
  mock.setTokenDelay(0);
  const a = await cluster.start({ OPENAI_API_KEY: 'test', OPENAI_BASE_URL: mock.url });
  const { users, convs } = await usersOn(a, 1, 'long');
  const s = await send(a, users[0]!, convs[0]!, 'write a lot');
  await s.ended;
  const last = (await stored(a, users[0]!, convs[0]!)).at(-1);
  a.kill('SIGKILL');
  report(
    'an answer of 2 MB',
    `client got ${round(textOf(s.events).length / 1e6, 2)} MB and ${lastOf(s.events)?.type}; stored ${last?.status}, ${round((last?.content.length ?? 0) / 1e6, 2)} MB`,
    { end: lastOf(s.events)?.type, storedLength: last?.content.length },
  );
}

// Production defaults for the lease (the tests shorten it).
const cluster = await openCluster({ LOG_LEVEL: 'error', PARLEY_TURN_LEASE_MS: '10000' });
const mock = await startMockOpenAI({ tokenCount: 50, tokenDelayMs: 20 });
try {
  if (wanted('sigterm')) {
    await sigterm(cluster, '20000');
    await sigterm(cluster, '200');
  }
  if (wanted('pg')) await outage(cluster, 'pg');
  if (wanted('redis')) await outage(cluster, 'redis');
  if (wanted('stall')) await stall(cluster, mock);
  if (wanted('breaker')) await breaker(cluster, mock);
  if (wanted('fanout')) await fanout(cluster);
  if (wanted('readers')) await readers(cluster, mock);
  if (wanted('long')) await longAnswer(cluster, mock);
} finally {
  await cluster.close();
  await mock.close();
}
console.log(
  '\n' +
    table(
      ['fault', 'after'],
      rows.map((r) => [r.row, r.result]),
    ),
);
mkdirSync(path.join(root, path.dirname(opt.out)), { recursive: true });
writeFileSync(
  path.join(root, opt.out),
  JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n',
);
process.exit(0);
