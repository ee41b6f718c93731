// sinkhorn's f32 path builds K and the plan block by block from copies of M's rows (runScalingF32):
// these tests hold it to the whole-matrix kernels (otGibbsF32x4, otKtuF32x4, otStepF32x4, otPlanF32x2,
// themselves checked against f64 sums and plain TS in f32.test.ts) bit for bit, on shapes where the
// blocks split KTU_BLOCK's 32-row groups, end mid-quad, or hold a single row; and the summation order
// of otKtuF32x4 against a plain-TS emulation with Math.fround.
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, allocF64, init, memoryStats, sinkhorn, sinkhorn2, type F64Buffer } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, uniforms } from '../helpers.js';

beforeAll(() => init());

function problem(seed: number, n: number, m: number): { a: Float64Array; b: Float64Array; M: Float64Array } {
  const g = uniforms(seed);
  const h = (k: number): Float64Array => {
    const w = Float64Array.from({ length: k }, () => 0.2 + g());
    const t = w.reduce((s, x) => s + x, 0);
    return w.map((x) => x / t);
  };
  return { a: h(n), b: h(m), M: Float64Array.from({ length: n * m }, () => 3 * g()) };
}

/** sinkhorn's f32 iteration run with the whole-matrix kernels on M placed whole: plan, cost, u, v. */
function wholeMatrix(a: Float64Array, b: Float64Array, M: Float64Array, reg: number, iterations: number): { plan: Float32Array; cost: number; u: Float64Array; v: Float64Array } {
  const x = wasm('test');
  const n = a.length;
  const m = b.length;
  const bufs: F64Buffer[] = [];
  const buf = (d: number | Float64Array): F64Buffer => {
    const r = allocF64(d);
    bufs.push(r);
    return r;
  };
  try {
    const [Mb, ab, bb, K, u, v, w, sc, P] = [buf(M), buf(a), buf(b), buf(Math.ceil((n * m) / 2)), buf(new Float64Array(n).fill(1 / n)), buf(new Float64Array(m).fill(1 / m)), buf(m), buf(Math.ceil((n + 2 * m) / 2)), buf(n * m)];
    expect(x.otGibbsF32x4(Mb.ptr, n * m, reg, K.ptr)).toBe(0);
    x.otKtuF32x4(K.ptr, n, m, u.ptr, sc.ptr, w.ptr);
    for (let it = 0; it < iterations; it++) {
      expect(x.otScale(bb.ptr, w.ptr, m, v.ptr)).toBe(0);
      expect(x.otStepF32x4(K.ptr, n, m, ab.ptr, v.ptr, sc.ptr, u.ptr, w.ptr)).toBe(0);
    }
    const cost = x.otPlanF32x2(K.ptr, Mb.ptr, n, m, u.ptr, v.ptr, P.ptr);
    return { plan: new Float32Array(x.memory.buffer, P.ptr, n * m).slice(), cost, u: u.toArray(), v: v.toArray() };
  } finally {
    for (const b of bufs) b.free();
  }
}

describe("sinkhorn(…, { precision: 'f32' }): K and the plan built block by block", () => {
  // (n, m): 32-row groups split by the blocks (m = 3001: 10 rows per block), one row per block
  // (m > 32768), n not a multiple of the block (m = 1000: 32 rows), tails of every length mod 4 / mod 8.
  for (const [n, m, seed] of [[37, 23, 1], [70, 3001, 2], [3, 40001, 3], [100, 1000, 4], [45, 1030, 5], [1, 1, 6]] as const) {
    it(`n = ${n}, m = ${m}: plan, cost, u and v equal the whole-matrix kernels bit for bit`, () => {
      const { a, b, M } = problem(seed, n, m);
      const reg = 0.3;
      const iterations = 7;
      const want = wholeMatrix(a, b, M, reg, iterations);
      const got = sinkhorn(a, b, M, { reg, precision: 'f32', maxIter: iterations, tol: 0 });
      expect(got.method).toBe('sinkhorn');
      expect(got.iterations).toBe(iterations);
      expect(firstBitDifference(got.plan, want.plan)).toBe(-1);
      expect(got.cost).toBe(want.cost);
      expect(firstBitDifference(got.u!, want.u)).toBe(-1);
      expect(firstBitDifference(got.v!, want.v)).toBe(-1);
      expect(sinkhorn2(a, b, M, { reg, precision: 'f32', maxIter: iterations, tol: 0 }).cost).toBe(want.cost);
    });
  }

  it('M as a plain array, a Float32Array, an F64Buffer (read in place), rows or { data, rows, cols }: the same bits', () => {
    const n = 40;
    const m = 900;
    const { a, b, M: M0 } = problem(11, n, m);
    const M = M0.map((x) => Math.fround(x)); // exact in f32 too, so the Float32Array form holds the same values
    const o = { reg: 0.25, precision: 'f32' as const, maxIter: 5, tol: 0 };
    const ref = sinkhorn(a, b, M, o);
    const Mb = allocF64(M);
    try {
      const forms: unknown[] = [
        Array.from(M),
        new Float32Array(M),
        Mb,
        Array.from({ length: n }, (_, i) => M.subarray(i * m, (i + 1) * m)),
        { data: M, rows: n, cols: m },
        { data: Mb, rows: n, cols: m },
      ];
      for (const form of forms) {
        const r = sinkhorn(a, b, form as Float64Array, o);
        expect(firstBitDifference(r.plan, ref.plan)).toBe(-1);
        expect(r.cost).toBe(ref.cost);
      }
    } finally {
      Mb.free();
    }
  });

  it("holds K (4 bytes per entry) and two blocks in WASM memory, not a copy of M or of the plan; f64 holds M, K and the plan", () => {
    const n = 512;
    const m = 512;
    const { a, b, M } = problem(12, n, m);
    const before = memoryStats().allocatedBytes;
    let peak32 = 0;
    let peak64 = 0;
    sinkhorn(a, b, M, { reg: 0.3, precision: 'f32', maxIter: 3, checkEvery: 1, tol: 0, onProgress: () => { peak32 = Math.max(peak32, memoryStats().allocatedBytes - before); } });
    sinkhorn(a, b, M, { reg: 0.3, maxIter: 3, checkEvery: 1, tol: 0, onProgress: () => { peak64 = Math.max(peak64, memoryStats().allocatedBytes - before); } });
    expect(peak32).toBeGreaterThanOrEqual(4 * n * m);
    expect(peak32).toBeLessThan(4 * n * m + 2 * 8 * 32768 + 64 * 1024); // K, M's block, the plan's block, vectors
    expect(peak64).toBeGreaterThan(3 * 8 * n * m);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('a NaN or ±Infinity in the last block of M is a NonFiniteError naming its index; memory is released', () => {
    const n = 70;
    const m = 1000;
    const { a, b, M } = problem(13, n, m);
    const before = memoryStats().allocatedBytes;
    for (const bad of [NaN, Infinity, -Infinity]) {
      const Mx = M.slice();
      Mx[n * m - 2] = bad;
      let caught: unknown;
      try {
        sinkhorn(a, b, Mx, { reg: 0.3, precision: 'f32' });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(NonFiniteError);
      expect((caught as NonFiniteError).index).toBe(n * m - 2);
      expect((caught as Error).message).toBe(`sinkhorn: M must be finite (got ${bad} at index ${n * m - 2})`);
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('f32 kernels: summation order', () => {
  /** otKtuF32x4 in plain TS: per block of 32 rows, per column an f32 running sum of fl32(K_ij · fl32(u_i)) in row order, blocks added in f64; the last m mod 4 columns in f64. */
  function ktuEmulated(K: Float32Array, n: number, m: number, u: Float64Array): Float64Array {
    const m4 = m & ~3;
    const w = new Float64Array(m);
    for (let i0 = 0; i0 < n; i0 += 32) {
      const acc = new Float32Array(m4);
      for (let i = i0; i < Math.min(n, i0 + 32); i++) {
        const ui = Math.fround(u[i]!);
        for (let j = 0; j < m4; j++) acc[j] = Math.fround(acc[j]! + Math.fround(K[i * m + j]! * ui));
      }
      for (let j = 0; j < m4; j++) w[j] = w[j]! + acc[j]!;
    }
    for (let j = m4; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += K[i * m + j]! * u[i]!;
      w[j] = s;
    }
    return w;
  }

  for (const [n, m] of [[37, 23], [70, 36], [65, 44], [5, 301], [1, 9]] as const) {
    it(`n = ${n}, m = ${m}: otKtuF32x4 equals the plain-TS emulation, and otGibbsKtuRowsF32x4 over uneven row ranges equals otGibbsF32x4 + otKtuF32x4`, () => {
      const x = wasm('test');
      const g = uniforms(100 + n + m);
      const M = Float64Array.from({ length: n * m }, () => 3 * g());
      const u = Float64Array.from({ length: n }, () => 0.1 + g());
      const [Mb, ub, K1, K2, w1, w2, sc] = [allocF64(M), allocF64(u), allocF64(Math.ceil((n * m) / 2)), allocF64(Math.ceil((n * m) / 2)), allocF64(m), allocF64(m), allocF64(n + m)];
      try {
        expect(x.otGibbsF32x4(Mb.ptr, n * m, 0.5, K1.ptr)).toBe(0);
        x.otKtuF32x4(K1.ptr, n, m, ub.ptr, sc.ptr, w1.ptr);
        const K = new Float32Array(x.memory.buffer, K1.ptr, n * m).slice();
        expect(firstBitDifference(w1.toArray(), ktuEmulated(K, n, m, u))).toBe(-1);
        // row ranges of 1, 3, 6, 2, 7, … rows: ranges end mid-quad and mid-group of 32
        let i0 = 0;
        for (let k = 0; i0 < n; k++) {
          const i1 = Math.min(n, i0 + [1, 3, 6, 2, 7, 33, 4][k % 7]!);
          expect(x.otGibbsKtuRowsF32x4(Mb.ptr + 8 * i0 * m, i0, i1, n, m, 0.5, K2.ptr, ub.ptr, sc.ptr, w2.ptr)).toBe(0);
          i0 = i1;
        }
        const K2v = new Float32Array(x.memory.buffer, K2.ptr, n * m);
        expect(firstBitDifference(Float64Array.from(K2v), Float64Array.from(K))).toBe(-1);
        expect(firstBitDifference(w2.toArray(), w1.toArray())).toBe(-1);
      } finally {
        for (const b of [Mb, ub, K1, K2, w1, w2, sc]) b.free();
      }
    });
  }
});
