import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  createClient,
  isParleyError,
  NotFoundError,
  ParleyError,
  PermissionDeniedError,
} from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { recordingFetch, startTestApp } from './helpers.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

describe('@parley/sdk REST resources against a real server', () => {
  it('starts a session with a secret key and manages conversations', async () => {
    const client = createClient({
      baseUrl: t.url,
      secretKey: tenant.secretKey,
      externalUserId: 'u-rest',
    });
    const session = await client.session.get();
    expect(session.user).toMatchObject({ externalId: 'u-rest', anonymous: false });

    const a = await client.conversations.create({ title: 'First' });
    const b = await client.conversations.create();
    expect(a.title).toBe('First');
    expect((await client.conversations.get(a.id)).id).toBe(a.id);
    expect((await client.conversations.update(b.id, { title: 'Renamed' })).title).toBe('Renamed');

    const page1 = await client.conversations.list({ limit: 1 });
    expect(page1.data).toHaveLength(1);
    const page2 = await client.conversations.list({ limit: 1, cursor: page1.nextCursor! });
    expect(new Set([page1.data[0]!.id, page2.data[0]!.id])).toEqual(new Set([a.id, b.id]));

    await client.conversations.delete(a.id);
    await expect(client.conversations.get(a.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists messages after a seq', async () => {
    const client = createClient({ baseUrl: t.url, secretKey: tenant.secretKey });
    const conv = await client.conversations.create();
    await client.messages.send(conv.id, 'one').finalMessage();
    await client.messages.send(conv.id, 'two').finalMessage();
    const all = await client.messages.list(conv.id);
    expect(all.data.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const later = await client.messages.list(conv.id, { afterSeq: all.data[1]!.seq, limit: 1 });
    expect(later.data.map((m) => m.content)).toEqual(['two']);
    expect(later.nextCursor).not.toBeNull();
  });

  it('starts an anonymous visitor session with a publishable key from an allowed origin', async () => {
    const browser = recordingFetch({ origin: tenant.origin });
    const client = createClient({
      baseUrl: t.url,
      publishableKey: tenant.publishableKey,
      fetch: browser.fetch,
    });
    const session = await client.session.get();
    expect(session.user.anonymous).toBe(true);
    expect((await client.conversations.create()).id).toBeTruthy();

    expect(browser.count('POST', '/v1/sessions')).toBe(1);

    const elsewhere = recordingFetch({ origin: 'https://evil.example' });
    const refused = createClient({
      baseUrl: t.url,
      publishableKey: tenant.publishableKey,
      fetch: elsewhere.fetch,
    });
    const err = await refused.conversations.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('maps every error to a typed ParleyError with status, code and request id', async () => {
    const client = createClient({ baseUrl: t.url, secretKey: tenant.secretKey });
    const conv = await client.conversations.create();

    const notFound = await client.conversations
      .get('00000000-0000-4000-8000-000000000000')
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: 'not_found', name: 'NotFoundError' });
    expect(notFound.requestId).toMatch(/./);

    // @ts-expect-error a wrong type on purpose: the server validates it
    const bad = await client.conversations.update(conv.id, { title: 42 }).catch((e) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad.details).toEqual([expect.objectContaining({ path: '/title' })]);

    await client.messages.send(conv.id, 'once', { clientMessageId: 'same' }).finalMessage();
    const dup = await client.messages
      .send(conv.id, 'once', { clientMessageId: 'same' })
      .finalMessage()
      .catch((e) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    expect(dup.code).toBe('conflict');

    const wrongKey = createClient({ baseUrl: t.url, secretKey: 'sk_live_not-a-real-key' });
    const auth = await wrongKey.conversations.list().catch((e) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);

    // Recognisable without instanceof (another bundled copy of the SDK), and plain errors are not.
    for (const e of [notFound, bad, dup, auth]) {
      expect(e).toBeInstanceOf(ParleyError);
      expect(isParleyError({ ...e, __parleyError: e.__parleyError })).toBe(true);
    }
    expect(isParleyError(new Error('x'))).toBe(false);
    expect(isParleyError(null)).toBe(false);
  });
});
