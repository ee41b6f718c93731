import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, memoryStats, sinkhorn } from '../../bindings/index.js';
import { marginals, relDiff } from './reference.js';

beforeAll(() => init());

interface Case { name: string; a: number[]; b: number[]; M: number[][]; reg: number; plan?: number[][] }
const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byName = (name: string): Case => fixture.cases.find((c) => c.name === name)!;


describe("sinkhorn method 'log' with epsilonScaling", () => {
  it('gives the same plan as without scaling at the final reg (and POT’s at the fixture reg), in comparable or fewer iterations', () => {
    const c = byName('sinkhorn-1d-n64');
    const M = c.M.flat();
    for (const reg of [c.reg, 1e-3]) {
      const plain = sinkhorn(c.a, c.b, M, { reg, method: 'log', tol: 1e-11, maxIter: 100000 });
      const scaled = sinkhorn(c.a, c.b, M, { reg, method: 'log', tol: 1e-11, maxIter: 100000, epsilonScaling: 10 });
      expect(plain.converged && scaled.converged).toBe(true);
      expect(relDiff(scaled.plan, plain.plan)).toBeLessThan(1e-9);
      if (reg === c.reg) expect(relDiff(scaled.plan, c.plan!.flat())).toBeLessThan(1e-9);
      expect(scaled.iterations).toBeLessThanOrEqual(plain.iterations * 1.1);
      if (reg === 1e-3) expect(scaled.iterations).toBeLessThan(plain.iterations);
    }
  });

  it('the 1-D n = 128 case at reg = 1e-4 reaches column-marginal error ≤ 1e-9 with a finite plan', () => {
    const c = byName('sinkhorn-1d-n128');
    const n = c.a.length;
    const r = sinkhorn(c.a, c.b, c.M.flat(), { reg: 1e-4, method: 'log', tol: 1e-9, maxIter: 50000, epsilonScaling: 10 });
    expect(r.converged).toBe(true);
    for (const x of r.plan) expect(Number.isFinite(x)).toBe(true);
    const { rows, cols } = marginals(r.plan, n, n);
    let e2 = 0;
    for (let j = 0; j < n; j++) e2 += (cols[j]! - c.b[j]!) ** 2;
    expect(Math.sqrt(e2)).toBeLessThanOrEqual(1e-9);
    for (let i = 0; i < n; i++) expect(Math.abs(rows[i]! - c.a[i]!)).toBeLessThan(1e-12);
  });

  it('a reg at or above the cost range runs a single stage (identical to no scaling)', () => {
    const a = [0.5, 0.5];
    const M = [0, 1, 1, 0];
    const r1 = sinkhorn(a, a, M, { reg: 2, method: 'log' });
    const r2 = sinkhorn(a, a, M, { reg: 2, method: 'log', epsilonScaling: 10 });
    expect(Array.from(r2.plan)).toEqual(Array.from(r1.plan));
    expect(r2.iterations).toBe(r1.iterations);
  });

  it('typed errors: a factor ≤ 1 or non-finite, a method other than log', () => {
    const before = memoryStats().allocatedBytes;
    const a = [0.5, 0.5];
    const M = [0, 1, 1, 0];
    expect(() => sinkhorn(a, a, M, { reg: 1, method: 'log', epsilonScaling: 1 })).toThrow(ParameterError);
    expect(() => sinkhorn(a, a, M, { reg: 1, method: 'log', epsilonScaling: 1 })).toThrow('sinkhorn: options.epsilonScaling must be a finite number > 1');
    expect(() => sinkhorn(a, a, M, { reg: 1, method: 'log', epsilonScaling: Infinity })).toThrow('sinkhorn: options.epsilonScaling must be a finite number > 1');
    expect(() => sinkhorn(a, a, M, { reg: 1, epsilonScaling: 10 })).toThrow("sinkhorn: options.method must be 'log' when options.epsilonScaling is set");
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
