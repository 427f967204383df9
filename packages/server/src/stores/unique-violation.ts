/**
 * PostgreSQL's unique_violation (23505), from knex (on the error) or through
 * Objection (which wraps it and keeps the driver's error as `nativeError`).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; nativeError?: { code?: string } } | null;
  return e?.code === '23505' || e?.nativeError?.code === '23505';
}
