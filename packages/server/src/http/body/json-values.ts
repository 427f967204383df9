/**
 * Values a JSON body may carry but this server cannot store faithfully:
 * NUL characters (PostgreSQL text and jsonb refuse `\u0000`, in keys too),
 * numbers that overflowed to Infinity or lost their digits (beyond 2^53 in
 * magnitude), and `__proto__` keys (a prototype-pollution gadget for any later
 * merge). Returns the first one found, named by its JSON Pointer.
 */
export interface ValueProblem {
  reason: 'nul_character' | 'number_out_of_range' | 'forbidden_key';
  path: string;
}

export function findUnstorableValue(value: unknown, path = ''): ValueProblem | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { reason: 'nul_character', path: path || '/' } : null;
  }
  if (typeof value === 'number') {
    // Past 2^53 a double no longer holds every integer exactly; Infinity is what 1e400 became.
    return Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? null
      : { reason: 'number_out_of_range', path: path || '/' };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableValue(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return { reason: 'nul_character', path: at };
      if (key === '__proto__') return { reason: 'forbidden_key', path: at };
      const found = findUnstorableValue(member, at);
      if (found) return found;
    }
  }
  return null;
}
