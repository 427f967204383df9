import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../../server/src/config/env.js';
import type { Message, ParleyClient } from '../src/index.js';
import { createClient } from '../src/index.js';
import type { TestApp } from './helpers.js';
import { startTestApp } from './helpers.js';
import { turnFinished } from '../../server/test/helpers/turn-finished.js';

/**
 * A turn paused on an approval outlives its client (page reload): a new
 * client finds it with `tools.pendingApprovals`, answers, and the finished
 * answer lands in the history.
 */
let t: TestApp;
let secretKey: string;

beforeAll(async () => {
  t = await startTestApp({
    config: {
      tools: { ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools, approvalTimeoutMs: 60_000 },
    },
  });
  const tenant = await t.createTenant({ memory: { enabled: false } });
  await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/calculator`, { needsApproval: true });
  secretKey = tenant.secretKey;
});
afterAll(() => t.close());

const clientFor = (externalUserId: string, fetchFn?: typeof fetch): ParleyClient =>
  createClient({ baseUrl: t.url, secretKey, externalUserId, WebSocket, fetch: fetchFn });

/**
 * A page that can go away: once `gone` is aborted, every request it made or
 * makes fails like a lost network. (An `abort()` of the stream would be a
 * deliberate cancel, which also tells the server to stop.)
 */
function pageNetwork() {
  const gone = new AbortController();
  const fetchFn: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, gone.signal]) : gone.signal,
    });
  return { fetch: fetchFn, leave: () => gone.abort() };
}

/** The assistant answer, once the server has finished the (resumed) turn. */
async function storedAnswer(
  client: ParleyClient,
  conversationId: string,
): Promise<Message | undefined> {
  await turnFinished(t, conversationId);
  const page = await client.messages.list(conversationId);
  return page.data.find((m) => m.role === 'assistant');
}

describe('pending approvals after a reconnect', () => {
  for (const transport of ['sse', 'ws'] as const) {
    it(`a new client answers the approval and the turn finishes (${transport})`, async () => {
      const page = pageNetwork();
      const first = clientFor(`reload-${transport}`, page.fetch);
      const conv = await first.conversations.create();
      // A reloaded page does not resume: the new page asks for pending approvals.
      const stream = first.messages.send(conv.id, '(3+4)*12 km to miles', {
        transport,
        maxResumes: 0,
      });
      let toolCallId = '';
      // The page goes away mid-turn: the SSE request drops / the socket closes
      // (no explicit cancel: `break` on a ws stream would send response.cancel).
      try {
        for await (const e of stream) {
          if (e.type === 'tool.approval_requested') {
            toolCallId = e.toolCallId;
            if (transport === 'ws') first.close();
            else page.leave();
          }
        }
      } catch {
        // the closed transport ends the reader
      }
      first.close();
      expect(toolCallId).not.toBe('');

      const second = clientFor(`reload-${transport}`);
      const pending = await second.tools.pendingApprovals(conv.id);
      expect(pending).toEqual([
        {
          toolCallId,
          name: 'calculator',
          args: { expression: '(3+4)*12 km to miles' },
          requestedAt: expect.any(String),
        },
      ]);
      await second.tools.approve(conv.id, toolCallId, true);
      const answer = await storedAnswer(second, conv.id);
      expect(JSON.stringify(answer?.content)).toContain('52.19');
      expect(await second.tools.pendingApprovals(conv.id)).toEqual([]);
      second.close();
    });
  }

  it("another user's conversation is not found", async () => {
    const owner = clientFor('owner');
    const conv = await owner.conversations.create();
    await expect(clientFor('stranger').tools.pendingApprovals(conv.id)).rejects.toMatchObject({
      status: 404,
    });
    owner.close();
  });
});
