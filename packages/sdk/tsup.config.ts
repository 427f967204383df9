import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    protocol: 'src/protocol/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  // Type declarations are for publishing; `npm start` skips them to start sooner.
  dts: process.env.PARLEY_SKIP_DTS !== '1',
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
});
