import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant({ memory: { enabled: false } });
});
afterAll(() => t.close());

const PASSWORD = 'correct horse battery';

function call(
  path: 'signup' | 'login',
  body: unknown,
  opts: { tenant?: TestTenant; token?: string; origin?: string | null } = {},
) {
  const tn = opts.tenant ?? tenant;
  const origin = opts.origin === undefined ? tn.origin : opts.origin;
  return t.request('POST', `/v1/accounts/${path}`, {
    token: opts.token ?? tn.publishableKey,
    headers: origin ? { origin } : {},
    body,
  });
}

describe('email + password accounts', () => {
  it('sign up hashes the password with scrypt and a per-user salt', async () => {
    const a = await call('signup', { email: 'Hash.One@example.com', password: PASSWORD });
    const b = await call('signup', { email: 'hash.two@example.com', password: PASSWORD });
    expect(a.status).toBe(201);
    expect(a.body.user).toMatchObject({ email: 'hash.one@example.com', anonymous: false });
    expect((await t.request('GET', '/v1/me', { token: a.body.accessToken })).status).toBe(200);
    const rows = await t.db.knex('users').whereIn('id', [a.body.user.id, b.body.user.id]);
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(r.password_hash).not.toContain(PASSWORD);
    }
    expect(rows[0].password_hash).not.toBe(rows[1].password_hash);
    expect(a.text).not.toContain('scrypt');
  });

  it('logs in with the right password, case-insensitively by email', async () => {
    await call('signup', { email: 'login.me@example.com', password: PASSWORD });
    const ok = await call('login', { email: 'LOGIN.me@example.com', password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe('login.me@example.com');
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    await call('signup', { email: 'exists@example.com', password: PASSWORD });
    const wrong = await call('login', {
      email: 'exists@example.com',
      password: 'not the password',
    });
    const unknown = await call('login', {
      email: 'nobody@example.com',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    const strip = (b: { error: { requestId?: string } }) => ({
      ...b.error,
      requestId: undefined,
    });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(wrong.body.error.message).toBe('Invalid email or password');
  });

  it('throttles login per account, the same way whether the account exists or not', async () => {
    const own = await t.createTenant({ rateLimits: { loginPerAccountPer15Min: 3 } });
    await call('signup', { email: 'target@example.com', password: PASSWORD }, { tenant: own });
    const attempt = (email: string, password = 'guess-guess') =>
      call('login', { email, password }, { tenant: own });
    for (const email of ['target@example.com', 'ghost@example.com']) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await attempt(email)).status);
      expect(statuses).toEqual([401, 401, 401]);
      const blocked = await attempt(email, PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('rate_limited');
      expect(blocked.body.error.details.retryAfter).toBeGreaterThan(0);
      expect(Number(blocked.headers.get('retry-after'))).toBe(
        blocked.body.error.details.retryAfter,
      );
    }
    // Another account from the same address is not locked out.
    await call('signup', { email: 'other@example.com', password: PASSWORD }, { tenant: own });
    expect((await attempt('other@example.com', PASSWORD)).status).toBe(200);
  });

  it('throttles login and signup per client IP', async () => {
    const own = await t.createTenant({ rateLimits: { loginPerIpPer15Min: 4 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await call('login', { email: `spray${i}@example.com`, password: 'x' }, { tenant: own }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const signup = await call(
      'signup',
      { email: 'late@example.com', password: PASSWORD },
      { tenant: own },
    );
    expect(signup.status).toBe(429);
    expect(await t.db.knex('users').where({ tenant_id: own.id })).toEqual([]);
  });

  it("moves an anonymous visitor's conversations into the account they sign up for", async () => {
    const visitor = await t.request('POST', '/v1/sessions', {
      token: tenant.publishableKey,
      headers: { origin: tenant.origin },
    });
    const conv = await t.request('POST', '/v1/conversations', {
      token: visitor.body.accessToken,
      body: { title: 'before signing up' },
    });
    const res = await call(
      'signup',
      { email: 'convert@example.com', password: PASSWORD },
      { token: visitor.body.accessToken },
    );
    expect(res.status).toBe(201);
    expect(res.body.merged).toMatchObject({ conversations: 1 });
    const mine = await t.request('GET', `/v1/conversations/${conv.body.id}`, {
      token: res.body.accessToken,
    });
    expect(mine.body.title).toBe('before signing up');
    expect((await t.request('GET', '/v1/me', { token: visitor.body.accessToken })).status).toBe(
      401,
    );
  });

  it('refuses secret keys, missing credentials, foreign origins, weak passwords and taken emails', async () => {
    const before = await t.db.knex('users').where({ tenant_id: tenant.id }).count({ n: '*' });
    const body = { email: 'never@example.com', password: PASSWORD };
    expect((await call('signup', body, { token: tenant.secretKey, origin: null })).status).toBe(
      403,
    );
    const bare = await t.request('POST', '/v1/accounts/signup', { body });
    expect(bare.status).toBe(401);
    expect((await call('signup', body, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await call('signup', { ...body, password: 'short' })).status).toBe(400);
    await call('signup', { email: 'taken@example.com', password: PASSWORD });
    const before2 = await t.db.knex('users').where({ tenant_id: tenant.id }).count({ n: '*' });
    expect((await call('signup', { email: 'TAKEN@example.com', password: PASSWORD })).status).toBe(
      409,
    );
    const after = await t.db.knex('users').where({ tenant_id: tenant.id }).count({ n: '*' });
    expect(after).toEqual(before2);
    expect(Number(before2[0]!.n)).toBe(Number(before[0]!.n) + 1);
  });
});
