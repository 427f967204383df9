import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ToolDefinition } from '../define-tool.js';
import { defineTool } from '../define-tool.js';
import type { McpServerConfig } from './mcp-config.js';
import { mcpToolName } from './mcp-config.js';

const MAX_PAGES = 10;

/** Lists a connected server's tools and wraps each as a Parley tool. */
export async function mcpToolsOf(
  client: Client,
  server: string,
  config: McpServerConfig,
): Promise<ToolDefinition[]> {
  const listed = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.listTools(cursor ? { cursor } : undefined);
    listed.push(...res.tools);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return listed.map((tool) =>
    defineTool({
      name: mcpToolName(server, tool.name),
      description: tool.description || tool.title || `${tool.name} (MCP server ${server})`,
      parameters: { ...tool.inputSchema, type: 'object' },
      timeoutMs: config.timeoutMs,
      async execute(args, ctx) {
        const result = await client.callTool(
          { name: tool.name, arguments: args as Record<string, unknown> },
          undefined,
          {
            signal: ctx.signal,
            timeout: config.timeoutMs ?? 60_000,
            onprogress: (p) => {
              if (p.total) ctx.progress(p.progress / p.total, p.message);
            },
          },
        );
        const text = (Array.isArray(result.content) ? result.content : [])
          .map((c: { type: string; text?: string }) => (c.type === 'text' ? c.text : `[${c.type}]`))
          .join('\n');
        if (result.isError) throw new Error(text || 'The MCP tool reported an error');
        return result.structuredContent ?? { text };
      },
    }),
  );
}
