import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';
import type { CliIo } from '../../src/io.js';
import { run } from '../../src/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Defaults to a fresh empty directory, so no ./.parley of the repo leaks in. */
  cwd?: string;
  /** Lines typed at the prompt (for `parley chat`). */
  stdin?: string;
}

/** Runs the CLI in process, exactly as the binary would, with captured output. */
export async function runCli(argv: string[], opts: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    env: opts.env ?? {},
    cwd: opts.cwd ?? emptyDir(),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const made: string[] = [];
// Registered on the importing test file: its temporary directories go when it ends.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function emptyDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-cli-'));
  made.push(dir);
  return dir;
}
