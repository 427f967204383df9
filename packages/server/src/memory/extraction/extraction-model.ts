import type { AppServices } from '../../app-services.js';
import type { CachedTenant } from '../../tenants/tenant-cache.js';
import type { ChatModel } from './model-json.js';

/**
 * The tenant's model chain as extraction uses it: the models to try in
 * order, stopping at the offline provider, which means "use the rules".
 */
export function extractionChain(services: AppServices, tenant: CachedTenant): ChatModel[] {
  const chain = tenant.settings.models?.length ? tenant.settings.models : services.defaultModels;
  const out: ChatModel[] = [];
  for (const spec of chain) {
    const resolved = services.providers.resolve(spec);
    if (!resolved) continue;
    if (resolved.provider.offline) break;
    out.push(resolved);
  }
  return out;
}
