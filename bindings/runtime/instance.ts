/** The one cached WebAssembly instance and its asynchronous, idempotent initialisation. */
import { instantiate as loaderInstantiate } from '@assemblyscript/loader';
import embeddedWasm from '../../build/proxkit.wasm';
import type { ProxKernels } from '../prox/kernels.js';
import type { LinalgKernels } from '../linalg/kernels.js';
import type { TuckerKernels } from '../tucker/kernels.js';
import type { CvarKernels } from '../cvar/kernels.js';
import type { OtKernels } from '../ot/kernels.js';
import type { BoundsKernels } from '../bounds/kernels.js';
import { WasmInitError } from './errors.js';

/** The runtime's own exports: memory, the arena (assembly/memory.ts) and the generator (assembly/rng.ts). */
export interface CoreKernels {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  allocatedBytes(): number;
  arenaTop(): number;
  rngSeed(state: number, seed: bigint): void;
  rngNext(state: number): bigint;
  rngUniform(state: number, out: number, n: number): void;
  rngNormal(state: number, out: number, n: number): void;
}

/**
 * The raw kernel exports: plain functions over byte offsets into `memory`. Each family declares its
 * own in bindings/<family>/kernels.ts and adds one term here.
 */
export type ProxkitExports = CoreKernels & ProxKernels & LinalgKernels & TuckerKernels & CvarKernels & OtKernels & BoundsKernels;

/** Where the module comes from when the caller serves `proxkit.wasm` itself. */
export type WasmSource =
  | WebAssembly.Module
  | BufferSource
  | Response
  | PromiseLike<Response>
  | URL
  | string;

export interface InitOptions {
  /** The compiled module or its bytes, a `Response`, or a URL to fetch. Default: the bytes inlined in this bundle. */
  wasm?: WasmSource;
}

let kernels: ProxkitExports | null = null;
let pending: Promise<void> | null = null;

/**
 * Compiles and instantiates the WebAssembly module once. Later calls return the same promise, so
 * `await init()` is safe anywhere. Every other function is synchronous after it resolves.
 */
export function init(options: InitOptions = {}): Promise<void> {
  if (kernels) return Promise.resolve();
  if (!pending) {
    pending = instantiate(options.wasm ?? embeddedWasm).then(
      (exports) => {
        kernels = exports;
      },
      (cause: unknown) => {
        pending = null;
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new WasmInitError(`init: the WebAssembly module could not be instantiated (${why})`, { cause });
      },
    );
  }
  return pending;
}

/** Instantiates one module from any accepted source (exported for the tests; `init` is the API). */
export async function instantiate(source: WasmSource): Promise<ProxkitExports> {
  const resolved = typeof source === 'string' || source instanceof URL ? fetch(source) : source;
  // The loader decodes an AssemblyScript abort(message, file, line) into a readable JS error.
  const { exports } = await loaderInstantiate<Record<string, unknown>>(
    resolved as Parameters<typeof loaderInstantiate>[0],
    {},
  );
  return exports as unknown as ProxkitExports;
}

/** True once `init()` has resolved. */
export function isReady(): boolean {
  return kernels !== null;
}

/** The instance, or a WasmInitError naming the caller when `init()` has not completed. */
export function wasm(fn = 'proxkit'): ProxkitExports {
  if (kernels === null) throw new WasmInitError(`${fn}: proxkit is not initialised; await init() first`);
  return kernels;
}
