import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { ErrorEnvelope } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { errorEnvelope } from '../http/schemas/common.js';

interface Asset {
  mtimeMs: number;
  plain: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * Finds the built widget: through the @parley/widget package when it is
 * installed (npm, or the workspace link), else by walking up from this file,
 * which works from src/ (tsx, vitest) and from the bundled dist/ alike.
 */
export function locateWidgetFile(): string | null {
  try {
    const resolved = createRequire(import.meta.url).resolve('@parley/widget/widget.js');
    if (existsSync(resolved)) return resolved;
  } catch {
    /* not installed as a package: look in the source tree */
  }
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of ['packages/widget/dist/widget.js', 'widget/dist/widget.js']) {
      const file = path.join(dir, candidate);
      if (existsSync(file)) return file;
    }
    dir = path.dirname(dir);
  }
  return null;
}

/** Reads the file once per build (re-reads when its mtime changes) and gzips it once. */
function loader(locate: () => string | null): () => Asset | null {
  let cached: Asset | null = null;
  let file: string | null = null;
  return () => {
    file ??= locate();
    if (!file) return null;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      file = null;
      return null;
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const plain = readFileSync(file);
      const hash = createHash('sha256').update(plain).digest('base64url').slice(0, 16);
      cached = { mtimeMs, plain, gzip: gzipSync(plain, { level: 9 }), etag: `"${hash}"` };
    }
    return cached;
  };
}

const widgetExample = '(()=>{var e=document.currentScript;/* the widget bundle */})();';

/**
 * `GET /widget.js`: the drop-in widget for any site. Public, cacheable for
 * five minutes, revalidated by ETag, gzipped when the browser accepts it.
 */
export function widgetAssetRoutes(
  deps: { log: Pick<Logger, 'warn'> },
  opts: { locate?: () => string | null } = {},
): AnyRoute[] {
  const load = loader(opts.locate ?? locateWidgetFile);
  let warned = false;
  return [
    defineRoute({
      method: 'GET',
      path: '/widget.js',
      auth: 'public',
      summary: 'The widget script tenants embed with one <script> tag',
      tags: ['widget'],
      responses: {
        200: {
          description: 'The widget (IIFE), gzipped when accepted',
          contentType: 'text/javascript',
          schema: { type: 'string' },
          example: widgetExample,
        },
        304: { description: 'Not modified (If-None-Match)' },
        503: { description: 'The widget has not been built', schema: errorEnvelope },
      },
      handler(ctx) {
        const asset = load();
        if (!asset) {
          // Set directly: the error middleware hides 5xx messages, and this one is a setup step.
          if (!warned)
            deps.log.warn('GET /widget.js: the widget is not built (run `npm run build`)');
          warned = true;
          const body: ErrorEnvelope = {
            error: {
              code: 'service_unavailable',
              message: 'The widget has not been built yet: run `npm run build` and reload.',
              requestId: ctx.state.requestId,
            },
          };
          ctx.status = 503;
          ctx.set('cache-control', 'no-store');
          ctx.body = body;
          return;
        }
        const gzip = ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
        ctx.set('access-control-allow-origin', '*');
        ctx.set('cross-origin-resource-policy', 'cross-origin');
        ctx.set('cache-control', 'public, max-age=300');
        ctx.set('vary', 'accept-encoding');
        const etag = gzip ? asset.etag.replace(/"$/, '-gz"') : asset.etag;
        ctx.set('etag', etag);
        if (matches(ctx.get('if-none-match'), etag)) {
          ctx.status = 304;
          return;
        }
        ctx.type = 'text/javascript; charset=utf-8';
        if (gzip) ctx.set('content-encoding', 'gzip');
        ctx.body = gzip ? asset.gzip : asset.plain;
      },
    }),
  ];
}

/**
 * If-None-Match by hand: koa's `ctx.fresh` treats any `cache-control: no-cache`
 * request as stale, but an origin may answer 304 to it (RFC 9110 13.1.2).
 */
function matches(header: string, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
