#!/usr/bin/env node
// The `parley` bin, committed so npm can link it at install time, when
// dist/ does not exist yet (npm skips bins whose file is missing).
import { existsSync } from 'node:fs';

const built = new URL('../dist/index.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write('parley: not built yet: run `npm run build` first\n');
  process.exitCode = 1;
}
