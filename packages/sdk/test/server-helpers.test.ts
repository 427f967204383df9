import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signIdentityToken,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../src/server/index.js';
import { createClient } from '../src/index.js';
import type { TestApp, TestTenant } from './helpers.js';
import { startTestApp } from './helpers.js';

let t: TestApp;
let tenant: TestTenant;
let secret: { id: string; secret: string };

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant({ memory: { enabled: false } });
  secret = (await t.admin('POST', `/v1/admin/tenants/${tenant.id}/identity-secret`, {})).body;
});
afterAll(() => t.close());

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('signIdentityToken', () => {
  it('signs a token the server accepts: the visitor becomes your user', async () => {
    const token = signIdentityToken(
      secret,
      { id: 'crm-7', name: 'Grace', email: 'grace@example.com', traits: { plan: 'pro' } },
      { expiresIn: 120 },
    );
    const visitor = createClient({
      baseUrl: t.url,
      publishableKey: tenant.publishableKey,
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), origin: tenant.origin },
        }),
    });
    const who = await visitor.identify(token);
    expect(who.user).toMatchObject({ externalId: 'crm-7', name: 'Grace', anonymous: false });
  });

  it('carries a random jti, a short exp and the kid; refuses lifetimes the server would', () => {
    const now = 1_800_000_000;
    const a = signIdentityToken(secret, { id: 'u' }, { now, expiresIn: 60 });
    const b = signIdentityToken(secret, { id: 'u' }, { now, expiresIn: 60 });
    expect(claimsOf(a)).toMatchObject({ sub: 'u', iat: now, exp: now + 60 });
    expect(claimsOf(a).jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claimsOf(a).jti).not.toBe(claimsOf(b).jti);
    const head = JSON.parse(Buffer.from(a.split('.')[0]!, 'base64url').toString());
    expect(head).toEqual({ alg: 'HS256', typ: 'JWT', kid: secret.id });
    expect(() => signIdentityToken(secret, { id: 'u' }, { expiresIn: 901 })).toThrow(RangeError);
    expect(() => signIdentityToken(secret, { id: '' })).toThrow(TypeError);
  });

  it('a token signed with another secret is refused by the server', async () => {
    const forged = signIdentityToken({ id: secret.id, secret: 'ids_not-the-secret' }, { id: 'x' });
    const res = await t.request('POST', '/v1/sessions/identify', {
      body: { identityToken: forged },
      headers: { authorization: `Bearer ${tenant.publishableKey}`, origin: tenant.origin },
    });
    expect(res.status).toBe(401);
  });
});

describe('verifyWebhook', () => {
  const key = 'whsec_test_0123456789';
  const body = JSON.stringify({ type: 'conversation.completed', id: 'evt_1' });
  const now = 1_800_000_000;
  const headers = (sig: string, ts = now) => ({
    'parley-timestamp': String(ts),
    'parley-signature': sig,
  });

  it('returns the parsed body of a delivery signed over timestamp.body', () => {
    expect(verifyWebhook(key, body, headers(signWebhook(key, now, body)), { now })).toEqual({
      type: 'conversation.completed',
      id: 'evt_1',
    });
    // Fetch-style Headers, a Buffer body, and a rotation (old signature first) also work.
    const h = new Headers(headers(`v1=00, ${signWebhook(key, now, body)}`));
    expect(verifyWebhook(key, Buffer.from(body), h, { now })).toMatchObject({ id: 'evt_1' });
  });

  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e instanceof WebhookVerificationError ? e.reason : e;
    }
    return 'accepted';
  };

  it('refuses a changed body, another secret, a stale or future timestamp, missing headers', () => {
    const sig = signWebhook(key, now, body);
    expect(refusal(() => verifyWebhook(key, body + ' ', headers(sig), { now }))).toBe(
      'bad_signature',
    );
    expect(refusal(() => verifyWebhook('other', body, headers(sig), { now }))).toBe(
      'bad_signature',
    );
    expect(refusal(() => verifyWebhook(key, body, headers(sig.slice(0, -1)), { now }))).toBe(
      'bad_signature',
    );
    expect(refusal(() => verifyWebhook(key, body, headers(sig), { now: now + 301 }))).toBe(
      'stale_timestamp',
    );
    expect(refusal(() => verifyWebhook(key, body, headers(sig), { now: now - 301 }))).toBe(
      'stale_timestamp',
    );
    expect(refusal(() => verifyWebhook(key, body, {}, { now }))).toBe('missing_headers');
    // The timestamp is signed too: moving it breaks the signature.
    expect(refusal(() => verifyWebhook(key, body, headers(sig, now + 1), { now }))).toBe(
      'bad_signature',
    );
  });
});
