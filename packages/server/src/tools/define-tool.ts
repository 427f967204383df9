import type { Logger } from 'pino';
import type { SafeFetch } from './net/safe-fetch.js';
import { compileSchema } from './validate-args.js';

export type JSONSchema = Record<string, unknown>;

/** What a tool's `execute` receives besides its (validated) arguments. */
export interface ToolContext<Config = Record<string, unknown>> {
  tenantId: string;
  userId: string;
  conversationId: string;
  toolCallId: string;
  /** Aborted on timeout and when the user cancels the turn. */
  signal: AbortSignal;
  log: Logger;
  /** Streams a `tool.progress` event; `p` is 0..1. */
  progress(p: number, note?: string): void;
  /** This tenant's configuration of the tool (admin API), `{}` when none. */
  config: Config;
  /** SSRF-safe fetch: use it for any URL a tenant, user or model can influence. */
  fetch: SafeFetch;
}

/** Marks tool objects across copies of this package (plugins may bundle their own). */
export const TOOL_BRAND = Symbol.for('parley.tool');

export interface ToolDefinition<Args = any, Config = any> {
  readonly [TOOL_BRAND]: true;
  /** `^[A-Za-z0-9_-]{1,64}$`: what every model vendor accepts as a function name. */
  name: string;
  description: string;
  /**
   * Who the tool talks to, for the generic messages the model and the user see
   * when it cannot be reached ("the weather service"); details go to the log.
   */
  service?: string;
  /** JSON Schema of the arguments object; checked with ajv before `execute`. */
  parameters: JSONSchema;
  /** Pause the turn until the user approves each call. */
  needsApproval?: boolean;
  /** Per-call limit; the server default (PARLEY_TOOL_TIMEOUT_MS) otherwise. */
  timeoutMs?: number;
  /**
   * Resolves once the tool's runtime is up (e.g. a worker that loads a
   * library). The timeout counts from then: a slow start on a busy machine
   * is not the call's fault. Rejecting fails the call with that error.
   */
  ready?(): Promise<void>;
  /** JSON Schema for the per-tenant config set through the admin API. */
  configSchema?: JSONSchema;
  /** Returns any JSON value; throwing reports the error to the model. */
  execute(args: Args, ctx: ToolContext<Config>): unknown;
}

export type ToolInput<Args, Config> = Omit<ToolDefinition<Args, Config>, typeof TOOL_BRAND>;

export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declares a tool. Checks the declaration up front (name, schema compiles)
 * so a broken plugin fails at start, not in the middle of a conversation.
 */
export function defineTool<Args = any, Config = any>(
  input: ToolInput<Args, Config>,
): ToolDefinition<Args, Config> {
  if (!TOOL_NAME.test(input.name ?? '')) {
    throw new TypeError(`Tool name "${input.name}" must match ${TOOL_NAME}`);
  }
  if (typeof input.description !== 'string' || input.description.trim() === '') {
    throw new TypeError(`Tool "${input.name}" needs a description (the model reads it)`);
  }
  if (typeof input.execute !== 'function') {
    throw new TypeError(`Tool "${input.name}" needs an execute(args, ctx) function`);
  }
  const params = input.parameters as { type?: unknown } | undefined;
  if (!params || typeof params !== 'object' || params.type !== 'object') {
    throw new TypeError(`Tool "${input.name}": parameters must be a JSON Schema of type "object"`);
  }
  compileSchema(input.parameters, `tool "${input.name}" parameters`);
  if (input.configSchema) compileSchema(input.configSchema, `tool "${input.name}" configSchema`);
  if (input.timeoutMs !== undefined && !(input.timeoutMs > 0)) {
    throw new TypeError(`Tool "${input.name}": timeoutMs must be a positive number`);
  }
  return Object.freeze({ ...input, [TOOL_BRAND]: true as const });
}

export function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TOOL_BRAND] === true
  );
}
