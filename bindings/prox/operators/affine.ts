/**
 * Operators given by a matrix, factorised once when built and reused by every prox call (for any t):
 * the affine set {x : Ax = b} (thin SVD of A) and the convex quadratic ½xᵀQx + qᵀx (eigendecomposition
 * of Q). Both factorisations are the WASM ones of the linalg module.
 */
import { ParameterError, ShapeError } from '../../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../../runtime/matrix.js';
import type { VectorInput } from '../../runtime/memory.js';
import { svd } from '../../linalg/svd.js';
import { symmetricEigen } from '../../linalg/eigen.js';
import type { ProxOperator } from '../operator.js';
import { derived } from './calculus.js';
import { readFinite, within } from './define.js';
import { norm2 as norm } from './norms.js';
import { matTVec, matVec } from '../algorithms/smooth.js';

/** y = M x for row-major M (rows × cols), as a new array. */
function mul(M: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  matVec(M, rows, cols, x, y);
  return y;
}

/** y = Mᵀ x for row-major M (rows × cols), as a new array. */
function mulT(M: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(cols);
  matTVec(M, rows, cols, x, y);
  return y;
}

/**
 * The affine set {x ∈ ℝⁿ : Ax = b} for A of size m × n (any rank) and b ∈ range(A).
 *
 * prox (any t): the Euclidean projection P(v) = v − V_r V_rᵀ v + x₀ with A = U_r Σ_r V_rᵀ the thin SVD
 * restricted to the numerical rank r (singular values > max(m, n)·2⁻⁵²·σ₁) and x₀ = V_r Σ_r⁻¹ U_rᵀ b the
 * least-norm solution: P(v) − v ∈ range(Aᵀ) and A·P(v) = b. The SVD (one-sided Jacobi in WASM) is
 * computed once, in O(mn·min(m, n)); each prox is O(nr). Rank-deficient A with consistent b is
 * handled; an inconsistent b (the set is empty) is a ParameterError when the operator is built.
 *
 * value(x): 0 when ‖Ax − b‖₂ ≤ 1e-9·(1 + ‖b‖₂ + ‖A‖_F·‖x‖₂), +Infinity otherwise.
 *
 * @param A  the m × n matrix: `{ data, rows, cols }` or an array of rows (copied); m ≥ 1, n ≥ 1.
 * @param b  the right-hand side, length m (copied), in the range of A.
 */
export function indAffine(A: MatrixInput, b: VectorInput): ProxOperator {
  const fn = 'indAffine';
  const { data, rows: m, cols: n } = readMatrix(fn, 'A', A);
  const a = readFinite(fn, 'A', data);
  if (m === 0 || n === 0) throw new ParameterError(`${fn}: A must have at least one row and one column (got ${m} × ${n})`);
  const bv = readFinite(fn, 'b', b);
  if (bv.length !== m) throw new ShapeError(`${fn}: b must have length rows(A) = ${m} (got ${bv.length})`);
  const { s, U, V } = svd(a, m, n);
  const k = s.length;
  const cut = Math.max(m, n) * 2 ** -52 * (s[0] ?? 0);
  let r = 0;
  while (r < k && s[r]! > cut) r++;
  // Vr (n × r) and the least-norm solution x₀ = V_r Σ_r⁻¹ U_rᵀ b.
  const Vr = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Vr[i * r + j] = V[i * k + j]!;
  const c = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    let dotUb = 0;
    for (let i = 0; i < m; i++) dotUb += U[i * k + j]! * bv[i]!;
    c[j] = dotUb / s[j]!;
  }
  const x0 = mul(Vr, n, r, c);
  const frob = norm(a); // ‖·‖_F
  const residual = (x: Float64Array): number => {
    const ax = mul(a, m, n, x);
    for (let i = 0; i < m; i++) ax[i] = ax[i]! - bv[i]!;
    return norm(ax);
  };
  const bn = norm(bv);
  if (!within(residual(x0), bn)) throw new ParameterError(`${fn}: b must lie in the range of A (the set {x : Ax = b} is empty; least-squares residual ${residual(x0)})`);
  return derived(
    `indAffine(${m} × ${n})`,
    { convex: true, separable: false, prox: 'closed-form', indicator: true },
    (x) => (within(residual(x), bn + frob * norm(x)) ? 0 : Infinity),
    (v) => {
      const w = mulT(Vr, n, r, v); // V_rᵀ v (length r)
      const p = mul(Vr, n, r, w);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = v[i]! - p[i]! + x0[i]!;
      return out;
    },
    n,
  );
}

/**
 * The convex quadratic f(x) = ½xᵀQx + qᵀx with Q symmetric positive semidefinite (n × n).
 *
 * prox (any t): prox_{tf}(v) = (I + tQ)⁻¹(v − tq) = W·diag(1/(1 + tλᵢ))·Wᵀ(v − tq) with Q = WΛWᵀ, the
 * eigendecomposition computed once (WASM Householder + QL, `symmetricEigen`, O(n³)) and reused for
 * every t; each prox is O(n²). Q's eigenvalues must be ≥ −1e-12·‖Q‖_F (rounding of a PSD matrix; the
 * negative ones are clipped to 0).
 *
 * value(x): ½xᵀQx + qᵀx with the given Q.
 *
 * @param Q  the n × n symmetric PSD matrix: `{ data, rows, cols }` or an array of rows (copied;
 *           symmetric to 1e-12·‖Q‖_F entrywise).
 * @param q  the linear term, length n (copied); default zeros.
 */
export function quadratic(Q: MatrixInput, q?: VectorInput): ProxOperator {
  const fn = 'quadratic';
  const { data, rows: n, cols } = readMatrix(fn, 'Q', Q);
  const Qm = readFinite(fn, 'Q', data);
  if (n !== cols) throw new ShapeError(`${fn}: Q must be square (got ${n} × ${cols})`);
  if (n === 0) throw new ParameterError(`${fn}: Q must be at least 1 × 1 (got 0 × 0)`);
  const qv = q === undefined ? new Float64Array(n) : readFinite(fn, 'q', q);
  if (qv.length !== n) throw new ShapeError(`${fn}: q must have length n = ${n} (got ${qv.length})`);
  const frob = norm(Qm); // ‖·‖_F
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const d = Math.abs(Qm[i * n + j]! - Qm[j * n + i]!);
      if (!(d <= 1e-12 * frob)) throw new ParameterError(`${fn}: Q must be symmetric (Q[${i}][${j}] = ${Qm[i * n + j]} but Q[${j}][${i}] = ${Qm[j * n + i]})`);
    }
  }
  const { values, vectors } = symmetricEigen(Qm, n);
  const lambda = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(values[i]! >= -1e-12 * frob)) throw new ParameterError(`${fn}: Q must be positive semidefinite (eigenvalue ${values[i]})`);
    lambda[i] = Math.max(values[i]!, 0);
  }
  return derived(
    `quadratic(${n})`,
    { convex: true, separable: false, prox: 'closed-form', indicator: false },
    (x) => {
      const Qx = mul(Qm, n, n, x);
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * (Qx[i]! / 2 + qv[i]!);
      return s;
    },
    (v, t) => {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[i] = v[i]! - t * qv[i]!;
      const c = mulT(vectors, n, n, w); // Wᵀ(v − tq)
      for (let j = 0; j < n; j++) c[j] = c[j]! / (1 + t * lambda[j]!);
      return mul(vectors, n, n, c);
    },
    n,
  );
}
