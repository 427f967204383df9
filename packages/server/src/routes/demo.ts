import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { demoStyleHash, renderDemoPage } from '../embedded/demo-page.js';

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

/** `/`: the demo site on the embedded default, a short JSON pointer otherwise. */
export function demoRoutes(services: AppServices): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    const demo = services.demo;
    if (!demo) {
      ctx.body = {
        name: 'parley',
        status: 'ok',
        docs: 'https://github.com/parley-ai/parley#readme',
      };
      return;
    }
    ctx.set('content-security-policy', demoCsp);
    ctx.type = 'html';
    ctx.body = renderDemoPage(demo.publishableKey);
  });
  return router;
}
