import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { requireAdmin } from '../auth/middleware.js';
import { DomainError, invalid, notFound } from '../errors/domain-error.js';
import { parseBody } from '../http/validate.js';
import { generateToolSecret } from '../tools/http-tools/signature.js';
import { mcpConfigSchema } from '../tools/mcp/mcp-config.js';
import type { ToolRow } from '../tools/tool-rows.js';
import { splitRowConfig } from '../tools/tool-rows.js';
import type { ToolView } from '../tools/tool-views.js';
import { catalogView, rowView } from '../tools/tool-views.js';
import { checkParameters, checkToolUrl, optional } from '../tools/tool-input-checks.js';
import { schemaProblems } from '../tools/validate-args.js';
import { findTenant } from './admin-tenants.js';

const runnerFields = {
  needsApproval: { type: 'boolean' },
  timeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
};
const updateSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    enabled: { type: 'boolean' },
    config: { type: 'object', maxProperties: 50 },
    ...runnerFields,
    // HTTP tools only:
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    url: { type: 'string', maxLength: 2000 },
    parameters: { type: 'object' },
  },
};
const httpCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'url', 'parameters'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    url: { type: 'string', maxLength: 2000 },
    parameters: { type: 'object' },
    enabled: { type: 'boolean' },
    ...runnerFields,
  },
};
const mcpCreateSchema = {
  type: 'object',
  required: ['name', 'server'],
  additionalProperties: false,
  properties: {
    // `__` separates server and tool in the names the model sees.
    name: { type: 'string', pattern: '^[A-Za-z0-9-]{1,32}$' },
    enabled: { type: 'boolean' },
    server: mcpConfigSchema,
  },
};

/**
 * Per-tenant tools for the platform operator: list, enable/disable and
 * configure builtins and plugins, register HTTP tools (the signing secret
 * is shown once) and MCP servers. Every lookup is scoped by the tenant.
 */
export function adminToolRoutes(services: AppServices): Router {
  const router = new Router({ prefix: '/v1/admin/tenants/:tenantId/tools' });
  router.use(requireAdmin(services));

  const rowsOf = (tenantId: string): Promise<ToolRow[]> =>
    services.knex('tools').where({ tenant_id: tenantId }).orderBy('name');

  async function views(tenantId: string): Promise<ToolView[]> {
    const tenant = await services.tenants.get(tenantId);
    const rows = await rowsOf(tenantId);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const listed = tenant?.settings.enabledTools;
    const out = services.tools.catalog().map((entry) => {
      const row = byName.get(entry.def.name);
      const enabled = row
        ? row.enabled
        : listed
          ? listed.includes(entry.def.name)
          : entry.defaultEnabled;
      return catalogView(entry, row, enabled);
    });
    for (const row of rows) if (row.kind === 'http' || row.kind === 'mcp') out.push(rowView(row));
    return out;
  }

  async function findView(tenantId: string, name: string): Promise<ToolView> {
    const view = (await views(tenantId)).find((v) => v.name === name);
    if (!view) throw notFound('Tool');
    return view;
  }

  async function assertNameFree(tenantId: string, name: string): Promise<void> {
    const taken =
      services.tools.catalog().some((e) => e.def.name === name) ||
      (await services.knex('tools').where({ tenant_id: tenantId, name }).first('id'));
    if (taken) throw new DomainError('conflict', `A tool named "${name}" already exists`);
  }

  router.get('/', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    ctx.body = { data: await views(tenant.id as string), nextCursor: null };
  });

  router.get('/:name', async (ctx) => {
    const tenant = await findTenant(services, ctx.params.tenantId!);
    ctx.body = await findView(tenant.id as string, ctx.params.name!);
  });

  router.put('/:name', async (ctx) => {
    const body = parseBody<{
      enabled?: boolean;
      config?: Record<string, unknown>;
      needsApproval?: boolean;
      timeoutMs?: number;
      description?: string;
      url?: string;
      parameters?: Record<string, unknown>;
    }>(updateSchema, ctx.request.body);
    const tenantId = (await findTenant(services, ctx.params.tenantId!)).id as string;
    const name = ctx.params.name!;
    const entry = services.tools.catalog().find((e) => e.def.name === name);
    const row: ToolRow | undefined = await services
      .knex('tools')
      .where({ tenant_id: tenantId, name })
      .first();
    if (!entry && !row) throw notFound('Tool');
    const { enabled, config, needsApproval, timeoutMs, description, url, parameters } = body;

    let nextConfig: Record<string, unknown>;
    if (entry) {
      if (description !== undefined || url !== undefined || parameters !== undefined) {
        throw invalid('description, url and parameters belong to HTTP tools');
      }
      const current = splitRowConfig(row?.config);
      const toolConfig = config ?? current.toolConfig;
      if (config && entry.def.configSchema) {
        const problems = schemaProblems(entry.def.configSchema, config);
        if (problems.length)
          throw invalid(
            'Tool config is invalid',
            problems.map((message) => ({ path: '/config', message })),
          );
      }
      nextConfig = {
        ...toolConfig,
        ...optional('needsApproval', needsApproval ?? current.needsApproval),
        ...optional('timeoutMs', timeoutMs ?? current.timeoutMs),
      };
    } else if (row!.kind === 'http') {
      if (config !== undefined)
        throw invalid('HTTP tools take url, description, parameters; not config');
      if (url !== undefined) checkToolUrl(url, services.config.tools.unsafeAllowedAddresses);
      if (parameters !== undefined) checkParameters(parameters);
      nextConfig = {
        ...row!.config,
        ...optional('description', description),
        ...optional('url', url),
        ...optional('parameters', parameters),
        ...optional('needsApproval', needsApproval),
        ...optional('timeoutMs', timeoutMs),
      };
    } else {
      if (
        description !== undefined ||
        url !== undefined ||
        parameters !== undefined ||
        needsApproval !== undefined
      ) {
        throw invalid(
          'An MCP server takes enabled, timeoutMs and config (its connection settings)',
        );
      }
      const next: Record<string, unknown> = {
        ...(config ?? row!.config),
        ...optional('timeoutMs', timeoutMs),
      };
      const problems = schemaProblems(mcpConfigSchema, next);
      if (problems.length)
        throw invalid(
          'MCP server config is invalid',
          problems.map((message) => ({ path: '/config', message })),
        );
      if (next.transport === 'http')
        checkToolUrl(String(next.url), services.config.tools.unsafeAllowedAddresses);
      nextConfig = next;
    }

    await services
      .knex('tools')
      .insert({
        tenant_id: tenantId,
        name,
        kind: entry?.kind ?? row!.kind,
        enabled: enabled ?? row?.enabled ?? true,
        config: JSON.stringify(nextConfig),
      })
      .onConflict(['tenant_id', 'name'])
      .merge({
        enabled: enabled ?? row?.enabled ?? true,
        config: JSON.stringify(nextConfig),
        updated_at: services.knex.fn.now(),
      });
    await services.tools.changed(tenantId);
    ctx.body = await findView(tenantId, name);
  });

  router.post('/http', async (ctx) => {
    const body = parseBody<{
      name: string;
      description: string;
      url: string;
      parameters: Record<string, unknown>;
      enabled?: boolean;
      needsApproval?: boolean;
      timeoutMs?: number;
    }>(httpCreateSchema, ctx.request.body);
    const tenantId = (await findTenant(services, ctx.params.tenantId!)).id as string;
    checkToolUrl(body.url, services.config.tools.unsafeAllowedAddresses);
    checkParameters(body.parameters);
    await assertNameFree(tenantId, body.name);
    const secret = generateToolSecret();
    const config = {
      url: body.url,
      description: body.description,
      parameters: body.parameters,
      secret,
      needsApproval: body.needsApproval ?? false,
      ...optional('timeoutMs', body.timeoutMs),
    };
    await services.knex('tools').insert({
      tenant_id: tenantId,
      name: body.name,
      kind: 'http',
      enabled: body.enabled ?? true,
      config: JSON.stringify(config),
    });
    await services.tools.changed(tenantId);
    ctx.status = 201;
    // The only time the signing secret is shown.
    ctx.body = { ...(await findView(tenantId, body.name)), secret };
  });

  router.post('/mcp', async (ctx) => {
    const body = parseBody<{ name: string; enabled?: boolean; server: Record<string, unknown> }>(
      mcpCreateSchema,
      ctx.request.body,
    );
    const tenantId = (await findTenant(services, ctx.params.tenantId!)).id as string;
    if (body.server.transport === 'http') {
      checkToolUrl(String(body.server.url), services.config.tools.unsafeAllowedAddresses);
    }
    await assertNameFree(tenantId, body.name);
    await services.knex('tools').insert({
      tenant_id: tenantId,
      name: body.name,
      kind: 'mcp',
      enabled: body.enabled ?? true,
      config: JSON.stringify(body.server),
    });
    await services.tools.changed(tenantId);
    ctx.status = 201;
    ctx.body = await findView(tenantId, body.name);
  });

  router.post('/:name/rotate-secret', async (ctx) => {
    const tenantId = (await findTenant(services, ctx.params.tenantId!)).id as string;
    const row: ToolRow | undefined = await services
      .knex('tools')
      .where({ tenant_id: tenantId, name: ctx.params.name, kind: 'http' })
      .first();
    if (!row) throw notFound('HTTP tool');
    const secret = generateToolSecret();
    await services
      .knex('tools')
      .where({ id: row.id, tenant_id: tenantId })
      .update({
        config: JSON.stringify({ ...row.config, secret }),
        updated_at: services.knex.fn.now(),
      });
    await services.tools.changed(tenantId);
    ctx.body = { name: row.name, secret };
  });

  /** HTTP/MCP tools are removed; a builtin or plugin goes back to its defaults. */
  router.delete('/:name', async (ctx) => {
    const tenantId = (await findTenant(services, ctx.params.tenantId!)).id as string;
    const gone = await services
      .knex('tools')
      .where({ tenant_id: tenantId, name: ctx.params.name })
      .delete()
      .returning('id');
    if (gone.length === 0) throw notFound('Tool');
    await services.tools.changed(tenantId);
    ctx.status = 204;
  });

  return router;
}
