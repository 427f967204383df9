import { demoStyleHash, renderDemoPage } from '../embedded/demo-page.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';

/**
 * What the demo page may do: its own hashed style, the widget script and the
 * API on this origin. Nothing inline runs; the widget's styles are
 * constructed stylesheets in its shadow root, which CSP does not block.
 */
const demoCsp = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src ${demoStyleHash}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const infoSchema = {
  type: 'object',
  required: ['name', 'status', 'docs'],
  properties: { name: { const: 'parley' }, status: { const: 'ok' }, docs: { type: 'string' } },
};
const info = { name: 'parley', status: 'ok', docs: 'https://github.com/parley-ai/parley#readme' };

/** `/`: the demo site on the embedded default, a short JSON pointer otherwise. */
export function demoRoutes(deps: {
  /** The demo tenant's publishable key on the embedded default (set once it exists). */
  demo(): { publishableKey: string } | undefined;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/',
      auth: 'public',
      summary: 'The demo page (embedded default) or server info',
      tags: ['operations'],
      responses: {
        200: {
          description: 'Server info (JSON), or the demo page (HTML) on the embedded default',
          schema: infoSchema,
          example: info,
        },
      },
      handler(ctx) {
        const demo = deps.demo();
        if (!demo) {
          ctx.body = info;
          return;
        }
        ctx.set('content-security-policy', demoCsp);
        ctx.type = 'html';
        ctx.body = renderDemoPage(demo.publishableKey);
      },
    }),
  ];
}
