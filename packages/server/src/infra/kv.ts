/** Small shared key/value store: locks, caches, circuit-breaker state. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when absent; true if this call set it (a lock). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes only if the value still matches (release a lock we own). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  del(key: string): Promise<void>;
}

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, { value: string; expires: number }>();

  private live(key: string): { value: string; expires: number } | undefined {
    const e = this.map.get(key);
    if (e && e.expires <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.map.set(key, { value, expires: Date.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.map.set(key, { value, expires: Date.now() + ttlMs });
    return true;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.map.delete(key);
    return true;
  }

  async del(key: string): Promise<void> {
    this.map.delete(key);
  }
}
