import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppServices } from '../../src/app-services.js';
import type { WsLimits } from '../../src/ws/ws-limits.js';
import { attachWsServer } from '../../src/ws/ws-server.js';

/** The WebSocket endpoint alone on its own port, with test limits (short timers). */
export async function startWsOnly(
  services: AppServices,
  limits: Partial<WsLimits>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const ws = attachWsServer(server, services, limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    async close() {
      await ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
