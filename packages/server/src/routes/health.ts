import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';

const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { const: 'ok' } },
};
const readySchema = {
  type: 'object',
  required: ['status', 'database'],
  properties: {
    status: { enum: ['ready', 'not_ready', 'draining'] },
    database: { type: 'object' },
    redis: { type: 'object' },
    inProcess: { type: 'object' },
  },
};

/** Liveness (the process answers) and readiness (its dependencies answer). */
export function healthRoutes(deps: {
  /** Resolves when the database answers a trivial query. */
  pingDatabase(): Promise<unknown>;
  databaseKind: string;
  infra: { kind: 'redis' | 'memory'; ping(): Promise<void> };
  /** True once a graceful shutdown began: load balancers must stop sending traffic. */
  draining: () => boolean;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      auth: 'public',
      summary: 'Liveness probe',
      tags: ['operations'],
      responses: {
        200: { description: 'The process is up', schema: healthSchema, example: { status: 'ok' } },
      },
      handler(ctx) {
        ctx.body = { status: 'ok' };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      auth: 'public',
      summary: 'Readiness probe: database and Redis reachable',
      tags: ['operations'],
      responses: {
        200: {
          description: 'Ready',
          schema: readySchema,
          example: {
            status: 'ready',
            database: { kind: 'postgres', status: 'ok' },
            redis: { status: 'ok' },
          },
        },
        503: {
          description: 'A dependency is down',
          schema: readySchema,
          example: {
            status: 'not_ready',
            database: { kind: 'postgres', status: 'ok' },
            redis: { status: 'unavailable' },
          },
        },
      },
      async handler(ctx) {
        // A dependency that does not answer within the probe budget is down for routing purposes.
        const checks = await Promise.allSettled([
          within(deps.pingDatabase(), PROBE_MS),
          within(deps.infra.ping(), PROBE_MS),
        ]);
        const [db, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
        const ready = db === 'ok' && redis === 'ok' && !deps.draining();
        ctx.status = ready ? 200 : 503;
        ctx.body = {
          status: ready ? 'ready' : deps.draining() ? 'draining' : 'not_ready',
          database: { kind: deps.databaseKind, status: db },
          [deps.infra.kind === 'redis' ? 'redis' : 'inProcess']: { status: redis },
        };
      },
    }),
  ];
}

const PROBE_MS = 150;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('probe timed out')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
