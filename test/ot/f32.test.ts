import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, allocF64, barycenter, costMatrix, init, memoryStats, sinkhorn, sinkhorn2 } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, uniforms } from '../helpers.js';
import { marginals } from './reference.js';

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

/** The f32 Gibbs kernel built by otGibbsF32x4 (the kernel sinkhorn's f32 path builds K with). */
function gibbsF32x4(M: Float64Array, reg: number): Float32Array {
  const x = wasm('test');
  const Mb = allocF64(M);
  const Kb = allocF64(Math.ceil(M.length / 2));
  try {
    expect(x.otGibbsF32x4(Mb.ptr, M.length, reg, Kb.ptr)).toBe(0);
    return new Float32Array(x.memory.buffer, Kb.ptr, M.length).slice();
  } finally {
    Mb.free();
    Kb.free();
  }
}

describe('f32x4 kernels (the f32 path of sinkhorn) against f64 sums of the same f32 inputs', () => {
  /** The documented entrywise bounds: K v lanes sum 16 terms, Kᵀu lanes 32 (+2 for the input and product roundings). */
  const KV_BOUND = 18 * U32;
  const KTU_BOUND = 34 * U32;
  for (const [n, m, seed] of [[37, 23, 21], [70, 133, 22], [5, 300, 23], [260, 9, 24], [1, 1, 25]] as const) {
    it(`n = ${n}, m = ${m}: K v and Kᵀu within their bounds, the fused step equals the separate kernels bit for bit, the plan equals plain TS`, () => {
      const x = wasm('test');
      const g = uniforms(seed);
      const M = Float64Array.from({ length: n * m }, () => 4 * g());
      const reg = 0.4;
      const K = Float64Array.from(gibbsF32x4(M, reg));
      const a = Float64Array.from({ length: n }, () => 0.1 + g());
      const u = Float64Array.from({ length: n }, () => 0.1 + g());
      const v = Float64Array.from({ length: m }, () => 0.1 + g());
      const [Mb, Kb, ab, ub, vb, kvb, ktub, sb, u2, w2, Pb] = [allocF64(M), allocF64(Math.ceil((n * m) / 2)), allocF64(a), allocF64(u), allocF64(v), allocF64(n), allocF64(m), allocF64(n + 2 * m), allocF64(n), allocF64(m), allocF64(n * m)];
      try {
        x.otGibbsF32x4(Mb.ptr, n * m, reg, Kb.ptr);
        x.otKvF32x4(Kb.ptr, n, m, vb.ptr, sb.ptr, kvb.ptr);
        x.otKtuF32x4(Kb.ptr, n, m, ub.ptr, sb.ptr, ktub.ptr);
        const kv = kvb.toArray();
        const ktu = ktub.toArray();
        for (let i = 0; i < n; i++) {
          let t = 0;
          for (let j = 0; j < m; j++) t += K[i * m + j]! * v[j]!;
          expect(Math.abs(kv[i]! - t)).toBeLessThanOrEqual(KV_BOUND * t);
        }
        for (let j = 0; j < m; j++) {
          let t = 0;
          for (let i = 0; i < n; i++) t += K[i * m + j]! * u[i]!;
          expect(Math.abs(ktu[j]! - t)).toBeLessThanOrEqual(KTU_BOUND * t);
        }
        // fused: u = a ⊘ K v, then w = Kᵀ u: the same bits as the kernels one after the other
        expect(x.otStepF32x4(Kb.ptr, n, m, ab.ptr, vb.ptr, sb.ptr, u2.ptr, w2.ptr)).toBe(0);
        const uNew = Float64Array.from(kv, (k, i) => a[i]! / k);
        expect(firstBitDifference(u2.toArray(), uNew)).toBe(-1);
        const ub2 = allocF64(uNew);
        x.otKtuF32x4(Kb.ptr, n, m, ub2.ptr, sb.ptr, ktub.ptr);
        ub2.free();
        expect(firstBitDifference(w2.toArray(), ktub.toArray())).toBe(-1);
        // plan: (u_i·K_ij)·v_j in f64, stored rounded to f32; cost summed over the f64 products per row
        // over column pairs, lanes added, the odd column last
        const cost = x.otPlanF32x2(Kb.ptr, Mb.ptr, n, m, ub.ptr, vb.ptr, Pb.ptr);
        const P = new Float64Array(n * m);
        let c = 0;
        for (let i = 0; i < n; i++) {
          const l = [0, 0];
          for (let j = 0; j < m; j++) {
            P[i * m + j] = u[i]! * K[i * m + j]! * v[j]!;
            if (j < m - (m % 2)) l[j % 2] = l[j % 2]! + P[i * m + j]! * M[i * m + j]!;
          }
          let t = l[0]! + l[1]!;
          if (m % 2 === 1) t += P[i * m + m - 1]! * M[i * m + m - 1]!;
          c += t;
        }
        expect(firstBitDifference(new Float32Array(x.memory.buffer, Pb.ptr, n * m).slice(), Float32Array.from(P))).toBe(-1);
        expect(cost).toBe(c);
        expect(x.otPlanF32x2(Kb.ptr, Mb.ptr, n, m, ub.ptr, vb.ptr, 0)).toBe(c); // cost only
      } finally {
        for (const b of [Mb, Kb, ab, ub, vb, kvb, ktub, sb, u2, w2, Pb]) b.free();
      }
    });
  }

  it('otStepF32x4 flags a non-finite u (K v = 0 where a > 0) and keeps u = 0 where a = 0', () => {
    const x = wasm('test');
    const [Kb, ab, vb, sb, ub, wb] = [allocF64(4), allocF64([1, 0, 1, 1]), allocF64([1, 1]), allocF64(8), allocF64(4), allocF64(2)];
    try {
      new Float32Array(x.memory.buffer, Kb.ptr, 8).set([1, 1, 0, 0, 0, 0, 1, 1]);
      expect(x.otStepF32x4(Kb.ptr, 4, 2, ab.ptr, vb.ptr, sb.ptr, ub.ptr, wb.ptr)).toBe(1); // row 2: 1 / 0
      ab.view().set([1, 0, 0, 1]);
      expect(x.otStepF32x4(Kb.ptr, 4, 2, ab.ptr, vb.ptr, sb.ptr, ub.ptr, wb.ptr)).toBe(0);
      expect(Array.from(ub.view())).toEqual([0.5, 0, 0, 0.5]);
      expect(Array.from(wb.view())).toEqual([1, 1]); // Kᵀu with K = [[1, 1], [0, 0], [0, 0], [1, 1]]
    } finally {
      for (const b of [Kb, ab, vb, sb, ub, wb]) b.free();
    }
  });

  it('otGibbsF32x4: within 2 f32 ulp of fl32(exp(−M/reg)) over the whole f32 range, 0 below it, +∞ above; flags NaN/±Inf', () => {
    const x = wasm('test');
    const g = uniforms(31);
    // t = −M/reg over [−110, 90]: normal, subnormal and zero f32 results; lengths not multiples of 4
    for (const len of [1, 2, 3, 5, 4099]) {
      const M = Float64Array.from({ length: len }, () => -90 + 200 * g());
      const K = Float64Array.from(gibbsF32x4(M, 1));
      for (let k = 0; k < len; k++) {
        const want = Math.fround(Math.exp(-M[k]!));
        const ulp = want === 0 ? 2 ** -149 : Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(want)) - 23));
        if (K[k] !== want) expect(Math.abs(K[k]! - want)).toBeLessThanOrEqual(2 * ulp); // (+∞ = +∞ above the range)
      }
    }
    expect(Array.from(gibbsF32x4(Float64Array.from([0, 1e4, -1e4, 1e300, -1e300]), 1))).toEqual([1, 0, Infinity, 0, Infinity]);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const Mb = allocF64([0, 1, 2, 3, bad]);
      const Kb = allocF64(3);
      try {
        expect(x.otGibbsF32x4(Mb.ptr, 5, 1, Kb.ptr)).toBe(1);
      } finally {
        Mb.free();
        Kb.free();
      }
    }
  });
});

describe("sinkhorn(…, { precision: 'f32' })", () => {
  for (const [seed, reg] of [[3, 0.5], [4, 0.1], [5, 0.02]] as const) {
    it(`reg ${reg}: plan within 1e-5 relative per entry of the f64 plan, the returned plan's marginals within 1e-6 relative`, () => {
      // Each mat-vec entry is within 34·2⁻²⁴ ≈ 2e-6 relative of the exact one (all terms ≥ 0), and the
      // kernel within 2 ulp: the converged scalings move by about that much, the plan entries by a few
      // times it. Measured ≤ 7e-7 (reg 0.02).
      const n = 60;
      const m = 45;
      const { a, b, M } = cloud(seed, n, m);
      const o = { reg, tol: 1e-12, maxIter: 100000 };
      const before = memoryStats().allocatedBytes;
      const p64 = sinkhorn(a, b, M, o);
      const p32 = sinkhorn(a, b, M, { ...o, precision: 'f32' });
      expect([p32.method, p64.converged]).toEqual(['sinkhorn', true]);
      expect(p32.plan).toBeInstanceOf(Float32Array);
      expect(p64.plan).toBeInstanceOf(Float64Array);
      let e = 0;
      for (let k = 0; k < n * m; k++) e = Math.max(e, Math.abs(p32.plan[k]! - p64.plan[k]!) / p64.plan[k]!);
      expect(e).toBeLessThan(1e-5);
      expect(e).toBeGreaterThan(0); // really another path
      const { rows, cols } = marginals(p32.plan, n, m);
      for (let i = 0; i < n; i++) expect(Math.abs(rows[i]! - a[i]!)).toBeLessThan(1e-6 * a[i]!);
      for (let j = 0; j < m; j++) expect(Math.abs(cols[j]! - b[j]!)).toBeLessThan(1e-6 * b[j]!);
      expect(Math.abs(p32.cost - p64.cost) / p64.cost).toBeLessThan(1e-5);
      expect(sinkhorn2(a, b, M, { ...o, precision: 'f32' }).cost).toBe(p32.cost);
      expect(memoryStats().allocatedBytes).toBe(before);
    });
  }

  it('the POT fixture cases of plain Sinkhorn (n = 16, 64, 128 at reg 0.05, 0.01, 0.005): plan within 1e-5 relative of the f64 plan', () => {
    // (the fixture's sinkhorn_log cases need the log domain: their kernels underflow in f32 and f64 alike)
    const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: { name: string; method: string; a?: number[]; b?: number[]; M: number[][]; reg: number; plan?: number[][] }[] };
    let compared = 0;
    for (const c of fixture.cases) {
      if (!c.name.startsWith('sinkhorn') || c.method.includes('sinkhorn_log') || !c.a || !c.b || !c.plan) continue;
      const o = { reg: c.reg, tol: 1e-10, maxIter: 100000 };
      const p64 = sinkhorn(c.a, c.b, c.M, o);
      const p32 = sinkhorn(c.a, c.b, c.M, { ...o, precision: 'f32' });
      expect(p32.method).toBe('sinkhorn');
      compared++;
      const mx = p64.plan.reduce((s, x) => Math.max(s, x), 0);
      for (let k = 0; k < p64.plan.length; k++) {
        expect(Math.abs(p32.plan[k]! - p64.plan[k]!)).toBeLessThanOrEqual(1e-5 * Math.max(p64.plan[k]!, 1e-12 * mx));
      }
    }
    expect(compared).toBe(3);
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
    // the log-domain plan, rounded once to f32: a precision 'f32' call returns a Float32Array either way
    expect(p32.plan).toBeInstanceOf(Float32Array);
    expect(firstBitDifference(p32.plan, Float32Array.from(sinkhorn(a, b, far, { ...o, method: 'log' }).plan))).toBe(-1);
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

/** max_j |p_j − q_j| / |q_j|: the largest relative error of one entry. */
function entrywise(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let e = 0;
  for (let j = 0; j < q.length; j++) e = Math.max(e, Math.abs(p[j]! - q[j]!) / Math.abs(q[j]!));
  return e;
}

describe("barycenter(…, { method: 'sinkhorn', precision: 'f32' })", () => {
  it("POT's barycenter-1d-n50 fixture: within 1e-5 relative per entry of the f64 barycenter and of POT's", () => {
    const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: { name: string; A: number[][]; M: number[][]; reg: number; weights: number[]; barycenter: number[] }[] };
    const c = fixture.cases.find((k) => k.name === 'barycenter-1d-n50')!;
    const A = { data: c.A.flat(), rows: c.A.length, cols: c.A[0]!.length };
    const o = { reg: c.reg, weights: c.weights, method: 'sinkhorn' as const, tol: 1e-9, maxIter: 100000 };
    const r64 = barycenter(A, c.M.flat(), o);
    const r32 = barycenter(A, c.M.flat(), { ...o, precision: 'f32' });
    expect(r32.method).toBe('sinkhorn');
    expect(r32.converged).toBe(true);
    expect(entrywise(r32.barycenter, r64.barycenter)).toBeLessThan(1e-5);
    expect(entrywise(r32.barycenter, c.barycenter)).toBeLessThan(1e-5);
  });

  for (const [d, nh, seed] of [[37, 3, 31], [300, 4, 32]] as const) {
    it(`d = ${d}, ${nh} random histograms, 200 iterations: within 1e-5 relative per entry of f64, not the same bits (the f32 kernels ran)`, () => {
      const u = uniforms(seed);
      const hs = Array.from({ length: nh }, () => {
        const h = Float64Array.from({ length: d }, () => 0.05 + u());
        const t = h.reduce((acc, x) => acc + x, 0);
        return h.map((x) => x / t);
      });
      const X = Float64Array.from({ length: 2 * d }, () => u());
      const M = costMatrix(X, X, { dim: 2 });
      const o = { reg: 0.05, method: 'sinkhorn' as const, tol: 0, maxIter: 200 };
      const before = memoryStats().allocatedBytes;
      const r64 = barycenter(hs, M, o);
      const r32 = barycenter(hs, M, { ...o, precision: 'f32' });
      expect(memoryStats().allocatedBytes).toBe(before);
      expect(r32.iterations).toBe(200);
      expect(entrywise(r32.barycenter, r64.barycenter)).toBeLessThan(1e-5);
      expect(firstBitDifference(r32.barycenter, r64.barycenter)).not.toBe(-1);
      // the f32 run's own stopping criterion is small too (plans' barycenter-side marginals agree)
      expect(r32.marginalError).toBeLessThan(1e-4);
    });
  }

  it('typed errors: f32 with method log, an unknown precision (convolutionalBarycenter: see convolutional-f32.test.ts)', () => {
    const h = [new Float64Array([0.5, 0.5]), new Float64Array([0.25, 0.75])];
    const M = [0, 1, 1, 0];
    expect(() => barycenter(h, M, { reg: 1, precision: 'f32' })).toThrow("barycenter: options.method must be 'sinkhorn' when options.precision is 'f32' (got \"log\")");
    expect(() => barycenter(h, M, { reg: 1, method: 'sinkhorn', precision: 'f16' as 'f32' })).toThrow(ParameterError);
  });
});
