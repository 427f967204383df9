import { invalid } from '../../errors/domain-error.js';
import { mcpConfigSchema } from '../mcp/mcp-config.js';
import { splitRowConfig } from '../tool-rows.js';
import type { CatalogEntry } from '../tool-service.js';
import { checkParameters, checkToolUrl, optional } from '../tool-input-checks.js';
import { schemaProblems } from '../validate-args.js';

/** What `PUT …/tools/:name` may change; which fields apply depends on the tool's kind. */
export interface ToolUpdate {
  enabled?: boolean;
  config?: Record<string, unknown>;
  needsApproval?: boolean;
  timeoutMs?: number;
  description?: string;
  url?: string;
  parameters?: Record<string, unknown>;
}

type Config = Record<string, unknown>;

const configProblems = (message: string, problems: string[]) =>
  invalid(
    message,
    problems.map((m) => ({ path: '/config', message: m })),
  );

/**
 * A builtin or plugin: its own config (checked against the tool's
 * configSchema) plus the runner's needsApproval/timeoutMs; what the update
 * omits keeps its current value.
 */
export function catalogToolConfig(
  entry: CatalogEntry,
  current: Config | undefined,
  u: ToolUpdate,
): Config {
  if (u.description !== undefined || u.url !== undefined || u.parameters !== undefined) {
    throw invalid('description, url and parameters belong to HTTP tools');
  }
  const now = splitRowConfig(current);
  if (u.config && entry.def.configSchema) {
    const problems = schemaProblems(entry.def.configSchema, u.config);
    if (problems.length) throw configProblems('Tool config is invalid', problems);
  }
  return {
    ...(u.config ?? now.toolConfig),
    ...optional('needsApproval', u.needsApproval ?? now.needsApproval),
    ...optional('timeoutMs', u.timeoutMs ?? now.timeoutMs),
  };
}

/** A tenant's HTTP tool: url (SSRF-checked), description, parameters (a JSON Schema), runner fields. */
export function httpToolConfig(current: Config, u: ToolUpdate, allowed: readonly string[]): Config {
  if (u.config !== undefined)
    throw invalid('HTTP tools take url, description, parameters; not config');
  if (u.url !== undefined) checkToolUrl(u.url, allowed);
  if (u.parameters !== undefined) checkParameters(u.parameters);
  return {
    ...current,
    ...optional('description', u.description),
    ...optional('url', u.url),
    ...optional('parameters', u.parameters),
    ...optional('needsApproval', u.needsApproval),
    ...optional('timeoutMs', u.timeoutMs),
  };
}

/** An MCP server: its connection settings replace the config whole; only timeoutMs besides. */
export function mcpServerConfig(
  current: Config,
  u: ToolUpdate,
  allowed: readonly string[],
): Config {
  if (
    u.description !== undefined ||
    u.url !== undefined ||
    u.parameters !== undefined ||
    u.needsApproval !== undefined
  ) {
    throw invalid('An MCP server takes enabled, timeoutMs and config (its connection settings)');
  }
  const next: Config = { ...(u.config ?? current), ...optional('timeoutMs', u.timeoutMs) };
  const problems = schemaProblems(mcpConfigSchema, next);
  if (problems.length) throw configProblems('MCP server config is invalid', problems);
  if (next.transport === 'http') checkToolUrl(String(next.url), allowed);
  return next;
}
