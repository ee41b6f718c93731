import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, costMatrix, emd, emd2, init, memoryStats, wasserstein1d } from '../../bindings/index.js';
import { emdShortestPaths } from '../../bindings/ot/emd.js';
import { uniforms } from '../helpers.js';
import { marginals } from './reference.js';

beforeAll(() => init());

interface Case { name: string; a: number[]; b: number[]; M: number[][]; emd2: number; emd_plan?: number[][] }
const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byName = (name: string): Case => fixture.cases.find((c) => c.name === name)!;

/** LP optimality certificate: primal feasibility, dual feasibility, complementary slackness, zero gap. */
function expectOptimal(a: ArrayLike<number>, b: ArrayLike<number>, M: ArrayLike<number>, r: ReturnType<typeof emd>, tol = 1e-12): void {
  const n = a.length;
  const m = b.length;
  const scale = Math.max(1, ...Array.from(M, Math.abs));
  const { rows, cols } = marginals(r.plan, n, m);
  for (let i = 0; i < n; i++) expect(Math.abs(rows[i]! - a[i]!)).toBeLessThan(tol);
  for (let j = 0; j < m; j++) expect(Math.abs(cols[j]! - b[j]!)).toBeLessThan(tol);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i]! * r.f[i]!;
  for (let j = 0; j < m; j++) dual += b[j]! * r.g[j]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const k = i * m + j;
    expect(r.plan[k]!).toBeGreaterThanOrEqual(0);
    const slack = M[k]! - r.f[i]! - r.g[j]!;
    expect(slack).toBeGreaterThan(-tol * scale);
    if (r.plan[k]! > 0) expect(Math.abs(slack)).toBeLessThan(tol * scale);
  }
  expect(Math.abs(dual - r.cost)).toBeLessThan(tol * scale);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

describe('emd against the POT 0.8.2 reference', () => {
  for (const name of ['sinkhorn-log-2d-30x40', 'sinkhorn-log-2d-100x80']) {
    it(`${name}: emd plan and emd2 within 1e-9, with a dual certificate`, () => {
      const c = byName(name);
      const M = c.M.flat();
      const r = emd(c.a, c.b, { data: M, rows: c.a.length, cols: c.b.length });
      const want = c.emd_plan!.flat();
      let e = 0;
      for (let k = 0; k < want.length; k++) e = Math.max(e, Math.abs(r.plan[k]! - want[k]!));
      expect(e / Math.max(...want)).toBeLessThan(1e-9);
      expect(Math.abs(r.cost - c.emd2) / c.emd2).toBeLessThan(1e-9);
      expect(Math.abs(emd2(c.a, c.b, M) - c.emd2) / c.emd2).toBeLessThan(1e-9);
      expectOptimal(c.a, c.b, M, r);
    });
  }
  for (const name of ['sinkhorn-1d-n16', 'sinkhorn-1d-n64', 'sinkhorn-1d-n128']) {
    it(`${name}: emd2 within 1e-9`, () => {
      const c = byName(name);
      const r = emd(c.a, c.b, c.M.flat());
      expect(Math.abs(r.cost - c.emd2) / c.emd2).toBeLessThan(1e-9);
      expectOptimal(c.a, c.b, c.M.flat(), r);
    });
  }
});

describe('emd against brute force and closed forms', () => {
  it('uniform weights: the best permutation (Birkhoff), n ≤ 5', () => {
    const u = uniforms(17);
    for (let t = 0; t < 40; t++) {
      const n = 1 + (t % 5);
      const M = Float64Array.from({ length: n * n }, () => Math.round(u() * 20) - 5); // ties and negatives
      const a = new Float64Array(n).fill(1 / n);
      const best = Math.min(...permutations(n).map((p) => p.reduce((s, j, i) => s + M[i * n + j]!, 0) / n));
      const r = emd(a, a, M);
      expect(Math.abs(r.cost - best)).toBeLessThan(1e-12);
      expectOptimal(a, a, M, r);
    }
  });

  it('random weights with zero-mass entries: optimality certificate, and symmetry emd2(a, b, M) = emd2(b, a, Mᵀ)', () => {
    const u = uniforms(29);
    for (let t = 0; t < 20; t++) {
      const n = 1 + (t % 7);
      const m = 1 + ((t * 3) % 8);
      const a = Float64Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : u()));
      const b = Float64Array.from({ length: m }, (_, j) => (j % 4 === 3 ? 0 : u()));
      const sa = a.reduce((s, x) => s + x, 0);
      const sb = b.reduce((s, x) => s + x, 0);
      for (let i = 0; i < n; i++) a[i] = a[i]! / sa;
      for (let j = 0; j < m; j++) b[j] = b[j]! / sb;
      const M = Float64Array.from({ length: n * m }, () => u() * 3);
      const r = emd(a, b, M);
      expectOptimal(a, b, M, r);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (a[i] === 0 || b[j] === 0) expect(r.plan[i * m + j]).toBe(0);
      const Mt = Float64Array.from({ length: n * m }, (_, k) => M[(k % n) * m + Math.floor(k / n)]!);
      expect(Math.abs(emd2(b, a, Mt) - r.cost)).toBeLessThan(1e-13);
    }
  });

  it('1-D: emd2 with |x − y|^p costs equals wasserstein1d (p = 1, 2) and the sorted-quantile closed form', () => {
    const u = uniforms(41);
    for (let t = 0; t < 10; t++) {
      const n = 3 + t;
      const m = 2 + ((t * 5) % 9);
      const xs = Float64Array.from({ length: n }, () => u() * 10 - 5);
      const xt = Float64Array.from({ length: m }, () => u() * 10 - 3);
      const wa = Float64Array.from({ length: n }, () => u() + 0.05);
      const wb = Float64Array.from({ length: m }, () => u() + 0.05);
      const sa = wa.reduce((s, x) => s + x, 0);
      const sb = wb.reduce((s, x) => s + x, 0);
      const a = wa.map((x) => x / sa);
      const b = wb.map((x) => x / sb);
      const W1 = emd2(a, b, costMatrix(xs, xt, { metric: 'euclidean' }));
      const W2 = emd2(a, b, costMatrix(xs, xt));
      expect(Math.abs(wasserstein1d(xs, xt, wa, wb, 1) - W1)).toBeLessThan(1e-12);
      expect(Math.abs(wasserstein1d(xs, xt, wa, wb, 2) - W2)).toBeLessThan(1e-11);
    }
    // equal sizes, uniform weights: W_p^p = mean |sorted x − sorted y|^p
    expect(wasserstein1d([3, 1, 2], [0, 5, 4], undefined, undefined, 2)).toBeCloseTo(((1 - 0) ** 2 + (2 - 4) ** 2 + (3 - 5) ** 2) / 3, 14);
    expect(wasserstein1d([0], [2])).toBe(2);
    expect(wasserstein1d([1, 1], [1])).toBe(0);
  });

  it('W1 and W2 = sqrt(emd2 on squared distances) are metrics on random histograms over a shared support', () => {
    const u = uniforms(77);
    for (let t = 0; t < 20; t++) {
      const n = 5 + (t % 12);
      const X = Float64Array.from({ length: 2 * n }, () => 4 * u() - 2);
      const hist = () => {
        const h = Float64Array.from({ length: n }, () => (u() < 0.2 ? 0 : u()));
        h[t % n]! += 0.1; // never all zero
        const s = h.reduce((p, q) => p + q, 0);
        return h.map((q) => q / s);
      };
      const [a, b, c] = [hist(), hist(), hist()];
      for (const metric of ['euclidean', 'sqeuclidean'] as const) {
        const M = costMatrix({ data: X, rows: n, cols: 2 }, { data: X, rows: n, cols: 2 }, { metric });
        const W = (p: Float64Array, q: Float64Array) => (metric === 'euclidean' ? emd2(p, q, M) : Math.sqrt(Math.max(0, emd2(p, q, M))));
        expect(W(a, a)).toBeLessThan(1e-7); // sqrt of a rounding-level cost for W2
        expect(Math.abs(W(a, b) - W(b, a))).toBeLessThan(1e-12);
        expect(W(a, c)).toBeLessThanOrEqual(W(a, b) + W(b, c) + 1e-12);
        expect(W(a, b)).toBeGreaterThan(0);
      }
    }
  });

  it('n = 1 and m = 1', () => {
    const r = emd([1], [0.2, 0.8], [5, -1]);
    expect(Array.from(r.plan)).toEqual([0.2, 0.8]);
    expect(r.cost).toBeCloseTo(0.2 * 5 - 0.8, 15);
    expect(emd2([2], [2], [3])).toBe(6);
  });
});

describe('emd (network simplex) against the earlier shortest-path solver and the LP certificate', () => {
  const weights = (u: () => number, k: number, zeros = 0): Float64Array => {
    const w = Float64Array.from({ length: k }, (_, i) => (zeros > 0 && i % zeros === zeros - 1 ? 0 : 0.05 + u()));
    const t = w.reduce((s, x) => s + x, 0);
    return w.map((x) => x / t);
  };

  it('random n = 200 (2-D points, squared Euclidean): same cost as successive shortest paths, certified optimal', () => {
    const u = uniforms(101);
    const n = 200;
    const X = Float64Array.from({ length: 2 * n }, () => u());
    const Y = Float64Array.from({ length: 2 * n }, () => u());
    const M = costMatrix(X, Y, { dim: 2 });
    const a = weights(u, n);
    const b = weights(u, n);
    const before = memoryStats().allocatedBytes;
    const r = emd(a, b, M);
    const old = emdShortestPaths(a, b, M);
    expect(Math.abs(r.cost - old.cost) / old.cost).toBeLessThan(1e-12);
    expectOptimal(a, b, M, r);
    // A vertex of the transport polytope: at most n + m − 1 nonzeros.
    expect(r.plan.reduce((c, x) => c + (x > 0 ? 1 : 0), 0)).toBeLessThanOrEqual(2 * n - 1);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('random rectangular and degenerate cases (integer costs with many ties, zero masses, negative costs): cost = shortest paths, certified', () => {
    const u = uniforms(202);
    for (let t = 0; t < 12; t++) {
      const n = 20 + ((t * 37) % 130);
      const m = 15 + ((t * 53) % 170);
      const ints = t % 2 === 0;
      const M = Float64Array.from({ length: n * m }, () => (ints ? Math.floor(u() * 6) - 2 : u() * 4 - 1));
      const a = weights(u, n, t % 3 === 0 ? 5 : 0);
      const b = weights(u, m, t % 4 === 1 ? 7 : 0);
      const r = emd(a, b, M);
      const old = emdShortestPaths(a, b, M);
      expect(Math.abs(r.cost - old.cost)).toBeLessThan(1e-12 * Math.max(1, Math.abs(old.cost)));
      expectOptimal(a, b, M, r);
    }
  });

  it('uniform weights on n = 60: a permutation-like optimum equals the shortest-path one (n = m, integer costs)', () => {
    const u = uniforms(303);
    const n = 60;
    const M = Float64Array.from({ length: n * n }, () => Math.floor(u() * 1000));
    const a = new Float64Array(n).fill(1 / n);
    const r = emd(a, a, M);
    expect(Math.abs(r.cost - emdShortestPaths(a, a, M).cost)).toBeLessThan(1e-12 * r.cost);
    expectOptimal(a, a, M, r);
  });

  it('sums differing within the allowed 1e-8: moves min(Σa, Σb), like the earlier solver', () => {
    const u = uniforms(404);
    const n = 30;
    const m = 25;
    const M = Float64Array.from({ length: n * m }, () => u());
    const a = weights(u, n).map((x) => x * (1 + 4e-9));
    const b = weights(u, m);
    const r = emd(a, b, M);
    const old = emdShortestPaths(a, b, M);
    expect(Math.abs(r.cost - old.cost)).toBeLessThan(1e-12);
    const { rows, cols } = marginals(r.plan, n, m);
    for (let j = 0; j < m; j++) expect(Math.abs(cols[j]! - b[j]!)).toBeLessThan(1e-15);
    for (let i = 0; i < n; i++) expect(rows[i]!).toBeLessThanOrEqual(a[i]! * (1 + 1e-15));
  });
});

describe('emd and wasserstein1d errors', () => {
  it('throws typed errors with messages; memory returns to its starting point', () => {
    const before = memoryStats().allocatedBytes;
    const cases: [() => unknown, unknown, string][] = [
      [() => emd([0.5, 0.5], [1, -0], [0, 1, 1], ), ShapeError, 'emd: M must have a.length × b.length = 2 × 2 = 4 entries (got 3)'],
      [() => emd([1.5, -0.5], [0.5, 0.5], [0, 1, 1, 0]), ParameterError, 'emd: a must be >= 0 entrywise (got -0.5 at index 1)'],
      [() => emd2([0.5, 0.5], [0.5, 0.7], [0, 1, 1, 0]), ParameterError, 'emd2: a and b must have equal sums within 1e-8 relative (got 1 and 1.2)'],
      [() => emd2([0.5, 0.5], [0.5, 0.5], [0, 1, NaN, 0]), NonFiniteError, 'emd2: M must be finite (got NaN at index 2)'],
      [() => wasserstein1d([1, 2], [3], [1]), ShapeError, 'wasserstein1d: wa must have the length of xa, 2 (got 1)'],
      [() => wasserstein1d([1, 2], [3], [1, -1]), ParameterError, 'wasserstein1d: wa must be >= 0 entrywise (got -1 at index 1)'],
      [() => wasserstein1d([1, 2], [3], undefined, undefined, 0), ParameterError, 'wasserstein1d: p must be finite and >= 1 (a convex cost |x − y|^p) (got 0)'],
      [() => wasserstein1d([], [3]), ShapeError, 'wasserstein1d: xa must have length >= 1 (got 0)'],
      [() => wasserstein1d([1, Infinity], [3]), NonFiniteError, 'wasserstein1d: xa must be finite (got Infinity at index 1)'],
    ];
    for (const [call, cls, message] of cases) {
      let err: unknown;
      try { call(); } catch (e) { err = e; }
      expect(err, message).toBeInstanceOf(cls as new () => Error);
      expect((err as Error).message).toBe(message);
    }
    for (let k = 0; k < 100; k++) emd([0.3, 0.7], [0.6, 0.4], [0, 1, 2, 0.5]);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
