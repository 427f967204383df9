/**
 * Open connections per key (an end user) across every instance: each
 * connection holds a lease that its instance refreshes while it lives, so a
 * crashed instance's connections stop counting once their leases lapse.
 */
export interface ConnectionCounter {
  /** Takes a lease for `id` unless `key` already holds `max` live ones. */
  acquire(key: string, id: string, max: number, leaseMs: number): Promise<boolean>;
  /** Extends the leases of live connections (the WebSocket heartbeat). */
  refresh(entries: readonly { key: string; id: string }[], leaseMs: number): Promise<void>;
  release(key: string, id: string): Promise<void>;
}

/** The embedded default: one process, so a map is every instance. */
export class MemoryConnectionCounter implements ConnectionCounter {
  private readonly leases = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(key: string, id: string, max: number, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const held = this.leases.get(key) ?? new Map<string, number>();
    for (const [other, until] of held) if (until <= now) held.delete(other);
    if (held.size >= max) return false;
    held.set(id, now + leaseMs);
    this.leases.set(key, held);
    return true;
  }

  async refresh(entries: readonly { key: string; id: string }[], leaseMs: number): Promise<void> {
    const until = this.now() + leaseMs;
    for (const { key, id } of entries) {
      const held = this.leases.get(key);
      if (held?.has(id)) held.set(id, until);
    }
  }

  async release(key: string, id: string): Promise<void> {
    const held = this.leases.get(key);
    if (!held) return;
    held.delete(id);
    if (held.size === 0) this.leases.delete(key);
  }
}
