/**
 * The saddle family's experiments (JSON-able results; the CLI writes them with SVG figures): ALPD vs
 * LPD gradient calls as L_f grows, and the proxy proximal point vs gradient descent on the diabetes
 * regression. Not part of the library entry (it embeds data).
 */
// A consumer of the public API (like the CLI and the demos): everything through the package entry, so
// the CLI bundle keeps one copy of the runtime.
import { Rng, alpd, lpd, matrixOperator, proxyProxPoint, sqrNormL2, symmetricEigen, translated, aProxFtrl, bestInHindsight, ftrl, generalizedImplicitFtrl, implicitFtrl, ogd, type SmoothFunction } from '../index.js';
import { diabetes } from '../datasets.js';
import { breastCancerPm, seededOrder, standardized } from './data.js';

/** y = A x (row-major m × n). */
function mv(A: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/** Solves the SPD system A x = b (n × n) by Cholesky. */
function spdSolve(A: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / L[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/**
 * Gaussian entries from a seeded Rng: entry i is √(−2 ln(1 − u₂ᵢ))·cos(2πu₂ᵢ₊₁) of the next pair of
 * uniforms, i.e. one draw of R.normal(1) per entry (WASM's log and cos, so the bits are the same in every
 * engine; JavaScript's Math.log/cos are not).
 */
function gaussians(R: Rng, n: number, scale = 1): Float64Array {
  const one = new Float64Array(1);
  return Float64Array.from({ length: n }, () => scale * R.normal(1, one)[0]!);
}

export interface AlpdTableRow {
  lipschitz: number;
  alpdCalls: number;
  lpdCalls: number;
  alpdNoRestartCalls: number;
  /** ‖x − x*‖ of each at its stop. */
  alpdError: number;
  lpdError: number;
}

/**
 * ∇f calls to reach KKT residual `tol` on random instances of min_x max_y ½xᵀQx + cᵀx + ⟨Kx, y⟩ −
 * (μ/2)‖y − d‖² with λmax(Q) = L_f, for each L_f (n = 20, m = 30, μ = 1; x* by a linear solve).
 */
export function alpdTable(o: { lipschitz?: number[]; tol?: number; seed?: number; maxIter?: number } = {}): AlpdTableRow[] {
  const Ls = o.lipschitz ?? [1, 10, 100, 1000, 10000];
  const tol = o.tol ?? 1e-6;
  const n = 20;
  const m = 30;
  const mu = 1;
  const rows: AlpdTableRow[] = [];
  for (const Lf of Ls) {
    const R = new Rng(o.seed ?? 1);
    // Q = Lf · U diag(λ) Uᵀ with λ spread over [0, 1], λ₁ = 1 (U from an eigen-decomposition of a Gaussian Gram matrix).
    const B = gaussians(R, n * n);
    const G = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) G[i * n + j] = G[i * n + j]! + B[k * n + i]! * B[k * n + j]!;
    const { vectors } = symmetricEigen(G, n);
    const Q = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      const lam = Lf * (k === 0 ? 1 : (k / n) ** 2);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! + lam * vectors[i * n + k]! * vectors[j * n + k]!;
    }
    const K = gaussians(R, m * n, 1 / Math.sqrt(n));
    const c = gaussians(R, n);
    const d = gaussians(R, m);
    const H = Q.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < m; k++) H[i * n + j] = H[i * n + j]! + (K[k * n + i]! * K[k * n + j]!) / mu;
    const rhs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = c[i]!;
      for (let k = 0; k < m; k++) s += K[k * n + i]! * d[k]!;
      rhs[i] = -s;
    }
    const xStar = spdSolve(H, rhs, n);
    const f: SmoothFunction = {
      dimension: n,
      lipschitz: Lf,
      value: (x) => {
        const q = mv(Q, n, n, x);
        let s = 0;
        for (let i = 0; i < n; i++) s += 0.5 * x[i]! * q[i]! + c[i]! * x[i]!;
        return s;
      },
      gradient: (x, out) => {
        const q = mv(Q, n, n, x);
        for (let i = 0; i < n; i++) out[i] = q[i]! + c[i]!;
      },
    };
    const problem = { f, coupling: matrixOperator(K, m, n), g: translated(sqrNormL2(mu), d), mu };
    const maxIter = o.maxIter ?? 2_000_000;
    const err = (x: Float64Array) => Math.hypot(...Array.from(x, (v, i) => v - xStar[i]!));
    const a = alpd(problem, { tol, maxIter });
    const a0 = alpd(problem, { tol, maxIter, restart: false });
    const l = lpd(problem, { tol, maxIter });
    rows.push({ lipschitz: Lf, alpdCalls: a.gradientCalls.f, lpdCalls: l.gradientCalls.f, alpdNoRestartCalls: a0.gradientCalls.f, alpdError: err(a.x), lpdError: err(l.x) });
  }
  return rows;
}

export interface ProxyRun {
  method: string;
  /** True-gradient calls to reach ‖∇f‖ ≤ tol (or the budget). */
  trueGradientCalls: number;
  proxyGradientCalls: number;
  converged: boolean;
  /** ‖x − x*‖ at the end (x* by a linear solve). */
  error: number;
  /** ‖∇f‖ after each true gradient call (thinned to ≤ 400 points as [call, value]). */
  curve: [number, number][];
}

export interface ProxyExperimentResult {
  n: number;
  features: number;
  lambda: number;
  tol: number;
  /** L_f, δ = ‖∇²f − ∇²h‖ for each proxy, and the runs. */
  lipschitz: number;
  proxies: { name: string; delta: number; proxyLipschitz: number; runs: ProxyRun[] }[];
  gradientDescent: ProxyRun;
}

/**
 * Ridge regression on the diabetes data (442 × 10, standardised features, standardised target):
 * f(w) = (1/2n)‖Xw − y‖² + (λ/2)‖w‖². Proxies: the same loss on a random subsample of `subsample` rows,
 * and on a perturbed copy (X + Gaussian noise of standard deviation `noise`). Gradient descent
 * (step 1/L_f) against proxyProxPoint with step 1/δ, each to ‖∇f‖ ≤ tol.
 */
export function proxyExperiment(o: { lambda?: number; tol?: number; subsample?: number; noise?: number; seed?: number; maxIter?: number } = {}): ProxyExperimentResult {
  const lambda = o.lambda ?? 1e-3;
  const tol = o.tol ?? 1e-8;
  const { X: raw, y: yRaw } = diabetes();
  const Xs = standardized(raw);
  const ym = yRaw.reduce((a, b) => a + b, 0) / yRaw.length;
  const ysd = Math.sqrt(yRaw.reduce((a, b) => a + (b - ym) ** 2, 0) / yRaw.length);
  const N = Xs.length;
  const p = Xs[0]!.length;
  const X = Float64Array.from(Xs.flat());
  const y = Float64Array.from(yRaw, (v) => (v - ym) / ysd);
  const R = new Rng(o.seed ?? 1);
  /** (1/2k)‖Aw − b‖² + (λ/2)‖w‖² as a SmoothFunction, with its Hessian AᵀA/k + λI. */
  const ridge = (A: Float64Array, b: Float64Array) => {
    const k = b.length;
    const H = new Float64Array(p * p);
    for (let i = 0; i < k; i++) for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) H[a * p + c] = H[a * p + c]! + (A[i * p + a]! * A[i * p + c]!) / k;
    for (let a = 0; a < p; a++) H[a * p + a] = H[a * p + a]! + lambda;
    const L = symmetricEigen(H, p).values.reduce((s, v) => Math.max(s, v), 0);
    const fnc: SmoothFunction = {
      dimension: p,
      lipschitz: L,
      value: (w) => {
        const r = mv(A, k, p, w);
        let s = 0;
        for (let i = 0; i < k; i++) s += (r[i]! - b[i]!) ** 2;
        let q = 0;
        for (let a = 0; a < p; a++) q += w[a]! ** 2;
        return s / (2 * k) + (lambda / 2) * q;
      },
      gradient: (w, out) => {
        const r = mv(A, k, p, w);
        out.fill(0);
        for (let i = 0; i < k; i++) {
          const e = (r[i]! - b[i]!) / k;
          for (let a = 0; a < p; a++) out[a] = out[a]! + e * A[i * p + a]!;
        }
        for (let a = 0; a < p; a++) out[a] = out[a]! + lambda * w[a]!;
      },
    };
    return { f: fnc, H, L };
  };
  const full = ridge(X, y);
  const rhs = new Float64Array(p);
  for (let i = 0; i < N; i++) for (let a = 0; a < p; a++) rhs[a] = rhs[a]! + (X[i * p + a]! * y[i]!) / N;
  const wStar = spdSolve(full.H, rhs, p);
  const err = (w: Float64Array) => Math.hypot(...Array.from(w, (v, i) => v - wStar[i]!));
  const maxIter = o.maxIter ?? 200000;
  const thin = (c: [number, number][]) => (c.length <= 400 ? c : Array.from({ length: 400 }, (_, i) => c[Math.floor((i * c.length) / 400)]!));

  // Gradient descent, step 1/L_f.
  const gd = (): ProxyRun => {
    const w = new Float64Array(p);
    const g = new Float64Array(p);
    const curve: [number, number][] = [];
    let calls = 0;
    let gn = Infinity;
    while (calls < maxIter) {
      full.f.gradient(w, g);
      calls++;
      gn = Math.hypot(...g);
      curve.push([calls, gn]);
      if (gn <= tol) break;
      for (let a = 0; a < p; a++) w[a] = w[a]! - g[a]! / full.L;
    }
    return { method: 'gradient descent (step 1/L_f)', trueGradientCalls: calls, proxyGradientCalls: 0, converged: gn <= tol, error: err(w), curve: thin(curve) };
  };

  const k = o.subsample ?? 60;
  const order = seededOrder(R.uniform(N)).subarray(0, k);
  const Xsub = new Float64Array(k * p);
  const ysub = new Float64Array(k);
  Array.from(order).forEach((r, i) => {
    for (let a = 0; a < p; a++) Xsub[i * p + a] = X[r * p + a]!;
    ysub[i] = y[r]!;
  });
  const noise = o.noise ?? 0.3;
  const Xpert = X.map((v, i) => v + gaussians(R, 1, noise)[0]! * (i >= 0 ? 1 : 0));
  const proxies = [
    { name: `subsample (${k} of ${N} rows)`, ...ridge(Xsub, ysub) },
    { name: `perturbed copy (X + N(0, ${noise}²) noise)`, ...ridge(Xpert, y) },
  ];
  const out: ProxyExperimentResult['proxies'] = [];
  for (const pr of proxies) {
    const D = full.H.map((v, i) => v - pr.H[i]!);
    const delta = symmetricEigen(D, p).values.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    const curve: [number, number][] = [];
    let calls = 0;
    const counted: SmoothFunction = { ...full.f, gradient: (w, g) => { full.f.gradient(w, g); calls++; curve.push([calls, Math.hypot(...g)]); } };
    const r = proxyProxPoint(counted, pr.f, { delta, tol, maxIter });
    out.push({
      name: pr.name,
      delta,
      proxyLipschitz: pr.L,
      runs: [{ method: `proxyProxPoint (step 1/δ = ${(1 / delta).toPrecision(3)})`, trueGradientCalls: r.trueGradientCalls, proxyGradientCalls: r.proxyGradientCalls, converged: r.converged, error: err(r.x), curve: thin(curve) }],
    });
  }
  return { n: N, features: p, lambda, tol, lipschitz: full.L, proxies: out, gradientDescent: gd() };
}

export interface OnlineRegretRun {
  method: string;
  loss: 'hinge' | 'logistic';
  eta: number;
  /** Regret against the best fixed point in the ball after the last round. */
  finalRegret: number;
  mistakes: number;
  /** Regret after each round, thinned to ≤ 120 points as [round, regret]. */
  curve: [number, number][];
}

export interface OnlineRegretResult {
  rounds: number;
  features: number;
  radius: number;
  etas: number[];
  /** The comparator's total loss per loss. */
  bestTotalLoss: Record<string, number>;
  runs: OnlineRegretRun[];
  /** Per method and loss: min, max and max/min of the final regret over the η grid. */
  spread: { method: string; loss: string; min: number; max: number; ratio: number; bestEta: number }[];
}

/**
 * The breast-cancer data (569 × 30, standardised) streamed once in a seeded order, with the hinge and
 * logistic losses: the regret of OGD, FTRL, implicit FTRL, generalized implicit FTRL (Fenchel–Young)
 * and aProx-FTRL against the best fixed point in the ball of `radius`, over a grid of learning rates η
 * (schedule η/√t).
 */
export function onlineRegretExperiment(o: { etas?: number[]; radius?: number; seed?: number; rows?: number; losses?: ('hinge' | 'logistic')[] } = {}): OnlineRegretResult {
  const { X: raw, y } = breastCancerPm();
  const Xs = standardized(raw);
  const order = seededOrder(new Rng(o.seed ?? 1).uniform(Xs.length));
  const T = Math.min(o.rows ?? Xs.length, Xs.length);
  const rows = Array.from(order.subarray(0, T), (i) => Xs[i]!);
  const labels = Array.from(order.subarray(0, T), (i) => y[i]!);
  const radius = o.radius ?? 10;
  const etas = o.etas ?? [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];
  const methods = [
    ['OGD', ogd],
    ['FTRL (linearized)', ftrl],
    ['implicit FTRL', implicitFtrl],
    ['generalized implicit FTRL (Fenchel–Young)', generalizedImplicitFtrl],
    ['aProx FTRL (truncated model)', aProxFtrl],
  ] as const;
  const runs: OnlineRegretRun[] = [];
  const bestTotalLoss: Record<string, number> = {};
  const spread: OnlineRegretResult['spread'] = [];
  for (const loss of o.losses ?? (['hinge', 'logistic'] as const)) {
    const best = bestInHindsight(rows, labels, loss, radius);
    bestTotalLoss[loss] = best.totalLoss;
    for (const [name, run] of methods) {
      const finals: number[] = [];
      for (const eta of etas) {
        const r = run(rows, labels, loss, { eta, comparator: best.u });
        const reg = r.regret!;
        const step = Math.max(1, Math.floor(reg.length / 120));
        const curve: [number, number][] = [];
        for (let t = step - 1; t < reg.length; t += step) curve.push([t + 1, reg[t]!]);
        runs.push({ method: name, loss, eta, finalRegret: reg.at(-1)!, mistakes: r.mistakes, curve });
        finals.push(reg.at(-1)!);
      }
      const min = Math.min(...finals);
      const max = Math.max(...finals);
      spread.push({ method: name, loss, min, max, ratio: max / min, bestEta: etas[finals.indexOf(min)]! });
    }
  }
  return { rounds: T, features: Xs[0]!.length, radius, etas, bestTotalLoss, runs, spread };
}
