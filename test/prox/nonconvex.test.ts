/**
 * The nonconvex operators (indBallL0, normL0, indSphereL2, indRank, indStiefel) against brute force
 * (every support, random points of the set) and against their optimality conditions; matrix sets
 * also against the plain-TS Jacobi SVD. A nonconvex prox may have several minimisers: the tests
 * compare objective values wherever the minimiser is not unique.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, indBallL0, indRank, indSphereL2, indStiefel, init, normL0 } from '../../bindings/index.js';
import { jacobiSvdRef } from '../linalg/reference.js';
import { randomVector } from '../helpers.js';
import { dot, expectErrors, maxDiff } from './check.js';

beforeAll(() => init());

const sqDist = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
};

/** A·Bᵀ for A (rows×k) and B (cols×k) row-major. */
function abT(A: ArrayLike<number>, B: ArrayLike<number>, rows: number, cols: number, k: number, d?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let x = 0;
    for (let l = 0; l < k; l++) x += A[i * k + l]! * (d ? d[l]! : 1) * B[j * k + l]!;
    out[i * cols + j] = x;
  }
  return out;
}

/** Gram–Schmidt on the columns of a rows×cols matrix: a point of the Stiefel manifold. */
function orthonormalColumns(M: Float64Array, rows: number, cols: number): Float64Array {
  const Q = Float64Array.from(M);
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < a; b++) {
      let p = 0;
      for (let i = 0; i < rows; i++) p += Q[i * cols + a]! * Q[i * cols + b]!;
      for (let i = 0; i < rows; i++) Q[i * cols + a] = Q[i * cols + a]! - p * Q[i * cols + b]!;
    }
    let nrm = 0;
    for (let i = 0; i < rows; i++) nrm += Q[i * cols + a]! ** 2;
    for (let i = 0; i < rows; i++) Q[i * cols + a] = Q[i * cols + a]! / Math.sqrt(nrm);
  }
  return Q;
}

describe('indBallL0', () => {
  it('attains the least distance over every support of size ≤ k (n = 8)', () => {
    const n = 8;
    for (const seed of [1, 2, 3]) {
      const v = randomVector(seed, n);
      for (let k = 0; k <= n; k++) {
        let best = Infinity;
        for (let mask = 0; mask < 1 << n; mask++) {
          let bits = 0;
          let d = 0;
          for (let i = 0; i < n; i++) if ((mask >> i) & 1) bits++; else d += v[i]! ** 2;
          if (bits <= k) best = Math.min(best, d);
        }
        const P = indBallL0(k).prox(v, 3);
        expect(sqDist(P, v)).toBeCloseTo(best, 14);
        expect(indBallL0(k).value(P)).toBe(0);
        expect(P.filter((x) => x !== 0).length).toBe(k);
      }
    }
  });

  it('breaks ties toward the lowest index and refuses bad input', () => {
    expect(Array.from(indBallL0(2).prox([1, -2, 2, 1]))).toEqual([0, -2, 2, 0]);
    expect(Array.from(indBallL0(1).prox([1, -2, 2, 1]))).toEqual([0, -2, 0, 0]);
    expect(indBallL0(1).value([0, 1, 2])).toBe(Infinity);
    expectErrors([[() => indBallL0(-1), ParameterError, 'indBallL0: k must be a non-negative integer (got -1)']]);
    expect(() => indBallL0(1).prox([1, NaN])).toThrow(NonFiniteError);
  });
});

describe('normL0', () => {
  it('attains the least prox objective over every support (n = 8)', () => {
    const n = 8;
    for (const [seed, lambda, t] of [[11, 0.3, 1], [12, 1, 0.5], [13, 0.05, 4]] as const) {
      const v = randomVector(seed, n);
      let best = Infinity;
      for (let mask = 0; mask < 1 << n; mask++) {
        let F = 0;
        for (let i = 0; i < n; i++) F += (mask >> i) & 1 ? lambda : v[i]! ** 2 / (2 * t);
        best = Math.min(best, F);
      }
      const op = normL0(lambda);
      const P = op.prox(v, t);
      expect(op.value(P) + sqDist(P, v) / (2 * t)).toBeCloseTo(best, 14);
      // Every kept entry is unchanged (hard, not soft, thresholding).
      for (let i = 0; i < n; i++) expect(P[i] === 0 || P[i] === v[i]).toBe(true);
    }
  });

  it('returns 0 at the threshold √(2tλ) and counts non-zeros', () => {
    const op = normL0(2);
    expect(Array.from(op.prox([2, -2.0000001, 1.9], 1))).toEqual([0, -2.0000001, 0]);
    expect(op.value([0, 1, -3])).toBe(4);
    expect(op.properties.separable).toBe(true);
    expectErrors([[() => normL0(-1), ParameterError, 'normL0: lambda must be >= 0 (got -1)']]);
  });
});

describe('indSphereL2', () => {
  it('is no farther than 5000 random points of the sphere, and is r·v/‖v‖', () => {
    const v = randomVector(21, 3);
    const r = 1.7;
    const P = indSphereL2(r).prox(v);
    const ours = sqDist(P, v);
    for (let s = 0; s < 5000; s++) {
      const u = randomVector(1000 + s, 3);
      const nu = Math.sqrt(dot(u, u));
      expect(ours).toBeLessThanOrEqual(sqDist(u.map((x) => (r * x) / nu), v) + 1e-14);
    }
    // Optimality on the sphere: v − P is normal to the sphere at P (parallel to P).
    const nv = Math.sqrt(dot(v, v));
    expect(maxDiff(P, v.map((x) => (r * x) / nv))).toBeLessThan(1e-15);
    expect(indSphereL2(r).value(P)).toBe(0);
    expect(indSphereL2(r).value(v.map((x) => x / nv))).toBe(Infinity);
  });

  it('picks r·e₁ at v = 0 and refuses an empty v or r ≤ 0', () => {
    expect(Array.from(indSphereL2(2).prox([0, 0, 0]))).toEqual([2, 0, 0]);
    expect(() => indSphereL2(1).prox([])).toThrow(ShapeError);
    expectErrors([[() => indSphereL2(0), ParameterError, 'indSphereL2: radius must be > 0 (got 0)']]);
  });
});

describe('indRank', () => {
  it('is the truncated SVD of an independent Jacobi SVD, at the Eckart–Young distance', () => {
    for (const [seed, rows, cols, k] of [[31, 6, 4, 2], [32, 3, 7, 1], [33, 10, 10, 4], [34, 5, 5, 0], [35, 4, 3, 3]] as const) {
      const v = randomVector(seed, rows * cols);
      const { s, U, V } = jacobiSvdRef(v, rows, cols);
      const m = Math.min(rows, cols);
      const d = Array.from(s, (x, i) => (i < k ? x : 0));
      const P = indRank(k, rows, cols).prox(v);
      expect(maxDiff(P, abT(U, V, rows, cols, m, d))).toBeLessThan(1e-12);
      let tail = 0;
      for (let i = k; i < m; i++) tail += s[i]! ** 2;
      expect(sqDist(P, v)).toBeCloseTo(tail, 12);
      // Optimality: the residual V − P is orthogonal to P (P is a critical point of the distance on the rank-k set).
      expect(Math.abs(dot(P, P.map((p, i) => v[i]! - p)))).toBeLessThan(1e-12);
      expect(indRank(k, rows, cols).value(P)).toBe(0);
      if (k < m) expect(indRank(k, rows, cols).value(v)).toBe(Infinity);
    }
  });

  it('is no farther than 5000 random rank-2 matrices near it', () => {
    const [rows, cols, k] = [5, 4, 2];
    const v = randomVector(36, rows * cols);
    const P = indRank(k, rows, cols).prox(v);
    const ours = sqDist(P, v);
    const { U, V, s } = jacobiSvdRef(v, rows, cols);
    const A0 = new Float64Array(rows * k);
    const B0 = new Float64Array(cols * k);
    for (let i = 0; i < rows; i++) for (let l = 0; l < k; l++) A0[i * k + l] = U[i * 4 + l]! * s[l]!;
    for (let j = 0; j < cols; j++) for (let l = 0; l < k; l++) B0[j * k + l] = V[j * 4 + l]!;
    for (let trial = 0; trial < 5000; trial++) {
      const size = trial < 2500 ? 1e-3 : 0.3;
      const A = A0.map((x, i) => x + size * randomVector(2 * trial + 1, rows * k)[i]!);
      const B = B0.map((x, i) => x + size * randomVector(2 * trial + 2, cols * k)[i]!);
      expect(ours).toBeLessThanOrEqual(sqDist(abT(A, B, rows, cols, k), v) + 1e-12);
    }
  });

  it('refuses bad shapes', () => {
    expectErrors([
      [() => indRank(-1, 2, 2), ParameterError, 'indRank: k must be a non-negative integer (got -1)'],
      [() => indRank(1, 0, 2), ParameterError, 'indRank: rows must be a positive integer (got 0)'],
      [() => indRank(1, 2, 2).prox([1, 2, 3]), ShapeError, 'indRank(1, 2, 2).prox: v must have length rows·cols = 4 (got 3)'],
    ]);
  });
});

describe('indStiefel', () => {
  it('is the polar factor U·Vᵀ and beats 5000 random orthonormal frames', () => {
    for (const [seed, rows, cols] of [[41, 5, 3], [42, 4, 4], [43, 12, 5], [44, 3, 1]] as const) {
      const v = randomVector(seed, rows * cols);
      const { U, V } = jacobiSvdRef(v, rows, cols);
      const P = indStiefel(rows, cols).prox(v);
      expect(maxDiff(P, abT(U, V, rows, cols, cols))).toBeLessThan(1e-12);
      expect(indStiefel(rows, cols).value(P)).toBe(0);
      // Optimality (polar decomposition V = P·H): H = PᵀV is symmetric positive definite.
      const H = new Float64Array(cols * cols);
      for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) for (let i = 0; i < rows; i++) H[a * cols + b] = H[a * cols + b]! + P[i * cols + a]! * v[i * cols + b]!;
      for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) expect(Math.abs(H[a * cols + b]! - H[b * cols + a]!)).toBeLessThan(1e-12);
      const ours = sqDist(P, v);
      for (let trial = 0; trial < (seed === 41 ? 5000 : 200); trial++) {
        const Q = orthonormalColumns(P.map((x, i) => x + 0.2 * randomVector(7 * trial + seed, rows * cols)[i]!), rows, cols);
        expect(ours).toBeLessThanOrEqual(sqDist(Q, v) + 1e-12);
      }
    }
  });

  it('refuses rows < cols and non-orthonormal points', () => {
    expect(indStiefel(2, 2).value([1, 0, 0, 2])).toBe(Infinity);
    expectErrors([[() => indStiefel(2, 3), ParameterError, 'indStiefel: rows must be an integer >= cols = 3 (orthonormal columns need rows >= cols) (got 2)']]);
  });
});
