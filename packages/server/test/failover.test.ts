import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC,
  GOOGLE,
  OPENAI,
  SSE_HEADERS,
  anthropicSse,
  fixtureHeaders,
  fixtureText,
  geminiSse,
  isolateNetwork,
  openaiSse,
  sendTurn,
  startProviderApp,
  stalledBody,
  streamedText,
  connectionRefused,
  whenRequested,
} from './helpers/provider-fixtures.js';
import { ManualClock } from '../src/clock/manual-clock.js';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';
import type { Infra } from '../src/infra/index.js';

const ANTHROPIC_TEXT = 'Hello! How can I help you today?';
const CHAIN = ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5', 'google:gemini-2.5-flash'];

const openai = () => nock(OPENAI).post('/v1/chat/completions');
const anthropic = () => nock(ANTHROPIC).post('/v1/messages');
const google = () =>
  nock(GOOGLE).post('/v1beta/models/gemini-2.5-flash:streamGenerateContent').query(true);
const anthropicAnswers = () =>
  anthropic().reply(200, anthropicSse('anthropic-text.chunks.txt'), SSE_HEADERS);

let restore: () => void;
beforeEach(() => {
  restore = isolateNetwork();
});
// Every mocked provider exchange a test set up was used (tests that prove a provider was
// NOT asked say so, then drop that interceptor).
afterEach(() => {
  const unused = nock.pendingMocks();
  restore();
  expect(unused).toEqual([]);
});

describe('failover down the model chain', () => {
  // The first-token timeout runs on a clock the test moves, so a slow machine never trips it.
  const FIRST_TOKEN_MS = 500;
  const clock = new ManualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startProviderApp({
      env: {
        PARLEY_BREAKER_FAILURES: '1000',
        PARLEY_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_MS),
      },
      clock,
    });
  });
  afterAll(() => t.close());
  const tenant = () => t.createTenant({ models: CHAIN, memory: { enabled: false } });

  it('OpenAI returns 500 and Anthropic answers: the stored answer is Anthropic’s', async () => {
    const o = openai().reply(
      500,
      fixtureText('openai-error-500.json'),
      fixtureHeaders('openai', 500),
    );
    const a = anthropicAnswers();
    const { events, rows } = await sendTurn(t, await tenant(), 'Hi there!');
    expect(o.isDone() && a.isDone()).toBe(true);
    // The user sees one response, from Anthropic, with nothing from the failed attempt.
    const started = events.filter((e) => e.type === 'response.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(streamedText(events)).toBe(ANTHROPIC_TEXT);
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      message: { provider: 'anthropic', content: ANTHROPIC_TEXT },
    });
    expect(rows.at(-1)).toMatchObject({
      role: 'assistant',
      status: 'complete',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      content: ANTHROPIC_TEXT,
    });
  });

  it('skips two failing providers (429 with Retry-After, 529 overloaded) to reach Gemini', async () => {
    openai().reply(429, fixtureText('openai-error-429.json'), fixtureHeaders('openai', 429));
    anthropic().reply(
      529,
      fixtureText('anthropic-error-529.json'),
      fixtureHeaders('anthropic', 529),
    );
    google().reply(200, geminiSse('google-text.chunks.txt'), {
      'content-type': 'text/event-stream',
    });
    const { events, rows } = await sendTurn(t, await tenant(), 'Hi there!');
    expect(streamedText(events)).toBe('Hello! How can I help you today?');
    expect(rows.at(-1)).toMatchObject({ provider: 'google', model: 'gemini-2.5-flash' });
  });

  it('fails over when OpenAI cannot be reached at all', async () => {
    openai().replyWithError(connectionRefused());
    anthropicAnswers();
    const { rows } = await sendTurn(t, await tenant(), 'Hi there!');
    expect(rows.at(-1)).toMatchObject({ provider: 'anthropic', content: ANTHROPIC_TEXT });
  });

  it('fails over when OpenAI sends nothing within the first-token timeout', async () => {
    const silent = stalledBody();
    const o = openai().reply(200, () => silent.body, SSE_HEADERS);
    const a = anthropicAnswers();
    const asked = whenRequested(o);
    const turn = sendTurn(t, await tenant(), 'Hi there!');
    try {
      await asked; // OpenAI has the request and its first-token watchdog is armed
      await clock.advance(FIRST_TOKEN_MS - 1);
      expect(a.isDone()).toBe(false); // not a moment early
      await clock.advance(1);
      const { events, rows } = await turn;
      expect(a.isDone()).toBe(true);
      expect(events.filter((e) => e.type === 'response.started')).toHaveLength(1);
      expect(rows.at(-1)).toMatchObject({ provider: 'anthropic', content: ANTHROPIC_TEXT });
    } finally {
      silent.end();
    }
  });

  it('does not fail over once text has streamed: the answer ends incomplete', async () => {
    openai().reply(200, openaiSse('openai-truncated.chunks.txt', { done: false }), SSE_HEADERS);
    const a = anthropicAnswers();
    const { events, rows } = await sendTurn(t, await tenant(), 'Hi there!');
    expect(a.isDone()).toBe(false); // never asked: no mixing of two models' words
    nock.cleanAll();
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      message: { status: 'incomplete', provider: 'openai' },
    });
    expect(rows.map((r) => [r.role, r.status, r.provider])).toEqual([
      ['user', 'complete', null],
      ['assistant', 'incomplete', 'openai'],
    ]);
  });

  it('does not fail over on a request the provider refuses (401)', async () => {
    openai().reply(401, fixtureText('openai-error-401.json'), fixtureHeaders('openai', 401));
    const a = anthropicAnswers();
    const { events } = await sendTurn(t, await tenant(), 'Hi there!');
    expect(a.isDone()).toBe(false);
    nock.cleanAll();
    expect(events.at(-1)).toMatchObject({ error: { code: 'provider_error' } });
  });

  it('when every provider fails, reports provider_unavailable and when to retry, user message kept', async () => {
    openai().reply(429, fixtureText('openai-error-429.json'), fixtureHeaders('openai', 429));
    anthropic().reply(
      529,
      fixtureText('anthropic-error-529.json'),
      fixtureHeaders('anthropic', 529),
    );
    google().reply(503, fixtureText('google-error-503.json'), {
      'content-type': 'application/json',
    });
    const { events, rows } = await sendTurn(t, await tenant(), 'Anyone there?');
    expect(events.map((e) => e.type)).toEqual(['message.created', 'response.failed']);
    // OpenAI's Retry-After (1 s) is the soonest any provider said it may work again.
    expect(events.at(-1)!.error).toMatchObject({
      code: 'provider_unavailable',
      details: { retryAfterMs: 1000 },
    });
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'Anyone there?']]);
  });
});

describe('circuit breaker', () => {
  const COOLDOWN_MS = 500;
  // Both instances read one clock the test moves: the cool-down passes when the test says so.
  const clock = new ManualClock();
  let a: TestApp;
  let b: TestApp;
  let infras: Infra[];
  beforeAll(async () => {
    const env = { PARLEY_BREAKER_FAILURES: '2', PARLEY_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS) };
    // Two server instances on one database. With Redis each has its own connection on the
    // same key prefix, as in production; in embedded mode they share the in-process store.
    const first = await openTestInfra();
    infras = usingRedis ? [first, await openTestInfra(first.prefix)] : [first];
    a = await startProviderApp({ env, infra: infras[0], clock });
    b = await startProviderApp({ env, db: a.db, infra: infras.at(-1), clock });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await Promise.all(infras.map((i) => i.close()));
  });

  it('stops calling a failing provider on every instance, then probes it after the cool-down', async () => {
    const tenant = await a.createTenant({
      models: ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'],
      memory: { enabled: false },
    });
    for (let i = 0; i < 2; i++) {
      openai().reply(500, fixtureText('openai-error-500.json'), fixtureHeaders('openai', 500));
      anthropicAnswers();
      const { rows } = await sendTurn(a, tenant, `attempt ${i}`);
      expect(rows.at(-1)).toMatchObject({ provider: 'anthropic' });
    }

    // Open: OpenAI would answer now, but it is not asked, on either instance.
    const waiting = openai().reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    anthropicAnswers();
    expect((await sendTurn(a, tenant, 'skip me')).rows.at(-1)).toMatchObject({
      provider: 'anthropic',
    });
    anthropicAnswers();
    expect((await sendTurn(b, tenant, 'skip me too')).rows.at(-1)).toMatchObject({
      provider: 'anthropic',
    });
    expect(waiting.isDone()).toBe(false);

    // Still open a moment before the cool-down ends.
    await clock.advance(COOLDOWN_MS - 1);
    anthropicAnswers();
    expect((await sendTurn(b, tenant, 'not yet')).rows.at(-1)).toMatchObject({
      provider: 'anthropic',
    });
    expect(waiting.isDone()).toBe(false);

    // After the cool-down one probe goes through; it succeeds and closes the circuit.
    await clock.advance(1);
    const probe = await sendTurn(b, tenant, 'probe');
    expect(waiting.isDone()).toBe(true);
    expect(probe.rows.at(-1)).toMatchObject({ provider: 'openai', status: 'complete' });
    openai().reply(200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS);
    expect((await sendTurn(a, tenant, 'closed again')).rows.at(-1)).toMatchObject({
      provider: 'openai',
    });
  });
});

describe('offline provider', () => {
  it('costs the turn no circuit-breaker store read', async () => {
    const t = await startTestApp();
    try {
      const tenant = await t.createTenant({ memory: { enabled: false } });
      const gets: string[] = [];
      const kv = t.app.services.infra.kv;
      const original = kv.get.bind(kv);
      kv.get = (key: string) => (gets.push(key), original(key));
      const { rows } = await sendTurn(t, tenant, 'Hello');
      expect(rows.at(-1)).toMatchObject({ provider: 'offline', offline: true });
      expect(gets.filter((k) => k.startsWith('breaker'))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
