/**
 * indPsd and indSoc against (1) an independent computation (plain-TS Jacobi eigensolver; the SOC
 * by a derivative-free search over a parametrisation of the cone), (2) the optimality conditions of a
 * projection onto a closed convex cone K: P ∈ K, P − v ∈ K* and ⟨P, P − v⟩ = 0, which characterise
 * P_K(v) uniquely, and (3) the Moreau decomposition v = P_K(v) − P_K(−v) (both cones are self-dual).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, indPsd, indSoc, init } from '../../bindings/index.js';
import { jacobiEigenRef } from '../linalg/reference.js';
import { randomVector } from '../helpers.js';
import { dot, expectErrors, maxDiff } from './check.js';
import { patternSearch } from './minimize.js';

beforeAll(() => init());

const fro = (x: ArrayLike<number>): number => Math.sqrt(dot(x, x));

function symmetricPart(v: ArrayLike<number>, n: number): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = (v[i * n + j]! + v[j * n + i]!) / 2;
  return s;
}

/**
 * Smallest δ ≥ 0 found such that A + δI has a Cholesky factor (plain TS, no eigensolver): a
 * certificate that λ_min(A) ≥ −δ.
 */
function choleskyShift(A: ArrayLike<number>, n: number, delta: number): boolean {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]! + delta;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) return false;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let x = A[i * n + j]!;
      for (let k = 0; k < j; k++) x -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = x / L[j * n + j]!;
    }
  }
  return true;
}

describe('indPsd', () => {
  it('equals Q·max(Λ, 0)·Qᵀ of the symmetric part, from an independent Jacobi eigensolver', () => {
    for (const [seed, n] of [[1, 1], [2, 2], [3, 5], [4, 12], [5, 31]] as const) {
      const v = randomVector(seed, n * n, 3);
      const S = symmetricPart(v, n);
      const { values, vectors } = jacobiEigenRef(S, n);
      const ref = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let x = 0;
        for (let k = 0; k < n; k++) x += vectors[i * n + k]! * Math.max(values[k]!, 0) * vectors[j * n + k]!;
        ref[i * n + j] = x;
      }
      const P = indPsd(n).prox(v);
      expect(maxDiff(P, ref), `n = ${n}`).toBeLessThan(1e-12 * fro(v));
    }
  });

  it('meets the optimality conditions and the Moreau decomposition to 1e-12', () => {
    for (const [seed, n] of [[11, 3], [12, 8], [13, 20]] as const) {
      const S = symmetricPart(randomVector(seed, n * n), n);
      const op = indPsd(n);
      const P = op.prox(S);
      const Q = op.prox(S.map((x) => -x));
      const scale = fro(S);
      // Moreau: S = P_K(S) − P_K(−S), with the two parts orthogonal.
      const recomposed = P.map((p, i) => p - Q[i]!);
      expect(maxDiff(recomposed, S)).toBeLessThan(1e-12 * scale);
      expect(Math.abs(dot(P, Q))).toBeLessThan(1e-12 * scale * scale);
      // P ⪰ 0 and P − S ⪰ 0 (the dual cone is S₊ itself), certified by Cholesky with a tiny shift.
      expect(choleskyShift(P, n, 1e-12 * scale)).toBe(true);
      expect(choleskyShift(P.map((p, i) => p - S[i]!), n, 1e-12 * scale)).toBe(true);
      // The same factorisation fails with a shift below the most negative eigenvalue of S (so the check can fail).
      expect(choleskyShift(S, n, 0)).toBe(false);
      expect(Math.abs(dot(P, P.map((p, i) => p - S[i]!)))).toBeLessThan(1e-12 * scale * scale);
      expect(op.value(P)).toBe(0);
      expect(op.value(S)).toBe(Infinity);
    }
  });

  it('matches a derivative-free search over X = LLᵀ for 2 × 2 matrices', () => {
    for (const seed of [21, 22, 23, 24]) {
      const v = randomVector(seed, 4, 2);
      const S = symmetricPart(v, 2);
      // X = LLᵀ with L = [[p, 0], [q, r]] covers the whole cone S₊².
      const toX = (l: Float64Array) => [l[0]! ** 2, l[0]! * l[1]!, l[0]! * l[1]!, l[1]! ** 2 + l[2]! ** 2];
      const F = (l: Float64Array) => {
        const X = toX(l);
        let q = 0;
        for (let i = 0; i < 4; i++) q += (X[i]! - v[i]!) ** 2;
        return q;
      };
      let best: { x: Float64Array; value: number } = { x: new Float64Array(3), value: Infinity };
      for (const start of [[1, 0, 1], [-1, 0.5, 0.5], [0.3, -1, 0.2]]) {
        const r = patternSearch(F, start);
        if (r.value < best.value) best = r;
      }
      const P = indPsd(2).prox(v);
      const ours = P.reduce((a, p, i) => a + (p - v[i]!) ** 2, 0);
      expect(ours).toBeLessThanOrEqual(best.value + 1e-12);
      expect(maxDiff(P, toX(best.x))).toBeLessThan(1e-5);
      expect(S[1]).toBe(S[2]);
    }
  });

  it('leaves a PSD matrix unchanged, maps an NSD one to 0, ignores t and works in place', () => {
    const B = randomVector(31, 4 * 4);
    const G = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) G[i * 4 + j] = G[i * 4 + j]! + B[i * 4 + k]! * B[j * 4 + k]!;
    const op = indPsd(4);
    expect(maxDiff(op.prox(G), G)).toBeLessThan(1e-13 * fro(G));
    expect(maxDiff(op.prox(G.map((x) => -x)), new Float64Array(16))).toBeLessThan(1e-13 * fro(G));
    const v = randomVector(32, 16);
    const expected = op.prox(v);
    expect(maxDiff(op.prox(v, 7.5), expected)).toBe(0);
    const inPlace = Float64Array.from(v);
    op.prox(inPlace, 1, inPlace);
    expect(maxDiff(inPlace, expected)).toBe(0);
  });

  it('rejects bad parameters and inputs with typed errors', () => {
    expectErrors([
      [() => indPsd(0), ParameterError, 'indPsd: n must be a positive integer (got 0)'],
      [() => indPsd(1e5), ParameterError, 'indPsd: n² must be at most 2^28 (got n = 100000)'],
      [() => indPsd(2).prox([1, 2, 3]), ShapeError, 'indPsd(2).prox: v must have length n² = 4 (got 3)'],
      [() => indPsd(2).value([1, 2, 3]), ShapeError, 'indPsd(2).value: x must have length n² = 4 (got 3)'],
    ]);
    expect(() => indPsd(2).prox([1, NaN, 0, 1])).toThrow(NonFiniteError);
  });
});

describe('indSoc', () => {
  it('matches a derivative-free search over t = ‖w‖ + u², x = w', () => {
    for (const seed of [41, 42, 43, 44, 45, 46]) {
      const v = randomVector(seed, 3, 2);
      // (t, x) = (‖w‖ + u², w) sweeps the whole cone as (u, w) ranges over ℝ³.
      const toPoint = (z: Float64Array) => [Math.hypot(z[1]!, z[2]!) + z[0]! ** 2, z[1]!, z[2]!];
      const F = (z: Float64Array) => toPoint(z).reduce((a, p, i) => a + (p - v[i]!) ** 2, 0);
      let best: { x: Float64Array; value: number } = { x: new Float64Array(3), value: Infinity };
      for (const start of [[1, 0, 0], [0.1, v[1]!, v[2]!], [0, 0.5, -0.5]]) {
        const r = patternSearch(F, start);
        if (r.value < best.value) best = r;
      }
      const P = indSoc().prox(v);
      const ours = P.reduce((a, p, i) => a + (p - v[i]!) ** 2, 0);
      expect(ours).toBeLessThanOrEqual(best.value + 1e-12);
      expect(maxDiff(P, toPoint(best.x))).toBeLessThan(1e-5);
    }
  });

  it('meets the optimality conditions and the Moreau decomposition to 1e-12', () => {
    const inCone = (p: ArrayLike<number>, tol: number) => Math.hypot(...Array.from(p).slice(1)) - p[0]! <= tol;
    for (const [seed, n] of [[51, 1], [52, 2], [53, 5], [54, 50], [55, 1000]] as const) {
      for (const shift of [-3, 0, 3]) {
        const v = randomVector(seed, n);
        v[0] = v[0]! + shift;
        const op = indSoc();
        const P = op.prox(v);
        const Q = op.prox(v.map((x) => -x));
        const scale = fro(v);
        expect(maxDiff(P.map((p, i) => p - Q[i]!), v)).toBeLessThan(1e-12 * scale);
        expect(Math.abs(dot(P, Q))).toBeLessThan(1e-12 * scale * scale);
        expect(inCone(P, 1e-12 * scale)).toBe(true);
        expect(inCone(P.map((p, i) => p - v[i]!), 1e-12 * scale)).toBe(true);
        expect(op.value(P)).toBe(0);
      }
    }
  });

  it('covers its three cases and survives huge entries', () => {
    const op = indSoc();
    expect(Array.from(op.prox([5, 3, 4]))).toEqual([5, 3, 4]);
    expect(Array.from(op.prox([-5, 3, 4]))).toEqual([0, 0, 0]);
    // r = 5, t = 1: ((1 + 5)/2)·(1, x/5) = (3, 1.8, 2.4).
    expect(maxDiff(op.prox([1, 3, 4]), [3, 1.8, 2.4])).toBeLessThan(1e-15);
    expect(maxDiff(op.prox([1e300, 3e300, 4e300]), [3e300, 1.8e300, 2.4e300])).toBeLessThan(1e285);
    expect(op.value([1, 3, 4])).toBe(Infinity);
    expect(Array.from(op.prox([-2]))).toEqual([0]);
    expect(() => op.prox([])).toThrow(ShapeError);
    expect(() => op.prox([1, Infinity])).toThrow(NonFiniteError);
  });
});
