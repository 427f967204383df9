import type { WsCaps } from '../config/ws-env.js';
import { DEFAULT_WS_CAPS } from '../config/ws-env.js';

/** Limits of the WebSocket endpoint; tests shorten the timers and lower the caps. */
export interface WsLimits extends WsCaps {
  /** Largest frame we parse; a bigger one gets a `payload_too_large` error frame. */
  maxFrameBytes: number;
  /** Streaming turns one connection may run at once (each in its own conversation). */
  maxInFlight: number;
  /** How long a connection may stay unauthenticated before it is closed. */
  authTimeoutMs: number;
  /** Ping interval; a peer that misses one ping is dropped. */
  heartbeatMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = {
  ...DEFAULT_WS_CAPS,
  maxFrameBytes: 256 * 1024,
  maxInFlight: 4,
  authTimeoutMs: 10_000,
  heartbeatMs: 30_000,
};

/**
 * ws closes the connection (1009) above this, so frames between
 * `maxFrameBytes` and this get a clear error and the connection survives.
 */
export const WS_HARD_MAX_PAYLOAD = 4 * 1024 * 1024;
