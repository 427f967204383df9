/** The key/value shape the SDK's `storage` option takes (sync is fine). */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * localStorage when the page may use it, else memory. Sandboxed iframes and
 * some privacy modes throw on access; the widget must still work there (it
 * just forgets the thread on reload).
 */
export function browserStorage(): KeyValueStorage {
  const memory = new Map<string, string>();
  let local: Storage | null = null;
  try {
    local = window.localStorage;
    const probe = '__parley_probe__';
    local.setItem(probe, '1');
    local.removeItem(probe);
  } catch {
    local = null;
  }
  return {
    get(key) {
      try {
        return local ? local.getItem(key) : (memory.get(key) ?? null);
      } catch {
        return memory.get(key) ?? null;
      }
    },
    set(key, value) {
      try {
        if (local) local.setItem(key, value);
        else memory.set(key, value);
      } catch {
        memory.set(key, value); // quota exceeded: keep it for this page at least
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        local?.removeItem(key);
      } catch {
        /* nothing to clean */
      }
    },
  };
}
