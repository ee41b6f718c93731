import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, barycenter, init, memoryStats, sinkhorn } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { relDiff } from './reference.js';

beforeAll(() => init());

interface Case { name: string; A: number[][]; M: number[][]; reg: number; weights: number[]; barycenter: number[] }
const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const c = fixture.cases.find((k) => k.name === 'barycenter-1d-n50')!;
const A = { data: c.A.flat(), rows: c.A.length, cols: c.A[0]!.length };
const columns = Array.from({ length: A.cols }, (_, k) => c.A.map((row) => row[k]!));


function randomHistograms(seed: number, nh: number, d: number): { hs: Float64Array[]; M: Float64Array; w: Float64Array } {
  const u = uniforms(seed);
  const hs = Array.from({ length: nh }, () => {
    const h = Float64Array.from({ length: d }, () => 0.05 + u());
    const t = h.reduce((s, x) => s + x, 0);
    return h.map((x) => x / t);
  });
  const M = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] = ((i - j) / d) ** 2;
  const w = Float64Array.from({ length: nh }, () => 0.1 + u());
  const tw = w.reduce((s, x) => s + x, 0);
  return { hs, M, w: w.map((x) => x / tw) };
}

describe('barycenter', () => {
  for (const method of ['log', 'sinkhorn'] as const) {
    it(`barycenter-1d-n50 (${method}): reproduces POT 0.8.2 ot.bregman.barycenter (sinkhorn_log, stopThr 1e-13) within 1e-9`, () => {
      const r = barycenter(A, c.M.flat(), { reg: c.reg, weights: c.weights, method, tol: 1e-13, maxIter: 100000 });
      expect(r.converged).toBe(true);
      expect(r.method).toBe(method);
      expect(relDiff(r.barycenter, c.barycenter)).toBeLessThan(1e-9);
      // the array-of-histograms form gives the same answer
      const r2 = barycenter(columns, c.M.flat(), { reg: c.reg, weights: c.weights, method, tol: 1e-13, maxIter: 100000 });
      expect(relDiff(r2.barycenter, r.barycenter)).toBe(0);
    });
  }

  it('fixed point: Σ_k w_k g_k is constant, g_k the entropic-OT dual potential from sinkhorn(h_k, q) (an independent solver)', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const d = 12;
      const { hs, M, w } = randomHistograms(seed, 2 + seed, d);
      const reg = 0.05;
      const q = barycenter(hs, M, { reg, weights: w, tol: 1e-14, maxIter: 100000 }).barycenter;
      const t = q.reduce((s, x) => s + x, 0);
      expect(Math.abs(t - 1)).toBeLessThan(1e-10);
      const sum = new Float64Array(d);
      for (let k = 0; k < hs.length; k++) {
        const r = sinkhorn(hs[k]!, q.map((x) => x / t), M, { reg, method: 'log', tol: 1e-14, maxIter: 100000 });
        for (let j = 0; j < d; j++) sum[j] = sum[j]! + w[k]! * r.logV![j]!;
      }
      expect(Math.max(...sum) - Math.min(...sum)).toBeLessThan(1e-7);
    }
  });

  it('weights (1, 0) give the closed form q = Kᵀ(h ⊘ K1)', () => {
    const { hs, M } = randomHistograms(9, 2, 7);
    const reg = 0.1;
    const d = 7;
    const K = M.map((x) => Math.exp(-x / reg));
    const q = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let k1 = 0;
      for (let j = 0; j < d; j++) k1 += K[i * d + j]!;
      for (let j = 0; j < d; j++) q[j] = q[j]! + (K[i * d + j]! * hs[0]![i]!) / k1;
    }
    for (const method of ['log', 'sinkhorn'] as const) {
      const r = barycenter(hs, M, { reg, weights: [1, 0], method, tol: 1e-14 });
      expect(relDiff(r.barycenter, q)).toBeLessThan(1e-12);
    }
  });

  it("method 'sinkhorn' falls back to 'log' on underflow with a warning; 'log' stays finite at tiny reg", () => {
    const r = barycenter(columns, c.M.flat(), { reg: 1e-4, weights: c.weights, method: 'sinkhorn', maxIter: 50 });
    expect(r.method).toBe('log');
    expect(r.warning).toMatch(/fell back to method 'log'/);
    for (const x of r.barycenter) expect(Number.isFinite(x)).toBe(true);
  });

  it('onProgress stops, signal aborts', () => {
    const r = barycenter(columns, c.M.flat(), { reg: c.reg, tol: 0, onProgress: (i) => i.iteration < 11 });
    expect(r.stopped).toBe('callback');
    expect(r.iterations).toBe(11);
    const ac = new AbortController();
    ac.abort();
    expect(barycenter(columns, c.M.flat(), { reg: c.reg, signal: ac.signal }).stopped).toBe('aborted');
  });

  it('typed errors with messages; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const h = [[0.5, 0.5], [0.2, 0.8]];
    const M = [0, 1, 1, 0];
    expect(() => barycenter(h, M, { reg: 0 })).toThrow(ParameterError);
    expect(() => barycenter(h, M, { reg: -1 })).toThrow('barycenter: options.reg must be');
    expect(() => barycenter(h, M, { reg: 1, weights: [0.5, 0.6] })).toThrow('barycenter: options.weights must sum to 1 within 1e-8 (got 1.1)');
    expect(() => barycenter(h, M, { reg: 1, weights: [-0.5, 1.5] })).toThrow('barycenter: options.weights must be >= 0 entrywise (got -0.5 at index 0)');
    expect(() => barycenter(h, M, { reg: 1, weights: [1] })).toThrow(ShapeError);
    expect(() => barycenter(h, [0, 1, 1], { reg: 1 })).toThrow('barycenter: M must have d × d = 2 × 2 = 4 entries (got 3)');
    expect(() => barycenter([[0.5, 0.5], [1]], M, { reg: 1 })).toThrow('barycenter: A[1] must have length 2 like A[0] (got 1)');
    expect(() => barycenter([[0.5, -0.5], [0.5, 0.5]], M, { reg: 1 })).toThrow('barycenter: A[0] must be >= 0 entrywise (got -0.5 at index 1)');
    expect(() => barycenter(h, [0, NaN, 1, 0], { reg: 1 })).toThrow(NonFiniteError);
    expect(() => barycenter(h, M, { reg: 1, method: 'x' as 'log' })).toThrow(ParameterError);
    expect(() => barycenter([] as number[][], M, { reg: 1 })).toThrow(ParameterError);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
