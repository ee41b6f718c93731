/** The shared matrix reader (bindings/runtime/matrix.ts): every accepted form gives the same matrix. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, allocF64, init } from '../../bindings/index.js';
import { readMatrix } from '../../bindings/runtime/matrix.js';

beforeAll(() => init());

const plain = (m: { data: ArrayLike<number> | { view(): Float64Array }; rows: number; cols: number }) => ({
  data: Array.from('view' in m.data ? m.data.view() : m.data),
  rows: m.rows,
  cols: m.cols,
});

describe('readMatrix', () => {
  const want = { data: [1, 2, 3, 4, 5, 6], rows: 2, cols: 3 };

  it('reads { data, rows, cols }, an array of rows (plain or typed) and a flat vector with its shape alike', () => {
    expect(plain(readMatrix('f', 'A', { data: [1, 2, 3, 4, 5, 6], rows: 2, cols: 3 }))).toEqual(want);
    expect(plain(readMatrix('f', 'A', [[1, 2, 3], [4, 5, 6]]))).toEqual(want);
    expect(plain(readMatrix('f', 'A', [Float64Array.of(1, 2, 3), Int32Array.of(4, 5, 6)]))).toEqual(want);
    expect(plain(readMatrix('f', 'A', [1, 2, 3, 4, 5, 6], { rows: 2, cols: 3 }))).toEqual(want);
    // one dimension fixed by the call: the other is inferred from the length
    expect(plain(readMatrix('f', 'A', Float64Array.of(1, 2, 3, 4, 5, 6), { rows: 2 }))).toEqual(want);
    expect(plain(readMatrix('f', 'A', [1, 2, 3, 4, 5, 6], { cols: 3 }))).toEqual(want);
    const buf = allocF64([1, 2, 3, 4, 5, 6]);
    try {
      expect(plain(readMatrix('f', 'A', buf, { rows: 2, cols: 3 }))).toEqual(want);
    } finally {
      buf.free();
    }
    // empty shapes are matrices too
    expect(plain(readMatrix('f', 'A', { data: [], rows: 0, cols: 3 }))).toEqual({ data: [], rows: 0, cols: 3 });
  });

  it('refuses a flat vector without a shape, ragged rows, non-numbers and mismatched shapes, naming the argument', () => {
    expect(() => readMatrix('f', 'A', [1, 2, 3, 4])).toThrow(new ParameterError('f: A must be a { data, rows, cols } matrix or an array of rows; a flat array needs its shape (got array of length 4)'));
    expect(() => readMatrix('f', 'A', [[1, 2], [3]])).toThrow(new ShapeError('f: A rows must all have length 2 (got 1 at row 1)'));
    expect(() => readMatrix('f', 'A', [[1, 2], 3])).toThrow(new ParameterError('f: A[1] must be a row of numbers (got 3)'));
    expect(() => readMatrix('f', 'A', [[1, null]])).toThrow(ParameterError);
    expect(() => readMatrix('f', 'A', { data: [1, 2, 3], rows: 2, cols: 2 })).toThrow(new ShapeError('f: A.data must have rows × cols = 2 × 2 = 4 entries (got 3)'));
    expect(() => readMatrix('f', 'A', { data: [1, 2], rows: -1, cols: 2 })).toThrow(new ParameterError('f: A.rows must be a non-negative integer (got -1)'));
    expect(() => readMatrix('f', 'M', [[1, 2]], { rows: 2, cols: 2, label: 'a.length × b.length' })).toThrow(new ShapeError('f: M must be a.length × b.length = 2 × 2 (got 1 × 2)'));
    expect(() => readMatrix('f', 'M', [1, 2, 3], { rows: 2, cols: 2, label: 'a.length × b.length' })).toThrow(new ShapeError('f: M must have a.length × b.length = 2 × 2 = 4 entries (got 3)'));
    expect(() => readMatrix('f', 'A', [[1, 2, 3]], { cols: 2 })).toThrow(new ShapeError('f: A must have 2 columns (got 1 × 3)'));
    expect(() => readMatrix('f', 'A', { data: [1, 2], rows: 1, cols: 2 }, { rows: 3, label: 'b.length' })).toThrow(new ShapeError('f: A must have b.length = 3 rows (got 1 × 2)'));
    expect(() => readMatrix('f', 'X', [1, 2, 3], { cols: 2, label: 'dim' })).toThrow(new ShapeError('f: X must have a length divisible by dim = 2 (got 3)'));
    expect(() => readMatrix('f', 'A', 'abc')).toThrow(ParameterError);
    expect(() => readMatrix('f', 'A', null)).toThrow(ParameterError);
  });
});
