/**
 * Where `init()` gets the module when the caller passes nothing. From the sources (the vitest specs)
 * that is the compiler's output, build/proxkit.wasm. Bundles replace this file (the plugin in
 * scripts/esbuild-options.mjs): the package build with `new URL('./proxkit.wasm', import.meta.url)`,
 * the wasm file shipped beside the bundled chunk, so that the bytes exist once in the package; the
 * bench and scripts with the bytes inlined.
 */
export function defaultWasm(): URL | Uint8Array<ArrayBuffer> {
  return new URL('../../build/proxkit.wasm', import.meta.url);
}
