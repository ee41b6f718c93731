import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, memoryStats, wassersteinCpDictionary } from '../../bindings/index.js';
import { wcpBlockStep } from '../../bindings/ot/wcp.js';
import { uniforms } from '../helpers.js';
import { costMatrixRef, sinkhornLogRef } from './reference.js';

beforeAll(() => init());

/** W_ε(a, b) = ⟨P, M⟩ + ε Σ P (log P − 1) at the plan of the plain-TS log-domain Sinkhorn (the primal value, from the definition). */
function entropicW(a: ArrayLike<number>, b: ArrayLike<number>, M: ArrayLike<number>, eps: number, iters = 2000): number {
  const P = sinkhornLogRef(a, b, M, eps, iters);
  let v = 0;
  for (let k = 0; k < P.length; k++) if (P[k]! > 0) v += P[k]! * M[k]! + eps * P[k]! * (Math.log(P[k]!) - 1);
  return v;
}

/** The grid cost of shape dims divided by its maximum (the documented default), written from the definition. */
function gridCostRef(dims: number[]): Float64Array {
  const d = dims.reduce((a, b) => a * b, 1);
  const pts: number[] = [];
  for (let t = 0; t < d; t++) {
    const c: number[] = [];
    let rest = t;
    for (let k = dims.length - 1; k >= 0; k--) {
      c.unshift(rest % dims[k]!);
      rest = Math.floor(rest / dims[k]!);
    }
    pts.push(...c);
  }
  const M = costMatrixRef(pts, pts, dims.length, 'sqeuclidean');
  const mx = Math.max(...M);
  return M.map((v) => v / mx);
}

/** F = Σᵢ W_ε(xᵢ, yᵢ) for the columns of the d × N reconstruction. */
function objectiveRef(X: Float64Array[], Y: Float64Array, M: Float64Array, eps: number, iters = 2000): number {
  const N = X.length;
  const d = X[0]!.length;
  let F = 0;
  for (let i = 0; i < N; i++) F += entropicW(X[i]!, Float64Array.from({ length: d }, (_, t) => Y[t * N + i]!), M, eps, iters);
  return F;
}

/** The minimiser of a convex (unimodal) f on [0, 1] by golden-section search, to within tol. */
function goldenMin(f: (t: number) => number, tol: number): number {
  let lo = 0;
  let hi = 1;
  const g = (Math.sqrt(5) - 1) / 2;
  while (hi - lo > tol) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (f(a) <= f(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

function normalise(v: Float64Array): Float64Array {
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((t) => t / s);
}

/** N histograms on a 5 × 5 grid mixing R known product atoms (peaked marginals). */
function synthetic(seed: number, N: number, R: number): { X: Float64Array[]; atoms: Float64Array[]; H: Float64Array[] } {
  const u = uniforms(seed);
  const peaked = (n: number): Float64Array => {
    const c = Math.floor(u() * n);
    return normalise(Float64Array.from({ length: n }, (_, j) => Math.exp(-((j - c) ** 2)) + 0.01));
  };
  const atoms = Array.from({ length: R }, () => {
    const a = peaked(5);
    const b = peaked(5);
    return Float64Array.from({ length: 25 }, (_, t) => a[Math.floor(t / 5)]! * b[t % 5]!);
  });
  const H = Array.from({ length: N }, () => normalise(Float64Array.from({ length: R }, () => u() ** 2)));
  const X = H.map((h) => Float64Array.from({ length: 25 }, (_, t) => atoms.reduce((s, a, r) => s + h[r]! * a[t]!, 0)));
  return { X, atoms, H };
}

function randomHistograms(seed: number, N: number, d: number): Float64Array[] {
  const u = uniforms(seed);
  return Array.from({ length: N }, () => normalise(Float64Array.from({ length: d }, () => (u() < 0.3 ? 0 : u()))));
}

describe('wassersteinCpDictionary', () => {
  const data = randomHistograms(11, 10, 9);
  const opts = { rank: 2, reg: 0.05, rho: 0.5, shape: [3, 3], innerIter: 60, seed: 3 };
  const M = gridCostRef([3, 3]);

  it('the objective never increases, and each reported value is the objective of the returned factors (independent Sinkhorn)', () => {
    let prev = Infinity;
    for (let k = 1; k <= 3; k++) {
      const r = wassersteinCpDictionary(data, { ...opts, maxIter: k, tol: 0 });
      expect(r.iterations).toBe(k);
      const F = objectiveRef(data, r.reconstruction, M, opts.reg, 800);
      expect(Math.abs(F - r.objective)).toBeLessThan(1e-7);
      expect(r.objective).toBeLessThanOrEqual(prev + 1e-12);
      expect(r.objective).toBeLessThan(r.initialObjective);
      prev = r.objective;
      // the history is monotone and ends at the returned value
      const h = [r.initialObjective, ...r.history.map((e) => e.objective)];
      for (let j = 1; j < h.length; j++) expect(h[j]!).toBeLessThanOrEqual(h[j - 1]!);
      expect(h.at(-1)).toBe(r.objective);
    }
  });

  it('BCD-PR sufficient decrease: F(θᵏ⁻¹) − F(θᵏ) ≥ (λ/2)‖θᵏ − θᵏ⁻¹‖² every sweep (no rejected block)', () => {
    const r = wassersteinCpDictionary(data, { ...opts, maxIter: 12, tol: 0 });
    expect(r.rejected).toBe(0);
    let prev = r.initialObjective;
    for (const e of r.history) {
      expect(prev - e.objective).toBeGreaterThanOrEqual((opts.rho / 2) * e.step ** 2 - 1e-12);
      expect(e.stationarity).toBeCloseTo(opts.rho * e.step, 14);
      prev = e.objective;
    }
    // the steps are square-summable: Σ (λ/2) step² ≤ F(θ⁰) − F(θᴷ)
    const total = r.history.reduce((s, e) => s + (opts.rho / 2) * e.step ** 2, 0);
    expect(total).toBeLessThanOrEqual(r.initialObjective - r.objective + 1e-12);
  });

  it('factors, codes and atoms are column-stochastic, atoms are the products of the factors, Y = D H', () => {
    const r = wassersteinCpDictionary(data, { ...opts, maxIter: 3 });
    const [U1, U2] = r.factors as [Float64Array, Float64Array];
    const R = 2;
    for (let q = 0; q < R; q++) {
      expect(Math.abs([0, 1, 2].reduce((s, j) => s + U1[j * R + q]!, 0) - 1)).toBeLessThan(1e-12);
      expect(Math.abs([0, 1, 2].reduce((s, j) => s + U2[j * R + q]!, 0) - 1)).toBeLessThan(1e-12);
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        expect(r.dictionary[(a * 3 + b) * R + q]).toBeCloseTo(U1[a * R + q]! * U2[b * R + q]!, 15);
      }
    }
    const N = data.length;
    for (let i = 0; i < N; i++) {
      expect(Math.abs(r.codes[i]! + r.codes[N + i]! - 1)).toBeLessThan(1e-12);
      expect(Math.min(r.codes[i]!, r.codes[N + i]!)).toBeGreaterThanOrEqual(0);
      for (let t = 0; t < 9; t++) {
        const y = r.dictionary[t * R]! * r.codes[i]! + r.dictionary[t * R + 1]! * r.codes[N + i]!;
        expect(r.reconstruction[t * N + i]).toBeCloseTo(y, 14);
      }
    }
  });

  it('recovers data generated from a known CP dictionary: small reconstruction error, objective below the truth', () => {
    const { X, atoms, H } = synthetic(7, 16, 3);
    const reg = 0.01;
    const r = wassersteinCpDictionary(X, { rank: 3, reg, rho: 0.1, shape: [5, 5], maxIter: 20, innerIter: 60, seed: 1 });
    let err = 0;
    let nx = 0;
    let errMean = 0;
    const mean = new Float64Array(25);
    X.forEach((x) => x.forEach((v, t) => (mean[t] = mean[t]! + v / X.length)));
    X.forEach((x, i) => x.forEach((v, t) => {
      err += (r.reconstruction[t * X.length + i]! - v) ** 2;
      errMean += (mean[t]! - v) ** 2;
      nx += v * v;
    }));
    const rel = Math.sqrt(err / nx);
    expect(rel).toBeLessThan(0.12);
    expect(rel).toBeLessThan(0.25 * Math.sqrt(errMean / nx));
    // the generating factors are a feasible point: the learned objective must not be worse
    const Ytrue = new Float64Array(25 * X.length);
    H.forEach((h, i) => { for (let t = 0; t < 25; t++) Ytrue[t * X.length + i] = atoms.reduce((s, a, q) => s + h[q]! * a[t]!, 0); });
    const Ftrue = objectiveRef(X, Ytrue, gridCostRef([5, 5]), reg, 600);
    expect(r.objective).toBeLessThanOrEqual(Ftrue + 1e-3 * Math.abs(Ftrue));
  });

  it('the codes block solved in the dual equals a brute-force primal minimisation (tiny instance), with zero duality gap', () => {
    // d = 3 points on a line, N = 2 histograms, R = 2 atoms: each code is (t, 1 − t), minimised by golden section.
    const X = [Float64Array.of(0.6, 0.3, 0.1), Float64Array.of(0.05, 0.25, 0.7)];
    const D = [Float64Array.of(0.7, 0.2, 0.1), Float64Array.of(0.1, 0.3, 0.6)];
    const Dflat = Float64Array.of(0.7, 0.1, 0.2, 0.3, 0.1, 0.6); // d × R row-major
    const Hprev = Float64Array.of(0.5, 0.2, 0.5, 0.8); // R × N row-major
    const Mline = costMatrixRef([0, 1, 2], [0, 1, 2], 1, 'sqeuclidean').map((v) => v / 4);
    const reg = 0.1;
    const rho = 0.3;
    const r = wcpBlockStep(X, [Dflat], Hprev, 1, { rank: 2, reg, rho, innerIter: 3000, M: Mline });
    let primalRef = 0;
    for (let i = 0; i < 2; i++) {
      const h0 = Hprev[i]!;
      const h1 = Hprev[2 + i]!;
      const f = (t: number): number => {
        const y = D[0]!.map((v, j) => t * v + (1 - t) * D[1]![j]!);
        return entropicW(X[i]!, y, Mline, reg, 400) + (rho / 2) * ((t - h0) ** 2 + (1 - t - h1) ** 2);
      };
      const t = goldenMin(f, 1e-8);
      expect(Math.abs(r.theta[i]! - t)).toBeLessThan(1e-5);
      expect(Math.abs(r.theta[2 + i]! - (1 - t))).toBeLessThan(1e-5);
      primalRef += f(t);
    }
    expect(Math.abs(r.primal - primalRef)).toBeLessThan(1e-8);
    // weak duality Ψ ≤ primal, and the gap closes
    expect(r.dual).toBeLessThanOrEqual(r.primal + 1e-10);
    expect(r.primal - r.dual).toBeLessThan(1e-8);
  });

  it('a factor block solved in the dual equals a brute-force primal minimisation (shape [2, 3], rank 1)', () => {
    // Atom = u ⊗ v with u = (t, 1 − t) the block, v fixed; codes are 1 (rank 1). Golden section over t.
    const X = [Float64Array.of(0.3, 0.1, 0.1, 0.1, 0.2, 0.2), Float64Array.of(0.05, 0.05, 0.2, 0.3, 0.2, 0.2)];
    const v = Float64Array.of(0.2, 0.3, 0.5);
    const uPrev = Float64Array.of(0.3, 0.7);
    const M = gridCostRef([2, 3]);
    const reg = 0.05;
    const rho = 0.2;
    const r = wcpBlockStep(X, [uPrev, v], Float64Array.of(1, 1), 0, { rank: 1, reg, rho, innerIter: 3000, shape: [2, 3] });
    const f = (t: number): number => {
      const y = Float64Array.from({ length: 6 }, (_, q) => (q < 3 ? t : 1 - t) * v[q % 3]!);
      return entropicW(X[0]!, y, M, reg, 300) + entropicW(X[1]!, y, M, reg, 300) + (rho / 2) * ((t - uPrev[0]!) ** 2 + (1 - t - uPrev[1]!) ** 2);
    };
    const t = goldenMin(f, 1e-8);
    expect(Math.abs(r.theta[0]! - t)).toBeLessThan(1e-5);
    expect(Math.abs(r.theta[1]! - (1 - t))).toBeLessThan(1e-5);
    expect(Math.abs(r.primal - f(t))).toBeLessThan(1e-8);
    expect(r.dual).toBeLessThanOrEqual(r.primal + 1e-10);
    expect(r.primal - r.dual).toBeLessThan(1e-8);
  });

  it('tiny reg (exp(−M/ε) underflows: log-domain fallbacks) on Dirac data, against the closed form W_ε(δ_k, y) = Σ_j y_j (M_kj + ε(log y_j − 1))', () => {
    // From a Dirac the only plan is P_kj = y_j, so W_ε is explicit and the code problem is 1-D per column.
    const X = [Float64Array.of(1, 0, 0), Float64Array.of(0, 0, 1)];
    const D = [Float64Array.of(0, 0.5, 0.5), Float64Array.of(0.2, 0.3, 0.5)];
    const Dflat = Float64Array.of(0, 0.2, 0.5, 0.3, 0.5, 0.5);
    const Hprev = Float64Array.of(0.5, 0.25, 0.5, 0.75);
    const Mline = costMatrixRef([0, 1, 2], [0, 1, 2], 1, 'sqeuclidean').map((v) => v / 4);
    const reg = 0.0008; // exp(−1/reg) = 0 and exp(−0.25/reg) ≈ 1e-136
    const rho = 0.5;
    const r = wcpBlockStep(X, [Dflat], Hprev, 1, { rank: 2, reg, rho, innerIter: 4000, M: Mline });
    let primalRef = 0;
    for (let i = 0; i < 2; i++) {
      const k = i === 0 ? 0 : 2;
      const f = (t: number): number => {
        let w = 0;
        for (let j = 0; j < 3; j++) {
          const y = t * D[0]![j]! + (1 - t) * D[1]![j]!;
          if (y > 0) w += y * (Mline[k * 3 + j]! + reg * (Math.log(y) - 1));
        }
        return w + (rho / 2) * ((t - Hprev[i]!) ** 2 + (1 - t - Hprev[2 + i]!) ** 2);
      };
      const t = goldenMin(f, 1e-10);
      expect(Math.abs(r.theta[i]! - t)).toBeLessThan(1e-5);
      primalRef += f(t);
    }
    expect(Math.abs(r.primal - primalRef)).toBeLessThan(1e-8);
    expect(r.dual).toBeLessThanOrEqual(r.primal + 1e-10);
    expect(r.primal - r.dual).toBeLessThan(1e-6);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = wassersteinCpDictionary(data, { ...opts, maxIter: 3 });
    const b = wassersteinCpDictionary(data, { ...opts, maxIter: 3 });
    const c = wassersteinCpDictionary(data, { ...opts, maxIter: 3, seed: 4 });
    expect(Array.from(a.dictionary)).toEqual(Array.from(b.dictionary));
    expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
    expect(a.history.map((e) => e.objective)).toEqual(b.history.map((e) => e.objective));
    expect(Array.from(c.codes)).not.toEqual(Array.from(a.codes));
  });

  it('the matrix case (default shape [d]) is Wasserstein NMF: one factor equal to the dictionary', () => {
    const r = wassersteinCpDictionary({ data: Float64Array.from({ length: 9 * 10 }, (_, k) => data[k % 10]![Math.floor(k / 10)]!), rows: 9, cols: 10 }, { rank: 2, reg: 0.05, M, maxIter: 3, seed: 3 });
    expect(r.factors.length).toBe(1);
    expect(Array.from(r.factors[0]!)).toEqual(Array.from(r.dictionary));
    const F = objectiveRef(data, r.reconstruction, M, 0.05);
    expect(Math.abs(F - r.objective)).toBeLessThan(1e-7);
  });

  it('tol, onProgress and signal end the run; memory is returned', () => {
    const before = memoryStats().allocatedBytes;
    const seen: number[] = [];
    const r = wassersteinCpDictionary(data, { ...opts, maxIter: 10, tol: 0, onProgress: (e) => { seen.push(e.iteration); return e.iteration < 2; } });
    expect(r.stopped).toBe('callback');
    expect(seen).toEqual([1, 2]);
    const c = wassersteinCpDictionary(data, { ...opts, maxIter: 10, tol: 1e9 });
    expect(c.stopped).toBe('converged');
    expect(c.converged).toBe(true);
    expect(c.iterations).toBe(1);
    const ctl = new AbortController();
    ctl.abort();
    const a = wassersteinCpDictionary(data, { ...opts, signal: ctl.signal });
    expect(a.stopped).toBe('aborted');
    expect(a.iterations).toBe(0);
    expect(a.objective).toBe(a.initialObjective);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('typed errors for rank, reg, rho, shapes and data', () => {
    const f = (o: object, X: unknown = data) => () => wassersteinCpDictionary(X as Float64Array[], { ...opts, ...o } as never);
    const cases: [() => unknown, unknown, string][] = [
      [f({ rank: 0 }), ParameterError, 'wassersteinCpDictionary: options.rank must be a positive integer (got 0)'],
      [f({ rank: 1.5 }), ParameterError, 'wassersteinCpDictionary: options.rank must be a positive integer (got 1.5)'],
      [f({ reg: 0 }), ParameterError, 'wassersteinCpDictionary: options.reg must be > 0 (got 0)'],
      [f({ reg: -1 }), ParameterError, 'wassersteinCpDictionary: options.reg must be > 0 (got -1)'],
      [f({ reg: NaN }), ParameterError, 'wassersteinCpDictionary: options.reg must be > 0 (got NaN)'],
      [f({ rho: 0 }), ParameterError, 'wassersteinCpDictionary: options.rho must be > 0 (got 0)'],
      [f({ rho: Infinity }), ParameterError, 'wassersteinCpDictionary: options.rho must be finite (got Infinity)'],
      [f({ maxIter: 0 }), ParameterError, 'wassersteinCpDictionary: options.maxIter must be a positive integer (got 0)'],
      [f({ innerIter: -2 }), ParameterError, 'wassersteinCpDictionary: options.innerIter must be a positive integer (got -2)'],
      [f({ shape: [2, 4] }), ShapeError, 'wassersteinCpDictionary: options.shape must multiply to the histogram length 9 (got 2 × 4 = 8)'],
      [f({ M: new Float64Array(8) }), ShapeError, 'wassersteinCpDictionary: options.M must have d × d = 9 × 9 = 81 entries (got 8)'],
      [f({}, [Float64Array.of(1, 2), Float64Array.of(1, 2, 3)]), ShapeError, 'wassersteinCpDictionary: X[1] must have length 2 like X[0] (got 3)'],
      [f({ shape: undefined }, [Float64Array.of(1, -2)]), ParameterError, 'wassersteinCpDictionary: X must be >= 0 entrywise (got -2 in histogram 0 at index 1)'],
      [f({ shape: undefined }, [Float64Array.of(1, 2), Float64Array.of(1, NaN)]), NonFiniteError, 'wassersteinCpDictionary: X[1] must be finite (got NaN at index 1)'],
      [f({ M: Float64Array.from({ length: 81 }, (_, k) => (k === 5 ? Infinity : 0)) }), NonFiniteError, 'wassersteinCpDictionary: options.M must be finite (got Infinity at index 5)'],
      [f({ M: { data: new Float64Array(72), rows: 9, cols: 8 } }), ShapeError, 'wassersteinCpDictionary: options.M must be d × d = 9 × 9 (got 9 × 8)'],
      [f({ seed: 1.5 }), ParameterError, 'wassersteinCpDictionary: options.seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got 1.5)'],
      [f({ onProgress: 3 }), ParameterError, 'wassersteinCpDictionary: options.onProgress must be a function (got 3)'],
      [f({ shape: undefined }, [Float64Array.of(0, 0)]), ParameterError, 'wassersteinCpDictionary: every histogram of X must have a positive sum (got 0 for histogram 0)'],
      [f({}, 'x'), ParameterError, "wassersteinCpDictionary: X must be a non-empty array of histograms or a { data, rows: d, cols: N } matrix whose columns are histograms (got \"x\")"],
    ];
    for (const [call, cls, msg] of cases) {
      expect(call).toThrow(cls as never);
      expect(call).toThrow(msg);
    }
  });
});
