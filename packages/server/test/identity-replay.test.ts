import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Infra } from '../src/infra/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyIdentityToken } from '../src/auth/identity-token.js';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { startTestApp } from './helpers/test-app.js';
import { openTestInfra, usingRedis } from './helpers/test-infra.js';

let t: TestApp;
/** A second instance on the same database and Redis (embedded: the same in-process infra). */
let peer: TestApp;
let peerInfra: Infra;
let tenant: TestTenant;
let kid: string;
let secret: string;

beforeAll(async () => {
  t = await startTestApp();
  // Redis: a second connection on the same prefix; embedded: the one in-process infra.
  peerInfra = usingRedis ? await openTestInfra((t.infra as { prefix?: string }).prefix) : t.infra;
  peer = await startTestApp({ db: t.db, infra: peerInfra });
  tenant = await t.createTenant({ memory: { enabled: false } });
  ({ id: kid, secret } = (
    await t.admin('POST', `/v1/admin/tenants/${tenant.id}/identity-secret`, {})
  ).body);
});
afterAll(async () => {
  await peer.close();
  if (usingRedis) await peerInfra.close();
  await t.close();
});

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;
const sign = (claims: Record<string, unknown>, key = secret, keyid = kid) =>
  jwt.sign({ exp: inSeconds(300), ...claims }, key, { algorithm: 'HS256', keyid });
const identify = (app: TestApp, identityToken: string) =>
  app.request('POST', '/v1/sessions/identify', { body: { identityToken } });
const sessionsOf = async (externalId: string) =>
  (
    await t.db
      .knex('sessions')
      .join('users', 'users.id', 'sessions.user_id')
      .where({ 'users.external_id': externalId, 'users.tenant_id': tenant.id })
      .count({ n: '*' })
      .first()
  )?.n;

describe('identity tokens are single use (jti)', () => {
  it('refuses a token the second time it is presented, and issues nothing', async () => {
    const token = sign({ sub: 'replay-1', jti: randomUUID() });
    expect((await identify(t, token)).status).toBe(200);
    const replay = await identify(t, token);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/already used/),
    });
    expect(Number(await sessionsOf('replay-1'))).toBe(1);
  });

  it('refuses the replay on another instance too (the used jti is shared)', async () => {
    const token = sign({ sub: 'replay-2', jti: randomUUID() });
    expect((await identify(t, token)).status).toBe(200);
    expect((await identify(peer, token)).status).toBe(401);
  });

  it('refuses a token without a jti and stores nothing', async () => {
    const res = await identify(t, sign({ sub: 'no-jti' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'unauthorized',
      message: 'Invalid identity token',
      requestId: expect.any(String),
    });
    expect(await t.db.knex('users').where({ external_id: 'no-jti' })).toEqual([]);
  });

  it('does not spend the jti of a token that failed verification', async () => {
    const jti = randomUUID();
    const forged = sign({ sub: 'replay-3', jti }, 'ids_guessed-secret-0123456789abcdef');
    expect((await identify(t, forged)).status).toBe(401);
    expect((await identify(t, sign({ sub: 'replay-3', jti }))).status).toBe(200);
  });

  it('keeps a jti per tenant: another tenant may use the same value', async () => {
    const other = await t.createTenant();
    const o = (await t.admin('POST', `/v1/admin/tenants/${other.id}/identity-secret`, {})).body;
    const jti = randomUUID();
    expect((await identify(t, sign({ sub: 'same-jti', jti }))).status).toBe(200);
    expect((await identify(t, sign({ sub: 'same-jti', jti }, o.secret, o.id))).status).toBe(200);
  });

  it('remembers a jti for the rest of the token’s lifetime (plus the clock tolerance)', async () => {
    const ttls: number[] = [];
    const kv = {
      setIfAbsent: async (_key: string, _value: string, ttlMs: number) => {
        ttls.push(ttlMs);
        return true;
      },
    };
    const secrets = t.app.services.identitySecrets;
    const exp = inSeconds(120);
    const now = Date.now();
    await verifyIdentityToken(sign({ sub: 'ttl', jti: randomUUID(), exp }), secrets, kv, now);
    // Exactly until the token could no longer verify: exp + the 5 s tolerance, by the server's clock.
    expect(ttls).toEqual([exp * 1000 + 5_000 - now]);
  });
});
