import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@parley/sdk/protocol';
import { DomainError } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, errorEnvelope } from '../http/schemas/common.js';

/**
 * `GET /v1/ws` is the WebSocket endpoint (ws/): the upgrade is answered by
 * the HTTP server before Koa sees it. This entry documents it in the table
 * and answers a plain request (no upgrade) with 426, so the isolation
 * matrix and the OpenAPI document see it like any other route.
 */
export function wsEndpointRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: WS_PATH,
      auth: 'user',
      summary: `The event stream over WebSocket: upgrade with subprotocols "${WS_PROTOCOL}" and "${WS_TOKEN_PROTOCOL_PREFIX}<accessToken>" (or Authorization: Bearer)`,
      tags: ['conversations'],
      responses: {
        101: { description: 'Switching protocols: protocol frames follow' },
        426: {
          description: 'A plain HTTP request: connect with a WebSocket upgrade',
          schema: errorEnvelope,
        },
        ...authErrors,
      },
      handler() {
        throw new DomainError(
          'upgrade_required',
          `${WS_PATH} is a WebSocket endpoint: connect with an upgrade request`,
          undefined,
          { upgrade: 'websocket' },
        );
      },
    }),
  ];
}
