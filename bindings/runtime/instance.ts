/** The one cached WebAssembly instance and its asynchronous, idempotent initialisation. */
import { instantiate as loaderInstantiate } from '@assemblyscript/loader';
import type { ProxKernels } from '../prox/kernels.js';
import type { LinalgKernels } from '../linalg/kernels.js';
import type { TuckerKernels } from '../tucker/kernels.js';
import type { CvarKernels } from '../cvar/kernels.js';
import type { OtKernels } from '../ot/kernels.js';
import type { BoundsKernels } from '../bounds/kernels.js';
import { WasmInitError } from './errors.js';
import { optionKeys, readOptions } from './validate.js';
import { defaultWasm } from './wasm-default.js';

/**
 * The module's linear memory (a `WebAssembly.Memory`), typed by what the bindings use so that the
 * published declarations need neither the DOM library nor @types/node.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The runtime's own exports: memory, the arena (assembly/memory.ts) and the generator (assembly/rng.ts). */
export interface CoreKernels {
  memory: WasmMemory;
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

/**
 * A fetch `Response` as far as `init` reads it. Declared structurally (a real `Response` fits) so
 * that the published types compile without the DOM library.
 */
export interface WasmResponse {
  /** True for a 2xx status; otherwise `init` fails with a WasmInitError naming the status. */
  readonly ok: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /** The address it was fetched from (for messages). */
  readonly url: string;
  /** The response headers. */
  readonly headers: {
    /** A header's value, or null when absent (proxkit reads `content-type`). */
    get(name: string): string | null;
  };
  /** The body as bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `URL` object, as far as `init` reads it. */
export interface WasmUrl {
  /** The absolute address. */
  readonly href: string;
}

/**
 * A compiled `WebAssembly.Module`. WebAssembly's own types come with the DOM library or @types/node;
 * this opaque stand-in accepts a module from either without requiring one.
 */
export interface WasmModule {
  /** 'WebAssembly.Module' for a real module. */
  readonly [Symbol.toStringTag]?: string;
}

/**
 * Where the module comes from when the caller serves `proxkit.wasm` itself: the compiled module,
 * its bytes, a `Response` (or a promise of one, e.g. `fetch(url)`), or a URL. A URL (a `URL` or a
 * string) is fetched, except `file:` URLs in Node, which are read from disk; in Node a string that is
 * not a URL is a file path.
 */
export type WasmSource =
  | WasmModule
  | ArrayBuffer
  | ArrayBufferView
  | WasmResponse
  | PromiseLike<WasmResponse>
  | WasmUrl
  | string;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The compiled module or its bytes, a `Response`, or a URL to fetch. Default: `proxkit.wasm`
   * beside the package's JavaScript (`new URL('./proxkit.wasm', import.meta.url)`), read from disk
   * in Node and fetched in a browser.
   */
  wasm?: WasmSource;
}

let kernels: ProxkitExports | null = null;
let pending: Promise<void> | null = null;

/**
 * Compiles and instantiates the WebAssembly module once. Later calls return the same promise, so
 * `await init()` is safe anywhere. Every other function is synchronous after it resolves. A failed
 * attempt (missing file, HTTP error, invalid bytes) rejects with a `WasmInitError` and may be retried.
 */
export function init(options: InitOptions = {}): Promise<void> {
  // A misspelt option (e.g. `wsam`) would silently load the default module: refused, as a rejection.
  try {
    readOptions('init', options, optionKeys<InitOptions>({ wasm: true }));
  } catch (e) {
    return Promise.reject(e);
  }
  if (kernels) return Promise.resolve();
  if (!pending) {
    pending = instantiate(options.wasm ?? locateDefault()).then(
      (exports) => {
        kernels = exports;
      },
      (cause: unknown) => {
        pending = null;
        if (cause instanceof WasmInitError) throw cause;
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new WasmInitError(`init: the WebAssembly module could not be instantiated (${why})`, { cause });
      },
    );
  }
  return pending;
}

/** The default source; a bundle without `import.meta.url` (an IIFE or CommonJS build) cannot locate the file. */
function locateDefault(): WasmSource {
  try {
    return defaultWasm();
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new WasmInitError(
      `init: cannot locate proxkit.wasm beside the module (${why}); pass init({ wasm }) with its URL, bytes or a compiled module`,
      { cause },
    );
  }
}

/** Instantiates one module from any accepted source (exported for the tests; `init` is the API). */
export async function instantiate(source: WasmSource): Promise<ProxkitExports> {
  let loadable: unknown = source;
  if (typeof source === 'string' || isUrlLike(source)) {
    loadable = await load(typeof source === 'string' ? source : source.href);
  } else {
    if (isThenable(source)) loadable = await source;
    if (isResponseLike(loadable)) loadable = await fromResponse(loadable);
  }
  // The loader decodes an AssemblyScript abort(message, file, line) into a readable JS error.
  const { exports } = await loaderInstantiate<Record<string, unknown>>(
    loadable as Parameters<typeof loaderInstantiate>[0],
    {},
  );
  return exports as unknown as ProxkitExports;
}

function isUrlLike(x: unknown): x is WasmUrl {
  return typeof x === 'object' && x !== null && typeof (x as { href?: unknown }).href === 'string';
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function isResponseLike(x: unknown): x is WasmResponse {
  return typeof x === 'object' && x !== null && typeof (x as { arrayBuffer?: unknown }).arrayBuffer === 'function' && 'status' in x;
}

/**
 * A Response the loader can stream (a real one served as application/wasm) is passed on; otherwise
 * its bytes, so that a server with a generic content type still works. HTTP errors are reported with the URL.
 */
async function fromResponse(response: WasmResponse): Promise<unknown> {
  if (!response.ok) {
    throw new WasmInitError(
      `init: could not fetch the WebAssembly module${response.url ? ` from ${response.url}` : ''} (HTTP ${response.status}); pass init({ wasm }) with the URL where proxkit.wasm is served`,
    );
  }
  const type = response.headers?.get('content-type') ?? '';
  const streamable = typeof Response !== 'undefined' && response instanceof Response && /^application\/wasm\b/i.test(type);
  return streamable ? response : response.arrayBuffer();
}

/** Node, Deno and Bun expose `process.versions.node`; browsers do not. */
function nodeProcess(): { versions?: { node?: string }; getBuiltinModule?(id: string): unknown } | undefined {
  const p = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?(id: string): unknown } }).process;
  return typeof p?.versions?.node === 'string' ? p : undefined;
}

/** Fetches a URL, or in Node reads a file: URL or a path from disk (Node's fetch refuses file: URLs). */
async function load(href: string): Promise<unknown> {
  const node = nodeProcess();
  let url: URL | undefined;
  try {
    // A Windows path (C:\…) parses as a URL with the scheme "c:"; it is a path.
    url = /^[a-z]:[\\/]/i.test(href) ? undefined : new URL(href);
  } catch {
    url = undefined;
  }
  if (node && (url === undefined || url.protocol === 'file:')) {
    const fs = await nodeFs(node);
    try {
      return await fs.readFile(url ?? href);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new WasmInitError(`init: could not read the WebAssembly module from ${href} (${why})`, { cause });
    }
  }
  let response: WasmResponse;
  try {
    response = await fetch(href);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new WasmInitError(`init: could not fetch the WebAssembly module from ${href} (${why})`, { cause });
  }
  return fromResponse(response);
}

type NodeFs = { readFile(path: string | URL): Promise<Uint8Array> };

/**
 * node:fs/promises without a static import, which would make the module unusable in a browser and
 * break browser bundles: `process.getBuiltinModule` (Node ≥ 20.16), else a dynamic import whose
 * specifier is computed at run time, so that bundlers neither resolve nor warn about it.
 */
async function nodeFs(node: NonNullable<ReturnType<typeof nodeProcess>>): Promise<NodeFs> {
  const builtin = node.getBuiltinModule?.('node:fs/promises');
  if (builtin) return builtin as NodeFs;
  const specifier = ['node:fs', 'promises'].join('/');
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeFs;
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
