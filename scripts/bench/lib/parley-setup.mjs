import { json } from './sse-request.mjs';

/** A tenant with memory on (unless told otherwise), a secret key, and a way to open sessions and conversations. */
export async function setUpTenant(url, adminToken, { memory = true } = {}) {
  const tenant = await json('POST', `${url}/v1/admin/tenants`, {
    token: adminToken,
    body: { name: 'bench', settings: { memory: { enabled: memory } } },
  });
  const key = await json('POST', `${url}/v1/admin/tenants/${tenant.id}/keys`, {
    token: adminToken,
    body: { type: 'secret', name: 'bench' },
  });
  return {
    tenantId: tenant.id,
    async session(externalUserId) {
      const s = await json('POST', `${url}/v1/sessions`, {
        token: key.key,
        body: { externalUserId, name: externalUserId },
      });
      return s.accessToken;
    },
    async conversation(accessToken) {
      const c = await json('POST', `${url}/v1/conversations`, { token: accessToken, body: {} });
      return c.id;
    },
  };
}
