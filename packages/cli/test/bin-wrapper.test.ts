import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyDir } from './helpers/run-cli.js';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(cliDir, '../..');
const wrapper = path.join(cliDir, 'bin/parley.js');

/**
 * `npx parley` is the README's first production command: npm links a bin at
 * install time only if its file exists then, so the bin is a committed
 * wrapper, never a build output.
 */
describe('the parley bin', () => {
  it('is a committed file, not a build output', () => {
    const pkg = JSON.parse(readFileSync(path.join(cliDir, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ parley: './bin/parley.js' });
    expect(pkg.files).toContain('bin');
    expect(readFileSync(wrapper, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('is linked into the root node_modules/.bin by npm install', () => {
    const link = path.join(repoRoot, 'node_modules/.bin/parley');
    expect(existsSync(link)).toBe(true);
    expect(realpathSync(link)).toBe(realpathSync(wrapper));
  });

  it('says to build first, with exit code 1, when dist is missing', () => {
    const dir = emptyDir();
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(wrapper, path.join(dir, 'bin/parley.js'));
    const res = spawnSync(process.execPath, [path.join(dir, 'bin/parley.js'), '--help'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('parley: not built yet: run `npm run build` first\n');
  });

  // npm test builds first; a tree that was never built has nothing to run.
  it.runIf(existsSync(path.join(cliDir, 'dist/index.js')))(
    'runs the built CLI: `npx parley --help` from the repository root',
    () => {
      const res = spawnSync('npx', ['--no-install', 'parley', '--help'], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/^Usage: parley /);
    },
  );
});
