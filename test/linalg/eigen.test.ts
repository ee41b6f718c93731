import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, memoryStats, symmetricEigen } from '../../bindings/index.js';
import { randomVector } from '../helpers.js';
import { eigenResiduals, gramOf, jacobiEigenRef } from './reference.js';

beforeAll(() => init());

describe('symmetricEigen: residuals and orthogonality', () => {
  for (const [n, m] of [[1, 3], [2, 2], [3, 5], [7, 3], [16, 16], [33, 50], [128, 40], [512, 600]] as const) {
    it(`Gram matrix ${n}×${n} (rank ${Math.min(n, m)}): ‖AV − VΛ‖ ≤ 1e-12‖A‖, ‖VᵀV − I‖ ≤ 1e-12`, () => {
      const A = gramOf(randomVector(1000 + n, n * m), n, m);
      const { values, vectors } = symmetricEigen(A, n);
      const r = eigenResiduals(A, n, values, vectors);
      expect(r.residual).toBeLessThanOrEqual(1e-12 * r.normA);
      expect(r.orthogonality).toBeLessThanOrEqual(1e-12);
      for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
      // trace is preserved
      let tr = 0;
      for (let i = 0; i < n; i++) tr += A[i * n + i]!;
      expect(Math.abs(values.reduce((a, b) => a + b, 0) - tr)).toBeLessThanOrEqual(1e-12 * tr);
    });
  }

  it('agrees with a plain-TS cyclic Jacobi on random symmetric indefinite matrices (n = 1..24)', () => {
    for (let n = 1; n <= 24; n++) {
      const B = randomVector(77 + n, n * n);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j]! + B[j * n + i]!;
      const got = symmetricEigen(A, n);
      const ref = jacobiEigenRef(A, n);
      const scale = Math.max(1, ...Array.from(ref.values, Math.abs));
      for (let k = 0; k < n; k++) expect(Math.abs(got.values[k]! - ref.values[k]!)).toBeLessThanOrEqual(1e-12 * scale);
    }
  });
});

describe('symmetricEigen: closed forms', () => {
  it('2×2 [[a, b], [b, a]]: a ± b with vectors (1, ±1)/√2', () => {
    const { values, vectors } = symmetricEigen([3, 2, 2, 3], 2);
    expect(values[0]).toBeCloseTo(5, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]! * vectors[2]!).toBeCloseTo(0.5, 14); // column 0 ∝ (1, 1)
    expect(vectors[1]! * vectors[3]!).toBeCloseTo(-0.5, 14); // column 1 ∝ (1, −1)
  });

  it('tridiagonal Toeplitz (2, −1): λₖ = 2 − 2cos(kπ/(n+1)), vₖ ∝ sin(ijπ/(n+1))', () => {
    const n = 40;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i > 0) A[i * n + i - 1] = A[(i - 1) * n + i] = -1;
    }
    const { values, vectors } = symmetricEigen(A, n);
    for (let k = 1; k <= n; k++) {
      const want = 2 - 2 * Math.cos(((n + 1 - k) * Math.PI) / (n + 1)); // descending
      expect(Math.abs(values[k - 1]! - want)).toBeLessThanOrEqual(1e-13);
    }
    // Column 0 (largest λ, j = n): entries ∝ sin(i·n·π/(n+1)), normalised.
    const j = n;
    const norm = Math.sqrt((n + 1) / 2);
    let dot = 0;
    for (let i = 1; i <= n; i++) dot += vectors[(i - 1) * n]! * (Math.sin((i * j * Math.PI) / (n + 1)) / norm);
    expect(Math.abs(Math.abs(dot) - 1)).toBeLessThanOrEqual(1e-12);
  });

  it('diagonal, identity (all ties), zero and 1×1 matrices', () => {
    const d = symmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, -2], 3);
    expect(Array.from(d.values)).toEqual([5, 1, -2]);
    const I = symmetricEigen(Float64Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 1 : 0)), 5);
    expect(Array.from(I.values)).toEqual([1, 1, 1, 1, 1]);
    expect(eigenResiduals(Float64Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 1 : 0)), 5, I.values, I.vectors).orthogonality).toBeLessThanOrEqual(1e-15);
    const z = symmetricEigen(new Float64Array(16), 4);
    expect(Array.from(z.values)).toEqual([0, 0, 0, 0]);
    expect(Array.from(symmetricEigen([-7], 1).values)).toEqual([-7]);
    expect(Array.from(symmetricEigen([-7], 1).vectors)).toEqual([1]);
    expect(symmetricEigen([], 0).values.length).toBe(0);
  });

  it('tiny and huge scales keep relative accuracy', () => {
    const A = gramOf(randomVector(5, 20 * 20), 20, 20);
    for (const scale of [1e-150, 1e150]) {
      const S = A.map((a) => a * scale);
      const r = symmetricEigen(S, 20);
      const e = eigenResiduals(S, 20, r.values, r.vectors);
      expect(e.residual).toBeLessThanOrEqual(1e-12 * e.normA);
      expect(e.orthogonality).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe('symmetricEigen: errors', () => {
  it('rejects bad n, mismatched length and non-finite entries; memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(ShapeError);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow('symmetricEigen: A must have length n·n = 4 (got 3)');
    expect(() => symmetricEigen([1], -1)).toThrow(ParameterError);
    expect(() => symmetricEigen([1], 1.5)).toThrow('symmetricEigen: n must be a non-negative integer (got 1.5)');
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(NonFiniteError);
    expect(() => symmetricEigen([1, 0, Infinity, 1], 2)).toThrow('symmetricEigen: A must be finite (got Infinity at index 2)');
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(symmetricEigen([2, 0, 0, 1], 2).values[0]).toBe(2);
  });
});
