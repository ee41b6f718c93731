/**
 * The nn family's tensor: a row-major block of float64 or float32 values in WASM memory, owned by
 * the bindings, plus the memory scopes that free tensors deterministically.
 */
import { optionKeys, readOptions } from '../runtime/validate.js';
import { MemoryError, NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { MAX_F64_LENGTH, isNumericArray, numbersOf } from '../runtime/memory.js';
import { isMatrixObject, readMatrix, type Matrix } from '../runtime/matrix.js';
import { nnWasm } from './kernels.js';
import { recording } from './tape.js';

/** Element type of a tensor: IEEE binary64 or binary32. */
export type DType = 'f64' | 'f32';

/** Bytes per element. */
export const bytesOf = (dtype: DType): number => (dtype === 'f64' ? 8 : 4);

/** Checks on by default: a non-finite value produced by an op is reported by that op. */
const settings = { checkFinite: true };

/** Global switches of the nn engine. */
export interface NnConfig {
  /**
   * After every op (forward and backward), scan its output for NaN/±Infinity and throw a
   * NonFiniteError naming the op. Costs one pass over each output. Default true.
   */
  checkFinite: boolean;
}

/**
 * Reads or changes the engine's switches; returns the previous settings (so a caller can restore
 * them). `configure({ checkFinite: false })` turns the per-op NaN scan off for speed.
 */
export function configure(options: Partial<NnConfig> = {}): NnConfig {
  const previous = { ...settings };
  readOptions('nn.configure', options, optionKeys<NnConfig>({ checkFinite: true }));
  if (options.checkFinite !== undefined) {
    if (typeof options.checkFinite !== 'boolean') throw parameterError('nn.configure', 'options.checkFinite', 'a boolean', options.checkFinite);
    settings.checkFinite = options.checkFinite;
  }
  return previous;
}

/** @internal Whether ops scan their outputs for NaN/±Infinity (see configure). */
export function checksEnabled(): boolean {
  return settings.checkFinite;
}

/** Each open scope() collects the tensors allocated while it is the innermost one. */
const scopes: Set<Tensor>[] = [];

let nextId = 1;

/**
 * An n-dimensional array in WASM memory. Row-major: element (i₀, …, i_{d−1}) is at
 * Σ iₖ·strideₖ with strideₖ = Π_{l>k} shape[l]. A tensor of shape [] holds one value.
 *
 * Memory: created inside `scope()` (or `grad()`), a tensor is freed when that scope ends unless the
 * scope returns it. Created outside any scope it lives until `free()`.
 */
export class Tensor {
  /** The sizes of the dimensions ([] for a scalar). */
  readonly shape: readonly number[];
  /** 'f64' or 'f32', the element type in WASM memory. */
  readonly dtype: DType;
  /** Number of elements (product of the shape; 1 for shape []). */
  readonly size: number;
  /** @internal identity for the tapes */
  readonly id: number;
  private address: number;
  /** @internal the scope that will free this tensor */
  _scope: Set<Tensor> | null = null;

  /** @internal allocate through tensorOf/zeros/ops; the constructor takes an existing block. */
  constructor(shape: readonly number[], dtype: DType, address: number) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.address = address;
    this.id = nextId++;
    const top = scopes[scopes.length - 1];
    if (top) {
      top.add(this);
      this._scope = top;
    }
  }

  /** Byte offset in WASM memory; throws a MemoryError once freed. */
  get ptr(): number {
    if (this.address === 0) throw new MemoryError(`nn.Tensor: tensor of shape [${this.shape.join(',')}] used after free()`);
    return this.address;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once the tensor's memory has been released (by `free()` or by the end of its scope). */
  get freed(): boolean {
    return this.address === 0;
  }

  /**
   * A zero-copy Float64Array (f64) or Float32Array (f32) over the data, rebuilt on every call: any
   * later allocation may grow WASM memory and detach it. Writing through it changes the tensor.
   */
  view(): Float64Array | Float32Array {
    const x = nnWasm('nn.Tensor.view');
    return this.dtype === 'f64' ? new Float64Array(x.memory.buffer, this.ptr, this.size) : new Float32Array(x.memory.buffer, this.ptr, this.size);
  }

  /** A copy of the data (Float64Array or Float32Array, row-major) that stays valid forever. */
  toArray(): Float64Array | Float32Array {
    return this.view().slice();
  }

  /** The data copied out as a Float64Array (f32 values widened exactly). */
  data(): Float64Array {
    return Float64Array.from(this.view());
  }

  /** The data as nested plain arrays following the shape (a number for shape []). */
  toNested(): unknown {
    const flat = Array.from(this.view());
    const build = (d: number, offset: number): unknown => {
      if (d === this.shape.length) return flat[offset];
      const stride = sizeOf(this.shape.slice(d + 1));
      return Array.from({ length: this.shape[d]! }, (_, i) => build(d + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`nn.Tensor.item: the tensor must have one element (got shape [${this.shape.join(',')}])`);
    return this.view()[0]!;
  }

  /** Returns the memory to the arena now (freeing twice is harmless). */
  free(): void {
    if (this.address !== 0) {
      nnWasm('nn.Tensor.free').free(this.address);
      this.address = 0;
    }
    if (this._scope) {
      this._scope.delete(this);
      this._scope = null;
    }
  }

  /** `Tensor(dtype, [shape])`, for logs and messages (not the values). */
  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(',')}])`;
  }
}

/** Π shape (1 for []). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** @internal A shape as messages print it: `[2,3]`. */
export const shapeText = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** Validates a shape argument: an array of non-negative safe integers. */
export function checkShape(fn: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw parameterError(fn, name, 'an array of non-negative integers', shape);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isSafeInteger(d) || (d as number) < 0) throw parameterError(fn, `${name}[${i}]`, 'a non-negative integer', d);
  }
  if (!(sizeOf(shape as number[]) <= MAX_F64_LENGTH)) throw new MemoryError(`${fn}: ${name} ${shapeText(shape as number[])} has more elements than WebAssembly memory can hold`);
  return shape as number[];
}

/** @internal A dtype argument: 'f64' or 'f32', else a ParameterError naming `fn`. */
export function checkDtype(fn: string, dtype: unknown): DType {
  if (dtype !== 'f64' && dtype !== 'f32') throw parameterError(fn, 'dtype', "'f64' or 'f32'", dtype);
  return dtype;
}

/** A tensor argument: a live Tensor. */
export function checkTensor(fn: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw parameterError(fn, name, 'a Tensor', t);
  if (t.freed) throw new ParameterError(`${fn}: ${name} must be a live Tensor (got one already freed)`);
  return t;
}

/** @internal An uninitialised tensor of this shape (registered in the innermost scope). */
export function empty(fn: string, shape: readonly number[], dtype: DType): Tensor {
  const x = nnWasm(fn);
  const bytes = Math.max(16, sizeOf(shape) * bytesOf(dtype));
  const ptr = bytes <= 2 ** 31 ? x.alloc(bytes) : 0;
  if (ptr === 0) throw new MemoryError(`${fn}: cannot allocate ${(bytes / 2 ** 20).toFixed(1)} MiB of WebAssembly memory (the 2 GiB cap is reached)`);
  return new Tensor(shape, dtype, ptr);
}

/** Options of the tensor constructors. */
export interface TensorOptions {
  /** Element type. Default: 'f32' for a Float32Array, else 'f64'. */
  dtype?: DType;
  /** Shape; default: the nesting of a nested array, or [length] for a flat one. */
  shape?: readonly number[];
}

function nestedShape(fn: string, data: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(fn: string, data: unknown, shape: readonly number[], out: number[], d = 0, path = 'data'): void {
  if (d === shape.length) {
    if (typeof data !== 'number') throw parameterError(fn, path, 'a number', data);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[d]) {
    throw new ShapeError(`${fn}: ${path} must be an array of length ${shape[d]} (ragged nesting; got ${describe(data)})`);
  }
  for (let i = 0; i < data.length; i++) flatten(fn, data[i], shape, out, d + 1, `${path}[${i}]`);
}

/**
 * A tensor holding a copy of `data`: a number (shape []), a flat or nested array of numbers (an
 * array of rows is a matrix), a Float64Array / Float32Array (flat, with `options.shape` for more than
 * one dimension), or a matrix `{ data, rows, cols }` (row-major; shape [rows, cols]). With the
 * finite check on (the default, see configure), NaN or ±Infinity in data is a NonFiniteError.
 */
export function tensor(data: number | ArrayLike<number> | readonly unknown[] | Matrix, options: TensorOptions = {}): Tensor {
  const fn = 'nn.tensor';
  readOptions(fn, options, optionKeys<TensorOptions>({ dtype: true, shape: true }));
  const f32In = data instanceof Float32Array || (isMatrixObject(data) && data.data instanceof Float32Array);
  const dtype = checkDtype(fn, options.dtype ?? (f32In ? 'f32' : 'f64'));
  let flat: ArrayLike<number>;
  let shape: readonly number[];
  if (typeof data === 'number') {
    flat = [data];
    shape = [];
  } else if (Array.isArray(data)) {
    const nested = data.length > 0 && Array.isArray(data[0]);
    if (nested) {
      shape = nestedShape(fn, data);
      const out: number[] = [];
      flatten(fn, data, shape, out);
      flat = out;
    } else {
      for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'number') throw parameterError(fn, `data[${i}]`, 'a number', data[i]);
      flat = data as number[];
      shape = [data.length];
    }
  } else if (isNumericArray(data)) {
    flat = data as ArrayLike<number>;
    shape = [flat.length];
  } else if (isMatrixObject(data)) {
    // the canonical matrix form of the other families: rows and cols checked against data's length
    const m = readMatrix(fn, 'data', data);
    flat = numbersOf(fn, 'data.data', m.data);
    shape = [m.rows, m.cols];
  } else {
    throw parameterError(fn, 'data', 'a number, an array of numbers, a Float64Array/Float32Array or a { data, rows, cols } matrix', data);
  }
  if (options.shape !== undefined) {
    const s = checkShape(fn, 'options.shape', options.shape);
    if (sizeOf(s) !== flat.length) throw new ShapeError(`${fn}: options.shape ${shapeText(s)} needs ${sizeOf(s)} values (got ${flat.length})`);
    shape = s;
  }
  if (settings.checkFinite) {
    for (let i = 0; i < flat.length; i++) if (!Number.isFinite(flat[i])) throw new NonFiniteError(fn, 'data', i, Number(flat[i]));
  }
  checkShape(fn, 'shape', [...shape]);
  const t = empty(fn, shape, dtype);
  t.view().set(flat);
  return t;
}

/** A tensor of `shape` filled with `value` (default dtype 'f64'). */
export function full(shape: readonly number[], value: number, dtype: DType = 'f64'): Tensor {
  const fn = 'nn.full';
  checkShape(fn, 'shape', shape);
  if (typeof value !== 'number') throw parameterError(fn, 'value', 'a number', value);
  if (settings.checkFinite && !Number.isFinite(value)) throw parameterError(fn, 'value', 'finite (the finite check is on, see configure)', value);
  const t = empty(fn, shape, checkDtype(fn, dtype));
  t.view().fill(value);
  return t;
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], dtype: DType = 'f64'): Tensor {
  return full(shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], dtype: DType = 'f64'): Tensor {
  return full(shape, 1, dtype);
}

/** Tensors reachable from a scope's return value: a Tensor, or arrays / plain objects holding them. */
function collect(value: unknown, into: Set<Tensor>, seen: Set<unknown>): void {
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, into, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, seen);
  }
}

/** Moves `t` into the scope that is now innermost (or makes it unscoped). */
function adopt(t: Tensor): void {
  t._scope?.delete(t);
  const top = scopes[scopes.length - 1] ?? null;
  t._scope = top;
  top?.add(t);
}

/**
 * @internal Runs `body` in a new scope. On return, the tensors it returned move to the enclosing
 * scope; the others are freed, or, with `keepAll`, moved too (a tape still needs them). On throw,
 * everything is freed unless `keepAll`.
 */
export function runScope<T>(body: () => T, keepAll: () => boolean): T {
  const mine = new Set<Tensor>();
  scopes.push(mine);
  let result: T;
  try {
    result = body();
  } catch (err) {
    scopes.pop();
    const keep = keepAll();
    // newest first: each free then returns the arena's top block, which is O(1)
    for (const t of [...mine].reverse()) (keep ? adopt(t) : t.free());
    throw err;
  }
  scopes.pop();
  const returned = new Set<Tensor>();
  collect(result, returned, new Set());
  const keep = keepAll();
  for (const t of [...mine].reverse()) {
    if (keep || returned.has(t)) adopt(t);
    else t.free();
  }
  return result;
}

/**
 * Runs `fn` and frees every tensor allocated while it runs, except those it returns (a Tensor, or
 * Tensors inside a returned array, Map or plain object), which move to the enclosing scope.
 * Scopes nest. Use one around each training step to keep memory flat. Inside a function being
 * differentiated (while a grad/vjp tape records), a scope frees nothing: its tensors move to the
 * enclosing scope, and the grad that records frees them when it returns.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw parameterError('nn.scope', 'fn', 'a function', fn);
  // Under a recording tape (scope used inside a function being differentiated) nothing is freed:
  // the tape's backward rules still read those tensors; the enclosing grad frees them.
  return runScope(fn, () => recording());
}

/**
 * Takes tensors out of every scope: they survive the enclosing scope's end and are the caller's to
 * `free()`. Returns its argument.
 */
export function keep<T extends Tensor | readonly Tensor[]>(t: T): T {
  for (const x of (Array.isArray(t) ? t : [t]) as Tensor[]) {
    checkTensor('nn.keep', 'tensor', x);
    x._scope?.delete(x);
    x._scope = null;
  }
  return t;
}

/** @internal The first non-finite value of `t`, as a NonFiniteError naming `op`, or null. */
export function nonFiniteIn(op: string, t: Tensor): NonFiniteError | null {
  const x = nnWasm(op);
  const i = t.dtype === 'f64' ? x.nnFirstNonFiniteF64(t.ptr, t.size) : x.nnFirstNonFiniteF32(t.ptr, t.size);
  if (i < 0) return null;
  const value = t.view()[i]!;
  const err = new NonFiniteError(op, 'output', i, value);
  // The op is named as the producer: its inputs were finite (they passed this same check).
  err.message = `${op}: produced ${value} at index ${i} of its output of shape ${shapeText(t.shape)}`;
  return err;
}
