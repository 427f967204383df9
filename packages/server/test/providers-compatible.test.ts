import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SSE_HEADERS,
  isolateNetwork,
  openaiSse,
  sendTurn,
  startProviderApp,
  streamedText,
  connectionRefused,
} from './helpers/provider-fixtures.js';
import type { TestApp } from './helpers/test-app.js';

const OLLAMA = 'http://ollama.internal:11434';
const OPENROUTER = 'https://openrouter.ai';

let t: TestApp;
let restore: () => void;

beforeAll(async () => {
  t = await startProviderApp({
    env: {
      PARLEY_BREAKER_FAILURES: '1000',
      PARLEY_COMPATIBLE_PROVIDERS: JSON.stringify([
        { id: 'ollama', baseURL: `${OLLAMA}/v1` },
        { id: 'openrouter', baseURL: `${OPENROUTER}/api/v1`, apiKey: 'sk-or-test' },
      ]),
    },
  });
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
});
afterEach(() => restore());

/** Replies with the recorded OpenAI stream and reports what the endpoint received. */
function endpoint(base: string, path: string) {
  const seen: { auth?: string; model?: string } = {};
  const scope = nock(base)
    .post(path, (body: { model: string }) => ((seen.model = body.model), true))
    .reply(function () {
      seen.auth = this.req.headers.authorization;
      return [200, openaiSse('openai-text.chunks.txt'), SSE_HEADERS];
    });
  return { scope, seen };
}

describe('OpenAI-compatible endpoints', () => {
  it('answers through a keyless local server (Ollama) under its own provider id', async () => {
    const { seen } = endpoint(OLLAMA, '/v1/chat/completions');
    const tenant = await t.createTenant({
      models: ['ollama:llama3.2'],
      memory: { enabled: false },
    });
    const { events, rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(streamedText(events)).toBe('Hello! How can I help you today?');
    expect(seen).toEqual({ model: 'llama3.2', auth: undefined });
    // A local model has no price: usage is kept, cost is unknown rather than invented.
    expect(rows.at(-1)).toMatchObject({
      provider: 'ollama',
      model: 'llama3.2',
      input_tokens: 9,
      cost_usd: null,
    });
  });

  it('sends the endpoint’s own key, and fails over between compatible endpoints', async () => {
    nock(OLLAMA).post('/v1/chat/completions').replyWithError(connectionRefused());
    const { seen } = endpoint(OPENROUTER, '/api/v1/chat/completions');
    const tenant = await t.createTenant({
      models: ['ollama:llama3.2', 'openrouter:meta-llama/llama-3.1-8b-instruct'],
      memory: { enabled: false },
    });
    const { rows } = await sendTurn(t, tenant, 'Hi there!');
    expect(seen).toEqual({ model: 'meta-llama/llama-3.1-8b-instruct', auth: 'Bearer sk-or-test' });
    expect(rows.at(-1)).toMatchObject({ provider: 'openrouter', status: 'complete' });
  });
});
