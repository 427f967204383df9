/**
 * A request path is served only in its one canonical spelling. Case
 * variants, trailing or doubled slashes, dot segments, `;` parameters,
 * backslashes and percent-encoding (an encoded `/` or `.` is how path
 * checks get bypassed) never reach a handler: they are 404s.
 */
const CANONICAL = /^(?:\/[A-Za-z0-9_~.-]+)*\/?$/;

export function isCanonicalPath(path: string): boolean {
  if (path === '/') return true;
  if (!CANONICAL.test(path) || path.endsWith('/')) return false;
  return !path.split('/').some((s) => s === '.' || s === '..');
}
