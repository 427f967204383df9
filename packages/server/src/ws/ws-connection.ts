import type { Duplex } from 'node:stream';
import type { ClientFrame, ErrorBody } from '@parley/sdk/protocol';
import {
  WS_CLOSE_TOO_MANY_CONNECTIONS,
  WS_CLOSE_TOO_MANY_FRAMES,
  WS_CLOSE_UNAUTHORIZED,
} from '@parley/sdk/protocol';
import type { WebSocket } from 'ws';
import type { AppServices } from '../app-services.js';
import { DomainError, isExposed } from '../errors/domain-error.js';
import { isDependencyDown, serviceUnavailable } from '../errors/unavailable.js';

import type { TimerHandle } from '../clock/clock.js';
import type { RunningTurn } from '../turns/running-turn.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { FrameError, parseClientFrame } from './client-frames.js';
import type { ConnectionCaps } from './connection-caps.js';
import type { WsIdentity } from './ws-auth.js';
import { verifyWsToken } from './ws-auth.js';
import type { WsLimits } from './ws-limits.js';
import { WsSink } from './ws-sink.js';
import { answerTool, cancelTurn, runTurn } from './ws-turns.js';
import { subscribe } from './ws-subscribe.js';
import type { Following } from '../turns/follow-turn.js';

/**
 * One client socket: authentication state, frame dispatch and the turns it
 * started. A bad frame is answered with an error frame; only a connection that
 * never authenticates (or lets its token lapse) is closed.
 */
export class WsConnection {
  readonly sink: WsSink;
  /** This connection's streaming turns, by conversation id. */
  readonly turns = new Map<string, RunningTurn>();
  /** Conversations this socket follows (subscribe), by id. */
  readonly subscriptions = new Map<string, Following>();
  /** Turns admitted but not finished, including those still being prepared. */
  inFlight = 0;
  /** Turns still being prepared, by conversation; a cancel that arrives now is remembered. */
  readonly preparing = new Map<string, AbortController>();
  /** Every turn's promise, so shutdown can wait for partial answers to be saved. */
  readonly running = new Set<Promise<void>>();
  closed = false;
  private identity: WsIdentity | null = null;
  /** An authentication in progress (revocation lookup): later frames wait for it, in order. */
  private authing: Promise<void> | null = null;
  private alive = true;
  private authTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  /** Frames (messages and pings) this socket may still send; on the injected clock. */
  private readonly frames: TokenBucket;
  /** Cut for flooding: frames already read are dropped, not run. */
  private cut = false;
  /** This socket's lease in the per-user count, once authenticated. */
  private lease: string | null = null;

  constructor(
    private readonly ws: WebSocket,
    socket: Duplex,
    readonly services: AppServices,
    readonly limits: WsLimits,
    token: string | null,
    private readonly caps: ConnectionCaps,
  ) {
    this.sink = new WsSink(ws, socket, services.clock);
    this.frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond, () =>
      services.clock.now(),
    );
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('ping', () => {
      this.alive = true;
      this.spendFrame();
    });
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.onClose());
    ws.on('error', () => {}); // always followed by 'close'
    if (token) this.startAuth(token, undefined);
    else this.awaitAuth();
  }

  /** The authenticated user, or null while the token is missing or expired. */
  get user(): WsIdentity | null {
    return this.identity && this.services.clock.now() < this.identity.expiresAtMs
      ? this.identity
      : null;
  }

  /** Called by the server's heartbeat: a peer that missed the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  sendError(err: unknown, ref: string | undefined, fatal = false): void {
    const known =
      err instanceof DomainError ? err : isDependencyDown(err) ? serviceUnavailable() : null;
    const expose = known !== null && isExposed(known.code);
    if (!expose) this.services.log.error({ err }, 'websocket frame failed');
    else if (known.code === 'service_unavailable')
      this.services.log.warn({ err }, 'dependency down');
    const error: ErrorBody = {
      code: known?.code ?? 'internal_error',
      message: expose ? known.message : 'Internal server error',
    };
    if (expose && known.details !== undefined) error.details = known.details;
    this.sink.send({ type: 'error', error, ...(ref ? { ref } : {}), ...(fatal ? { fatal } : {}) });
  }

  /** Logout or admin revoke of this connection's session: it ends now, turns included. */
  revoked(familyIds: readonly string[]): void {
    if (!this.identity || !familyIds.includes(this.identity.sessionFamilyId)) return;
    this.sendError(new DomainError('unauthorized', 'Session was revoked'), undefined, true);
    this.close(WS_CLOSE_UNAUTHORIZED, 'session revoked');
  }

  close(code: number, reason: string): void {
    this.sink.flush();
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  /** False once the socket sent more than its burst + rate; it is then closed (4429). */
  private spendFrame(): boolean {
    if (this.cut) return false;
    if (this.frames.take()) return true;
    this.cut = true;
    this.services.log.warn(
      { tenantId: this.identity?.tenantId, userId: this.identity?.userId },
      'websocket closed: too many frames',
    );
    this.sendError(
      new DomainError('rate_limited', 'Too many frames: slow down and reconnect'),
      undefined,
      true,
    );
    this.close(WS_CLOSE_TOO_MANY_FRAMES, 'too many frames');
    return false;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (!this.spendFrame()) return;
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(data, isBinary, this.limits.maxFrameBytes);
    } catch (err) {
      if (err instanceof FrameError) this.sendError(err.apiError, err.ref);
      else this.sendError(err, undefined);
      return;
    }
    this.dispatch(frame).catch((err: unknown) => this.sendError(err, frame.ref));
  }

  private async dispatch(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping') return this.sink.send({ type: 'pong', ref: frame.ref });
    if (frame.type === 'auth') return this.startAuth(frame.token, frame.ref);
    if (this.authing) await this.authing;
    const user = this.user;
    if (!user) {
      const why = this.identity ? 'Access token expired' : 'Authenticate first';
      throw new DomainError('unauthorized', `${why}: send an auth frame`);
    }
    switch (frame.type) {
      case 'message.send':
        return runTurn(this, user, frame);
      case 'response.cancel':
        return cancelTurn(this, user, frame.conversationId);
      case 'subscribe':
        return subscribe(this, user, frame);
      case 'tool.result':
      case 'tool.approval':
        return answerTool(this, user, frame);
    }
  }

  private startAuth(token: string, ref: string | undefined): void {
    const run = (this.authing ?? Promise.resolve())
      .then(() => this.authenticate(token, ref))
      .finally(() => {
        if (this.authing === run) this.authing = null;
      });
    this.authing = run;
  }

  private async authenticate(token: string, ref: string | undefined): Promise<void> {
    let next: WsIdentity;
    try {
      next = await verifyWsToken(this.services, token);
    } catch (err) {
      this.sendError(err, ref);
      this.awaitAuth();
      return;
    }
    const prev = this.identity;
    if (prev && (prev.userId !== next.userId || prev.tenantId !== next.tenantId)) {
      // Its turns and subscriptions belong to the first user: a new user needs a new socket.
      this.sendError(new DomainError('forbidden', 'This connection belongs to another user'), ref);
      return;
    }
    if (this.closed || this.cut) return;
    if (!this.lease) {
      let lease: string | null;
      try {
        lease = await this.caps.admit(next.tenantId, next.userId);
      } catch (err) {
        this.sendError(err, ref); // Redis down: a 503-like error frame; the client retries
        this.awaitAuth();
        return;
      }
      if (lease && (this.closed || this.cut)) {
        this.caps.release(lease).catch(() => {}); // lapses on its own
        return;
      }
      if (!lease) {
        this.sendError(
          new DomainError('rate_limited', 'Too many open connections for this user'),
          ref,
          true,
        );
        this.close(WS_CLOSE_TOO_MANY_CONNECTIONS, 'too many connections for this user');
        return;
      }
      this.lease = lease;
    }
    this.identity = next;
    const { clock } = this.services;
    clock.clearTimeout(this.authTimer);
    this.authTimer = undefined;
    clock.clearTimeout(this.expiryTimer);
    const ttl = next.expiresAtMs - clock.now();
    if (Number.isFinite(ttl)) {
      // Tell the client as soon as the token lapses, so it re-authenticates
      // before its next frame instead of failing on it.
      this.expiryTimer = clock.setTimeout(() => this.onExpired(), Math.max(0, ttl));
    }
    this.sink.send({ type: 'ready', userId: next.userId });
  }

  private onExpired(): void {
    if (this.closed || this.user) return;
    this.sendError(
      new DomainError('unauthorized', 'Access token expired: send an auth frame'),
      undefined,
    );
    this.awaitAuth();
  }

  /** Closes the connection unless it authenticates in time. */
  private awaitAuth(): void {
    if (this.authTimer || this.closed) return;
    this.authTimer = this.services.clock.setTimeout(() => {
      if (this.user || this.closed) return;
      this.sendError(new DomainError('unauthorized', 'Authentication timed out'), undefined, true);
      this.close(WS_CLOSE_UNAUTHORIZED, 'unauthorized');
    }, this.limits.authTimeoutMs);
  }

  private onClose(): void {
    this.closed = true;
    if (this.lease) {
      this.caps.release(this.lease).catch((err: unknown) => {
        // The lease lapses on its own; only the count is briefly too high.
        this.services.log.warn({ err }, 'websocket connection count not released');
      });
    }
    this.lease = null;
    this.services.clock.clearTimeout(this.authTimer);
    this.services.clock.clearTimeout(this.expiryTimer);
    // Like a dropped SSE request: stop generating, keep the partial answer as incomplete
    // (unless the turn waits for an approval: it then finishes in the background).
    for (const t of this.turns.values()) t.clientGone(this.sink);
    for (const f of this.subscriptions.values()) void f.stop();
    this.subscriptions.clear();
  }
}
