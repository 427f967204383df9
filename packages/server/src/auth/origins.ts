/**
 * Origin allow-list matching: exact origins, or a leading `*.` wildcard for
 * subdomains (`https://*.example.com`). `*` alone allows any origin.
 */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  for (const pattern of allowed) {
    if (pattern === '*' || pattern === origin) return true;
    const m = /^(https?:\/\/)\*\.(.+)$/.exec(pattern);
    if (m && origin.startsWith(m[1]!) && origin.endsWith('.' + m[2]!)) return true;
  }
  return false;
}

export const originPattern = '^(\\*|https?://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?)$';
