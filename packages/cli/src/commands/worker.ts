import { Command } from 'commander';
import type { CliIo } from '../io.js';

export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description(
      'run background jobs (memory extraction, embeddings, cleanup) from Redis; pair with PARLEY_ROLE=api servers',
    )
    .action(async () => {
      const { runWorkerCommand } = await import('@parley/server');
      await runWorkerCommand({ ...io.env });
    });
}
