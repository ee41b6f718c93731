/**
 * indAffine and quadratic against plain-TS references written from their definitions: the projection
 * onto {Ax = b} as v − Aᵀ(AAᵀ)⁻¹(Av − b) by Gaussian elimination (no SVD), its optimality conditions
 * (A·P = b, P − v ⊥ null(A)), and the quadratic's prox as the solution of (I + tQ)x = v − tq.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, NonFiniteError, indAffine, init, quadratic } from '../../bindings/index.js';
import { randomVector } from '../helpers.js';
import { expectErrors, maxDiff } from './check.js';

beforeAll(() => init());

/** Solves M x = r (M k × k row-major) by Gaussian elimination with partial pivoting. */
function solve(M: Float64Array, k: number, r: Float64Array): Float64Array {
  const a = Float64Array.from(M);
  const x = Float64Array.from(r);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(a[i * k + c]!) > Math.abs(a[p * k + c]!)) p = i;
    for (let j = 0; j < k; j++) [a[c * k + j], a[p * k + j]] = [a[p * k + j]!, a[c * k + j]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let i = c + 1; i < k; i++) {
      const f = a[i * k + c]! / a[c * k + c]!;
      for (let j = c; j < k; j++) a[i * k + j] = a[i * k + j]! - f * a[c * k + j]!;
      x[i] = x[i]! - f * x[c]!;
    }
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < k; j++) s -= a[i * k + j]! * x[j]!;
    x[i] = s / a[i * k + i]!;
  }
  return x;
}

const mul = (A: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array =>
  Float64Array.from({ length: m }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    return s;
  });
const mulT = (A: Float64Array, m: number, n: number, y: ArrayLike<number>): Float64Array =>
  Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += A[i * n + j]! * y[i]!;
    return s;
  });
const norm = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

/** P(v) = v − Aᵀ(AAᵀ)⁻¹(Av − b) for A of full row rank. */
function affineRef(A: Float64Array, m: number, n: number, b: Float64Array, v: Float64Array): Float64Array {
  const G = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) G[i * m + j] = G[i * m + j]! + A[i * n + k]! * A[j * n + k]!;
  const r = mul(A, m, n, v).map((x, i) => x - b[i]!);
  const lam = solve(G, m, r);
  const c = mulT(A, m, n, lam);
  return v.map((x, i) => x - c[i]!);
}

describe('indAffine', () => {
  it('equals v − Aᵀ(AAᵀ)⁻¹(Av − b) (Gaussian elimination) for full-row-rank A, and A·P = b', () => {
    for (const [seed, m, n] of [[1, 1, 1], [2, 1, 5], [3, 3, 7], [4, 10, 12], [5, 20, 40]] as const) {
      const A = randomVector(seed, m * n);
      const b = randomVector(seed + 100, m);
      const op = indAffine({ data: A, rows: m, cols: n }, b);
      for (const scale of [1e-3, 1, 1e3]) {
        const v = randomVector(seed + 200, n, scale);
        const P = op.prox(v);
        const ref = affineRef(A, m, n, b, v);
        const s = 1 + norm(v);
        expect(maxDiff(P, ref), `m ${m} n ${n}`).toBeLessThan(1e-11 * s);
        expect(maxDiff(mul(A, m, n, P), b)).toBeLessThan(1e-11 * s);
        expect(op.value(P)).toBe(0);
      }
    }
  });

  it('handles a rank-deficient A with consistent b: P − v is orthogonal to null(A), A·P = b, idempotent', () => {
    const n = 6;
    const B = randomVector(11, 2 * n);
    // Four rows spanning a 2-dimensional row space.
    const A = new Float64Array(4 * n);
    for (let j = 0; j < n; j++) {
      A[j] = B[j]!;
      A[n + j] = B[n + j]!;
      A[2 * n + j] = B[j]! + B[n + j]!;
      A[3 * n + j] = 2 * B[j]! - 3 * B[n + j]!;
    }
    const xTrue = randomVector(12, n);
    const b = mul(A, 4, n, xTrue);
    const op = indAffine({ data: A, rows: 4, cols: n }, b);
    const v = randomVector(13, n, 5);
    const P = op.prox(v);
    expect(maxDiff(mul(A, 4, n, P), b)).toBeLessThan(1e-12 * 10);
    // null(A) is spanned by the vectors orthogonal to B's two rows: P − v must lie in span(rows of B).
    const B2 = B.slice(0, 2 * n);
    const gram = new Float64Array(4);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < n; c++) gram[i * 2 + j] = gram[i * 2 + j]! + B2[i * n + c]! * B2[j * n + c]!;
    const coef = solve(gram, 2, mul(B2, 2, n, P.map((p, i) => p - v[i]!)));
    const inRowSpace = mulT(B2, 2, n, coef);
    expect(maxDiff(inRowSpace, P.map((p, i) => p - v[i]!))).toBeLessThan(1e-11 * norm(v));
    expect(maxDiff(op.prox(P), P)).toBeLessThan(1e-12 * norm(v));
  });

  it('rejects bad input with typed errors', () => {
    expectErrors([
      [() => indAffine([[1, 2]], [1, 2]), ShapeError, 'indAffine: b must have length rows(A) = 1 (got 2)'],
      [() => indAffine({ data: [], rows: 0, cols: 2 }, []), ParameterError, 'indAffine: A must have at least one row and one column (got 0 × 2)'],
      [() => indAffine([[1, 0], [2, 0]], [1, 1]), ParameterError, 'indAffine: b must lie in the range of A (the set {x : Ax = b} is empty; least-squares residual 0.4472135954999579)'],
      [() => indAffine([[1, 2]], [1]).prox([1, 2, 3]), ShapeError, 'indAffine(1 × 2).prox: v must have length 2 (got 3)'],
    ]);
    expect(() => indAffine([[1, NaN]], [1])).toThrow(NonFiniteError);
    expect(() => indAffine([[1, 2]], [Infinity])).toThrow(NonFiniteError);
  });
});

describe('quadratic', () => {
  it('prox solves (I + tQ)x = v − tq (Gaussian elimination) for PSD Q, singular Q included, at any t', () => {
    for (const [seed, n, rank] of [[1, 1, 1], [2, 4, 4], [3, 8, 3], [4, 25, 25]] as const) {
      const B = randomVector(seed, n * rank);
      const Q = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < rank; k++) Q[i * n + j] = Q[i * n + j]! + B[i * rank + k]! * B[j * rank + k]!;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) Q[i * n + j] = Q[j * n + i]!; // exact symmetry
      const q = randomVector(seed + 10, n);
      const op = quadratic({ data: Q, rows: n, cols: n }, q);
      for (const t of [1e-4, 1, 37]) {
        const v = randomVector(seed + 20, n, 3);
        const M = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) M[i] = t * Q[i]!;
        for (let i = 0; i < n; i++) M[i * n + i] = M[i * n + i]! + 1;
        const ref = solve(M, n, v.map((x, i) => x - t * q[i]!));
        const x = op.prox(v, t);
        expect(maxDiff(x, ref), `n ${n} t ${t}`).toBeLessThan(1e-11 * (1 + norm(ref)));
        // optimality: x − v + t(Qx + q) = 0
        const Qx = mul(Q, n, n, x);
        expect(maxDiff(x.map((xi, i) => xi - v[i]! + t * (Qx[i]! + q[i]!)), new Float64Array(n))).toBeLessThan(1e-10 * (1 + t) * (1 + norm(v)));
      }
      const x = randomVector(seed + 30, n);
      const Qx = mul(Q, n, n, x);
      expect(op.value(x)).toBeCloseTo(x.reduce((s, xi, i) => s + xi * (Qx[i]! / 2 + q[i]!), 0), 10);
    }
    // q defaults to zero
    expect(Array.from(quadratic([[2]]).prox([3], 1))).toEqual([1]);
  });

  it('rejects non-square, non-symmetric and indefinite Q with typed errors', () => {
    expectErrors([
      [() => quadratic({ data: [1, 2], rows: 1, cols: 2 }), ShapeError, 'quadratic: Q must be square (got 1 × 2)'],
      [() => quadratic([[1, 2], [0, 1]]), ParameterError, 'quadratic: Q must be symmetric (Q[1][0] = 0 but Q[0][1] = 2)'],
      [() => quadratic([[1, 0], [0, -1]]), ParameterError, 'quadratic: Q must be positive semidefinite (eigenvalue -1)'],
      [() => quadratic([[1]], [1, 2]), ShapeError, 'quadratic: q must have length n = 1 (got 2)'],
      [() => quadratic([[1]]).prox([1], -1), ParameterError, 'quadratic(1).prox: t must be > 0 (got -1)'],
    ]);
  });
});
