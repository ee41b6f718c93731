/**
 * The saddle family's solvers, a fixed number of their iterations each, against the same iterations
 * written as one plain-TypeScript loop with no callbacks, no argument checks and no bookkeeping beyond
 * what the method itself computes (the stopping certificate is kept in both where the method uses it to
 * decide something, e.g. ALPD's adaptive restart, and computed in both otherwise, so the two do the
 * same arithmetic). The saddle family has no WASM kernel of its own: its outer loops run in TS over
 * the caller's callbacks, and the prox family's building blocks (matrixOperator, leastSquares,
 * sqrNormL2, indBox: WASM for the prox steps) serve as those callbacks in the library candidates.
 * So the ratio "library vs plain-TS" measures what the conventions cost (callbacks, finiteness checks
 * of every callback output, counters, history, fresh arrays per step) against a hand-written loop.
 *
 * Cases (the bench's size n names the problem; "elements/s" counts matrix entries read per second):
 * - saddleAlpd, saddleLpd: alpd (restart on) and lpd on min_x max_y ½xᵀQx + cᵀx + ⟨Kx, y⟩ − ½‖y − d‖²,
 *   x ∈ ℝᵏ, y ∈ ℝ^{3k/2}, k = 20 / 200 / 500 for n = 1e3 / 1e5 / 1e6; 200 / 20 / 5 iterations.
 * - saddleInexactAlpd: inexactAlpd on the nonlinear coupling Σⱼ yⱼ·½(aⱼᵀx)², y ≥ 0, same k; 50 / 5 / 2
 *   outer iterations of at most 20 inner steps.
 * - saddlePenalty and saddleLvhba: penaltyBilevel (5 inner steps) and lvhba (with the lower-level
 *   constraint y ≤ ½ and Y = [−1, ½]ᵏ) on the bilevel quadratic min ½‖y − b‖² + (ρ/2)‖x‖² s.t.
 *   y ∈ argmin ½yᵀHy − yᵀBx, k = 20 / 220 / 700; 100 / 10 / 3 (penalty) and 200 / 20 / 6 (LV-HBA) iterations.
 * - saddleProxy: proxyProxPoint on least squares, proxy = a rescaled row subsample: n = 1e3 the diabetes
 *   data (442 × 10, 60 proxy rows), 1e5 a 1000 × 100 synthetic design (100 rows), 1e6 10000 × 100
 *   (1000 rows); 20 / 5 / 2 outer iterations of at most 20 proxy steps.
 * - saddleOnline: generalizedImplicitFtrl (logistic loss, Fenchel–Young update: a 1-D Newton solve per
 *   round) over one pass of a stream: n = 1e3 the breast-cancer data (569 × 30, standardised), 1e5 a
 *   2000 × 50 synthetic stream, 1e6 20000 × 50. saddleImplicitFtrl: implicitFtrl on the same streams
 *   (the prox family's lossProx per round).
 * - saddleBaryconvex, saddleBaryconvexKl: bregmanBaryconvexProx (Euclidean, KL) of m least-squares
 *   losses, 30 inner iterations: m = 4 losses of 25 × 10 / 10 of 100 × 100 / 10 of 1000 × 100.
 * Outputs of the two candidates agree within 1e-12 (checked before and after timing); they differ only
 * in the summation order of matrix–vector products (the prox family's matVec sums in four lanes).
 */
import {
  alpd,
  bilinearCoupling,
  bregmanBaryconvexProx,
  generalizedImplicitFtrl,
  implicitFtrl,
  inexactAlpd,
  indBox,
  lpd,
  leastSquares,
  lvhba,
  matrixOperator,
  operatorNorm,
  penaltyBilevel,
  proxyProxPoint,
  rng,
  sqrNormL2,
  translated,
  type BilevelFunction,
  type ProxOperator,
  type SmoothFunction,
} from '../../bindings/index.js';
import { diabetes } from '../../bindings/datasets.js';
import { breastCancerPm, standardized } from '../../bindings/saddle/data.js';
import { onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

// ---------------------------------------------------------------- plain-TS linear algebra

/** out = A x (row-major m × n), one accumulator per row. */
function mv(A: Float64Array, m: number, n: number, x: ArrayLike<number>, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += A[row + j]! * x[j]!;
    out[i] = s;
  }
}

/** out = Aᵀ x (row-major m × n), accumulated over rows in order. */
function mtv(A: Float64Array, m: number, n: number, x: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const xi = x[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + A[row + j]! * xi;
  }
}

function frobenius(A: Float64Array): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i]! * A[i]!;
  return Math.sqrt(s);
}

/** x and y (and more) in one array: the bench compares one output vector per candidate. */
function joined(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

const pick = <T>(n: number, table: Record<number, T>): T => {
  const v = table[n];
  if (v === undefined) throw new Error(`saddle bench: no problem defined for n = ${n}`);
  return v;
};

// ---------------------------------------------------------------- ALPD

const ALPD_SIZE: Record<number, { k: number; iterations: number }> = { 1e3: { k: 20, iterations: 200 }, 1e5: { k: 200, iterations: 20 }, 1e6: { k: 500, iterations: 5 } };

/**
 * The plain-TS ALPD (restart on, h absent, g = ½‖y − d‖², μ = 1), or with `plain` LPD (no momentum, the
 * step a_t/(L_f·a_t + 2L_yx²/μ), no restart): the iterations of bindings/saddle/primal-dual.ts.
 */
export function alpdRef(Q: Float64Array, c: Float64Array, K: Float64Array, d: Float64Array, n: number, m: number, Lf: number, Lyx: number, iterations: number, plain = false): Float64Array {
  const mu = 1;
  const xbar = new Float64Array(n);
  let xPrev = new Float64Array(n);
  let y = new Float64Array(m);
  const Gcur = new Float64Array(m);
  const Gprev = new Float64Array(m);
  const s = new Float64Array(m);
  const xl = new Float64Array(n);
  const gf = new Float64Array(n);
  const gx = new Float64Array(n);
  const q = new Float64Array(n);
  const cG = new Float64Array(m);
  mv(K, m, n, xPrev, Gcur);
  Gprev.set(Gcur);
  let tau = 0;
  let prevCert = Infinity;
  const coupling = (2 * Lyx * Lyx) / mu;
  for (let it = 0; it < iterations; it++) {
    tau++;
    const beta = plain ? 1 : 2 / (tau + 1);
    const phi = mu * (1 + (tau * (tau - 1)) / 2);
    const sigma = tau / phi;
    const theta = (tau - 1) / tau;
    const scale = 1 / (1 + sigma * mu);
    const yNew = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const sj = y[j]! + sigma * (Gcur[j]! + theta * (Gcur[j]! - Gprev[j]!));
      s[j] = sj;
      yNew[j] = (sj - d[j]!) * scale + 0 + d[j]!;
    }
    y = yNew;
    const eta = tau / (plain ? Lf * tau + coupling : 2 * Lf + coupling);
    for (let i = 0; i < n; i++) xl[i] = (1 - beta) * xbar[i]! + beta * xPrev[i]!;
    mv(Q, n, n, xl, gf);
    for (let i = 0; i < n; i++) gf[i] = gf[i]! + c[i]!;
    mtv(K, m, n, y, gx);
    const xNew = new Float64Array(n);
    for (let i = 0; i < n; i++) xNew[i] = xPrev[i]! - eta * (gf[i]! + gx[i]!);
    for (let i = 0; i < n; i++) xbar[i] = (1 - beta) * xbar[i]! + beta * xNew[i]!;
    Gprev.set(Gcur);
    mv(K, m, n, xNew, Gcur);
    xPrev = xNew;
    // certificate at (x̄, y): ‖∇ₓL‖ and ‖y − prox_g(y + Kx̄)‖, and the objective L(x̄, y)
    mv(Q, n, n, xbar, q);
    let fval = 0;
    for (let i = 0; i < n; i++) fval += 0.5 * xbar[i]! * q[i]! + c[i]! * xbar[i]!;
    mtv(K, m, n, y, gx);
    mv(K, m, n, xbar, cG);
    let rp = 0;
    for (let i = 0; i < n; i++) rp += (q[i]! + c[i]! + gx[i]!) ** 2;
    let rd = 0;
    let yG = 0;
    let gy = 0;
    for (let j = 0; j < m; j++) {
      const w = y[j]! + cG[j]! - d[j]!;
      rd += (y[j]! - (w * 0.5 + 0 + d[j]!)) ** 2;
      yG += cG[j]! * y[j]!;
      gy += (y[j]! - d[j]!) ** 2;
    }
    const cert = Math.max(Math.sqrt(rp), Math.sqrt(rd));
    void (fval + yG - gy / 2); // the objective, as the library computes it
    if (!plain && cert > prevCert) {
      tau = 0;
      xPrev = xbar.slice();
      mv(K, m, n, xPrev, Gcur);
      Gprev.set(Gcur);
    }
    prevCert = cert;
  }
  return joined(xbar, y);
}

export const benchSaddleAlpd = (ctx: BenchContext): CaseResult[] => benchPrimalDual(ctx, 'alpd');
export const benchSaddleLpd = (ctx: BenchContext): CaseResult[] => benchPrimalDual(ctx, 'lpd');

function benchPrimalDual(ctx: BenchContext, method: 'alpd' | 'lpd'): CaseResult[] {
  const plain = method === 'lpd';
  const solver = plain ? lpd : alpd;
  return ctx.sizes.map((size) => {
    const { k: n, iterations } = pick(size, ALPD_SIZE);
    const m = (3 * n) / 2;
    const seed = 1800 + Math.log10(size);
    const g = rng(seed);
    const B = g.normal(n * n);
    const Q = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) {
      const b = B[r * n + i]! / n;
      if (b === 0) continue;
      for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! + b * B[r * n + j]!;
    }
    const K = g.normal(m * n).map((v) => v / Math.sqrt(n));
    const c = g.normal(n);
    const d = g.normal(m);
    const Lf = frobenius(Q); // ≥ λmax(Q): a valid L_f
    const q = new Float64Array(n);
    const f: SmoothFunction = {
      dimension: n,
      lipschitz: Lf,
      value: (x) => {
        mv(Q, n, n, x, q);
        let s = 0;
        for (let i = 0; i < n; i++) s += 0.5 * x[i]! * q[i]! + c[i]! * x[i]!;
        return s;
      },
      gradient: (x, out) => {
        mv(Q, n, n, x, q);
        let s = 0;
        for (let i = 0; i < n; i++) {
          s += 0.5 * x[i]! * q[i]! + c[i]! * x[i]!;
          out[i] = q[i]! + c[i]!;
        }
        return s;
      },
    };
    const Kop = matrixOperator(K, m, n);
    const Lyx = operatorNorm(Kop); // once, outside the timed calls (as a caller who reuses the coupling)
    const problem = { f, coupling: bilinearCoupling(Kop, Lyx), g: translated(sqrNormL2(1), d), mu: 1 };
    const reference = alpdRef(Q, c, K, d, n, m, Lf, Lyx, iterations, plain);
    const libOut = new Float64Array(n + m);
    const refOut = new Float64Array(n + m);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: `${method} (callbacks: matrixOperator, sqrNormL2 prox in WASM)`,
        call: () => {
          const r = solver(problem, { lipschitz: Lf, maxIter: iterations, tol: 0 });
          libOut.set(r.x);
          libOut.set(r.y, n);
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: `plain-TS ${method.toUpperCase()} loop`, call: () => refOut.set(alpdRef(Q, c, K, d, n, m, Lf, Lyx, iterations, plain)), ...onJs(refOut) },
    ];
    const result = runCase(
      { kernel: plain ? 'saddleLpd' : 'saddleAlpd', n: (2 * n * n + 4 * m * n) * iterations, seed, params: { n, m, iterations } },
      candidates,
      [reference],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

// ---------------------------------------------------------------- inexact ALPD (nonlinear coupling)

const INEXACT_SIZE: Record<number, { k: number; iterations: number }> = { 1e3: { k: 20, iterations: 50 }, 1e5: { k: 200, iterations: 5 }, 1e6: { k: 500, iterations: 2 } };
const INEXACT_INNER = 20;
const INEXACT_INNER_TOL = 1e-8;

/**
 * min_x max_{y ≥ 0} ½xᵀQx + cᵀx + Σⱼ yⱼ·½(aⱼᵀx)² − ½‖y − d‖²: the coupling G(x)ⱼ = ½(aⱼᵀx)² is convex in x
 * and y ≥ 0 keeps Φ convex in x. Plain functions shared by the library's callbacks and the plain loop.
 */
function inexactProblem(size: number) {
  const { k: n, iterations } = pick(size, INEXACT_SIZE);
  const m = (3 * n) / 2;
  const seed = 1850 + Math.log10(size);
  const g = rng(seed);
  const B = g.normal(n * n);
  const Q = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) {
    const b = B[r * n + i]! / n;
    for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! + b * B[r * n + j]!;
  }
  const A = g.normal(m * n).map((v) => v / Math.sqrt(n));
  const c = g.normal(n);
  const d = g.normal(m).map((v) => Math.abs(v));
  const Lf = frobenius(Q);
  const fa = frobenius(A);
  const ax = new Float64Array(m);
  const q = new Float64Array(n);
  const w = new Float64Array(m);
  const fn = {
    // ∇f into out; returns f
    fGrad: (x: Float64Array, out: Float64Array): number => {
      mv(Q, n, n, x, q);
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += 0.5 * x[i]! * q[i]! + c[i]! * x[i]!;
        out[i] = q[i]! + c[i]!;
      }
      return s;
    },
    map: (x: Float64Array, out: Float64Array): void => {
      mv(A, m, n, x, ax);
      for (let j = 0; j < m; j++) out[j] = 0.5 * ax[j]! * ax[j]!;
    },
    gradX: (x: Float64Array, y: Float64Array, out: Float64Array): void => {
      mv(A, m, n, x, ax);
      for (let j = 0; j < m; j++) w[j] = y[j]! * ax[j]!;
      mtv(A, m, n, w, out);
    },
    // prox of t·(½‖y − d‖² + ι(y ≥ 0))
    gProx: (v: ArrayLike<number>, t: number, out: Float64Array): Float64Array => {
      for (let j = 0; j < m; j++) out[j] = Math.max(0, (v[j]! + t * d[j]!) / (1 + t));
      return out;
    },
    gValue: (y: ArrayLike<number>): number => {
      let s = 0;
      for (let j = 0; j < m; j++) s += (y[j]! - d[j]!) ** 2;
      return s / 2;
    },
  };
  // Bounds for the steps where the few benchmarked iterations go (|aⱼᵀx| ≤ 3‖A‖_F, yⱼ ≤ 3‖A‖_F²):
  // the bench needs finite, reproducible iterates, not the method's guarantees.
  return { n, m, iterations, seed, Lf, Lyx: 3 * fa * fa, Lxx: 3 * fa * fa * fa * fa, fn };
}

/** The plain-TS inexact ALPD (restart on, no h, μ = 1): the outer and inner loops of bindings/saddle/primal-dual.ts. */
function inexactRef(P: ReturnType<typeof inexactProblem>): Float64Array {
  const { n, m, iterations, Lf, Lyx, Lxx, fn } = P;
  const mu = 1;
  const xbar = new Float64Array(n);
  let xPrev: Float64Array = new Float64Array(n);
  let y: Float64Array = new Float64Array(m);
  const Gcur = new Float64Array(m);
  const Gprev = new Float64Array(m);
  const s = new Float64Array(m);
  const xl = new Float64Array(n);
  const gf = new Float64Array(n);
  const cg = new Float64Array(n);
  const cx = new Float64Array(n);
  const cG = new Float64Array(m);
  const cw = new Float64Array(m);
  fn.map(xPrev, Gcur);
  Gprev.set(Gcur);
  let tau = 0;
  let prevCert = Infinity;
  const coupling = (2 * Lyx * Lyx) / mu;
  const innerSolve = (center: Float64Array, gfv: Float64Array, eta: number, t: number): Float64Array => {
    const kappa = 1 / eta;
    const L = Lxx + kappa;
    const step = 1 / L;
    const qq = kappa / L;
    const mom = (1 - Math.sqrt(qq)) / (1 + Math.sqrt(qq));
    let z = center.slice();
    let zPrev = center.slice();
    const w = new Float64Array(n);
    const gz = new Float64Array(n);
    const tolT = INEXACT_INNER_TOL / (t * t);
    const scale = Math.max(1, norm2(gfv));
    for (let it = 0; it < INEXACT_INNER; it++) {
      for (let i = 0; i < n; i++) w[i] = z[i]! + mom * (z[i]! - zPrev[i]!);
      fn.gradX(w, y, gz);
      const zn = new Float64Array(n);
      let gm = 0;
      for (let i = 0; i < n; i++) {
        zn[i] = w[i]! - step * (gfv[i]! + gz[i]! + kappa * (w[i]! - center[i]!));
        gm += (zn[i]! - w[i]!) ** 2;
      }
      zPrev = z;
      z = zn;
      if (Math.sqrt(gm) / step <= tolT * scale) break;
    }
    return z;
  };
  for (let it = 0; it < iterations; it++) {
    tau++;
    const beta = 2 / (tau + 1);
    const phi = mu * (1 + (tau * (tau - 1)) / 2);
    const sigma = tau / phi;
    const theta = (tau - 1) / tau;
    for (let j = 0; j < m; j++) s[j] = y[j]! + sigma * (Gcur[j]! + theta * (Gcur[j]! - Gprev[j]!));
    y = fn.gProx(s, sigma, new Float64Array(m));
    const eta = tau / (2 * Lf + coupling);
    for (let i = 0; i < n; i++) xl[i] = (1 - beta) * xbar[i]! + beta * xPrev[i]!;
    fn.fGrad(xl, gf);
    const xNew = innerSolve(xPrev, gf, eta, tau);
    for (let i = 0; i < n; i++) xbar[i] = (1 - beta) * xbar[i]! + beta * xNew[i]!;
    Gprev.set(Gcur);
    fn.map(xNew, Gcur);
    xPrev = xNew;
    // certificate at (x̄, y) and the objective L(x̄, y)
    const fval = fn.fGrad(xbar, cg);
    fn.gradX(xbar, y, cx);
    fn.map(xbar, cG);
    let rp = 0;
    for (let i = 0; i < n; i++) rp += (cg[i]! + cx[i]!) ** 2;
    for (let j = 0; j < m; j++) cw[j] = y[j]! + cG[j]!;
    fn.gProx(cw, 1, cw);
    let rd = 0;
    let yG = 0;
    for (let j = 0; j < m; j++) {
      rd += (y[j]! - cw[j]!) ** 2;
      yG += cG[j]! * y[j]!;
    }
    const cert = Math.max(Math.sqrt(rp), Math.sqrt(rd));
    void (fval + yG - fn.gValue(y)); // the objective, as the library computes it
    if (cert > prevCert) {
      tau = 0;
      xPrev = xbar.slice();
      fn.map(xPrev, Gcur);
      Gprev.set(Gcur);
    }
    prevCert = cert;
  }
  return joined(xbar, y);
}

export function benchSaddleInexactAlpd(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const P = inexactProblem(size);
    const { n, m, iterations, seed, Lf, Lyx, Lxx, fn } = P;
    const f: SmoothFunction = { dimension: n, lipschitz: Lf, value: (x) => fn.fGrad(x, new Float64Array(n)), gradient: (x, out) => fn.fGrad(x, out) };
    const g = {
      name: 'halfSqDistNonneg',
      properties: { convex: true, separable: true, prox: 'closed-form' as const, indicator: false },
      value: (y: ArrayLike<number>) => fn.gValue(y),
      prox: ((v: ArrayLike<number>, t = 1, out?: Float64Array) => fn.gProx(v, t, out ?? new Float64Array(m))) as ProxOperator['prox'],
    };
    const problem = { f, coupling: { rows: m, cols: n, map: fn.map, gradX: fn.gradX, lipschitzYX: Lyx, lipschitzXX: Lxx }, g, mu: 1 };
    const run = () => inexactAlpd(problem, { maxIter: iterations, tol: 0, inner: { maxIter: INEXACT_INNER, tol: INEXACT_INNER_TOL } });
    const probe = run();
    const libOut = new Float64Array(n + m);
    const refOut = new Float64Array(n + m);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: 'inexactAlpd (callbacks; at most 20 inner steps)',
        call: () => {
          const r = run();
          libOut.set(r.x);
          libOut.set(r.y, n);
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: 'plain-TS inexact ALPD loop', call: () => refOut.set(inexactRef(P)), ...onJs(refOut) },
    ];
    const calls = { f: probe.gradientCalls.f + probe.certificateCalls.f, gx: probe.gradientCalls.couplingX + probe.certificateCalls.couplingX, G: probe.gradientCalls.couplingY + probe.certificateCalls.couplingY };
    const result = runCase(
      // entries read: n² per ∇f, 2mn per ∇ₓΦ, mn per G
      { kernel: 'saddleInexactAlpd', n: calls.f * n * n + calls.gx * 2 * m * n + calls.G * m * n, seed, params: { n, m, iterations, couplingXCalls: probe.gradientCalls.couplingX } },
      candidates,
      [inexactRef(P)],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

// ---------------------------------------------------------------- bilevel (penalty, LV-HBA)

const BILEVEL_SIZE: Record<number, { k: number; penalty: number; lvhba: number }> = {
  1e3: { k: 20, penalty: 100, lvhba: 200 },
  1e5: { k: 220, penalty: 10, lvhba: 20 },
  1e6: { k: 700, penalty: 3, lvhba: 6 },
};
const RHO = 0.1;
const SIGMA = 0.01;
const INNER = 5;
const Y_LO = -1;
const Y_HI = 0.5;

/**
 * min_x ½‖y − b‖² + (ρ/2)‖x‖² s.t. y ∈ argmin_y ½yᵀHy − yᵀBx (H = I + MᵀM/k, B Gaussian/√k), as
 * plain functions: the same callbacks serve the library (through BilevelFunction objects) and the
 * plain-TS loops, which call them directly.
 */
function bilevelQuadratic(size: number) {
  const { k } = pick(size, BILEVEL_SIZE);
  const seed = 1810 + Math.log10(size);
  const g = rng(seed);
  const M = g.normal(k * k);
  const H = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let i = 0; i < k; i++) {
    const a = M[r * k + i]! / k;
    for (let j = 0; j < k; j++) H[i * k + j] = H[i * k + j]! + a * M[r * k + j]!;
  }
  for (let i = 0; i < k; i++) H[i * k + i] = H[i * k + i]! + 1;
  const B = g.normal(k * k).map((v) => v / Math.sqrt(k));
  const b = g.normal(k);
  const t1 = new Float64Array(k);
  const t2 = new Float64Array(k);
  const fs = {
    upperValue: (x: Float64Array, y: Float64Array): number => {
      let s = 0;
      for (let j = 0; j < k; j++) s += (y[j]! - b[j]!) ** 2 + RHO * x[j]! * x[j]!;
      return s / 2;
    },
    upperGradX: (x: Float64Array, _y: Float64Array, out: Float64Array): void => {
      for (let i = 0; i < k; i++) out[i] = RHO * x[i]!;
    },
    upperGradY: (_x: Float64Array, y: Float64Array, out: Float64Array): void => {
      for (let j = 0; j < k; j++) out[j] = y[j]! - b[j]!;
    },
    lowerValue: (x: Float64Array, y: Float64Array): number => {
      mv(H, k, k, y, t1);
      mv(B, k, k, x, t2);
      let s = 0;
      for (let j = 0; j < k; j++) s += y[j]! * (0.5 * t1[j]! - t2[j]!);
      return s;
    },
    lowerGradX: (_x: Float64Array, y: Float64Array, out: Float64Array): void => {
      mtv(B, k, k, y, out);
      for (let i = 0; i < k; i++) out[i] = -out[i]!;
    },
    lowerGradY: (x: Float64Array, y: Float64Array, out: Float64Array): void => {
      mv(H, k, k, y, out);
      mv(B, k, k, x, t2);
      for (let j = 0; j < k; j++) out[j] = out[j]! - t2[j]!;
    },
  };
  const upper: BilevelFunction = { value: fs.upperValue, gradX: fs.upperGradX, gradY: fs.upperGradY, lipschitz: 1 };
  const lower: BilevelFunction = { value: fs.lowerValue, gradX: fs.lowerGradX, gradY: fs.lowerGradY, lipschitz: frobenius(H) + frobenius(B) };
  return { k, seed, fs, upper, lower, Lf: lower.lipschitz };
}

const clampY = (v: Float64Array): void => {
  for (let j = 0; j < v.length; j++) v[j] = Math.min(Y_HI, Math.max(Y_LO, v[j]!));
};

/** The plain-TS penalty method (X = ℝᵏ, Y = [−1, ½]ᵏ): the iteration of bindings/saddle/bilevel.ts. */
function penaltyRef(P: ReturnType<typeof bilevelQuadratic>, iterations: number): Float64Array {
  const { k, fs, Lf } = P;
  const LF = 1;
  const stepY = 1 / (SIGMA * LF + Lf);
  const stepX = 1 / (LF + Lf);
  let x = new Float64Array(k);
  const y = new Float64Array(k);
  const z = new Float64Array(k);
  const gy = new Float64Array(k);
  const gFy = new Float64Array(k);
  const gx = new Float64Array(k);
  const gFx = new Float64Array(k);
  const gzx = new Float64Array(k);
  const values: number[] = [];
  let cert = NaN;
  for (let it = 0; it < iterations; it++) {
    let yMove = 0;
    for (let s = 0; s < INNER; s++) {
      fs.lowerGradY(x, z, gy);
      for (let j = 0; j < k; j++) z[j] = z[j]! - gy[j]! / Lf;
      clampY(z);
      fs.upperGradY(x, y, gFy);
      fs.lowerGradY(x, y, gy);
      let sq = 0;
      for (let j = 0; j < k; j++) {
        const old = y[j]!;
        const v = Math.min(Y_HI, Math.max(Y_LO, old - stepY * (SIGMA * gFy[j]! + gy[j]!)));
        y[j] = v;
        sq += (v - old) ** 2;
      }
      if (s === INNER - 1) yMove = Math.sqrt(sq) / stepY;
    }
    fs.upperGradX(x, y, gFx);
    fs.lowerGradX(x, y, gx);
    fs.lowerGradX(x, z, gzx);
    const xNew = new Float64Array(k);
    let sq = 0;
    for (let i = 0; i < k; i++) {
      xNew[i] = x[i]! - stepX * (gFx[i]! + (gx[i]! - gzx[i]!) / SIGMA);
      sq += (xNew[i]! - x[i]!) ** 2;
    }
    x = xNew;
    const low = fs.lowerValue(x, y);
    values.push(fs.upperValue(x, y), low, low - fs.lowerValue(x, z));
    cert = Math.max(Math.sqrt(sq) / stepX, yMove);
  }
  void cert;
  return joined(x, y);
}

/** The plain-TS LV-HBA (constraint y ≤ ½, Y = [−1, ½]ᵏ, defaults γ₁ = 10, γ₂ = 0.01, c₀ = 10, p = 0.3). */
function lvhbaRef(P: ReturnType<typeof bilevelQuadratic>, iterations: number): Float64Array {
  const { k, fs, Lf } = P;
  const gamma1 = 10;
  const gamma2 = 0.01;
  const c0 = 10;
  const p = 0.3;
  const alpha = 1 / (1 / c0 + 2 * Lf + 2 / gamma1);
  const beta = gamma2;
  let x = new Float64Array(k);
  let y = new Float64Array(k);
  let z = new Float64Array(k);
  const theta = new Float64Array(k);
  let lambda = new Float64Array(k);
  const gyT = new Float64Array(k);
  const gFx = new Float64Array(k);
  const gFy = new Float64Array(k);
  const gfx = new Float64Array(k);
  const gfy = new Float64Array(k);
  const gtx = new Float64Array(k);
  const values: number[] = [];
  let cert = NaN;
  for (let it = 1; it <= iterations; it++) {
    const ck = c0 * Math.pow(it, p);
    // the constraint's Lipschitz constant is 0 (linear), so η does not depend on z
    const eta = 1 / (Lf + 1 / gamma1 + 0 + gamma2);
    fs.lowerGradY(x, theta, gyT);
    let dt = 0;
    for (let j = 0; j < k; j++) {
      const old = theta[j]!;
      const v = Math.min(Y_HI, Math.max(Y_LO, old - eta * (gyT[j]! + lambda[j]! + (old - y[j]!) / gamma1)));
      theta[j] = v;
      dt += (v - old) ** 2;
    }
    const lam = new Float64Array(k);
    for (let i = 0; i < k; i++) lam[i] = Math.max(0, z[i]! + gamma2 * (theta[i]! - Y_HI));
    lambda = lam;
    fs.upperGradX(x, y, gFx);
    fs.upperGradY(x, y, gFy);
    fs.lowerGradX(x, y, gfx);
    fs.lowerGradY(x, y, gfy);
    fs.lowerGradX(x, theta, gtx);
    const xNew = new Float64Array(k);
    const yNew = new Float64Array(k);
    const zNew = new Float64Array(k);
    let dx = 0;
    let dy = 0;
    let dz = 0;
    for (let i = 0; i < k; i++) {
      xNew[i] = x[i]! - alpha * (gFx[i]! / ck + gfx[i]! - gtx[i]! - 0);
      yNew[i] = Math.min(Y_HI, Math.max(Y_LO, y[i]! - alpha * (gFy[i]! / ck + gfy[i]! - (y[i]! - theta[i]!) / gamma1)));
      zNew[i] = Math.max(0, z[i]! - (beta * (z[i]! - lambda[i]!)) / gamma2);
      dx += (xNew[i]! - x[i]!) ** 2;
      dy += (yNew[i]! - y[i]!) ** 2;
      dz += (zNew[i]! - z[i]!) ** 2;
    }
    x = xNew;
    y = yNew;
    z = zNew;
    let v = fs.lowerValue(x, theta);
    let py = 0;
    for (let j = 0; j < k; j++) py += (theta[j]! - y[j]!) ** 2;
    v += py / (2 * gamma1);
    for (let i = 0; i < k; i++) v += lambda[i]! * (theta[i]! - Y_HI) - (lambda[i]! - z[i]!) ** 2 / (2 * gamma2);
    const low = fs.lowerValue(x, y);
    values.push(fs.upperValue(x, y), low, low - v);
    cert = Math.max(Math.sqrt(dx + dy) / alpha, Math.sqrt(dz) / beta, Math.sqrt(dt) / eta, 1 / ck);
  }
  void cert;
  return joined(x, y);
}

function benchBilevel(ctx: BenchContext, which: 'penalty' | 'lvhba'): CaseResult[] {
  return ctx.sizes.map((size) => {
    const P = bilevelQuadratic(size);
    const { k, seed } = P;
    const iterations = pick(size, BILEVEL_SIZE)[which];
    const Y = indBox(Y_LO, Y_HI);
    const constraints = {
      count: k,
      value: (_x: Float64Array, y: Float64Array, out: Float64Array) => {
        for (let i = 0; i < k; i++) out[i] = y[i]! - Y_HI;
      },
      gradXT: (_x: Float64Array, _y: Float64Array, _l: Float64Array, out: Float64Array) => void out.fill(0),
      gradYT: (_x: Float64Array, _y: Float64Array, l: Float64Array, out: Float64Array) => void out.set(l),
      lipschitz: 0,
      jacobianNorm: 1,
    };
    const run = which === 'penalty'
      ? () => penaltyBilevel({ upper: P.upper, lower: P.lower, dimX: k, dimY: k, Y }, { sigma: SIGMA, innerSteps: INNER, maxIter: iterations, tol: 0 })
      : () => lvhba({ upper: P.upper, lower: P.lower, dimX: k, dimY: k, Y, constraints }, { maxIter: iterations, tol: 0 });
    const ref = which === 'penalty' ? () => penaltyRef(P, iterations) : () => lvhbaRef(P, iterations);
    const libOut = new Float64Array(2 * k);
    const refOut = new Float64Array(2 * k);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: `${which === 'penalty' ? 'penaltyBilevel' : 'lvhba'} (callbacks; indBox projection in WASM)`,
        call: () => {
          const r = run();
          libOut.set(r.x);
          libOut.set(r.y, k);
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: `plain-TS ${which === 'penalty' ? 'penalty' : 'LV-HBA'} loop`, call: () => refOut.set(ref()), ...onJs(refOut) },
    ];
    // k×k mat-vecs per iteration: penalty 5 per inner step (2 ∇_y f, each H and B) + 3 ∇ₓf + 4 values; LV-HBA 2 + 2 + 1 + 2·3 values.
    const mats = which === 'penalty' ? INNER * 4 + 3 + 6 : 2 + 1 + 2 + 1 + 6;
    const result = runCase(
      { kernel: which === 'penalty' ? 'saddlePenalty' : 'saddleLvhba', n: mats * k * k * iterations, seed, params: { k, iterations, ...(which === 'penalty' ? { sigma: SIGMA, innerSteps: INNER } : {}) } },
      candidates,
      [ref()],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

export const benchSaddlePenalty = (ctx: BenchContext): CaseResult[] => benchBilevel(ctx, 'penalty');
export const benchSaddleLvhba = (ctx: BenchContext): CaseResult[] => benchBilevel(ctx, 'lvhba');

// ---------------------------------------------------------------- proxy proximal point

const PROXY_SIZE: Record<number, { rows: number; cols: number; proxyRows: number; iterations: number }> = {
  1e3: { rows: 442, cols: 10, proxyRows: 60, iterations: 20 },
  1e5: { rows: 1000, cols: 100, proxyRows: 100, iterations: 5 },
  1e6: { rows: 10000, cols: 100, proxyRows: 1000, iterations: 2 },
};
const PROXY_INNER = 20;
const PROXY_INNER_TOL = 0.1;

/** ∇(½‖Ax − b‖²) into out (r: scratch of length m); returns the value. */
function lsGradient(A: Float64Array, b: Float64Array, m: number, n: number, x: Float64Array, r: Float64Array, out: Float64Array): number {
  mv(A, m, n, x, r);
  let s = 0;
  for (let i = 0; i < m; i++) {
    const ri = r[i]! - b[i]!;
    r[i] = ri;
    s += ri * ri;
  }
  mtv(A, m, n, r, out);
  return s / 2;
}

const norm2 = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
};

/** The plain-TS proxy proximal point (x0 = 0): the iteration of bindings/saddle/proxy.ts. */
function proxyRef(
  f: { A: Float64Array; b: Float64Array; m: number },
  h: { A: Float64Array; b: Float64Array; m: number },
  n: number,
  Lh: number,
  eta: number,
  iterations: number,
): Float64Array {
  const rf = new Float64Array(f.m);
  const rh = new Float64Array(h.m);
  const gf = new Float64Array(n);
  const gh = new Float64Array(n);
  const c = new Float64Array(n);
  const g = new Float64Array(n);
  let x = new Float64Array(n);
  lsGradient(f.A, f.b, f.m, n, x, rf, gf);
  const L = Lh + 1 / eta;
  const q = 1 / eta / L;
  const mom = (1 - Math.sqrt(q)) / (1 + Math.sqrt(q));
  for (let it = 0; it < iterations; it++) {
    lsGradient(h.A, h.b, h.m, n, x, rh, gh);
    for (let i = 0; i < n; i++) c[i] = gf[i]! - gh[i]!;
    const target = PROXY_INNER_TOL * norm2(gf);
    let z = x.slice();
    let zPrev = x.slice();
    for (let s = 0; s < PROXY_INNER; s++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[i] = z[i]! + mom * (z[i]! - zPrev[i]!);
      lsGradient(h.A, h.b, h.m, n, w, rh, g);
      let gn = 0;
      const zn = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const gi = g[i]! + c[i]! + (w[i]! - x[i]!) / eta;
        gn += gi * gi;
        zn[i] = w[i]! - gi / L;
      }
      zPrev = z;
      z = zn;
      if (Math.sqrt(gn) <= target) break;
    }
    x = z;
    lsGradient(f.A, f.b, f.m, n, x, rf, gf);
  }
  return x;
}

/** λmax of the symmetric matrix S (n × n) in absolute value, by power iteration on S² (plain TS; the step 1/δ of the bench problem). */
function symmetricNorm(S: Float64Array, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  const w = new Float64Array(n);
  let lam = 0;
  for (let it = 0; it < 300; it++) {
    mv(S, n, n, v, w);
    const nw = norm2(w);
    if (nw === 0) return 0;
    lam = nw;
    v = w.map((t) => t / nw);
  }
  return lam;
}

export function benchSaddleProxy(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const { rows: m, cols: n, proxyRows: ms, iterations } = pick(size, PROXY_SIZE);
    const seed = 1820 + Math.log10(size);
    const g = rng(seed);
    let A: Float64Array;
    let b: Float64Array;
    if (size === 1e3) {
      // the diabetes regression, features and target standardised
      const d = diabetes();
      const Xs = standardized(d.X);
      const ys = standardized(d.y.map((v) => [v])).map((r) => r[0]!);
      A = Float64Array.from(Xs.flat());
      b = Float64Array.from(ys);
    } else {
      A = g.normal(m * n);
      const w = g.normal(n);
      const noise = g.normal(m);
      b = new Float64Array(m);
      mv(A, m, n, w, b);
      for (let i = 0; i < m; i++) b[i] = b[i]! + noise[i]!;
    }
    // proxy: ms distinct rows (a seeded partial Fisher–Yates), scaled by √(m/ms) so that its Hessian estimates AᵀA
    const order = Int32Array.from({ length: m }, (_, i) => i);
    const u = g.uniform(ms);
    for (let i = 0; i < ms; i++) {
      const j = i + Math.min(m - 1 - i, Math.floor(u[i]! * (m - i)));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const scale = Math.sqrt(m / ms);
    const As = new Float64Array(ms * n);
    const bs = new Float64Array(ms);
    for (let r = 0; r < ms; r++) {
      for (let j = 0; j < n; j++) As[r * n + j] = A[order[r]! * n + j]! * scale;
      bs[r] = b[order[r]!]! * scale;
    }
    // δ = ‖AᵀA − AₛᵀAₛ‖₂, the step 1/δ
    const D = new Float64Array(n * n);
    for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = D[i * n + j]! + A[r * n + i]! * A[r * n + j]!;
    for (let r = 0; r < ms; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = D[i * n + j]! - As[r * n + i]! * As[r * n + j]!;
    const delta = symmetricNorm(D, n);
    const f = leastSquares(A, b);
    const h = leastSquares(As, bs);
    const Lh = h.lipschitz; // computed (and cached) here, outside the timed calls
    const eta = 1 / delta;
    const run = () => proxyProxPoint(f, h, { step: eta, proxyLipschitz: Lh, innerSteps: PROXY_INNER, innerTol: PROXY_INNER_TOL, maxIter: iterations, tol: 0 });
    const ref = () => proxyRef({ A, b, m }, { A: As, b: bs, m: ms }, n, Lh, eta, iterations);
    const libOut = new Float64Array(n);
    const refOut = new Float64Array(n);
    const probe = run();
    const candidates: CaseCandidate[] = [
      { key: 'library', name: 'proxyProxPoint (leastSquares callbacks)', call: () => libOut.set(run().x), ...onJs(libOut) },
      { key: 'plainTS', name: 'plain-TS proxy prox point loop', call: () => refOut.set(ref()), ...onJs(refOut) },
    ];
    const result = runCase(
      {
        kernel: 'saddleProxy',
        // matrix entries read: 2 per entry of A for each true gradient, 2 per entry of Aₛ for each proxy gradient
        n: 2 * m * n * probe.trueGradientCalls + 2 * ms * n * probe.proxyGradientCalls,
        seed,
        params: { rows: m, cols: n, proxyRows: ms, iterations, delta: Number(delta.toPrecision(4)), trueGradients: probe.trueGradientCalls, proxyGradients: probe.proxyGradientCalls },
      },
      candidates,
      [ref()],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

// ---------------------------------------------------------------- online: generalized implicit FTRL

const ONLINE_SIZE: Record<number, { T: number; d: number }> = { 1e3: { T: 569, d: 30 }, 1e5: { T: 2000, d: 50 }, 1e6: { T: 20000, d: 50 } };

const logisticLoss = (u: number): number => (u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u)));

/** s ∈ [−1, 0] minimizing (e/2)‖θ − s y a‖² + φ*(s) for the logistic φ (bracketed Newton, as the library). */
function logisticDual(e: number, aa: number, yat: number): number {
  let lo = -1;
  let hi = 0;
  let s = -0.5;
  for (let k = 0; k < 200; k++) {
    const v = e * aa * s - e * yat + Math.log((1 + s) / -s);
    if (v > 0) hi = s;
    else lo = s;
    const dv = e * aa + 1 / (1 + s) - 1 / s;
    let next = s - v / dv;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - s) <= 1e-15 * Math.max(1e-300, Math.abs(s)) || hi - lo < 1e-300) return next;
    s = next;
  }
  return s;
}

/** One pass of generalized implicit FTRL (logistic, Fenchel–Young, ηₜ = 1/√t) in plain TS; returns x and the cumulative loss. */
function onlineRef(A: Float64Array, y: Float64Array, T: number, d: number): Float64Array {
  const theta = new Float64Array(d);
  const x = new Float64Array(d);
  const cumulative: number[] = [];
  let total = 0;
  let mistakes = 0;
  for (let t = 1; t <= T; t++) {
    const o = (t - 1) * d;
    const yt = y[t - 1]!;
    let s = 0;
    for (let j = 0; j < d; j++) s += A[o + j]! * x[j]!;
    const margin = yt * s;
    if (!(margin > 0)) mistakes++;
    total += logisticLoss(margin);
    cumulative.push(total);
    const e = 1 / Math.sqrt(t + 1);
    let aa = 0;
    let at = 0;
    for (let j = 0; j < d; j++) {
      aa += A[o + j]! * A[o + j]!;
      at += A[o + j]! * theta[j]!;
    }
    const coef = aa === 0 ? 0 : logisticDual(e, aa, yt * at);
    for (let j = 0; j < d; j++) {
      theta[j] = theta[j]! - coef * yt * A[o + j]!;
      x[j] = e * theta[j]!;
    }
  }
  // the mean loss, not the total: a total in the thousands carries rounding above the 1e-12 check
  return joined(x, [total / T, mistakes]);
}

/** The bench's stream for size n: breast cancer (standardised) at 1e3, else a seeded Gaussian stream with noisy linear labels. */
function onlineStream(size: number) {
  const { T, d } = pick(size, ONLINE_SIZE);
  const seed = 1830 + Math.log10(size);
  let A: Float64Array;
  let labels: Float64Array;
  if (size === 1e3) {
    const bc = breastCancerPm();
    A = Float64Array.from(standardized(bc.X).flat());
    labels = Float64Array.from(bc.y);
  } else {
    const g = rng(seed);
    A = g.normal(T * d);
    const w = g.normal(d);
    const noise = g.normal(T);
    const score = new Float64Array(T);
    mv(A, T, d, w, score);
    labels = score.map((s, i) => (s + 2 * noise[i]! >= 0 ? 1 : -1));
  }
  return { T, d, seed, A, labels, X: { data: A, rows: T, cols: d } };
}

export function benchSaddleOnline(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const { T, d, seed, A, labels, X } = onlineStream(size);
    const libOut = new Float64Array(d + 2);
    const refOut = new Float64Array(d + 2);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: 'generalizedImplicitFtrl (logistic, Fenchel–Young)',
        call: () => {
          const r = generalizedImplicitFtrl(X, labels, 'logistic');
          libOut.set(r.x);
          libOut[d] = r.cumulativeLoss[T - 1]! / T;
          libOut[d + 1] = r.mistakes;
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: 'plain-TS round loop', call: () => refOut.set(onlineRef(A, labels, T, d)), ...onJs(refOut) },
    ];
    const result = runCase(
      { kernel: 'saddleOnline', n: T * d, seed, params: { rounds: T, d } },
      candidates,
      [onlineRef(A, labels, T, d)],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

/** prox of s·log(1 + e^{−m}) at m0 (the root of m − s·σ(−m) − m0): bracketed Newton, as the prox family's logisticProx1d. */
function logisticProx1d(m0: number, s: number): number {
  const sigmoidNeg = (m: number): number => {
    if (m >= 0) {
      const e = Math.exp(-m);
      return e / (1 + e);
    }
    return 1 / (1 + Math.exp(m));
  };
  let lo = m0;
  let hi = m0 + s;
  let m = m0 + s * 0.5;
  for (let it = 0; it < 200; it++) {
    const sn = sigmoidNeg(m);
    const h = m - s * sn - m0;
    if (h > 0) hi = m;
    else if (h < 0) lo = m;
    else return m;
    const dd = 1 + s * sn * (1 - sn);
    let next = m - h / dd;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) * 0.5;
    const tolM = 4 * Number.EPSILON * Math.max(1, Math.abs(m));
    if (Math.abs(next - m) <= tolM || hi - lo <= tolM) return next;
    m = next;
  }
  return m;
}

/** One pass of implicit FTRL (logistic, ηₜ = 1/√t) in plain TS: x_{t+1} = prox_{η_{t+1}ℓₜ}(η_{t+1}θₜ) along aₜ in closed form up to the 1-D prox. */
function implicitRef(A: Float64Array, y: Float64Array, T: number, d: number): Float64Array {
  const theta = new Float64Array(d);
  const x = new Float64Array(d);
  const v = new Float64Array(d);
  let total = 0;
  let mistakes = 0;
  const cumulative: number[] = [];
  for (let t = 1; t <= T; t++) {
    const o = (t - 1) * d;
    const yt = y[t - 1]!;
    let s = 0;
    for (let j = 0; j < d; j++) s += A[o + j]! * x[j]!;
    const margin = yt * s;
    if (!(margin > 0)) mistakes++;
    total += logisticLoss(margin);
    cumulative.push(total);
    const e = 1 / Math.sqrt(t + 1);
    let u0 = 0;
    let aa = 0;
    for (let j = 0; j < d; j++) {
      v[j] = e * theta[j]!;
      u0 += A[o + j]! * v[j]!;
      aa += A[o + j]! * A[o + j]!;
    }
    const u = yt * logisticProx1d(yt * u0, e * aa);
    const c = -(u0 - u) / aa;
    for (let j = 0; j < d; j++) {
      x[j] = v[j]! + c * A[o + j]!;
      theta[j] = theta[j]! - (v[j]! - x[j]!) / e;
    }
  }
  // the mean loss, not the total: a total in the thousands carries rounding above the 1e-12 check
  return joined(x, [total / T, mistakes]);
}

export function benchSaddleImplicitFtrl(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const { T, d, seed, A, labels, X } = onlineStream(size);
    const libOut = new Float64Array(d + 2);
    const refOut = new Float64Array(d + 2);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: 'implicitFtrl (logistic; lossProx per round, 1-D prox in WASM)',
        call: () => {
          const r = implicitFtrl(X, labels, 'logistic');
          libOut.set(r.x);
          libOut[d] = r.cumulativeLoss[T - 1]! / T;
          libOut[d + 1] = r.mistakes;
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: 'plain-TS round loop', call: () => refOut.set(implicitRef(A, labels, T, d)), ...onJs(refOut) },
    ];
    const result = runCase(
      { kernel: 'saddleImplicitFtrl', n: T * d, seed, params: { rounds: T, d } },
      candidates,
      [implicitRef(A, labels, T, d)],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}

// ---------------------------------------------------------------- Bregman baryconvex prox

const BARY_SIZE: Record<number, { losses: number; rows: number; cols: number }> = {
  1e3: { losses: 4, rows: 25, cols: 10 },
  1e5: { losses: 10, rows: 100, cols: 100 },
  1e6: { losses: 10, rows: 1000, cols: 100 },
};
const BARY_ITERATIONS = 30;

/** The plain-TS baryconvex prox (t = 1, tol 0, BARY_ITERATIONS inner iterations; Euclidean, or KL with `kl`): the loops of bindings/saddle/baryconvex.ts. */
function baryRef(As: Float64Array[], bs: Float64Array[], rows: number, n: number, x0: Float64Array, w0: Float64Array, kl = false): Float64Array {
  const t = 1;
  const m = As.length;
  const logw = w0.map(Math.log);
  const vals = new Float64Array(m);
  const p = new Float64Array(m);
  const gi = new Float64Array(n);
  const r = new Float64Array(rows);
  const mixed = (z: Float64Array, g: Float64Array): void => {
    let mx = -Infinity;
    for (let i = 0; i < m; i++) {
      mv(As[i]!, rows, n, z, r);
      let s = 0;
      for (let k = 0; k < rows; k++) s += (r[k]! - bs[i]![k]!) ** 2;
      vals[i] = s / 2;
      mx = Math.max(mx, logw[i]! + t * vals[i]!);
    }
    let s = 0;
    for (let i = 0; i < m; i++) {
      p[i] = Math.exp(logw[i]! + t * vals[i]! - mx);
      s += p[i]!;
    }
    g.fill(0);
    for (let i = 0; i < m; i++) {
      p[i] = p[i]! / s;
      lsGradient(As[i]!, bs[i]!, rows, n, z, r, gi);
      for (let j = 0; j < n; j++) g[j] = g[j]! + p[i]! * gi[j]!;
    }
  };
  const g = new Float64Array(n);
  const gNew = new Float64Array(n);
  let z: Float64Array = x0.slice();
  mixed(z, g);
  let L = 1;
  if (kl) {
    // entropic mirror steps in log space, backtracked on the symmetric Bregman test (the library's 'kl' branch)
    const logx = x0.map(Math.log);
    const spread = (xv: Float64Array, gv: Float64Array): number => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < n; j++) {
        const rj = gv[j]! + (Math.log(xv[j]!) - logx[j]!) / t;
        lo = Math.min(lo, rj);
        hi = Math.max(hi, rj);
      }
      return hi - lo;
    };
    let residual = spread(z, g);
    for (let it = 0; it < BARY_ITERATIONS; it++) {
      let zn: Float64Array;
      for (;;) {
        const delta = 1 / (1 + t * L);
        const lz = z.map((v, j) => (1 - delta) * Math.log(v) + delta * (logx[j]! - t * g[j]!));
        const mx = Math.max(...lz);
        const e = lz.map((v) => Math.exp(v - mx));
        const tot = e.reduce((u, v) => u + v, 0);
        zn = e.map((v) => v / tot);
        mixed(zn, gNew);
        let cross = 0;
        let sym = 0;
        for (let j = 0; j < n; j++) {
          const dj = zn[j]! - z[j]!;
          cross += (gNew[j]! - g[j]!) * dj;
          sym += dj * (Math.log(zn[j]!) - Math.log(z[j]!));
        }
        if (cross <= L * sym || L > 1e300) break;
        L *= 2;
      }
      z = zn;
      g.set(gNew);
      residual = spread(z, g);
      L *= 0.9;
    }
    void residual;
    mixed(z, g);
    return joined(z, p);
  }
  for (let it = 0; it < BARY_ITERATIONS; it++) {
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
    L *= 0.9;
  }
  mixed(z, g);
  return joined(z, p);
}

export const benchSaddleBaryconvex = (ctx: BenchContext): CaseResult[] => benchBary(ctx, 'euclidean');
export const benchSaddleBaryconvexKl = (ctx: BenchContext): CaseResult[] => benchBary(ctx, 'kl');

function benchBary(ctx: BenchContext, geometry: 'euclidean' | 'kl'): CaseResult[] {
  const kl = geometry === 'kl';
  return ctx.sizes.map((size) => {
    const { losses: m, rows, cols: n } = pick(size, BARY_SIZE);
    const seed = 1840 + Math.log10(size);
    const g = rng(seed);
    const As = Array.from({ length: m }, () => g.normal(rows * n).map((v) => v / Math.sqrt(rows)));
    const bs = Array.from({ length: m }, () => g.normal(rows));
    let x0 = g.normal(n);
    if (kl) {
      // a point of the open simplex: softmax of the Gaussian draw
      const e = x0.map((v) => Math.exp(v));
      const tot = e.reduce((u, v) => u + v, 0);
      x0 = e.map((v) => v / tot);
    }
    const w0 = new Float64Array(m).fill(1 / m);
    const fs = As.map((A, i) => leastSquares(A, bs[i]!));
    const libOut = new Float64Array(n + m);
    const refOut = new Float64Array(n + m);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: `bregmanBaryconvexProx (${geometry}; leastSquares losses)`,
        call: () => {
          const r = bregmanBaryconvexProx(fs, x0, w0, 1, { tol: 0, maxIter: BARY_ITERATIONS, geometry });
          libOut.set(r.x);
          libOut.set(r.w, n);
        },
        ...onJs(libOut),
      },
      { key: 'plainTS', name: 'plain-TS baryconvex prox loop', call: () => refOut.set(baryRef(As, bs, rows, n, x0, w0, kl)), ...onJs(refOut) },
    ];
    const result = runCase(
      { kernel: kl ? 'saddleBaryconvexKl' : 'saddleBaryconvex', n: m * rows * n * BARY_ITERATIONS, seed, params: { losses: m, rows, cols: n, iterations: BARY_ITERATIONS } },
      candidates,
      [baryRef(As, bs, rows, n, x0, w0, kl)],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n: size };
  });
}
