import path from 'node:path';
import { runInForeground } from './foreground.js';
import { startServer } from './start-server.js';

/** Foreground server with a friendly banner and graceful shutdown on signals. */
export async function runServerCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runInForeground(async () => {
    const s = await startServer(env);
    const embedded = s.config.databaseUrl === null;
    const lines = [
      '',
      `  Parley is ready at ${s.url}  (started in ${Math.round(s.startupMs)} ms)`,
      embedded ? `  Demo page:        ${s.url}/` : null,
      `  Database:         ${embedded ? `embedded PGlite in ${s.config.dataDir}` : 'PostgreSQL'}`,
      `  Queue / limits:   ${s.config.redisUrl ? 'Redis' : 'in-process'}`,
      `  Model:            ${s.app.services.defaultModels.join(' → ')}${s.app.services.defaultModels[0]?.startsWith('offline') ? '  (offline: set OPENAI_API_KEY for real answers)' : ''}`,
      embedded
        ? `  Admin token:      in ${path.join(path.dirname(s.config.dataDir), 'admin-token')}`
        : null,
      embedded ? `  Demo key:         ${s.app.services.demo?.publishableKey}` : null,
      '',
      // The README's curl steps and the parley CLI read PARLEY_URL: one line to paste.
      `  In another shell:  export PARLEY_URL=${s.url}`,
      '',
    ].filter((l) => l !== null);
    process.stdout.write(lines.join('\n') + '\n');
    return s;
  });
}
