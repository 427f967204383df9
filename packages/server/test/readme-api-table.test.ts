import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END, START, renderApiTable, withApiTable } from '../../../scripts/docs/api-table.js';
import { documentedRoutes } from '../../../scripts/docs/documented-routes.js';
import { routeKey } from '../src/http/routing/route.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe("the README's HTTP API table", () => {
  it('is the route table as it is now (run `npm run docs:api` when this fails)', () => {
    expect(withApiTable(readme, renderApiTable(documentedRoutes()))).toBe(readme);
  });

  it('lists every route once, with method, path, auth and summary', () => {
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END));
    const routes = documentedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
    for (const r of routes) {
      expect(section).toContain(`| ${r.method} | \`${r.path}\` |`);
    }
    expect(section.match(/^\| (GET|POST|PUT|PATCH|DELETE) \|/gm)).toHaveLength(routes.length);
  });

  it('keeps a summary with | or <tag> inside its own cell', () => {
    const table = renderApiTable([{ ...documentedRoutes()[0]!, summary: 'a | b with <script>' }]);
    expect(table.split('\n')[2]).toBe('| GET | `/healthz` | — | a \\| b with \\<script> |');
  });
});
