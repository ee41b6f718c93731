/**
 * A Bregman proximal operator for baryconvex optimization: the proximal step on a convex combination
 * Σᵢ wᵢfᵢ of convex losses whose weights w ∈ Δ are updated in a minimax fashion, in a geometry that is
 * Euclidean (or entropic) in x and entropic (KL) in w — after "A Bregman firmly nonexpansive proximal
 * operator for baryconvex optimization" (2024). Our reading of the abstract, derived here and checked
 * numerically (test/saddle/baryconvex.test.ts): for a step t > 0,
 *
 *   T_t(x, w) = (x⁺, w⁺) = the saddle point of  min_{x'} max_{w' ∈ Δ}  Σᵢ w'ᵢ fᵢ(x') + D(x', x)/t − KL(w' ‖ w)/t,
 *
 * with D(x', x) = ‖x' − x‖²/2 ('euclidean') or KL(x' ‖ x) on the simplex ('kl'). The inner maximum is
 * explicit, w⁺ᵢ ∝ wᵢ exp(t fᵢ(x⁺)), so x⁺ minimizes the smooth convex (1/t) log Σᵢ wᵢ e^{t fᵢ(x')} + D(x', x)/t.
 * T_t is the resolvent (∇h + tA)⁻¹∇h of the monotone operator A = (∂ₓL, −∂_wL) of L(x, w) = Σ wᵢfᵢ(x),
 * for the Legendre function h = ½‖x‖² (or Σ x log x) + Σ w log w, hence Bregman firmly nonexpansive:
 *
 *   ⟨T u − T v, ∇h(T u) − ∇h(T v)⟩ ≤ ⟨T u − T v, ∇h(u) − ∇h(v)⟩.
 *
 * With one loss (m = 1) it is the classical prox_{t f}(x).
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import type { VectorInput } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { mathWasm } from '../runtime/math.js';
import type { SmoothFunction } from '../prox/algorithms/index.js';
import { checkSmoothArg, finiteOut, nonNegativeOption, positiveArg, vectorArg } from './common.js';

/** Options of `bregmanBaryconvexProx`: the geometry of x and the inner solver's stopping rule. */
export interface BaryconvexProxOptions {
  /** The geometry of x: 'euclidean' (default, x ∈ ℝⁿ) or 'kl' (x in the relative interior of the simplex, entropic). */
  geometry?: 'euclidean' | 'kl';
  /** Stop when the optimality residual of x⁺ is ≤ tol (default 1e-13, relative to max(1, ‖x‖)). */
  tol?: number;
  /** Most inner iterations (default 100000). */
  maxIter?: number;
}

/** The image (x⁺, w⁺) of `bregmanBaryconvexProx` and how its inner solver ended. */
export interface BaryconvexProxResult {
  /** x⁺. */
  x: Float64Array;
  /** w⁺ (on the simplex). */
  w: Float64Array;
  /** Inner iterations used. */
  iterations: number;
  /** True when the residual reached tol. */
  converged: boolean;
  /**
   * The optimality residual of x⁺: ‖∇φ(x⁺)‖ for 'euclidean' (φ the reduced objective), and for 'kl' the
   * spread max − min over i of (∇φ)ᵢ on the support (zero exactly at the minimizer on the simplex).
   */
  residual: number;
}

const BARY_KEYS = optionKeys<BaryconvexProxOptions>({ geometry: true, tol: true, maxIter: true });

/**
 * The Bregman baryconvex proximal operator T_t(x, w) (see the module documentation).
 * @param losses the convex losses f₁ … f_m (SmoothFunction, each with a `dimension` or taking x's length).
 * @param x the primal point (length n; on the open simplex for geometry 'kl').
 * @param w the weights (length m, positive, summing to 1).
 * @param t the step t > 0.
 * @throws ParameterError for empty losses, weights off the open simplex, a bad step or options;
 *   ShapeError when lengths disagree.
 */
export function bregmanBaryconvexProx(losses: readonly SmoothFunction[], x: VectorInput, w: VectorInput, t: number, options: BaryconvexProxOptions = {}): BaryconvexProxResult {
  const fn = 'bregmanBaryconvexProx';
  if (!Array.isArray(losses) || losses.length === 0) throw parameterError(fn, 'losses', 'a non-empty array of SmoothFunction', losses);
  losses.forEach((f, i) => checkSmoothArg(fn, `losses[${i}]`, f));
  const o = readOptions(fn, options, BARY_KEYS);
  const geometry = o.geometry ?? 'euclidean';
  if (geometry !== 'euclidean' && geometry !== 'kl') throw parameterError(fn, 'options.geometry', "'euclidean' or 'kl'", geometry);
  const tol = nonNegativeOption(fn, 'options.tol', o.tol, 1e-13);
  const maxIter = o.maxIter ?? 100000;
  if (!Number.isSafeInteger(maxIter) || maxIter < 1) throw parameterError(fn, 'options.maxIter', 'a positive integer', maxIter);
  positiveArg(fn, 't', t);
  const x0 = vectorArg(fn, 'x', x);
  const n = x0.length;
  losses.forEach((f, i) => {
    if (f.dimension !== undefined && f.dimension !== n) throw new ShapeError(`${fn}: losses[${i}].dimension must equal the length of x = ${n} (got ${f.dimension})`);
  });
  const m = losses.length;
  const w0 = vectorArg(fn, 'w', w, m);
  checkSimplex(fn, 'w', w0);
  if (geometry === 'kl') checkSimplex(fn, 'x', x0);
  // exp and log from WASM: JavaScript's Math.exp/log differ in the last bit between engines, and the
  // iteration would carry such a difference into x⁺ and w⁺
  const M = mathWasm(fn);
  const log = (v: number): number => M.mathLog(v);
  const logw = w0.map(log);
  const vals = new Float64Array(m);
  const p = new Float64Array(m);
  const gi = new Float64Array(n);

  /** Weights p = softmax(log w + t f(z)) and the gradient Σ pᵢ∇fᵢ(z) into g; returns (1/t) log Σ wᵢ e^{t fᵢ(z)}. */
  const mixed = (z: Float64Array, g: Float64Array): number => {
    let mx = -Infinity;
    for (let i = 0; i < m; i++) {
      vals[i] = losses[i]!.value(z);
      if (!Number.isFinite(vals[i]!)) throw new ParameterError(`${fn}: losses[${i}].value must be finite (got ${vals[i]})`);
      mx = Math.max(mx, logw[i]! + t * vals[i]!);
    }
    let s = 0;
    for (let i = 0; i < m; i++) {
      p[i] = M.mathExp(logw[i]! + t * vals[i]! - mx);
      s += p[i]!;
    }
    g.fill(0);
    for (let i = 0; i < m; i++) {
      p[i] = p[i]! / s;
      losses[i]!.gradient(z, gi);
      finiteOut(fn, `losses[${i}].gradient`, gi);
      for (let j = 0; j < n; j++) g[j] = g[j]! + p[i]! * gi[j]!;
    }
    return (mx + M.mathLog(s)) / t;
  };

  const scale = Math.max(1, Math.hypot(...x0));
  const g = new Float64Array(n);
  let z: Float64Array;
  let iterations: number;
  let residual: number;
  if (geometry === 'euclidean') {
    // φ(z) = LSE_t(z) + ‖z − x‖²/(2t), (1/t)-strongly convex: z_{k+1} = (1 − δ)z_k + δ(x − t∇F(z_k)),
    // δ = 1/(1 + tL) (gradient descent with step 1/(L + 1/t)), L found by backtracking on
    // ⟨∇F(z_{k+1}) − ∇F(z_k), z_{k+1} − z_k⟩ ≤ L‖z_{k+1} − z_k‖²; the residual is ‖∇φ(z)‖.
    const gNew = new Float64Array(n);
    const res = (zv: Float64Array, gv: Float64Array): number => {
      let s2 = 0;
      for (let j = 0; j < n; j++) s2 += (gv[j]! + (zv[j]! - x0[j]!) / t) ** 2;
      return Math.sqrt(s2);
    };
    z = x0.slice();
    mixed(z, g);
    residual = res(z, g);
    let L = 1;
    iterations = 0;
    while (iterations < maxIter && residual * t > tol * scale) {
      iterations++;
      let zn: Float64Array;
      for (;;) {
        const delta = 1 / (1 + t * L);
        zn = z.map((v, j) => (1 - delta) * v + delta * (x0[j]! - t * g[j]!));
        mixed(zn, gNew);
        let cross = 0;
        let sq = 0;
        for (let j = 0; j < n; j++) {
          const dj = zn[j]! - z[j]!;
          cross += (gNew[j]! - g[j]!) * dj;
          sq += dj * dj;
        }
        if (cross <= L * sq || L > 1e300) break;
        L *= 2;
      }
      z = zn;
      g.set(gNew);
      residual = res(z, g);
      L *= 0.9;
    }
  } else {
    // Entropic mirror descent on φ(x') = LSE_t(x') + KL(x' ‖ x)/t over the simplex: in log space
    // log x'_{k+1} = (1 − δ) log x'_k + δ(log x − t∇F(x'_k)) + const with δ = 1/(1 + tL), where L is a
    // relative-smoothness constant of F = LSE_t found by backtracking on the symmetric test
    // ⟨∇F(x'_{k+1}) − ∇F(x'_k), x'_{k+1} − x'_k⟩ ≤ L·⟨x'_{k+1} − x'_k, log x'_{k+1} − log x'_k⟩ (linear rate 1 − δ).
    const logx = x0.map(log);
    const gNew = new Float64Array(n);
    const spread = (xv: Float64Array, gv: Float64Array): number => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < n; j++) {
        const r = gv[j]! + (M.mathLog(xv[j]!) - logx[j]!) / t;
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
      return hi - lo;
    };
    z = x0.slice();
    mixed(z, g);
    residual = spread(z, g);
    let L = 1;
    iterations = 0;
    while (iterations < maxIter && residual * t > tol) {
      iterations++;
      let zn: Float64Array;
      for (;;) {
        const delta = 1 / (1 + t * L);
        const lz = z.map((v, j) => (1 - delta) * M.mathLog(v) + delta * (logx[j]! - t * g[j]!));
        const mx = Math.max(...lz);
        const e = lz.map((v) => M.mathExp(v - mx));
        const tot = e.reduce((a, b) => a + b, 0);
        zn = e.map((v) => v / tot);
        mixed(zn, gNew);
        let cross = 0;
        let sym = 0;
        for (let j = 0; j < n; j++) {
          const dj = zn[j]! - z[j]!;
          cross += (gNew[j]! - g[j]!) * dj;
          sym += dj * (M.mathLog(zn[j]!) - M.mathLog(z[j]!));
        }
        if (cross <= L * sym || L > 1e300) break;
        L *= 2;
      }
      z = zn;
      g.set(gNew);
      residual = spread(z, g);
      L *= 0.9;
    }
  }

  mixed(z, g);
  return { x: z, w: p.slice(), iterations: Math.min(iterations, maxIter), converged: residual * t <= tol * (geometry === 'euclidean' ? scale : 1), residual };
}

function checkSimplex(fn: string, name: string, v: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(v[i]! > 0)) throw new ParameterError(`${fn}: ${name} must be positive (on the open simplex; got ${v[i]} at index ${i})`);
    s += v[i]!;
  }
  if (Math.abs(s - 1) > 1e-9) throw new ParameterError(`${fn}: ${name} must sum to 1 (got ${s})`);
}

/**
 * The Bregman firm-nonexpansiveness gap of T_t at a pair of points u = (x, w), v = (x̃, w̃) with images
 * Tu, Tv: ⟨Tu − Tv, ∇h(u) − ∇h(v)⟩ − ⟨Tu − Tv, ∇h(Tu) − ∇h(Tv)⟩, with ∇h = (x, log w) ('euclidean') or
 * (log x, log w) ('kl'). It is ≥ 0 for a Bregman firmly nonexpansive operator (exactly t⟨A(Tu) − A(Tv), Tu − Tv⟩ here).
 * @throws ShapeError when the lengths of the eight vectors disagree.
 */
export function bregmanFirmGap(
  u: { x: ArrayLike<number>; w: ArrayLike<number> },
  v: { x: ArrayLike<number>; w: ArrayLike<number> },
  Tu: { x: ArrayLike<number>; w: ArrayLike<number> },
  Tv: { x: ArrayLike<number>; w: ArrayLike<number> },
  geometry: 'euclidean' | 'kl' = 'euclidean',
): number {
  const fn = 'bregmanFirmGap';
  if (geometry !== 'euclidean' && geometry !== 'kl') throw parameterError(fn, 'geometry', "'euclidean' or 'kl'", geometry);
  const read = (name: string, p: unknown, n?: number, m?: number): { x: Float64Array; w: Float64Array } => {
    const q = p as { x?: unknown; w?: unknown } | null;
    if (q === null || typeof q !== 'object') throw parameterError(fn, name, 'an object { x, w }', p);
    const x = vectorArg(fn, `${name}.x`, q.x as never, n);
    const w = vectorArg(fn, `${name}.w`, q.w as never, m);
    // the logarithms below need positive weights (and positive x in the KL geometry)
    w.forEach((v, i) => {
      if (!(v > 0)) throw new ParameterError(`${fn}: ${name}.w must be positive (got ${v} at index ${i})`);
    });
    if (geometry === 'kl') {
      x.forEach((v, i) => {
        if (!(v > 0)) throw new ParameterError(`${fn}: ${name}.x must be positive in the KL geometry (got ${v} at index ${i})`);
      });
    }
    return { x, w };
  };
  u = read('u', u);
  const n = u.x.length;
  const m = u.w.length;
  v = read('v', v, n, m);
  Tu = read('Tu', Tu, n, m);
  Tv = read('Tv', Tv, n, m);
  const M = mathWasm(fn); // logs in WASM, as in bregmanBaryconvexProx
  const log = (a: number): number => M.mathLog(a);
  const hx = geometry === 'euclidean' ? (a: number) => a : log;
  let gap = 0;
  for (let j = 0; j < n; j++) {
    const d = Tu.x[j]! - Tv.x[j]!;
    gap += d * (hx(u.x[j]!) - hx(v.x[j]!) - (hx(Tu.x[j]!) - hx(Tv.x[j]!)));
  }
  for (let i = 0; i < m; i++) {
    const d = Tu.w[i]! - Tv.w[i]!;
    gap += d * (log(u.w[i]!) - log(v.w[i]!) - (log(Tu.w[i]!) - log(Tv.w[i]!)));
  }
  return gap;
}
