import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ChatMessage,
  ChatProvider,
  ProviderChunk,
  ProviderRequest,
} from '../src/providers/provider.js';
import { ProviderRegistry } from '../src/providers/registry.js';
import type { TestApp } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

/** Records what the model is sent, answers with a fixed text. */
class RecordingProvider implements ChatProvider {
  readonly id = 'recording';
  readonly offline = false;
  readonly requests: ChatMessage[][] = [];
  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    this.requests.push(req.messages);
    yield { type: 'text', text: `answer ${this.requests.length}` };
    yield { type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
  }
}

const provider = new RecordingProvider();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    providers: new ProviderRegistry().register(provider),
    defaultModels: ['recording:m'],
  });
});
afterAll(() => t.close());

it('regression: the new user message is sent to the model exactly once, after the history', async () => {
  const tenant = await t.createTenant({ memory: { enabled: false } });
  const { accessToken } = await tenant.session();
  const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
  const path = `/v1/conversations/${conv.body.id}/messages`;
  await t.request('POST', path, { token: accessToken, body: { content: 'first question' } });
  await t.request('POST', path, { token: accessToken, body: { content: 'second question' } });

  const sent = provider.requests.at(-1)!.filter((m) => m.role !== 'system');
  expect(sent.map((m) => [m.role, m.content])).toEqual([
    ['user', 'first question'],
    ['assistant', 'answer 1'],
    ['user', 'second question'],
  ]);
});
