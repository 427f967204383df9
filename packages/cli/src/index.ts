import { runServerCommand } from '@parley/server';

// Placeholder entry until the full CLI lands: `parley serve`.
const [command] = process.argv.slice(2);
if (command === 'serve' || command === undefined) {
  await runServerCommand();
} else {
  process.stderr.write(`parley: unknown command "${command}"\n`);
  process.exit(1);
}
