import type { ErrorBody, MemoryRecalledEvent, Message } from '@parley/sdk/protocol';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ToolLoopDeps } from '../agent/tool-loop.js';
import type { Clock } from '../clock/clock.js';
import type { Owner } from '../db/scoped.js';
import type { SqlClient } from '../db/sql-client.js';
import type { PubSub } from '../infra/pubsub.js';
import type { ReplayStore } from '../stores/replay-store.js';
import type { RecallResult } from '../memory/recall.js';
import type { ExtractionJob } from '../memory/turn-memory.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import type { ClientToolSpec } from '../tools/tool-service.js';
import type { ToolSet } from '../tools/tool-set.js';

/** A message a user sends, as every transport hands it to the runner. */
export interface TurnInput {
  tenantId: string;
  userId: string;
  conversationId: string;
  content: string;
  clientMessageId?: string | null;
  /** Tools the client (SDK/widget) runs itself, offered to the model for this message. */
  clientTools?: ClientToolSpec[];
}

/** How a turn ended, and what was stored (the terminal event says the same). */
export interface TurnOutcome {
  userMessage: Message;
  response: Message | null;
  error: ErrorBody | null;
}

/** Memory as the turn uses it: recall before the model, extraction after (never throws). */
export interface TurnMemory {
  recall(tenant: CachedTenant, input: TurnInput): Promise<RecallResult>;
  promptSection(persona: string, recalled: RecallResult): string;
  /** `memory.recalled` fields: what reached the prompt, with sources and scores. */
  recalledEvent(recalled: RecallResult): Pick<MemoryRecalledEvent, 'memories' | 'passages'>;
  extract(job: ExtractionJob): void;
}

/** Everything a turn needs, built once per server instance (composition root). */
export interface TurnRunnerDeps {
  sql: SqlClient;
  /** Tool rounds (off the hot path). */
  knex: Knex;
  tenants: { get(id: string): Promise<CachedTenant | null> };
  /** Whether the owner has this conversation (only asked off the hot path). */
  owns(owner: Owner, conversationId: string): Promise<boolean>;
  /** Rate + quotas in one call; throws DomainError(rate_limited | quota_exceeded). */
  limits(owner: Owner, tenant: CachedTenant): Promise<Record<string, string>>;
  /** Adds a finished turn to the cached quota counters (off the hot path). */
  countUsage(owner: Owner, usage: { messages: number; tokens: number }): Promise<void>;
  tools: { forTurn(tenant: CachedTenant, clientTools?: ClientToolSpec[]): Promise<ToolSet> };
  loop: ToolLoopDeps;
  memory: TurnMemory;
  defaultPersona: string;
  clock: Clock;
  log: Logger;
  /** Cross-instance mirroring of turns and cancels (turn-bus.ts). */
  pubsub: PubSub;
  /** Stored messages and turn state for resuming clients (stores/replay-store.ts). */
  replay(owner: Owner): ReplayStore;
  /** This process, as written on the leases it holds. */
  instanceId: string;
  leaseMs: number;
  historyRows: number;
  historyTokens: number;
  /** How long a finished turn's events stay in memory for clients that resume late. */
  retainMs: number;
  /** How long an answer whose client dropped goes on, waiting for the client to resume. */
  resumeGraceMs: number;
}
