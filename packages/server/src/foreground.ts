import { ConfigError } from './config/env.js';

/**
 * Runs a long-lived process (server or worker): a bad configuration prints
 * its problems and exits 2; SIGINT/SIGTERM stop it cleanly, a second signal
 * exits at once.
 */
export async function runInForeground(
  start: () => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
  try {
    const running = await start();
    let stopping = false;
    const stop = async (): Promise<void> => {
      if (stopping) process.exit(1);
      stopping = true;
      await running.stop();
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
