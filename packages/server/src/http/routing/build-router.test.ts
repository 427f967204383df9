import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Middleware } from 'koa';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unauthorized } from '../../errors/domain-error.js';
import { errorMiddleware } from '../error-middleware.js';
import { jsonBody } from '../body/json-body.js';
import { requestIdMiddleware } from '../request-id.js';
import type { Authenticators } from './build-router.js';
import { buildRouter } from './build-router.js';
import type { AnyRoute } from './route.js';
import { defineRoute } from './route.js';

const open: Middleware = (_ctx, next) => next();
/** Stand-ins for the real auth: `user` wants `Bearer ok`, everything else passes. */
const auth: Authenticators = {
  public: () => open,
  'body-token': () => open,
  admin: () => open,
  'secret-key': () => open,
  'api-key': () => open,
  account: () => open,
  user: () => (ctx, next) => {
    if (ctx.get('authorization') !== 'Bearer ok') throw unauthorized('Missing access token');
    return next();
  },
};

const ok = { 200: { description: 'ok', schema: { type: 'object' }, example: {} } };
const ID = '3f0c2a9e-8b1d-4c6e-9a7f-5d4e3c2b1a00';

const routes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/things',
    auth: 'user',
    summary: 'list',
    tags: [],
    responses: ok,
    handler: (ctx) => void (ctx.body = { listed: true }),
  }),
  defineRoute<{ name: string }>({
    method: 'POST',
    path: '/v1/things',
    auth: 'user',
    summary: 'create',
    tags: [],
    noStore: true,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string' } },
    },
    responses: ok,
    handler: (ctx, { body }) => void (ctx.body = { created: body.name }),
  }),
  defineRoute<undefined, undefined, { id: string }>({
    method: 'GET',
    path: '/v1/things/:id',
    auth: 'public',
    resource: 'Thing',
    summary: 'get',
    tags: [],
    responses: ok,
    handler: (ctx, { params }) => void (ctx.body = { id: params.id }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/things/:id/touch',
    auth: 'public',
    summary: 'no body',
    tags: [],
    responses: ok,
    handler: (ctx) => void (ctx.body = { touched: true }),
  }),
];

const route = (over: Partial<AnyRoute>): AnyRoute => ({ ...routes[0]!, ...over });

describe('buildRouter refuses a malformed table, so the app does not start', () => {
  it.each([
    ['a route without auth', [route({ auth: undefined as never })], /declares no known auth kind/],
    ['an unknown auth kind', [route({ auth: 'nobody' as never })], /declares no known auth kind/],
    ['a route declared twice', [routes[0]!, routes[0]!], /declared twice/],
    ['a trailing slash', [route({ path: '/v1/things/' })], /not canonical/],
    ['a double slash', [route({ path: '/v1//things' })], /not canonical/],
    ['no response', [route({ responses: {} })], /declares no response/],
    [
      'a schema for a param the path does not have',
      [route({ params: { id: { type: 'string' } } })],
      /unknown param id/,
    ],
  ])('%s', (_name, table, message) => {
    expect(() => buildRouter(table, auth)).toThrow(message);
  });
});

describe('the router built from the table', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    const koa = new Koa();
    koa.use(requestIdMiddleware(pino({ level: 'silent' })));
    koa.use(errorMiddleware());
    koa.use(jsonBody(10_000));
    koa.use(buildRouter(routes, auth));
    server = http.createServer(koa.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = async (method: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, { method, ...init });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const user = { authorization: 'Bearer ok' };

  it('serves the canonical path to its handler', async () => {
    expect((await call('GET', '/v1/things', { headers: user })).body).toEqual({ listed: true });
  });

  it.each([
    '/V1/things',
    '/v1/Things',
    '/v1/things/',
    '//v1/things',
    '/v1/%74hings',
    '/v1/things;x=1',
  ])('answers %s with 404 and never runs a handler (not even auth)', async (path) => {
    const res = await call('GET', path);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers an unknown path with the 404 envelope', async () => {
    const res = await call('GET', '/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'not_found',
      message: 'No route for GET /v1/nothing',
    });
  });

  it('answers another method on a known path with 405 and Allow', async () => {
    const res = await call('DELETE', '/v1/things', { headers: user });
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('checks auth before input: a bad body without credentials is a 401', async () => {
    const res = await call('POST', '/v1/things', json({ nope: 1 }));
    expect(res.status).toBe(401);
  });

  it('validates the body against the schema, listing every problem', async () => {
    const res = await call('POST', '/v1/things', json({ nope: 1 }, user));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([{ path: '/nope', message: 'unknown field' }]),
    );
    expect((await call('POST', '/v1/things', json({ name: 'x' }, user))).body).toEqual({
      created: 'x',
    });
  });

  it('refuses a body on a route that takes none, and query parameters it does not declare', async () => {
    expect((await call('POST', `/v1/things/${ID}/touch`, json({ a: 1 }))).status).toBe(400);
    expect((await call('POST', `/v1/things/${ID}/touch`)).body).toEqual({ touched: true });
    expect((await call('GET', '/v1/things?debug=1', { headers: user })).status).toBe(400);
  });

  it('answers a path parameter that cannot be an id with "<Resource> not found"', async () => {
    for (const id of ['42', ID.toUpperCase(), `${ID}x`]) {
      const res = await call('GET', `/v1/things/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('Thing not found');
    }
    expect((await call('GET', `/v1/things/${ID}`)).body).toEqual({ id: ID });
  });

  it('answers a path whose id cannot exist with 404 for every method, never 405 or 204', async () => {
    for (const method of ['DELETE', 'OPTIONS', 'PROPFIND']) {
      const res = await call(method, `/v1/things/${ID.toUpperCase()}`);
      expect(res.status, method).toBe(404);
      expect(res.body.error.message).toBe('Thing not found');
    }
    expect((await call('OPTIONS', `/v1/things/${ID}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/things/${ID}`)).status).toBe(405);
  });

  it('marks no-store routes uncacheable, refusals included', async () => {
    const refused = await call('POST', '/v1/things', json({ name: 'x' }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const created = await call('POST', '/v1/things', json({ name: 'x' }, user));
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect((await call('GET', '/v1/things', { headers: user })).headers.get('cache-control')).toBe(
      null,
    );
  });
});
