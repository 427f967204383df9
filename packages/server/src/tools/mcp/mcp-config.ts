/** A tenant's MCP server (stored in `tools.config` of a `kind = 'mcp'` row). */
export type McpServerConfig =
  | {
      transport: 'stdio';
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
      timeoutMs?: number;
    }
  | {
      transport: 'http';
      url: string;
      headers?: Record<string, string>;
      timeoutMs?: number;
    };

export const mcpConfigSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['transport', 'command'],
      properties: {
        transport: { const: 'stdio' },
        command: { type: 'string', minLength: 1, maxLength: 500 },
        args: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 1000 } },
        env: {
          type: 'object',
          maxProperties: 50,
          additionalProperties: { type: 'string', maxLength: 4000 },
        },
        cwd: { type: 'string', maxLength: 1000 },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['transport', 'url'],
      properties: {
        transport: { const: 'http' },
        url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
        headers: {
          type: 'object',
          maxProperties: 20,
          additionalProperties: { type: 'string', maxLength: 4000 },
        },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
      },
    },
  ],
} as const;

/** MCP tools appear to the model as `<server>__<tool>`, cut to the 64 characters vendors allow. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
}
