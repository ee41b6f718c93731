import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, allocF64, costMatrix, init, memoryStats, sinkhorn, sinkhorn2 } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, uniforms } from '../helpers.js';
import { marginals, relDiff } from './reference.js';

beforeAll(() => init());

/** float32 unit roundoff: fl32(x) = x(1 + δ), |δ| ≤ U32. */
const U32 = 2 ** -24;

function cloud(seed: number, n: number, m: number): { a: Float64Array; b: Float64Array; M: Float64Array } {
  const u = uniforms(seed);
  const X = Float64Array.from({ length: 2 * n }, () => u());
  const Y = Float64Array.from({ length: 2 * m }, () => u());
  const h = (k: number): Float64Array => {
    const w = Float64Array.from({ length: k }, () => 0.2 + u());
    const t = w.reduce((s, x) => s + x, 0);
    return w.map((x) => x / t);
  };
  return { a: h(n), b: h(m), M: costMatrix(X, Y, { dim: 2 }) };
}

/** The f32 Gibbs kernel as the WASM kernel stores it, read back (f64 copies of the f32 values). */
function gibbsF32(M: Float64Array, reg: number): Float64Array {
  const x = wasm('test');
  const Mb = allocF64(M);
  const Kb = allocF64(Math.ceil(M.length / 2));
  try {
    expect(x.otGibbsF32(Mb.ptr, M.length, reg, Kb.ptr)).toBe(0);
    return Float64Array.from(new Float32Array(x.memory.buffer, Kb.ptr, M.length));
  } finally {
    Mb.free();
    Kb.free();
  }
}

describe('f32 kernels against plain-TS loops from the definitions', () => {
  // n = 37 (4-row blocks + 1), m = 23 (16-column chunks + 7; quads + 3): every tail.
  const n = 37;
  const m = 23;
  const g = uniforms(5);
  const M = Float64Array.from({ length: n * m }, () => 3 * g());
  const reg = 0.3;

  it('otGibbsF32: exp(−M/reg) rounded to f32 (within one f32 ulp of JS exp, which may differ in its last f64 bit)', () => {
    const K = gibbsF32(M, reg);
    for (let k = 0; k < M.length; k++) {
      const want = Math.fround(Math.exp(-M[k]! / reg));
      expect(Math.abs(K[k]! - want)).toBeLessThanOrEqual(2 * U32 * want);
      expect(Math.fround(K[k]!)).toBe(K[k]!); // an f32 value
    }
    expect(() => gibbsF32(Float64Array.from([1, NaN]), 1)).toThrow(); // flag 1 for NaN
  });

  it('otKvF32 / otKtuF32 / otPlanF32: the same bits as plain TS summing in the documented order (f64 sums of f32 K)', () => {
    const x = wasm('test');
    const K = gibbsF32(M, reg);
    const u = Float64Array.from({ length: n }, () => g());
    const v = Float64Array.from({ length: m }, () => g());
    const Mb = allocF64(M);
    const Kb = allocF64(Math.ceil((n * m) / 2));
    const [ub, vb, kvb, ktub, Pb] = [allocF64(u), allocF64(v), allocF64(n), allocF64(m), allocF64(n * m)];
    try {
      x.otGibbsF32(Mb.ptr, n * m, reg, Kb.ptr);
      x.otKvF32(Kb.ptr, n, m, vb.ptr, kvb.ptr);
      x.otKtuF32(Kb.ptr, n, m, ub.ptr, ktub.ptr);
      const cost = x.otPlanF32(Kb.ptr, Mb.ptr, n, m, ub.ptr, vb.ptr, Pb.ptr);
      const kv = Float64Array.from({ length: n }, (_, i) => {
        const l = [0, 0, 0, 0]; // lanes j ≡ 0, 1, 2, 3 (mod 4)
        const m4 = m - (m % 4);
        for (let j = 0; j < m4; j++) l[j % 4] = l[j % 4]! + K[i * m + j]! * v[j]!;
        let t = (l[0]! + l[2]!) + (l[1]! + l[3]!);
        for (let j = m4; j < m; j++) t += K[i * m + j]! * v[j]!;
        return t;
      });
      const ktu = new Float64Array(m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ktu[j] = ktu[j]! + K[i * m + j]! * u[i]!;
      expect(firstBitDifference(kvb.toArray(), kv)).toBe(-1);
      expect(firstBitDifference(ktub.toArray(), ktu)).toBe(-1);
      let c = 0;
      const P = new Float64Array(n * m);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) {
          P[i * m + j] = u[i]! * K[i * m + j]! * v[j]!;
          s += P[i * m + j]! * M[i * m + j]!;
        }
        c += s;
      }
      expect(firstBitDifference(Pb.toArray(), P)).toBe(-1);
      expect(cost).toBe(c);
    } finally {
      for (const b of [Mb, Kb, ub, vb, kvb, ktub, Pb]) b.free();
    }
  });
});

describe('otKtuF32 over several row blocks', () => {
  it('n = 1800, m = 40 (rowBlock 1638: two blocks): bit for bit the in-order f64 sum of the f32 entries', () => {
    const x = wasm('test');
    const n = 1800;
    const m = 40;
    const g = uniforms(13);
    const M = Float64Array.from({ length: n * m }, () => 2 * g());
    const K = gibbsF32(M, 0.5);
    const u = Float64Array.from({ length: n }, () => g());
    const [Mb, Kb, ub, wb] = [allocF64(M), allocF64((n * m) / 2), allocF64(u), allocF64(m)];
    try {
      x.otGibbsF32(Mb.ptr, n * m, 0.5, Kb.ptr);
      x.otKtuF32(Kb.ptr, n, m, ub.ptr, wb.ptr);
      const w = new Float64Array(m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) w[j] = w[j]! + K[i * m + j]! * u[i]!;
      expect(firstBitDifference(wb.toArray(), w)).toBe(-1);
    } finally {
      for (const b of [Mb, Kb, ub, wb]) b.free();
    }
  });
});

describe("sinkhorn(…, { precision: 'f32' })", () => {
  for (const [seed, reg] of [[3, 0.5], [4, 0.1], [5, 0.02]] as const) {
    it(`reg ${reg}: plan within 4·2⁻²⁴ per entry of the f64 plan, marginals still to tol`, () => {
      // K' = K(1 + δ), |δ| ≤ 2⁻²⁴, is the kernel of the cost M' = M − reg·log(1 + δ). The plan
      // P = exp((f + g − M)/reg) then moves by |δ_ij| plus the shift of the potentials, each of which
      // moves by at most ‖M' − M‖∞/reg = 2⁻²⁴ in the entropic dual: |Δ log P_ij| ≤ 3·2⁻²⁴, plus the
      // stopping slack (marginal error < 1e-12 against entries ~1e-4): 4·2⁻²⁴ bounds it. Measured ≤ 2.4·2⁻²⁴.
      const n = 60;
      const m = 45;
      const { a, b, M } = cloud(seed, n, m);
      const o = { reg, tol: 1e-12, maxIter: 100000 };
      const before = memoryStats().allocatedBytes;
      const p64 = sinkhorn(a, b, M, o);
      const p32 = sinkhorn(a, b, M, { ...o, precision: 'f32' });
      expect([p32.method, p32.converged, p64.converged]).toEqual(['sinkhorn', true, true]);
      let e = 0;
      for (let k = 0; k < n * m; k++) e = Math.max(e, Math.abs(p32.plan[k]! - p64.plan[k]!) / p64.plan[k]!);
      expect(e).toBeLessThan(4 * U32);
      expect(e).toBeGreaterThan(0); // really another kernel
      // The f32 plan's own marginal errors: rows exact up to f64 rounding, columns below tol.
      const { rows, cols } = marginals(p32.plan, n, m);
      let er = 0;
      let ec = 0;
      for (let i = 0; i < n; i++) er = Math.max(er, Math.abs(rows[i]! - a[i]!));
      for (let j = 0; j < m; j++) ec += (cols[j]! - b[j]!) ** 2;
      expect(er).toBeLessThan(1e-15);
      expect(Math.sqrt(ec)).toBeLessThan(1e-12);
      expect(p32.marginalError).toBeLessThan(1e-12);
      expect(Math.abs(p32.cost - p64.cost) / p64.cost).toBeLessThan(4 * U32);
      expect(sinkhorn2(a, b, M, { ...o, precision: 'f32' }).cost).toBe(p32.cost);
      expect(memoryStats().allocatedBytes).toBe(before);
    });
  }

  it("is the f64 iteration for the cost M' = −reg·log K' (K' the f32 kernel), up to f64 rounding of exp/log", () => {
    const { a, b, M } = cloud(8, 30, 33);
    const reg = 0.05;
    const K = gibbsF32(M, reg);
    const Mp = K.map((k) => -reg * Math.log(k));
    const o = { reg, tol: 0, maxIter: 200, checkEvery: 200 };
    const p32 = sinkhorn(a, b, M, { ...o, precision: 'f32' });
    const p64 = sinkhorn(a, b, Mp, o);
    // exp(−M'/reg) in WASM vs K': a few f64 ulps per entry, amplified by the 200 iterations to ~1e-13.
    expect(relDiff(p32.plan, p64.plan)).toBeLessThan(1e-11);
    expect(relDiff(p32.u!, p64.u!)).toBeLessThan(1e-11);
  });

  it("falls back to 'log' where the f32 kernel underflows (M/reg > ~103) though the f64 one does not", () => {
    const n = 8;
    const a = new Float64Array(n).fill(1 / n);
    const M = Float64Array.from({ length: n * n }, (_, k) => ((Math.floor(k / n) - (k % n) + n) % n === 0 ? 0 : 1));
    const far = M.map((x) => x * 3);
    // reg 0.02: exp(−150) is 7e-66 in f64 but 0 in f32, so K' = I and an off-diagonal b is infeasible for it.
    const b = Float64Array.from({ length: n }, (_, j) => (j < n / 2 ? 2 / n : 0));
    const o = { reg: 0.02, maxIter: 500 };
    const p64 = sinkhorn(a, b, far, o);
    const p32 = sinkhorn(a, b, far, { ...o, precision: 'f32' });
    expect(p64.method).toBe('sinkhorn');
    expect(p32.method).toBe('log');
    expect(p32.warning).toMatch(/^sinkhorn: method 'sinkhorn' under\/overflowed/);
    expect(relDiff(p32.plan, sinkhorn(a, b, far, { ...o, method: 'log' }).plan)).toBe(0);
  });

  it('typed errors', () => {
    const { a, b, M } = cloud(1, 4, 4);
    const before = memoryStats().allocatedBytes;
    expect(() => sinkhorn(a, b, M, { reg: 1, precision: 'f16' as 'f32' })).toThrow(ParameterError);
    expect(() => sinkhorn(a, b, M, { reg: 1, precision: 'f16' as 'f32' })).toThrow('sinkhorn: options.precision must be \'f64\' or \'f32\' (got "f16")');
    expect(() => sinkhorn2(a, b, M, { reg: 1, precision: 'f32', method: 'log' })).toThrow('sinkhorn2: options.method must be \'sinkhorn\' when options.precision is \'f32\' (got "log")');
    const bad = M.slice();
    bad[3] = NaN;
    expect(() => sinkhorn(a, b, bad, { reg: 1, precision: 'f32' })).toThrow(NonFiniteError);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
