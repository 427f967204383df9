import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  adminErrors,
  conflictError,
  invalidError,
  notFoundError,
  page,
} from '../http/schemas/common.js';
import {
  httpToolExample,
  mcpServerExample,
  toolNameSchema,
  toolSecretExample,
  toolSecretSchema,
  toolViewExample,
  toolViewSchema,
} from '../http/schemas/tool.js';
import type { NewHttpTool, NewMcpServer, ToolAdmin } from '../tools/admin/tool-admin.js';
import type { ToolUpdate } from '../tools/admin/update-rules.js';
import { mcpConfigSchema } from '../tools/mcp/mcp-config.js';

const runnerFields = {
  needsApproval: { type: 'boolean' },
  timeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
};
const updateBody = {
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
const httpCreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'url', 'parameters'],
  properties: {
    name: toolNameSchema,
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    url: { type: 'string', maxLength: 2000 },
    parameters: { type: 'object' },
    enabled: { type: 'boolean' },
    ...runnerFields,
  },
};
const mcpCreateBody = {
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

const base = '/v1/admin/tenants/:tenantId/tools';
const named = { name: toolNameSchema };
const tags = ['admin: tools'];
const oneTool = {
  200: { description: 'The tool', schema: toolViewSchema, example: toolViewExample },
};
const withSecret = {
  ...toolViewSchema,
  required: [...(toolViewSchema.required as string[]), 'secret'],
  properties: { ...(toolViewSchema.properties as object), secret: toolSecretSchema },
};

type TenantParams = { tenantId: string };
type ToolParams = { tenantId: string; name: string };

/**
 * Per-tenant tools for the platform operator: list, enable/disable and
 * configure builtins and plugins, register HTTP tools (the signing secret
 * is shown once) and MCP servers. The rules per kind live in tools/admin/.
 */
export function adminToolRoutes(deps: {
  /** The tenant's tools; a tenant that does not exist is a 404. */
  tools(tenantId: string): Promise<ToolAdmin>;
}): AnyRoute[] {
  const { tools } = deps;
  return [
    defineRoute<undefined, undefined, TenantParams>({
      method: 'GET',
      path: base,
      auth: 'admin',
      summary: 'Every tool the tenant can use: builtins, plugins, its HTTP tools and MCP servers',
      tags,
      responses: {
        200: {
          description: 'All tools, in one page',
          schema: page(toolViewSchema),
          example: { data: [toolViewExample, httpToolExample], nextCursor: null },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        ctx.body = { data: await (await tools(params.tenantId)).list(), nextCursor: null };
      },
    }),
    defineRoute<undefined, undefined, ToolParams>({
      method: 'GET',
      path: `${base}/:name`,
      auth: 'admin',
      params: named,
      summary: 'One tool',
      tags,
      responses: { ...oneTool, ...notFoundError, ...adminErrors },
      async handler(ctx, { params }) {
        ctx.body = await (await tools(params.tenantId)).get(params.name);
      },
    }),
    defineRoute<ToolUpdate, undefined, ToolParams>({
      method: 'PUT',
      path: `${base}/:name`,
      auth: 'admin',
      params: named,
      summary:
        'Configure a tool: enabled and runner fields for any; config for builtins, plugins and MCP servers; url, description, parameters for HTTP tools',
      tags,
      body: updateBody,
      responses: { ...oneTool, ...invalidError, ...notFoundError, ...adminErrors },
      async handler(ctx, { body, params }) {
        ctx.body = await (await tools(params.tenantId)).update(params.name, body);
      },
    }),
    defineRoute<NewHttpTool, undefined, TenantParams>({
      method: 'POST',
      path: `${base}/http`,
      auth: 'admin',
      summary: 'Register an HTTP tool; the response is the only time its signing secret is shown',
      tags,
      noStore: true,
      body: httpCreateBody,
      responses: {
        201: {
          description: 'The tool and its signing secret',
          schema: withSecret,
          example: { ...httpToolExample, secret: toolSecretExample },
        },
        ...invalidError,
        ...notFoundError,
        ...conflictError,
        ...adminErrors,
      },
      async handler(ctx, { body, params }) {
        const created = await (await tools(params.tenantId)).addHttp(body);
        ctx.status = 201;
        ctx.body = created;
      },
    }),
    defineRoute<NewMcpServer, undefined, TenantParams>({
      method: 'POST',
      path: `${base}/mcp`,
      auth: 'admin',
      summary: 'Connect an MCP server; its tools appear as <name>__<tool>',
      tags,
      body: mcpCreateBody,
      responses: {
        201: { description: 'The server', schema: toolViewSchema, example: mcpServerExample },
        ...invalidError,
        ...notFoundError,
        ...conflictError,
        ...adminErrors,
      },
      async handler(ctx, { body, params }) {
        const created = await (await tools(params.tenantId)).addMcp(body);
        ctx.status = 201;
        ctx.body = created;
      },
    }),
    defineRoute<undefined, undefined, ToolParams>({
      method: 'POST',
      path: `${base}/:name/rotate-secret`,
      auth: 'admin',
      params: named,
      summary: "Replace an HTTP tool's signing secret; the response is the only time it is shown",
      tags,
      noStore: true,
      responses: {
        200: {
          description: 'The new secret',
          schema: {
            type: 'object',
            required: ['name', 'secret'],
            properties: { name: toolNameSchema, secret: toolSecretSchema },
          },
          example: { name: httpToolExample.name, secret: toolSecretExample },
        },
        ...notFoundError,
        ...adminErrors,
      },
      async handler(ctx, { params }) {
        ctx.body = await (await tools(params.tenantId)).rotateSecret(params.name);
      },
    }),
    defineRoute<undefined, undefined, ToolParams>({
      method: 'DELETE',
      path: `${base}/:name`,
      auth: 'admin',
      params: named,
      summary: 'Remove an HTTP tool or MCP server; a builtin or plugin returns to its defaults',
      tags,
      responses: { 204: { description: 'Removed' }, ...notFoundError, ...adminErrors },
      async handler(ctx, { params }) {
        await (await tools(params.tenantId)).remove(params.name);
        ctx.status = 204;
      },
    }),
  ];
}
