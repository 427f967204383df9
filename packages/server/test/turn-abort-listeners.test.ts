import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock/manual-clock.js';
import { OfflineProvider } from '../src/providers/offline-provider.js';
import type { ChatProvider, ProviderRequest } from '../src/providers/provider.js';
import { ProviderRegistry } from '../src/providers/registry.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { parseSse, startTestApp } from './helpers/test-app.js';

/**
 * Regression: `MaxListenersExceededWarning: 11 abort listeners added to
 * [AbortSignal]` on almost every turn. The offline provider added one abort
 * listener per streamed word and never took it off. Through the whole turn
 * (HTTP → turn runner → model chain → provider), the signal a provider sees
 * must carry a bounded number of listeners however long the answer.
 */
const clock = new ManualClock();
const words = new OfflineProvider(20, clock);
let mostListeners = 0;
/** The real offline provider (20 ms per word on a manual clock), counting listeners on its signal. */
const counting: ChatProvider = {
  id: 'offline',
  offline: true,
  async *stream(req: ProviderRequest) {
    for await (const chunk of words.stream(req)) {
      mostListeners = Math.max(mostListeners, getEventListeners(req.signal, 'abort').length);
      yield chunk;
    }
  },
};

let t: TestApp;
let tenant: TestTenant;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
beforeAll(async () => {
  t = await startTestApp({ providers: new ProviderRegistry().register(counting) });
  tenant = await t.createTenant();
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await t.close();
});

/** One streamed turn; the clock moves on (word by word) until the answer is complete. */
async function turn(token: string, conversationId: string, content: string) {
  let done = false;
  const res = t
    .request('POST', `/v1/conversations/${conversationId}/messages`, {
      token,
      body: { content },
      headers: { accept: 'text/event-stream' },
    })
    .finally(() => (done = true));
  while (!done) await clock.advance(20);
  return res;
}

describe('abort listeners across many turns', () => {
  it('stay bounded on the signal each provider call gets, and no MaxListenersExceededWarning', async () => {
    let texts = 0;
    for (let user = 0; user < 3; user++) {
      const { accessToken } = await tenant.session();
      const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
      for (let i = 0; i < 10; i++) {
        const res = await turn(accessToken, conv.body.id, `Message number ${i}`);
        const events = parseSse(res.text);
        expect(events.at(-1)?.data.type).toBe('response.completed');
        texts += events.filter((e) => e.data.type === 'text.delta').length;
      }
    }
    expect(texts).toBeGreaterThan(30 * 11); // the answers really streamed word by word
    // The SDKs (openai, anthropic) add one listener per HTTP request; ours add at most one more.
    expect(mostListeners).toBeLessThanOrEqual(2);
    await new Promise<void>((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
