import type { CatalogEntry } from './tool-service.js';
import type { ToolRow } from './tool-rows.js';
import { splitRowConfig } from './tool-rows.js';

/** A tool as the admin API shows it. Secrets never leave the server. */
export interface ToolView {
  name: string;
  kind: 'builtin' | 'plugin' | 'http' | 'mcp';
  enabled: boolean;
  description: string | null;
  needsApproval: boolean;
  timeoutMs: number | null;
  config: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  url?: string;
  transport?: string;
  createdAt: string | null;
  updatedAt: string | null;
}

const SECRET_KEY = /key|secret|token|password|authorization/i;
const iso = (v: Date | string | undefined) => (v ? new Date(v).toISOString() : null);

function redact(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : v]),
  );
}

/** Every value of a map of env vars or headers is treated as a secret. */
const maskValues = (m: unknown) =>
  m && typeof m === 'object' ? Object.fromEntries(Object.keys(m).map((k) => [k, '[redacted]'])) : m;

export function catalogView(
  entry: CatalogEntry,
  row: ToolRow | undefined,
  enabled: boolean,
): ToolView {
  const { toolConfig, needsApproval, timeoutMs } = splitRowConfig(row?.config);
  return {
    name: entry.def.name,
    kind: entry.kind,
    enabled,
    description: entry.def.description,
    needsApproval: needsApproval ?? entry.def.needsApproval ?? false,
    timeoutMs: timeoutMs ?? entry.def.timeoutMs ?? null,
    config: redact(toolConfig),
    parameters: entry.def.parameters,
    createdAt: iso(row?.created_at),
    updatedAt: iso(row?.updated_at),
  };
}

export function rowView(row: ToolRow): ToolView {
  const c = row.config as Record<string, unknown>;
  const base = {
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    timeoutMs: typeof c.timeoutMs === 'number' ? c.timeoutMs : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  if (row.kind === 'http') {
    return {
      ...base,
      description: c.description as string,
      needsApproval: c.needsApproval === true,
      config: {},
      parameters: c.parameters as Record<string, unknown>,
      url: c.url as string,
    };
  }
  const { env, headers, ...rest } = c;
  return {
    ...base,
    description: null,
    needsApproval: false,
    config: {
      ...rest,
      ...(env ? { env: maskValues(env) } : {}),
      ...(headers ? { headers: maskValues(headers) } : {}),
    },
    transport: c.transport as string,
  };
}
