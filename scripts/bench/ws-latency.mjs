#!/usr/bin/env node
/**
 * WebSocket per-event latency: time from the provider yielding a token to the
 * client having parsed its `text.delta`, measured in ONE process so both ends
 * read the same clock (the token text is the `performance.now()` at yield).
 * Same measurement over SSE for comparison, plus the round trip of a `ping`.
 * Server and client share this process (and its event loop), so the numbers
 * are an upper bound for the server's share. Embedded PGlite, in-process infra.
 *
 *   node --import tsx --conditions parley-source scripts/bench/ws-latency.mjs   # from source
 *   npm run build && node scripts/bench/ws-latency.mjs                         # built packages
 * Options: --turns 20 --tokens 50 --token-delay-ms 5
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { WebSocket } from 'ws';
import {
  createApp,
  createInfra,
  loadConfig,
  migrateLatest,
  openDatabase,
  ProviderRegistry,
} from '@parley/server';
import { percentile, round, table } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  options: {
    turns: { type: 'string', default: '20' },
    tokens: { type: 'string', default: '50' },
    'token-delay-ms': { type: 'string', default: '5' },
  },
});
const turns = Number(opt.turns);
const tokens = Number(opt.tokens);
const delayMs = Number(opt['token-delay-ms']);

/** A provider whose every token is the time it was produced. */
const clock = {
  id: 'clock',
  offline: false,
  async *stream({ signal }) {
    for (let i = 0; i < tokens && !signal.aborted; i++) {
      // Spread out like real tokens, so each one leaves in its own write.
      await new Promise((r) => setTimeout(r, delayMs));
      yield { type: 'text', text: `${performance.now()} ` };
    }
    yield { type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: tokens } };
  },
};

const ADMIN = 'bench-admin-token-0123456789';
const db = await openDatabase({ url: null, dataDir: null });
await migrateLatest(db);
const infra = await createInfra({ redisUrl: null });
const config = loadConfig(
  {},
  {
    adminToken: ADMIN,
    jwtSecret: 'bench-jwt-secret-0123456789-0123456789-abcdef',
    logLevel: 'silent',
    port: 0,
  },
);
const app = await createApp(config, {
  db,
  infra,
  providers: new ProviderRegistry().register(clock),
  defaultModels: ['clock:clock'],
  log: pino({ level: 'silent' }),
  migrate: false,
});
const server = await app.listen(0, '127.0.0.1');
const url = server.url;

async function call(method, path, token, body) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const tenant = await call('POST', '/v1/admin/tenants', ADMIN, { name: 'ws-latency' });
const key = await call('POST', `/v1/admin/tenants/${tenant.id}/keys`, ADMIN, { type: 'secret' });
const { accessToken } = await call('POST', '/v1/sessions', key.key, { externalUserId: 'bench' });
const conversation = () => call('POST', '/v1/conversations', accessToken, {}).then((c) => c.id);

const latency = (delta) => performance.now() - Number(delta);

// --- WebSocket: one socket, `turns` turns, every text.delta timed.
const ws = new WebSocket(url.replace('http', 'ws') + '/v1/ws', [
  'parley.v1',
  `parley.token.${accessToken}`,
]);
const handlers = new Set();
ws.on('message', (data) => {
  const frame = JSON.parse(String(data));
  for (const h of handlers) h(frame);
});
await new Promise((resolve) => handlers.add((f) => f.type === 'ready' && resolve()));

const wsSamples = [];
const pingSamples = [];
for (let i = 0; i < turns; i++) {
  const id = await conversation();
  await new Promise((resolve, reject) => {
    const h = (f) => {
      if (f.conversationId !== id) return;
      if (f.type === 'text.delta') wsSamples.push(latency(f.delta));
      if (f.type === 'response.completed') (handlers.delete(h), resolve());
      if (f.type === 'response.failed') reject(new Error(JSON.stringify(f.error)));
    };
    handlers.add(h);
    ws.send(JSON.stringify({ type: 'message.send', conversationId: id, content: 'time me' }));
  });
  const sent = performance.now();
  await new Promise((resolve) => {
    const h = (f) => f.type === 'pong' && (handlers.delete(h), resolve());
    handlers.add(h);
    ws.send(JSON.stringify({ type: 'ping' }));
  });
  pingSamples.push(performance.now() - sent);
}
ws.close();

// --- SSE: the same turns over POST …/messages.
const sseSamples = [];
for (let i = 0; i < turns; i++) {
  const id = await conversation();
  const res = await fetch(`${url}/v1/conversations/${id}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ content: 'time me' }),
  });
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body) {
    buf += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      const e = data && JSON.parse(data.slice(6));
      if (e?.type === 'text.delta') sseSamples.push(latency(e.delta));
    }
  }
}

await app.close();
await infra.close();
await db.close();

const row = (name, s) => [
  name,
  s.length,
  round(percentile(s, 50), 3),
  round(percentile(s, 95), 3),
  round(percentile(s, 99), 3),
  round(Math.max(...s), 3),
];
console.log(
  `\nper-event latency, provider token → client parsed event (ms), ${turns} turns × ${tokens} tokens, ${delayMs} ms apart\n`,
);
console.log(
  table(
    ['transport', 'events', 'p50', 'p95', 'p99', 'max'],
    [row('websocket', wsSamples), row('sse', sseSamples), row('ws ping→pong', pingSamples)],
  ),
);
