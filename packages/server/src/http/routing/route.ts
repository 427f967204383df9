import type { Context } from 'koa';
import type { AuthKind } from '../../auth/route-auth.js';
import { UUID_PATTERN } from '../../util/uuid.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON Schema (draft 2020-12 subset that ajv compiles and OpenAPI 3.1 embeds). */
export type JsonSchema = Record<string, unknown>;

export interface ResponseSpec {
  description: string;
  /** Body schema; omitted for empty bodies (204). */
  schema?: JsonSchema;
  /** Default `application/json`; `text/event-stream` for streams, `text/html` for pages. */
  contentType?: string;
  example?: unknown;
}

/** What a handler receives besides the Koa context: validated input. */
export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

/**
 * One route, declared in one place: method, canonical path, who may call it,
 * the schemas of what it accepts and answers, and the handler. The router,
 * the isolation matrix and the OpenAPI document are all built from these.
 */
export interface RouteSpec<B = unknown, Q = unknown, P = Record<string, string>> {
  method: HttpMethod;
  /** Canonical path, case-sensitive, no trailing slash: `/v1/conversations/:id`. */
  path: string;
  auth: AuthKind;
  summary: string;
  tags: string[];
  /**
   * Path parameter schemas by name. A parameter without one must be a UUID;
   * anything else is a 404 before the handler runs (ids are never guessable input).
   */
  params?: Record<string, JsonSchema>;
  /** What `:id` names, for 404 messages ("Conversation not found"). */
  resource?: string;
  query?: JsonSchema;
  body?: JsonSchema;
  responses: Record<number, ResponseSpec>;
  /**
   * `handler`: the handler checks the user's request rate itself (the turn
   * checks it together with quotas in one Redis call). Default: auth does.
   */
  rateLimit?: 'auth' | 'handler';
  /** Responses carry credentials: never stored by any cache. */
  noStore?: boolean;
  handler(ctx: Context, input: RouteInput<B, Q, P>): Promise<void> | void;
}

export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route with typed input (the types follow the schemas; tests keep them honest). */
export function defineRoute<B = undefined, Q = undefined, P = Record<string, string>>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

/** `METHOD /path`, the key a route is known by in tests, logs and the OpenAPI document. */
export function routeKey(route: Pick<AnyRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export const uuidSchema: JsonSchema = { type: 'string', pattern: UUID_PATTERN };

const UUID = new RegExp(UUID_PATTERN, 'i');

/** An id this API could have issued (anything else cannot exist: a 404, never a query). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Path parameter names of a path, in order: `/a/:x/b/:y` → ['x', 'y']. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}
