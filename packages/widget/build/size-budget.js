import { gzipSync } from 'node:zlib';

/**
 * Prints the gzip size of each emitted file and fails the build when `file`
 * is over budget: bundle size is a feature of a script every page loads.
 */
export function sizeBudget({ file, maxGzipBytes }) {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const raw = Buffer.byteLength(chunk.code);
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
        const budget = chunk.fileName === file ? ` (budget ${kib(maxGzipBytes)})` : '';
        console.log(`${chunk.fileName}: ${kib(raw)} raw, ${kib(gzip)} gzip${budget}`);
        if (chunk.fileName === file && gzip > maxGzipBytes) {
          this.error(`${file} is ${kib(gzip)} gzip, over its ${kib(maxGzipBytes)} budget`);
        }
      }
    },
  };
}
