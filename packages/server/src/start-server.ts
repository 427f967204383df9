import path from 'node:path';
import type { ServerConfig } from './config/env.js';
import { loadConfig } from './config/env.js';
import type { ParleyApp } from './create-app.js';
import { createApp } from './create-app.js';
import { ensureDemoTenant } from './embedded/demo-tenant.js';
import { localSecret } from './embedded/local-secrets.js';

export interface StartedServer {
  app: ParleyApp;
  url: string;
  config: ServerConfig;
  /** Milliseconds from call to listening. */
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * What `npm start` / `parley serve` run. On the embedded default (no
 * DATABASE_URL) secrets are generated locally and a demo tenant is created.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<StartedServer> {
  const started = performance.now();
  let config = loadConfig(env);
  const embedded = config.databaseUrl === null;
  if (embedded) {
    const stateDir = path.dirname(config.dataDir);
    config = {
      ...config,
      jwtSecret: config.jwtSecret || localSecret(stateDir, 'jwt-secret'),
      adminToken: config.adminToken ?? localSecret(stateDir, 'admin-token'),
    };
  }
  const app = await createApp(config);
  const server = await app.listen();
  const url = config.publicUrl ?? server.url.replace('127.0.0.1', 'localhost');
  if (embedded) {
    const port = new URL(server.url).port;
    const origins = [
      ...new Set([new URL(url).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`]),
    ];
    app.services.demo = await ensureDemoTenant(
      app.services.knex,
      path.dirname(config.dataDir),
      origins,
    );
  }
  return {
    app,
    url,
    config,
    startupMs: performance.now() - started,
    stop: () => app.close(),
  };
}
