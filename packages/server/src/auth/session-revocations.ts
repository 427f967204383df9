import type { KeyValueStore } from '../infra/kv.js';
import type { PubSub } from '../infra/pubsub.js';

/**
 * Published on `services.infra.pubsub` whenever sessions are revoked (logout,
 * log out everywhere, admin revoke, refresh-token reuse, anonymous merge, a
 * revoked `sk_` key).
 * Open WebSocket connections whose access token belongs to one of
 * `familyIds` must close; use `services.revocations.onRevoked` to listen.
 */
export const SESSION_REVOKED_CHANNEL = 'sessions:revoked';

export type RevokeReason = 'logout' | 'logout_all' | 'admin' | 'reuse' | 'merged' | 'key_revoked';

export interface SessionRevokedEvent {
  tenantId: string;
  userId: string;
  familyIds: string[];
  reason: RevokeReason;
}

/** A family seen clean is trusted this long; pub/sub normally makes revocation instant. */
const CLEAN_TTL_MS = 30_000;
const PRUNE_EVERY = 1024;

/**
 * Which refresh-token families were revoked while their access tokens may
 * still be alive. Checked on every authenticated request, so the answer comes
 * from memory: revocations arrive by pub/sub; a family not seen before is
 * looked up once in the shared store (kv/Redis, TTL = access-token lifetime),
 * which also covers instances that started after the revocation.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, number>();
  private readonly clean = new Map<string, number>();
  private readonly listeners = new Set<(e: SessionRevokedEvent) => void>();
  private inserts = 0;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly pubsub: PubSub,
    private readonly ttlMs: number,
    /** The server's clock (epoch ms), the same one `isRevoked` is asked with. */
    private readonly now: () => number,
  ) {}

  async start(): Promise<() => Promise<void>> {
    return this.pubsub.subscribe(SESSION_REVOKED_CHANNEL, (message) => {
      try {
        this.apply(JSON.parse(message) as SessionRevokedEvent);
      } catch {
        // A malformed message cannot un-revoke anything; ignore it.
      }
    });
  }

  /** True when the family was revoked; at most one kv read per family per 30 s. */
  async isRevoked(familyId: string, now: number): Promise<boolean> {
    const until = this.revoked.get(familyId);
    if (until !== undefined) {
      if (until > now) return true;
      this.revoked.delete(familyId);
    }
    const checked = this.clean.get(familyId);
    if (checked !== undefined && checked > now) return false;
    const stored = await this.kv.get(kvKey(familyId));
    if (stored !== null) {
      this.remember(this.revoked, familyId, now + this.ttlMs, now);
      return true;
    }
    this.remember(this.clean, familyId, now + CLEAN_TTL_MS, now);
    return false;
  }

  /** Records the revocation for every instance, then tells them. */
  async revoke(event: SessionRevokedEvent): Promise<void> {
    if (event.familyIds.length === 0) return;
    await Promise.all(event.familyIds.map((id) => this.kv.set(kvKey(id), '1', this.ttlMs)));
    this.apply(event);
    await this.pubsub.publish(SESSION_REVOKED_CHANNEL, JSON.stringify(event));
  }

  /** Listen for revocations on any instance (the WebSocket handler closes sockets). */
  onRevoked(listener: (e: SessionRevokedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(event: SessionRevokedEvent): void {
    const now = this.now();
    const fresh = event.familyIds.filter((id) => !((this.revoked.get(id) ?? 0) > now));
    for (const id of event.familyIds) {
      this.clean.delete(id);
      this.remember(this.revoked, id, now + this.ttlMs, now);
    }
    if (fresh.length === 0) return;
    for (const l of this.listeners) l({ ...event, familyIds: fresh });
  }

  private remember(map: Map<string, number>, id: string, until: number, now: number): void {
    map.set(id, until);
    if (++this.inserts % PRUNE_EVERY !== 0) return;
    for (const m of [this.revoked, this.clean]) for (const [k, v] of m) if (v <= now) m.delete(k);
  }
}

const kvKey = (familyId: string): string => `revoked-family:${familyId}`;
