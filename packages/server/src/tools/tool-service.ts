import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/env.js';
import { invalid } from '../errors/domain-error.js';
import type { Infra } from '../infra/index.js';
import type { CachedTenant } from '../tenants/tenant-cache.js';
import { calculatorTool } from './builtins/calculator.js';
import { CalculatorSandbox } from './builtins/calculator-sandbox.js';
import { currentTimeTool } from './builtins/current-time.js';
import { weatherTool } from './builtins/weather.js';
import { webSearchTool } from './builtins/web-search.js';
import type { ToolDefinition } from './define-tool.js';
import { defineTool } from './define-tool.js';
import type { HttpToolConfig } from './http-tools/http-tool.js';
import { httpTool } from './http-tools/http-tool.js';
import type { McpServerConfig } from './mcp/mcp-config.js';
import { McpPool } from './mcp/mcp-pool.js';
import type { SafeFetch } from './net/safe-fetch.js';
import { createSafeFetch } from './net/safe-fetch.js';
import { loadPlugins } from './plugins/load-plugins.js';
import { toolConfigStore } from '../stores/tool-config-store.js';
import type { ToolRow } from './tool-rows.js';
import { splitRowConfig } from './tool-rows.js';
import type { ToolKind } from './tool-set.js';
import { ToolSet } from './tool-set.js';

/** A tool spec a client (SDK/widget) registers for one message; it runs on the client. */
export interface ClientToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface CatalogEntry {
  def: ToolDefinition;
  kind: 'builtin' | 'plugin';
  /** Enabled for a tenant that has said nothing about this tool. */
  defaultEnabled: boolean;
}

const CHANNEL = 'tools:changed';
const TTL_MS = 5 * 60_000;

/**
 * Which tools a tenant's turn gets: builtins and plugins (on by default,
 * unless the tenant turned them off or lists `enabledTools`), the tenant's
 * HTTP tools and MCP servers, and the client's tools for this message.
 * Tenants' rows are cached in process and invalidated over pub/sub, so a
 * turn normally resolves its tools without touching the database.
 */
export class ToolService {
  readonly fetch: SafeFetch;
  readonly mcp: McpPool;
  private readonly sandbox = new CalculatorSandbox();
  private readonly builtins: CatalogEntry[];
  private plugins: CatalogEntry[] = [];
  private readonly rowCache = new Map<string, { rows: ToolRow[]; expires: number }>();
  private readonly httpDefs = new Map<string, { version: string; def: ToolDefinition }>();

  constructor(
    private readonly deps: { config: ServerConfig; log: Logger; knex: Knex; infra: Infra },
  ) {
    const tc = deps.config.tools;
    this.fetch = createSafeFetch({ allowedAddresses: tc.unsafeAllowedAddresses });
    this.mcp = new McpPool(deps.log, this.fetch);
    this.builtins = [
      { def: calculatorTool(this.sandbox), kind: 'builtin', defaultEnabled: true },
      { def: currentTimeTool(deps.knex), kind: 'builtin', defaultEnabled: true },
      { def: weatherTool(deps.config.weatherApiKey), kind: 'builtin', defaultEnabled: true },
      {
        def: webSearchTool(deps.infra.kv, tc.webSearch),
        kind: 'builtin',
        defaultEnabled: tc.webSearch.backend !== null,
      },
    ];
  }

  /** Loads plugins (a broken one fails the start) and listens for config changes. */
  async start(): Promise<() => Promise<void>> {
    const loaded = await loadPlugins(this.deps.config.tools.plugins);
    const taken = new Set(this.builtins.map((b) => b.def.name));
    for (const def of loaded) {
      if (taken.has(def.name)) throw new Error(`Tool plugin name "${def.name}" is already taken`);
      taken.add(def.name);
    }
    this.plugins = loaded.map((def) => ({ def, kind: 'plugin', defaultEnabled: true }));
    const unsubscribe = await this.deps.infra.pubsub.subscribe(CHANNEL, (tenantId) =>
      this.rowCache.delete(tenantId),
    );
    return async () => {
      await unsubscribe();
      await Promise.all([this.mcp.closeAll(), this.sandbox.close()]);
    };
  }

  /** Builtins and plugins: the tools every tenant can enable. */
  catalog(): CatalogEntry[] {
    return [...this.builtins, ...this.plugins];
  }

  async rows(tenantId: string): Promise<ToolRow[]> {
    const hit = this.rowCache.get(tenantId);
    if (hit && hit.expires > Date.now()) return hit.rows;
    const rows: ToolRow[] = await toolConfigStore(this.deps.knex, tenantId).list();
    this.rowCache.set(tenantId, { rows, expires: Date.now() + TTL_MS });
    return rows;
  }

  /** Call after changing a tenant's tool rows: every instance drops its cache. */
  async changed(tenantId: string): Promise<void> {
    this.rowCache.delete(tenantId);
    await this.deps.infra.pubsub.publish(CHANNEL, tenantId);
  }

  async forTurn(tenant: CachedTenant, clientTools: ClientToolSpec[] = []): Promise<ToolSet> {
    const rows = await this.rows(tenant.id);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const set = new ToolSet();
    const defaultTimeout = this.deps.config.tools.defaultTimeoutMs;
    const add = (def: ToolDefinition, kind: ToolKind, row: ToolRow | undefined) => {
      const { toolConfig, needsApproval, timeoutMs } = splitRowConfig(row?.config);
      set.add({
        def,
        kind,
        config: toolConfig,
        needsApproval: needsApproval ?? def.needsApproval ?? false,
        timeoutMs: timeoutMs ?? def.timeoutMs ?? defaultTimeout,
      });
    };
    const listed = tenant.settings.enabledTools;
    for (const entry of this.catalog()) {
      const row = byName.get(entry.def.name);
      const on = row
        ? row.enabled
        : listed
          ? listed.includes(entry.def.name)
          : entry.defaultEnabled;
      if (on) add(entry.def, entry.kind, row);
    }
    for (const row of rows) {
      if (row.kind === 'http' && row.enabled) add(this.httpDef(row), 'http', undefined);
    }
    const mcpRows = rows.filter((r) => r.kind === 'mcp' && r.enabled);
    await this.mcp.prune(tenant.id, new Set(mcpRows.map((r) => r.name)));
    const mcpTools = await Promise.all(
      mcpRows.map((r) => this.mcp.tools(tenant.id, r.name, r.config as unknown as McpServerConfig)),
    );
    for (const def of mcpTools.flat()) if (!set.has(def.name)) add(def, 'mcp', undefined);

    clientTools.forEach((spec, i) => {
      if (set.has(spec.name)) {
        throw invalid(`Client tool "${spec.name}" has the name of a server tool`, [
          { path: `/clientTools/${i}/name`, message: 'already used by a server tool' },
        ]);
      }
      let def: ToolDefinition;
      try {
        def = defineTool({ ...spec, execute: () => null });
      } catch (err) {
        throw invalid('A client tool is invalid', [
          { path: `/clientTools/${i}`, message: (err as Error).message },
        ]);
      }
      set.add({
        def,
        kind: 'client',
        config: {},
        needsApproval: false,
        timeoutMs: this.deps.config.tools.clientToolTimeoutMs,
      });
    });
    return set;
  }

  /** HTTP tool definitions, rebuilt only when their row changes. */
  private httpDef(row: ToolRow): ToolDefinition {
    const version = `${row.name}@${new Date(row.updated_at).getTime()}`;
    const hit = this.httpDefs.get(row.id);
    if (hit?.version === version) return hit.def;
    const def = httpTool(row.name, row.config as unknown as HttpToolConfig);
    this.httpDefs.set(row.id, { version, def });
    return def;
  }
}
