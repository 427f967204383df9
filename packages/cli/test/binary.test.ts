import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyDir } from './helpers/run-cli.js';

const bin = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** The built `parley` binary (npm test builds first; skipped on a tree that was never built). */
describe.runIf(existsSync(bin))('the built parley binary', () => {
  const parley = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: emptyDir(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 20_000,
    });

  it('prints help listing every command', () => {
    const res = parley('--help');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Usage: parley /);
    for (const cmd of ['serve', 'migrate', 'tenants', 'keys', 'chat']) {
      expect(res.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
  });

  it('exits non-zero with one clear line for a mistyped command', () => {
    const res = parley('keys', 'revok');
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      "parley: unknown command 'revok' (Did you mean revoke?) (see --help)\n",
    );
  });

  it('exits 2 with no admin token for a remote server', () => {
    const res = parley('tenants', 'list', '--url', 'https://parley.example.com');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^parley: no admin token/);
  });
});
