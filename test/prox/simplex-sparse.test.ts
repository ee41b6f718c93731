// projectSimplex's one-pass sparse path (the kernel simplexSparse): its support and entries against
// the general path (simplexThreshold + shiftPositive over all of y, taken with an F64Buffer out) bit
// for bit, and against the sort-based projection; non-finite entries wherever they hide; the cases it
// hands back to the general path.
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, allocF64, init, memoryStats, projectSimplex } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, randomVector, uniforms } from '../helpers.js';
import { projectSimplexSortRef } from './reference.js';

beforeAll(() => init());

/** The general path: the dense final pass into an F64Buffer (never the sparse kernel). */
function generalPath(v: Float64Array, r: number): Float64Array {
  const buf = allocF64(v);
  const out = allocF64(v.length);
  try {
    return projectSimplex(buf, r, out).toArray();
  } finally {
    buf.free();
    out.free();
  }
}

/** Inputs of several kinds: normal, uniform, integers with many ties, increasing (a restart at every step), decreasing, constant. */
function inputs(seed: number, n: number): Float64Array[] {
  const u = uniforms(seed);
  return [
    randomVector(seed, n),
    Float64Array.from({ length: n }, () => u()),
    Float64Array.from({ length: n }, () => Math.floor(10 * u())),
    Float64Array.from({ length: n }, (_, i) => i / n),
    Float64Array.from({ length: n }, (_, i) => -i),
    new Float64Array(n).fill(2.5),
  ];
}

describe('simplexSparse (projectSimplex with a Float64Array result)', () => {
  it('returns the support of the general path, in increasing order, with its entries bit for bit, or -2', () => {
    const x = wasm();
    let decided = 0;
    let undecided = 0;
    for (const n of [1, 2, 3, 5, 8, 9, 37, 1000, 4099, 100_000]) {
      for (const [k, v] of inputs(40 + n, n).entries()) {
        for (const r of [0, 1e-300, 1, 7.5, n / 8, n]) {
          const want = generalPath(v, r);
          const [y, w] = [allocF64(v), allocF64(n)];
          const idx = allocF64(Math.ceil(n / 2));
          try {
            const cap = n >> 3;
            const count = x.simplexSparse(y.ptr, n, r, w.ptr, idx.ptr, cap);
            expect(count).toBeGreaterThanOrEqual(-2);
            expect(count).not.toBe(-1);
            const support = want.reduce((c, q) => c + (q > 0 ? 1 : 0), 0);
            if (count === -2) {
              undecided++;
              continue;
            }
            decided++;
            expect(count).toBe(support);
            expect(count).toBeLessThanOrEqual(cap);
            const at = new Int32Array(x.memory.buffer, idx.ptr, count).slice();
            const val = new Float64Array(x.memory.buffer, w.ptr, count).slice();
            const got = new Float64Array(n);
            for (let j = 0; j < count; j++) {
              if (j > 0) expect(at[j]!).toBeGreaterThan(at[j - 1]!);
              got[at[j]!] = val[j]!;
            }
            expect(firstBitDifference(got, want), `n = ${n}, input ${k}, radius ${r}`).toBe(-1);
          } finally {
            y.free();
            w.free();
            idx.free();
          }
        }
      }
    }
    // a sparse result on normal data (the bench's case) is decided in the one pass
    expect(decided).toBeGreaterThan(100);
    expect(undecided).toBeGreaterThan(20); // dense radii and results wider than n/8 went to the general path
  });

  it('the public result with and without the one-pass path agree bit for bit, and match the sort-based projection', () => {
    for (const n of [7, 1000, 100_000]) {
      for (const v of inputs(90 + n, n)) {
        for (const r of [1, 0.01, n / 4]) {
          const got = projectSimplex(v, r);
          expect(firstBitDifference(got, generalPath(v, r))).toBe(-1);
          const ref = projectSimplexSortRef(v, r);
          let worst = 0; // the largest error relative to the scale of its entry
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / Math.max(1, r, Math.abs(v[i]!)));
          expect(worst).toBeLessThanOrEqual(1e-12);
        }
      }
    }
  });

  it('finds NaN and ±Infinity in skipped blocks, walked blocks, the first entry and the tail', () => {
    const x = wasm();
    const n = 100_003;
    const base = randomVector(7, n);
    const before = memoryStats().allocatedBytes;
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 1, 2, 32_768, 32_769, 50_001, 65_537, 99_999, n - 1]) { // incl. the streamed blocks' edges
        const v = base.slice();
        v[at] = bad;
        const [y, w, idx] = [allocF64(v), allocF64(n), allocF64(Math.ceil(n / 2))];
        try {
          const count = x.simplexSparse(y.ptr, n, 1, w.ptr, idx.ptr, n >> 3);
          expect(count, `${bad} at ${at}`).toBe(-1);
        } finally {
          y.free();
          w.free();
          idx.free();
        }
        let caught: unknown;
        try {
          projectSimplex(v, 1);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(NonFiniteError);
        expect((caught as NonFiniteError).index).toBe(at);
      }
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('streamed: simplexSparseRows over blocks ending at 1 + 4k, then simplexSparseFinish, equals one simplexSparse call; the public streamed path (Float64Array, plain array, Float32Array) equals the general path and finds non-finite entries at the blocks\' edges', () => {
    const x = wasm();
    for (const n of [9, 1000, 70_001]) {
      for (const [k, v] of inputs(300 + n, n).entries()) {
        const [y, w1, i1b, w2, i2b, st] = [allocF64(v), allocF64(n), allocF64(Math.ceil(n / 2)), allocF64(n), allocF64(Math.ceil(n / 2)), allocF64(8)];
        try {
          const cap = n >> 3;
          const whole = x.simplexSparse(y.ptr, n, 1, w1.ptr, i1b.ptr, cap);
          let got = 0;
          let i0 = 0;
          for (let b = 0; i0 < n && got === 0; b++) {
            const i1 = Math.min(n, 1 + 4 * (Math.floor(i0 / 4) + [1, 3, 250, 7][b % 4]!));
            got = x.simplexSparseRows(y.ptr + 8 * i0, i0, i1, 1, w2.ptr, i2b.ptr, cap, st.ptr);
            i0 = i1;
          }
          if (got === 0) got = x.simplexSparseFinish(n, 1, w2.ptr, i2b.ptr, cap, st.ptr);
          expect(got, `n = ${n}, input ${k}`).toBe(whole);
          if (whole > 0) {
            expect(Array.from(new Int32Array(x.memory.buffer, i2b.ptr, whole))).toEqual(Array.from(new Int32Array(x.memory.buffer, i1b.ptr, whole)));
            expect(firstBitDifference(w2.toArray().subarray(0, whole), w1.toArray().subarray(0, whole))).toBe(-1);
          }
        } finally {
          for (const b of [y, w1, i1b, w2, i2b, st]) b.free();
        }
      }
    }
    // the public path streams a v longer than 131072 entries through a 32768-entry buffer (first block 1025)
    for (const n of [131_073, 200_003]) {
      const v = randomVector(17 + n, n);
      for (const r of [1, 30, n / 4]) {
        const want = generalPath(v, r);
        expect(firstBitDifference(projectSimplex(v, r), want)).toBe(-1);
        expect(firstBitDifference(projectSimplex(Array.from(v), r), want)).toBe(-1);
      }
      const f32 = new Float32Array(v);
      expect(firstBitDifference(projectSimplex(f32, 1), generalPath(Float64Array.from(f32), 1))).toBe(-1);
      const before = memoryStats().allocatedBytes;
      for (const bad of [NaN, -Infinity]) {
        for (const at of [0, 1024, 1025, 33_792, 33_793, n - 1]) {
          const u = v.slice();
          u[at] = bad;
          expect(() => projectSimplex(u, 1), `${bad} at ${at}`).toThrowError(`projectSimplex: v must be finite (got ${bad} at index ${at})`);
        }
      }
      expect(memoryStats().allocatedBytes).toBe(before);
    }
  });
});
