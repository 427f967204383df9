import type { JsonSchema } from '../routing/route.js';
import { isoDate, nullable } from './common.js';
import { EXAMPLE } from './examples.js';

/** Names the model sees: letters, digits, `_` and `-`. */
export const toolNameSchema: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };

/** A tool as the admin API shows it; secrets are `[redacted]`. */
export const toolViewSchema: JsonSchema = {
  type: 'object',
  required: [
    'name',
    'kind',
    'enabled',
    'description',
    'needsApproval',
    'timeoutMs',
    'config',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    name: { type: 'string' },
    kind: { enum: ['builtin', 'plugin', 'http', 'mcp'] },
    enabled: { type: 'boolean' },
    description: nullable({ type: 'string' }),
    needsApproval: { type: 'boolean' },
    timeoutMs: nullable({ type: 'integer' }),
    config: { type: 'object' },
    parameters: { type: 'object' },
    url: { type: 'string' },
    transport: { type: 'string' },
    createdAt: nullable(isoDate),
    updatedAt: nullable(isoDate),
  },
};

export const toolViewExample = {
  name: 'get_weather',
  kind: 'builtin',
  enabled: true,
  description: 'Current weather and a short forecast for a place',
  needsApproval: false,
  timeoutMs: 10000,
  config: { units: 'metric', apiKey: '[redacted]' },
  parameters: {
    type: 'object',
    required: ['location'],
    properties: { location: { type: 'string' } },
  },
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.updatedAt,
};

export const httpToolExample = {
  name: 'order_status',
  kind: 'http',
  enabled: true,
  description: 'Looks up the status of an order by its number',
  needsApproval: false,
  timeoutMs: null,
  config: {},
  parameters: {
    type: 'object',
    required: ['orderNumber'],
    properties: { orderNumber: { type: 'string' } },
  },
  url: 'https://api.shop.example.com/parley/order-status',
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.createdAt,
};

export const mcpServerExample = {
  name: 'docs',
  kind: 'mcp',
  enabled: true,
  description: null,
  needsApproval: false,
  timeoutMs: null,
  config: {
    transport: 'http',
    url: 'https://mcp.example.com/mcp',
    headers: { authorization: '[redacted]' },
  },
  transport: 'http',
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.createdAt,
};

/** An HTTP tool's request-signing secret, shown on creation and rotation only. */
export const toolSecretSchema: JsonSchema = { type: 'string', pattern: '^pts_' };
export const toolSecretExample = 'pts_2Jm9cQ7vX4bN8rT1yK6pL3sD0fG5hWaZ1xC4vB7nM0q';
