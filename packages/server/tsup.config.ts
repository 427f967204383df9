import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  // Type declarations are for publishing; `npm start` skips them to start sooner.
  dts: process.env.PARLEY_SKIP_DTS === '1' ? false : { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Migrations live at the repo root; bundling them lets the server and CLI
  // carry them without reading a directory at run time.
  noExternal: [],
});
