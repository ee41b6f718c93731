import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, memoryStats, sinkhorn, sinkhornBatch } from '../../bindings/index.js';
import { firstBitDifference, uniforms } from '../helpers.js';
import { expectSame, histogramList } from './batch-check.js';
import { marginals } from './reference.js';

beforeAll(() => init());

/** Largest |P − Q| / max(Q, floor·max Q) over the entries (relative per entry, entries below the floor compared absolutely). */
function relPerEntry(P: ArrayLike<number>, Q: ArrayLike<number>, floor = 0): number {
  let mx = 0;
  for (let k = 0; k < Q.length; k++) mx = Math.max(mx, Q[k]!);
  let e = 0;
  for (let k = 0; k < Q.length; k++) e = Math.max(e, Math.abs(P[k]! - Q[k]!) / Math.max(Q[k]!, floor * mx));
  return e;
}

describe("sinkhornBatch(…, { precision: 'f32' })", () => {
  // Shapes: n = 37 (two row blocks of 32, 4-row groups + 1), m = 21 (8-column chunks + a quad + 1);
  // n = 70, m = 3001 (three row blocks; ~7 problems per group, so 9 problems make two groups, and m mod 4 = 1).
  for (const [n, m, count, seed] of [[37, 21, 7, 31], [70, 3001, 9, 32]] as const) {
    it(`n = ${n}, m = ${m}, ${count} problems: each result equals a separate f32 sinkhorn call bit for bit`, () => {
      const u = uniforms(seed);
      const M = Float64Array.from({ length: n * m }, () => 2 * u());
      const as = histogramList(seed + 100, count, n);
      const bs = histogramList(seed + 200, count, m);
      as[3]![5] = 0; // a zero-mass row and column: their scalings stay 0
      as[3] = as[3]!.map((x, _, h) => x / h.reduce((s, y) => s + y, 0));
      bs[4]![0] = 0;
      bs[4] = bs[4]!.map((x, _, h) => x / h.reduce((s, y) => s + y, 0));
      const opts = { reg: 0.2, tol: 1e-9, checkEvery: 3, maxIter: m > 1000 ? 40 : 3000, precision: 'f32' as const };
      const before = memoryStats().allocatedBytes;
      const rs = sinkhornBatch(as, bs, M, opts);
      if (m < 1000) expect(new Set(rs.map((r) => r.iterations)).size).toBeGreaterThan(1); // frozen at different iterations
      rs.forEach((r, k) => expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts)));
      expect(rs[3]!.u![5]).toBe(0);
      expect(rs[4]!.v![0]).toBe(0);
      // the f32 kernels ran: not the f64 batch's bits
      const r64 = sinkhornBatch(as.slice(0, 1), bs.slice(0, 1), M, { ...opts, precision: 'f64' });
      expect(rs.every((r) => r.plan instanceof Float32Array) && r64[0]!.plan instanceof Float64Array).toBe(true);
      expect(firstBitDifference(rs[0]!.plan, Float32Array.from(r64[0]!.plan))).not.toBe(-1);
      expect(memoryStats().allocatedBytes).toBe(before);
    });
  }

  it('maxIter and onProgress stopping: the same fields as separate f32 calls', () => {
    const n = 9;
    const m = 7;
    const u = uniforms(42);
    const M = Float64Array.from({ length: n * m }, () => u());
    const as = histogramList(1, 5, n);
    const bs = histogramList(2, 5, m);
    const opts = { reg: 0.05, tol: 1e-15, checkEvery: 4, maxIter: 30, precision: 'f32' as const };
    sinkhornBatch(as, bs, M, opts).forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, opts));
      expect(r.stopped).toBe('maxIter');
    });
    const stop = { ...opts, onProgress: (info: { iteration: number }) => info.iteration < 9 };
    sinkhornBatch(as, bs, M, stop).forEach((r, k) => {
      expectSame(r, sinkhorn(as[k]!, bs[k]!, M, stop));
      expect([r.stopped, r.iterations]).toEqual(['callback', 9]);
    });
  });

  it('random clouds: plans within 1e-5 relative per entry of the f64 batch, marginals within 1e-6 relative', () => {
    // The documented bound of the f32 path (each mat-vec entry within 34·2⁻²⁴ ≈ 2e-6 relative; see sinkhorn).
    for (const [seed, reg] of [[5, 0.5], [6, 0.1], [7, 0.02]] as const) {
      const n = 60;
      const m = 45;
      const g = uniforms(seed);
      const X = Float64Array.from({ length: 2 * n }, () => g());
      const Y = Float64Array.from({ length: 2 * m }, () => g());
      const M = Float64Array.from({ length: n * m }, (_, k) => {
        const i = Math.floor(k / m);
        const j = k % m;
        return (X[2 * i]! - Y[2 * j]!) ** 2 + (X[2 * i + 1]! - Y[2 * j + 1]!) ** 2;
      });
      const as = histogramList(seed + 10, 4, n);
      const bs = histogramList(seed + 20, 4, m);
      const o = { reg, tol: 1e-12, maxIter: 100000 };
      const r64 = sinkhornBatch(as, bs, M, o);
      const r32 = sinkhornBatch(as, bs, M, { ...o, precision: 'f32' });
      r32.forEach((r, k) => {
        expect([r.method, r64[k]!.converged]).toEqual(['sinkhorn', true]);
        const e = relPerEntry(r.plan, r64[k]!.plan);
        expect(e).toBeLessThan(1e-5);
        expect(e).toBeGreaterThan(0);
        const { rows, cols } = marginals(r.plan, n, m);
        for (let i = 0; i < n; i++) expect(Math.abs(rows[i]! - as[k]![i]!)).toBeLessThan(1e-6 * as[k]![i]!);
        for (let j = 0; j < m; j++) expect(Math.abs(cols[j]! - bs[k]![j]!)).toBeLessThan(1e-6 * bs[k]![j]!);
      });
    }
  });

  it("POT's plain-Sinkhorn fixtures (n = 16, 64, 128 at reg 0.05, 0.01, 0.005), each batched with a random pair: plans within 1e-5 relative of f64 and of POT", () => {
    const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: { name: string; method: string; a?: number[]; b?: number[]; M: number[][]; reg: number; plan?: number[][] }[] };
    let compared = 0;
    for (const c of fixture.cases) {
      if (!c.name.startsWith('sinkhorn') || c.method.includes('sinkhorn_log') || !c.a || !c.b || !c.plan) continue;
      const n = c.a.length;
      const m = c.b.length;
      const o = { reg: c.reg, tol: 1e-10, maxIter: 100000 };
      const as = [Float64Array.from(c.a), histogramList(n, 1, n)[0]!];
      const bs = [Float64Array.from(c.b), histogramList(m + 1, 1, m)[0]!];
      const r64 = sinkhornBatch(as, bs, c.M, o);
      const r32 = sinkhornBatch(as, bs, c.M, { ...o, precision: 'f32' });
      r32.forEach((r, k) => {
        expect(r.method).toBe('sinkhorn');
        expect(relPerEntry(r.plan, r64[k]!.plan, 1e-12)).toBeLessThanOrEqual(1e-5);
        const { rows, cols } = marginals(r.plan, n, m);
        for (let i = 0; i < n; i++) expect(Math.abs(rows[i]! - as[k]![i]!)).toBeLessThanOrEqual(1e-6 * as[k]![i]!);
        for (let j = 0; j < m; j++) expect(Math.abs(cols[j]! - bs[k]![j]!)).toBeLessThanOrEqual(1e-6 * bs[k]![j]!);
      });
      expect(relPerEntry(r32[0]!.plan, c.plan.flat(), 1e-12)).toBeLessThanOrEqual(1e-5);
      compared++;
    }
    expect(compared).toBe(3);
  });

  it("per-problem fallback to 'log' where the f32 kernel underflows, like sinkhorn(…, { precision: 'f32' })", () => {
    const n = 8;
    const a = new Float64Array(n).fill(1 / n);
    const M = Float64Array.from({ length: n * n }, (_, k) => ((Math.floor(k / n) - (k % n) + n) % n === 0 ? 0 : 3));
    // reg 0.02: exp(−150) is 0 in f32, so K' = I and an off-diagonal b is infeasible for it; b = a is not.
    const far = Float64Array.from({ length: n }, (_, j) => (j < n / 2 ? 2 / n : 0));
    const o = { reg: 0.02, maxIter: 500, precision: 'f32' as const };
    const rs = sinkhornBatch([a, a], [far, a], M, o);
    expect(rs.map((r) => r.method)).toEqual(['log', 'sinkhorn']);
    rs.forEach((r, k) => expectSame(r, sinkhorn(a, k === 0 ? far : a, M, o)));
  });

  it("typed errors: f32 needs method 'sinkhorn'; unknown precision", () => {
    const as = histogramList(1, 2, 3);
    const M = new Float64Array(9).fill(1);
    expect(() => sinkhornBatch(as, as, M, { reg: 1, method: 'log', precision: 'f32' })).toThrow(ParameterError);
    expect(() => sinkhornBatch(as, as, M, { reg: 1, method: 'log', precision: 'f32' })).toThrow("sinkhornBatch: options.method must be 'sinkhorn' when options.precision is 'f32' (got \"log\")");
    expect(() => sinkhornBatch(as, as, M, { reg: 1, precision: 'f16' as 'f32' })).toThrow("sinkhornBatch: options.precision must be 'f64' or 'f32' (got \"f16\")");
  });
});
