import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { chatCommand } from './commands/chat.js';
import { migrateCommand } from './commands/migrate.js';
import { keysCommand } from './commands/keys.js';
import { serveCommand } from './commands/serve.js';
import { tenantsCommand } from './commands/tenants.js';
import { workerCommand } from './commands/worker.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('parley')
    .description('Run and administer a Parley server.')
    .version(pkg.version, '-v, --version')
    .option('--url <url>', 'server URL (env PARLEY_URL, default http://localhost:3000)')
    .option(
      '--admin-token <token>',
      'admin token (env PARLEY_ADMIN_TOKEN, else ./.parley/admin-token)',
    )
    .option('--json', 'print machine-readable JSON')
    .addCommand(serveCommand(io))
    .addCommand(workerCommand(io))
    .addCommand(migrateCommand(io))
    .addCommand(tenantsCommand(io))
    .addCommand(keysCommand(io))
    .addCommand(chatCommand(io));
  configureTree(program, io);
  return program;
}

/** Commands added with addCommand inherit nothing, so every level gets the same I/O and no process.exit. */
function configureTree(cmd: Command, io: CliIo): void {
  cmd
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {}, // run() prints the one error line itself
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .showSuggestionAfterError(true);
  for (const sub of cmd.commands) configureTree(sub, io);
}

/**
 * Runs `parley <argv>` and returns the exit code: 0 ok, 1 usage or API error,
 * 2 configuration, 3 connection. Never calls process.exit (tests call this).
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Help and version were printed already; `parley` alone prints help and fails.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code !== 'commander.help') {
      io.stderr.write(`parley: ${oneLine(err.message.replace(/^error: /, ''))} (see --help)\n`);
    }
    return err.exitCode || 1;
  }
  if (err instanceof CliError) {
    io.stderr.write(`parley: ${oneLine(err.message)}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(`parley: ${oneLine(e.message)}\n`);
  if (io.env.PARLEY_DEBUG) io.stderr.write(`${e.stack}\n`);
  return 1;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
