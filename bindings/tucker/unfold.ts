/**
 * Tensor algebra shared by the CP, Tucker and tensor-train decompositions: mode-n unfolding and its
 * inverse, the column-wise Khatri–Rao product, and products along several modes at once.
 *
 * Ordering conventions (row-major throughout, as everywhere in proxkit): the unfolding X₍ₙ₎ is the
 * Iₙ × ∏_{m≠n} Iₘ matrix whose columns run over the other modes in their order with the LAST one
 * fastest (the layout of `moveaxis(X, n, 0).reshape(Iₙ, −1)` in NumPy, TensorLy's `unfold`); the
 * Khatri–Rao product A ⊙ B has row (i, j) at i·J + j. With these two conventions a CP tensor satisfies
 * X₍ₙ₎ = Aₙ · diag(λ) · (A₀ ⊙ ⋯ ⊙ Aₙ₋₁ ⊙ Aₙ₊₁ ⊙ ⋯ ⊙ A_{N−1})ᵀ.
 */
import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { MAX_F64_LENGTH, f64View, finiteArray, withScope, type Scope } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { checkDims, modeProductIn, placeTensor, prod, tensorDims, transpose, type Tensor, type TensorInput } from './tensor.js';

/** A dense row-major matrix as the tensor functions return it: entry (i, j) is `data[i·cols + j]`. */
export interface RowMajorMatrix {
  /** The rows·cols entries, row by row. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** Checks a mode index n ∈ [0, N). */
export function checkMode(fn: string, name: string, n: unknown, N: number): number {
  if (!Number.isSafeInteger(n) || (n as number) < 0 || (n as number) >= N) throw parameterError(fn, name, `an integer in [0, ${N - 1}]`, n);
  return n as number;
}

/**
 * Mode-n unfolding (matricization) X₍ₙ₎ of a tensor: the Iₙ × J matrix (J = ∏_{m≠n} Iₘ) with
 * X₍ₙ₎[iₙ, j] = X[i₀, …, i_{N−1}], j = the row-major index of (i₀, …, iₙ₋₁, iₙ₊₁, …, i_{N−1}) in the
 * shape with mode n removed (the last index fastest). Kolda & Bader (2009, Sec. 2.4) order the columns
 * with the first index fastest instead; both give the same Gram matrix X₍ₙ₎X₍ₙ₎ᵀ.
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2 (row-major), finite.
 * @param n  the mode, 0 ≤ n < N.
 * @returns `{ data, rows: Iₙ, cols: J }`, row-major.
 * @throws ParameterError/ShapeError for a malformed tensor or mode; NonFiniteError for NaN/±Inf.
 */
export function unfold(X: TensorInput, n: number): RowMajorMatrix {
  const fn = 'unfold';
  const { dims } = tensorDims(fn, X);
  checkMode(fn, 'n', n, dims.length);
  const data = finiteArray(fn, 'X.data', X.data);
  const L = prod(dims, 0, n);
  const I = dims[n]!;
  const R = prod(dims, n + 1);
  const out = new Float64Array(data.length);
  // X is (L, I, R) around mode n; X₍ₙ₎[i, l·R + r] = X[l, i, r]: contiguous copies of length R.
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < I; i++) out.set(data.subarray((l * I + i) * R, (l * I + i + 1) * R), i * L * R + l * R);
  }
  return { data: out, rows: I, cols: L * R };
}

/**
 * The inverse of {@link unfold}: the tensor of shape `shape` whose mode-n unfolding is M.
 *
 * @param M  the Iₙ × ∏_{m≠n} Iₘ unfolding: `{ data, rows, cols }`, an array of rows, or its entries
 *           flat (row-major).
 * @param n  the mode, 0 ≤ n < N.
 * @param shape  the tensor's shape [I₀, …, I_{N−1}] (N ≥ 2 positive integers).
 * @throws ShapeError if M's size does not match the shape; NonFiniteError for NaN/±Inf.
 */
export function fold(M: MatrixInput, n: number, shape: ArrayLike<number>): Tensor {
  const fn = 'fold';
  const dims = checkDims(fn, 'shape', shape, 2);
  checkMode(fn, 'n', n, dims.length);
  const I = dims[n]!;
  const L = prod(dims, 0, n);
  const R = prod(dims, n + 1);
  const m = readMatrix(fn, 'M', M, { rows: I, cols: L * R });
  const data = finiteArray(fn, 'M', m.data);
  const out = new Float64Array(data.length);
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < I; i++) out.set(data.subarray(i * L * R + l * R, i * L * R + (l + 1) * R), (l * I + i) * R);
  }
  return { data: out, shape: dims };
}

/** Reads a list of matrices with a common number of columns (shaped forms only: their rows are unknown). */
function readFactorList(fn: string, name: string, matrices: unknown): { data: Float64Array; rows: number; cols: number }[] {
  if (!Array.isArray(matrices) || matrices.length === 0) throw parameterError(fn, name, 'a non-empty array of matrices', matrices);
  const out = matrices.map((M: unknown, k) => {
    if (!isMatrixObject(M) && !isRowArray(M)) throw parameterError(fn, `${name}[${k}]`, 'a { data, rows, cols } matrix or an array of rows', M);
    const m = readMatrix(fn, `${name}[${k}]`, M);
    if (m.rows === 0 || m.cols === 0) throw new ShapeError(`${fn}: ${name}[${k}] must have at least one row and one column (got ${m.rows} × ${m.cols})`);
    return { data: finiteArray(fn, `${name}[${k}]`, m.data), rows: m.rows, cols: m.cols };
  });
  out.forEach((m, k) => {
    if (m.cols !== out[0]!.cols) throw new ShapeError(`${fn}: ${name}[${k}] must have ${out[0]!.cols} columns like ${name}[0] (got ${m.cols})`);
  });
  const rows = out.reduce((p, m) => p * m.rows, 1);
  if (!(rows * out[0]!.cols <= MAX_F64_LENGTH)) throw new ShapeError(`${fn}: the product would have ${rows} × ${out[0]!.cols} entries (at most 2^28)`);
  return out;
}

/**
 * Khatri–Rao product of row-major matrices in WASM scope `s`: pointers to the Iₖ × R factors → the
 * pointer to their (∏ Iₖ) × R product (row of the first factor slowest). An empty list gives a 1 × R
 * row of ones, the neutral element.
 */
export function khatriRaoIn(s: Scope, factors: readonly { ptr: number; rows: number }[], R: number): { ptr: number; rows: number } {
  if (factors.length === 0) {
    const p = s.f64(R);
    f64View(s.x, p, R).fill(1);
    return { ptr: p, rows: 1 };
  }
  let cur = factors[0]!;
  for (let k = 1; k < factors.length; k++) {
    const next = factors[k]!;
    const out = s.f64(cur.rows * next.rows * R);
    s.x.khatriRaoKernel(cur.ptr, cur.rows, next.ptr, next.rows, R, out);
    cur = { ptr: out, rows: cur.rows * next.rows };
  }
  return cur;
}

/**
 * Column-wise Khatri–Rao product A₀ ⊙ A₁ ⊙ ⋯ of matrices with the same number of columns R
 * (Kolda & Bader 2009, Sec. 2.6): row (i₀, i₁, …) — row-major, i₀ slowest — is the elementwise
 * product of row i₀ of A₀, row i₁ of A₁, …; column r is the Kronecker product of the columns r.
 * Computed in WASM (f64x2).
 *
 * @param matrices  one or more matrices Aₖ (Iₖ × R), each `{ data, rows, cols }` or an array of rows.
 * @returns `{ data, rows: ∏ Iₖ, cols: R }`, row-major.
 * @throws ParameterError for a matrix in no shaped form; ShapeError when the column counts differ;
 *   NonFiniteError for NaN/±Inf.
 */
export function khatriRao(matrices: MatrixInput[]): RowMajorMatrix {
  const fn = 'khatriRao';
  const ms = readFactorList(fn, 'matrices', matrices);
  const R = ms[0]!.cols;
  return withScope(fn, (s) => {
    const placed = ms.map((m) => {
      const p = s.f64(m.data.length);
      f64View(s.x, p, m.data.length).set(m.data);
      return { ptr: p, rows: m.rows };
    });
    const kr = khatriRaoIn(s, placed, R);
    return { data: f64View(s.x, kr.ptr, kr.rows * R).slice(), rows: kr.rows, cols: R };
  });
}

/** Options of {@link multiModeProduct}. */
export interface MultiModeProductOptions {
  /** The mode each matrix acts on, distinct, in [0, N). Default [0, 1, …, matrices.length − 1]. */
  modes?: number[];
  /** Multiply by the transposes: matrices[k] is then I_{modes[k]} × Kₖ and X ×ₘ Mᵀ is applied. Default false. */
  transpose?: boolean;
}

/**
 * Products along several modes, Y = X ×_{m₀} M₀ ×_{m₁} M₁ ⋯ (Kolda & Bader 2009, Sec. 2.5):
 * Y₍ₘ₎ = Mₖ X₍ₘ₎ for each listed mode m = modes[k]; products along distinct modes commute. With
 * `transpose: true` each Mₖ is used as Mₖᵀ, e.g. to project onto factor matrices with orthonormal
 * columns (the Tucker core is X ×₀ U₀ᵀ ⋯). Each product is one WASM n-mode product (f64x2).
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2.
 * @param matrices  Mₖ: Kₖ × I_{modes[k]} (`{ data, rows, cols }`, an array of rows, or flat with Kₖ
 *   inferred), or I_{modes[k]} × Kₖ with `transpose`.
 * @param options  `modes` (default 0, 1, …), `transpose` (default false).
 * @returns the tensor Y, shape I with I_{modes[k]} replaced by Kₖ.
 * @throws ParameterError for a bad mode list or matrix; ShapeError when a matrix does not fit its mode;
 *   NonFiniteError for NaN/±Inf.
 */
export function multiModeProduct(X: TensorInput, matrices: MatrixInput[], options: MultiModeProductOptions = {}): Tensor {
  const fn = 'multiModeProduct';
  const { dims, size } = tensorDims(fn, X);
  options = readOptions(fn, options, optionKeys<MultiModeProductOptions>({ modes: true, transpose: true }));
  if (!Array.isArray(matrices) || matrices.length === 0 || matrices.length > dims.length) {
    throw parameterError(fn, 'matrices', `an array of 1 to ${dims.length} matrices`, matrices);
  }
  const tr = options.transpose ?? false;
  if (typeof tr !== 'boolean') throw parameterError(fn, 'options.transpose', 'a boolean', tr);
  let modes: number[];
  if (options.modes === undefined) {
    modes = matrices.map((_, k) => k);
  } else {
    if (!Array.isArray(options.modes) || options.modes.length !== matrices.length) {
      throw parameterError(fn, 'options.modes', `an array of ${matrices.length} modes (one per matrix)`, options.modes);
    }
    modes = options.modes.map((m, k) => checkMode(fn, `options.modes[${k}]`, m, dims.length));
    if (new Set(modes).size !== modes.length) throw new ParameterError(`${fn}: options.modes must be distinct (got [${modes.join(', ')}])`);
  }
  // Each matrix as K × Iₘ row-major (transposed when given as Iₘ × K).
  const ms = matrices.map((M: unknown, k) => {
    const I = dims[modes[k]!]!;
    const name = `matrices[${k}]`;
    if (!isMatrixObject(M) && !isRowArray(M) && !Array.isArray(M) && !ArrayBuffer.isView(M)) {
      throw parameterError(fn, name, 'a matrix, a Float64Array or an array of numbers', M);
    }
    const m = readMatrix(fn, name, M, tr ? { rows: I } : { cols: I });
    if (m.rows === 0 || m.cols === 0) throw new ShapeError(`${fn}: ${name} must not be empty (got ${m.rows} × ${m.cols})`);
    const data = finiteArray(fn, name, m.data);
    return tr ? { data: transpose(data, m.rows, m.cols), K: m.cols } : { data, K: m.rows };
  });
  const outSize = ms.reduce((p, m, k) => (p / dims[modes[k]!]!) * m.K, size);
  if (!(outSize <= MAX_F64_LENGTH)) throw new ShapeError(`${fn}: the product would have ${outSize} entries (at most 2^28)`);
  return withScope(fn, (s) => {
    let cur = { ptr: placeTensor(s, X, size).ptr, dims };
    // Shrinking products first keeps the intermediates small.
    const order = modes.map((_, k) => k).sort((a, b) => ms[a]!.K / dims[modes[a]!]! - ms[b]!.K / dims[modes[b]!]! || a - b);
    for (const k of order) cur = modeProductIn(s, cur.ptr, cur.dims, modes[k]!, ms[k]!.data, ms[k]!.K);
    return { data: f64View(s.x, cur.ptr, prod(cur.dims)).slice(), shape: cur.dims };
  });
}
