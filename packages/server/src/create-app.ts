import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Clock } from './clock/clock.js';
import { systemClock } from './clock/clock.js';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AppServices } from './app-services.js';
import { buildServices } from './app-services.js';
import type { ServerConfig } from './config/env.js';
import type { Database } from './db/connect.js';
import { migrateLatest, openDatabase } from './db/connect.js';
import { errorMiddleware } from './http/error-middleware.js';
import { jsonBody } from './http/body/json-body.js';
import { requestIdMiddleware } from './http/request-id.js';
import { securityHeaders } from './http/security-headers.js';
import './http/koa-state.js';
import type { Infra } from './infra/index.js';
import { createInfra } from './infra/index.js';
import { createLogger } from './logger.js';
import { buildProviders } from './providers/build-providers.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { Authenticators } from './http/routing/build-router.js';
import { buildRouter } from './http/routing/build-router.js';
import { routeTable } from './http/route-table.js';
import type { AnyRoute } from './http/routing/route.js';
import { requireAccountContext } from './auth/account-auth.js';
import { requireAdmin, requireApiKey, requireUser } from './auth/middleware.js';
import type { Embedder } from './memory/embedder.js';
import { buildEmbedder } from './memory/build-embedder.js';
import { checkEmbeddingDimensions } from './memory/check-dimensions.js';
import { startMemoryJobs } from './memory/memory-jobs.js';
import { MemoryService } from './memory/memory-service.js';
import type { WsServer } from './ws/ws-server.js';
import { attachWsServer } from './ws/ws-server.js';
import { cors } from './http/cors.js';
import { refuseAtTheWire } from './http/wire-refusals.js';

export interface CreateAppOptions {
  /** Reuse an open database (tests); otherwise opened from config. */
  db?: Database;
  infra?: Infra;
  providers?: ProviderRegistry;
  defaultModels?: string[];
  log?: Logger;
  /** Memory embedder; default from config (hashing, or OpenAI). */
  embedder?: Embedder;
  /** Run migrations on start (default true). */
  migrate?: boolean;
  /** Time for every timeout, expiry and schedule (tests pass a ManualClock). */
  clock?: Clock;
}

export interface ParleyApp {
  koa: Koa;
  services: AppServices;
  /** Node request handler, for in-process tests without a port. */
  callback(): http.RequestListener;
  listen(port?: number, host?: string): Promise<http.Server & { url: string }>;
  close(): Promise<void>;
  /** The route table the router was built from: every route with its auth and schemas. */
  readonly routes: readonly AnyRoute[];
}

/** Builds a Parley server. Nothing happens at import; everything here is explicit. */
export async function createApp(
  config: ServerConfig,
  opts: CreateAppOptions = {},
): Promise<ParleyApp> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db =
    opts.db ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? null : config.dataDir,
      embeddingDimensions: config.embeddingDimensions,
    }));
  if (opts.migrate !== false) await migrateLatest(db);
  const embedder = opts.embedder ?? buildEmbedder(config);
  await checkEmbeddingDimensions(db.knex, embedder).catch(async (err: unknown) => {
    if (!opts.db) await db.close();
    throw err;
  });
  const infra =
    opts.infra ??
    (await createInfra({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      onJobError: (name, err) => log.error({ err, job: name }, 'background job failed'),
    }));
  const built = opts.providers ? null : buildProviders(config);
  const services = buildServices({
    config,
    log,
    db,
    infra,
    providers: opts.providers ?? built!.registry,
    defaultModels: opts.defaultModels ?? built?.defaultModels ?? ['offline:offline'],
    clock: opts.clock ?? systemClock,
    instanceId: randomUUID(),
    memory: new MemoryService(embedder, {
      recallBudgetMs: config.memoryRecallBudgetMs,
      cleanupIntervalMs: config.memoryCleanupIntervalMs,
    }),
  });
  // Every route, from one table. A malformed one (no known auth kind, a path that is not
  // canonical, no response) stops the start here, before anything runs.
  const table: readonly AnyRoute[] = routeTable(services);
  let router: Middleware;
  try {
    router = buildRouter(table, authenticators(services));
  } catch (err) {
    if (!opts.infra) await infra.close();
    if (!opts.db) await db.close();
    throw err;
  }
  const stops = await Promise.all([
    services.apiKeys.start(),
    services.tenants.start(),
    // role=api: jobs are only enqueued here and run in `parley worker` processes.
    config.role === 'api' ? async () => {} : startMemoryJobs(services),
    services.tools.start(),
    services.revocations.start(),
    services.tenantOrigins.start(),
    services.identitySecrets.start(),
    services.turns.listen(),
  ]);

  const koa = new Koa({ proxy: config.trustProxy });
  koa.silent = true; // errors are logged once, by errorMiddleware
  koa.use(requestIdMiddleware(log));
  koa.use(cors()); // outside errorMiddleware: error envelopes get CORS headers too
  koa.use(errorMiddleware());
  koa.use(securityHeaders(config));
  koa.use(jsonBody(config.bodyLimitBytes));
  koa.use(router);

  const servers = new Set<http.Server>();
  const wsServers = new Set<WsServer>();
  return {
    koa,
    services,
    routes: table,
    callback: () => koa.callback(),
    async listen(port = config.port, host = config.host) {
      const server = http.createServer(koa.callback());
      servers.add(server);
      refuseAtTheWire(server); // CONNECT and unparsable requests get the envelope too
      wsServers.add(attachWsServer(server, services)); // WebSocket at /v1/ws on the same port
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      return Object.assign(server, { url: `http://${shownHost}:${addr.port}` });
    },
    async close() {
      // Graceful: stop accepting, send WebSocket clients elsewhere, let answers finish
      // (or store them as incomplete at the deadline), then let go of everything.
      for (const s of servers) {
        s.close();
        s.closeIdleConnections();
      }
      for (const w of wsServers) w.drain();
      const drained = await services.turns.drain(config.drainTimeoutMs);
      if (drained.finished + drained.interrupted > 0) log.info(drained, 'drained running turns');
      // Upgraded sockets are invisible to closeAllConnections(): end them first.
      await Promise.all([...wsServers].map((w) => w.close()));
      await Promise.all(
        [...servers].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
      await Promise.all(stops.map((stop) => stop()));
      if (!opts.infra) await infra.close();
      if (!opts.db) await db.close();
    },
  };
}

const passThrough: Middleware = (_ctx, next) => next();

/** Each auth kind's enforcement, for the route table (http/routing/build-router.ts). */
function authenticators(services: AppServices): Authenticators {
  return {
    public: () => passThrough,
    'body-token': () => passThrough, // the handler verifies the credential in the body
    user: (route) => requireUser(services, { rateLimit: route.rateLimit !== 'handler' }),
    admin: () => requireAdmin(services),
    'secret-key': () => requireApiKey(services, ['secret']),
    'api-key': () => requireApiKey(services, ['publishable', 'secret']),
    account: () => requireAccountContext(services),
  };
}
