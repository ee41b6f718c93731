/**
 * unfold / fold / khatriRao / multiModeProduct against their index definitions, computed here entry by
 * entry from multi-indices (not from the bindings' block copies or the WASM kernels).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fold, init, khatriRao, modeProduct, multiModeProduct, unfold, ShapeError, ParameterError, NonFiniteError } from '../../bindings/index.js';

beforeAll(() => init());

/** Seeded values in (−1, 1) (a linear congruential sequence: independent of the library's RNG). */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function multiIndex(p: number, dims: number[]): number[] {
  const idx = dims.map(() => 0);
  for (let n = dims.length - 1; n >= 0; n--) {
    idx[n] = p % dims[n]!;
    p = Math.floor(p / dims[n]!);
  }
  return idx;
}

function linear(idx: number[], dims: number[]): number {
  return idx.reduce((p, i, n) => p * dims[n]! + i, 0);
}

describe('unfold / fold', () => {
  const shapes = [[2, 3], [3, 1, 4], [2, 3, 4, 5], [1, 5, 2]];
  for (const dims of shapes) {
    it(`X₍ₙ₎[iₙ, j] = X[i] with j the row-major index of the other modes, shape ${dims.join('×')}`, () => {
      const size = dims.reduce((a, b) => a * b, 1);
      const X = { data: values(size, 7), shape: dims };
      for (let n = 0; n < dims.length; n++) {
        const U = unfold(X, n);
        const rest = dims.filter((_, m) => m !== n);
        expect(U.rows).toBe(dims[n]);
        expect(U.cols).toBe(size / dims[n]!);
        for (let p = 0; p < size; p++) {
          const idx = multiIndex(p, dims);
          const j = linear(idx.filter((_, m) => m !== n), rest);
          expect(U.data[idx[n]! * U.cols + j]).toBe(X.data[p]);
        }
        const back = fold(U, n, dims);
        expect(back.shape).toEqual(dims);
        expect(Array.from(back.data)).toEqual(Array.from(X.data));
        // the flat and the array-of-rows forms fold the same way
        expect(Array.from(fold(U.data, n, dims).data)).toEqual(Array.from(X.data));
      }
    });
  }
  it('rejects a mode out of range and a matrix of the wrong size', () => {
    const X = { data: values(6, 1), shape: [2, 3] };
    expect(() => unfold(X, 2)).toThrow(ParameterError);
    expect(() => unfold(X, 2)).toThrow(/unfold: n must be an integer in \[0, 1\]/);
    expect(() => fold(values(5, 1), 0, [2, 3])).toThrow(ShapeError);
    expect(() => fold({ data: values(6, 1), rows: 3, cols: 2 }, 0, [2, 3])).toThrow(/fold: M must be 2 × 3 \(got 3 × 2\)/);
    expect(() => unfold({ data: [1, NaN, 0, 0, 0, 0], shape: [2, 3] }, 0)).toThrow(NonFiniteError);
  });
});

describe('khatriRao', () => {
  it('row (i, j, k) = A[i] ∘ B[j] ∘ C[k], column r = the Kronecker product of the columns r', () => {
    for (const R of [1, 2, 3, 5]) {
      const dims = [3, 1, 4];
      const Ms = dims.map((I, k) => ({ data: values(I * R, 11 + k + R), rows: I, cols: R }));
      const K = khatriRao(Ms);
      expect(K.rows).toBe(12);
      expect(K.cols).toBe(R);
      for (let i = 0; i < 3; i++) for (let k = 0; k < 4; k++) for (let r = 0; r < R; r++) {
        const want = Ms[0]!.data[i * R + r]! * Ms[1]!.data[r]! * Ms[2]!.data[k * R + r]!;
        expect(K.data[(i * 4 + k) * R + r]).toBe(want);
      }
    }
  });
  it('one matrix is returned as is; arrays of rows are accepted; mismatched columns are a ShapeError', () => {
    expect(Array.from(khatriRao([[[1, 2], [3, 4]]]).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(khatriRao([[[1, 2]], [[3, 4], [5, 6]]]).data)).toEqual([3, 8, 5, 12]);
    expect(() => khatriRao([[[1, 2]], [[3, 4, 5]]])).toThrow(/khatriRao: matrices\[1\] must have 2 columns like matrices\[0\] \(got 3\)/);
    expect(() => khatriRao([new Float64Array(4) as never])).toThrow(ParameterError);
  });
  it('X₍ₙ₎ = A diag(1) (⊙ of the other factors)ᵀ for a CP tensor built entry by entry', () => {
    const dims = [3, 4, 2];
    const R = 2;
    const A = dims.map((I, k) => values(I * R, 40 + k));
    const size = 24;
    const X = new Float64Array(size);
    for (let p = 0; p < size; p++) {
      const idx = multiIndex(p, dims);
      for (let r = 0; r < R; r++) X[p]! += A[0]![idx[0]! * R + r]! * A[1]![idx[1]! * R + r]! * A[2]![idx[2]! * R + r]!;
    }
    for (let n = 0; n < 3; n++) {
      const others = [0, 1, 2].filter((m) => m !== n).map((m) => ({ data: A[m]!, rows: dims[m]!, cols: R }));
      const K = khatriRao(others);
      const U = unfold({ data: X, shape: dims }, n);
      for (let i = 0; i < dims[n]!; i++) for (let j = 0; j < K.rows; j++) {
        let v = 0;
        for (let r = 0; r < R; r++) v += A[n]![i * R + r]! * K.data[j * R + r]!;
        expect(U.data[i * U.cols + j]).toBeCloseTo(v, 14);
      }
    }
  });
});

describe('multiModeProduct', () => {
  it('Y[k₀, i₁, k₂] = Σ M₀[k₀, i₀] M₂[k₂, i₂] X[i₀, i₁, i₂], in either order, and with transpose', () => {
    const dims = [3, 2, 4];
    const X = { data: values(24, 5), shape: dims };
    const M0 = values(2 * 3, 6);
    const M2 = values(5 * 4, 8);
    const Y = multiModeProduct(X, [M0, M2], { modes: [0, 2] });
    expect(Y.shape).toEqual([2, 2, 5]);
    for (let k0 = 0; k0 < 2; k0++) for (let i1 = 0; i1 < 2; i1++) for (let k2 = 0; k2 < 5; k2++) {
      let v = 0;
      for (let i0 = 0; i0 < 3; i0++) for (let i2 = 0; i2 < 4; i2++) v += M0[k0 * 3 + i0]! * M2[k2 * 4 + i2]! * X.data[(i0 * 2 + i1) * 4 + i2]!;
      expect(Y.data[(k0 * 2 + i1) * 5 + k2]).toBeCloseTo(v, 13);
    }
    const Y2 = multiModeProduct(X, [M2, M0], { modes: [2, 0] });
    for (let i = 0; i < Y.data.length; i++) expect(Y2.data[i]).toBeCloseTo(Y.data[i]!, 14);
    // Mᵀ given as I × K with transpose: the same product
    const T0 = { data: Float64Array.from({ length: 6 }, (_, p) => M0[(p % 2) * 3 + Math.floor(p / 2)]!), rows: 3, cols: 2 };
    const Y3 = multiModeProduct(X, [T0, { data: M2, rows: 5, cols: 4 }].slice(0, 1), { modes: [0], transpose: true });
    const Y4 = modeProduct(X, M0, 0);
    expect(Array.from(Y3.data)).toEqual(Array.from(Y4.data));
  });
  it('rejects repeated modes, a matrix that does not fit, unknown options', () => {
    const X = { data: values(6, 1), shape: [2, 3] };
    expect(() => multiModeProduct(X, [[1, 0], [0, 1]], { modes: [0, 0] })).toThrow(/multiModeProduct: options.modes must be distinct/);
    expect(() => multiModeProduct(X, [values(5, 2)])).toThrow(ShapeError);
    expect(() => multiModeProduct(X, [values(2, 2)], { mode: [0] } as never)).toThrow(/not a known option/);
  });
});
