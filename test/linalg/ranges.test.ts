/**
 * The ends of the linalg size ranges: an empty matrix (n = 0, or rows or cols 0) has the empty
 * decomposition, and 1 × 1 is the scalar itself; negative or fractional sizes are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, svd, symmetricEigen } from '../../bindings/index.js';

beforeAll(() => init());

describe('sizes: integers ≥ 0', () => {
  it('0 × 0 (eigen), 0 × k and k × 0 (svd) give empty results', () => {
    const e = symmetricEigen([], 0);
    expect(e.values.length).toBe(0);
    expect(e.vectors.length).toBe(0);
    for (const [rows, cols] of [[0, 3], [3, 0], [0, 0]] as const) {
      const r = svd([], rows, cols);
      expect([r.s.length, r.U.length, r.V.length, r.sweeps]).toEqual([0, 0, 0, 0]);
    }
  });

  it('1 × 1 is the scalar: eigenvalue a, singular value |a| with U·V = sign(a)', () => {
    expect(Array.from(symmetricEigen([-2.5], 1).values)).toEqual([-2.5]);
    const r = svd([-2.5], 1, 1);
    expect(r.s[0]).toBe(2.5);
    expect(r.U[0]! * r.s[0]! * r.V[0]!).toBe(-2.5);
  });

  it('negative or fractional sizes are refused', () => {
    expect(() => symmetricEigen([], -1)).toThrow(ParameterError);
    expect(() => svd([], -1, 0)).toThrow(ParameterError);
    expect(() => svd([], 0, 0.5)).toThrow(ParameterError);
  });
});
