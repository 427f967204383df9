import { ConfigError, loadConfig } from './config/env.js';
import { createApp } from './create-app.js';

/**
 * `parley worker`: runs background jobs (memory extraction, embeddings,
 * cleanup) from Redis without serving HTTP, beside `PARLEY_ROLE=api` servers.
 */
export async function runWorkerCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const config = loadConfig({ ...env, PARLEY_ROLE: 'worker' });
    const started = performance.now();
    const app = await createApp(config, { migrate: false });
    process.stdout.write(
      `Parley worker is processing jobs from Redis (started in ${Math.round(performance.now() - started)} ms)\n`,
    );
    let stopping = false;
    const stop = async (): Promise<void> => {
      if (stopping) process.exit(1);
      stopping = true;
      await app.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
}
