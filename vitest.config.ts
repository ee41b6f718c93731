import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The specs import bindings/ from source; these loaders mirror esbuild's binary and text loaders.
  plugins: [
    {
      name: 'proxkit-assets',
      enforce: 'pre',
      load(id) {
        const file = id.split('?')[0]!;
        if (file.endsWith('.wasm')) {
          return `export default Uint8Array.from(atob(${JSON.stringify(readFileSync(file).toString('base64'))}), (c) => c.charCodeAt(0));`;
        }
        if (file.endsWith('.csv') || file.endsWith('.txt')) return `export default ${JSON.stringify(readFileSync(file, 'utf8'))};`;
        if (file.endsWith('.ppm')) return `export default Uint8Array.from(atob(${JSON.stringify(readFileSync(file).toString('base64'))}), (c) => c.charCodeAt(0));`;
        if (file.endsWith('.pgm') || file.endsWith('.onnx')) return `export default Uint8Array.from(atob(${JSON.stringify(readFileSync(file).toString('base64'))}), (c) => c.charCodeAt(0));`;
        return undefined;
      },
    },
  ],
  define: { PROXKIT_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
