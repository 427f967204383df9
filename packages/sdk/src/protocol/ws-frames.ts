import type { ErrorBody } from './error-codes.js';
import type { ParleyEvent } from './events.js';

/** A tool the SDK or widget runs itself; the model sees it for one message. */
export interface ClientToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

/** Client → server WebSocket frames, without the optional correlation `ref`. */
export type ClientFrameBody =
  | { type: 'auth'; token: string }
  | {
      type: 'message.send';
      conversationId: string;
      content: string;
      clientMessageId?: string;
      /** Tools the client runs itself for this message (answered with `tool.result`). */
      clientTools?: ClientToolDefinition[];
    }
  | { type: 'response.cancel'; conversationId: string }
  | { type: 'tool.result'; toolCallId: string; result?: unknown; error?: string }
  | { type: 'tool.approval'; toolCallId: string; approved: boolean }
  | { type: 'subscribe'; conversationId: string; afterSeq?: number }
  | { type: 'ping' };

/**
 * Client → server WebSocket frames. `ref` is the client's own id for the
 * frame; an error frame about it echoes the same `ref`.
 */
export type ClientFrame = ClientFrameBody & { ref?: string };

/** The `type` of a client → server WebSocket frame. */
export type ClientFrameType = ClientFrame['type'];

/**
 * Server → client frames: protocol events, plus connection-level frames that
 * are not part of a conversation's `seq` log.
 */
export type ServerFrame =
  | ParleyEvent
  | { type: 'ready'; userId: string }
  | { type: 'pong'; ref?: string }
  /**
   * `subscribe` replayed every stored message after `afterSeq` (as
   * `message.created` events); `more` means ask again from `lastSeq`.
   */
  | { type: 'subscribed'; conversationId: string; lastSeq: number; more: boolean; ref?: string }
  /**
   * A bad frame or failed request; the connection stays open unless `fatal`.
   * `unauthorized` without a `ref` means the access token expired: send a new
   * `auth` frame on the same socket.
   */
  | { type: 'error'; error: ErrorBody; ref?: string; fatal?: boolean };

/** Subprotocol prefix for passing the access token in `Sec-WebSocket-Protocol`. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'parley.token.';
/** The WebSocket subprotocol Parley speaks. */
export const WS_PROTOCOL = 'parley.v1';
/** Path of the WebSocket endpoint on the Parley server. */
export const WS_PATH = '/v1/ws';
/** Close code when a connection never authenticated (or let its token lapse). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/**
 * The server is restarting or shutting down (RFC 6455 1012, Service Restart):
 * reconnect (to any instance) and resume with `subscribe {afterSeq}`; turns
 * in flight keep running and their events are not lost.
 */
export const WS_CLOSE_RESTARTING = 1012;
/**
 * The connection sent frames (messages and pings together) faster than the
 * server allows: a burst, then a steady rate per second. Reconnect after a
 * pause and send less often.
 */
export const WS_CLOSE_TOO_MANY_FRAMES = 4429;
/**
 * This user already has as many open connections as the server allows; the
 * newest is closed. Close a tab or reuse one socket (it multiplexes conversations).
 */
export const WS_CLOSE_TOO_MANY_CONNECTIONS = 4430;
/** This server instance holds as many connections as it takes: reconnect (to any instance) later. */
export const WS_CLOSE_INSTANCE_FULL = 4503;
