import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, allocF64, init, memoryStats, projectSimplex } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, randomVector, sum, uniforms } from '../helpers.js';
import { projectSimplexLinearRef, projectSimplexSortRef } from './reference.js';

beforeAll(() => init());

/**
 * Brute force from the definition: for every support S, the minimiser of ‖x − v‖² on
 * {x_S ≥ 0, Σx_S = r, x_{∖S} = 0} is x_S = v_S − (Σv_S − r)/|S| when that is ≥ 0; take the closest.
 */
function projectByEnumeration(v: number[], r: number): number[] {
  let best: number[] = [];
  let bestDist = Infinity;
  for (let mask = 1; mask < 1 << v.length; mask++) {
    const S = v.map((_, i) => i).filter((i) => mask & (1 << i));
    const shift = (S.reduce((s, i) => s + v[i]!, 0) - r) / S.length;
    const x = v.map((vi, i) => (mask & (1 << i) ? vi - shift : 0));
    if (x.some((xi) => xi < 0)) continue;
    const d = x.reduce((s, xi, i) => s + (xi - v[i]!) ** 2, 0);
    if (d < bestDist) [best, bestDist] = [x, d];
  }
  return best;
}

/** KKT conditions of the projection: x ≥ 0, Σx = r, and one τ with xᵢ = vᵢ − τ on the support, vᵢ ≤ τ off it. */
function expectKkt(v: Float64Array, x: Float64Array, r: number, rel = 1e-12): void {
  const scale = Math.max(1, r, ...Array.from(v, Math.abs));
  expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
  expect(Math.abs(sum(x) - r)).toBeLessThanOrEqual(rel * Math.max(r, 1e-300) * Math.sqrt(v.length) + 1e-300);
  let tau = NaN;
  for (let i = 0; i < v.length; i++) if (x[i]! > 0) { tau = v[i]! - x[i]!; break; }
  expect(tau).not.toBeNaN();
  let violation = 0;
  for (let i = 0; i < v.length; i++) {
    violation = Math.max(violation, x[i]! > 0 ? Math.abs(v[i]! - x[i]! - tau) : v[i]! - tau);
  }
  expect(violation).toBeLessThanOrEqual(rel * scale);
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('projectSimplex against independent definitions', () => {
  it('equals the closest point found by enumerating every support (n ≤ 6)', () => {
    const u = uniforms(7);
    for (let k = 0; k < 300; k++) {
      const n = 1 + (k % 6);
      const v = Array.from({ length: n }, () => Math.round((u() - 0.5) * 8 * 4) / 4); // many ties
      const r = [1, 0.5, 3, 1e-3][k % 4]!;
      const x = projectSimplex(v, r);
      const want = projectByEnumeration(v, r);
      for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - want[i]!)).toBeLessThanOrEqual(1e-14 * Math.max(1, r));
    }
  });

  it('matches the sort-based projection and satisfies KKT on seeded vectors up to n = 1e5', () => {
    for (const [seed, n, r, scale] of [
      [1, 2, 1, 1],
      [2, 10, 1, 1],
      [3, 1000, 5, 1],
      [4, 100_000, 1, 1],
      [5, 100_000, 100, 0.01],
      [6, 65_537, 1e-6, 1],
      [7, 12_345, 1e4, 1e3],
    ] as const) {
      const v = randomVector(seed, n, scale);
      const x = projectSimplex(v, r);
      const ref = projectSimplexSortRef(v, r);
      expect(maxAbsDiff(x, ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, r, scale));
      expectKkt(v, x, r);
    }
  });

  it('dense results (radius large against n, where Newton finishes the threshold) match the sort-based projection and KKT', () => {
    for (const [seed, n, r, abs] of [
      [401, 100_000, 25_000, true],
      [402, 100_000, 25_000, false],
      [403, 100_000, 1e12, false],
      [404, 100_000, 2_000, true],
      [405, 4097, 1e5, false],
    ] as const) {
      const v = randomVector(seed, n);
      if (abs) for (let i = 0; i < n; i++) v[i] = Math.abs(v[i]!);
      const x = projectSimplex(v, r);
      expect(maxAbsDiff(x, projectSimplexSortRef(v, r))).toBeLessThanOrEqual(1e-12 * Math.max(1, r));
      expectKkt(v, x, r);
      let support = 0;
      for (let i = 0; i < n; i++) if (x[i]! > 0) support++;
      expect(support).toBeGreaterThan(r === 2_000 ? 100 : n / 4); // dense indeed (the regime under test)
    }
    // Ties in a dense result: integer data, every copy of a value gets the same share.
    const u = uniforms(406);
    const v = Float64Array.from({ length: 60_000 }, () => Math.floor(u() * 50));
    const x = projectSimplex(v, 3e5);
    expectKkt(v, x, 3e5);
    expect(maxAbsDiff(x, projectSimplexSortRef(v, 3e5))).toBeLessThanOrEqual(1e-12 * 3e5);
    const share = new Map<number, number>();
    let unequal = 0;
    for (let i = 0; i < v.length; i++) {
      const want = share.get(v[i]!);
      if (want === undefined) share.set(v[i]!, x[i]!);
      else if (want !== x[i]) unequal++;
    }
    expect(unequal).toBe(0);
  });

  it('the plain-TS linear-time reference used by the bench agrees with the sort-based one', () => {
    const v = randomVector(8, 20_000, 3);
    expect(maxAbsDiff(projectSimplexLinearRef(v, 2), projectSimplexSortRef(v, 2))).toBeLessThanOrEqual(1e-12);
  });

  it('is exact on ties: equal entries get equal shares', () => {
    expect(Array.from(projectSimplex([1, 1, 1]))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(Array.from(projectSimplex([0.1, 0.1, 0.1], 0.3))).toEqual([0.3 / 3, 0.3 / 3, 0.3 / 3]);
    expect(Array.from(projectSimplex([5, 5, 0, 0], 2))).toEqual([1, 1, 0, 0]);
    expect(Array.from(projectSimplex([2, 2, 2, -7, 2], 4))).toEqual([1, 1, 1, 0, 1]);
    const flat = projectSimplex(new Float64Array(100_000).fill(-3.25), 2);
    expect(flat.every((q) => q === 2 / 100_000)).toBe(true);
    // Integer-valued data with heavy repetition.
    const u = uniforms(9);
    const v = Float64Array.from({ length: 50_000 }, () => Math.floor(u() * 20));
    const x = projectSimplex(v, 7);
    expectKkt(v, x, 7);
    let unequal = 0;
    for (let i = 1; i < v.length; i++) if (v[i] === v[0] && x[i] !== x[0]) unequal++;
    expect(unequal).toBe(0);
  });

  it('is invariant to adding a constant, and leaves points of the simplex in place', () => {
    const v = randomVector(10, 999);
    const shifted = v.map((q) => q + 1000);
    expect(maxAbsDiff(projectSimplex(v, 2), projectSimplex(shifted, 2))).toBeLessThanOrEqual(1e-10);
    const inside = projectSimplex(v, 2);
    expect(maxAbsDiff(projectSimplex(inside, 2), inside)).toBeLessThanOrEqual(1e-15);
  });

  it('the sparse result path (Float64Array out) and the dense one (F64Buffer out) agree bit for bit', () => {
    for (const [seed, n, r] of [[301, 10_000, 1], [302, 10_000, 50], [303, 4096, 1e6], [304, 9, 1]] as const) {
      const v = randomVector(seed, n);
      const buf = allocF64(v);
      try {
        const dense = projectSimplex(buf, r, buf).toArray();
        const sparse = projectSimplex(v, r);
        expect(firstBitDifference(sparse, dense)).toBe(-1);
      } finally {
        buf.free();
      }
    }
  });

  it('simplexThreshold leaves max(v) and the support size in its scratch (the binding picks its path by them)', () => {
    const x = wasm();
    for (const [seed, n, r] of [[501, 1000, 1], [502, 1000, 30], [503, 50_000, 1e4], [504, 2, 0.5], [505, 3, 1e9]] as const) {
      const v = randomVector(seed, n);
      const y = allocF64(v);
      const w = allocF64(n);
      try {
        x.simplexThreshold(y.ptr, n, r, w.ptr);
        const ref = projectSimplexSortRef(v, r);
        expect(w.view()[0]).toBe(Math.max(...v));
        expect(w.view()[1]).toBe(ref.filter((q) => q > 0).length);
      } finally {
        y.free();
        w.free();
      }
    }
  });

  it('the SIMD final pass and the scalar final pass agree bit for bit', () => {
    const x = wasm();
    for (const n of [1, 2, 3, 16, 17, 1001]) {
      const v = allocF64(randomVector(200 + n, n));
      const w = allocF64(n);
      const a = allocF64(n);
      const b = allocF64(n);
      try {
        expect(x.projectSimplex(v.ptr, n, 1.5, w.ptr, a.ptr)).toBe(0);
        expect(x.projectSimplexScalar(v.ptr, n, 1.5, w.ptr, b.ptr)).toBe(0);
        expect(firstBitDifference(a.toArray(), b.toArray())).toBe(-1);
      } finally {
        [v, w, a, b].forEach((buf) => buf.free());
      }
    }
  });
});

describe('projectSimplexCondat (the bench\'s Condat-only baseline kernel)', () => {
  /** The kernel on v with radius r: its output and flag. */
  function condat(v: ArrayLike<number>, r: number): { out: Float64Array; flag: number } {
    const x = wasm();
    const n = v.length;
    const [y, w, o] = [allocF64(Float64Array.from(v)), allocF64(Math.max(1, n)), allocF64(Math.max(1, n))];
    try {
      const flag = x.projectSimplexCondat(y.ptr, n, r, w.ptr, o.ptr);
      return { out: o.toArray().slice(0, n), flag };
    } finally {
      [y, w, o].forEach((b) => b.free());
    }
  }

  it('equals the sort-based projection on seeded vectors (sparse and dense radii, sizes with every tail)', () => {
    const g = uniforms(77);
    for (let t = 0; t < 60; t++) {
      const n = 1 + Math.floor(g() * 700);
      const v = randomVector(900 + t, n).map((q) => q * (1 + 9 * g()));
      for (const r of [1e-3, 1, n / 4, 10 * n]) {
        const { out, flag } = condat(v, r);
        expect(flag).toBe(0);
        const ref = projectSimplexSortRef(v, r);
        const scale = Math.max(1, r, ...Array.from(v, Math.abs));
        for (let i = 0; i < n; i++) expect(Math.abs(out[i]! - ref[i]!)).toBeLessThanOrEqual(1e-12 * scale);
        expectKkt(Float64Array.from(v), out, r);
      }
    }
  });

  it('ties (all equal, repeated maxima, a tie at the threshold) and n = 1', () => {
    for (const [v, r] of [[[2, 2, 2, 2, 2], 1], [[3, 3, 1, 1, 0], 1], [[1, 1, 0.5, 0.5, 0.5, 0], 1], [[5, 5, 5, 4, 4, 4, 4], 3]] as const) {
      const { out } = condat(v, r);
      const ref = projectSimplexSortRef(Float64Array.from(v), r);
      const brute = projectByEnumeration([...v], r);
      for (let i = 0; i < v.length; i++) {
        expect(Math.abs(out[i]! - ref[i]!)).toBeLessThanOrEqual(1e-14);
        expect(Math.abs(out[i]! - brute[i]!)).toBeLessThanOrEqual(1e-14);
      }
    }
    expect(Array.from(condat([-123.5], 2).out)).toEqual([2]);
  });

  it('flags NaN and ±Inf', () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(condat([0.5, bad, 0.25, 1, 2], 1).flag).toBe(1);
  });
});

describe('projectSimplex edge cases', () => {
  it('n = 1 gives [radius]', () => {
    expect(Array.from(projectSimplex([-123.5]))).toEqual([1]);
    expect(Array.from(projectSimplex(new Float64Array([4]), 0.25))).toEqual([0.25]);
  });

  it('tiny and huge radii', () => {
    const v = randomVector(12, 1000);
    for (const r of [1e-300, 1e-12, 1e12, 1e300]) {
      const x = projectSimplex(v, r);
      expectKkt(v, x, r);
      expect(maxAbsDiff(x, projectSimplexSortRef(v, r))).toBeLessThanOrEqual(1e-12 * Math.max(1, r));
    }
    // A radius far above the spread of v puts mass on every coordinate.
    expect(projectSimplex(v, 1e12).every((q) => q > 0)).toBe(true);
  });

  it('a dominant coordinate takes all the mass, even a radius far below the entries\' magnitude', () => {
    expect(Array.from(projectSimplex([0, 100, 1, -5], 3))).toEqual([0, 3, 0, 0]);
    expect(Array.from(projectSimplex([1, 0.5, 0.75], 1e-300))).toEqual([1e-300, 0, 0]);
    expect(Array.from(projectSimplex([1e17, 1e17 - 16], 1))).toEqual([1, 0]);
  });

  it('writes into out, or in place in an F64Buffer', () => {
    const v = randomVector(13, 257);
    const out = new Float64Array(257);
    expect(projectSimplex(v, 1, out)).toBe(out);
    const buf = allocF64(v);
    const other = allocF64(257);
    try {
      // F64Buffer in, Float64Array out: the input stays as it was.
      expect(firstBitDifference(projectSimplex(buf), out)).toBe(-1);
      expect(buf.toArray()).toEqual(v);
      // F64Buffer in, another F64Buffer out (the kernel's scratch then shares the output).
      expect(projectSimplex(buf, 1, other)).toBe(other);
      expect(firstBitDifference(other.toArray(), out)).toBe(-1);
      // A Float64Array out holding old values is cleared where the result is zero.
      const dirty = new Float64Array(257).fill(7);
      expect(firstBitDifference(projectSimplex(v, 1, dirty), out)).toBe(-1);
      // In place.
      expect(projectSimplex(buf, undefined, buf)).toBe(buf);
      expect(firstBitDifference(buf.toArray(), out)).toBe(-1);
    } finally {
      buf.free();
      other.free();
    }
  });
});

describe('projectSimplex errors', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['radius below 0', () => projectSimplex([1, 2], -Number.MIN_VALUE), ParameterError, 'projectSimplex: radius must be >= 0 (got -5e-324)'],
    ['negative radius', () => projectSimplex([1, 2], -1), ParameterError, 'projectSimplex: radius must be >= 0 (got -1)'],
    ['NaN radius', () => projectSimplex([1, 2], NaN), ParameterError, 'projectSimplex: radius must be >= 0 (got NaN)'],
    ['infinite radius', () => projectSimplex([1, 2], Infinity), ParameterError, 'projectSimplex: radius must be finite (got Infinity)'],
    ['null radius', () => projectSimplex([1, 2], null as unknown as number), ParameterError, 'projectSimplex: radius must be >= 0 (got null)'],
    ['empty v', () => projectSimplex([]), ShapeError, 'projectSimplex: v must have length >= 1 (got 0)'],
    ['v an object', () => projectSimplex({ length: 2 } as unknown as number[]), ParameterError, 'projectSimplex: v must be a Float64Array, an array of numbers or an F64Buffer (got Object)'],
    ['out of another length', () => projectSimplex([1, 2], 1, new Float64Array(3)), ShapeError, 'projectSimplex: out must have length 2 (got 3)'],
    ['NaN in v', () => projectSimplex([0, NaN, 1]), NonFiniteError, 'projectSimplex: v must be finite (got NaN at index 1)'],
    ['+Inf in v', () => projectSimplex([Infinity, 0]), NonFiniteError, 'projectSimplex: v must be finite (got Infinity at index 0)'],
    ['-Inf in v', () => projectSimplex([0, 1, 2, -Infinity]), NonFiniteError, 'projectSimplex: v must be finite (got -Infinity at index 3)'],
  ];
  it.each(cases)('%s', (_name, call, type, message) => {
    const before = memoryStats().allocatedBytes;
    expect(call).toThrowError(type);
    expect(call).toThrowError(message);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(Array.from(projectSimplex([0, 3]))).toEqual([0, 1]); // still usable
  });

  it('reports non-finite input on the F64Buffer path too (the dense final pass)', () => {
    const bad = allocF64([1, 2, 3, 4, 5, Infinity, 6]);
    const out = allocF64(7);
    try {
      expect(() => projectSimplex(bad, 1, out)).toThrowError('projectSimplex: v must be finite (got Infinity at index 5)');
      expect(memoryStats().allocatedBytes).toBe(2 * 80);
    } finally {
      bad.free();
      out.free();
    }
  });
});
