import { readFileSync, writeFileSync } from 'node:fs';
import type { AppServices } from '../../packages/server/src/app-services.js';
import { routeTable } from '../../packages/server/src/http/route-table.js';
import { renderApiTable, withApiTable } from './api-table.js';

/**
 * `npm run docs:api`: writes the README's HTTP API table from the route table.
 * Building the table only wires ports into handlers (nothing is called), so a
 * stand-in for the services bag, answering every property and call with
 * itself, is enough: no database, no server.
 */
const standIn: AppServices = new Proxy(function () {}, {
  get: (_target, prop) => (prop === 'then' ? undefined : standIn),
  apply: () => standIn,
  construct: () => standIn,
}) as unknown as AppServices;

const readme = new URL('../../README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const routes = routeTable(standIn);
const after = withApiTable(before, renderApiTable(routes));
writeFileSync(readme, after);
process.stdout.write(
  `README.md: ${routes.length} routes${after === before ? ' (unchanged)' : ' (updated)'}\n`,
);
