import { OfflineProvider } from '../../server/src/providers/offline-provider.js';
import { ProviderRegistry } from '../../server/src/providers/registry.js';
import type { TestAppOptions } from '../../server/test/helpers/test-app.js';
import { startTestApp } from '../../server/test/helpers/test-app.js';

export { startTestApp };
export type { TestApp, TestTenant } from '../../server/test/helpers/test-app.js';

/** An app whose offline provider pauses between words, so a cancel lands mid-answer. */
export function startSlowApp(wordDelayMs = 200, opts: TestAppOptions = {}) {
  return startTestApp({
    ...opts,
    providers: new ProviderRegistry().register(new OfflineProvider(wordDelayMs)),
  });
}

export interface SeenRequest {
  method: string;
  path: string;
  status: number;
}

/** The real fetch, with a log of what the SDK asked for (nothing is faked). */
export function recordingFetch(extraHeaders: Record<string, string> = {}): {
  fetch: typeof fetch;
  seen: SeenRequest[];
  count(method: string, path: string): number;
} {
  const seen: SeenRequest[] = [];
  return {
    seen,
    count: (method, path) => seen.filter((r) => r.method === method && r.path === path).length,
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const res = await fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), ...extraHeaders },
      });
      seen.push({ method: init?.method ?? 'GET', path: url.pathname, status: res.status });
      return res;
    },
  };
}
