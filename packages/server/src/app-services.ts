import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ApiKeyCache } from './auth/api-key-cache.js';
import { IdentitySecrets } from './auth/identity-secrets.js';
import { JwtKeyring } from './auth/jwt-keyring.js';
import { SessionRevocations } from './auth/session-revocations.js';
import { TenantOrigins } from './auth/tenant-origins.js';
import { SessionService } from './auth/session-service.js';
import { ActiveTurns } from './agent/active-turns.js';
import type { ServerConfig } from './config/env.js';
import type { Database } from './db/connect.js';
import type { Infra } from './infra/index.js';
import type { MemoryService } from './memory/memory-service.js';
import type { ProviderRegistry } from './providers/registry.js';
import { TenantCache } from './tenants/tenant-cache.js';
import { ToolService } from './tools/tool-service.js';

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
  /** JWT signing key + previous keys that still verify (rotation). */
  keyring: JwtKeyring;
  /** Revoked session families; `onRevoked` tells WebSocket connections to close. */
  revocations: SessionRevocations;
  /** Browser origins each tenant allows (its publishable keys'), cached. */
  tenantOrigins: TenantOrigins;
  /** Per-tenant identity-token signing secrets. */
  identitySecrets: IdentitySecrets;
  providers: ProviderRegistry;
  /** Model chain when a tenant names none, e.g. `['openai:gpt-4o-mini']`. */
  defaultModels: string[];
  activeTurns: ActiveTurns;
  /** Tools per tenant (builtins, plugins, HTTP, MCP), the SSRF-safe fetch, the calculator sandbox. */
  tools: ToolService;
  /** Embedder and query-embedding cache for recall and extraction. */
  memory: MemoryService;
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
  memory: MemoryService;
}): AppServices {
  const { config, db, infra } = parts;
  const keyring = new JwtKeyring(config.jwtSecret, config.jwtPreviousSecrets);
  // Access tokens live this long, so a revocation must be remembered as long.
  const revocations = new SessionRevocations(
    infra.kv,
    infra.pubsub,
    config.jwtAccessTtlSeconds * 1000 + 60_000,
  );
  return {
    ...parts,
    knex: db.knex,
    apiKeys: new ApiKeyCache(db.knex, infra.pubsub),
    tenants: new TenantCache(db.knex, infra.pubsub),
    tools: new ToolService({ config, log: parts.log, knex: db.knex, infra }),
    sessions: new SessionService(
      db.knex,
      {
        keyring,
        accessTtlSeconds: config.jwtAccessTtlSeconds,
        refreshTtlSeconds: config.refreshTtlSeconds,
      },
      revocations,
    ),
    keyring,
    revocations,
    tenantOrigins: new TenantOrigins(db.knex, infra.pubsub),
    identitySecrets: new IdentitySecrets(db.knex, infra.pubsub, keyring),
    activeTurns: new ActiveTurns(),
  };
}
