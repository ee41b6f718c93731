/**
 * The ends of the seed range every stochastic function shares: an integer in [0, 2^53) (a safe
 * integer) or a bigint in [0, 2^64) (the generator's whole state space). Each end is accepted or
 * refused, and a number seed gives the same stream as the equal bigint (two independent paths in).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, rng } from '../../bindings/index.js';

beforeAll(() => init());

describe('seeds', () => {
  it('0 and 2^53 − 1 as numbers, 0n and 2^64 − 1 as bigints are accepted; a number seed equals its bigint', () => {
    for (const s of [0, 1, 2 ** 53 - 1]) expect(rng(s).uniform(4)).toEqual(rng(BigInt(s)).uniform(4));
    expect(rng(2n ** 64n - 1n).uniform(2).every((u) => u >= 0 && u < 1)).toBe(true);
    // distinct seeds at the ends give distinct streams
    expect(rng(2n ** 64n - 1n).uniform(2)).not.toEqual(rng(0).uniform(2));
  });

  it('2^53 (not a safe integer), 2^64, negatives and fractions are refused', () => {
    for (const bad of [2 ** 53, -1, 0.5, -0.5, NaN, Infinity]) expect(() => rng(bad)).toThrow(ParameterError);
    for (const bad of [2n ** 64n, -1n]) expect(() => rng(bad)).toThrow(ParameterError);
  });

  it('a draw of 0 numbers is empty', () => {
    expect(rng(1).uniform(0).length).toBe(0);
    expect(rng(1).normal(0).length).toBe(0);
  });
});
