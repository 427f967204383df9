import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    protocol: 'src/protocol/index.ts',
    testing: 'src/testing/index.ts',
    server: 'src/server/index.ts',
  },
  format: ['esm', 'cjs'],
  // Always emitted: the widget's ESM build type-checks against them.
  dts: true,
  clean: true,
  // No maps in the package: they would ship our sources (and any secret a test fixture held).
  sourcemap: false,
  target: 'es2022',
  treeshake: true,
});
