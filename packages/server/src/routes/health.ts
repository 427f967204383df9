import Router from '@koa/router';
import type { AppServices } from '../app-services.js';

export function healthRoutes(services: AppServices): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await Promise.allSettled([services.knex.raw('select 1'), services.infra.ping()]);
    const [db, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const ready = db === 'ok' && redis === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ready' : 'not_ready',
      database: { kind: services.db.kind, status: db },
      [services.infra.kind === 'redis' ? 'redis' : 'inProcess']: { status: redis },
    };
  });
  return router;
}
