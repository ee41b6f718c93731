import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, allocF64, init, memoryStats, sinkhorn, sinkhornBatch } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, uniforms } from '../helpers.js';
import { expectSame, histogramList } from './batch-check.js';
import { sinkhornLogRef } from './reference.js';

beforeAll(() => init());

describe('sinkhornBatch', () => {
  const n = 9;
  const m = 7;
  const u = uniforms(42);
  const M = Float64Array.from({ length: n * m }, () => u());
  const as = histogramList(1, 12, n);
  const bs = histogramList(2, 12, m);

  for (const method of ['sinkhorn', 'log'] as const) {
    it(`method '${method}': each result equals a separate sinkhorn call (bit for bit) and the plain-TS log reference`, () => {
      const before = memoryStats().allocatedBytes;
      const rs = sinkhornBatch(as, bs, M, { reg: 0.05, method, tol: 1e-12, maxIter: 5000 });
      expect(rs.length).toBe(12);
      rs.forEach((r, k) => {
        const one = sinkhorn(as[k]!, bs[k]!, M, { reg: 0.05, method, tol: 1e-12, maxIter: 5000 });
        expect(Array.from(r.plan)).toEqual(Array.from(one.plan));
        expect(r.iterations).toBe(one.iterations);
        expect(r.cost).toBe(one.cost);
        expect(r.converged).toBe(true);
        const ref = sinkhornLogRef(as[k]!, bs[k]!, M, 0.05, r.iterations);
        for (let i = 0; i < n * m; i++) expect(Math.abs(r.plan[i]! - ref[i]!)).toBeLessThan(1e-12);
      });
      expect(memoryStats().allocatedBytes).toBe(before);
    });
  }

  it("per-problem fallback to 'log' on underflow, like sinkhorn", () => {
    const far = M.map((x) => x + 10); // K = exp(−M/ε) underflows to 0 at ε = 1e-2
    const rs = sinkhornBatch(as.slice(0, 2), bs.slice(0, 2), far, { reg: 1e-2, maxIter: 200 });
    rs.forEach((r, k) => {
      const one = sinkhorn(as[k]!, bs[k]!, far, { reg: 1e-2, maxIter: 200 });
      expect(r.method).toBe(one.method);
      expect(Array.from(r.plan)).toEqual(Array.from(one.plan));
      expect(r.warning).toBe(one.warning!.replace('sinkhorn:', 'sinkhornBatch:'));
    });
    expect(rs[0]!.method).toBe('log');
  });

  it('an empty batch gives []', () => {
    expect(sinkhornBatch([], [], M, { reg: 1 })).toEqual([]);
  });

  it('typed errors with messages', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => sinkhornBatch(as, bs.slice(1), M, { reg: 1 })).toThrow(ShapeError);
    expect(() => sinkhornBatch(as, bs.slice(1), M, { reg: 1 })).toThrow('sinkhornBatch: as and bs must have the same number of histograms (got 12 and 11)');
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, method: 'stabilized' })).toThrow(ParameterError);
    // epsilonScaling is supported by the batched log path (see the 'log' describe below); its bad values are refused.
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, method: 'log', epsilonScaling: 1 })).toThrow(ParameterError);
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, method: 'log', epsilonScaling: 1 })).toThrow('sinkhornBatch: options.epsilonScaling must be a finite number > 1 (got 1)');
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, epsilonScaling: 10 })).toThrow("sinkhornBatch: options.method must be 'log' when options.epsilonScaling is set (got \"sinkhorn\")");
    expect(() => sinkhornBatch(as, bs, M, { reg: 0 })).toThrow('sinkhornBatch: options.reg must be');
    expect(() => sinkhornBatch('x' as unknown as number[][], bs, M, { reg: 1 })).toThrow(ParameterError);
    // same n·m, other shape: 3 × 21 instead of 9 × 7
    const a3 = [[0.5, 0.5, 0], ...as.slice(1, 2)];
    const b21 = [histogramList(5, 1, 21)[0]!, bs[1]!];
    expect(() => sinkhornBatch(a3, b21, M, { reg: 1 })).toThrow(ShapeError);
    expect(() => sinkhornBatch([as[0]!, [1]], [bs[0]!, bs[1]!], M, { reg: 1 })).toThrow(ShapeError);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it("precision 'f32' with method 'log' is refused (the f32 path is the scaling iteration; see batch-f32.test.ts)", () => {
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, method: 'log', precision: 'f32' })).toThrow(ParameterError);
  });
});

describe('sinkhornBatch: the batched kernel (all problems advanced together, converged ones frozen)', () => {
  // Shapes with every tail: n = 37 (4-row blocks + 1), m = 21 (odd, 8-column chunks + 5), 7 problems (odd count).
  const n = 37;
  const m = 21;
  const u = uniforms(7);
  const M = Float64Array.from({ length: n * m }, () => 2 * u());
  const as = histogramList(11, 7, n);
  const bs = histogramList(12, 7, m);
  as[3]![5] = 0; // a zero-mass row and column: their scalings stay 0
  as[3] = as[3]!.map((x, _, h) => x / h.reduce((s, y) => s + y, 0));
  bs[4]![0] = 0;
  bs[4] = bs[4]!.map((x, _, h) => x / h.reduce((s, y) => s + y, 0));

  it('problems converging at different iterations: each equals its separate call in every field', () => {
    const opts = { reg: 0.2, tol: 1e-11, checkEvery: 3, maxIter: 3000 };
    const before = memoryStats().allocatedBytes;
    const rs = sinkhornBatch(as, bs, M, opts);
    const its = new Set(rs.map((r) => r.iterations));
    expect(its.size).toBeGreaterThan(1); // frozen at different iterations
    rs.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect(r.converged).toBe(true);
    });
    expect(rs[3]!.u![5]).toBe(0);
    expect(rs[4]!.v![0]).toBe(0);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('maxIter reached (error evaluated at the last iteration), and onProgress stopping one problem', () => {
    const opts = { reg: 0.05, tol: 1e-15, checkEvery: 4, maxIter: 30 };
    const rs = sinkhornBatch(as, bs, M, opts);
    rs.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect(r.stopped).toBe('maxIter');
    });
    // A stateless callback: stop once past iteration 9 (every problem stops at its check 13).
    const stop = { ...opts, onProgress: (info: { iteration: number }) => info.iteration < 9 };
    const rs2 = sinkhornBatch(as, bs, M, stop);
    rs2.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, stop));
      expect([r.stopped, r.iterations]).toEqual(['callback', 9]);
    });
  });

  it('an aborted signal ends every problem still running (stopped: aborted, no iteration)', () => {
    const ac = new AbortController();
    ac.abort();
    const opts = { reg: 0.2, signal: ac.signal };
    const rs = sinkhornBatch(as, bs, M, opts);
    rs.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect([r.stopped, r.iterations]).toEqual(['aborted', 0]);
    });
  });

  it('one problem under/overflowing in the batch falls back alone, the others are unaffected', () => {
    // Problem 1 moves a point mass from row 0 to column 15 at cost ≥ 40 = 800 reg: K[0, 15] underflows
    // to 0, so (Kᵀu)[15] = 0 for it alone (the other problems reach column 15 from other rows).
    const far = M.map((x, k) => (k === 15 ? x + 40 : x));
    const a0 = new Float64Array(n).fill(0);
    a0[0] = 1;
    const b0 = new Float64Array(m).fill(0);
    b0[15] = 1;
    const opts = { reg: 0.05, maxIter: 200 };
    const ps = [as[0]!, a0, as[1]!];
    const qs = [bs[0]!, b0, bs[1]!];
    const rs = sinkhornBatch(ps, qs, far, opts);
    rs.forEach((r, k) => expectSame(r, sinkhorn(ps[k]!, qs[k]!, far, opts)));
    expect(rs.map((r) => r.method)).toEqual(['sinkhorn', 'log', 'sinkhorn']);
  });

  it('otBatchKtu / otBatchKv / otBatchStep against plain-TS loops written from the definitions', () => {
    // Kᵀu: Σ_i K_ij u_i over i in order; K v in pair order: Σ over column pairs per lane, lanes added,
    // the odd last column last. Plain TS with the same order gives the same bits.
    const x = wasm('test');
    const B = 5;
    const g = uniforms(99);
    const K = Float64Array.from({ length: n * m }, () => g());
    const U = Float64Array.from({ length: B * n }, () => g());
    const V = Float64Array.from({ length: B * m }, () => g());
    const A = Float64Array.from(as.slice(0, B).flatMap((h) => Array.from(h)));
    const Bh = Float64Array.from(bs.slice(0, B).flatMap((h) => Array.from(h)));
    const bufs = [K, A, Bh, U, V, new Float64Array(B * n), new Float64Array(B * m), new Float64Array(B)].map((d) => allocF64(d));
    const [Kb, Ab, Bb, Ub, Vb, KVb, Wb] = bufs as [ReturnType<typeof allocF64>, ...ReturnType<typeof allocF64>[]];
    const idx = allocF64(3); // room for 5 i32
    const flags = allocF64(3);
    try {
      const order = [4, 1, 0, 3, 2];
      new Int32Array(x.memory.buffer, idx.ptr, 5).set(order);
      const ktu = (uu: ArrayLike<number>, off: number): Float64Array => {
        const w = new Float64Array(m);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) w[j] = w[j]! + K[i * m + j]! * uu[off + i]!;
        return w;
      };
      const kv = (vv: ArrayLike<number>, off: number): Float64Array => Float64Array.from({ length: n }, (_, i) => {
        let l0 = 0;
        let l1 = 0;
        for (let j = 0; j + 1 < m; j += 2) {
          l0 += K[i * m + j]! * vv[off + j]!;
          l1 += K[i * m + j + 1]! * vv[off + j + 1]!;
        }
        let t = l0 + l1;
        if (m % 2 === 1) t += K[i * m + m - 1]! * vv[off + m - 1]!;
        return t;
      });
      x.otBatchKtu(Kb!.ptr, n, m, Ub!.ptr, Wb!.ptr, idx.ptr, 5);
      x.otBatchKv(Kb!.ptr, n, m, Vb!.ptr, KVb!.ptr, idx.ptr, 3); // only problems 4, 1, 0
      const W = Wb!.toArray();
      const KV = KVb!.toArray();
      for (let p = 0; p < B; p++) expect(firstBitDifference(W.slice(p * m, (p + 1) * m), ktu(U, p * n))).toBe(-1);
      for (const p of [4, 1, 0]) expect(firstBitDifference(KV.slice(p * n, (p + 1) * n), kv(V, p * m))).toBe(-1);
      for (const p of [2, 3]) expect(Array.from(KV.slice(p * n, (p + 1) * n)).every((z) => z === 0)).toBe(true); // untouched
      // One step for problems 2 and 0: V = b ⊘ W, KV = K V, U = a ⊘ KV, W = Kᵀ U.
      new Int32Array(x.memory.buffer, idx.ptr, 2).set([2, 0]);
      const W0 = Wb!.toArray();
      expect(x.otBatchStep(Kb!.ptr, n, m, Ab!.ptr, Bb!.ptr, Ub!.ptr, Vb!.ptr, KVb!.ptr, Wb!.ptr, idx.ptr, 2, flags.ptr)).toBe(0);
      for (const p of [2, 0]) {
        const v = Float64Array.from({ length: m }, (_, j) => Bh[p * m + j]! / W0[p * m + j]!);
        const kvp = kv(v, 0);
        const up = Float64Array.from({ length: n }, (_, i) => A[p * n + i]! / kvp[i]!);
        expect(firstBitDifference(Vb!.toArray().slice(p * m, (p + 1) * m), v)).toBe(-1);
        expect(firstBitDifference(Ub!.toArray().slice(p * n, (p + 1) * n), up)).toBe(-1);
        expect(firstBitDifference(Wb!.toArray().slice(p * m, (p + 1) * m), ktu(up, 0))).toBe(-1);
      }
      expect(firstBitDifference(Ub!.toArray().slice(n, 2 * n), U.slice(n, 2 * n))).toBe(-1); // problem 1 frozen
      // A zero denominator with positive mass is flagged for that problem only.
      Wb!.view()[0] = 0;
      expect(x.otBatchStep(Kb!.ptr, n, m, Ab!.ptr, Bb!.ptr, Ub!.ptr, Vb!.ptr, KVb!.ptr, Wb!.ptr, idx.ptr, 2, flags.ptr)).toBe(1);
      expect(Array.from(new Int32Array(x.memory.buffer, flags.ptr, 3))).toEqual([1, 0, 0]);
    } finally {
      for (const b of [...bufs, idx, flags]) b.free();
    }
  });
});

describe('otKtu (row blocks × 16-column chunks) and otKvPairs against plain TS, several row blocks', () => {
  it('n = 1700, m = 45: Kᵀu summed over rows in order and K v in pair order, bit for bit', () => {
    const x = wasm('test');
    const n = 1700; // rowBlock(45) = 728 rows: three blocks, the later ones resuming from the partial sums
    const m = 45; // two 16-column chunks, then 13 columns by the 8/2/1 path
    const g = uniforms(77);
    const K = Float64Array.from({ length: n * m }, () => g());
    const u = Float64Array.from({ length: n }, () => g());
    const v = Float64Array.from({ length: m }, () => g());
    const [Kb, ub, vb, wb, kvb] = [allocF64(K), allocF64(u), allocF64(v), allocF64(m), allocF64(n)];
    try {
      x.otKtu(Kb.ptr, n, m, ub.ptr, wb.ptr);
      x.otKvPairs(Kb.ptr, n, m, vb.ptr, kvb.ptr);
      const w = new Float64Array(m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) w[j] = w[j]! + K[i * m + j]! * u[i]!;
      const kv = Float64Array.from({ length: n }, (_, i) => {
        let l0 = 0;
        let l1 = 0;
        for (let j = 0; j + 1 < m; j += 2) {
          l0 += K[i * m + j]! * v[j]!;
          l1 += K[i * m + j + 1]! * v[j + 1]!;
        }
        return l0 + l1 + K[i * m + m - 1]! * v[m - 1]!;
      });
      expect(firstBitDifference(wb.toArray(), w)).toBe(-1);
      expect(firstBitDifference(kvb.toArray(), kv)).toBe(-1);
    } finally {
      for (const b of [Kb, ub, vb, wb, kvb]) b.free();
    }
  });
});


describe("sinkhornBatch method 'log': the batched log-domain kernel (assembly/ot/batchlog.ts)", () => {
  // Every tail: n = 23 (odd), m = 13 (odd: the pmax pairs + the scalar last column), 5 problems.
  const n = 23;
  const m = 13;
  const u = uniforms(31);
  const M = Float64Array.from({ length: n * m }, () => u());
  const as = histogramList(32, 5, n);
  const bs = histogramList(33, 5, m);
  as[2]![4] = 0; // a zero-mass row (f = −∞, skipped) and a zero-mass column (g = −∞)
  as[2] = as[2]!.map((x, _, h) => x / h.reduce((t, y) => t + y, 0));
  bs[1]![12] = 0;
  bs[1] = bs[1]!.map((x, _, h) => x / h.reduce((t, y) => t + y, 0));

  for (const reg of [0.05, 1e-3, 1e-4]) {
    it(`reg = ${reg}: each result equals a separate sinkhorn(…, { method: 'log' }) call in every field, bit for bit`, () => {
      const opts = { reg, method: 'log' as const, tol: 1e-10, maxIter: 400, checkEvery: 7 };
      const before = memoryStats().allocatedBytes;
      const rs = sinkhornBatch(as, bs, M, opts);
      expect(memoryStats().allocatedBytes).toBe(before);
      rs.forEach((r, k) => {
        expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
        expect(r.method).toBe('log');
        for (const z of r.plan) expect(Number.isFinite(z)).toBe(true);
      });
      expect(rs[2]!.logU![4]).toBe(-Infinity);
      expect(rs[1]!.logV![12]).toBe(-Infinity);
      expect(Array.from(rs[2]!.plan.subarray(4 * m, 5 * m)).every((z) => z === 0)).toBe(true);
      if (reg < 0.01) {
        // The premise: at this reg the Gibbs kernel of plain scaling underflows (exp(−M/ε) = 0 for M > 745ε) …
        expect(M.filter((z) => Math.exp(-z / reg) === 0).length).toBeGreaterThan(reg < 1e-3 ? n * m * 0.8 : 0);
        // … and at 1e-4 a scaling becomes 0 or ∞, so sinkhorn falls back to 'log'.
        if (reg < 1e-3) expect(sinkhorn(as[0]!, bs[0]!, M, { reg }).warning).toContain("fell back to method 'log'");
      }
    });
  }

  it('against the plain-TS log-domain reference written from the definition (V8 exp/log: agreement to rounding)', () => {
    for (const reg of [0.05, 1e-3]) {
      const rs = sinkhornBatch(as, bs, M, { reg, method: 'log', tol: 0, maxIter: 60, checkEvery: 60 });
      rs.forEach((r, k) => {
        expect(r.iterations).toBe(60);
        const ref = sinkhornLogRef(as[k]!, bs[k]!, M, reg, 60);
        for (let i = 0; i < n * m; i++) expect(Math.abs(r.plan[i]! - ref[i]!)).toBeLessThan(1e-12);
      });
    }
  });

  it('problems converging at different iterations are frozen; each equals its separate call', () => {
    const opts = { reg: 0.1, method: 'log' as const, tol: 1e-11, checkEvery: 3, maxIter: 3000 };
    const rs = sinkhornBatch(as, bs, M, opts);
    expect(new Set(rs.map((r) => r.iterations)).size).toBeGreaterThan(1);
    rs.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect(r.converged).toBe(true);
    });
  });

  it('maxIter reached (error evaluated at the last iteration), and onProgress stopping', () => {
    const opts = { reg: 1e-3, method: 'log' as const, tol: 1e-15, checkEvery: 4, maxIter: 30 };
    const rs = sinkhornBatch(as, bs, M, opts);
    rs.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect([r.stopped, r.iterations, r.history.length]).toEqual(['maxIter', 30, 9]); // checks 1, 5, …, 29 and the last
      expect(r.warning).toContain('not converged (maxIter) after 30 iterations');
    });
    const seen: number[] = [];
    const stop = { ...opts, onProgress: (info: { iteration: number }) => { seen.push(info.iteration); return info.iteration < 9; } };
    const rs2 = sinkhornBatch(as, bs, M, stop);
    expect(seen.slice(0, 10)).toEqual([1, 1, 1, 1, 1, 5, 5, 5, 5, 5]); // per problem, at each problem's checks
    rs2.forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, stop));
      expect([r.stopped, r.iterations]).toEqual(['callback', 9]);
    });
  });

  it('abort: a pre-aborted signal runs no iteration; an abort during the run ends every running problem', () => {
    const ac = new AbortController();
    ac.abort();
    const opts = { reg: 1e-3, method: 'log' as const, signal: ac.signal };
    sinkhornBatch(as, bs, M, opts).forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect([r.stopped, r.iterations]).toEqual(['aborted', 0]);
    });
    const before = memoryStats().allocatedBytes;
    const late = new AbortController();
    const mid = {
      reg: 1e-3, method: 'log' as const, tol: 0, maxIter: 1000, checkEvery: 5, signal: late.signal,
      onProgress: (info: { iteration: number }) => { if (info.iteration >= 11) late.abort(); },
    };
    const rs = sinkhornBatch(as, bs, M, mid);
    expect(memoryStats().allocatedBytes).toBe(before);
    // The abort is seen before iteration 12: every problem ends after 11 iterations, checked at 11.
    rs.forEach((r, k) => {
      expect([r.stopped, r.iterations, r.converged]).toEqual(['aborted', 11, false]);
      const ref = sinkhorn(as[k]!, bs[k]!, M, { reg: 1e-3, method: 'log', tol: 0, maxIter: 11, checkEvery: 5 });
      expect(firstBitDifference(r.plan, ref.plan)).toBe(-1);
      expect(r.history).toEqual(ref.history);
    });
  });

  it('epsilonScaling: the stages run for the whole batch; each result equals its separate call', () => {
    for (const opts of [
      { reg: 1e-3, method: 'log' as const, tol: 1e-9, maxIter: 2000, epsilonScaling: 10 },
      { reg: 1e-4, method: 'log' as const, tol: 1e-9, maxIter: 40, checkEvery: 3, epsilonScaling: 4 }, // stages end at maxIter
    ]) {
      const before = memoryStats().allocatedBytes;
      const rs = sinkhornBatch(as, bs, M, opts);
      expect(memoryStats().allocatedBytes).toBe(before);
      rs.forEach((r, k) => expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts)));
      if (opts.maxIter === 40) {
        // every stage ran to maxIter: iterations count all stages, history covers the final one
        rs.forEach((r) => expect([r.iterations > 40, r.history.length, r.stopped]).toEqual([true, 14, 'maxIter'])); // checks 1, 4, …, 40
      } else {
        // staggered: some problems converge in the final stage, others reach maxIter there (after earlier stages)
        expect(new Set(rs.map((r) => r.stopped))).toEqual(new Set(['converged', 'maxIter']));
        rs.filter((r) => r.stopped === 'maxIter').forEach((r) => expect(r.iterations).toBeGreaterThan(2000));
      }
    }
  });

  it('typed errors (bad problems never reach WASM) and the module stays usable', () => {
    const before = memoryStats().allocatedBytes;
    const bad = Float64Array.from(M);
    bad[7] = NaN;
    expect(() => sinkhornBatch(as, bs, bad, { reg: 1e-3, method: 'log' })).toThrow('sinkhornBatch: M must be finite');
    const neg = [as[0]!, as[1]!.map((z, i) => (i === 0 ? -z : z))];
    expect(() => sinkhornBatch(neg, bs.slice(0, 2), M, { reg: 1e-3, method: 'log' })).toThrow(ParameterError);
    expect(() => sinkhornBatch(neg, bs.slice(0, 2), M, { reg: 1e-3, method: 'log' })).toThrow('sinkhornBatch: a must be >= 0 entrywise (got ');
    expect(() => sinkhornBatch(as, bs, M, { reg: 1e-3, method: 'log', maxIter: 0 })).toThrow('sinkhornBatch: options.maxIter must be a positive integer (got 0)');
    expect(() => sinkhornBatch(as.slice(0, 1), [bs[0]!.slice(1)], M, { reg: 1e-3, method: 'log' })).toThrow(ShapeError);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(sinkhornBatch(as.slice(0, 1), bs.slice(0, 1), M, { reg: 1e-3, method: 'log', maxIter: 3 })[0]!.iterations).toBe(3);
  });

  it('otBatchLogStep / otBatchLogMarginalError equal otLogCols + otLogRows / otLogMarginalError bit for bit, frozen problems untouched', () => {
    const x = wasm('test');
    const B = 4;
    const g = uniforms(123);
    const L = Float64Array.from({ length: n * m }, () => -50 * g());
    const LA = Float64Array.from({ length: B * n }, () => Math.log(g()));
    const LB = Float64Array.from({ length: B * m }, () => Math.log(g()));
    const F0 = Float64Array.from({ length: B * n }, () => 10 * g() - 5);
    F0[3] = -Infinity;
    const bufs = [L, LA, LB, F0, new Float64Array(B * m), new Float64Array(B * m), new Float64Array(B * m), new Float64Array(B)].map((d) => allocF64(d));
    const [Lb, LAb, LBb, Fb, Gb, MXb, Sb, Eb] = bufs as [ReturnType<typeof allocF64>, ...ReturnType<typeof allocF64>[]];
    const one = [allocF64(n), allocF64(m), allocF64(m), allocF64(m)];
    const [fb, gb, mxb, sb] = one as [ReturnType<typeof allocF64>, ...ReturnType<typeof allocF64>[]];
    const idx = allocF64(2); // room for 4 i32
    try {
      new Int32Array(x.memory.buffer, idx.ptr, 3).set([3, 0, 2]);
      x.otBatchLogStep(Lb!.ptr, n, m, LAb!.ptr, LBb!.ptr, Fb!.ptr, Gb!.ptr, MXb!.ptr, Sb!.ptr, idx.ptr, 3);
      x.otBatchLogMarginalError(Lb!.ptr, n, m, Fb!.ptr, Gb!.ptr, LBb!.ptr, Sb!.ptr, idx.ptr, 3, Eb!.ptr);
      const F = Fb!.toArray();
      const G = Gb!.toArray();
      const E = Eb!.toArray();
      for (const p of [3, 0, 2]) {
        fb!.view().set(F0.subarray(p * n, (p + 1) * n));
        const la = allocF64(LA.subarray(p * n, (p + 1) * n));
        const lb = allocF64(LB.subarray(p * m, (p + 1) * m));
        try {
          x.otLogCols(Lb!.ptr, n, m, fb!.ptr, lb.ptr, gb!.ptr, mxb!.ptr, sb!.ptr);
          x.otLogRows(Lb!.ptr, n, m, gb!.ptr, la.ptr, fb!.ptr);
          expect(firstBitDifference(G.slice(p * m, (p + 1) * m), gb!.toArray())).toBe(-1);
          expect(firstBitDifference(F.slice(p * n, (p + 1) * n), fb!.toArray())).toBe(-1);
          expect(Object.is(E[p], x.otLogMarginalError(Lb!.ptr, n, m, fb!.ptr, gb!.ptr, lb.ptr, sb!.ptr))).toBe(true);
          // and the definition in plain TS (V8's exp/log: equal to rounding)
          const lse = (xs: number[]): number => { const c = Math.max(...xs); return c + Math.log(xs.reduce((t, z) => t + Math.exp(z - c), 0)); };
          for (let j = 0; j < m; j++) {
            const want = LB[p * m + j]! - lse(Array.from({ length: n }, (_, i) => L[i * m + j]! + F0[p * n + i]!));
            expect(Math.abs(G[p * m + j]! - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
          }
          for (let i = 0; i < n; i++) {
            const want = LA[p * n + i]! - lse(Array.from({ length: m }, (_, j) => L[i * m + j]! + G[p * m + j]!));
            expect(Math.abs(F[p * n + i]! - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
          }
        } finally {
          la.free();
          lb.free();
        }
      }
      expect(firstBitDifference(F.slice(n, 2 * n), F0.slice(n, 2 * n))).toBe(-1); // problem 1 frozen
      expect(Array.from(G.slice(m, 2 * m)).every((z) => z === 0)).toBe(true);
      expect(E[1]).toBe(0);
    } finally {
      for (const b of [...bufs, ...one, idx]) b.free();
    }
  });
});

describe('otGibbs (the f64 Gibbs kernel, two entries at a time by expv)', () => {
  it('K[k] equals the module\'s scalar exp (otExpVec) of M[k]·(−1/reg) bit for bit, odd lengths and underflow included; NaN/±Inf flagged', () => {
    const x = wasm('test');
    const g = uniforms(77);
    for (const [len, reg] of [[1, 0.1], [2, 1], [3, 1e-3], [10001, 0.05], [4096, 1e-4], [777, 30]] as const) {
      const M = Float64Array.from({ length: len }, () => 10 * g() - 2);
      M[0] = -0;
      const r = -1 / reg;
      const [Mb, Kb, xb, qb] = [allocF64(M), allocF64(len), allocF64(M.map((z) => z * r)), allocF64(len)];
      try {
        expect(x.otGibbs(Mb.ptr, len, reg, Kb.ptr)).toBe(0);
        x.otExpVec(xb.ptr, len, qb.ptr);
        expect(firstBitDifference(Kb.toArray(), qb.toArray())).toBe(-1);
        for (const bad of [NaN, Infinity, -Infinity]) {
          const v = Mb.view();
          v[len - 1] = bad;
          expect(x.otGibbs(Mb.ptr, len, reg, Kb.ptr)).toBe(1);
          v[len - 1] = M[len - 1]!;
        }
      } finally {
        for (const b of [Mb, Kb, xb, qb]) b.free();
      }
    }
  });
});

describe('otExpPairs (f64x2 exp, assembly/ot/expv.ts)', () => {
  it('every lane equals the scalar Math.exp of the WASM module (otExpVec) bit for bit, across every range and special value', () => {
    const x = wasm('test');
    const g = uniforms(2024);
    const specials = [0, -0, 1e-300, -1e-300, 2 ** -54, -(2 ** -54), 2 ** -55, 511.9, 512, -512, -745.2, -745.1, -708.4, 709.7, 709.8, 1023.9, 1024, -1024, -1e10, Infinity, -Infinity, NaN, 5e-324];
    const parts: number[] = [...specials];
    for (const scale of [1e-20, 1e-10, 1e-3, 0.3, 1, 5, 50, 300, 700, 760, 1100]) {
      for (let k = 0; k < 40000; k++) parts.push(scale * (2 * g() - 1));
    }
    for (let k = 0; k < 20000; k++) parts.push(-2000 * g()); // the log-domain Sinkhorn's arguments (≤ 0)
    for (let k = 0; k < 20000; k++) parts.push(-708 - 38 * g()); // subnormal results (exp_lut's specialcase rounding)
    const xs = Float64Array.from(parts.length % 2 === 0 ? [...parts, 0.5] : parts); // odd length: the scalar tail
    const xb = allocF64(xs);
    const [p, q] = [allocF64(xs.length), allocF64(xs.length)];
    try {
      x.otExpPairs(xb.ptr, xs.length, p.ptr);
      x.otExpVec(xb.ptr, xs.length, q.ptr);
      expect(firstBitDifference(p.toArray(), q.toArray())).toBe(-1);
      // and against the definition (V8's Math.exp, within 1 ulp)
      const P = p.toArray();
      for (let i = 0; i < xs.length; i += 97) {
        const want = Math.exp(xs[i]!);
        if (Number.isNaN(want)) expect(Number.isNaN(P[i]!)).toBe(true);
        else if (!Number.isFinite(want)) expect(P[i]).toBe(want);
        else expect(Math.abs(P[i]! - want)).toBeLessThanOrEqual(Math.max(2.3e-16 * want, 5e-324));
      }
    } finally {
      for (const b of [xb, p, q]) b.free();
    }
  });
});
