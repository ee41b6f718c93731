/**
 * The WASM kernels of cvarQp (assembly/cvar/qp.ts) against plain-TS loops written from the definitions:
 * A·x, Aᵀ·v (alone and two at once), AᵀA, the Cholesky factor (LLᵀ = M, L lower) and the solve
 * (M·x = b), and the CG path's Aᵀ(A·v) and diagonal of AᵀA (assembly/cvar/qp-cg.ts). Odd sizes exercise
 * the SIMD remainders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { f64View, withScope } from '../../bindings/runtime/memory.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!)));
};

describe('cvarQp kernels', () => {
  it.each([[1, 1], [7, 3], [33, 9], [120, 17]])('A·x, Aᵀv, Aᵀv with Aᵀw, AᵀA for m = %i, n = %i', (m, n) => {
    const A = randomVector(m * 31 + n, m * n);
    const x = randomVector(5, n);
    const v = randomVector(6, m);
    const w = randomVector(7, m);
    v[0] = 0; // a zero weight is skipped by the kernel: the result must not change
    const ax = new Float64Array(m), atv = new Float64Array(n), atw = new Float64Array(n), gram = new Float64Array(n * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      ax[i]! += A[i * n + j]! * x[j]!;
      atv[j]! += A[i * n + j]! * v[i]!;
      atw[j]! += A[i * n + j]! * w[i]!;
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let i = 0; i < m; i++) gram[a * n + b]! += A[i * n + a]! * A[i * n + b]!;
    withScope('test', (s) => {
      const pA = s.f64(m * n), px = s.f64(n), pv = s.f64(m), pw = s.f64(m);
      const o1 = s.f64(m), o2 = s.f64(n), o3 = s.f64(n), o4 = s.f64(n), o5 = s.f64(n * n);
      f64View(s.x, pA, m * n).set(A);
      f64View(s.x, px, n).set(x);
      f64View(s.x, pv, m).set(v);
      f64View(s.x, pw, m).set(w);
      f64View(s.x, o5, n * n).fill(0);
      s.x.cvarQpMatVec(pA, m, n, px, o1);
      s.x.cvarQpMatTVec(pA, m, n, pv, o2);
      s.x.cvarQpMatTVec2(pA, m, n, pv, pw, o3, o4);
      s.x.cvarQpGramAdd(pA, m, n, o5);
      close(f64View(s.x, o1, m), ax, 1e-12);
      close(f64View(s.x, o2, n), atv, 1e-12);
      close(f64View(s.x, o3, n), atv, 1e-12);
      close(f64View(s.x, o4, n), atw, 1e-12);
      close(f64View(s.x, o5, n * n), gram, 1e-12);
    });
  });

  it.each([1, 2, 5, 16, 37])('Cholesky of an SPD matrix of order %i: LLᵀ = M, then M·x = b', (n) => {
    const G = randomVector(n + 100, n * n);
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let v = i === j ? 0.5 : 0;
      for (let t = 0; t < n; t++) v += G[t * n + i]! * G[t * n + j]!;
      M[i * n + j] = v;
    }
    const b = randomVector(n + 200, n);
    withScope('test', (s) => {
      const pM = s.f64(n * n), pb = s.f64(n);
      f64View(s.x, pM, n * n).set(M);
      f64View(s.x, pb, n).set(b);
      expect(s.x.cvarQpCholesky(pM, n)).toBe(0);
      const Lf = f64View(s.x, pM, n * n).slice();
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(Lf[i * n + j]).toBe(0);
      const LLt = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) LLt[i * n + j]! += Lf[i * n + t]! * Lf[j * n + t]!;
      close(LLt, M, 1e-12);
      s.x.cvarQpCholSolve(pM, n, pb);
      const xs = f64View(s.x, pb, n);
      const Mx = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Mx[i]! += M[i * n + j]! * xs[j]!;
      close(Mx, b, 1e-9);
    });
  });

  it.each([[1, 1], [7, 3], [33, 9], [120, 17]])('the CG kernels: Aᵀ(A·v) in one pass and the column sums of squares for m = %i, n = %i', (m, n) => {
    const A = randomVector(m * 17 + n, m * n);
    const v = randomVector(8, n);
    A.fill(0, 0, n); // a zero row (tᵢ = 0) is skipped by the kernel: the result must not change
    const av = new Float64Array(m), atav = new Float64Array(n), colsq = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) av[i]! += A[i * n + j]! * v[j]!;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { atav[j]! += A[i * n + j]! * av[i]!; colsq[j]! += A[i * n + j]! ** 2; }
    withScope('test', (s) => {
      const pA = s.f64(m * n), pv = s.f64(n), o1 = s.f64(n), o2 = s.f64(n);
      f64View(s.x, pA, m * n).set(A);
      f64View(s.x, pv, n).set(v);
      f64View(s.x, o1, n).fill(7); // both kernels overwrite their output
      f64View(s.x, o2, n).fill(7);
      s.x.cvarQpNormalMatVec(pA, m, n, pv, o1);
      s.x.cvarQpColumnSumSq(pA, m, n, o2);
      close(f64View(s.x, o1, n), atav, 1e-12);
      close(f64View(s.x, o2, n), colsq, 1e-12);
    });
  });

  it('reports the first non-positive pivot of a matrix that is not positive definite', () => {
    withScope('test', (s) => {
      const p = s.f64(4);
      f64View(s.x, p, 4).set([1, 2, 2, 1]); // eigenvalues 3 and −1
      expect(s.x.cvarQpCholesky(p, 2)).toBe(2);
    });
  });
});
