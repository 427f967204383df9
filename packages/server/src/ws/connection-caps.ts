/**
 * Open sockets per end user on this instance. A user is counted once the
 * socket authenticates (the token may come in a later `auth` frame), and
 * released when it closes.
 */
export class ConnectionCaps {
  private readonly perUser = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Counts one more socket of the user; false (and nothing counted) when at the cap. */
  admit(tenantId: string, userId: string): boolean {
    const key = `${tenantId}:${userId}`;
    const open = this.perUser.get(key) ?? 0;
    if (open >= this.maxPerUser) return false;
    this.perUser.set(key, open + 1);
    return true;
  }

  release(tenantId: string, userId: string): void {
    const key = `${tenantId}:${userId}`;
    const open = (this.perUser.get(key) ?? 0) - 1;
    if (open > 0) this.perUser.set(key, open);
    else this.perUser.delete(key);
  }
}
