import { loadConfig } from './config/env.js';
import { runInForeground } from './foreground.js';
import { createApp } from './create-app.js';

/**
 * `parley worker`: runs background jobs (memory extraction, embeddings,
 * cleanup) from Redis without serving HTTP, beside `PARLEY_ROLE=api` servers.
 */
export async function runWorkerCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runInForeground(async () => {
    const config = loadConfig({ ...env, PARLEY_ROLE: 'worker' });
    const started = performance.now();
    const app = await createApp(config, { migrate: false });
    process.stdout.write(
      `Parley worker is processing jobs from Redis (started in ${Math.round(performance.now() - started)} ms)\n`,
    );
    return { stop: () => app.close() };
  });
}
