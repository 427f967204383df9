import type { AppServices } from '../app-services.js';
import { conversationRoutes } from '../routes/conversations.js';
import { healthRoutes } from '../routes/health.js';
import { recallForQuery } from '../memory/turn-memory.js';
import { memoryRecallRoutes } from '../routes/memory-recall.js';
import { messageRoutes, streamRoutes } from '../routes/messages.js';
import type { AnyRoute } from './routing/route.js';

/**
 * Every route of the HTTP API, in one list: each module declares its routes
 * with `defineRoute` (http/routing/route.ts) and receives only the ports it
 * uses. The router, the isolation matrix and the OpenAPI document read this.
 */
export function routeTable(services: AppServices): AnyRoute[] {
  const { db, infra } = services;
  return [
    ...healthRoutes({
      knex: db.knex,
      databaseKind: db.kind,
      infra,
      draining: () => services.turns.draining,
    }),
    ...conversationRoutes({ conversations: services.conversations }),
    ...messageRoutes({ turns: services.turns }),
    ...streamRoutes({ turns: services.turns }),
    ...memoryRecallRoutes({
      recall: async (owner, text, conversationId) => {
        const tenant = await services.tenants.get(owner.tenantId);
        const ports = { knex: db.knex, memory: services.memory, log: services.log };
        return recallForQuery(ports, tenant?.settings ?? {}, owner, text, { conversationId });
      },
    }),
  ];
}
