/**
 * A certified full-batch reference for min_θ CVaR_β(ℓ(θ)) with the convex losses ('squared',
 * 'logistic', 'absolute') of a linear model: an upper bound from a primal point and a lower bound from a
 * dual point, so experiments report suboptimality against [lowerBound, objective]. The absolute loss is
 * a linear program, solved by cvarQp (absoluteReference at the end of this file); the smooth losses by:
 *
 * Primal: Newton's method on the smoothed RU form F_μ(θ, η) = η + (1/k)·Σ μ·log(1 + e^{(ℓᵢ(θ) − η)/μ})
 * (F ≤ F_μ ≤ F + μ·n·log 2/k), with μ decreased tenfold per stage (continuation), d + 2 unknowns.
 * Dual: CVaR_β(ℓ) = max_{q ∈ W} ⟨q, ℓ⟩, W = {0 ≤ q ≤ 1/k, Σq = 1}, so for every q ∈ W
 *   min_θ CVaR_β(ℓ(θ)) ≥ min_θ Σ qᵢ ℓᵢ(θ)   (weak duality),
 * evaluated at q = Π_W(softplus′ weights of the last stage) by Newton on the weighted loss (exact
 * for 'squared'; quadratically convergent for 'logistic', stopped at a gradient ≤ 1e-13 relative).
 */
import { ConvergenceError } from '../linalg/eigen.js';
import { parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { checkBoolean } from '../runtime/checks.js';
import { cvarAndVar, checkBeta, tail } from './cvar.js';
import { logisticLabels, readDataset, type Dataset, type Matrix } from './minimize.js';
import { cvarQp } from './qp.js';
import { mathWasm, type MathKernels } from '../runtime/math.js';

/** Options of {@link cvarReference}: the same conventions as {@link MinimizeCvarOptions}. */
export interface CvarReferenceOptions {
  /** Features, row-major `{ data, rows, cols }` or an array of rows (n × d). */
  X: Matrix | ArrayLike<number>[];
  /** Targets, length n (for 'logistic', labels ±1; 0 is read as −1). */
  y: ArrayLike<number>;
  /** 'squared' (default), 'logistic' or 'absolute' (solved as a linear program, see {@link cvarReference}). */
  loss?: 'squared' | 'logistic' | 'absolute';
  /** CVaR level in [0, 1). Default 0.9. */
  beta?: number;
  /** Fit an intercept b. Default true. */
  fitIntercept?: boolean;
}

/** Result of {@link cvarReference}: a primal point with its CVaR and a certified lower bound on the optimum. */
export interface CvarReference {
  /** CVaR at `weights`, `intercept`: an upper bound on the optimum. */
  objective: number;
  /** A certified lower bound on the optimum (weak duality). */
  lowerBound: number;
  /** objective − lowerBound ≥ 0. */
  gap: number;
  /** The weights w at the returned point. */
  weights: Float64Array;
  /** The intercept b at the returned point. */
  intercept: number;
  /** The η at the returned point (a VaR_β of its losses). */
  eta: number;
}

/** Solves the symmetric positive definite system A x = b (D×D, row-major) by Cholesky with a tiny ridge fallback. */
function solveSpd(A: Float64Array, b: Float64Array, D: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-14 : ridge * 100) {
    const L = new Float64Array(D * D);
    let ok = true;
    let scale = 0;
    for (let i = 0; i < D; i++) scale = Math.max(scale, Math.abs(A[i * D + i]!));
    // A zero Hessian (every softplus weight underflowed) still gets a ridge: the step is then a
    // gradient step that the line search damps.
    if (scale === 0) scale = 1;
    for (let i = 0; i < D && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * D + j]! + (i === j ? ridge * scale : 0);
        for (let p = 0; p < j; p++) s -= L[i * D + p]! * L[j * D + p]!;
        if (i === j) {
          if (!(s > 0)) ok = false;
          else L[i * D + i] = Math.sqrt(s);
        } else L[i * D + j] = s / L[j * D + j]!;
      }
    }
    if (!ok) {
      if (ridge > 1) throw new ConvergenceError('cvarReference: the Newton system stays singular with a ridge of 100·max|diag| (badly scaled data)');
      continue;
    }
    const x = Float64Array.from(b);
    for (let i = 0; i < D; i++) {
      for (let p = 0; p < i; p++) x[i]! -= L[i * D + p]! * x[p]!;
      x[i]! /= L[i * D + i]!;
    }
    for (let i = D - 1; i >= 0; i--) {
      for (let p = i + 1; p < D; p++) x[i]! -= L[p * D + i]! * x[p]!;
      x[i]! /= L[i * D + i]!;
    }
    return x;
  }
}

/**
 * φ, φ′, φ″ of the loss at prediction p and target y. The logistic loss and σ run in WASM (`M`), not
 * JavaScript's Math.exp/log1p, whose last bits differ between engines: the optimum is then the same
 * in Node and in a browser.
 */
function lossParts(M: MathKernels, loss: 'squared' | 'logistic', p: number, y: number): [number, number, number] {
  if (loss === 'squared') return [0.5 * (p - y) ** 2, p - y, 1];
  const m = y * p;
  const sNeg = M.mathSigmoid(-m); // σ(−m)
  return [M.logisticLoss(m), -y * sNeg, sNeg * (1 - sNeg)];
}

/** Minimises a smooth convex function of z ∈ R^D by damped Newton; `eval` returns value, gradient, Hessian. */
function newton(z: Float64Array, D: number, evaluate: (z: Float64Array, needHess: boolean) => { f: number; g: Float64Array; H: Float64Array | null }, tol: number, maxIter = 200): Float64Array {
  for (let it = 0; it < maxIter; it++) {
    const { f, g, H } = evaluate(z, true);
    const step = solveSpd(H!, g, D);
    let dec = 0;
    for (let j = 0; j < D; j++) dec += g[j]! * step[j]!;
    if (dec / 2 <= tol) break;
    let t = 1;
    for (;;) {
      const trial = z.map((v, j) => v - t * step[j]!);
      const ft = evaluate(trial, false).f;
      if (ft <= f - 0.25 * t * dec || t < 1e-12) {
        z = trial;
        break;
      }
      t /= 2;
    }
  }
  return z;
}

/** Euclidean projection onto W = {0 ≤ q ≤ 1/k, Σq = 1} by bisection on the shift (to rounding). */
function projectCappedSimplex(q: Float64Array, k: number): Float64Array {
  const cap = 1 / k;
  let lo = Math.min(...q) - cap - 1;
  let hi = Math.max(...q) + 1;
  const total = (tau: number): number => q.reduce((s, v) => s + Math.min(cap, Math.max(0, v - tau)), 0);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) > 1) lo = mid;
    else hi = mid;
  }
  const out = q.map((v) => Math.min(cap, Math.max(0, v - (lo + hi) / 2)));
  const s = out.reduce((a, b) => a + b, 0);
  // final rescale of the (tiny) bisection error keeps Σq = 1 to rounding; caps stay within 1 + 1e-15
  return out.map((v) => Math.min(cap, v / s));
}

/**
 * Certified reference optimum of min_{w,b} CVaR_β of the losses of p = ⟨x, w⟩ + b (see the module
 * comment): returns the primal point, its CVaR (upper bound) and a lower bound. Same X, y, loss, β
 * conventions as `minimizeCvar` (logistic labels ±1, 0 read as −1). Meant for small d (≤ ~50).
 * With loss 'absolute' the LP runs cvarQp for up to 50,000 iterations (seconds for n in the hundreds);
 * its lower bound is certified whatever the LP reached, so check `gap`.
 * @throws ParameterError for bad options or labels; ShapeError/NonFiniteError for bad X, y.
 */
export function cvarReference(options: CvarReferenceOptions): CvarReference {
  const fn = 'cvarReference';
  const { loss = 'squared', beta = 0.9, fitIntercept = true } = (options = readOptions(fn, options, optionKeys<CvarReferenceOptions>({ X: true, y: true, loss: true, beta: true, fitIntercept: true })));
  checkBeta(fn, beta);
  checkBoolean(fn, 'fitIntercept', fitIntercept);
  if (loss !== 'squared' && loss !== 'logistic' && loss !== 'absolute') throw parameterError(fn, 'loss', "'squared', 'logistic' or 'absolute'", loss);
  const ds = readDataset(fn, options.X, options.y);
  if (loss === 'absolute') return absoluteReference(fn, ds, beta, fitIntercept);
  const y = loss === 'logistic' ? logisticLabels(fn, ds.y) : ds.y;
  const M = mathWasm(fn);
  const { n, d, X } = ds;
  const k = tail(n, beta);
  const dd = d + (fitIntercept ? 1 : 0);
  const D = dd + 1;
  const feature = (i: number, j: number): number => (j < d ? X[i * d + j]! : 1);
  const predict = (z: Float64Array, i: number): number => {
    let p = fitIntercept ? z[d]! : 0;
    for (let j = 0; j < d; j++) p += X[i * d + j]! * z[j]!;
    return p;
  };

  const smoothed = (mu: number) => (z: Float64Array, needHess: boolean) => {
    const eta = z[dd]!;
    let f = eta;
    const g = new Float64Array(D);
    const H = needHess ? new Float64Array(D * D) : null;
    g[dd] = 1;
    for (let i = 0; i < n; i++) {
      const [l, dl, d2l] = lossParts(M, loss, predict(z, i), y[i]!);
      const u = (l - eta) / mu;
      const sp = M.mathSoftplus(u);
      const sig = M.mathSigmoid(u);
      f += (mu * sp) / k;
      const a = sig / k; // ∂/∂ℓ
      const c = (sig * (1 - sig)) / (mu * k); // ∂²/∂ℓ²
      for (let j = 0; j < dd; j++) g[j]! += a * dl * feature(i, j);
      g[dd]! -= a;
      if (H) {
        for (let j = 0; j < dd; j++) {
          const xj = feature(i, j);
          for (let m = 0; m <= j; m++) H[j * D + m]! += (c * dl * dl + a * d2l) * xj * feature(i, m);
          H[dd * D + j]! -= c * dl * xj;
        }
        H[dd * D + dd]! += c;
      }
    }
    if (H) for (let j = 0; j < D; j++) for (let m = j + 1; m < D; m++) H[j * D + m] = H[m * D + j]!;
    return { f, g, H };
  };

  // Start: η at VaR of the losses at θ = 0, μ at the spread of those losses.
  let z: Float64Array = new Float64Array(D);
  const l0 = Float64Array.from({ length: n }, (_, i) => lossParts(M, loss, 0, y[i]!)[0]);
  const start = cvarAndVar(l0, beta, fn);
  z[dd] = start.valueAtRisk;
  const scale = Math.max(1e-300, start.cvar);
  let mu = 0.1 * Math.max(scale, Math.max(...l0) - Math.min(...l0));
  const muMin = (1e-12 * scale * k) / n;
  // Lower bound from the dual point of a stage: q = Π_W(softplus′ weights), then min_θ Σ qᵢℓᵢ(θ).
  const dualBound = (mu: number): number => {
    const soft = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = (lossParts(M, loss, predict(z, i), y[i]!)[0] - z[dd]!) / mu;
      soft[i] = M.mathSigmoid(u) / k;
    }
    const q = projectCappedSimplex(soft, k);
    const weighted = (w: Float64Array, needHess: boolean) => {
      let f = 0;
      const g = new Float64Array(dd);
      const H = needHess ? new Float64Array(dd * dd) : null;
      for (let i = 0; i < n; i++) {
        if (q[i] === 0) continue;
        const [l, dl, d2l] = lossParts(M, loss, predict(w, i), y[i]!);
        f += q[i]! * l;
        for (let j = 0; j < dd; j++) {
          const xj = feature(i, j);
          g[j]! += q[i]! * dl * xj;
          if (H) for (let m = 0; m <= j; m++) H[j * dd + m]! += q[i]! * d2l * xj * feature(i, m);
        }
      }
      if (H) for (let j = 0; j < dd; j++) for (let m = j + 1; m < dd; m++) H[j * dd + m] = H[m * dd + j]!;
      return { f, g, H };
    };
    return weighted(newton(z.slice(0, dd), dd, weighted, 1e-18 * scale), false).f;
  };
  // η minimising F_μ for the current θ: Σᵢ σ((ℓᵢ − η)/μ) = k (decreasing in η), by bisection. Carried
  // over from the stage before, η sits ~μ_old·log(n/k) above the losses; once μ is ten times smaller
  // every σ there underflows and the Newton system is singular (seen for k = (1 − β)·n near or
  // below 1). Starting each stage at this η keeps the Hessian in range.
  const centreEta = (mu: number): void => {
    const l = Float64Array.from({ length: n }, (_, i) => lossParts(M, loss, predict(z, i), y[i]!)[0]);
    const mass = (eta: number): number => l.reduce((t, li) => {
      const u = (li - eta) / mu;
      return t + M.mathSigmoid(u);
    }, 0);
    let lo = Math.min(...l);
    let hi = Math.max(...l);
    for (let w = mu; mass(lo) < k && w < 1e300; w *= 2) lo -= w;
    for (let w = mu; mass(hi) > k && w < 1e300; w *= 2) hi += w;
    for (let i = 0; i < 200 && lo < hi; i++) {
      const mid = (lo + hi) / 2;
      if (mid === lo || mid === hi) break;
      if (mass(mid) > k) lo = mid;
      else hi = mid;
    }
    z[dd] = (lo + hi) / 2;
  };
  // Every stage's dual point gives a valid bound; keep the best (the weights of a moderately small μ
  // resolve the samples at the kink ℓᵢ = η better than the nearly hard weights of the last stage).
  let lowerBound = -Infinity;
  for (;;) {
    centreEta(mu);
    z = newton(z, D, smoothed(mu), 1e-16 * scale);
    lowerBound = Math.max(lowerBound, dualBound(mu));
    if (mu <= muMin) break;
    mu = Math.max(muMin, mu / 10);
  }
  const losses = Float64Array.from({ length: n }, (_, i) => lossParts(M, loss, predict(z, i), y[i]!)[0]);
  const at = cvarAndVar(losses, beta, fn);
  return {
    objective: at.cvar,
    lowerBound,
    gap: at.cvar - lowerBound,
    weights: z.slice(0, d),
    intercept: fitIntercept ? z[d]! : 0,
    eta: at.valueAtRisk,
  };
}

/**
 * min_θ CVaR_β(|rᵢ(θ)|), rᵢ = xᵢw + b − yᵢ, as a linear program solved by {@link cvarQp}. When the k = (1 − β)n
 * largest |rᵢ| are positive, CVaR_β(|r|) over n samples is the CVaR over the 2n values ±rᵢ with the same
 * tail count k (the top k of the ±rᵢ are the k largest |rᵢ|), so the problem is
 *   minimise c over (w, b, e, c)  s.t.  CVaR_{β'}(rows (xᵢ, 1, −yᵢ, −1) and (−xᵢ, −1, yᵢ, −1)) ≤ 0,  e = 1,
 * with β' = 1 − k/(2n) and P = 0. The upper bound is CVaR_β(|r|) at the returned point (exact, so the
 * reduction needs no trust). Lower bound (weak duality): for any u with Xᵀu = 0 (and 1ᵀu = 0 with an
 * intercept) and s ≥ max(Σ|uᵢ|, k·max|uᵢ|), |u|/s lies in {0 ≤ q ≤ 1/k, Σq ≤ 1}, hence for every θ
 *   |Σuᵢyᵢ| = |Σuᵢrᵢ(θ)| ≤ s·CVaR_β(|r(θ)|).
 * u is built from cvarQp's multipliers of the two copies of each row, u = λ₊ − λ₋, projected onto those
 * equalities by least squares.
 */
function absoluteReference(fn: string, ds: Dataset, beta: number, fitIntercept: boolean): CvarReference {
  const { n, d, X, y } = ds;
  const dd = d + (fitIntercept ? 1 : 0);
  const N = dd + 2; // (w, b?, e, c)
  const m = 2 * n;
  const A = new Float64Array(m * N);
  for (let i = 0; i < n; i++) {
    for (const [r, sg] of [[i, 1], [n + i, -1]] as const) {
      for (let j = 0; j < d; j++) A[r * N + j] = sg * X[i * d + j]!;
      if (fitIntercept) A[r * N + d] = sg;
      A[r * N + dd] = -sg * y[i]!;
      A[r * N + dd + 1] = -1;
    }
  }
  const q = new Float64Array(N);
  q[dd + 1] = 1;
  const E = new Float64Array(N);
  E[dd] = 1;
  const k = tail(n, beta);
  // an LP converges slowly under ADMM: a generous budget, the bound below certifies whatever it reached
  const lp = cvarQp({ q, A: { data: A, rows: m, cols: N }, beta: 1 - k / m, kappa: 0, B: { data: E, rows: 1, cols: N }, l: [1], u: [1] }, { maxIter: 50000 });
  const residuals = (w: ArrayLike<number>, b: number): Float64Array => Float64Array.from({ length: n }, (_, i) => {
    let v = b - y[i]!;
    for (let j = 0; j < d; j++) v += X[i * d + j]! * w[j]!;
    return v;
  });
  const weights = lp.x.slice(0, d);
  const intercept = fitIntercept ? lp.x[d]! : 0;
  const at = cvarAndVar(residuals(weights, intercept).map(Math.abs), beta, fn);
  // u = λ₊ − λ₋, then u ← u − Z(ZᵀZ)⁻¹Zᵀu with Z = [X, 1] (or X)
  const u = Float64Array.from({ length: n }, (_, i) => lp.dualCvar[i]! - lp.dualCvar[n + i]!);
  const Z = (i: number, j: number): number => (j < d ? X[i * d + j]! : 1);
  const G = new Float64Array(dd * dd);
  const h = new Float64Array(dd);
  for (let i = 0; i < n; i++) for (let a = 0; a < dd; a++) {
    h[a]! += Z(i, a) * u[i]!;
    for (let b = 0; b < dd; b++) G[a * dd + b]! += Z(i, a) * Z(i, b);
  }
  const c = solveSpd(G, h, dd);
  let l1 = 0, top = 0, uy = 0;
  for (let i = 0; i < n; i++) {
    let v = u[i]!;
    for (let a = 0; a < dd; a++) v -= Z(i, a) * c[a]!;
    l1 += Math.abs(v);
    top = Math.max(top, Math.abs(v));
    uy += v * y[i]!;
  }
  const s = Math.max(l1, k * top);
  const lowerBound = s > 0 ? Math.min(at.cvar, Math.abs(uy) / s) : 0;
  return { objective: at.cvar, lowerBound, gap: at.cvar - lowerBound, weights, intercept, eta: at.valueAtRisk };
}
