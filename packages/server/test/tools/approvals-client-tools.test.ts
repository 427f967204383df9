import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { OFFLINE_LABEL } from '../../src/providers/offline-provider.js';
import { streamedText } from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { ManualClock } from '../../src/clock/manual-clock.js';
import { startTestApp } from '../helpers/test-app.js';
import { openTestDatabase } from '../helpers/test-db.js';
import { openTestInfra, usingRedis } from '../helpers/test-infra.js';
import { SseReader } from '../helpers/tool-fixtures.js';

const toolsConfig = (over: Record<string, unknown>) => ({
  ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
  ...over,
});

interface User {
  token: string;
  conversationId: string;
}

async function newUser(t: TestApp, tenant: TestTenant): Promise<User> {
  const { accessToken } = await tenant.session();
  const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
  return { token: accessToken, conversationId: conv.body.id };
}

/** Starts a streamed turn and returns a reader that can act mid-turn. */
async function startTurn(t: TestApp, u: User, body: Record<string, unknown>): Promise<SseReader> {
  const res = await fetch(`${t.url}/v1/conversations/${u.conversationId}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${u.token}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return new SseReader(res);
}

const approve = (
  t: TestApp,
  u: User,
  toolCallId: string,
  approved: boolean,
  conversationId = u.conversationId,
) =>
  t.request('POST', `/v1/conversations/${conversationId}/tool-approvals`, {
    token: u.token,
    body: { toolCallId, approved },
  });

describe('human approval', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp({ config: { tools: toolsConfig({ approvalTimeoutMs: 60_000 }) } });
    tenant = await t.createTenant();
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/calculator`, {
      needsApproval: true,
    });
  });
  afterAll(() => t.close());

  it('pauses the turn until the user approves, then runs the tool', async () => {
    const u = await newUser(t, tenant);
    const sse = await startTurn(t, u, { content: '(3+4)*12 km to miles' });
    const asked = await sse.waitFor((e) => e.type === 'tool.approval_requested');
    expect(asked).toMatchObject({
      name: 'calculator',
      args: { expression: '(3+4)*12 km to miles' },
    });
    expect(sse.events.some((e) => e.type === 'tool.started')).toBe(false);

    const res = await approve(t, u, asked.toolCallId, true);
    expect(res.status).toBe(200);
    const events = await sse.rest();
    const types = events.map((e) => e.type);
    expect(types.indexOf('tool.approval_requested')).toBeLessThan(types.indexOf('tool.started'));
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({ status: 'ok' });
    expect(streamedText(events)).toContain('52.19');
    // Answering twice does nothing: the call no longer waits.
    expect((await approve(t, u, asked.toolCallId, true)).status).toBe(404);
  });

  it('does not run a denied tool and tells the model it was denied', async () => {
    const u = await newUser(t, tenant);
    const sse = await startTurn(t, u, { content: '6*7' });
    const asked = await sse.waitFor((e) => e.type === 'tool.approval_requested');
    expect((await approve(t, u, asked.toolCallId, false)).status).toBe(200);
    const events = await sse.rest();
    expect(events.some((e) => e.type === 'tool.started')).toBe(false);
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'error',
      error: 'The user denied this tool call',
    });
    const text = streamedText(events);
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(text).toContain('denied');
    expect(text).not.toContain('42');
    const [exec] = await t.db.knex('tool_executions').where({ conversation_id: u.conversationId });
    expect(exec).toMatchObject({ status: 'denied', result: null, name: 'calculator' });
  });

  it('only the owner can answer, only in that conversation (404 otherwise)', async () => {
    const owner = await newUser(t, tenant);
    const stranger = await newUser(t, tenant);
    const foreign = await newUser(t, await t.createTenant());
    const sse = await startTurn(t, owner, { content: '1+1' });
    const { toolCallId } = await sse.waitFor((e) => e.type === 'tool.approval_requested');

    const ownerOther = await t.request('POST', '/v1/conversations', {
      token: owner.token,
      body: {},
    });
    for (const res of [
      await approve(t, stranger, toolCallId, true), // their own conversation
      await approve(t, stranger, toolCallId, true, owner.conversationId), // the owner's
      await approve(t, foreign, toolCallId, true, owner.conversationId), // another tenant's user
      await approve(t, owner, toolCallId, true, ownerOther.body.id), // the owner, wrong conversation
      await approve(t, owner, 'call_unknown', true), // nothing waits
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(sse.events.some((e) => e.type === 'tool.completed')).toBe(false);
    // A client-result for an approval is not an answer either.
    const wrongKind = await t.request(
      'POST',
      `/v1/conversations/${owner.conversationId}/tool-results`,
      {
        token: owner.token,
        body: { toolCallId, result: 2 },
      },
    );
    expect(wrongKind.status).toBe(404);

    expect((await approve(t, owner, toolCallId, true)).status).toBe(200);
    const events = await sse.rest();
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'ok',
      result: { result: '2' },
    });
  });

  it('rejects malformed answers with 400', async () => {
    const u = await newUser(t, tenant);
    const res = await t.request('POST', `/v1/conversations/${u.conversationId}/tool-approvals`, {
      token: u.token,
      body: { toolCallId: 'x', approved: 'yes' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    const noAuth = await t.request('POST', `/v1/conversations/${u.conversationId}/tool-approvals`, {
      body: { toolCallId: 'x', approved: true },
    });
    expect(noAuth.status).toBe(401);
  });

  it('denies the call when nobody answers in time', async () => {
    const clock = new ManualClock();
    const quick = await startTestApp({
      config: { tools: toolsConfig({ approvalTimeoutMs: 200 }) },
      clock,
    });
    try {
      const tn = await quick.createTenant();
      await quick.admin('PUT', `/v1/admin/tenants/${tn.id}/tools/calculator`, {
        needsApproval: true,
      });
      const u = await newUser(quick, tn);
      const turn = await startTurn(quick, u, { content: '2+2' });
      await turn.waitFor((e) => e.type === 'tool.approval_requested');
      await clock.advance(199);
      expect(
        (
          await quick.request('GET', `/v1/conversations/${u.conversationId}/pending-approvals`, {
            token: u.token,
          })
        ).body.data,
      ).toHaveLength(1);
      await clock.advance(1); // nobody answered in time
      const events = await turn.rest();
      expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
        status: 'error',
        error: 'Nobody approved this tool call in time, so it was not run',
      });
      expect(events.at(-1)!.type).toBe('response.completed');
      const [exec] = await quick.db
        .knex('tool_executions')
        .where({ conversation_id: u.conversationId });
      expect(exec.status).toBe('denied');
    } finally {
      await quick.close();
    }
  });
});

describe('client-side tools', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const browserWeather = {
    name: 'weather',
    description: "Reads the weather widget on the user's page",
    parameters: {
      type: 'object',
      required: ['location'],
      properties: { location: { type: 'string' } },
    },
  };
  beforeAll(async () => {
    t = await startTestApp({ config: { tools: toolsConfig({ clientToolTimeoutMs: 60_000 }) } });
    tenant = await t.createTenant();
    // The server's own weather tool is off, so the client may offer one by that name.
    await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/weather`, { enabled: false });
  });
  afterAll(() => t.close());

  const result = (u: User, body: Record<string, unknown>, conversationId = u.conversationId) =>
    t.request('POST', `/v1/conversations/${conversationId}/tool-results`, { token: u.token, body });

  it('sends tool.call to the client and continues with the result it posts back', async () => {
    const u = await newUser(t, tenant);
    const sse = await startTurn(t, u, {
      content: 'What is the weather in Lisbon?',
      clientTools: [browserWeather],
    });
    const call = await sse.waitFor((e) => e.type === 'tool.call');
    expect(call).toMatchObject({ name: 'weather', args: { location: 'Lisbon' } });

    const stranger = await newUser(t, tenant);
    expect((await result(stranger, { toolCallId: call.toolCallId, result: 'x' })).status).toBe(404);
    expect(
      (await result(u, { toolCallId: call.toolCallId, result: 1, error: 'both' })).status,
    ).toBe(400);

    const ok = await result(u, {
      toolCallId: call.toolCallId,
      result: { summary: 'Sunny and 21 °C on the page' },
    });
    expect(ok.status).toBe(200);
    const events = await sse.rest();
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'ok',
      result: { summary: 'Sunny and 21 °C on the page' },
    });
    expect(streamedText(events)).toContain('Sunny and 21 °C on the page');
    const [exec] = await t.db.knex('tool_executions').where({ conversation_id: u.conversationId });
    expect(exec).toMatchObject({
      name: 'weather',
      status: 'ok',
      result: { summary: 'Sunny and 21 °C on the page' },
    });
  });

  it('passes a client-reported error to the model', async () => {
    const u = await newUser(t, tenant);
    const sse = await startTurn(t, u, {
      content: 'weather in Porto?',
      clientTools: [browserWeather],
    });
    const call = await sse.waitFor((e) => e.type === 'tool.call');
    expect(
      (await result(u, { toolCallId: call.toolCallId, error: 'widget not on this page' })).status,
    ).toBe(200);
    const events = await sse.rest();
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'error',
      error: 'widget not on this page',
    });
  });

  it('refuses a client tool named like a server tool, storing nothing', async () => {
    const u = await newUser(t, tenant);
    const res = await t.request('POST', `/v1/conversations/${u.conversationId}/messages`, {
      token: u.token,
      body: { content: '2+2', clientTools: [{ ...browserWeather, name: 'calculator' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('/clientTools/0/name');
    const bad = await t.request('POST', `/v1/conversations/${u.conversationId}/messages`, {
      token: u.token,
      body: { content: '2+2', clientTools: [{ name: 'x y', description: 'd', parameters: {} }] },
    });
    expect(bad.status).toBe(400);
    expect(await t.db.knex('messages').where({ conversation_id: u.conversationId })).toEqual([]);
    // The lock was released: the conversation still works.
    const next = await t.request('POST', `/v1/conversations/${u.conversationId}/messages`, {
      token: u.token,
      body: { content: 'hello' },
    });
    expect(next.status).toBe(201);
  });

  it('gives up when the client does not answer in time', async () => {
    const clock = new ManualClock();
    const quick = await startTestApp({
      config: { tools: toolsConfig({ clientToolTimeoutMs: 200 }) },
      clock,
    });
    try {
      const tn = await quick.createTenant();
      await quick.admin('PUT', `/v1/admin/tenants/${tn.id}/tools/weather`, { enabled: false });
      const u = await newUser(quick, tn);
      const turn = await startTurn(quick, u, {
        content: 'weather in Lisbon',
        clientTools: [browserWeather],
      });
      await turn.waitFor((e) => e.type === 'tool.call');
      await clock.advance(200); // the client never answers
      const events = await turn.rest();
      expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
        status: 'error',
        error: 'The client did not answer in time',
      });
      const [exec] = await quick.db
        .knex('tool_executions')
        .where({ conversation_id: u.conversationId });
      expect(exec.status).toBe('timeout');
    } finally {
      await quick.close();
    }
  });
});

describe.skipIf(!usingRedis)('an answer that reaches another instance', () => {
  it('resumes a turn paused on instance A when the approval arrives at instance B', async () => {
    const db = await openTestDatabase();
    const prefix = `t${Math.random().toString(36).slice(2, 10)}:`;
    const [infraA, infraB] = await Promise.all([openTestInfra(prefix), openTestInfra(prefix)]);
    const a = await startTestApp({ db, infra: infraA });
    const b = await startTestApp({ db, infra: infraB });
    try {
      const tn = await a.createTenant();
      await a.admin('PUT', `/v1/admin/tenants/${tn.id}/tools/calculator`, { needsApproval: true });
      const u = await newUser(a, tn);
      const sse = await startTurn(a, u, { content: '20*5' });
      const asked = await sse.waitFor((e) => e.type === 'tool.approval_requested');
      expect((await approve(b, u, asked.toolCallId, true)).status).toBe(200);
      const events = await sse.rest();
      expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({
        status: 'ok',
        result: { result: '100' },
      });
    } finally {
      await a.close();
      await b.close();
      await Promise.all([infraA.close(), infraB.close()]);
      await db.close();
    }
  });
});
