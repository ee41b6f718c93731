import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, memoryStats, rng } from '../bindings/index.js';

beforeAll(() => init());

const MASK = (1n << 64n) - 1n;

/** splitmix64 + xoshiro256** with BigInt, transcribed from the authors' reference C code. */
function referenceStream(seed: bigint): () => bigint {
  let z = seed;
  const s: bigint[] = [];
  for (let k = 0; k < 4; k++) {
    z = (z + 0x9e3779b97f4a7c15n) & MASK;
    let x = z;
    x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK;
    s.push(x ^ (x >> 31n));
  }
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & MASK;
  return () => {
    const result = (rotl((s[1]! * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1]! << 17n) & MASK;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 45n);
    return result;
  };
}

describe('rng', () => {
  it('follows splitmix64-seeded xoshiro256** exactly', () => {
    for (const seed of [0n, 1n, 42n, 123456789n, (1n << 64n) - 1n]) {
      const g = rng(seed);
      const ref = referenceStream(seed);
      for (let i = 0; i < 500; i++) expect(g.nextU64()).toBe(ref());
    }
  });

  it('uniform() is the top 53 bits times 2^-53 and continues the same stream', () => {
    const ref = referenceStream(7n);
    const g = rng(7);
    const a = g.uniform(5);
    const b = g.uniform(1000);
    const want = Array.from({ length: 1005 }, () => Number(ref() >> 11n) / 2 ** 53);
    expect([...a, ...b]).toEqual(want);
    expect(Math.min(...b)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...b)).toBeLessThan(1);
  });

  it('normal() is Box–Muller on the same uniforms and has mean 0, variance 1', () => {
    const ref = referenceStream(3n);
    const z = rng(3).normal(6);
    for (let i = 0; i < 6; i += 2) {
      const u1 = 1 - Number(ref() >> 11n) / 2 ** 53;
      const u2 = Number(ref() >> 11n) / 2 ** 53;
      const r = Math.sqrt(-2 * Math.log(u1));
      // WASM's log/cos/sin are not V8's: equal to a few ulps, not bit for bit.
      expect(z[i]!).toBeCloseTo(r * Math.cos(2 * Math.PI * u2), 13);
      expect(z[i + 1]!).toBeCloseTo(r * Math.sin(2 * Math.PI * u2), 13);
    }
    const big = rng(5).normal(200_001);
    const mean = big.reduce((s, q) => s + q, 0) / big.length;
    const variance = big.reduce((s, q) => s + (q - mean) ** 2, 0) / big.length;
    // Five standard errors: 5/√n for the mean, 5·√(2/n) for the variance.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(big.length));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / big.length));
  });

  it('is deterministic per seed, different across seeds, and number and bigint seeds agree', () => {
    expect(rng(99).uniform(50)).toEqual(rng(99n).uniform(50));
    expect(rng(99).uniform(50)).not.toEqual(rng(100).uniform(50));
    expect(rng(0).uniform(0)).toEqual(new Float64Array(0));
  });

  it('writes into out and frees its scratch', () => {
    const out = new Float64Array(10);
    expect(rng(1).uniform(10, out)).toBe(out);
    expect(memoryStats().allocatedBytes).toBe(0);
  });

  it.each([
    [-1, 'rng: seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got -1)'],
    [1.5, 'rng: seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got 1.5)'],
    [2 ** 53, 'rng: seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got 9007199254740992)'],
    [1n << 64n, 'rng: seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got 18446744073709551616)'],
    ['7', 'rng: seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got "7")'],
  ])('rejects seed %s', (seed, message) => {
    expect(() => rng(seed as number)).toThrowError(ParameterError);
    expect(() => rng(seed as number)).toThrowError(message);
  });

  it('rejects a bad n or out', () => {
    const g = rng(1);
    expect(() => g.uniform(-2)).toThrowError('Rng.uniform: n must be a non-negative integer (got -2)');
    expect(() => g.normal(2.5)).toThrowError('Rng.normal: n must be a non-negative integer (got 2.5)');
    expect(() => g.uniform(3, new Float64Array(2))).toThrowError('Rng.uniform: out must be a Float64Array of length 3 (got Float64Array of length 2)');
  });
});
