import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

let t: TestApp;
let tenant: TestTenant;
let kid: string;
let secret: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant({ memory: { enabled: false } });
  const created = await t.admin('POST', `/v1/admin/tenants/${tenant.id}/identity-secret`, {});
  expect(created.status).toBe(201);
  ({ id: kid, secret } = created.body);
});
afterAll(() => t.close());

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

/** What a tenant's backend does: sign who the visitor is, for a few minutes. */
function identityToken(
  claims: Record<string, unknown>,
  opts: { key?: string; kid?: string | null; alg?: jwt.Algorithm } = {},
): string {
  return jwt.sign({ exp: inSeconds(300), jti: randomUUID(), ...claims }, opts.key ?? secret, {
    algorithm: opts.alg ?? 'HS256',
    ...(opts.kid === null ? {} : { keyid: opts.kid ?? kid }),
  });
}

const identify = (identityToken: string, anonymousAccessToken?: string) =>
  t.request('POST', '/v1/sessions/identify', {
    token: anonymousAccessToken,
    body: { identityToken },
  });

async function anonymousVisitor(): Promise<{ accessToken: string; userId: string }> {
  const s = await t.request('POST', '/v1/sessions', {
    token: tenant.publishableKey,
    headers: { origin: tenant.origin },
  });
  return { accessToken: s.body.accessToken, userId: s.body.user.id };
}

async function chat(token: string, text: string): Promise<string> {
  const conv = await t.request('POST', '/v1/conversations', { token, body: { title: text } });
  const turn = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
    token,
    body: { content: text },
  });
  expect(turn.status).toBe(201);
  return conv.body.id;
}

describe('identity secrets', () => {
  it('are shown once, listed without the secret, and stored sealed', async () => {
    expect(secret).toMatch(/^ids_[A-Za-z0-9_-]{40,}$/);
    const list = await t.admin('GET', `/v1/admin/tenants/${tenant.id}/identity-secret`);
    expect(list.body.data.map((s: { id: string }) => s.id)).toContain(kid);
    expect(list.text).not.toContain(secret);
    const row = await t.db.knex('identity_secrets').where({ id: kid }).first();
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));
  });
});

describe('POST /v1/sessions/identify', () => {
  it('exchanges a signed identity token for a session of that user, with name, email and traits', async () => {
    const res = await identify(
      identityToken({
        sub: 'cust-42',
        name: 'Ada',
        email: 'ada@example.com',
        traits: { plan: 'pro' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ externalId: 'cust-42', anonymous: false, name: 'Ada' });
    const me = await t.request('GET', '/v1/me', { token: res.body.accessToken });
    expect(me.body).toMatchObject({ email: 'ada@example.com', traits: { plan: 'pro' } });
    // The same user next time, details updated.
    const again = await identify(identityToken({ sub: 'cust-42', name: 'Ada L.' }));
    expect(again.body.user.id).toBe(res.body.user.id);
    expect(again.body.user.name).toBe('Ada L.');
  });

  it('rejects unsigned, wrongly signed, swapped-algorithm, long-lived and malformed tokens', async () => {
    const before = await t.db.knex('users').count({ n: '*' }).first();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'mallory', exp: inSeconds(60) }),
    ).toString('base64url')}.`;
    const cases: Record<string, string> = {
      'alg none': none,
      'wrong secret': identityToken(
        { sub: 'mallory' },
        { key: 'ids_guessed-secret-0123456789abcdef' },
      ),
      'HS512 with the right secret': identityToken({ sub: 'mallory' }, { alg: 'HS512' }),
      'no kid': identityToken({ sub: 'mallory' }, { kid: null }),
      'unknown kid': identityToken(
        { sub: 'mallory' },
        { kid: '00000000-0000-4000-8000-000000000000' },
      ),
      expired: identityToken({ sub: 'mallory', exp: inSeconds(-60) }),
      'lives a day': identityToken({ sub: 'mallory', exp: inSeconds(86_400) }),
      'sub not a string': identityToken({ sub: 42 }),
      'garbage traits': identityToken({ sub: 'mallory', traits: 'admin' }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await identify(token);
      expect(res.status, name).toBe(401);
      expect(res.body.error.code, name).toBe('unauthorized');
    }
    const noExp = jwt.sign({ sub: 'mallory', jti: randomUUID() }, secret, {
      algorithm: 'HS256',
      keyid: kid,
    });
    expect((await identify(noExp)).status).toBe(401);
    const after = await t.db.knex('users').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });

  it("moves an anonymous visitor's conversations, messages and memories to the user, atomically", async () => {
    const visitor = await anonymousVisitor();
    const convA = await chat(visitor.accessToken, 'visitor question one');
    const convB = await chat(visitor.accessToken, 'visitor question two');
    await t.db.knex('memories').insert({
      tenant_id: tenant.id,
      user_id: visitor.userId,
      text: 'prefers tea',
    });
    const bystander = await anonymousVisitor();
    const bystanderConv = await chat(bystander.accessToken, 'not yours');
    // The identified user already has history of their own, which stays.
    const known = await identify(identityToken({ sub: 'merge-target' }));
    const ownConv = await chat(known.body.accessToken, 'my own');

    const res = await identify(identityToken({ sub: 'merge-target' }), visitor.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(known.body.user.id);
    expect(res.body.merged).toMatchObject({ conversations: 2, messages: 4, memories: 1 });

    const list = await t.request('GET', '/v1/conversations', { token: res.body.accessToken });
    expect(list.body.data.map((c: { id: string }) => c.id).sort()).toEqual(
      [convA, convB, ownConv].sort(),
    );
    const msgs = await t.request('GET', `/v1/conversations/${convA}/messages`, {
      token: res.body.accessToken,
    });
    expect(msgs.body.data.map((m: { content: string }) => m.content)[0]).toBe(
      'visitor question one',
    );
    const memories = await t.db.knex('memories').where({ user_id: res.body.user.id });
    expect(memories.map((m) => m.text)).toEqual(['prefers tea']);
    const usage = await t.db
      .knex('usage')
      .where({ user_id: res.body.user.id })
      .sum({ m: 'messages' });
    expect(Number(usage[0]!.m)).toBe(3);
    expect(await t.db.knex('usage').where({ user_id: visitor.userId })).toEqual([]);

    // The visitor's session is spent; the bystander keeps everything.
    expect((await t.request('GET', '/v1/me', { token: visitor.accessToken })).status).toBe(401);
    const visitorRow = await t.db.knex('users').where({ id: visitor.userId }).first();
    expect(visitorRow.merged_into).toBe(res.body.user.id);
    const theirs = await t.request('GET', `/v1/conversations/${bystanderConv}`, {
      token: bystander.accessToken,
    });
    expect(theirs.status).toBe(200);
  });

  it('rolls the whole merge back when any part fails', async () => {
    const visitor = await anonymousVisitor();
    const conv = await chat(visitor.accessToken, 'keep me whole');
    await t.db.knex('memories').insert({
      tenant_id: tenant.id,
      user_id: visitor.userId,
      text: 'FAIL-MERGE',
    });
    // A fault injected in the database: moving this memory fails mid-merge.
    await t.db.knex
      .raw(`create or replace function parley_test_fail() returns trigger language plpgsql as
      $$ begin raise exception 'injected failure'; end $$`);
    await t.db.knex.raw(`create trigger parley_test_fail before update on memories for each row
      when (old.text = 'FAIL-MERGE') execute function parley_test_fail()`);
    try {
      const res = await identify(identityToken({ sub: 'atomic-target' }), visitor.accessToken);
      expect(res.status).toBe(500);
    } finally {
      await t.db.knex.raw('drop trigger parley_test_fail on memories');
    }
    const row = await t.db.knex('conversations').where({ id: conv }).first();
    expect(row.user_id).toBe(visitor.userId);
    expect(
      await t.db.knex('messages').where({ conversation_id: conv, user_id: visitor.userId }),
    ).toHaveLength(2);
    expect(
      await t.db.knex('users').where({ tenant_id: tenant.id, external_id: 'atomic-target' }),
    ).toEqual([]);
    expect((await t.request('GET', '/v1/me', { token: visitor.accessToken })).status).toBe(200);
  });

  it("never merges across tenants: another tenant's visitor is refused and keeps their data", async () => {
    const other = await t.createTenant();
    const otherVisitor = await t.request('POST', '/v1/sessions', {
      token: other.publishableKey,
      headers: { origin: other.origin },
    });
    const res = await identify(
      identityToken({ sub: 'cross-tenant' }),
      otherVisitor.body.accessToken,
    );
    expect(res.status).toBe(403);
    expect(await t.db.knex('users').where({ external_id: 'cross-tenant' })).toEqual([]);
    const still = await t.db.knex('users').where({ id: otherVisitor.body.user.id }).first();
    expect(still.merged_into).toBeNull();
  });

  it('keeps the previous secret valid for the grace period of a rotation, and not after', async () => {
    const own = await t.createTenant();
    const first = await t.admin('POST', `/v1/admin/tenants/${own.id}/identity-secret`, {});
    const signWith = (s: { id: string; secret: string }) =>
      identityToken({ sub: 'rotating' }, { key: s.secret, kid: s.id });
    const graceful = await t.admin('POST', `/v1/admin/tenants/${own.id}/identity-secret`, {
      graceSeconds: 3600,
    });
    expect((await identify(signWith(first.body))).status).toBe(200);
    expect((await identify(signWith(graceful.body))).status).toBe(200);
    const immediate = await t.admin('POST', `/v1/admin/tenants/${own.id}/identity-secret`, {
      graceSeconds: 0,
    });
    expect((await identify(signWith(first.body))).status).toBe(401);
    expect((await identify(signWith(graceful.body))).status).toBe(401);
    expect((await identify(signWith(immediate.body))).status).toBe(200);
  });
});
