import Router from '@koa/router';
import type { AppServices } from '../app-services.js';
import { renderDemoPage } from '../embedded/demo-page.js';

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
    ctx.set(
      'content-security-policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'",
    );
    ctx.type = 'html';
    ctx.body = renderDemoPage(demo.publishableKey);
  });
  return router;
}
