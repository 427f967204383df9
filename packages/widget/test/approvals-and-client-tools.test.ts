import type { ClientTool } from '@parley/sdk';
import { createClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config/env.js';
import type { TestApp } from '../../server/test/helpers/test-app.js';
import { startTestApp } from '../../server/test/helpers/test-app.js';
import type { ChatControllerOptions } from '../src/chat/chat-controller.js';
import { ChatController } from '../src/chat/chat-controller.js';
import type { KeyValueStorage } from '../src/storage.js';

/**
 * Issue 6 in the widget, against the real server: an approval asked before a
 * reload is asked again and the answer arrives; page-registered tools run.
 */
let t: TestApp;
let publishableKey: string;
const ORIGIN = 'https://shop.example.com';

beforeAll(async () => {
  const tools = {
    ...loadConfig({}, { jwtSecret: 'x'.repeat(32) }).tools,
    approvalTimeoutMs: 60_000,
    clientToolTimeoutMs: 60_000,
  };
  t = await startTestApp({ config: { tools } });
  const tenant = await t.createTenant(); // allows ORIGIN
  publishableKey = tenant.publishableKey;
  await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/calculator`, { needsApproval: true });
  // The server's weather tool is off, so the page may offer one by that name.
  await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/weather`, { enabled: false });
});
afterAll(() => t.close());

function memory(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

function controller(storage: KeyValueStorage, extra: Partial<ChatControllerOptions> = {}) {
  const client = createClient({
    baseUrl: t.url,
    publishableKey,
    storage,
    storageKey: 'p:session',
    fetch: (url, init) =>
      fetch(url, { ...init, headers: { ...(init?.headers as object), origin: ORIGIN } }),
  });
  return new ChatController({
    client,
    storage,
    storageKey: 'p',
    pollDelayMs: 20,
    pollAttempts: 1500,
    ...extra,
  });
}

/** Resolves once the controller's state satisfies `pred`. */
function until(c: ChatController, pred: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (pred()) return resolve();
    const off = c.subscribe(() => {
      if (pred()) {
        off();
        resolve();
      }
    });
  });
}

const approvalRow = (c: ChatController) =>
  c.state.items.flatMap((i) => i.tools ?? []).find((r) => r.state === 'approval');

describe('widget: approvals across a reload', () => {
  it('asks again after a reload and shows the finished answer once approved', async () => {
    const storage = memory();
    const before = controller(storage);
    before.setOpen(true);
    before.setDraft('(3+4)*12 km to miles');
    const sending = before.send();
    await until(before, () => !!approvalRow(before));
    before.destroy(); // the page reloads: the stream drops
    await sending;

    const after = controller(storage);
    await until(after, () => !after.state.loadingHistory && !!approvalRow(after));
    const row = approvalRow(after)!;
    expect(row).toMatchObject({ name: 'calculator' });
    expect(row.args).toContain('(3+4)*12 km to miles');
    expect(after.state.busy).toBe(true); // the server still runs the turn
    expect(after.state.items.map((i) => i.role)).toEqual(['user', 'assistant']);

    await after.answerApproval(row.id, true);
    expect(after.state.busy).toBe(false);
    const answer = after.state.items[after.state.items.length - 1]!;
    expect(answer).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(answer.text).toContain('52.19');
    expect(approvalRow(after)).toBeUndefined();
  });
});

describe('widget: client-side tools', () => {
  it('offers registered tools and answers their calls with execute()', async () => {
    const seen: unknown[] = [];
    const weather: ClientTool = {
      name: 'weather',
      description: "Reads the weather widget on the user's page",
      parameters: {
        type: 'object',
        required: ['location'],
        properties: { location: { type: 'string' } },
      },
      execute: (args) => {
        seen.push(args);
        return { summary: 'Sunny and 21 °C on the page' };
      },
    };
    const c = controller(memory(), { tools: [weather] });
    c.setDraft('What is the weather in Lisbon?');
    await c.send();
    expect(c.state.error).toBeNull();
    expect(seen).toEqual([{ location: 'Lisbon' }]);
    const answer = c.state.items[c.state.items.length - 1]!;
    expect(answer.tools).toMatchObject([{ name: 'weather', state: 'ok' }]);
    expect(answer.text).toContain('Sunny and 21 °C on the page');
  });
});
