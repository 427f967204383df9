import type { AuthKind } from '../../packages/server/src/auth/route-auth.js';
import type { AnyRoute } from '../../packages/server/src/http/routing/route.js';

/**
 * The README's HTTP API table, rendered from the route table
 * (packages/server/src/http/route-table.ts) so it lists every route as it is.
 * `npm run docs:api` writes it; packages/server/test/readme-api-table.test.ts
 * fails when the README's copy is stale.
 */

export const START = '<!-- api-table:start -->';
export const END = '<!-- api-table:end -->';

/** Who may call a route, in words a reader of the README knows. */
const AUTH: Record<AuthKind, string> = {
  public: '—',
  user: 'access token',
  admin: 'admin token',
  'secret-key': '`sk_` key',
  'api-key': '`pk_` key (allowed origin) or `sk_` key',
  'body-token': 'token in the body',
  account: 'email + password, with a `pk_` key or anonymous session',
};

/** Markdown table cells: a `|` ends the cell and `<x>` reads as HTML, so both are escaped. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '\\<');

export function renderApiTable(routes: readonly AnyRoute[]): string {
  const rows = routes.map(
    (r) => `| ${r.method} | \`${r.path}\` | ${AUTH[r.auth]} | ${cell(r.summary)} |`,
  );
  return ['| method | path | auth | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

/** `doc` with the text between the markers replaced by `table`. */
export function withApiTable(doc: string, table: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} … ${END}`);
  return `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
}
