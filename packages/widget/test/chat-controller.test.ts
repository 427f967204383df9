import { createClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineProvider } from '../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../server/src/providers/registry.js';
import type { TestApp } from '../../server/test/helpers/test-app.js';
import { startTestApp } from '../../server/test/helpers/test-app.js';
import { ChatController } from '../src/chat/chat-controller.js';
import type { KeyValueStorage } from '../src/storage.js';

/** The widget's state machine against the real server, as a browser on an allowed origin. */
let t: TestApp;
let publishableKey: string;
const ORIGIN = 'https://shop.example.com';

beforeAll(async () => {
  t = await startTestApp({ providers: new ProviderRegistry().register(new OfflineProvider(5)) });
  publishableKey = (await t.createTenant()).publishableKey; // allows ORIGIN
});
afterAll(() => t.close());

function memory(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

function controller(storage = memory()) {
  const client = createClient({
    baseUrl: t.url,
    publishableKey,
    storage,
    storageKey: 'p:session',
    fetch: (url, init) =>
      fetch(url, { ...init, headers: { ...(init?.headers as object), origin: ORIGIN } }),
  });
  return {
    c: new ChatController({ client, storage, storageKey: 'p' }),
    client,
    storage,
  };
}

async function say(c: ChatController, text: string): Promise<void> {
  c.setDraft(text);
  await c.send();
}

describe('ChatController', () => {
  it('starts a new conversation when the remembered one was deleted', async () => {
    const { c, client, storage } = controller();
    await say(c, 'first');
    const first = storage.map.get('p:conversation')!;
    await client.conversations.delete(first);

    await say(c, 'second');
    expect(c.state.error).toBeNull();
    const second = storage.map.get('p:conversation')!;
    expect(second).not.toBe(first);
    const stored = await client.messages.list(second);
    expect(stored.data.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(stored.data[0]!.content).toBe('second');
  });

  it('reloads the thread, with the offline flag, into a new controller on the same storage', async () => {
    const first = controller();
    await say(first.c, 'remember me');
    const again = controller(first.storage);
    again.c.setOpen(true);
    await new Promise<void>((resolve) => {
      const stop = again.c.subscribe(() => {
        if (again.c.state.loadingHistory || !again.c.state.items.length) return;
        stop();
        resolve();
      });
    });
    expect(again.c.state.items.map((i) => [i.role, i.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(again.c.state.items[1]!.text).toContain('"remember me"');
    expect(again.c.state.offline).toBe(true);
  });

  it('refuses a second send while an answer streams, keeping the new draft', async () => {
    const { c } = controller();
    c.setDraft('one');
    const turn = c.send();
    c.setDraft('two');
    expect(c.canSend).toBe(false);
    await c.send(); // ignored
    await turn;
    expect(c.state.draft).toBe('two');
    expect(c.state.items.filter((i) => i.role === 'user').map((i) => i.text)).toEqual(['one']);
  });
});
