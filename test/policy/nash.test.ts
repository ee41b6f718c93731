/**
 * policy, tabular Nash learning: the KL mirror step against a brute-force minimiser, the equilibrium
 * against its fixed-point equation evaluated in plain TS, the exploitability against brute-force best
 * responses, rock–paper–scissors, the linear rate, n-independence, and errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ParameterError, ShapeError } from '../../bindings/index.js';
import {
  nashMirrorDescent, nashMirrorProx, nashOnlineMirrorDescent, nashResidual, randomPreferenceMatrix, rockPaperScissors,
} from '../../bindings/policy/index.js';
import { patternSearch } from '../prox/minimize.js';
import { firstBitDifference, uniforms } from '../helpers.js';

beforeAll(() => init());

const mat = (P: { data: Float64Array; rows: number }) => (i: number, j: number) => P.data[i * P.rows + j]!;
const matVec = (P: { data: Float64Array; rows: number }, v: ArrayLike<number>) =>
  Float64Array.from({ length: P.rows }, (_, i) => { let s = 0; for (let j = 0; j < P.rows; j++) s += mat(P)(i, j) * v[j]!; return s; });
const KL = (x: ArrayLike<number>, y: ArrayLike<number>) => { let s = 0; for (let i = 0; i < x.length; i++) if (x[i]! > 0) s += x[i]! * Math.log(x[i]! / y[i]!); return s; };

/** argmin over the simplex of F, searched in the first n−1 coordinates (the last is 1 − their sum). */
function simplexMinimise(F: (p: Float64Array) => number, n: number): Float64Array {
  const lift = (x: Float64Array) => {
    const p = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n - 1; i++) { p[i] = x[i]!; s += x[i]!; }
    p[n - 1] = 1 - s;
    return p;
  };
  const G = (x: Float64Array) => { const p = lift(x); return p.some((q) => !(q > 0)) ? Infinity : F(p); };
  return lift(patternSearch(G, new Float64Array(n - 1).fill(1 / n), 0.25, 600).x);
}

describe('tabular Nash learning', () => {
  it('one mirror step equals the brute-force argmax of η⟨π, Pπ₀⟩ − ηβ·KL(π‖μ) − KL(π‖π₀)', () => {
    for (const [n, seed, beta, eta] of [[3, 1, 0.1, 2], [4, 2, 0.5, 0.7], [3, 3, 0.01, 5]] as const) {
      const P = randomPreferenceMatrix(n, { seed });
      const u = uniforms(seed);
      const mu = Float64Array.from({ length: n }, () => 0.2 + u());
      const pi0 = Float64Array.from({ length: n }, () => 0.1 + u());
      const m = mu.map((q) => q / mu.reduce((s, t) => s + t, 0));
      const p0 = pi0.map((q) => q / pi0.reduce((s, t) => s + t, 0));
      const step = nashOnlineMirrorDescent(P, { beta, eta, reference: mu, init: pi0, maxIter: 1, tol: 0 }).pi;
      const g = matVec(P, p0);
      const F = (p: Float64Array) => -eta * p.reduce((s, q, i) => s + q * g[i]!, 0) + eta * beta * KL(p, m) + KL(p, p0);
      const brute = simplexMinimise(F, n);
      for (let i = 0; i < n; i++) expect(Math.abs(step[i]! - brute[i]!)).toBeLessThan(1e-6);
      // and the brute-force point is no better than the closed form
      expect(F(step)).toBeLessThanOrEqual(F(brute) + 1e-12);
    }
  });

  it('rock–paper–scissors converges to uniform from a skewed start, for every β', () => {
    for (const beta of [0.01, 0.1, 1]) {
      const r = nashMirrorProx(rockPaperScissors(), { beta, init: [0.8, 0.15, 0.05], maxIter: 20000 });
      expect(r.converged).toBe(true);
      for (const q of r.pi) expect(Math.abs(q - 1 / 3)).toBeLessThan(1e-10);
    }
  });

  it('the result satisfies π = softmax(log μ + Pπ/β) computed in plain TS, and its exploitability is 0', () => {
    const P = randomPreferenceMatrix(50, { seed: 4 });
    const u = uniforms(9);
    const mu = Float64Array.from({ length: 50 }, () => 0.5 + u());
    for (const beta of [0.01, 0.1, 1]) {
      const r = nashMirrorProx(P, { beta, reference: mu, maxIter: 20000 });
      expect(r.converged).toBe(true);
      expect(r.stopped).toBe('converged');
      const m = mu.map((q) => q / mu.reduce((s, t) => s + t, 0));
      const z = matVec(P, r.pi).map((g, i) => Math.log(m[i]!) + g / beta);
      const zmax = Math.max(...z);
      const e = z.map((q) => Math.exp(q - zmax));
      const S = e.reduce((s, q) => s + q, 0);
      let l1 = 0;
      for (let i = 0; i < 50; i++) l1 += Math.abs(r.pi[i]! - e[i]! / S);
      expect(l1).toBeLessThan(1e-9);
      expect(Math.abs(r.gap)).toBeLessThan(1e-12);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(r.history.residual.length).toBe(r.iterations + 1);
      expect(r.queries).toBe(2 * r.iterations);
    }
  });

  it('the exploitability equals brute-force best responses of both players (n = 3)', () => {
    const P = randomPreferenceMatrix(3, { seed: 7 });
    const mu = Float64Array.of(0.5, 0.3, 0.2);
    const beta = 0.3;
    const pi = Float64Array.of(0.2, 0.5, 0.3);
    const f = (a: Float64Array, b: Float64Array) => {
      let v = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += a[i]! * mat(P)(i, j) * b[j]!;
      return v - beta * KL(a, mu) + beta * KL(b, mu);
    };
    const best1 = simplexMinimise((p) => -f(p, pi), 3);
    const best2 = simplexMinimise((p) => f(pi, p), 3);
    const gap = f(best1, pi) - f(pi, best2);
    const c = nashResidual(P, pi, { beta, reference: mu });
    expect(c.gap).toBeGreaterThan(0.01);
    expect(Math.abs(c.gap - gap)).toBeLessThan(1e-10);
  });

  it('converges linearly at the rate 1/(1 + ηβ) per iteration, with an iteration count nearly independent of n', () => {
    const counts: number[] = [];
    for (const n of [10, 100, 400]) {
      const r = nashMirrorProx(randomPreferenceMatrix(n, { seed: n }), { beta: 0.05, eta: 2 });
      expect(r.converged).toBe(true);
      counts.push(r.iterations);
      // per-iteration contraction between the first residual below 1e-4 and the last (≥ 20 iterations apart)
      const h = r.history.residual;
      const a = h.findIndex((q) => q < 1e-4);
      const rate = (h[r.iterations]! / h[a]!) ** (1 / (r.iterations - a));
      expect(r.iterations - a).toBeGreaterThan(20);
      expect(rate).toBeLessThan(1.02 / (1 + 2 * 0.05));
    }
    expect(Math.max(...counts) / Math.min(...counts)).toBeLessThan(1.25);
  });

  it('Nash-MP takes fewer iterations than OMD at the same step; constant-step Nash-MD levels off above tol', () => {
    const P = randomPreferenceMatrix(100, { seed: 1 });
    for (const eta of [1, 2, 4]) {
      const mp = nashMirrorProx(P, { beta: 0.1, eta });
      const omd = nashOnlineMirrorDescent(P, { beta: 0.1, eta, maxIter: 5000 });
      expect(mp.converged).toBe(true);
      expect(mp.iterations).toBeLessThan(omd.iterations);
    }
    const md = nashMirrorDescent(P, { beta: 0.1, eta: 1, maxIter: 3000 });
    expect(md.converged).toBe(false);
    expect(md.stopped).toBe('maxIter');
    const tail = md.history.residual.subarray(2000);
    expect(Math.min(...tail)).toBeGreaterThan(1e-4);
    expect(md.queries).toBe(3000);
  });

  it('seeded matrices and runs are bit-identical; onProgress and the signal stop a run', () => {
    const a = randomPreferenceMatrix(30, { seed: 5 });
    expect(firstBitDifference(a.data, randomPreferenceMatrix(30, { seed: 5 }).data)).toBe(-1);
    expect(firstBitDifference(a.data, randomPreferenceMatrix(30, { seed: 6 }).data)).toBe(0 + 1); // entry 0 is the diagonal 1/2
    const r1 = nashMirrorProx(a, { beta: 0.02 });
    const r2 = nashMirrorProx(a, { beta: 0.02 });
    expect(firstBitDifference(r1.pi, r2.pi)).toBe(-1);
    let calls = 0;
    const cb = nashMirrorProx(a, { beta: 0.02, onProgress: (info) => { calls++; expect(info.queries).toBe(2 * info.iteration); return info.iteration < 5; } });
    expect([cb.iterations, cb.stopped, calls]).toEqual([5, 'callback', 5]);
    const ac = new AbortController();
    ac.abort();
    expect(nashMirrorProx(a, { signal: ac.signal }).stopped).toBe('aborted');
  });

  it("'bradleyTerry' matrices are transitive and 'uniform' ones are not; both are preference matrices", () => {
    const transitive = (P: { data: Float64Array; rows: number }) => {
      const n = P.rows;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
        if (P.data[i * n + j]! > 0.5 && P.data[j * n + k]! > 0.5 && !(P.data[i * n + k]! > 0.5)) return false;
      }
      return true;
    };
    const bt = randomPreferenceMatrix(12, { kind: 'bradleyTerry', seed: 3 });
    const un = randomPreferenceMatrix(12, { seed: 3 });
    expect(transitive(bt)).toBe(true);
    expect(transitive(un)).toBe(false);
    for (const P of [bt, un]) for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect(P.data[i * 12 + j]! + P.data[j * 12 + i]!).toBe(1);
    // with a transitive judge and small β the equilibrium puts most mass on the best-scored response
    const r = nashMirrorProx(bt, { beta: 0.01 });
    const top = Array.from({ length: 12 }, (_, i) => i).find((i) => Array.from({ length: 12 }, (_, j) => j).every((j) => j === i || bt.data[i * 12 + j]! > 0.5))!;
    expect(r.pi[top]!).toBeGreaterThan(0.5);
  });

  it('refuses bad input with typed errors that name the argument, and leaks nothing', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => nashMirrorProx({ data: new Float64Array(6).fill(0.5), rows: 2, cols: 3 })).toThrow(ShapeError);
    expect(() => nashMirrorProx([[0.5, 0.7], [0.7, 0.5]])).toThrow(/P\[i\]\[j\] \+ P\[j\]\[i\] = 1/);
    expect(() => nashMirrorProx([[0.4, 0.5], [0.5, 0.5]])).toThrow(/P\[0\]\[0\] must be 1\/2/);
    expect(() => nashMirrorProx([[0.5, 1.5], [-0.5, 0.5]])).toThrow(ParameterError);
    expect(() => nashMirrorProx(rockPaperScissors(), { beta: 0 })).toThrow(/options.beta must be > 0/);
    expect(() => nashMirrorProx(rockPaperScissors(), { reference: [1, 2] })).toThrow(ShapeError);
    expect(() => nashMirrorProx(rockPaperScissors(), { reference: [1, 0, 2] })).toThrow(/options.reference\[1\] must be finite and > 0/);
    expect(() => nashMirrorDescent(rockPaperScissors(), { beta: 0.5, eta: 4 })).toThrow(/eta · options.beta must be <= 1/);
    expect(() => nashMirrorProx(rockPaperScissors(), { bta: 1 } as object)).toThrow(/did you mean options.beta/);
    expect(() => nashResidual(rockPaperScissors(), [0.5, 0.5, 0.5])).toThrow(/pi must sum to 1/);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
