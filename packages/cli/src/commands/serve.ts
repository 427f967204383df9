import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { positiveInt } from './options.js';

export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description('start the Parley server (embedded PGlite unless DATABASE_URL is set)')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)', positiveInt(65535))
    .option('--host <host>', 'interface to bind (default: HOST or 127.0.0.1)')
    .action(async (flags: { port?: number; host?: string }) => {
      // Loaded only here, so admin commands start without the server's dependencies.
      const { runServerCommand } = await import('@parley/server');
      await runServerCommand({
        ...io.env,
        ...(flags.port ? { PORT: String(flags.port) } : {}),
        ...(flags.host ? { HOST: flags.host } : {}),
      });
    });
}
