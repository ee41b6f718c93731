/**
 * Tensor-train (matrix-product-state) decomposition by TT-SVD (Oseledets, SIAM J. Sci. Comput. 33(5),
 * 2011, Alg. 1), and the reconstruction of a tensor train. The SVDs are linalg's WASM Jacobi SVD; the
 * contractions of the reconstruction are WASM mode products.
 */
import { svd } from '../linalg/svd.js';
import { ShapeError, parameterError } from '../runtime/errors.js';
import { MAX_F64_LENGTH, f64View, finiteArray, isNumericArray, withScope } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { modeProductIn, placeTensor, prod, tensorDims, transpose, type Tensor, type TensorInput } from './tensor.js';

/** Options of {@link tensorTrain}. */
export interface TensorTrainOptions {
  /**
   * Largest TT ranks: one number for every bond, or N − 1 numbers (bond k joins modes k and k + 1).
   * Default: no cap (the ranks `tol` needs).
   */
  rank?: number | number[];
  /**
   * Relative accuracy ε ≥ 0: every truncation drops singular values whose squares sum to at most
   * ε²‖X‖²/(N − 1), so that ‖X − X̂‖ ≤ ε‖X‖ when no rank cap binds. Default 0 (exact up to rounding).
   */
  tol?: number;
}

/** A tensor train: X̂[i₀, …, i_{N−1}] = G₀[:, i₀, :] G₁[:, i₁, :] ⋯ G_{N−1}[:, i_{N−1}, :]. */
export interface TensorTrain {
  /** cores[k] has shape [r_k, I_k, r_{k+1}] (row-major), r₀ = r_N = 1. */
  cores: Tensor[];
}

/** A tensor train as {@link ttReconstruct} reads it: cores with any arrays of numbers as data. */
export interface TensorTrainInput {
  /** cores[k] of shape [r_k, I_k, r_{k+1}], r₀ = r_N = 1. */
  cores: TensorInput[];
}

/** Result of {@link tensorTrain}. */
export interface TensorTrainResult extends TensorTrain {
  /** The TT ranks [1, r₁, …, r_{N−1}, 1]. */
  ranks: number[];
  /** ‖X − X̂‖_F / ‖X‖_F, computed from the reconstruction (0 for X = 0). */
  relativeError: number;
  /** The guaranteed bound √(Σ dropped σ²)/‖X‖ (Oseledets 2011, Thm. 2.2). */
  errorBound: number;
  /** Numbers stored: Σ_k r_k·I_k·r_{k+1}. */
  parameters: number;
}

/**
 * TT-SVD: for k = 0 … N−2, reshape the remainder C to (r_k·I_k) × (I_{k+1}⋯I_{N−1}), take its SVD
 * U Σ Vᵀ, keep the smallest r_{k+1} (at most the cap) whose dropped singular values have
 * Σσ² ≤ δ² = ε²‖X‖²/(N−1), set core k = U[:, :r_{k+1}] (as r_k × I_k × r_{k+1}) and C = Σ Vᵀ (first
 * r_{k+1} rows); the last core is C. Then ‖X − X̂‖_F ≤ √(Σ_k dropped_k) ≤ ε‖X‖_F (Oseledets 2011,
 * Thm. 2.2) when no rank cap binds; with a cap, `errorBound` reports the bound actually met.
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2 (row-major), finite.
 * @param options  rank (cap, default none), tol (ε, default 0).
 * @throws ParameterError for bad options; ShapeError for a malformed tensor or a rank list of the
 *   wrong length; NonFiniteError for NaN/±Inf.
 */
export function tensorTrain(X: TensorInput, options: TensorTrainOptions = {}): TensorTrainResult {
  const fn = 'tensorTrain';
  const { dims, size } = tensorDims(fn, X);
  const N = dims.length;
  options = readOptions(fn, options, optionKeys<TensorTrainOptions>({ rank: true, tol: true }));
  const tol = options.tol ?? 0;
  if (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol)) throw parameterError(fn, 'options.tol', 'a finite number >= 0', tol);
  let caps: number[] = new Array<number>(N - 1).fill(Infinity);
  if (options.rank !== undefined) {
    const rk = options.rank;
    if (typeof rk === 'number') {
      if (!Number.isSafeInteger(rk) || rk < 1) throw parameterError(fn, 'options.rank', 'a positive integer or an array of them', rk);
      caps = caps.map(() => rk);
    } else {
      if (!Array.isArray(rk)) throw parameterError(fn, 'options.rank', 'a positive integer or an array of them', rk);
      if (rk.length !== N - 1) throw new ShapeError(`${fn}: options.rank must have N − 1 = ${N - 1} entries, one per bond (got ${rk.length})`);
      caps = rk.map((v, k) => {
        if (!Number.isSafeInteger(v) || v < 1) throw parameterError(fn, `options.rank[${k}]`, 'a positive integer', v);
        return v;
      });
    }
  }
  const data = finiteArray(fn, 'X.data', X.data);
  let norm2 = 0;
  for (let i = 0; i < size; i++) norm2 += data[i]! * data[i]!;
  if (!Number.isFinite(norm2)) throw parameterError(fn, 'X', 'a Frobenius norm below 1.3e154', 'overflow');
  const delta2 = (tol * tol * norm2) / Math.max(1, N - 1);
  const cores: Tensor[] = [];
  const ranks = [1];
  let dropped = 0;
  let C = data;
  for (let k = 0; k < N - 1; k++) {
    const rows = ranks[k]! * dims[k]!;
    const cols = C.length / rows;
    const { s, U, V } = svd(C, rows, cols);
    const kk = s.length;
    // smallest r with Σ_{j ≥ r} σ_j² ≤ δ², at least 1, at most the cap
    let tail = 0;
    let r = kk;
    while (r > 1 && tail + s[r - 1]! ** 2 <= delta2) {
      tail += s[r - 1]! ** 2;
      r--;
    }
    r = Math.min(r, caps[k]!);
    for (let j = r; j < kk; j++) dropped += s[j]! ** 2;
    const core = new Float64Array(rows * r);
    for (let i = 0; i < rows; i++) for (let j = 0; j < r; j++) core[i * r + j] = U[i * kk + j]!;
    cores.push({ data: core, shape: [ranks[k]!, dims[k]!, r] });
    ranks.push(r);
    // C ← Σ Vᵀ (first r rows): r × cols
    const next = new Float64Array(r * cols);
    for (let j = 0; j < r; j++) for (let c = 0; c < cols; c++) next[j * cols + c] = s[j]! * V[c * kk + j]!;
    C = next;
  }
  cores.push({ data: C, shape: [ranks[N - 1]!, dims[N - 1]!, 1] });
  ranks.push(1);
  const Xhat = ttReconstruct({ cores });
  let res = 0;
  for (let i = 0; i < size; i++) res += (data[i]! - Xhat.data[i]!) ** 2;
  const scale = norm2 > 0 ? norm2 : 1;
  return {
    cores,
    ranks,
    relativeError: Math.sqrt(res / scale),
    errorBound: Math.sqrt(dropped / scale),
    parameters: cores.reduce((t, c) => t + c.data.length, 0),
  };
}

/**
 * The full tensor of a tensor train: X̂[i₀, …] = G₀[:, i₀, :] ⋯ G_{N−1}[:, i_{N−1}, :], contracted left
 * to right in WASM (each step one mode product of the partial result with the next core).
 *
 * @param tt  `{ cores }`: N ≥ 2 tensors of shapes [r_k, I_k, r_{k+1}], r₀ = r_N = 1, neighbouring ranks equal.
 * @throws ParameterError/ShapeError for malformed or mismatched cores; NonFiniteError for NaN/±Inf.
 */
export function ttReconstruct(tt: TensorTrain | TensorTrainInput): Tensor {
  const fn = 'ttReconstruct';
  if (tt === null || typeof tt !== 'object') throw parameterError(fn, 'tt', 'a tensor train { cores }', tt);
  const cores = (tt as { cores: unknown }).cores;
  if (!Array.isArray(cores) || cores.length < 2) throw parameterError(fn, 'cores', 'an array of at least 2 cores', cores);
  const shapes = cores.map((c: unknown, k) => {
    const { dims } = tensorDims(fn, c, `cores[${k}]`);
    if (dims.length !== 3) throw new ShapeError(`${fn}: cores[${k}] must have 3 modes [r, I, r′] (got ${dims.length})`);
    if (!isNumericArray((c as TensorInput).data)) throw parameterError(fn, `cores[${k}].data`, 'an array of numbers', (c as TensorInput).data);
    return dims;
  });
  const N = shapes.length;
  if (shapes[0]![0] !== 1) throw new ShapeError(`${fn}: cores[0] must have first rank 1 (got ${shapes[0]![0]})`);
  if (shapes[N - 1]![2] !== 1) throw new ShapeError(`${fn}: cores[${N - 1}] must have last rank 1 (got ${shapes[N - 1]![2]})`);
  for (let k = 1; k < N; k++) {
    if (shapes[k]![0] !== shapes[k - 1]![2]) throw new ShapeError(`${fn}: cores[${k}] must have first rank ${shapes[k - 1]![2]} (the last rank of cores[${k - 1}]) (got ${shapes[k]![0]})`);
  }
  const dims = shapes.map((d) => d[1]!);
  const total = prod(dims);
  if (!(total <= MAX_F64_LENGTH)) throw new ShapeError(`${fn}: the tensor would have ${total} entries (at most 2^28)`);
  return withScope(fn, (s) => {
    // T: P × r (P = I₀⋯I_k), starting as core 0 viewed as I₀ × r₁.
    let cur = { ptr: placeTensor(s, cores[0] as TensorInput, shapes[0]!.reduce((a, b) => a * b, 1), 'cores[0]').ptr, dims: [dims[0]!, shapes[0]![2]!] };
    for (let k = 1; k < N; k++) {
      const [r, I, r2] = shapes[k]! as [number, number, number];
      const G = finiteArray(fn, `cores[${k}].data`, (cores[k] as TensorInput).data);
      // T·G₍r₎ with G₍r₎ the r × (I·r′) reshape: a mode-1 product with M = G₍r₎ᵀ ((I·r′) × r).
      const y = modeProductIn(s, cur.ptr, cur.dims, 1, transpose(G, r, I * r2), I * r2);
      cur = { ptr: y.ptr, dims: [cur.dims[0]! * I, r2] };
    }
    return { data: f64View(s.x, cur.ptr, total).slice(), shape: dims };
  });
}
