import type { AppServices } from '../app-services.js';
import { verifyIdentityToken } from '../auth/identity-token.js';
import { authenticateAccessToken, checkTenantOrigin } from '../auth/middleware.js';
import { signIn } from '../auth/sign-in.js';
import { accountRoutes } from '../routes/accounts.js';
import { aiSdkChatRoutes } from '../routes/ai-sdk-chat.js';
import { adminIdentityRoutes } from '../routes/admin-identity.js';
import { adminKeyRoutes } from '../routes/admin-keys.js';
import { adminTenantRoutes } from '../routes/admin-tenants.js';
import { adminToolRoutes } from '../routes/admin-tools.js';
import { adminUserEraseRoutes } from '../routes/admin-user-erase.js';
import { adminUserRoutes } from '../routes/admin-users.js';
import { conversationRoutes } from '../routes/conversations.js';
import { demoRoutes } from '../routes/demo.js';
import { healthRoutes } from '../routes/health.js';
import { identifyRoutes } from '../routes/identify.js';
import { logoutRoutes } from '../routes/logout.js';
import { meRoutes } from '../routes/me.js';
import { memoryRoutes } from '../routes/memories.js';
import { recallForQuery } from '../memory/turn-memory.js';
import { memoryRecallRoutes } from '../routes/memory-recall.js';
import { messageRoutes, streamRoutes } from '../routes/messages.js';
import { sessionRoutes } from '../routes/sessions.js';
import { toolAnswerRoutes } from '../routes/tool-answers.js';
import { widgetAssetRoutes } from '../routes/widget-asset.js';
import { wsEndpointRoutes } from '../routes/ws-endpoint.js';
import { apiKeyStore } from '../stores/api-key-store.js';
import { memorySearch } from '../stores/memory-search.js';
import { signInStore } from '../stores/sign-in-store.js';
import { tenantAdminStore } from '../stores/tenant-admin-store.js';
import { toolConfigStore } from '../stores/tool-config-store.js';
import { userDirectoryStore } from '../stores/user-directory-store.js';
import { exportUser } from '../stores/user-export-store.js';
import { userMemoryStore } from '../stores/user-memory-store.js';
import { toolAdmin } from '../tools/admin/tool-admin.js';
import type { AnyRoute } from './routing/route.js';
import { tenantThrottle } from './tenant-throttle.js';

/**
 * Every route of the HTTP API, in one list: each module declares its routes
 * with `defineRoute` (http/routing/route.ts) and receives only the ports it
 * uses. The router, the isolation matrix and the OpenAPI document read this.
 */
export function routeTable(services: AppServices): AnyRoute[] {
  const { db, infra, config } = services;
  const knex = db.knex;
  const { clock, conversations } = services;
  const tenants = tenantAdminStore(knex);
  /** A store made for a tenant, only once the tenant is known to exist (else 404). */
  const forTenant =
    <S>(make: (tenantId: string) => S) =>
    async (tenantId: string): Promise<S> => {
      await tenants.assertExists(tenantId);
      return make(tenantId);
    };
  const checkOrigin = (ctx: Parameters<typeof checkTenantOrigin>[0], tenantId: string) =>
    checkTenantOrigin(ctx, services, tenantId);
  const throttle = tenantThrottle({
    config,
    tenants: services.tenants,
    rateLimiter: infra.rateLimiter,
    clock: services.clock,
  });
  const signInUser = signIn({
    knex,
    sessions: services.sessions,
    revocations: services.revocations,
  });
  const users = (tenantId: string) => userDirectoryStore(knex, tenantId);

  return [
    ...healthRoutes({
      pingDatabase: () => knex.raw('select 1'),
      databaseKind: db.kind,
      infra,
      draining: () => services.turns.draining,
    }),
    ...demoRoutes({ demo: () => services.demo }),
    ...widgetAssetRoutes({ log: services.log }),

    ...sessionRoutes({
      users: (tenantId) => signInStore(knex, tenantId),
      sessions: services.sessions,
      checkOrigin,
    }),
    ...identifyRoutes({
      verifyIdentity: (token) =>
        verifyIdentityToken(
          token,
          services.identitySecrets,
          services.infra.kv,
          services.clock.now(),
        ),
      authenticate: (token) => authenticateAccessToken(services, token),
      checkOrigin,
      throttle,
      signIn: signInUser,
    }),
    ...logoutRoutes({ sessions: services.sessions }),
    ...accountRoutes({
      users: (tenantId) => signInStore(knex, tenantId),
      signIn: signInUser,
      throttle,
    }),
    ...meRoutes({
      users,
      exportUser: (owner, now) => exportUser(knex, owner, now),
      clock,
    }),

    ...conversationRoutes({ conversations }),
    ...messageRoutes({ turns: services.turns }),
    ...streamRoutes({ turns: services.turns }),
    ...aiSdkChatRoutes({ turns: services.turns, conversations, infra }),
    ...toolAnswerRoutes({ conversations, infra }),
    ...memoryRoutes({
      memories: (owner) =>
        userMemoryStore(
          {
            knex,
            embedder: services.memory.embedder,
            search: memorySearch({
              sql: services.sql,
              memory: services.memory,
              clock,
              log: services.log,
            }),
            evictUser: (o) => services.memory.cache.evictUser(o.tenantId, o.userId),
          },
          owner,
        ),
    }),
    ...wsEndpointRoutes(),

    ...adminTenantRoutes({ tenants, cache: services.tenants }),
    ...adminKeyRoutes({
      keys: forTenant((tenantId) => apiKeyStore(knex, tenantId)),
      originsChanged: (tenantId) => services.tenantOrigins.changed(tenantId),
      keyRevoked: (hash) => services.apiKeys.revoked(hash),
      revokeKeySessions: (tenantId, keyId) => services.sessions.revokeApiKey(tenantId, keyId),
    }),
    ...adminIdentityRoutes({
      assertTenant: (tenantId) => tenants.assertExists(tenantId),
      secrets: services.identitySecrets,
    }),
    ...adminUserRoutes({ users: forTenant(users), sessions: services.sessions }),
    ...adminUserEraseRoutes({
      users,
      sessions: services.sessions,
      forgetCached: (o) => services.memory.cache.evictUser(o.tenantId, o.userId),
    }),
    ...adminToolRoutes({
      tools: forTenant((tenantId) =>
        toolAdmin({
          store: toolConfigStore(knex, tenantId),
          catalog: services.tools.catalog(),
          enabledTools: async () => (await services.tenants.get(tenantId))?.settings.enabledTools,
          allowedAddresses: config.tools.unsafeAllowedAddresses,
          changed: () => services.tools.changed(tenantId),
        }),
      ),
    }),
    ...memoryRecallRoutes({
      recall: async (owner, text, conversationId) => {
        const tenant = await services.tenants.get(owner.tenantId);
        const ports = { sql: services.sql, memory: services.memory, log: services.log, clock };
        return recallForQuery(ports, tenant?.settings ?? {}, owner, text, { conversationId });
      },
    }),
  ];
}
