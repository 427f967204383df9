import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { SseReader } from '../helpers/tool-fixtures.js';
import { turnFinished } from '../helpers/turn-finished.js';

/**
 * Issue 6: a turn paused on a human approval survives the page going away.
 * The reloaded page asks what is pending, answers, and finds the finished
 * answer in the history.
 */
interface User {
  token: string;
  conversationId: string;
}

async function newUser(t: TestApp, tenant: TestTenant): Promise<User> {
  const { accessToken } = await tenant.session();
  const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
  return { token: accessToken, conversationId: conv.body.id };
}

async function startTurn(t: TestApp, u: User, content: string, signal: AbortSignal) {
  const res = await fetch(`${t.url}/v1/conversations/${u.conversationId}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${u.token}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ content }),
    signal,
  });
  expect(res.status).toBe(200);
  return new SseReader(res);
}

const pending = (t: TestApp, u: User, conversationId = u.conversationId) =>
  t.request('GET', `/v1/conversations/${conversationId}/pending-approvals`, { token: u.token });

/** The stored assistant answer, once the (resumed) turn has finished. */
async function assistantAnswer(t: TestApp, u: User): Promise<Record<string, any> | undefined> {
  await turnFinished(t, u.conversationId);
  const res = await t.request('GET', `/v1/conversations/${u.conversationId}/messages`, {
    token: u.token,
  });
  return (res.body.data as Array<Record<string, any>>).find((m) => m.role === 'assistant');
}

describe('approval across a reconnect', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    const tools = {
      ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
      approvalTimeoutMs: 60_000,
    };
    t = await startTestApp({ config: { tools } });
    tenant = await t.createTenant();
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/calculator`, {
      needsApproval: true,
    });
  });
  afterAll(() => t.close());

  it('keeps waiting after the client drops, then finishes once approved', async () => {
    const u = await newUser(t, tenant);
    const client = new AbortController();
    const sse = await startTurn(t, u, '(3+4)*12 km to miles', client.signal);
    const asked = await sse.waitFor((e) => e.type === 'tool.approval_requested');
    client.abort(); // the page reloads

    const listed = await pending(t, u);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      {
        toolCallId: asked.toolCallId,
        name: 'calculator',
        args: { expression: '(3+4)*12 km to miles' },
        requestedAt: expect.any(String),
      },
    ]);

    const res = await t.request('POST', `/v1/conversations/${u.conversationId}/tool-approvals`, {
      token: u.token,
      body: { toolCallId: asked.toolCallId, approved: true },
    });
    expect(res.status).toBe(200);
    const answer = await assistantAnswer(t, u);
    expect(answer?.status).toBe('complete');
    expect(JSON.stringify(answer?.content)).toContain('52.19');
    expect((await pending(t, u)).body.data).toEqual([]);
    const [exec] = await t.db.knex('tool_executions').where({ conversation_id: u.conversationId });
    expect(exec).toMatchObject({ status: 'ok', name: 'calculator' });
  });

  it('lists nothing for other users or tenants (404) and nothing when no turn waits', async () => {
    const owner = await newUser(t, tenant);
    const stranger = await newUser(t, tenant);
    const foreign = await newUser(t, await t.createTenant());
    const client = new AbortController();
    const sse = await startTurn(t, owner, '1+1', client.signal);
    const { toolCallId } = await sse.waitFor((e) => e.type === 'tool.approval_requested');

    for (const res of [
      await pending(t, stranger, owner.conversationId),
      await pending(t, foreign, owner.conversationId),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await pending(t, stranger)).body.data).toEqual([]);

    await t.request('POST', `/v1/conversations/${owner.conversationId}/tool-approvals`, {
      token: owner.token,
      body: { toolCallId, approved: false },
    });
    await sse.rest();
    expect((await pending(t, owner)).body.data).toEqual([]);
  });
});
