import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ApiKeyCache } from './auth/api-key-cache.js';
import { IdentitySecrets } from './auth/identity-secrets.js';
import { JwtKeyring } from './auth/jwt-keyring.js';
import { SessionRevocations } from './auth/session-revocations.js';
import { TenantOrigins } from './auth/tenant-origins.js';
import { SessionService } from './auth/session-service.js';
import type { Generate } from './agent/model-chain.js';
import { createModelChain } from './agent/model-chain.js';
import type { Clock } from './clock/clock.js';
import type { Owner } from './db/scoped.js';
import { checkTurnLimits, recordTurnUsage } from './limits/turn-limits.js';
import {
  enqueueExtraction,
  recallForTurn,
  recalledEventFields,
  systemPromptWithMemory,
} from './memory/turn-memory.js';
import { CircuitBreaker } from './providers/circuit-breaker.js';
import type { ConversationStore } from './stores/conversation-store.js';
import { conversationStore } from './stores/conversation-store.js';
import { replayStore } from './stores/replay-store.js';
import { DEFAULT_PERSONA } from './tenants/settings.js';
import type { ToolRuntime } from './tools/runtime/run-tool-calls.js';
import { TurnRunner } from './turns/turn-runner.js';
import type { ServerConfig } from './config/env.js';
import type { Database } from './db/connect.js';
import type { SqlClient } from './db/sql-client.js';
import type { Infra } from './infra/index.js';
import type { MemoryService } from './memory/memory-service.js';
import type { ProviderRegistry } from './providers/registry.js';
import { TenantCache } from './tenants/tenant-cache.js';
import { ToolService } from './tools/tool-service.js';

/** A finished turn's events stay in memory this long for clients that resume late. */
const TURN_RETAIN_MS = 60_000;

/**
 * Every service of one server instance, built once. Only the composition
 * root (create-app.ts, http/route-table.ts) holds the whole bag; modules
 * take the few ports they use.
 */
export interface AppServices {
  config: ServerConfig;
  log: Logger;
  db: Database;
  knex: Knex;
  /** Prepared statements for the hot path (turn statements, memory recall). */
  sql: SqlClient;
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
  /** Streams from a model chain with failover and breakers (agent/model-chain.ts). */
  generate: Generate;
  /** Starts turns and knows the ones running in this process. */
  turns: TurnRunner;
  /** One user's conversations and messages (stores/conversation-store.ts). */
  conversations(owner: Owner): ConversationStore;
  clock: Clock;
  /** This process, as written on the conversation leases it holds. */
  instanceId: string;
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
  clock: Clock;
  instanceId: string;
}): AppServices {
  const { config, db, infra, clock, log } = parts;
  const keyring = new JwtKeyring(config.jwtSecret, config.jwtPreviousSecrets);
  // Access tokens live this long, so a revocation must be remembered as long.
  const revocations = new SessionRevocations(
    infra.kv,
    infra.pubsub,
    config.jwtAccessTtlSeconds * 1000 + 60_000,
    () => clock.now(),
  );
  const tenants = new TenantCache(db.knex, infra.pubsub);
  const tools = new ToolService({ config, log, knex: db.knex, infra });
  const services: AppServices = {
    ...parts,
    knex: db.knex,
    sql: db.sql,
    apiKeys: new ApiKeyCache(db.knex, infra.pubsub),
    tenants,
    tools,
    sessions: new SessionService(
      db.knex,
      {
        keyring,
        now: () => clock.now(),
        accessTtlSeconds: config.jwtAccessTtlSeconds,
        refreshTtlSeconds: config.refreshTtlSeconds,
      },
      revocations,
    ),
    keyring,
    revocations,
    tenantOrigins: new TenantOrigins(db.knex, infra.pubsub),
    identitySecrets: new IdentitySecrets(db.knex, infra.pubsub, keyring),
    conversations: (owner) => conversationStore(db.knex, owner),
    turns: null as unknown as TurnRunner, // set below: its ports close over the services
    generate: createModelChain({
      providers: parts.providers,
      breaker: new CircuitBreaker(infra.kv, {
        failureThreshold: config.llm.breakerFailureThreshold,
        cooldownMs: config.llm.breakerCooldownMs,
        now: () => clock.now(),
      }),
      defaultModels: parts.defaultModels,
      firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs,
      idleTokenTimeoutMs: config.llm.idleTokenTimeoutMs,
      prices: config.llm.prices,
      clock,
      log,
    }),
  };
  services.turns = new TurnRunner({
    sql: db.sql,
    knex: db.knex,
    tenants,
    owns: (owner, id) => conversationStore(db.knex, owner).exists(id),
    limits: (owner, tenant) => checkTurnLimits(services, owner, tenant),
    countUsage: (owner, usage) => recordTurnUsage(services, owner, usage),
    tools,
    loop: {
      generate: services.generate,
      runtime: toolRuntime(services),
      maxSteps: config.tools.maxSteps,
      log,
    },
    memory: {
      recall: (tenant, input) => recallForTurn(services, tenant, input),
      promptSection: systemPromptWithMemory,
      recalledEvent: recalledEventFields,
      extract: (job) => enqueueExtraction(services, job),
    },
    defaultPersona: DEFAULT_PERSONA,
    clock,
    log,
    instanceId: parts.instanceId,
    leaseMs: config.turnLeaseMs,
    historyRows: 40,
    historyTokens: 6000,
    pubsub: infra.pubsub,
    replay: (owner) => replayStore(db.knex, owner, TURN_RETAIN_MS),
    retainMs: TURN_RETAIN_MS,
    resumeGraceMs: config.resumeGraceMs,
  });
  return services;
}

/** What running tools needs (tools/runtime/run-tool-calls.ts). */
export function toolRuntime(services: AppServices): ToolRuntime {
  return {
    infra: services.infra,
    fetch: services.tools.fetch,
    approvalTimeoutMs: services.config.tools.approvalTimeoutMs,
    log: services.log,
    clock: services.clock,
  };
}
