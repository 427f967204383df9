/** A row of the `tools` table: a tenant's setting for one tool, or its own HTTP/MCP tool. */
export interface ToolRow {
  id: string;
  tenant_id: string;
  name: string;
  kind: 'builtin' | 'plugin' | 'http' | 'mcp';
  enabled: boolean;
  config: Record<string, unknown>;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * `needsApproval` and `timeoutMs` in a row's config are the runner's, the
 * rest is the tool's own config (ctx.config).
 */
export function splitRowConfig(config: Record<string, unknown> | undefined): {
  toolConfig: Record<string, unknown>;
  needsApproval: boolean | undefined;
  timeoutMs: number | undefined;
} {
  const { needsApproval, timeoutMs, ...toolConfig } = config ?? {};
  return {
    toolConfig,
    needsApproval: typeof needsApproval === 'boolean' ? needsApproval : undefined,
    timeoutMs: typeof timeoutMs === 'number' ? timeoutMs : undefined,
  };
}
