import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ApiKeyCache } from './auth/api-key-cache.js';
import { SessionService } from './auth/session-service.js';
import { ActiveTurns } from './agent/active-turns.js';
import type { ServerConfig } from './config/env.js';
import type { Database } from './db/connect.js';
import type { Infra } from './infra/index.js';
import type { ProviderRegistry } from './providers/registry.js';
import { TenantCache } from './tenants/tenant-cache.js';

/** Everything a request handler may need, built once per server instance. */
export interface AppServices {
  config: ServerConfig;
  log: Logger;
  db: Database;
  knex: Knex;
  infra: Infra;
  apiKeys: ApiKeyCache;
  tenants: TenantCache;
  sessions: SessionService;
  providers: ProviderRegistry;
  /** Model chain when a tenant names none, e.g. `['openai:gpt-4o-mini']`. */
  defaultModels: string[];
  activeTurns: ActiveTurns;
  /** Set on the embedded default: the demo tenant behind the page at `/`. */
  demo?: { tenantId: string; publishableKey: string };
}

export function buildServices(parts: {
  config: ServerConfig;
  log: Logger;
  db: Database;
  infra: Infra;
  providers: ProviderRegistry;
  defaultModels: string[];
}): AppServices {
  const { config, db, infra } = parts;
  return {
    ...parts,
    knex: db.knex,
    apiKeys: new ApiKeyCache(db.knex, infra.pubsub),
    tenants: new TenantCache(db.knex, infra.pubsub),
    sessions: new SessionService(db.knex, {
      jwtSecret: config.jwtSecret,
      accessTtlSeconds: config.jwtAccessTtlSeconds,
      refreshTtlSeconds: config.refreshTtlSeconds,
    }),
    activeTurns: new ActiveTurns(),
  };
}
