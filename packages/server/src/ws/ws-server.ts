import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  WS_CLOSE_INSTANCE_FULL,
  WS_CLOSE_RESTARTING,
  WS_PATH,
  WS_PROTOCOL,
} from '@parley/sdk/protocol';
import { WebSocketServer } from 'ws';
import type { AppServices } from '../app-services.js';
import { every } from '../clock/clock.js';
import { upgradeToken } from './ws-auth.js';
import { ConnectionCaps } from './connection-caps.js';
import { WsConnection } from './ws-connection.js';
import type { WsLimits } from './ws-limits.js';
import { DEFAULT_WS_LIMITS, WS_HARD_MAX_PAYLOAD } from './ws-limits.js';

export interface WsServer {
  /** Open connections. */
  readonly size: number;
  /**
   * Graceful restart: every client is told to reconnect elsewhere (1012) and
   * no new socket is accepted; the turns they started go on (their events
   * can be resumed on another instance).
   */
  drain(): void;
  /** Ends every connection (1001), waits for running turns to save, detaches from the server. */
  close(): Promise<void>;
}

/**
 * The WebSocket endpoint (`/v1/ws`) on an existing HTTP server: the same
 * protocol events as SSE, plus cancel and subscribe, over one socket.
 */
export function attachWsServer(
  server: http.Server,
  services: AppServices,
  overrides: Partial<WsLimits> = {},
): WsServer {
  const limits: WsLimits = {
    ...DEFAULT_WS_LIMITS,
    ...services.config.ws,
    maxFrameBytes: Math.min(services.config.bodyLimitBytes, WS_HARD_MAX_PAYLOAD),
    ...overrides,
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_HARD_MAX_PAYLOAD,
    perMessageDeflate: false, // CPU per frame matters more than bytes for small deltas
    // Browsers drop the connection unless one offered subprotocol is echoed.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const connections = new Set<WsConnection>();
  // A lease outlives two missed heartbeats, so a live socket never lapses.
  const caps = new ConnectionCaps(
    services.infra.connections,
    limits.maxConnectionsPerUser,
    limits.heartbeatMs * 3,
  );

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      // Another upgrade listener may own this path; with none, do not leave the socket hanging.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (connections.size >= limits.maxConnections) {
        // Upgraded first: a browser sees a close code, never an HTTP status.
        ws.close(WS_CLOSE_INSTANCE_FULL, 'instance full; reconnect later');
        return;
      }
      const conn = new WsConnection(ws, socket, services, limits, upgradeToken(req), caps);
      connections.add(conn);
      ws.once('close', () => connections.delete(conn));
    });
  };
  server.on('upgrade', onUpgrade);
  const refuseUpgrade = (_req: http.IncomingMessage, socket: Duplex): void => {
    socket.end(
      'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  };
  // Logout / admin revoke on any instance ends the sockets of that session.
  const stopRevocations = services.revocations.onRevoked((e) => {
    for (const c of connections) c.revoked(e.familyIds);
  });

  const stopHeartbeat = every(services.clock, limits.heartbeatMs, () => {
    for (const c of connections) c.heartbeat();
    caps.refresh().catch((err: unknown) => {
      services.log.warn({ err }, 'websocket connection leases not refreshed');
    });
  });

  return {
    get size() {
      return connections.size;
    },
    drain() {
      server.off('upgrade', onUpgrade);
      server.on('upgrade', refuseUpgrade);
      for (const c of connections) {
        c.turns.clear(); // not cancelled: the client resumes them elsewhere
        c.close(WS_CLOSE_RESTARTING, 'server restarting; reconnect');
      }
    },
    async close() {
      stopHeartbeat();
      server.off('upgrade', refuseUpgrade);
      stopRevocations();
      server.off('upgrade', onUpgrade);
      const running = [...connections].flatMap((c) => [...c.running]);
      for (const c of connections) {
        for (const turn of c.turns.values()) turn.cancel('server shutting down');
        c.close(1001, 'server shutting down');
      }
      await Promise.allSettled(running);
      for (const c of connections) c.terminate();
      wss.close();
    },
  };
}
