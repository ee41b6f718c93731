import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, init, memoryStats, sinkhorn, sinkhornBatch } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { sinkhornLogRef } from './reference.js';

beforeAll(() => init());

function histogramList(seed: number, count: number, n: number): Float64Array[] {
  const u = uniforms(seed);
  return Array.from({ length: count }, () => {
    const h = Float64Array.from({ length: n }, () => 0.05 + u());
    const t = h.reduce((s, x) => s + x, 0);
    return h.map((x) => x / t);
  });
}

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
    expect(() => sinkhornBatch(as, bs, M, { reg: 1, method: 'log', epsilonScaling: 10 })).toThrow('sinkhornBatch: options.epsilonScaling must be');
    expect(() => sinkhornBatch(as, bs, M, { reg: 0 })).toThrow('sinkhornBatch: options.reg must be');
    expect(() => sinkhornBatch('x' as unknown as number[][], bs, M, { reg: 1 })).toThrow(ParameterError);
    // same n·m, other shape: 3 × 21 instead of 9 × 7
    const a3 = [[0.5, 0.5, 0], ...as.slice(1, 2)];
    const b21 = [histogramList(5, 1, 21)[0]!, bs[1]!];
    expect(() => sinkhornBatch(a3, b21, M, { reg: 1 })).toThrow(ShapeError);
    expect(() => sinkhornBatch([as[0]!, [1]], [bs[0]!, bs[1]!], M, { reg: 1 })).toThrow(ShapeError);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
