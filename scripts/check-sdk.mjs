// The @parley/sdk package as users install it: publint and "are the types
// wrong" clean, each entry within its gzip budget, `npm pack` holding
// exactly the built files, and TSDoc on every public symbol. Run by
// `npm test` (after the build) and so in CI.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = path.join(root, 'packages/sdk');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const problems = [];

/**
 * Minified + gzip bytes of what a page loads up front, bundled as a user's
 * bundler would (esbuild, code splitting on): parts loaded on first use
 * (the WebSocket transport) are reported beside it, not counted.
 */
const BUDGETS = {
  '.': { file: 'dist/index.js', maxGzip: 6 * 1024 },
  './protocol': { file: 'dist/protocol.js', maxGzip: 1024 },
  './testing': { file: 'dist/testing.js', maxGzip: 8 * 1024 },
  './server': { file: 'dist/server.js', maxGzip: 2 * 1024 },
};

if (!existsSync(path.join(pkgDir, 'dist/index.js'))) {
  console.error('packages/sdk/dist is missing: run `npm run build -w @parley/sdk` first');
  process.exit(1);
}

// 1. publint: exports map, files, module formats.
const lint = await publint({ pkgDir, level: 'suggestion', strict: true });
for (const m of lint.messages) problems.push(`publint ${m.type}: ${formatMessage(m, pkg)}`);

// 2. Are the types wrong: every entry resolves to the right types under node10/node16/bundler.
try {
  execFileSync(path.join(root, 'node_modules/.bin/attw'), ['--pack', pkgDir, '--format', 'ascii'], {
    cwd: root,
    stdio: 'pipe',
  });
} catch (err) {
  problems.push(`attw:\n${err.stdout?.toString() ?? err}`);
}

// 3. Size budgets.
const sizes = [];
for (const [entry, { file, maxGzip }] of Object.entries(BUDGETS)) {
  if (!pkg.exports[entry])
    problems.push(`budget names ${entry}, which package.json does not export`);
  const out = await build({
    entryPoints: [path.join(pkgDir, file)],
    bundle: true,
    minify: true,
    write: false,
    splitting: true,
    outdir: '/size-check',
    metafile: true,
    format: 'esm',
    platform: entry === './server' ? 'node' : 'browser',
    external: ['ws', 'node:*'],
    logLevel: 'silent',
  });
  // The entry and every chunk it imports statically load up front; the rest on first use.
  const meta = out.metafile.outputs;
  const upfront = new Set();
  const visit = (name) => {
    if (upfront.has(name)) return;
    upfront.add(name);
    for (const i of meta[name].imports)
      if (i.kind === 'import-statement' && meta[i.path]) visit(i.path);
  };
  visit(Object.keys(meta).find((name) => meta[name].entryPoint !== undefined));
  let gzip = 0;
  let lazy = 0;
  let minified = 0;
  for (const f of out.outputFiles) {
    const name = path.relative(process.cwd(), f.path);
    const size = gzipSync(f.contents, { level: 9 }).length;
    if (upfront.has(name)) {
      gzip += size;
      minified += f.contents.length;
    } else lazy += size;
  }
  sizes.push({ entry, minified, gzip, budget: maxGzip, lazy });
  if (gzip > maxGzip) problems.push(`${entry}: ${gzip} B gzip, over its budget of ${maxGzip} B`);
}
for (const entry of Object.keys(pkg.exports)) {
  if (entry !== './package.json' && !BUDGETS[entry]) problems.push(`${entry} has no size budget`);
}

// 4. npm pack: built code and types only — no sources, tests, maps or stray files.
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
);
const files = packed.files.map((f) => f.path).sort();
const allowed = /^(package\.json|README\.md|LICENSE|dist\/[\w-]+\.(js|cjs|d\.ts|d\.cts))$/;
for (const f of files) if (!allowed.test(f)) problems.push(`npm pack would ship ${f}`);
const targets = JSON.stringify(pkg.exports).match(/\.\/dist\/[^"]+/g) ?? [];
for (const t of targets) {
  if (!files.includes(t.slice(2))) problems.push(`npm pack lacks ${t}, named in exports`);
}
if (!files.includes('README.md')) problems.push('npm pack lacks README.md');

// 5. TSDoc on every public symbol: typedoc's validation, warnings as errors (typedoc.json).
try {
  execFileSync(path.join(root, 'node_modules/.bin/typedoc'), ['--emit', 'none'], {
    cwd: pkgDir,
    stdio: 'pipe',
  });
} catch (err) {
  problems.push(`typedoc (undocumented or unexported public symbols):\n${err.stdout ?? err}`);
}

console.log('@parley/sdk entry sizes (bundled, minified):');
for (const s of sizes) {
  console.log(
    `  ${s.entry.padEnd(11)} ${s.gzip} B = ${(s.gzip / 1024).toFixed(2)} KiB gzip (budget ${(s.budget / 1024).toFixed(0)} KiB), ${(s.minified / 1024).toFixed(1)} KiB min` +
      (s.lazy ? `; + ${(s.lazy / 1024).toFixed(2)} KiB gzip loaded on first use` : ''),
  );
}
console.log(`npm pack: ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB`);
if (problems.length) {
  console.error(`\ncheck:sdk found ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('check:sdk: publint, attw, size budgets, pack contents and TSDoc are clean');
