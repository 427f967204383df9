import { DomainError, notFound } from '../../errors/domain-error.js';
import type { ToolConfigStore } from '../../stores/tool-config-store.js';
import { generateToolSecret } from '../http-tools/signature.js';
import type { CatalogEntry } from '../tool-service.js';
import { checkParameters, checkToolUrl, optional } from '../tool-input-checks.js';
import type { ToolView } from '../tool-views.js';
import { catalogView, rowView } from '../tool-views.js';
import type { ToolUpdate } from './update-rules.js';
import { catalogToolConfig, httpToolConfig, mcpServerConfig } from './update-rules.js';

export interface NewHttpTool {
  name: string;
  description: string;
  url: string;
  parameters: Record<string, unknown>;
  enabled?: boolean;
  needsApproval?: boolean;
  timeoutMs?: number;
}

export interface NewMcpServer {
  name: string;
  enabled?: boolean;
  server: Record<string, unknown>;
}

/** One tenant's tools as the operator manages them. Secrets are shown once, at creation. */
export interface ToolAdmin {
  list(): Promise<ToolView[]>;
  get(name: string): Promise<ToolView>;
  update(name: string, update: ToolUpdate): Promise<ToolView>;
  addHttp(tool: NewHttpTool): Promise<ToolView & { secret: string }>;
  addMcp(server: NewMcpServer): Promise<ToolView>;
  rotateSecret(name: string): Promise<{ name: string; secret: string }>;
  /** HTTP/MCP tools are removed; a builtin or plugin goes back to its defaults. */
  remove(name: string): Promise<void>;
}

export interface ToolAdminDeps {
  store: ToolConfigStore;
  catalog: readonly CatalogEntry[];
  /** The tenant's `enabledTools` setting, when it lists one. */
  enabledTools(): Promise<string[] | undefined>;
  /** Test-only SSRF exceptions (config.tools.unsafeAllowedAddresses). */
  allowedAddresses: readonly string[];
  /** Every instance drops its cached tools of this tenant. */
  changed(): Promise<void>;
}

export function toolAdmin(deps: ToolAdminDeps): ToolAdmin {
  const { store, catalog, allowedAddresses } = deps;
  const entryOf = (name: string) => catalog.find((e) => e.def.name === name);

  async function list(): Promise<ToolView[]> {
    const [rows, listed] = await Promise.all([store.list(), deps.enabledTools()]);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const views = catalog.map((entry) => {
      const row = byName.get(entry.def.name);
      const enabled = row?.enabled ?? listed?.includes(entry.def.name) ?? entry.defaultEnabled;
      return catalogView(entry, row, enabled);
    });
    for (const row of rows) if (row.kind === 'http' || row.kind === 'mcp') views.push(rowView(row));
    return views;
  }
  async function get(name: string): Promise<ToolView> {
    const view = (await list()).find((v) => v.name === name);
    if (!view) throw notFound('Tool');
    return view;
  }
  // A taken row name is refused by the store; a catalog tool may have no row yet.
  function assertNotCatalog(name: string): void {
    if (entryOf(name)) throw new DomainError('conflict', `A tool named "${name}" already exists`);
  }

  return {
    list,
    get,
    async update(name, u) {
      const entry = entryOf(name);
      const row = await store.find(name);
      if (!entry && !row) throw notFound('Tool');
      const config = entry
        ? catalogToolConfig(entry, row?.config, u)
        : row!.kind === 'http'
          ? httpToolConfig(row!.config, u, allowedAddresses)
          : mcpServerConfig(row!.config, u, allowedAddresses);
      const kind = entry?.kind ?? row!.kind;
      await store.put(name, { kind, enabled: u.enabled ?? row?.enabled ?? true, config });
      await deps.changed();
      return get(name);
    },
    async addHttp(t) {
      checkToolUrl(t.url, allowedAddresses);
      checkParameters(t.parameters);
      assertNotCatalog(t.name);
      const secret = generateToolSecret();
      const config = {
        url: t.url,
        description: t.description,
        parameters: t.parameters,
        secret,
        needsApproval: t.needsApproval ?? false,
        ...optional('timeoutMs', t.timeoutMs),
      };
      await store.add(t.name, { kind: 'http', enabled: t.enabled ?? true, config });
      await deps.changed();
      return { ...(await get(t.name)), secret };
    },
    async addMcp(s) {
      if (s.server.transport === 'http') checkToolUrl(String(s.server.url), allowedAddresses);
      assertNotCatalog(s.name);
      await store.add(s.name, { kind: 'mcp', enabled: s.enabled ?? true, config: s.server });
      await deps.changed();
      return get(s.name);
    },
    async rotateSecret(name) {
      const row = await store.find(name);
      if (row?.kind !== 'http') throw notFound('HTTP tool');
      const secret = generateToolSecret();
      await store.setConfig(name, { ...row.config, secret });
      await deps.changed();
      return { name: row.name, secret };
    },
    async remove(name) {
      await store.remove(name);
      await deps.changed();
    },
  };
}
