/**
 * Indicators of closed convex cones: the positive semidefinite cone of symmetric matrices and the
 * second-order (Lorentz) cone. Both cones are self-dual, so the Moreau decomposition reads
 * v = P_K(v) − P_K(−v) with ⟨P_K(v), P_K(−v)⟩ = 0 (the tests check exactly this).
 */
import { ParameterError, ShapeError } from '../../runtime/errors.js';
import { MAX_F64_LENGTH, f64View } from '../../runtime/memory.js';
import { eigenInScope, symmetricEigen } from '../../linalg/eigen.js';
import { positiveInteger } from '../../runtime/validate.js';
import { mathWasm, type MathKernels } from '../../runtime/math.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, within } from './define.js';
import { norm2 } from './norms.js';

const CONE = { convex: true, separable: false, prox: 'closed-form', indicator: true } as const;

/**
 * The PSD cone S₊ⁿ = {X ∈ ℝⁿˣⁿ : X = Xᵀ, X ⪰ 0}, X given row-major as a vector of length n².
 *
 * prox (any t): the Frobenius-nearest PSD matrix. As S₊ⁿ lies in the subspace of symmetric matrices,
 * the projection of any V is that of its symmetric part S = (V + Vᵀ)/2: with S = QΛQᵀ (WASM
 * Householder + implicit QL, see `symmetricEigen`), P(V) = Q·max(Λ, 0)·Qᵀ, recomposed in WASM from
 * the eigenpairs with λ > 0 only. The result is symmetric to rounding (about 1e-15·‖V‖_F); O(n³).
 *
 * value(X): 0 when X is symmetric and λ_min(X) ≥ −1e-9·(1 + ‖X‖_F) (entrywise asymmetry at most
 * 1e-9·(1 + ‖X‖_F)), +Infinity otherwise.
 *
 * @param n  the order of the matrices, an integer ≥ 1 (n² ≤ 2^28).
 */
export function indPsd(n: number): ProxOperator {
  const fn = 'indPsd';
  positiveInteger(fn, 'n', n);
  const size = n * n;
  if (size > MAX_F64_LENGTH) throw new ParameterError(`${fn}: n² must be at most 2^28 (got n = ${n})`);
  return defineOperator({
    name: `indPsd(${n})`,
    properties: CONE,
    value: (x) => {
      const scale = norm2(x);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) if (!within(Math.abs(x[i * n + j]! - x[j * n + i]!), scale)) return Infinity;
      }
      const { values } = symmetricEigen(x, n);
      return within(-values[n - 1]!, scale) ? 0 : Infinity;
    },
    checkLength: (f, len) => {
      if (len !== size) throw new ShapeError(`${f}: ${f.endsWith('.value') ? 'x' : 'v'} must have length n² = ${size} (got ${len})`);
    },
    run: (s, input, out) => {
      // Allocate before taking views: a scope allocation may grow (and detach) WASM memory.
      const sym = s.f64(size);
      const v = f64View(s.x, input.ptr, size);
      for (let i = 0; i < size; i++) if (!Number.isFinite(v[i]!)) return 1;
      // Symmetric part into scratch (the eigen kernel reads only the lower triangle).
      const sv = f64View(s.x, sym, size);
      for (let i = 0; i < n; i++) {
        sv[i * n + i] = v[i * n + i]!;
        for (let j = 0; j < i; j++) sv[i * n + j] = sv[j * n + i] = (v[i * n + j]! + v[j * n + i]!) / 2;
      }
      const e = eigenInScope(s, sym, n, 'v');
      const d = s.f64(n);
      const tmp = s.f64(n);
      const lambda = f64View(s.x, e.values, n);
      const dv = f64View(s.x, d, n);
      // Eigenvalues are descending: the positive ones are a prefix of length r.
      let r = 0;
      for (let i = 0; i < n; i++) {
        dv[i] = lambda[i]! > 0 ? lambda[i]! : 0;
        if (lambda[i]! > 0) r = i + 1;
      }
      s.x.svdCompose(e.vectors, e.vectors, d, n, n, n, r, out, tmp);
      return 0;
    },
  });
}

/**
 * The second-order (Lorentz, ice-cream) cone K = {(t, x) ∈ ℝ × ℝᵐ : ‖x‖₂ ≤ t}; a vector v of length
 * m + 1 ≥ 1 is read as t = v[0] and x = v[1..] (the convention of ProximalOperators.jl's IndSOC).
 *
 * prox (any t): with r = ‖x‖₂, v itself when r ≤ t; 0 when r ≤ −t; otherwise
 * ((t + r)/2)·(1, x/r) (the closed form of Boyd & Vandenberghe's projection onto the cone's boundary
 * ray through x). O(m).
 *
 * value(v): 0 when ‖x‖₂ − t ≤ 1e-9·(1 + |t|), +Infinity otherwise.
 */
export function indSoc(): ProxOperator {
  return defineOperator({
    name: 'indSoc()',
    properties: CONE,
    value: (v) => (within(norm2(v.subarray(1)) - v[0]!, v[0]!) ? 0 : Infinity),
    checkLength: (f, len) => {
      if (len === 0) throw new ShapeError(`${f}: v must have length >= 1 (the cone variable t first; got 0)`);
    },
    run: (s, input, out) => {
      const len = input.n;
      const v = f64View(s.x, input.ptr, len);
      const o = f64View(s.x, out, len);
      for (let i = 0; i < len; i++) if (!Number.isFinite(v[i]!)) return 1;
      const t = v[0]!;
      const r = norm2(v.subarray(1)); // scaled: no overflow for entries near 1e300
      if (r <= t) {
        if (out !== input.ptr) o.set(v);
        return 0;
      }
      if (r <= -t) {
        o.fill(0);
        return 0;
      }
      const a = (t + r) / 2;
      const c = a / r;
      o[0] = a;
      for (let i = 1; i < len; i++) o[i] = c * v[i]!;
      return 0;
    },
  });
}

// The exponential cone's exp and log (membership tests, ray, stationarity, grid) run in WASM (`M`):
// JavaScript's Math.exp/log/pow differ in the last bit between engines, and the projection's Newton
// search would carry such a difference into its result.

/** Whether (r, s, t) lies in the exponential cone (exactly, no tolerance; used to skip the search). */
function inExpCone(M: MathKernels, r: number, s: number, t: number): boolean {
  if (s > 0) return t > 0 && r / s <= M.mathLog(t / s);
  return s === 0 && r <= 0 && t >= 0;
}

/** Whether (u, v, w) lies in the dual cone K* = {u < 0, −u·e^{v/u} ≤ e·w} ∪ {u = 0, v ≥ 0, w ≥ 0}. */
function inExpDual(M: MathKernels, u: number, v: number, w: number): boolean {
  if (u < 0) return w > 0 && v / u - 1 <= M.mathLog(w / -u);
  return u === 0 && v >= 0 && w >= 0;
}

/**
 * The ray direction d(ρ) = (ρ, 1, e^ρ) of the cone's curved boundary {s·d(ρ) : s > 0}, scaled by
 * e^{−ρ} for ρ > 0 so that nothing overflows: the same ray either way.
 */
function expRay(M: MathKernels, rho: number, d: Float64Array): void {
  if (rho > 0) {
    const e = M.mathExp(-rho);
    d[0] = rho * e;
    d[1] = e;
    d[2] = 1;
  } else {
    d[0] = rho;
    d[1] = 1;
    d[2] = M.mathExp(rho);
  }
}

/**
 * The stationarity condition of the distance from (r0, s0, t0) to the ray d(ρ), which holds at the
 * projection's ρ = r/s: writing v₀ = s·d(ρ) + μ·∇F with F(r, s, t) = s·e^{r/s} − t and eliminating s
 * and μ gives g(ρ) = r0(1 + (1 − ρ)e^{2ρ}) + t0·e^ρ(ρ² − ρ + 1) − s0(ρ + e^{2ρ}) = 0. Returns
 * [g, g′], divided by e^{2ρ} for ρ > 0 (same root, no overflow).
 */
function expStationarity(M: MathKernels, rho: number, r0: number, s0: number, t0: number): [number, number] {
  if (rho > 0) {
    const e1 = M.mathExp(-rho);
    const e2 = e1 * e1;
    const q = rho * rho - rho + 1;
    return [
      r0 * (e2 + 1 - rho) + t0 * e1 * q - s0 * (rho * e2 + 1),
      -r0 * (2 * e2 + 1) + t0 * e1 * (-rho * rho + 3 * rho - 2) - s0 * e2 * (1 - 2 * rho),
    ];
  }
  const e1 = M.mathExp(rho);
  const e2 = e1 * e1;
  return [
    r0 * (1 + (1 - rho) * e2) + t0 * e1 * (rho * rho - rho + 1) - s0 * (rho + e2),
    r0 * (1 - 2 * rho) * e2 + t0 * e1 * (rho * rho + rho) - s0 * (1 + 2 * e2),
  ];
}

// Candidate ρ for the scan: 0 and ±10^{k/8}, k = −24 … 80 (|ρ| from 1e-3 to 1e10), ascending; built on
// first use, as the powers come from WASM (not available before init).
let expGrid: Float64Array | null = null;
function expGridOf(M: MathKernels): Float64Array {
  if (expGrid === null) {
    const pos: number[] = [];
    for (let k = -24; k <= 80; k++) pos.push(M.mathPow(10, k / 8));
    expGrid = Float64Array.from([...pos.map((x) => -x).reverse(), 0, ...pos]);
  }
  return expGrid;
}

/**
 * The maximiser of the ray cosine on [a, b] (neighbours of the best grid point ρ₀): where the
 * stationarity function g changes sign from + to − there (the usual case), Newton steps safeguarded
 * by bisection to full precision — the cosine itself is too flat near its maximum (curvature ~ρ⁻⁴ for
 * large |ρ|) to locate it by comparisons; otherwise golden section on the cosine, then Newton kept
 * inside [a, b].
 */
function expMaximiser(M: MathKernels, a: number, b: number, rho0: number, r0: number, s0: number, t0: number, cosine: (rho: number) => number): number {
  const ga = expStationarity(M, a, r0, s0, t0)[0];
  const gb = expStationarity(M, b, r0, s0, t0)[0];
  let rho = rho0;
  if (ga > 0 && gb < 0) {
    let [lo, hi] = [a, b];
    for (let k = 0; k < 200; k++) {
      const [g, dg] = expStationarity(M, rho, r0, s0, t0);
      if (g === 0) return rho;
      if (g > 0) lo = rho;
      else hi = rho;
      let next = rho - g / dg;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2; // Newton left the bracket: bisect
      if (Math.abs(next - rho) <= 4e-16 * Math.abs(rho) || next === lo || next === hi || hi - lo <= 4e-16 * Math.abs(rho)) return next;
      rho = next;
    }
    return rho;
  }
  const phi = (Math.sqrt(5) - 1) / 2;
  let [lo, hi] = [a, b];
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let c1 = cosine(x1);
  let c2 = cosine(x2);
  for (let k = 0; k < 200 && hi - lo > 1e-12 * (1 + Math.abs(lo) + Math.abs(hi)); k++) {
    if (c1 >= c2) {
      [hi, x2, c2] = [x2, x1, c1];
      x1 = hi - phi * (hi - lo);
      c1 = cosine(x1);
    } else {
      [lo, x1, c1] = [x1, x2, c2];
      x2 = lo + phi * (hi - lo);
      c2 = cosine(x2);
    }
  }
  rho = (lo + hi) / 2;
  for (let k = 0; k < 30; k++) {
    const [g, dg] = expStationarity(M, rho, r0, s0, t0);
    const next = rho - g / dg;
    if (!(next >= a && next <= b)) break;
    const step = Math.abs(next - rho);
    rho = next;
    if (step <= 4e-16 * (1 + Math.abs(rho))) break;
  }
  return rho;
}

/**
 * Projection of (r0, s0, t0) onto K_exp (into out[o..o+2]) in the case where it lies on the curved
 * boundary: the ray s·d(ρ) with the largest cosine to v₀ (a scan over EXP_GRID, then `expMaximiser`
 * between the best point's neighbours).
 */
function projectExpBoundary(M: MathKernels, r0: number, s0: number, t0: number, out: Float64Array, o: number): void {
  const EXP_GRID = expGridOf(M);
  const d = new Float64Array(3);
  const cosine = (rho: number): number => {
    expRay(M, rho, d);
    return (r0 * d[0]! + s0 * d[1]! + t0 * d[2]!) / Math.sqrt(d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!);
  };
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < EXP_GRID.length; i++) {
    const c = cosine(EXP_GRID[i]!);
    if (c > bestValue) [best, bestValue] = [i, c];
  }
  const a = EXP_GRID[Math.max(best - 1, 0)]!;
  const b = EXP_GRID[Math.min(best + 1, EXP_GRID.length - 1)]!;
  const rho = expMaximiser(M, a, b, EXP_GRID[best]!, r0, s0, t0, cosine);
  expRay(M, rho, d);
  const dd = d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!;
  const s = Math.max(0, r0 * d[0]! + s0 * d[1]! + t0 * d[2]!) / dd;
  out[o] = s * d[0]!;
  out[o + 1] = s * d[1]!;
  out[o + 2] = s * d[2]!;
}

/**
 * The exponential cone K_exp = cl{(x, y, z) : y > 0, y·e^{x/y} ≤ z} = {y > 0, y·e^{x/y} ≤ z} ∪
 * {x ≤ 0, y = 0, z ≥ 0} (the convention of SCS and ProximalOperators.jl's IndExpPrimal), or the
 * product of k such cones: a vector of length 3k is read as k consecutive triples (x, y, z).
 *
 * prox (any t), per triple v₀ = (x₀, y₀, z₀): v₀ itself when v₀ ∈ K; 0 when −v₀ ∈ K* (the dual cone
 * {u < 0, −u·e^{v/u} ≤ e·w} ∪ {u = 0, v ≥ 0, w ≥ 0}); (x₀, 0, max(z₀, 0)) when x₀ ≤ 0 and y₀ ≤ 0
 * (Parikh & Boyd, "Proximal algorithms", §6.3.4); otherwise the point s·(ρ, 1, e^ρ) of the curved
 * boundary, where ρ solves the one-dimensional stationarity condition
 * x₀(1 + (1 − ρ)e^{2ρ}) + z₀e^ρ(ρ² − ρ + 1) − y₀(ρ + e^{2ρ}) = 0 (found by a scan of the ray cosine,
 * golden section and Newton) and s = max(0, ⟨v₀, d⟩)/‖d‖², d = (ρ, 1, e^ρ). The result satisfies
 * P ∈ K, P − v₀ ∈ K* and ⟨P, P − v₀⟩ = 0 to ~1e-15·‖v₀‖ (the Moreau decomposition with the dual
 * cone; tested). About 250 exp evaluations per triple.
 *
 * value(v): 0 when every triple is in K up to 1e-9 relative, with ε = 1e-9·(1 + |x| + |z|): y > 0 and
 * y·e^{x/y} − z ≤ ε, or |y| ≤ ε, x ≤ ε and z ≥ −ε; +Infinity otherwise.
 */
export function indExpCone(): ProxOperator {
  return defineOperator({
    name: 'indExpCone()',
    properties: CONE,
    value: (v) => {
      const M = mathWasm('indExpCone().value');
      for (let i = 0; i < v.length; i += 3) {
        const [x, y, z] = [v[i]!, v[i + 1]!, v[i + 2]!];
        const scale = Math.abs(x) + Math.abs(z);
        const inside = (y > 0 && within(y * M.mathExp(x / y) - z, scale))
          || (within(Math.abs(y), scale) && within(x, scale) && within(-z, scale));
        if (!inside) return Infinity;
      }
      return 0;
    },
    checkLength: (f, len) => {
      if (len % 3 !== 0) throw new ShapeError(`${f}: ${f.endsWith('.value') ? 'x' : 'v'} must have a length that is a multiple of 3 (triples (x, y, z); got ${len})`);
    },
    run: (s, input, out, _t, fn) => {
      const M = mathWasm(fn);
      const len = input.n;
      const v = f64View(s.x, input.ptr, len);
      for (let i = 0; i < len; i++) if (!Number.isFinite(v[i]!)) return 1;
      const o = f64View(s.x, out, len);
      for (let i = 0; i < len; i += 3) {
        const [r0, s0, t0] = [v[i]!, v[i + 1]!, v[i + 2]!];
        if (inExpCone(M, r0, s0, t0)) {
          [o[i], o[i + 1], o[i + 2]] = [r0, s0, t0];
        } else if (inExpDual(M, -r0, -s0, -t0)) {
          o[i] = o[i + 1] = o[i + 2] = 0;
        } else if (r0 <= 0 && s0 <= 0) {
          [o[i], o[i + 1], o[i + 2]] = [r0, 0, Math.max(t0, 0)];
        } else {
          projectExpBoundary(M, r0, s0, t0, o, i);
        }
      }
      return 0;
    },
  });
}
