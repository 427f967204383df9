import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { generateApiKey, sha256 } from '../auth/secrets.js';

export interface DemoTenant {
  tenantId: string;
  publishableKey: string;
}

/**
 * First run of the embedded default: a demo tenant with a publishable key for
 * the demo page. The pk_ key is public by design, so keeping it in a local
 * file is fine; it is re-created if the database was reset.
 */
export async function ensureDemoTenant(
  knex: Knex,
  stateDir: string,
  origins: string[],
): Promise<DemoTenant> {
  const file = path.join(stateDir, 'demo.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
    const key = await knex('api_keys')
      .where({ key_hash: sha256(saved.publishableKey), tenant_id: saved.tenantId })
      .whereNull('revoked_at')
      .first('id');
    if (key) {
      await knex('api_keys')
        .where({ id: key.id })
        .update({ allowed_origins: JSON.stringify(origins) });
      return saved;
    }
  }
  const [tenant] = await knex('tenants')
    .insert({
      name: 'Demo',
      settings: JSON.stringify({
        persona: 'You are the friendly assistant of the Parley demo site.',
      }),
    })
    .returning('id');
  const generated = generateApiKey('publishable');
  await knex('api_keys').insert({
    tenant_id: tenant.id,
    type: 'publishable',
    name: 'demo page',
    prefix: generated.prefix,
    key_hash: generated.hash,
    allowed_origins: JSON.stringify(origins),
  });
  const demo = { tenantId: tenant.id as string, publishableKey: generated.key };
  writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return demo;
}
