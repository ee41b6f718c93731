/** The causal family's WASM kernels against plain-TS definitions. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats } from '../../bindings/index.js';
import { gaussGram, luSolve, matmul, wasmErf, wasmPow } from '../../bindings/causal/kernels.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

describe('causal kernels', () => {
  it('gaussGram equals exp(−½‖x_i − y_j‖²) computed entry by entry', () => {
    for (const [n, m, d] of [[1, 1, 1], [7, 5, 3], [13, 17, 8], [4, 9, 1]] as const) {
      const X = randomVector(n * 31 + d, n * d);
      const Y = randomVector(m * 17 + d, m * d);
      const K = gaussGram('t', X, n, Y, m, d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += (X[i * d + k]! - Y[j * d + k]!) ** 2;
          expect(K[i * m + j]).toBeCloseTo(Math.exp(-0.5 * s), 12);
        }
      }
    }
  });
  it('gaussGram of a set with itself has a unit diagonal (the clamp keeps rounding from exceeding 1)', () => {
    const X = randomVector(3, 40 * 5, 30);
    const K = gaussGram('t', X, 40, X, 40, 5);
    for (let i = 0; i < 40; i++) expect(K[i * 40 + i]).toBe(1);
  });
  it('matmul equals the triple loop', () => {
    for (const [n, k, m] of [[1, 1, 1], [5, 7, 3], [16, 9, 33], [3, 4, 1]] as const) {
      const A = randomVector(n + 100 * k, n * k);
      const B = randomVector(m + 7 * k, k * m);
      const C = matmul('t', A, B, n, k, m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += A[i * k + l]! * B[l * m + j]!;
          expect(C[i * m + j]).toBeCloseTo(s, 12);
        }
      }
    }
  });
  it('luSolve: A·X reproduces B (with pivoting needed: a zero leading entry)', () => {
    for (const [n, r] of [[1, 1], [2, 1], [6, 3], [40, 2]] as const) {
      const A = randomVector(n * 5 + r, n * n);
      if (n > 1) A[0] = 0;
      const B = randomVector(n + r, n * r);
      const X = luSolve('t', A, n, B, r);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < r; c++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += A[i * n + j]! * X[j * r + c]!;
          expect(s).toBeCloseTo(B[i * r + c]!, 9);
        }
      }
    }
  });
  it('luSolve refuses a singular matrix with a ParameterError and frees its memory', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => luSolve('t', Float64Array.of(1, 2, 2, 4), 2, Float64Array.of(1, 1), 1)).toThrow(/singular/);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
  it('wasmPow agrees with Math.pow to rounding', () => {
    for (const [x, y] of [[1000, -0.2], [2, 10], [7.5, 0.5]] as const) expect(wasmPow('t', x, y)).toBeCloseTo(Math.pow(x, y), 14);
  });
  it('wasmErf matches tabulated values and a Simpson quadrature of 2/√π·e^(−t²) on both branches (|x| ≤ 2 and above)', () => {
    // tabulated erf values (Abramowitz & Stegun table 7.1, extended precision)
    const table: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [-1.5, -0.9661051464753107], [2, 0.9953222650189527], [3, 0.9999779095030014]];
    for (const [x, v] of table) expect(Math.abs(wasmErf('t', x) - v)).toBeLessThan(2e-15);
    const simpson = (x: number): number => {
      const m = 2000;
      const h = x / m;
      let s = 0;
      for (let k = 0; k <= m; k++) s += (k === 0 || k === m ? 1 : k % 2 === 1 ? 4 : 2) * Math.exp(-((k * h) ** 2));
      return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
    };
    for (const x of [-4.5, -2.2, -0.3, 0.9, 1.99, 2.01, 2.7, 5.5]) expect(Math.abs(wasmErf('t', x) - simpson(x))).toBeLessThan(1e-12);
    expect(wasmErf('t', 7)).toBe(1);
    expect(wasmErf('t', -7)).toBe(-1);
  });
});
