import type { Page } from '@parley/sdk/protocol';
import type { TargetOptions } from './config.js';
import { resolveAdminToken, resolveServerUrl } from './config.js';
import { ApiRequestError } from './errors.js';
import { requestJson } from './http.js';
import type { CliIo } from './io.js';

/** Admin API resources as the server returns them (routes/admin-*.ts). */
export interface Tenant {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  tenantId: string;
  type: 'secret' | 'publishable';
  name: string | null;
  prefix: string;
  allowedOrigins: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Only in the answer to create: the one time the full key is shown. */
  key?: string;
}

export interface NewKey {
  type: 'secret' | 'publishable';
  name?: string;
  allowedOrigins?: string[];
}

/** The operator API (`/v1/admin`), guarded by the admin token. */
export class AdminClient {
  private constructor(
    readonly url: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  static fromOptions(opts: TargetOptions, io: CliIo): AdminClient {
    const url = resolveServerUrl(opts, io);
    return new AdminClient(url, resolveAdminToken(opts, io, url), io.fetch ?? fetch);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await requestJson<T>(this.fetchFn, this.url, {
        method,
        path,
        token: this.token,
        body,
      });
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) {
        throw new ApiRequestError(
          `${err.message}; check --admin-token or PARLEY_ADMIN_TOKEN`,
          err.status,
          err.code,
          err.requestId,
        );
      }
      throw err;
    }
  }

  createTenant(body: { name: string; settings?: Record<string, unknown> }): Promise<Tenant> {
    return this.call('POST', '/v1/admin/tenants', body);
  }

  listTenants(q: { limit?: number; cursor?: string | null } = {}): Promise<Page<Tenant>> {
    const params = new URLSearchParams();
    if (q.limit) params.set('limit', String(q.limit));
    if (q.cursor) params.set('cursor', q.cursor);
    const qs = params.size ? `?${params}` : '';
    return this.call('GET', `/v1/admin/tenants${qs}`);
  }

  getTenant(id: string): Promise<Tenant> {
    return this.call('GET', `/v1/admin/tenants/${encodeURIComponent(id)}`);
  }

  /** Renames, and changes only the settings keys given (the server merges them). */
  updateTenant(
    id: string,
    body: { name?: string; settings?: Record<string, unknown> },
  ): Promise<Tenant> {
    return this.call('PATCH', `/v1/admin/tenants/${encodeURIComponent(id)}`, body);
  }

  /** Replaces the settings as a whole: keys left out return to the server defaults. */
  replaceTenantSettings(id: string, settings: Record<string, unknown>): Promise<Tenant> {
    return this.call('PUT', `/v1/admin/tenants/${encodeURIComponent(id)}/settings`, settings);
  }

  createKey(tenantId: string, body: NewKey): Promise<ApiKey & { key: string }> {
    return this.call('POST', `/v1/admin/tenants/${encodeURIComponent(tenantId)}/keys`, body);
  }

  listKeys(tenantId: string): Promise<Page<ApiKey>> {
    return this.call('GET', `/v1/admin/tenants/${encodeURIComponent(tenantId)}/keys`);
  }

  revokeKey(tenantId: string, keyId: string): Promise<ApiKey> {
    return this.call(
      'DELETE',
      `/v1/admin/tenants/${encodeURIComponent(tenantId)}/keys/${encodeURIComponent(keyId)}`,
    );
  }
}
