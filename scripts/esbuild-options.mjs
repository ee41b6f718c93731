// esbuild settings shared by the package build and the bench bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

/**
 * Replaces bindings/runtime/wasm-default.ts (where `init()` finds the module by default) in a bundle.
 * 'beside': the URL of proxkit.wasm next to the bundled file, for the package, which ships the wasm
 * once as dist/proxkit.wasm (every chunk sits in dist/, so `import.meta.url` of whichever chunk holds
 * the runtime points there). 'inline': the bytes inlined (the binary loader), for the bench and the
 * scripts, whose bundles run from anywhere.
 */
export function wasmDefault(mode) {
  const contents = {
    beside: "export function defaultWasm() { return new URL('./proxkit.wasm', import.meta.url); }",
    inline: `import bytes from ${JSON.stringify(join(root, 'build/proxkit.wasm'))}; export function defaultWasm() { return bytes; }`,
  }[mode];
  if (contents === undefined) throw new Error(`wasmDefault: unknown mode ${mode}`);
  return {
    name: `wasm-default-${mode}`,
    setup(build) {
      build.onLoad({ filter: /[\\/]bindings[\\/]runtime[\\/]wasm-default\.ts$/ }, () => ({ contents, loader: 'js', resolveDir: root }));
    },
  };
}

export const common = {
  bundle: true,
  format: 'esm',
  // Without an explicit target esbuild emits Uint8Array.fromBase64 for inlined bytes (absent in Node 20).
  target: 'es2022',
  loader: { '.wasm': 'binary', '.csv': 'text', '.txt': 'text', '.ppm': 'binary', '.pgm': 'binary', '.onnx': 'binary' },
  // The neutral platform has no default main fields; CommonJS dependencies (onnx-proto) resolve through `main`.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  absWorkingDir: root,
  plugins: [wasmDefault('inline')],
  define: { PROXKIT_VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
};
