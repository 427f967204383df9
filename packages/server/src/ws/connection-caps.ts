import { randomUUID } from 'node:crypto';
import type { ConnectionCounter } from '../infra/connection-counter.js';

/**
 * Open sockets per end user, across instances (Redis in production). A user
 * is counted once the socket authenticates (the token may come in a later
 * `auth` frame) and released when it closes; this instance refreshes the
 * leases of its sockets on every heartbeat, so a crashed instance's sockets
 * stop counting after `leaseMs`.
 */
export class ConnectionCaps {
  private readonly held = new Map<string, { key: string; id: string }>();

  constructor(
    private readonly counter: ConnectionCounter,
    private readonly maxPerUser: number,
    private readonly leaseMs: number,
  ) {}

  /** A lease id for one more socket of the user; null (nothing counted) at the cap. */
  async admit(tenantId: string, userId: string): Promise<string | null> {
    const entry = { key: `${tenantId}:${userId}`, id: randomUUID() };
    if (!(await this.counter.acquire(entry.key, entry.id, this.maxPerUser, this.leaseMs))) {
      return null;
    }
    this.held.set(entry.id, entry);
    return entry.id;
  }

  release(lease: string): Promise<void> {
    const entry = this.held.get(lease);
    if (!entry) return Promise.resolve();
    this.held.delete(lease);
    return this.counter.release(entry.key, entry.id);
  }

  refresh(): Promise<void> {
    return this.counter.refresh([...this.held.values()], this.leaseMs);
  }
}
