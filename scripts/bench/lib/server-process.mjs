import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

let clockTicks = null;

/** Kernel clock ticks per second (utime/stime units in /proc/<pid>/stat). */
function ticksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resolution of the CPU counters, in ms. */
export const cpuTickMs = () => 1000 / ticksPerSecond();

/** User + system CPU time of a process in milliseconds, from /proc/<pid>/stat. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/** Resident set size (VmRSS) and its peak (VmHWM) in MiB, from /proc/<pid>/status. */
export function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** Read and write system calls so far (/proc/<pid>/io): socket writes per turn show coalescing. */
export function syscalls(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const n = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? NaN);
    return { reads: n('syscr'), writes: n('syscw') };
  } catch {
    return { reads: NaN, writes: NaN };
  }
}

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the built server (packages/server/dist/bin.js) as a child process
 * with its output in a log file, and waits for /healthz.
 */
export async function startServer({ root, env, logFile, cpuProfDir }) {
  const port = await freePort();
  const bin = path.join(root, 'packages/server/dist/bin.js');
  const args = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, bin] : [bin];
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (!ready && Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 100))]);
    if (early) {
      throw new Error(
        `server exited during start (${JSON.stringify(early)}); see ${logFile}:\n${tail(logFile)}`,
      );
    }
    ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`server not healthy within 90 s; see ${logFile}:\n${tail(logFile)}`);
  }
  return {
    url,
    pid: child.pid,
    get stopped() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    /** SIGTERM lets the server close cleanly (and write its CPU profile). */
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

export function newestProfile(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  files.sort();
  return files.length ? path.join(dir, files.at(-1)) : null;
}

/**
 * Starts a background-job worker (`parley worker`) beside a PARLEY_ROLE=api
 * server, so the server's CPU per turn is the streaming path alone.
 */
export async function startWorker({ root, env, logFile }) {
  const entry = path.join(root, 'packages/server/dist/index.js');
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(entry)}); await m.runWorkerCommand();`,
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, PARLEY_ROLE: 'worker' },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`worker exited during start; see ${logFile}:\n${tail(logFile)}`);
    if (readFileSync(logFile, 'utf8').includes('worker is processing')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
