import { beforeAll, describe, expect, it } from 'vitest';
import {
  F64Buffer,
  NonFiniteError,
  ParameterError,
  ShapeError,
  allocF64,
  init,
  memoryStats,
  softThreshold,
} from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, randomVector, uniforms } from '../helpers.js';
import { softThresholdRef } from './reference.js';

beforeAll(() => init());

describe('softThreshold against its definition', () => {
  it('equals the textbook sign(v)·max(|v| − t, 0) bit for bit on seeded vectors up to n = 1e5', () => {
    for (const [seed, n, t] of [
      [1, 1, 0.5],
      [2, 7, 0.1],
      [3, 1000, 1],
      [4, 100_001, 0.7],
      [5, 100_000, 1e-9],
      [6, 4099, 3],
    ] as const) {
      const v = randomVector(seed, n);
      expect(firstBitDifference(softThreshold(v, t), softThresholdRef(v, t))).toBe(-1);
    }
  });

  it('satisfies the optimality condition v − x ∈ t·∂|x| and the Moreau decomposition v = x + clamp(v, −t, t)', () => {
    const t = 0.8;
    const v = randomVector(11, 5000, 2);
    const x = softThreshold(v, t);
    for (let i = 0; i < v.length; i++) {
      const g = v[i]! - x[i]!;
      if (x[i] !== 0) expect(Math.abs(g - t * Math.sign(x[i]!))).toBeLessThanOrEqual(4e-16 * Math.abs(v[i]!));
      else expect(Math.abs(v[i]!)).toBeLessThanOrEqual(t);
      expect(Math.abs(x[i]! + Math.max(-t, Math.min(v[i]!, t)) - v[i]!)).toBeLessThanOrEqual(4e-16 * Math.abs(v[i]!));
    }
  });

  it('minimises t·|x| + (x − v)²/2 as found by brute force (dense grid, then golden section)', () => {
    const u = uniforms(21);
    for (let k = 0; k < 200; k++) {
      const v = (u() - 0.5) * 10;
      const t = u() * 3;
      const f = (x: number) => t * Math.abs(x) + (x - v) ** 2 / 2;
      let best = -10;
      for (let x = -10; x <= 10; x += 1e-3) if (f(x) < f(best)) best = x;
      let [lo, hi] = [best - 1e-3, best + 1e-3];
      for (let it = 0; it < 100; it++) {
        const a = hi - (hi - lo) / 1.618033988749895;
        const b = lo + (hi - lo) / 1.618033988749895;
        if (f(a) < f(b)) hi = b;
        else lo = a;
      }
      // A search resolves the minimiser only to ~√ε (f is flat there): compare objective values tightly.
      const x = softThreshold([v], t)[0]!;
      expect(f(x)).toBeLessThanOrEqual(f((lo + hi) / 2) + 1e-14);
      expect(Math.abs(x - (lo + hi) / 2)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('the SIMD kernel and the scalar kernel agree bit for bit for every tail length', () => {
    const x = wasm();
    for (let n = 0; n <= 33; n++) {
      const v = allocF64(randomVector(100 + n, n));
      const a = allocF64(n);
      const b = allocF64(n);
      try {
        expect(x.softThreshold(v.ptr, n, 0.3, a.ptr)).toBe(0);
        expect(x.softThresholdScalar(v.ptr, n, 0.3, b.ptr)).toBe(0);
        expect(firstBitDifference(a.toArray(), b.toArray())).toBe(-1);
      } finally {
        [v, a, b].forEach((buf) => buf.free());
      }
    }
  });
});

describe('softThreshold edge cases', () => {
  it('n = 0 gives an empty array; n = 1 works', () => {
    expect(softThreshold(new Float64Array(0), 1)).toEqual(new Float64Array(0));
    expect(Array.from(softThreshold([-5], 2))).toEqual([-3]);
  });

  it('ties at ±t map to +0; t = 0 is the identity; t = Infinity and huge t map everything to +0', () => {
    expect(firstBitDifference(softThreshold([1, -1, 0.5, -0.5], 1), new Float64Array([0, 0, 0, 0]))).toBe(-1);
    const v = randomVector(31, 101, 1e3);
    expect(softThreshold(v, 0)).toEqual(v);
    for (const t of [Infinity, 1e300, Number.MAX_VALUE]) {
      expect(firstBitDifference(softThreshold(v, t), new Float64Array(101))).toBe(-1);
    }
  });

  it('handles extreme magnitudes without overflow', () => {
    const r = softThreshold([Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324], 1e300);
    expect(Array.from(r)).toEqual([Number.MAX_VALUE - 1e300, -(Number.MAX_VALUE - 1e300), 0, 0]);
    expect(Array.from(softThreshold([5e-324, -1e-320], 0))).toEqual([5e-324, -1e-320]);
  });

  it('accepts number[] and Float32Array, writes into out and returns it', () => {
    const out = new Float64Array(3);
    expect(softThreshold([3, -2, 0.5], 1, out)).toBe(out);
    expect(Array.from(out)).toEqual([2, -1, 0]);
    expect(Array.from(softThreshold(new Float32Array([2.5, -0.25]), 0.5))).toEqual([2, 0]);
  });

  it('returns results that do not alias WASM memory (never a stale view)', () => {
    const r = softThreshold(randomVector(41, 64), 0.1);
    expect(r.buffer).not.toBe(wasm().memory.buffer);
  });

  it('runs in place on an F64Buffer (the zero-copy path) and returns that buffer', () => {
    const v = randomVector(51, 1001);
    const buf = allocF64(v);
    try {
      expect(softThreshold(buf, 0.25, buf)).toBe(buf);
      expect(firstBitDifference(buf.toArray(), softThresholdRef(v, 0.25))).toBe(-1);
      // An F64Buffer input with a Float64Array out copies only the result out, and leaves the input as it was.
      const before = buf.toArray();
      const again = softThreshold(buf, 0.5);
      expect(again).toBeInstanceOf(Float64Array);
      expect(firstBitDifference(again, softThresholdRef(before, 0.5))).toBe(-1);
      expect(buf.toArray()).toEqual(before);
    } finally {
      buf.free();
    }
  });
});

describe('softThreshold errors', () => {
  const v = [1, 2, 3];
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['negative t', () => softThreshold(v, -1), ParameterError, 'softThreshold: t must be >= 0 (got -1)'],
    ['NaN t', () => softThreshold(v, NaN), ParameterError, 'softThreshold: t must be >= 0 (got NaN)'],
    ['string t', () => softThreshold(v, '1' as unknown as number), ParameterError, 'softThreshold: t must be >= 0 (got "1")'],
    ['missing t', () => (softThreshold as unknown as (v: number[]) => unknown)(v), ParameterError, 'softThreshold: t must be >= 0 (got undefined)'],
    ['v a string', () => softThreshold('abc' as unknown as number[], 1), ParameterError, 'softThreshold: v must be a Float64Array, an array of numbers or an F64Buffer (got "abc")'],
    ['v null', () => softThreshold(null as unknown as number[], 1), ParameterError, 'softThreshold: v must be a Float64Array, an array of numbers or an F64Buffer (got null)'],
    ['out too short', () => softThreshold(v, 1, new Float64Array(2)), ShapeError, 'softThreshold: out must have length 3 (got 2)'],
    ['out of a wrong type', () => softThreshold(v, 1, [0, 0, 0] as unknown as Float64Array), ParameterError, 'softThreshold: out must be a Float64Array or an F64Buffer (got array of length 3)'],
    ['NaN in v', () => softThreshold([1, 2, NaN, 4], 1), NonFiniteError, 'softThreshold: v must be finite (got NaN at index 2)'],
    ['+Inf in v', () => softThreshold(new Float64Array([Infinity]), 1), NonFiniteError, 'softThreshold: v must be finite (got Infinity at index 0)'],
    ['-Inf in the SIMD tail', () => softThreshold(new Float64Array([0, 1, 2, 3, 4, 5, 6, 7, -Infinity]), 1), NonFiniteError, 'softThreshold: v must be finite (got -Infinity at index 8)'],
    ['a non-number in a plain array', () => softThreshold([1, undefined as unknown as number], 1), ParameterError, 'softThreshold: v[1] must be a number (got undefined)'],
    ['NaN in a plain array', () => softThreshold([1, NaN], 1), NonFiniteError, 'softThreshold: v must be finite (got NaN at index 1)'],
  ];
  it.each(cases)('%s', (_name, call, type, message) => {
    const before = memoryStats().allocatedBytes;
    expect(call).toThrowError(type);
    expect(call).toThrowError(message);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(Array.from(softThreshold([2, -2], 1))).toEqual([1, -1]); // still usable
  });

  it('reports NaN in an F64Buffer input at its index and leaves the caller\'s out untouched', () => {
    const buf = allocF64([0, 1, NaN]);
    const out = new Float64Array([7, 7, 7]);
    try {
      expect(() => softThreshold(buf, 1, out)).toThrowError('softThreshold: v must be finite (got NaN at index 2)');
      expect(Array.from(out)).toEqual([7, 7, 7]);
    } finally {
      buf.free();
    }
  });

  it('refuses a freed F64Buffer', () => {
    const buf = allocF64(2);
    buf.free();
    expect(buf).toBeInstanceOf(F64Buffer);
    expect(() => softThreshold(buf, 1)).toThrowError('softThreshold: v must be a live F64Buffer (got one already freed)');
  });
});
