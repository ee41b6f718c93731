import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, frobeniusNorm, init, memoryStats, modeGram, modeProduct } from '../../bindings/index.js';
import { randomVector } from '../helpers.js';
import { modeGramRef, modeProductRef, sqDiff } from './reference.js';

beforeAll(() => init());

const SHAPES: number[][] = [[1, 1], [3, 1], [1, 4], [5, 7], [2, 3, 4], [4, 3, 9], [9, 2, 1], [3, 1, 2, 5], [2, 3, 2, 2, 3], [6, 17, 11]];

describe('modeGram: X₍ₙ₎X₍ₙ₎ᵀ against the explicit unfolding', () => {
  it('matches for orders 2–5, every mode (rank-1 and dot-product paths, R = 1 and R ≥ 8)', () => {
    SHAPES.forEach((dims, t) => {
      const data = randomVector(300 + t, dims.reduce((a, b) => a * b, 1));
      for (let n = 0; n < dims.length; n++) {
        const got = modeGram({ data, shape: dims }, n);
        const want = modeGramRef(data, dims, n);
        const scale = want.reduce((a, b) => Math.max(a, Math.abs(b)), 1);
        expect(Math.sqrt(sqDiff(got, want))).toBeLessThanOrEqual(1e-13 * scale * dims[n]!);
        // exactly symmetric
        const I = dims[n]!;
        for (let i = 0; i < I; i++) for (let j = 0; j < I; j++) expect(got[i * I + j]).toBe(got[j * I + i]);
      }
    });
  });
  it('trace of every mode Gram is ‖X‖²', () => {
    const dims = [7, 8, 9];
    const data = randomVector(9, 7 * 8 * 9);
    const norm = frobeniusNorm({ data, shape: dims });
    for (let n = 0; n < 3; n++) {
      const G = modeGram({ data, shape: dims }, n);
      let tr = 0;
      for (let i = 0; i < dims[n]!; i++) tr += G[i * dims[n]! + i]!;
      expect(Math.abs(tr - norm * norm)).toBeLessThanOrEqual(1e-12 * tr);
    }
  });
});

describe('modeProduct: Y = X ×ₙ M against the elementwise definition', () => {
  it('matches for orders 2–5, every mode, K < I, K = I, K > I', () => {
    SHAPES.forEach((dims, t) => {
      const data = randomVector(500 + t, dims.reduce((a, b) => a * b, 1));
      for (let n = 0; n < dims.length; n++) {
        for (const K of [1, dims[n]!, dims[n]! + 2]) {
          const M = randomVector(700 + t * 10 + n + K, K * dims[n]!);
          const got = modeProduct({ data, shape: dims }, M, n);
          const want = modeProductRef(data, dims, M, K, n);
          expect(got.shape).toEqual(want.shape);
          expect(Math.sqrt(sqDiff(got.data, want.data))).toBeLessThanOrEqual(1e-13 * Math.sqrt(want.data.length) * (1 + dims[n]!));
        }
      }
    });
  });
});

describe('frobeniusNorm', () => {
  it('equals sqrt(Σx²) for every length around the SIMD block (n = 1..19)', () => {
    for (let n = 1; n <= 19; n++) {
      const data = randomVector(n, n);
      let s = 0;
      for (const v of data) s += v * v;
      expect(frobeniusNorm({ data, shape: [n, 1] })).toBeCloseTo(Math.sqrt(s), 14);
    }
  });
});

describe('tensor validation: class and message', () => {
  it('rejects malformed shapes and data, non-finite data; memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    const X = { data: new Float64Array(6), shape: [2, 3] };
    expect(() => modeGram({ data: new Float64Array(6), shape: [6] }, 0)).toThrow(ShapeError);
    expect(() => modeGram({ data: new Float64Array(6), shape: [6] }, 0)).toThrow('modeGram: X.shape must have at least 2 entries (got 1)');
    expect(() => modeGram({ data: new Float64Array(6), shape: [2, 0] }, 0)).toThrow('modeGram: X.shape[1] must be a positive integer (got 0)');
    expect(() => modeGram({ data: new Float64Array(6), shape: [2, 2.5] }, 0)).toThrow(ShapeError);
    expect(() => modeGram({ data: new Float64Array(5), shape: [2, 3] }, 0)).toThrow('modeGram: X.data must have length 2·3 = 6 (got 5)');
    expect(() => modeGram(null as never, 0)).toThrow(ParameterError);
    expect(() => modeGram(null as never, 0)).toThrow('modeGram: X must be a tensor { data, shape } (got null)');
    expect(() => modeGram({ data: 'abc', shape: [1, 3] } as never, 0)).toThrow('modeGram: X.data must be a Float64Array or an array of numbers (got "abc")');
    expect(() => modeGram(X, 2)).toThrow('modeGram: n must be an integer in [0, 1] (got 2)');
    const bad = new Float64Array(6);
    bad[4] = NaN;
    expect(() => modeGram({ data: bad, shape: [2, 3] }, 0)).toThrow(NonFiniteError);
    expect(() => modeGram({ data: bad, shape: [2, 3] }, 0)).toThrow('modeGram: X.data must be finite (got NaN at index 4)');
    expect(() => frobeniusNorm({ data: [1, -Infinity], shape: [1, 2] })).toThrow('frobeniusNorm: X.data must be finite (got -Infinity at index 1)');
    expect(() => modeProduct(X, [1, 2], 1)).toThrow('modeProduct: M must have K·3 entries for some K >= 1 (got 2)');
    expect(() => modeProduct(X, [1, 2, NaN], 1)).toThrow('modeProduct: M must be finite (got NaN at index 2)');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
