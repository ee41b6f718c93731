// esbuild settings shared by the package build and the bench bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export const common = {
  bundle: true,
  format: 'esm',
  // Without an explicit target esbuild emits Uint8Array.fromBase64 for inlined bytes (absent in Node 20).
  target: 'es2022',
  loader: { '.wasm': 'binary', '.csv': 'text', '.ppm': 'binary', '.pgm': 'binary', '.onnx': 'binary' },
  // The neutral platform has no default main fields; CommonJS dependencies (onnx-proto) resolve through `main`.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  absWorkingDir: root,
  define: { PROXKIT_VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
};
