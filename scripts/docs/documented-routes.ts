import type { AppServices } from '../../packages/server/src/app-services.js';
import { routeTable } from '../../packages/server/src/http/route-table.js';
import type { AnyRoute } from '../../packages/server/src/http/routing/route.js';

/**
 * Every route of the HTTP API, without a database or a server. Building the
 * route table only wires ports into handlers (none is called), so a stand-in
 * for the services bag that answers every property and call with itself is
 * enough. A truthy stand-in also means no route can hide behind a setting.
 */
export function documentedRoutes(): AnyRoute[] {
  const standIn: AppServices = new Proxy(function () {}, {
    get: (_target, prop) => (prop === 'then' ? undefined : standIn),
    apply: () => standIn,
    construct: () => standIn,
  }) as unknown as AppServices;
  return routeTable(standIn);
}
