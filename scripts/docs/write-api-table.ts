import { readFileSync, writeFileSync } from 'node:fs';
import { renderApiTable, withApiTable } from './api-table.js';
import { documentedRoutes } from './documented-routes.js';

/** `npm run docs:api`: writes the README's HTTP API table from the route table. */
const readme = new URL('../../README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const routes = documentedRoutes();
const after = withApiTable(before, renderApiTable(routes));
writeFileSync(readme, after);
process.stdout.write(
  `README.md: ${routes.length} routes${after === before ? ' (unchanged)' : ' (updated)'}\n`,
);
