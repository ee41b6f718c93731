/**
 * WASM memory, owned by the bindings. Kernels borrow byte offsets; every allocation made for one
 * call belongs to a `Scope` released in `finally`, so an exception never leaks. Views over
 * `memory.buffer` are taken after the last allocation of a call (a `memory.grow` detaches them).
 */
import { MemoryError, NonFiniteError, ParameterError, ShapeError, parameterError } from './errors.js';
import { wasm, type ProxkitExports } from './instance.js';
import { nonNegativeInteger } from './validate.js';

const F64 = 8;

/** The WebAssembly memory cap: maximumMemory = 32768 pages of 64 KiB in asconfig.json (2 GiB). */
const MEMORY_CAP_BYTES = 2 ** 31;

/**
 * Most doubles one array can hold within the memory cap (2^28). A larger size can never run, so
 * the families reject it up front rather than failing inside an allocation.
 */
export const MAX_F64_LENGTH = MEMORY_CAP_BYTES / 8;

function capReached(fn: string, bytes: number): MemoryError {
  const mib = (bytes / 2 ** 20).toFixed(1);
  return new MemoryError(`${fn}: cannot allocate ${mib} MiB of WebAssembly memory (the 2 GiB cap is reached)`);
}

function allocOrThrow(x: ProxkitExports, fn: string, bytes: number): number {
  // alloc takes a u32: a larger request would wrap modulo 2^32 to a small block that the caller then
  // overruns, so anything beyond the cap is refused here, before it reaches WASM.
  const ptr = bytes <= MEMORY_CAP_BYTES ? x.alloc(bytes) : 0;
  if (ptr === 0) throw capReached(fn, bytes);
  return ptr;
}

/**
 * Refuses up front a call whose buffers, sized by an option rather than by the data (projections,
 * rank), could never fit in WASM memory, before any JS array of that size is attempted.
 */
export function checkCapacity(fn: string, doubles: number): void {
  if (!(doubles * 8 <= MEMORY_CAP_BYTES)) throw capReached(fn, doubles * 8);
}

/** A fresh Float64Array over `n` doubles at byte offset `ptr`; valid until the next allocation. */
export function f64View(x: ProxkitExports, ptr: number, n: number): Float64Array {
  return new Float64Array(x.memory.buffer, ptr, n);
}

/** Allocations that live for one call. */
export class Scope {
  readonly x: ProxkitExports;
  readonly fn: string;
  private readonly ptrs: number[] = [];
  constructor(fn: string) {
    this.x = wasm(fn);
    this.fn = fn;
  }
  /** Room for `n` doubles (uninitialised). */
  f64(n: number): number {
    return this.bytes(n * F64);
  }
  /** Room for `n` bytes (uninitialised, 16-byte aligned), e.g. 4·k for k i32 indices. */
  bytes(n: number): number {
    const ptr = allocOrThrow(this.x, this.fn, n);
    this.ptrs.push(ptr);
    return ptr;
  }
  release(): void {
    for (let i = this.ptrs.length - 1; i >= 0; i--) this.x.free(this.ptrs[i]!);
    this.ptrs.length = 0;
  }
}

/** Runs `body` with a scope whose allocations are freed however `body` ends. */
export function withScope<T>(fn: string, body: (s: Scope) => T): T {
  const s = new Scope(fn);
  try {
    return body(s);
  } finally {
    s.release();
  }
}

/**
 * A vector of doubles that lives in WASM memory: the zero-copy path. Pass it where a function takes
 * a vector or an `out`, and no copy is made in or out. Read or write it through `view()`, which is
 * rebuilt on every call: a view taken before a later allocation may be detached by `memory.grow`.
 * Call `free()` when done (freeing twice is harmless).
 */
export class F64Buffer {
  /** Number of doubles. */
  readonly length: number;
  private address: number;
  constructor(length: number, address: number) {
    this.length = length;
    this.address = address;
  }
  /** Byte offset in WASM memory; throws once freed. */
  get ptr(): number {
    if (this.address === 0) throw new MemoryError('F64Buffer: used after free()');
    return this.address;
  }
  /** True once `free()` has been called. */
  get freed(): boolean {
    return this.address === 0;
  }
  /** A fresh Float64Array over the buffer (no copy). Do not keep it across calls that allocate. */
  view(): Float64Array {
    return f64View(wasm('F64Buffer.view'), this.ptr, this.length);
  }
  /** Copies `data` into the buffer starting at `offset`. */
  set(data: ArrayLike<number>, offset = 0): this {
    const n = vectorLength('F64Buffer.set', 'data', data);
    nonNegativeInteger('F64Buffer.set', 'offset', offset);
    if (offset + n > this.length) {
      throw new ShapeError(`F64Buffer.set: data must fit in length ${this.length} at offset ${offset} (got length ${data.length})`);
    }
    this.view().set(data instanceof F64Buffer ? data.view() : data, offset);
    return this;
  }
  /** A copy of the contents as a plain Float64Array that stays valid forever. */
  toArray(): Float64Array {
    return this.view().slice();
  }
  /** Returns the memory to the allocator; later use of the buffer throws a MemoryError. Freeing twice is harmless. */
  free(): void {
    if (this.address !== 0) {
      wasm('F64Buffer.free').free(this.address);
      this.address = 0;
    }
  }
}

/**
 * Allocates a workspace vector of `length` doubles in WASM memory, zero-filled, or filled with a copy
 * of `data`.
 */
export function allocF64(lengthOrData: number | ArrayLike<number>): F64Buffer {
  const fn = 'allocF64';
  const x = wasm(fn);
  const n = typeof lengthOrData === 'number' ? nonNegativeInteger(fn, 'length', lengthOrData) : vectorLength(fn, 'data', lengthOrData);
  const buf = new F64Buffer(n, allocOrThrow(x, fn, n * F64));
  const view = buf.view();
  if (typeof lengthOrData === 'number') view.fill(0);
  else view.set(lengthOrData instanceof F64Buffer ? lengthOrData.view() : lengthOrData);
  return buf;
}

/** Memory accounting, for leak checks and capacity planning. */
export interface MemoryStats {
  /** Bytes held by live allocations (headers included); 0 when nothing is allocated. */
  allocatedBytes: number;
  /** High-water mark of the arena (byte offset). */
  arenaTop: number;
  /** Size of WASM linear memory in bytes. */
  memoryBytes: number;
}

/** Bytes held by live WASM allocations, the arena's high-water mark and the size of linear memory, now. */
export function memoryStats(): MemoryStats {
  const x = wasm('memoryStats');
  return { allocatedBytes: x.allocatedBytes(), arenaTop: x.arenaTop(), memoryBytes: x.memory.buffer.byteLength };
}

/** A vector argument: plain arrays and typed arrays are copied in; an F64Buffer is used in place. */
export type VectorInput = Float64Array | ArrayLike<number> | F64Buffer;

/** Where an input vector sits for the duration of a call. */
export interface Placed {
  ptr: number;
  n: number;
}

/** A plain array or a typed array of numbers (not a string, a DataView or a BigInt array). */
export function isNumericArray(v: unknown): v is ArrayLike<unknown> {
  return (
    Array.isArray(v) ||
    (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array))
  );
}

/** Validates a vector argument and returns its length. */
export function vectorLength(fn: string, name: string, v: unknown): number {
  if (v instanceof F64Buffer) {
    if (v.freed) throw new ParameterError(`${fn}: ${name} must be a live F64Buffer (got one already freed)`);
    return v.length;
  }
  if (Array.isArray(v)) {
    // A typed array holds numbers by construction; a plain array would otherwise coerce null, true,
    // '2' silently and throw a TypeError on a symbol or bigint when copied in.
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') throw parameterError(fn, `${name}[${i}]`, 'a number', v[i]);
    return v.length;
  }
  if (isNumericArray(v)) return v.length;
  throw parameterError(fn, name, 'a Float64Array, an array of numbers or an F64Buffer', v);
}

/**
 * A copy of `v` as doubles; an entry of a plain array that is not a number (null, a string, a symbol,
 * a bigint) is a ParameterError naming `name[i]` rather than a silent 0 / NaN or a TypeError.
 */
export function numbersOf(fn: string, name: string, v: unknown): Float64Array<ArrayBuffer> {
  vectorLength(fn, name, v);
  return Float64Array.from(v instanceof F64Buffer ? v.view() : (v as ArrayLike<number>));
}

/**
 * A copy of a plain or typed array whose entries are all finite numbers: ParameterError for anything
 * else or a non-number entry (numbersOf), NonFiniteError naming the index of a NaN/±Infinity.
 */
export function finiteArray(fn: string, name: string, v: unknown): Float64Array<ArrayBuffer> {
  if (!isNumericArray(v)) throw parameterError(fn, name, 'an array of numbers', v);
  const a = numbersOf(fn, name, v);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(fn, name, bad, a[bad]!);
  return a;
}

/**
 * A dense copy of the first `len` entries of `v` (an array or an F64Buffer), each checked finite:
 * NonFiniteError naming fn, name and the first bad index otherwise.
 */
export function finiteCopy(fn: string, name: string, v: VectorInput, len: number): Float64Array {
  const src: ArrayLike<number> = v instanceof F64Buffer ? v.view() : v;
  const out = new Float64Array(len);
  for (let k = 0; k < len; k++) {
    const x = Number(src[k]);
    if (!Number.isFinite(x)) throwNonFinite(fn, name, v);
    out[k] = x;
  }
  return out;
}

/** Puts `v` in WASM memory: copies arrays into the scope, borrows F64Buffers. */
export function place(s: Scope, v: VectorInput, n: number): Placed {
  if (v instanceof F64Buffer) return { ptr: v.ptr, n };
  const ptr = s.f64(n);
  f64View(s.x, ptr, n).set(v as ArrayLike<number>);
  return { ptr, n };
}

/** Index and value of the first NaN/±Inf in `v` (after conversion to double), or -1. */
function firstNonFinite(v: VectorInput): { index: number; value: number } {
  const data: ArrayLike<unknown> = v instanceof F64Buffer ? v.view() : v;
  for (let i = 0; i < data.length; i++) {
    const value = Number(data[i]);
    if (!Number.isFinite(value)) return { index: i, value };
  }
  return { index: -1, value: 0 };
}

/** Throws the NonFiniteError for `v` after a kernel flagged it. */
export function throwNonFinite(fn: string, name: string, v: VectorInput): never {
  const { index, value } = firstNonFinite(v);
  throw new NonFiniteError(fn, name, index, value);
}

/** An `out` argument: absent, a Float64Array or an F64Buffer of exactly length n. */
export function checkOut(fn: string, out: unknown, n: number): void {
  if (out === undefined) return;
  if (!(out instanceof Float64Array) && !(out instanceof F64Buffer)) {
    throw parameterError(fn, 'out', 'a Float64Array or an F64Buffer', out);
  }
  if (out.length !== n) throw new ShapeError(`${fn}: out must have length ${n} (got ${out.length})`);
}

/**
 * Where a kernel writes its result: the caller's F64Buffer `out`; else, when `v` was copied in, that
 * copy (the kernels run in place, which keeps one vector fewer in the cache); else (a caller's
 * F64Buffer `v`, which is never written) a new slot in the scope.
 */
export function outputSlot(s: Scope, v: VectorInput, out: Float64Array | F64Buffer | undefined, input: Placed): number {
  if (out instanceof F64Buffer) return out.ptr;
  return v instanceof F64Buffer ? s.f64(input.n) : input.ptr;
}

/** The result of a call: the caller's F64Buffer as it is, or a copy of `n` doubles at `ptr` in `out` or a new array. */
export function copyResult(s: Scope, out: Float64Array | F64Buffer | undefined, ptr: number, n: number): Float64Array | F64Buffer {
  if (out instanceof F64Buffer) return out;
  const result = out ?? new Float64Array(n);
  result.set(f64View(s.x, ptr, n));
  return result;
}

/**
 * The common shape of a vector → vector kernel call: validate `v` and `out`, place `v`, let `run`
 * compute into the output slot, throw NonFiniteError if `run` flags the input, then copy the result
 * out (or leave it in the caller's F64Buffer).
 */
export function mapVector(
  fn: string,
  v: VectorInput,
  out: Float64Array | F64Buffer | undefined,
  run: (s: Scope, input: Placed, outPtr: number) => number,
): Float64Array | F64Buffer {
  const n = vectorLength(fn, 'v', v);
  checkOut(fn, out, n);
  return withScope(fn, (s) => {
    const input = place(s, v, n);
    const outPtr = outputSlot(s, v, out, input);
    if (run(s, input, outPtr) !== 0) throwNonFinite(fn, 'v', v);
    return copyResult(s, out, outPtr, n);
  });
}
