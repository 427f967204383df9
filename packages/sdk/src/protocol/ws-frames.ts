import type { ErrorBody } from './error-codes.js';
import type { ParleyEvent } from './events.js';

/** Client → server WebSocket frames. */
export type ClientFrame =
  | { type: 'auth'; token: string }
  | { type: 'message.send'; conversationId: string; content: string; clientMessageId?: string }
  | { type: 'response.cancel'; conversationId: string }
  | { type: 'tool.result'; toolCallId: string; result?: unknown; error?: string }
  | { type: 'tool.approval'; toolCallId: string; approved: boolean }
  | { type: 'subscribe'; conversationId: string; afterSeq?: number }
  | { type: 'ping' };

/**
 * Server → client frames: protocol events, plus connection-level frames that
 * are not part of a conversation's `seq` log.
 */
export type ServerFrame =
  | ParleyEvent
  | { type: 'ready'; userId: string }
  | { type: 'pong' }
  /** A bad frame or failed request; the connection stays open unless `fatal`. */
  | { type: 'error'; error: ErrorBody; ref?: string; fatal?: boolean };

/** Subprotocol prefix for passing the access token in `Sec-WebSocket-Protocol`. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'parley.token.';
export const WS_PROTOCOL = 'parley.v1';
