import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from 'pino';
import type { ToolDefinition } from '../define-tool.js';
import type { SafeFetch } from '../net/safe-fetch.js';
import type { McpServerConfig } from './mcp-config.js';
import { mcpToolsOf } from './mcp-tools.js';

interface Entry {
  fingerprint: string;
  client: Client | null;
  /** Connection + tool listing in flight or done. */
  ready: Promise<ToolDefinition[]>;
  failedUntil: number;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** After a failed connection the server is skipped for a while instead of slowing every turn. */
const RETRY_AFTER_MS = 30_000;

/**
 * Connections to tenants' MCP servers, one per (tenant, server) on this
 * instance, opened on first use and reused; its tool list is cached. A
 * server that cannot be reached only loses its tools: the turn goes on.
 */
export class McpPool {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly log: Logger,
    private readonly safeFetch: SafeFetch,
  ) {}

  async tools(
    tenantId: string,
    server: string,
    config: McpServerConfig,
  ): Promise<ToolDefinition[]> {
    const key = `${tenantId}:${server}`;
    const fingerprint = JSON.stringify(config);
    let entry = this.entries.get(key);
    if (
      entry &&
      (entry.fingerprint !== fingerprint || (entry.failedUntil && entry.failedUntil < Date.now()))
    ) {
      await this.drop(key);
      entry = undefined;
    }
    if (!entry) {
      const e: Entry = { fingerprint, client: null, ready: Promise.resolve([]), failedUntil: 0 };
      e.ready = this.connect(e, key, server, config);
      this.entries.set(key, e);
      entry = e;
    }
    return entry.ready;
  }

  /** Closes connections of `tenantId` whose server is no longer configured. */
  async prune(tenantId: string, keep: Set<string>): Promise<void> {
    const prefix = `${tenantId}:`;
    const stale = [...this.entries.keys()].filter(
      (k) => k.startsWith(prefix) && !keep.has(k.slice(prefix.length)),
    );
    await Promise.all(stale.map((k) => this.drop(k)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((k) => this.drop(k)));
  }

  private async drop(key: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    await entry?.client?.close().catch(() => {});
  }

  private async connect(
    entry: Entry,
    key: string,
    server: string,
    config: McpServerConfig,
  ): Promise<ToolDefinition[]> {
    // The MCP SDK (~25 MB resident) loads only when a tenant uses an MCP server.
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client({ name: 'parley', version: '1' });
    try {
      const timeout = config.timeoutMs ?? CONNECT_TIMEOUT_MS;
      await client.connect(await this.transport(config), { timeout });
      entry.client = client;
      // A server that exits or drops the connection is reconnected on next use.
      client.onclose = () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      };
      return await mcpToolsOf(client, server, config);
    } catch (err) {
      this.log.warn(
        { server, err: (err as Error).message },
        'MCP server unavailable; its tools are skipped',
      );
      entry.failedUntil = Date.now() + RETRY_AFTER_MS;
      await client.close().catch(() => {});
      entry.client = null;
      return [];
    }
  }

  private async transport(config: McpServerConfig): Promise<Transport> {
    if (config.transport === 'stdio') {
      const { StdioClientTransport, getDefaultEnvironment } =
        await import('@modelcontextprotocol/sdk/client/stdio.js');
      return new StdioClientTransport({
        command: config.command,
        args: config.args ?? [],
        env: { ...getDefaultEnvironment(), ...config.env },
        ...(config.cwd ? { cwd: config.cwd } : {}),
        stderr: 'ignore',
      });
    }
    // Through the SSRF guard: a tenant-supplied URL may not reach private networks.
    const safeFetch = this.safeFetch;
    const { StreamableHTTPClientTransport } =
      await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    return new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers ?? {} },
      fetch: (url, init) =>
        safeFetch(url, {
          method: init?.method,
          headers: init?.headers,
          body: init?.body as string | undefined,
          signal: init?.signal,
        }),
    });
  }
}
