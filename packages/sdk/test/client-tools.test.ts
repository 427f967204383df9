import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../../server/src/config/env.js';
import type { ClientTool, ParleyClient, ParleyEvent } from '../src/index.js';
import { createClient } from '../src/index.js';
import type { TestApp } from './helpers.js';
import { startTestApp } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    config: {
      tools: {
        ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
        approvalTimeoutMs: 60_000,
        clientToolTimeoutMs: 60_000,
      },
    },
  });
});
afterAll(() => t.close());

async function tenantClient(tool: string, config: Record<string, unknown>): Promise<ParleyClient> {
  const tenant = await t.createTenant({ memory: { enabled: false } });
  const res = await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/${tool}`, config);
  expect(res.status).toBe(200);
  return createClient({ baseUrl: t.url, secretKey: tenant.secretKey, WebSocket });
}

const completed = (events: ParleyEvent[]) => events.find((e) => e.type === 'tool.completed');

describe('tool approval', () => {
  let client: ParleyClient;
  beforeAll(async () => {
    client = await tenantClient('calculator', { needsApproval: true });
  });
  afterAll(() => client.close());

  for (const transport of ['sse', 'ws'] as const) {
    it(`approving runs the paused tool (${transport})`, async () => {
      const conv = await client.conversations.create();
      const events: ParleyEvent[] = [];
      const stream = client.messages.send(conv.id, '(3+4)*12 km to miles', { transport });
      for await (const e of stream) {
        events.push(e);
        if (e.type === 'tool.approval_requested') {
          expect(e).toMatchObject({ name: 'calculator' });
          expect(events.some((x) => x.type === 'tool.started')).toBe(false);
          expect(await client.tools.approve(conv.id, e.toolCallId, true)).toEqual({
            toolCallId: e.toolCallId,
            approved: true,
          });
        }
      }
      expect(completed(events)).toMatchObject({ status: 'ok' });
      expect(await stream.text()).toContain('52.19');
    });
  }

  it('denying tells the model; the tool never runs, and a second answer is 404', async () => {
    const conv = await client.conversations.create();
    const events: ParleyEvent[] = [];
    let callId = '';
    for await (const e of client.messages.send(conv.id, '6*7')) {
      events.push(e);
      if (e.type === 'tool.approval_requested') {
        callId = e.toolCallId;
        await client.tools.approve(conv.id, callId, false);
      }
    }
    expect(events.some((e) => e.type === 'tool.started')).toBe(false);
    expect(completed(events)).toMatchObject({
      status: 'error',
      error: 'The user denied this tool call',
    });
    const again = await client.tools.approve(conv.id, callId, true).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('client-side tools', () => {
  let client: ParleyClient;
  const seen: unknown[] = [];
  const weather: ClientTool = {
    name: 'weather',
    description: "Reads the weather widget on the user's page",
    parameters: {
      type: 'object',
      required: ['location'],
      properties: { location: { type: 'string' } },
    },
    async execute(args) {
      seen.push(args);
      const { location } = args as { location: string };
      if (location === 'Porto') throw new Error('widget not on this page');
      return { summary: `Sunny and 21 °C in ${location}` };
    },
  };
  beforeAll(async () => {
    // The server's own weather tool is off, so the client may offer one by that name.
    client = await tenantClient('weather', { enabled: false });
  });
  afterAll(() => client.close());

  for (const transport of ['sse', 'ws'] as const) {
    it(`runs execute() on tool.call and the answer continues with its result (${transport})`, async () => {
      const conv = await client.conversations.create();
      const events: ParleyEvent[] = [];
      const stream = client.messages.send(conv.id, 'What is the weather in Lisbon?', {
        transport,
        clientTools: [weather],
      });
      for await (const e of stream) events.push(e);
      // The caller still sees the call, and the tool got the model's arguments.
      expect(events.find((e) => e.type === 'tool.call')).toMatchObject({
        name: 'weather',
        args: { location: 'Lisbon' },
      });
      expect(seen.at(-1)).toEqual({ location: 'Lisbon' });
      expect(completed(events)).toMatchObject({
        status: 'ok',
        result: { summary: 'Sunny and 21 °C in Lisbon' },
      });
      expect(await stream.text()).toContain('Sunny and 21 °C in Lisbon');
    });
  }

  it('a throwing execute() reaches the model as the tool error', async () => {
    const conv = await client.conversations.create();
    const stream = client.messages.send(conv.id, 'weather in Porto?', { clientTools: [weather] });
    const events: ParleyEvent[] = [];
    for await (const e of stream) events.push(e);
    expect(completed(events)).toMatchObject({ status: 'error', error: 'widget not on this page' });
  });

  it('a tool without execute is left to the caller: submitResult answers it', async () => {
    const conv = await client.conversations.create();
    const manual: ClientTool = { ...weather, execute: undefined };
    const events: ParleyEvent[] = [];
    for await (const e of client.messages.send(conv.id, 'weather in Oslo?', {
      clientTools: [manual],
    })) {
      events.push(e);
      if (e.type === 'tool.call') {
        await client.tools.submitResult(conv.id, e.toolCallId, { result: 'Snow in Oslo' });
      }
    }
    expect(completed(events)).toMatchObject({ status: 'ok', result: 'Snow in Oslo' });
  });
});
