import { run } from './run.js';

// The binary. Exit code via process.exitCode so `parley serve` keeps running.
process.exitCode = await run(process.argv.slice(2));
