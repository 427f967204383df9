#!/usr/bin/env node
/**
 * Stress proof for determinism: runs the test suite N times while busy-loop
 * processes keep every core loaded, so a test that races wall-clock time
 * shows up here instead of on someone's fresh clone.
 *
 *   npm run test:stress                           # build once, then 5 × `vitest run`
 *   npm run test:stress -- --runs 1 packages/server/test/failover.test.ts
 *   npm run test:stress -- --runs 3 --hogs 2 --no-build -- -t "circuit breaker"
 *
 * Options: --runs N (default 5), --hogs N (default: one per core), --no-build.
 * Everything else is passed to `vitest run` (a file filter, -t, …).
 * Prints each run's result and wall time and a summary; exits 1 if any run failed.
 * The hogs are killed at the end whatever happens (failure, Ctrl-C).
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function parseArgs(argv) {
  const opts = { runs: 5, hogs: os.availableParallelism(), build: true, vitest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs' || a === '--hogs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < (a === '--runs' ? 1 : 0)) {
        throw new Error(`${a} needs a whole number, got ${argv[i]}`);
      }
      opts[a.slice(2)] = n;
    } else if (a === '--no-build') opts.build = false;
    else if (a === '--') (opts.vitest.push(...argv.slice(i + 1)), (i = argv.length));
    else opts.vitest.push(a);
  }
  return opts;
}

/** A child that spins one core until killed (nice 0: it competes with the tests as an equal). */
function startHog() {
  const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  hog.on('error', () => {});
  return hog;
}

function runVitest(args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...args], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.build) {
    console.log('[stress] building once');
    const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const hogs = Array.from({ length: opts.hogs }, startHog);
  const killHogs = () => {
    for (const h of hogs) if (h.exitCode === null) h.kill('SIGKILL');
  };
  process.on('exit', killHogs);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      killHogs();
      process.exit(130);
    });
  }
  console.log(`[stress] ${opts.runs} run(s) of vitest with ${opts.hogs} busy core(s)`);
  const results = [];
  try {
    for (let i = 1; i <= opts.runs; i++) {
      const started = Date.now(); // reporting only: no test depends on it
      const code = await runVitest(opts.vitest);
      const ms = Date.now() - started;
      results.push({ ok: code === 0, ms });
      console.log(
        `[stress] run ${i}/${opts.runs}: ${code === 0 ? 'PASS' : 'FAIL'} in ${seconds(ms)}`,
      );
    }
  } finally {
    killHogs();
  }
  const failed = results.filter((r) => !r.ok).length;
  const total = results.reduce((s, r) => s + r.ms, 0);
  console.log(
    `[stress] summary: ${results.length - failed}/${results.length} passed, ` +
      `${failed} failed, total ${seconds(total)}, slowest ${seconds(Math.max(...results.map((r) => r.ms)))}`,
  );
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`[stress] ${err.message}`);
  process.exit(2);
});
