import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError, ParameterError, ShapeError, costMatrix, init, memoryStats, sinkhorn, sinkhorn2,
} from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { costMatrixRef, marginals, relDiff, sinkhornLogRef } from './reference.js';

beforeAll(() => init());

interface Case {
  name: string;
  a: number[];
  b: number[];
  M: number[][];
  reg: number;
  plan?: number[][];
  cost?: number;
  sinkhorn2?: number;
  xs?: number[][];
  xt?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byName = (name: string): Case => fixture.cases.find((c) => c.name === name)!;

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  for (let k = 0; k < y.length; k++) e = Math.max(e, Math.abs(x[k]! - y[k]!));
  return e;
}

function randomProblem(seed: number, n: number, m: number, zeros = false): { a: Float64Array; b: Float64Array; M: Float64Array } {
  const u = uniforms(seed);
  const a = Float64Array.from({ length: n }, (_, i) => (zeros && i % 3 === 1 ? 0 : 0.1 + u()));
  const b = Float64Array.from({ length: m }, (_, j) => (zeros && j % 4 === 2 ? 0 : 0.1 + u()));
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  for (let i = 0; i < n; i++) a[i] = a[i]! / sa;
  for (let j = 0; j < m; j++) b[j] = (b[j]! / sb) * a.reduce((s, x) => s + x, 0);
  const M = Float64Array.from({ length: n * m }, () => u() * 2);
  return { a, b, M };
}

describe('sinkhorn against the POT 0.8.2 reference', () => {
  for (const name of ['sinkhorn-1d-n16', 'sinkhorn-1d-n64', 'sinkhorn-1d-n128']) {
    it(`${name}: plan and cost of ot.sinkhorn (stopThr 1e-13) within 1e-9`, () => {
      const c = byName(name);
      const n = c.a.length;
      const m = c.b.length;
      const r = sinkhorn(c.a, c.b, c.M.flat(), { reg: c.reg, tol: 1e-13, maxIter: 100000 });
      expect(r.converged).toBe(true);
      expect(r.method).toBe('sinkhorn');
      expect(r.warning).toBeUndefined();
      expect(relDiff(r.plan, c.plan!.flat())).toBeLessThan(1e-9);
      expect(Math.abs(r.cost - c.cost!) / c.cost!).toBeLessThan(1e-9);
      const { rows, cols } = marginals(r.plan, n, m);
      expect(maxAbsDiff(rows, c.a)).toBeLessThan(1e-12);
      expect(maxAbsDiff(cols, c.b)).toBeLessThan(1e-12);
      expect(r.marginalError).toBeLessThan(1e-13);
      // u, v rebuild the plan: P = diag(u) K diag(v), K from the definition.
      const k = 5 * m + 7;
      expect(Math.abs(r.u![5]! * Math.exp(-c.M[5]![7]! / c.reg) * r.v![7]! - r.plan[k]!)).toBeLessThan(1e-12 * Math.max(...r.plan));
    });
  }

  it('sinkhorn-1d-n64 with methods log and stabilized: the same plan', () => {
    const c = byName('sinkhorn-1d-n64');
    for (const method of ['log', 'stabilized'] as const) {
      const r = sinkhorn(c.a, c.b, c.M.flat(), { reg: c.reg, method, tol: 1e-13, maxIter: 100000 });
      expect(r.method).toBe(method);
      expect(r.converged).toBe(true);
      expect(relDiff(r.plan, c.plan!.flat())).toBeLessThan(1e-9);
      expect(r.logU).toHaveLength(64);
      expect(r.u).toBeUndefined();
      // the log-potentials rebuild the plan
      expect(Math.abs(Math.exp(r.logU![3]! - c.M[3]![4]! / c.reg + r.logV![4]!) - r.plan[3 * 64 + 4]!)).toBeLessThan(1e-12 * Math.max(...r.plan));
    }
  });

  // POT ran sinkhorn_log on these; at 100x80 (reg 0.02, 25 561 iterations to 1e-13) the log domain
  // costs ~7 s here, so that case checks the scaling and stabilised methods (same fixed point).
  for (const [name, planMethod, costMethod] of [
    ['sinkhorn-log-2d-30x40', 'log', 'log'],
    ['sinkhorn-log-2d-100x80', 'sinkhorn', 'stabilized'],
  ] as const) {
    it(`${name}: costMatrix, the plan (${planMethod}) and sinkhorn2 (${costMethod}) within 1e-9`, () => {
      const c = byName(name);
      const n = c.a.length;
      const m = c.b.length;
      const M = costMatrix({ data: c.xs!.flat(), rows: n, cols: 2 }, { data: c.xt!.flat(), rows: m, cols: 2 });
      expect(relDiff(M, c.M.flat())).toBeLessThan(1e-14);
      const r = sinkhorn(c.a, c.b, { data: M, rows: n, cols: m }, { reg: c.reg, method: planMethod, tol: 1e-13, maxIter: 100000 });
      expect(r.converged).toBe(true);
      expect(r.method).toBe(planMethod);
      expect(relDiff(r.plan, c.plan!.flat())).toBeLessThan(1e-9);
      const s2 = sinkhorn2(c.a, c.b, M, { reg: c.reg, method: costMethod, tol: 1e-13, maxIter: 100000 });
      expect(s2.method).toBe(costMethod);
      expect(Math.abs(s2.cost - c.sinkhorn2!) / c.sinkhorn2!).toBeLessThan(1e-9);
      expect(s2).not.toHaveProperty('plan');
    });
  }
});

describe('sinkhorn against a plain-TS log-domain reference', () => {
  it('equals the definition after a fixed number of iterations, every method, random problems', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const n = 1 + (seed * 5) % 9;
      const m = 1 + (seed * 7) % 11;
      const { a, b, M } = randomProblem(seed, n, m, seed % 2 === 0);
      const reg = [0.5, 0.1, 0.05][seed % 3]!;
      const want = sinkhornLogRef(a, b, M, reg, 25);
      for (const method of ['sinkhorn', 'log', 'stabilized'] as const) {
        const r = sinkhorn(a, b, M, { reg, method, maxIter: 25, tol: 0 });
        expect(r.iterations).toBe(25);
        expect(r.stopped).toBe('maxIter');
        expect(r.converged).toBe(false);
        expect(r.warning).toMatch(/not converged \(maxIter\) after 25 iterations/);
        expect(maxAbsDiff(r.plan, want)).toBeLessThan(1e-13);
        let cost = 0;
        for (let k = 0; k < M.length; k++) cost += want[k]! * M[k]!;
        expect(Math.abs(r.cost - cost)).toBeLessThan(1e-13);
      }
    }
  });

  it('zero-mass entries give zero rows/columns and the plan of the reduced problem', () => {
    const { a, b, M } = randomProblem(11, 7, 9, true);
    for (const method of ['sinkhorn', 'log', 'stabilized'] as const) {
      const r = sinkhorn(a, b, M, { reg: 0.2, method, tol: 1e-12 });
      expect(r.converged).toBe(true);
      const keepI = [...a.keys()].filter((i) => a[i]! > 0);
      const keepJ = [...b.keys()].filter((j) => b[j]! > 0);
      const Mr = keepI.flatMap((i) => keepJ.map((j) => M[i * 9 + j]!));
      const want = sinkhornLogRef(keepI.map((i) => a[i]!), keepJ.map((j) => b[j]!), Mr, 0.2, 400);
      for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) {
        const p = r.plan[i * 9 + j]!;
        if (a[i] === 0 || b[j] === 0) expect(p).toBe(0);
        else expect(Math.abs(p - want[keepI.indexOf(i) * keepJ.length + keepJ.indexOf(j)]!)).toBeLessThan(1e-11);
      }
    }
  });
});

describe('sinkhorn edge cases and robustness', () => {
  it('n = 1 or m = 1: the only feasible plan', () => {
    const r = sinkhorn([1], [0.25, 0.75], [3, 1], { reg: 0.1 });
    expect(Array.from(r.plan)).toEqual([expect.closeTo(0.25, 15), expect.closeTo(0.75, 15)]);
    expect(r.converged).toBe(true);
    const s = sinkhorn([0.5, 0.5], [1], { data: [2, 4], rows: 2, cols: 1 }, { reg: 1, method: 'log' });
    expect(s.plan[0]).toBeCloseTo(0.5, 15);
    expect(s.cost).toBeCloseTo(3, 14);
    // exp(−7/1e-6) underflows: the stabilised scaling falls back to log, whose exp(L + f + g) with
    // |L| = 7e6 carries ~1e-16·7e6 relative rounding.
    const t = sinkhorn([2], [2], [7], { reg: 1e-6, method: 'stabilized' });
    expect(t.method).toBe('log');
    expect(Math.abs(t.plan[0]! - 2)).toBeLessThan(1e-8);
  });

  it('underflow: plain scaling falls back to log and gives the plan of the shifted (underflow-free) cost', () => {
    const { a, b, M } = randomProblem(21, 6, 5);
    const reg = 0.01;
    const shifted = M.map((x) => x + 10); // every exp(−M/reg) ≤ exp(−1000) = 0 in f64
    const r = sinkhorn(a, b, shifted, { reg, tol: 1e-12, maxIter: 20000 });
    expect(r.method).toBe('log');
    expect(r.warning).toBe(`sinkhorn: method 'sinkhorn' under/overflowed (a scaling became 0 or infinite at reg = 0.01); fell back to method 'log'`);
    expect(r.converged).toBe(true);
    const want = sinkhorn(a, b, M, { reg, tol: 1e-12, maxIter: 20000 }); // a constant shift leaves the plan unchanged
    expect(want.method).toBe('sinkhorn');
    expect(maxAbsDiff(r.plan, want.plan)).toBeLessThan(1e-10);
    const s = sinkhorn2(a, b, shifted, { reg, method: 'stabilized', tol: 1e-12, maxIter: 20000 });
    expect(s.method).toBe('log');
    expect(Math.abs(s.cost - (want.cost + 10 * a.reduce((t, x) => t + x, 0)))).toBeLessThan(1e-9);
  });

  it('tiny reg in the log domain stays finite (the 1-D n = 128 case at reg 1e-4 and 1e-12)', () => {
    const c = byName('sinkhorn-1d-n128');
    for (const reg of [1e-4, 1e-12]) {
      const l = sinkhorn(c.a, c.b, c.M.flat(), { reg, method: 'log', maxIter: 100 });
      expect(l.plan.every(Number.isFinite)).toBe(true);
      expect(l.logU!.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(l.cost)).toBe(true);
      expect(Number.isFinite(l.marginalError)).toBe(true);
      const { rows } = marginals(l.plan, 128, 128);
      expect(maxAbsDiff(rows, c.a)).toBeLessThan(1e-12); // exact after the u update
      expect(l.cost).toBeGreaterThanOrEqual(0); // ⟨P, M⟩ with P ≥ 0, M ≥ 0, Σ P = 1, max M = 1
      expect(l.cost).toBeLessThanOrEqual(1);
    }
  });

  it('onProgress sees the checks and can stop; an aborted signal ends the run', () => {
    const { a, b, M } = randomProblem(5, 8, 8);
    const seen: number[] = [];
    const r = sinkhorn(a, b, M, { reg: 0.01, tol: 0, maxIter: 100, checkEvery: 5, onProgress: (info) => { seen.push(info.iteration); return info.iteration < 11; } });
    expect(seen).toEqual([1, 6, 11]);
    expect(r.stopped).toBe('callback');
    expect(r.iterations).toBe(11);
    expect(r.history).toHaveLength(3);
    const ac = new AbortController();
    ac.abort();
    const s = sinkhorn2(a, b, M, { reg: 0.01, signal: ac.signal });
    expect(s.stopped).toBe('aborted');
    expect(s.iterations).toBe(0);
    expect(s.converged).toBe(false);
  });

  it('throws typed errors with messages, and memory returns to its starting point', () => {
    const before = memoryStats().allocatedBytes;
    const M = [0, 1, 1, 0];
    const cases: [() => unknown, unknown, string][] = [
      [() => sinkhorn([0.5, -0.5, 1], [0.5, 0.5, 0], [0, 1, 1, 0, 1, 1, 0, 1, 1], { reg: 1 }), ParameterError, 'sinkhorn: a must be >= 0 entrywise (got -0.5 at index 1)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.6], M, { reg: 1 }), ParameterError, 'sinkhorn: a and b must have equal sums within 1e-8 relative (got 1 and 1.1)'],
      [() => sinkhorn([0, 0], [0, 0], M, { reg: 1 }), ParameterError, 'sinkhorn: a must have a positive sum (got 0)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], [0, 1, 1], { reg: 1 }), ShapeError, 'sinkhorn: M must have a.length × b.length = 2 × 2 = 4 entries (got 3)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], { data: M, rows: 1, cols: 4 }, { reg: 1 }), ShapeError, 'sinkhorn: M must be a.length × b.length = 2 × 2 (got 1 × 4)'],
      [() => sinkhorn([], [1], [], { reg: 1 }), ShapeError, 'sinkhorn: a must have length >= 1 (got 0)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 0 }), ParameterError, 'sinkhorn: options.reg must be > 0 (got 0)'],
      [() => sinkhorn2([0.5, 0.5], [0.5, 0.5], M, { reg: -1 }), ParameterError, 'sinkhorn2: options.reg must be > 0 (got -1)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: NaN }), ParameterError, 'sinkhorn: options.reg must be > 0 (got NaN)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 1, method: 'fast' as 'log' }), ParameterError, `sinkhorn: options.method must be 'sinkhorn', 'log' or 'stabilized' (got "fast")`],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 1, maxIter: 0 }), ParameterError, 'sinkhorn: options.maxIter must be a positive integer (got 0)'],
      [() => sinkhorn([0.5, NaN], [0.5, 0.5], M, { reg: 1 }), NonFiniteError, 'sinkhorn: a must be finite (got NaN at index 1)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], [0, NaN, 1, 0], { reg: 1 }), NonFiniteError, 'sinkhorn: M must be finite (got NaN at index 1)'],
      [() => sinkhorn([0.5, 0.5], [0.5, 0.5], [0, 1, Infinity, 0], { reg: 1, method: 'log' }), NonFiniteError, 'sinkhorn: M must be finite (got Infinity at index 2)'],
      [() => sinkhorn2([0.5, 0.5], [0.5, 0.5], [0, 1, 1, -Infinity], { reg: 1, method: 'stabilized' }), NonFiniteError, 'sinkhorn2: M must be finite (got -Infinity at index 3)'],
      [() => costMatrix([1, 2, 3], [1, 2], { dim: 2 }), ShapeError, 'costMatrix: X must have a length divisible by dim = 2 (got 3)'],
      [() => costMatrix({ data: [1, 2], rows: 1, cols: 2 }, { data: [1, 2, 3], rows: 1, cols: 3 }), ShapeError, 'costMatrix: X and Y must have the same point dimension (got 2 and 3)'],
      [() => costMatrix([1], [2], { metric: 'cosine' as 'euclidean' }), ParameterError, `costMatrix: options.metric must be 'sqeuclidean', 'euclidean' or 'cityblock' (got "cosine")`],
      [() => costMatrix([1, 2], [NaN]), NonFiniteError, 'costMatrix: Y must be finite (got NaN at index 0)'],
    ];
    for (const [call, cls, message] of cases) {
      let err: unknown;
      try { call(); } catch (e) { err = e; }
      expect(err, message).toBeInstanceOf(cls as new () => Error);
      expect((err as Error).message).toBe(message);
    }
    for (let k = 0; k < 200; k++) sinkhorn2([0.5, 0.5], [0.5, 0.5], M, { reg: 0.5, method: (['sinkhorn', 'log', 'stabilized'] as const)[k % 3] });
    sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 1e-9 }); // the fallback path
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('costMatrix', () => {
  it('equals the definition for every metric, d = 1..5 (SIMD body and tail)', () => {
    const u = uniforms(3);
    for (let d = 1; d <= 5; d++) {
      const n = 3 + d;
      const m = 2 + 2 * d;
      const X = Float64Array.from({ length: n * d }, () => u() * 4 - 2);
      const Y = Float64Array.from({ length: m * d }, () => u() * 4 - 2);
      for (const metric of ['sqeuclidean', 'euclidean', 'cityblock'] as const) {
        const C = costMatrix(X, Y, { dim: d, metric });
        expect(C).toHaveLength(n * m);
        expect(maxAbsDiff(C, costMatrixRef(X, Y, d, metric))).toBeLessThan(1e-14);
      }
    }
    // metric properties: symmetric with zero diagonal when X = Y; triangle inequality for euclidean
    const X = Float64Array.from({ length: 6 * 3 }, () => u());
    const E = costMatrix(X, X, { dim: 3, metric: 'euclidean' });
    for (let i = 0; i < 6; i++) {
      expect(E[i * 6 + i]).toBe(0);
      for (let j = 0; j < 6; j++) {
        expect(E[i * 6 + j]).toBe(E[j * 6 + i]);
        for (let k = 0; k < 6; k++) expect(E[i * 6 + j]!).toBeLessThanOrEqual(E[i * 6 + k]! + E[k * 6 + j]! + 1e-15);
      }
    }
  });
});
