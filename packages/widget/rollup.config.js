import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { sizeBudget } from './build/size-budget.js';

// Both builds read @parley/sdk from its TypeScript source (the `parley-source`
// export condition, as vitest and tsc do), so they never mix in a stale dist.
const resolve = () =>
  nodeResolve({ browser: true, exportConditions: ['parley-source', 'browser', 'import'] });
const ts = (overrides = {}) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    include: ['src/**/*.ts', 'src/**/*.tsx', '../sdk/src/**/*.ts'],
    noEmitOnError: true,
    ...overrides,
  });

export default [
  // dist/widget.js: one self-contained IIFE for the <script> tag (preact and the SDK inside).
  {
    input: 'src/boot.ts',
    // The SDK loads its WebSocket transport lazily; one <script> keeps it inline.
    output: {
      file: 'dist/widget.js',
      format: 'iife',
      sourcemap: false,
      inlineDynamicImports: true,
    },
    plugins: [
      resolve(),
      ts({ sourceMap: false }),
      terser({ compress: { passes: 2 }, format: { comments: false } }),
      sizeBudget({ file: 'widget.js', maxGzipBytes: 25 * 1024 }),
    ],
  },
  // dist/widget.esm.js: for bundlers, which bring their own preact and SDK.
  {
    input: 'src/index.ts',
    output: { file: 'dist/widget.esm.js', format: 'es', sourcemap: true },
    external: (id) => id === 'preact' || id.startsWith('preact/') || id.startsWith('@parley/sdk'),
    plugins: [
      resolve(),
      // Declarations see @parley/sdk as users will: its published types (built first).
      ts({ declaration: true, declarationDir: 'dist/types', customConditions: [] }),
    ],
  },
];
