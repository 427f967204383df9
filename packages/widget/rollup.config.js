// Placeholder until the widget lands.
export default { input: 'src/index.ts', output: { file: 'dist/widget.esm.js', format: 'es' }, plugins: [] };
