/** Bundles app.jsx into dist/app.js; resolves to that file's path. */
export function buildExample(options?: { minify?: boolean }): Promise<string>;
