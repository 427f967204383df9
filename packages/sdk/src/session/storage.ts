/** Where the session survives reloads: `localStorage` in a browser, anything async elsewhere. */
export interface Storage {
  /** The stored value, or null. */
  get(key: string): string | null | Promise<string | null>;
  /** Stores a value. */
  set(key: string, value: string): void | Promise<void>;
  /** Forgets a value. */
  remove(key: string): void | Promise<void>;
}

/** The default: the session lives as long as the client. */
export function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}
