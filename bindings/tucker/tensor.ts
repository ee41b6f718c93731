/**
 * Dense tensors for the tucker family: `{ data, shape }`, row-major (the last index varies fastest),
 * any order N ≥ 2 for the public functions. Validation, placement in WASM memory and the kernel
 * wrappers shared by hosvd/hooi/selectCoreShape.
 */
import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { MAX_F64_LENGTH, f64View, finiteArray, isNumericArray, vectorLength, withScope, type Scope } from '../runtime/memory.js';

/** A dense real tensor: `data[((i₀·I₁ + i₁)·I₂ + i₂)…]` is entry (i₀, i₁, …), shape = [I₀, I₁, …]. */
export interface Tensor {
  /** The entries, row-major (last index fastest), Πshape of them. */
  data: Float64Array;
  /** The sizes I₀, I₁, … of the modes. */
  shape: number[];
}

/** What callers may pass: data as any array of numbers (copied once), shape as any array of integers. */
export interface TensorInput {
  /** The entries, row-major (last index fastest), Πshape of them. */
  data: ArrayLike<number>;
  /** The sizes of the modes (positive integers). */
  shape: ArrayLike<number>;
}

/** Product of a list of integers. */
export function prod(xs: readonly number[], from = 0, to = xs.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= xs[i]!;
  return p;
}

/** The (L, I, R) view of a tensor of shape `dims` around mode n (see assembly/tucker/tensor.ts). */
export function around(dims: readonly number[], n: number): { L: number; I: number; R: number } {
  return { L: prod(dims, 0, n), I: dims[n]!, R: prod(dims, n + 1) };
}

/** Checks an integer list: each entry a positive safe integer, describing at most 2^28 entries. */
export function checkDims(fn: string, name: string, shape: unknown, minOrder: number): number[] {
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) throw parameterError(fn, name, 'an array of positive integers', shape);
  const dims = Array.from(shape as ArrayLike<unknown>, (d) => (typeof d === 'number' ? d : NaN));
  if (dims.length < minOrder) throw new ShapeError(`${fn}: ${name} must have at least ${minOrder} entries (got ${dims.length})`);
  dims.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) throw new ShapeError(`${fn}: ${name}[${i}] must be a positive integer (got ${describe((shape as ArrayLike<unknown>)[i])})`);
  });
  if (!Number.isSafeInteger(prod(dims)) || prod(dims) > MAX_F64_LENGTH) {
    throw new ShapeError(`${fn}: ${name} must describe at most 2^28 entries (got ${dims.join(' × ')})`);
  }
  return dims;
}

/** Validates a tensor argument (not its finiteness: the first kernel pass checks that). */
export function tensorDims(fn: string, X: unknown, name = 'X'): { dims: number[]; size: number } {
  if (X === null || typeof X !== 'object' || !('data' in X) || !('shape' in X)) {
    throw parameterError(fn, name, 'a tensor { data, shape }', X);
  }
  const { data, shape } = X as TensorInput;
  const dims = checkDims(fn, `${name}.shape`, shape, 2);
  if (!isNumericArray(data)) throw parameterError(fn, `${name}.data`, 'a Float64Array or an array of numbers', data);
  vectorLength(fn, `${name}.data`, data);
  const size = prod(dims);
  if (data.length !== size) {
    throw new ShapeError(`${fn}: ${name}.data must have length ${dims.join('·')} = ${size} (got ${data.length})`);
  }
  return { dims, size };
}

/** Validates a core shape against the tensor's dims: N integers with 1 ≤ rₙ ≤ Iₙ. */
export function coreShape(fn: string, shape: unknown, dims: readonly number[], name = 'shape'): number[] {
  const r = checkDims(fn, name, shape, 1);
  if (r.length !== dims.length) throw new ShapeError(`${fn}: ${name} must have ${dims.length} entries, one per mode (got ${r.length})`);
  r.forEach((rn, n) => {
    if (rn > dims[n]!) throw new ShapeError(`${fn}: ${name}[${n}] must be <= ${dims[n]} (the size of mode ${n}) (got ${rn})`);
  });
  return r;
}

/** Copies X into the scope and checks it is finite (one SIMD pass); returns its pointer and ‖X‖²_F. */
export function placeTensor(s: Scope, X: TensorInput, size: number, name = 'X'): { ptr: number; norm2: number } {
  const ptr = s.f64(size);
  f64View(s.x, ptr, size).set(X.data);
  const norm2 = s.x.sumSquares(ptr, size);
  if (norm2 < 0) {
    const v = f64View(s.x, ptr, size);
    let i = 0;
    while (Number.isFinite(v[i]!)) i++;
    throw new NonFiniteError(s.fn, `${name}.data`, i, v[i]!);
  }
  if (!Number.isFinite(norm2)) throw new ParameterError(`${s.fn}: ${name} must have a Frobenius norm below 1.3e154 (got overflow)`);
  return { ptr, norm2 };
}

/** y = x ×ₙ M in scope s (M: K×Iₙ row-major, JS array); returns the new pointer and dims. */
export function modeProductIn(s: Scope, x: number, dims: readonly number[], n: number, M: Float64Array, K: number): { ptr: number; dims: number[] } {
  const { L, I, R } = around(dims, n);
  const out = dims.slice();
  out[n] = K;
  const y = s.f64(L * K * R);
  const m = s.f64(K * I);
  f64View(s.x, m, K * I).set(M);
  s.x.modeProduct(x, L, I, R, m, K, y);
  return { ptr: y, dims: out };
}

/** The transpose of a rows×cols row-major matrix. */
export function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = A[i * cols + j]!;
  return T;
}

/**
 * Mode-n Gram matrix X₍ₙ₎X₍ₙ₎ᵀ (Iₙ×Iₙ, row-major) computed in WASM without forming the unfolding
 * (Kolda & Bader 2009, Sec. 2.4): G[i, j] = Σ over all other indices of X[…i…]·X[…j…].
 * @throws ParameterError/ShapeError for a malformed tensor or mode; NonFiniteError for NaN/±Inf.
 */
export function modeGram(X: TensorInput, n: number): Float64Array {
  const fn = 'modeGram';
  const { dims, size } = tensorDims(fn, X);
  if (!Number.isSafeInteger(n) || n < 0 || n >= dims.length) throw parameterError(fn, 'n', `an integer in [0, ${dims.length - 1}]`, n);
  return withScope(fn, (s) => {
    const { ptr } = placeTensor(s, X, size);
    const { L, I, R } = around(dims, n);
    const g = s.f64(I * I);
    const col = s.f64(I);
    s.x.modeGram(ptr, L, I, R, g, col);
    return f64View(s.x, g, I * I).slice();
  });
}

/**
 * n-mode product Y = X ×ₙ M (Kolda & Bader 2009, Sec. 2.5): M is K×Iₙ (`{ data, rows, cols }`, an
 * array of rows, or flat row-major with K inferred), Y has shape [I₀, …, K, …] with Y₍ₙ₎ = M·X₍ₙ₎.
 * Computed in WASM (f64x2).
 * @throws ShapeError if M does not have K·Iₙ entries; NonFiniteError for NaN/±Inf in X or M.
 */
export function modeProduct(X: TensorInput, M: MatrixInput, n: number): Tensor {
  const fn = 'modeProduct';
  const { dims, size } = tensorDims(fn, X);
  if (!Number.isSafeInteger(n) || n < 0 || n >= dims.length) throw parameterError(fn, 'n', `an integer in [0, ${dims.length - 1}]`, n);
  const I = dims[n]!;
  // A shaped M (object or rows) goes through the shared reader, which checks its cols against Iₙ.
  if (isMatrixObject(M) || isRowArray(M)) M = readMatrix(fn, 'M', M, { cols: I }).data;
  if (!Array.isArray(M) && !ArrayBuffer.isView(M)) throw parameterError(fn, 'M', 'a matrix, a Float64Array or an array of numbers', M);
  if (M.length === 0 || M.length % I !== 0) throw new ShapeError(`${fn}: M must have K·${I} entries for some K >= 1 (got ${M.length})`);
  const Mf = finiteArray(fn, 'M', M);
  return withScope(fn, (s) => {
    const { ptr } = placeTensor(s, X, size);
    const y = modeProductIn(s, ptr, dims, n, Mf, M.length / I);
    return { data: f64View(s.x, y.ptr, prod(y.dims)).slice(), shape: y.dims };
  });
}

/** Frobenius norm ‖X‖_F = sqrt(Σ X²) (WASM, f64x2). @throws NonFiniteError for NaN/±Inf. */
export function frobeniusNorm(X: TensorInput): number {
  const fn = 'frobeniusNorm';
  const { size } = tensorDims(fn, X);
  return withScope(fn, (s) => Math.sqrt(placeTensor(s, X, size).norm2));
}
