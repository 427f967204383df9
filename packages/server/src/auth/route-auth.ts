import type Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';

/**
 * How a route authenticates its caller. Every route must carry exactly one,
 * through the auth middleware it uses (tagged here) or `publicRoute(...)`;
 * the isolation-matrix test fails for a route that declares none.
 */
export type AuthKind =
  /** Anyone: health, pages, static assets. */
  | 'public'
  /** An end user's access token (JWT). */
  | 'user'
  /** The platform operator's admin token. */
  | 'admin'
  /** A secret `sk_` key (tenant backend). */
  | 'secret-key'
  /** A publishable `pk_` key from an allowed origin, or a secret key. */
  | 'api-key'
  /** A credential in the body: a refresh token or a tenant-signed identity token. */
  | 'body-token'
  /** Email + password with a `pk_` key or an anonymous session naming the tenant. */
  | 'account';

const kinds = new WeakMap<object, AuthKind>();

export function tagAuth<T extends Middleware>(mw: T, kind: AuthKind): T {
  kinds.set(mw, kind);
  return mw;
}

export function authKindOf(mw: unknown): AuthKind | undefined {
  return typeof mw === 'function' ? kinds.get(mw) : undefined;
}

/** Marks a route as intentionally reachable without credentials; says why. */
export function publicRoute(reason: string): Middleware {
  const mw: Middleware = (_ctx, next) => next();
  Object.defineProperty(mw, 'name', { value: `public(${reason})` });
  return tagAuth(mw, 'public');
}

/** Credentials carried in the body (verified by the handler); see AuthKind. */
export function bodyCredential(what: string): Middleware {
  const mw: Middleware = (_ctx, next) => next();
  Object.defineProperty(mw, 'name', { value: `body-token(${what})` });
  return tagAuth(mw, 'body-token');
}

/**
 * Routes that are public by design, declared here (reviewed like code) when
 * their file does not use `publicRoute(...)`. Keyed `METHOD /path`.
 */
export const DECLARED_PUBLIC: ReadonlyMap<string, string> = new Map([
  ['GET /healthz', 'liveness probe'],
  ['GET /readyz', 'readiness probe'],
  ['GET /', 'demo page / server info'],
  ['GET /widget.js', 'the widget script tenants embed'],
]);

export interface RouteInfo {
  method: string;
  path: string;
  name: string | null;
  /** Auth kinds found on the route's middleware chain, outermost first. */
  auth: AuthKind[];
}

type Dispatch = Middleware & { router?: Router };
type LayerLike = {
  path: string;
  methods: string[];
  name?: string | null;
  stack: unknown[];
  paramNames: { name: string }[];
};

const SAMPLE = '00000000-0000-4000-8000-000000000000';

/**
 * Every route of a Koa app built from @koa/router routers, with the auth
 * middleware that guards it (router-level `use` included), read from the
 * live middleware stack so no route can be missed.
 */
export function listRoutes(koa: Koa): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const mw of koa.middleware as Dispatch[]) {
    const router = mw.router;
    if (!router) continue;
    for (const layer of router.stack as unknown as LayerLike[]) {
      if (layer.methods.length === 0) continue;
      const sample = layer.path.replace(/:(\w+)(\([^)]*\))?[?*+]?/g, SAMPLE);
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        const chain = router.match(sample, method).pathAndMethod as unknown as LayerLike[];
        const auth = chain
          .flatMap((l) => l.stack)
          .map(authKindOf)
          .filter((k): k is AuthKind => k !== undefined);
        if (auth.length === 0 && DECLARED_PUBLIC.has(`${method} ${layer.path}`))
          auth.push('public');
        out.push({ method, path: layer.path, name: layer.name ?? null, auth: [...new Set(auth)] });
      }
    }
  }
  return out;
}
