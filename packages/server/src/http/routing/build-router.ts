import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AuthKind } from '../../auth/route-auth.js';
import { DomainError, invalid, notFound } from '../../errors/domain-error.js';
import { check, parseBody, parseQuery } from '../validate.js';
import { isCanonicalPath } from './canonical-path.js';
import type { AnyRoute } from './route.js';
import { paramNames, routeKey, uuidSchema } from './route.js';

/** How each auth kind is enforced; built once per app in the composition root. */
export type Authenticators = Record<AuthKind, (route: AnyRoute) => Middleware>;

const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} };
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Builds the one router of the app from the route table. A route must
 * declare an auth kind that exists, a canonical path and a response, or the
 * app does not start. Matching is case-sensitive and strict; a path that
 * exists with another method is a 405 with `Allow`, anything else a 404.
 */
export function buildRouter(routes: readonly AnyRoute[], auth: Authenticators): Middleware {
  const router = new Router({ sensitive: true, strict: true });
  const seen = new Set<string>();
  for (const route of routes) {
    assertWellFormed(route, auth, seen);
    const chain = [auth[route.auth](route), input(route), run(route)];
    // First, so refusals of credential-bearing routes are not cached either.
    if (route.noStore) chain.unshift(noStore);
    router.register(route.path, [route.method], chain, { name: routeKey(route) });
  }
  const byKey = new Map(routes.map((r) => [routeKey(r), r]));
  const dispatch = router.routes();
  return async (ctx, next) => {
    if (!isCanonicalPath(ctx.path)) throw noRoute(ctx.method, ctx.path);
    const match = router.match(ctx.path, ctx.method);
    if (match.path.length === 0) throw noRoute(ctx.method, ctx.path);
    // A path whose ids cannot exist (`/v1/conversations/ABC`) is no route: 404 for every
    // method and caller, before auth, so no spelling of a path other than the canonical
    // one is ever answered with anything else.
    const routeOf = (l: Layer) => byKey.get(l.name ?? '');
    const layers = match.path.filter((l) => unfitParam(l, routeOf(l), ctx.path) === null);
    if (layers.length === 0) {
      const first = match.path[0]!;
      const route = routeOf(first);
      const bad = unfitParam(first, route, ctx.path);
      throw notFound(route && bad ? resourceOf(route, bad) : 'Resource');
    }
    // Only a layer whose ids fit may take the request: `DELETE /v1/memories/recall` is a 405
    // (recall is POST-only), not a call of `DELETE /v1/memories/:id` with id "recall".
    if (layers.some((l) => l.methods.includes(ctx.method)))
      return dispatch(ctx as Parameters<typeof dispatch>[0], next);
    const allow = [...new Set(layers.flatMap((l) => l.methods))].join(', ');
    ctx.set('Allow', allow);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new DomainError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, {
      allow: allow.split(', '),
    });
  };
}

type Layer = ReturnType<Router['match']>['path'][number];

/** The first path parameter of the layer's route that does not fit its schema, if any. */
function unfitParam(layer: Layer, route: AnyRoute | undefined, path: string): string | null {
  if (!route) return null;
  const params = layer.params(path, layer.captures(path));
  const bad = paramNames(route.path).find(
    (name) => check(route.params?.[name] ?? uuidSchema, params[name]).length > 0,
  );
  return bad ?? null;
}

const noRoute = (method: string, path: string) =>
  new DomainError('not_found', `No route for ${method} ${path}`);

function assertWellFormed(route: AnyRoute, auth: Authenticators, seen: Set<string>): void {
  const key = routeKey(route);
  if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
  seen.add(key);
  if (!route.auth || !auth[route.auth]) throw new Error(`route ${key} declares no known auth kind`);
  if (!isCanonicalPath(route.path.replace(/:\w+/g, 'x')))
    throw new Error(`route ${key}: path is not canonical`);
  if (Object.keys(route.responses).length === 0)
    throw new Error(`route ${key} declares no response`);
  for (const name of Object.keys(route.params ?? {})) {
    if (!paramNames(route.path).includes(name))
      throw new Error(`route ${key}: schema for unknown param ${name}`);
  }
}

/** Validates params (404 when malformed: an id that cannot exist), query and body. */
function input(route: AnyRoute): Middleware {
  const names = paramNames(route.path);
  const takesBody = BODY_METHODS.has(route.method);
  return async (ctx, next) => {
    const params = (ctx.params ?? {}) as Record<string, string>;
    for (const name of names) {
      const schema = route.params?.[name] ?? uuidSchema;
      if (check(schema, params[name]).length > 0) throw notFound(resourceOf(route, name));
    }
    const query = parseQuery(route.query ?? NO_QUERY, ctx.query);
    let body: unknown = undefined;
    if (takesBody && route.body) body = parseBody(route.body, ctx.request.body);
    else if (!isEmptyBody(ctx.request.body)) throw invalid(`${routeKey(route)} takes no body`);
    ctx.state.input = { body, query, params };
    return next();
  };
}

function run(route: AnyRoute): Middleware {
  return async (ctx) => {
    await route.handler(ctx, ctx.state.input as never);
  };
}

const noStore: Middleware = (ctx, next) => {
  ctx.set('cache-control', 'no-store');
  return next();
};

function isEmptyBody(body: unknown): boolean {
  return (
    body === undefined ||
    (typeof body === 'object' && body !== null && Object.keys(body).length === 0)
  );
}

/** `tenantId` → "Tenant"; `id` → what the route says it names. */
function resourceOf(route: AnyRoute, param: string): string {
  if (param === 'id') return route.resource ?? 'Resource';
  const base = param.replace(/Id$/, '');
  return base[0]!.toUpperCase() + base.slice(1);
}
