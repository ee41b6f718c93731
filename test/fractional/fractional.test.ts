/**
 * The fractional family: every 1-D subproblem's solution against a brute-force grid + golden-section
 * polish on 10⁴ seeded random instances; coordinate descent against closed forms and Dinkelbach; sparse
 * Fisher discriminant analysis on breast cancer against Fisher's direction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, elasticNet, fractionalCD, fractionalDinkelbach, fractionalSubproblem1D, indBox, init, sparseFisherProblem,
  type FractionalSubproblem,
} from '../../bindings/index.js';
import { breastCancer, standardize } from '../../bindings/cvar/data.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

/** min of φ over [lo, hi] ∩ {D > 0}: a grid of `points`, then golden-section search around the best point. */
function bruteForce(phi: (t: number) => number, D: (t: number) => number, lo: number, hi: number, points = 4001): { t: number; value: number } {
  let best = Infinity;
  let bestK = -1;
  const h = (hi - lo) / (points - 1);
  const at = (k: number) => lo + k * h;
  for (let k = 0; k < points; k++) {
    const t = at(k);
    if (!(D(t) > 0)) continue;
    const v = phi(t);
    if (v < best) [best, bestK] = [v, k];
  }
  let a = Math.max(lo, at(bestK) - h);
  let b = Math.min(hi, at(bestK) + h);
  const f = (t: number) => (D(t) > 0 ? phi(t) : Infinity);
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  for (let k = 0; k < 200; k++) {
    if (f(c) < f(d)) b = d;
    else a = c;
    c = b - r * (b - a);
    d = a + r * (b - a);
  }
  const t = (a + b) / 2;
  return f(t) < best ? { t, value: f(t) } : { t: at(bestK), value: best };
}

/** A random subproblem on [−5, 5] with a numerator positive everywhere and D(0) > 0. */
function randomInstance(u: () => number, k: number): FractionalSubproblem & { d2: number; d1: number } {
  const a = 0.05 + 3 * u();
  const b = 4 * (u() - 0.5);
  const x = 4 * (u() - 0.5);
  const lambda = k % 4 === 0 ? 0 : 2 * u();
  const c = (b * b) / (2 * a) + 0.05 + 2 * u();
  // curvature of the denominator: convex, concave or affine in equal shares
  const kind = k % 3;
  const d2 = kind === 0 ? 0 : kind === 1 ? 2 * u() : -2 * u();
  const d1 = 4 * (u() - 0.5);
  const d0 = 0.05 + 2 * u();
  return { a, b, c, x, lambda, d2, d1, d0, lower: -5, upper: 5 };
}

describe('fractionalSubproblem1D', () => {
  it('matches a brute-force grid + polish on 10⁴ random instances (λ|·| numerators; convex, concave and affine denominators)', () => {
    const u = uniforms(2026);
    let worst = 0;
    let exactlyBetter = 0;
    for (let k = 0; k < 10_000; k++) {
      const p = randomInstance(u, k);
      const D = (t: number) => 0.5 * p.d2 * t * t + p.d1 * t + p.d0;
      const phi = (t: number) => (0.5 * p.a * t * t + p.b * t + p.c + p.lambda! * Math.abs(p.x! + t)) / D(t);
      const ours = fractionalSubproblem1D(p);
      const brute = bruteForce(phi, D, -5, 5);
      expect(D(ours.t)).toBeGreaterThan(0);
      expect(ours.t).toBeGreaterThanOrEqual(-5);
      expect(ours.t).toBeLessThanOrEqual(5);
      expect(ours.value).toBeCloseTo(phi(ours.t), 10);
      // global: never above the brute-force minimum (up to rounding of the polish)
      const gap = ours.value - brute.value;
      worst = Math.max(worst, gap / (1 + Math.abs(brute.value)));
      if (gap < -1e-6 * (1 + Math.abs(brute.value))) exactlyBetter++;
    }
    expect(worst).toBeLessThan(1e-9);
    // the grid + polish should rarely miss the true minimum by more than 1e-6 (a narrow dip between points)
    expect(exactlyBetter).toBeLessThan(50);
  });

  it('with a general separable g (value + prox callbacks) and δ ≤ 0: elastic net and a box, against brute force (2 000 instances each)', () => {
    const u = uniforms(77);
    for (const kind of ['elastic', 'box'] as const) {
      let worst = 0;
      for (let k = 0; k < 2000; k++) {
        const p = randomInstance(u, 3 * k + (k % 2 === 0 ? 0 : 2)); // affine or concave denominators only
        const l1 = p.lambda!;
        const l2 = u();
        const [lo, hi] = [-1 - u(), 1 + u()];
        const G = kind === 'elastic'
          ? { value: (v: number) => l1 * Math.abs(v) + 0.5 * l2 * v * v, prox: (v: number, s: number) => Math.sign(v) * Math.max(Math.abs(v) - s * l1, 0) / (1 + s * l2) }
          : { value: (v: number) => (v >= lo - 1e-12 && v <= hi + 1e-12 ? 0 : Infinity), prox: (v: number) => Math.min(hi, Math.max(lo, v)) };
        const q: FractionalSubproblem = { ...p, lambda: undefined, g: G };
        if (kind === 'box' && !(p.x! >= lo && p.x! <= hi)) q.x = 0; // start feasible
        const D = (t: number) => 0.5 * p.d2 * t * t + p.d1 * t + p.d0;
        const phi = (t: number) => (0.5 * p.a * t * t + p.b * t + p.c + G.value(q.x! + t)) / D(t);
        const ours = fractionalSubproblem1D(q);
        const brute = bruteForce(phi, D, -5, 5);
        worst = Math.max(worst, (ours.value - brute.value) / (1 + Math.abs(brute.value)));
      }
      expect(worst).toBeLessThan(1e-8);
    }
  });

  it('a g given as callbacks reproduces the λ|·| path', () => {
    const u = uniforms(5);
    for (let k = 0; k < 200; k++) {
      const p = randomInstance(u, 3 * k);
      const l = p.lambda!;
      const viaG = fractionalSubproblem1D({ ...p, lambda: undefined, g: { value: (v) => l * Math.abs(v), prox: (v, s) => Math.sign(v) * Math.max(Math.abs(v) - s * l, 0) } });
      const viaL = fractionalSubproblem1D(p);
      expect(viaG.value).toBeCloseTo(viaL.value, 9);
    }
  });

  it('validates its input', () => {
    expect(() => fractionalSubproblem1D({ a: 0, b: 0, c: 1, d0: 1 })).toThrow(/p.a/);
    expect(() => fractionalSubproblem1D({ a: 1, b: 0, c: 1, d0: -1 })).toThrow(/denominator is not positive/);
    expect(() => fractionalSubproblem1D({ a: 1, b: 0, c: 1, d0: 1, d2: 1, g: { value: () => 0, prox: (v) => v } })).toThrow(ParameterError);
  });
});

describe('fractionalCD', () => {
  it('a Rayleigh quotient xᵀAx / xᵀx reaches the smallest eigenvalue (convex denominator, closed form)', () => {
    // A = tridiag(−1, 2, −1) of order 6: eigenvalues 2 − 2cos(kπ/7)
    const n = 6;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 4; // ½xᵀAx with A = 2·tridiag
      if (i > 0) A[i * n + i - 1] = -2;
      if (i < n - 1) A[i * n + i + 1] = -2;
    }
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 2;
    const r = fractionalCD({ A: { data: A, rows: n, cols: n }, B: { data: I, rows: n, cols: n } }, { x0: [1, 0.5, -0.3, 0.2, 0.1, 1], maxIter: 5000, tol: 1e-15 });
    expect(r.objective).toBeCloseTo(2 - 2 * Math.cos(Math.PI / 7), 8);
  });

  it('never increases F, with every order and a proximal term', () => {
    const { X, y } = breastCancer();
    const P = sparseFisherProblem(standardize(X), y, 0.01);
    for (const o of [{ order: 'cyclic' }, { order: 'random', seed: 3 }, { proximal: 0.1 }] as const) {
      const r = fractionalCD(P, { x0: P.e as Float64Array, maxIter: 50, ...o });
      for (let k = 1; k < r.history.length; k++) expect(r.history[k]!).toBeLessThanOrEqual(r.history[k - 1]! * (1 + 1e-14));
    }
  });

  it('a separable ProxOperator g gives the same solution as lambda for g = λ‖·‖₁ … and a box', () => {
    const A = { data: [2, 0.5, 0.5, 1], rows: 2, cols: 2 };
    const r = fractionalCD({ A, c: 1, g: elasticNet(0.3, 0), e: [1, 1] }, { x0: [1, 1] });
    const s = fractionalCD({ A, c: 1, lambda: 0.3, e: [1, 1] }, { x0: [1, 1] });
    expect(r.objective).toBeCloseTo(s.objective, 10);
    const box = fractionalCD({ A, c: 1, g: indBox(0, 0.2), e: [1, 1] }, { x0: [0.1, 0.1] });
    for (const v of box.x) expect(v).toBeLessThanOrEqual(0.2 + 1e-12);
  });
});

describe('sparse Fisher discriminant on breast cancer', () => {
  const { X, y } = breastCancer();
  const S = standardize(X);
  it('λ = 0: CD and Dinkelbach reach Fisher\'s criterion √(vᵀS_w v)/(mᵀv) + … at v = S_w⁻¹m (closed form)', () => {
    const P = sparseFisherProblem(S, y, 0);
    const d = 30;
    const Sw = P.A as { data: Float64Array };
    const m = P.e as Float64Array;
    // v = S_w⁻¹ m by Gaussian elimination here; optimal ratio = √(vᵀS_w v)/(mᵀv) (best scale: wᵀS_w w = 1)
    const M = Array.from({ length: d }, (_, i) => [...Array.from(Sw.data.subarray(i * d, i * d + d)), m[i]!]);
    for (let k = 0; k < d; k++) {
      let p = k;
      for (let i = k + 1; i < d; i++) if (Math.abs(M[i]![k]!) > Math.abs(M[p]![k]!)) p = i;
      [M[k], M[p]] = [M[p]!, M[k]!];
      for (let i = k + 1; i < d; i++) {
        const f = M[i]![k]! / M[k]![k]!;
        for (let j = k; j <= d; j++) M[i]![j] = M[i]![j]! - f * M[k]![j]!;
      }
    }
    const v = new Array<number>(d).fill(0);
    for (let k = d - 1; k >= 0; k--) {
      let t = M[k]![d]!;
      for (let j = k + 1; j < d; j++) t -= M[k]![j]! * v[j]!;
      v[k] = t / M[k]![k]!;
    }
    const mv = v.reduce((s, t, i) => s + t * m[i]!, 0);
    const optimum = Math.sqrt(mv) / mv; // vᵀS_w v = mᵀv for v = S_w⁻¹m
    const dk = fractionalDinkelbach(P, { x0: m });
    expect(dk.objective).toBeCloseTo(optimum, 6);
    const cd = fractionalCD(P, { x0: m, maxIter: 3000, tol: 1e-14 });
    expect(cd.objective).toBeGreaterThanOrEqual(optimum - 1e-12);
    // coordinate descent is slow on the ill-conditioned unregularised problem: within 0.1 % after 3000 sweeps
    expect(cd.objective).toBeLessThan(optimum * (1 + 1e-3));
  });
  it('λ > 0: CD and Dinkelbach agree to 1e-9 and the solution is sparse', () => {
    for (const lambda of [0.01, 0.1]) {
      const P = sparseFisherProblem(S, y, lambda);
      const cd = fractionalCD(P, { x0: P.e as Float64Array });
      const dk = fractionalDinkelbach(P, { x0: P.e as Float64Array });
      expect(cd.converged).toBe(true);
      expect(Math.abs(cd.objective - dk.objective)).toBeLessThan(1e-9 * dk.objective);
      const nnz = Array.from(cd.x).filter((t) => t !== 0).length;
      expect(nnz).toBeLessThan(30);
    }
  });
});
