import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, memoryStats, svd, symmetricEigen } from '../../bindings/index.js';
import { expectErrors } from '../prox/check.js';
import { randomVector } from '../helpers.js';
import { jacobiSvdRef, svdResiduals } from './reference.js';

beforeAll(() => init());

/** AᵀA (cols×cols) when rows ≥ cols, else AAᵀ (rows×rows): its eigenvalues are σᵢ². */
function gramOfShorter(A: Float64Array, rows: number, cols: number): { G: Float64Array; k: number } {
  const tall = rows >= cols;
  const k = Math.min(rows, cols);
  const G = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    let s = 0;
    if (tall) for (let r = 0; r < rows; r++) s += A[r * cols + a]! * A[r * cols + b]!;
    else for (let c = 0; c < cols; c++) s += A[a * cols + c]! * A[b * cols + c]!;
    G[a * k + b] = s;
  }
  return { G, k };
}

/** All the properties of a thin SVD at once: shapes, order, reconstruction, orthonormality, sign convention. */
function expectValidSvd(A: Float64Array, rows: number, cols: number, tol = 1e-13): ReturnType<typeof svd> {
  const r = svd(A, rows, cols);
  const k = Math.min(rows, cols);
  expect(r.s.length).toBe(k);
  expect(r.U.length).toBe(rows * k);
  expect(r.V.length).toBe(cols * k);
  for (let i = 0; i < k; i++) expect(r.s[i]!).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < k; i++) expect(r.s[i]!).toBeLessThanOrEqual(r.s[i - 1]!);
  const e = svdResiduals(A, rows, cols, r.s, r.U, r.V);
  expect(e.residual).toBeLessThanOrEqual(tol * e.normA);
  expect(e.orthU).toBeLessThanOrEqual(1e-12);
  expect(e.orthV).toBeLessThanOrEqual(1e-12);
  // Sign convention: the first largest-magnitude entry of each column of V is positive.
  for (let l = 0; l < k; l++) {
    let big = 0;
    let at = 0;
    for (let j = 0; j < cols; j++) if (Math.abs(r.V[j * k + l]!) > big) { big = Math.abs(r.V[j * k + l]!); at = j; }
    expect(r.V[at * k + l]!).toBeGreaterThan(0);
  }
  return r;
}

const SHAPES = [[1, 1], [2, 2], [3, 2], [2, 3], [5, 5], [9, 4], [4, 9], [17, 17], [40, 13], [13, 40], [64, 64], [100, 31]] as const;

describe('svd: reconstruction, orthogonality and the singular values of random matrices', () => {
  for (const [rows, cols] of SHAPES) {
    it(`${rows}×${cols}: ‖A − UΣVᵀ‖ ≤ 1e-13‖A‖, orthonormal U and V, σ² = eig(AᵀA), σ = plain-TS Jacobi`, () => {
      const A = randomVector(rows * 1000 + cols, rows * cols, 2);
      const r = expectValidSvd(A, rows, cols);
      // Against the eigenvalues of the Gram matrix (tred2/tql2: an independent algorithm). Squared
      // singular values carry absolute error ~ε·σ₁², so compare σᵢ² with λᵢ at that scale.
      const { G, k } = gramOfShorter(A, rows, cols);
      const eig = symmetricEigen(G, k).values;
      for (let i = 0; i < k; i++) expect(Math.abs(r.s[i]! ** 2 - eig[i]!)).toBeLessThanOrEqual(1e-13 * k * eig[0]!);
      // Against the plain-TS one-sided Jacobi (same method, written independently from the definition).
      const ref = jacobiSvdRef(A, rows, cols);
      for (let i = 0; i < k; i++) expect(Math.abs(r.s[i]! - ref.s[i]!)).toBeLessThanOrEqual(1e-13 * ref.s[0]!);
      // Trace of the Gram matrix: Σσᵢ² = ‖A‖_F².
      const fro2 = A.reduce((s, x) => s + x * x, 0);
      expect(Math.abs(r.s.reduce((s, x) => s + x * x, 0) - fro2)).toBeLessThanOrEqual(1e-13 * fro2);
    });
  }

  it('256×128 and 128×256 (the bench shapes): valid, and the transpose has the same singular values', () => {
    const A = randomVector(31337, 256 * 128);
    const At = new Float64Array(128 * 256);
    for (let i = 0; i < 256; i++) for (let j = 0; j < 128; j++) At[j * 256 + i] = A[i * 128 + j]!;
    const a = expectValidSvd(A, 256, 128);
    const b = expectValidSvd(At, 128, 256);
    for (let i = 0; i < 128; i++) expect(Math.abs(a.s[i]! - b.s[i]!)).toBeLessThanOrEqual(1e-13 * a.s[0]!);
    expect(a.sweeps).toBeGreaterThan(1);
    expect(a.sweeps).toBeLessThan(30);
  });
  it('graded matrices (columns or rows scaled by 10^(−j/4), σ spread over 20 decades): few sweeps, A and Aᵀ agree', () => {
    for (const [rows, cols] of [[80, 40], [40, 80]] as const) {
      const B = randomVector(rows + 3 * cols, rows * cols);
      const A = B.map((x, i) => x * 10 ** (-(i % cols) / 4)); // column j scaled by 10^(−j/4)
      const At = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) At[j * rows + i] = A[i * cols + j]!;
      const r = expectValidSvd(A, rows, cols);
      const rt = expectValidSvd(At, cols, rows);
      expect(r.sweeps).toBeLessThanOrEqual(8);
      expect(rt.sweeps).toBeLessThanOrEqual(8);
      const k = Math.min(rows, cols);
      expect(r.s[k - 1]! / r.s[0]!).toBeLessThan(1e-6);
      for (let i = 0; i < k; i++) expect(Math.abs(r.s[i]! - rt.s[i]!)).toBeLessThanOrEqual(1e-12 * r.s[i]!);
    }
  });
});

describe('svd: closed forms', () => {
  it('[[3, 0], [4, 5]]: σ = √45, √5 (σ₁² + σ₂² = 50, σ₁σ₂ = |det| = 15)', () => {
    const r = expectValidSvd(Float64Array.of(3, 0, 4, 5), 2, 2);
    expect(Math.abs(r.s[0]! - Math.sqrt(45))).toBeLessThanOrEqual(4e-16 * Math.sqrt(45));
    expect(Math.abs(r.s[1]! - Math.sqrt(5))).toBeLessThanOrEqual(4e-16 * Math.sqrt(45));
  });

  it('diagonal (signs, zeros, a wide range) and permuted diagonal: σ = sorted |dᵢ|, one sweep, exact', () => {
    const d = [3, -7, 0, 1e-200, 2.5, -2.5];
    const n = d.length;
    const D = new Float64Array(n * n);
    d.forEach((x, i) => (D[i * n + i] = x));
    const r = expectValidSvd(D, n, n);
    expect(Array.from(r.s)).toEqual([7, 3, 2.5, 2.5, 1e-200, 0]);
    expect(r.sweeps).toBe(1);
    // Rectangular with the diagonal in a permuted position: rows of a permutation of diag(d), 6×8.
    const P = new Float64Array(n * 8);
    const perm = [4, 0, 7, 2, 6, 1];
    d.forEach((x, i) => (P[i * 8 + perm[i]!] = x));
    expect(Array.from(expectValidSvd(P, n, 8).s)).toEqual([7, 3, 2.5, 2.5, 1e-200, 0]);
  });

  it('rank-1 outer products x·yᵀ: σ₁ = ‖x‖‖y‖, the rest 0, u₁ = ±x/‖x‖, v₁ = ±y/‖y‖', () => {
    for (const [rows, cols] of [[5, 3], [3, 5], [1, 4], [4, 1], [12, 12]] as const) {
      const x = randomVector(rows + 7, rows);
      const y = randomVector(cols + 70, cols);
      const A = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) A[i * cols + j] = x[i]! * y[j]!;
      const r = expectValidSvd(A, rows, cols);
      const nx = Math.hypot(...x);
      const ny = Math.hypot(...y);
      const k = Math.min(rows, cols);
      expect(Math.abs(r.s[0]! - nx * ny)).toBeLessThanOrEqual(1e-15 * k * nx * ny);
      for (let i = 1; i < k; i++) expect(r.s[i]!).toBeLessThanOrEqual(1e-15 * nx * ny);
      let ux = 0;
      let vy = 0;
      for (let i = 0; i < rows; i++) ux += (r.U[i * k]! * x[i]!) / nx;
      for (let j = 0; j < cols; j++) vy += (r.V[j * k]! * y[j]!) / ny;
      expect(Math.abs(Math.abs(ux) - 1)).toBeLessThanOrEqual(1e-14);
      expect(Math.abs(ux * vy - 1)).toBeLessThanOrEqual(1e-14); // signs agree: u₁σ₁v₁ᵀ = xyᵀ
    }
  });

  it('orthogonal matrices (rotation, Householder reflector, permutation): all σ = 1', () => {
    const th = 0.7;
    const R = Float64Array.of(Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th));
    const h = randomVector(5, 7);
    const hh = h.reduce((s, x) => s + x * x, 0);
    const H = new Float64Array(49);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) H[i * 7 + j] = (i === j ? 1 : 0) - (2 * h[i]! * h[j]!) / hh;
    const P = new Float64Array(25);
    [3, 0, 4, 1, 2].forEach((c, i) => (P[i * 5 + c] = 1));
    for (const [A, n] of [[R, 2], [H, 7], [P, 5]] as const) {
      const r = expectValidSvd(A, n, n);
      for (let i = 0; i < n; i++) expect(Math.abs(r.s[i]! - 1)).toBeLessThanOrEqual(2e-15);
    }
  });

  it('rank-deficient B·C (rank 3) and matrices with zero rows/columns: σ beyond the rank vanish; U, V stay orthonormal', () => {
    for (const [rows, cols] of [[10, 6], [6, 10], [8, 8]] as const) {
      const B = randomVector(rows, rows * 3);
      const C = randomVector(cols + 50, 3 * cols);
      const A = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let l = 0; l < 3; l++) A[i * cols + j]! += B[i * 3 + l]! * C[l * cols + j]!;
      const r = expectValidSvd(A, rows, cols);
      for (let i = 3; i < Math.min(rows, cols); i++) expect(r.s[i]!).toBeLessThanOrEqual(1e-14 * r.s[0]!);
      expect(r.s[2]!).toBeGreaterThan(1e-3 * r.s[0]!);
    }
    // Zero columns and rows: σ = 0 exactly there, and the basis is completed.
    const Z = randomVector(9, 5 * 4);
    for (let i = 0; i < 5; i++) Z[i * 4 + 1] = 0;
    for (let j = 0; j < 4; j++) Z[2 * 4 + j] = 0;
    const rz = expectValidSvd(Z, 5, 4);
    expect(rz.s[3]).toBe(0);
    const zero = expectValidSvd(new Float64Array(12), 3, 4);
    expect(Array.from(zero.s)).toEqual([0, 0, 0]);
  });

  it('vectors and scalars: n = 1 (column), 1×n (row), 1×1 (negative)', () => {
    const x = Float64Array.of(3, -4, 12);
    for (const [rows, cols] of [[3, 1], [1, 3]] as const) {
      const r = expectValidSvd(x, rows, cols);
      expect(Math.abs(r.s[0]! - 13)).toBeLessThanOrEqual(2e-15 * 13);
    }
    const one = svd([-2.5], 1, 1);
    expect(Array.from(one.s)).toEqual([2.5]);
    expect(Array.from(one.U)).toEqual([-1]);
    expect(Array.from(one.V)).toEqual([1]);
  });

  it('tiny and huge scales keep the relative accuracy (exact power-of-two scaling inside)', () => {
    const A = randomVector(77, 9 * 6);
    const base = svd(A, 9, 6);
    for (const scale of [1e-300, 1e-150, 1e150, 1e300]) {
      const r = expectValidSvd(A.map((x) => x * scale), 9, 6);
      for (let i = 0; i < 6; i++) expect(Math.abs(r.s[i]! / scale - base.s[i]!)).toBeLessThanOrEqual(1e-14 * base.s[0]!);
    }
    // Subnormal input: B = A·2⁻¹⁰⁷⁰ rounded; B·2¹⁰⁷⁰ is exact, so the vectors must be bit-identical and the
    // singular values equal up to the rounding of the subnormal result (one unit, 2⁻¹⁰⁷⁴).
    const B = A.map((x) => x * 2 ** -1070);
    const tiny = svd(B, 9, 6);
    const ref = svd(B.map((x) => x * 2 ** 1000 * 2 ** 70), 9, 6);
    expect(Array.from(tiny.U)).toEqual(Array.from(ref.U));
    expect(Array.from(tiny.V)).toEqual(Array.from(ref.V));
    for (let i = 0; i < 6; i++) expect(Math.abs(tiny.s[i]! - ref.s[i]! * 2 ** -1070)).toBeLessThanOrEqual(2 ** -1074);
  });
});

describe('svd: errors', () => {
  it('rejects negative or fractional sizes, mismatched length and NaN/±Inf (class and message); memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    expectErrors([
      [() => svd([], -1, 3), ParameterError, 'svd: rows must be a non-negative integer (got -1)'],
      [() => svd([1], 0, 3), ShapeError, 'svd: A must have length rows·cols = 0 (got 1)'],
      [() => svd([1, 2], 1.5, 2), ParameterError, 'svd: rows must be a non-negative integer (got 1.5)'],
      [() => svd([1, 2], 2, NaN), ParameterError, 'svd: cols must be a non-negative integer (got NaN)'],
      [() => svd('abcd' as never, 2, 2), ParameterError, 'svd: A must be a Float64Array, an array of numbers or an F64Buffer (got "abcd")'],
      [() => svd([1, 2, 3], 2, 2), ShapeError, 'svd: A must have length rows·cols = 4 (got 3)'],
      [() => svd([1, NaN, 3, 4], 2, 2), NonFiniteError, 'svd: A must be finite (got NaN at index 1)'],
      [() => svd([1, 2, 3, 4, 5, -Infinity], 3, 2), NonFiniteError, 'svd: A must be finite (got -Infinity at index 5)'],
    ]);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(Array.from(svd([2, 0, 0, 1], 2, 2).s)).toEqual([2, 1]);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
