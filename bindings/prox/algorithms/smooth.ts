/**
 * Smooth terms for the proximal algorithms: the callback interface, and least squares
 * ½‖Ax − b‖² with its gradient, a Lipschitz estimate and (for ADMM) its prox by a cached Cholesky.
 */
import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../../runtime/matrix.js';
import { NonFiniteError, ShapeError, parameterError } from '../../runtime/errors.js';
import { F64Buffer, checkOut, vectorLength, type VectorInput } from '../../runtime/memory.js';
import { mathWasm } from '../../runtime/math.js';
import type { OperatorProperties, ProxOperator } from '../operator.js';

/**
 * A differentiable f: ℝⁿ → ℝ with an L-Lipschitz gradient, as plain callbacks over Float64Array.
 * The algorithms pass views of WASM memory (valid during the call only: do not keep them).
 */
export interface SmoothFunction {
  /** f(x). */
  value(x: Float64Array): number;
  /**
   * Writes ∇f(x) into `out` (same length as x). May return f(x) when it comes for free (least
   * squares: ½‖r‖² from the residual r it computes anyway); the algorithms then skip a `value` call.
   */
  gradient(x: Float64Array, out: Float64Array): void | number;
  /** n, when known (then `x0` may be omitted and defaults to zeros): a non-negative integer. */
  readonly dimension?: number;
  /** An estimate (finite, ≥ 0) of the Lipschitz constant of ∇f, used as the first step 1/L of the line search. */
  readonly lipschitz?: number;
}

/** ½‖Ax − b‖² as a smooth term (value, gradient, Lipschitz estimate) and as a ProxOperator. */
export interface LeastSquares extends SmoothFunction, ProxOperator {
  /** m, the number of rows of A (and entries of b). */
  readonly rows: number;
  /** n, the number of columns of A (the length of x). */
  readonly cols: number;
  readonly dimension: number;
  /** λmax(AᵀA) by power iteration (to 1e-9 relative change, ≤ 500 steps; a lower estimate, which the line search corrects). */
  readonly lipschitz: number;
  /** ½‖Ax − b‖² (x: any vector of length n). */
  value(x: VectorInput): number;
}

function readVector(fn: string, name: string, v: unknown): Float64Array {
  const n = vectorLength(fn, name, v);
  const data = v instanceof F64Buffer ? v.view() : (v as ArrayLike<number>);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = Number(data[i]);
    if (!Number.isFinite(x)) throw new NonFiniteError(fn, name, i, x);
    out[i] = x;
  }
  return out;
}

/**
 * y = A x for row-major A (m × n), in the summation order of the WASM kernel lsResidual
 * (assembly/prox/matvec.ts): partial sums over j ≡ 0, 1, 2, 3 (mod 4), combined as (s₀ + s₂) + (s₁ + s₃),
 * then the last n mod 4 columns — so the TS and WASM paths give the same bits.
 */
export function matVec(A: Float64Array, m: number, n: number, x: ArrayLike<number>, y: Float64Array): void {
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n4; j += 4) {
      s0 += A[row + j]! * x[j]!;
      s1 += A[row + j + 1]! * x[j + 1]!;
      s2 += A[row + j + 2]! * x[j + 2]!;
      s3 += A[row + j + 3]! * x[j + 3]!;
    }
    let s = s0 + s2 + (s1 + s3);
    for (let j = n4; j < n; j++) s += A[row + j]! * x[j]!;
    y[i] = s;
  }
}

/** y = Aᵀ x for row-major A (m × n), accumulated over rows in order (as the WASM kernel lsMatTVec). */
export function matTVec(A: Float64Array, m: number, n: number, x: ArrayLike<number>, y: Float64Array): void {
  y.fill(0);
  for (let i = 0; i < m; i++) {
    const xi = x[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) y[j] = y[j]! + A[row + j]! * xi;
  }
}

/**
 * Largest eigenvalue of a symmetric positive semidefinite map (e.g. AᵀA, = ‖A‖₂²) by power iteration
 * from a fixed, generic start, until the Rayleigh quotient changes by < rtol relative (at most
 * `iterations` steps). A lower estimate: callers keep a safety margin or a line search. `fn` names the
 * public caller in the error when proxkit is not initialised (the start vector's sin is taken in WASM).
 */
export function powerIteration(apply: (x: Float64Array, out: Float64Array) => void, n: number, iterations = 2000, rtol = 1e-12, fn = 'powerIteration'): number {
  if (n === 0) return 0;
  let x = new Float64Array(n);
  // A fixed start with no special structure (not orthogonal to a top singular vector in practice); sin
  // from WASM, since JavaScript's Math.sin differs in the last bit between engines.
  const sin = mathWasm(fn).mathSin;
  for (let i = 0; i < n; i++) x[i] = 1 + 0.5 * sin(1.7 * i + 0.3);
  let y = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    let nx = 0;
    for (let i = 0; i < n; i++) nx += x[i]! * x[i]!;
    nx = Math.sqrt(nx);
    if (nx === 0) return 0;
    for (let i = 0; i < n; i++) x[i] = x[i]! / nx;
    apply(x, y);
    let r = 0;
    for (let i = 0; i < n; i++) r += x[i]! * y[i]!;
    const done = Math.abs(r - lambda) <= rtol * Math.abs(r);
    lambda = r;
    [x, y] = [y, x];
    if (done) break;
  }
  return lambda;
}

/** Cholesky factor (lower, row-major) of the SPD matrix M (n × n), in place. */
function cholesky(M: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = M[j * n + j]!;
    for (let k = 0; k < j; k++) d -= M[j * n + k]! ** 2;
    const l = Math.sqrt(d);
    M[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = M[i * n + j]!;
      for (let k = 0; k < j; k++) s -= M[i * n + k]! * M[j * n + k]!;
      M[i * n + j] = s / l;
    }
  }
}

/** Solves L Lᵀ x = b in place (L from `cholesky`). */
function choleskySolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
}

/** The data of each leastSquares object, for algorithms that run its gradient in WASM (see `leastSquaresData`). */
const registry = new WeakMap<object, { A: Float64Array; b: Float64Array; m: number; n: number }>();

/** A, b and the shape of an object made by `leastSquares`, or undefined for any other smooth term. */
export function leastSquaresData(f: unknown): { A: Float64Array; b: Float64Array; m: number; n: number } | undefined {
  return typeof f === 'object' && f !== null ? registry.get(f) : undefined;
}

/**
 * Least squares f(x) = ½‖Ax − b‖² with A row-major (m × n):
 * value, gradient ∇f(x) = Aᵀ(Ax − b) (O(mn)), Lipschitz constant L = ‖A‖₂² estimated by power
 * iteration, and prox_{t f}(v) = (AᵀA + I/t)⁻¹(Aᵀb + v/t) through a Cholesky factor computed once per
 * t (O(mn² + n³)) and reused (ADMM calls it with one t throughout): Boyd et al. (2011), §4.2.
 *
 * @param A  the matrix (copied): `{ data, rows, cols }`, an array of rows, or a flat row-major array
 *           of m·n numbers (then m = b.length and n = A.length / m).
 * @param b  the right-hand side, length m (copied).
 * @throws ShapeError when A.length is not a multiple of b.length; NonFiniteError for NaN/±Inf in A or b.
 */
export function leastSquares(A: MatrixInput, b: VectorInput): LeastSquares {
  return leastSquaresAs('leastSquares', A, b);
}

/** `leastSquares` reporting errors as `fn`, with A and b under the caller's names (lasso: X and y). */
export function leastSquaresAs(fn: string, A: MatrixInput, b: VectorInput, aName = 'A', bName = 'b'): LeastSquares {
  const bv = readVector(fn, bName, b);
  const m = bv.length;
  if (m === 0) throw new ShapeError(`${fn}: ${bName} must have length >= 1 (got 0)`);
  // A shaped matrix must have b.length rows; a flat one is read as b.length rows of n.
  const Am = isMatrixObject(A) || isRowArray(A)
    ? readVector(fn, aName, readMatrix(fn, aName, A, { rows: m, label: `${bName}.length` }).data)
    : readVector(fn, aName, A);
  if (Am.length % m !== 0) throw new ShapeError(`${fn}: ${aName} must have ${bName}.length × n = ${m} × n entries (got ${Am.length})`);
  const n = Am.length / m;
  const r = new Float64Array(m);
  const Atb = new Float64Array(n);
  matTVec(Am, m, n, bv, Atb);
  let L: number | null = null;
  let factor: { t: number; chol: Float64Array } | null = null;
  const properties: OperatorProperties = { convex: true, separable: false, prox: 'closed-form', indicator: false };
  const value = (x: ArrayLike<number>): number => {
    matVec(Am, m, n, x, r);
    let s = 0;
    for (let i = 0; i < m; i++) s += (r[i]! - bv[i]!) ** 2;
    return s / 2;
  };
  function prox(v: VectorInput, t?: number, out?: Float64Array): Float64Array;
  function prox(v: VectorInput, t: number | undefined, out: F64Buffer): F64Buffer;
  function prox(v: VectorInput, t = 1, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
    const pfn = 'leastSquares.prox';
    if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) throw parameterError(pfn, 't', 'a finite number > 0', t);
    const vv = readVector(pfn, 'v', v);
    if (vv.length !== n) throw new ShapeError(`${pfn}: v must have length ${n} (got ${vv.length})`);
    checkOut(pfn, out, n);
    if (factor === null || factor.t !== t) {
      const M = new Float64Array(n * n);
      for (let i = 0; i < m; i++) {
        const row = i * n;
        for (let j = 0; j < n; j++) {
          const a = Am[row + j]!;
          if (a === 0) continue;
          for (let k = 0; k <= j; k++) M[j * n + k] = M[j * n + k]! + a * Am[row + k]!;
        }
      }
      for (let j = 0; j < n; j++) M[j * n + j] = M[j * n + j]! + 1 / t;
      cholesky(M, n);
      factor = { t, chol: M };
    }
    for (let j = 0; j < n; j++) vv[j] = Atb[j]! + vv[j]! / t;
    choleskySolve(factor.chol, n, vv);
    if (out instanceof F64Buffer) {
      out.set(vv);
      return out;
    }
    const res = out ?? new Float64Array(n);
    res.set(vv);
    return res;
  }
  const self: LeastSquares = {
    name: `leastSquares(${m}×${n})`,
    properties,
    rows: m,
    cols: n,
    dimension: n,
    get lipschitz(): number {
      if (L === null) {
        const tmp = new Float64Array(m);
        L = powerIteration((x, y) => {
          matVec(Am, m, n, x, tmp);
          matTVec(Am, m, n, tmp, y);
        }, n, 500, 1e-9, 'leastSquares');
      }
      return L;
    },
    value(x: VectorInput | Float64Array): number {
      const xv = x instanceof Float64Array ? x : readVector('leastSquares.value', 'x', x);
      if (xv.length !== n) throw new ShapeError(`leastSquares.value: x must have length ${n} (got ${xv.length})`);
      return value(xv);
    },
    gradient(x: Float64Array, out: Float64Array): number {
      matVec(Am, m, n, x, r);
      let s = 0;
      for (let i = 0; i < m; i++) {
        const ri = r[i]! - bv[i]!;
        r[i] = ri;
        s += ri * ri;
      }
      matTVec(Am, m, n, r, out);
      return s / 2;
    },
    prox,
  };
  registry.set(self, { A: Am, b: bv, m, n });
  return self;
}
