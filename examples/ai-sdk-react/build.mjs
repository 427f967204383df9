// Builds app.jsx into dist/app.js for the browser: React, the AI SDK and
// @parley/sdk bundled locally (no CDN), in about a second.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function buildExample({ minify = true } = {}) {
  await build({
    entryPoints: [path.join(here, 'app.jsx')],
    outfile: path.join(here, 'dist/app.js'),
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return path.join(here, 'dist/app.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildExample();
