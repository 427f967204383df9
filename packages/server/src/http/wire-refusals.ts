import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@parley/sdk/protocol';

/**
 * Requests Node's HTTP parser stops before Koa sees them still get the error
 * envelope, not a bare 400 or a dropped connection: CONNECT (Node hands it to
 * a `connect` listener or closes the socket) and methods the parser does not
 * know (`FOO /v1/me`) are 405s; other unparsable requests keep Node's status.
 */
export function refuseAtTheWire(server: http.Server): void {
  server.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    reply(socket, 405, 'method_not_allowed', `${req.method ?? 'CONNECT'} is not allowed`);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const s = socket as Duplex & { bytesWritten?: number };
    // Mid-response or already gone: nothing sensible can be written.
    if (err.code === 'ECONNRESET' || !s.writable || (s.bytesWritten ?? 0) > 0) {
      socket.destroy();
      return;
    }
    switch (err.code) {
      case 'HPE_INVALID_METHOD':
        return reply(socket, 405, 'method_not_allowed', 'This method is not allowed');
      case 'HPE_HEADER_OVERFLOW':
        return reply(socket, 431, 'invalid_request', 'Request headers are too large');
      case 'ERR_HTTP_REQUEST_TIMEOUT':
        return reply(socket, 408, 'invalid_request', 'The request took too long to arrive');
      default:
        return reply(socket, 400, 'invalid_request', 'Malformed HTTP request');
    }
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function reply(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}
