import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, memoryStats, sinkhornUnbalanced } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

interface Case { name: string; a: number[]; b: number[]; M: number[][]; reg: number; reg_m: number; plan: number[][] }
const fixture = JSON.parse(readFileSync(new URL('./pot-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const c = fixture.cases.find((k) => k.name === 'unbalanced-1d-n40')!;

/** Gradient of the unbalanced objective ⟨P,M⟩ + ε Σ P(log P − 1) + λ KL(P1|a) + λ KL(Pᵀ1|b) at P, from the definition. */
function gradient(P: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, M: ArrayLike<number>, reg: number, regM: number): Float64Array {
  const n = a.length;
  const m = b.length;
  const r = new Float64Array(n);
  const col = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    r[i] = r[i]! + P[i * m + j]!;
    col[j] = col[j]! + P[i * m + j]!;
  }
  const G = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    G[i * m + j] = M[i * m + j]! + reg * Math.log(P[i * m + j]!) + regM * Math.log(r[i]! / a[i]!) + regM * Math.log(col[j]! / b[j]!);
  }
  return G;
}

function objective(P: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, M: ArrayLike<number>, reg: number, regM: number): number {
  const n = a.length;
  const m = b.length;
  const r = new Float64Array(n);
  const col = new Float64Array(m);
  let o = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const p = P[i * m + j]!;
    r[i] = r[i]! + p;
    col[j] = col[j]! + p;
    o += p * M[i * m + j]! + reg * p * (Math.log(p) - 1);
  }
  const kl = (x: Float64Array, y: ArrayLike<number>): number => x.reduce((s, xi, i) => s + xi * Math.log(xi / y[i]!) - xi + y[i]!, 0);
  return o + regM * kl(r, a) + regM * kl(col, b);
}

describe('sinkhornUnbalanced', () => {
  it('unbalanced-1d-n40: reproduces the converged POT 0.8.2 ot.sinkhorn_unbalanced(reg_m = 0.5) plan within 1e-9 relative', () => {
    // the fixture is the converged plan: POT's default stopThr 1e-6 leaves ~1e-6 relative; tol 1e-13 gives ~1e-13
    const r = sinkhornUnbalanced(c.a, c.b, c.M.flat(), { reg: c.reg, regM: c.reg_m, tol: 1e-13, maxIter: 100000 });
    const Q = c.plan.flat();
    let e = 0;
    let s = 0;
    for (let k = 0; k < Q.length; k++) {
      e = Math.max(e, Math.abs(r.plan[k]! - Q[k]!));
      s = Math.max(s, Math.abs(Q[k]!));
    }
    expect(e / s).toBeLessThan(1e-9);
    expect(r.converged).toBe(true);
    expect(r.stopped).toBe('converged');
    // the masses differ (1 vs 1.5): the relaxed plan's mass lies between them
    const mass = r.plan.reduce((t, x) => t + x, 0);
    expect(mass).toBeGreaterThan(1);
    expect(mass).toBeLessThan(1.5);
  });

  it('satisfies the first-order optimality condition of the unbalanced objective on random cases', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const u = uniforms(seed);
      const n = 3 + (seed % 5);
      const m = 2 + ((seed * 3) % 6);
      const a = Float64Array.from({ length: n }, () => 0.1 + u());
      const b = Float64Array.from({ length: m }, () => 0.1 + 2 * u());
      const M = Float64Array.from({ length: n * m }, () => u());
      const reg = 0.05 + 0.5 * u();
      const regM = 0.1 + 2 * u();
      const r = sinkhornUnbalanced(a, b, M, { reg, regM, tol: 1e-14, maxIter: 100000 });
      expect(r.converged).toBe(true);
      const G = gradient(r.plan, a, b, M, reg, regM);
      for (const g of G) expect(Math.abs(g)).toBeLessThan(1e-9);
      // and it is a minimum: random positive perturbations do not decrease the objective
      const f0 = objective(r.plan, a, b, M, reg, regM);
      for (let t = 0; t < 5; t++) {
        const Q = r.plan.map((p) => p * Math.exp(0.01 * (u() - 0.5)));
        expect(objective(Q, a, b, M, reg, regM)).toBeGreaterThanOrEqual(f0 - 1e-15);
      }
    }
  });

  it('tends to balanced OT as regM grows (marginals nearly met)', () => {
    const a = [0.3, 0.7];
    const b = [0.5, 0.5];
    const r = sinkhornUnbalanced(a, b, [0, 1, 1, 0], { reg: 0.1, regM: 1e6, tol: 1e-13, maxIter: 100000 });
    expect(Math.abs(r.plan[0]! + r.plan[1]! - 0.3)).toBeLessThan(1e-5);
    expect(Math.abs(r.plan[1]! + r.plan[3]! - 0.5)).toBeLessThan(1e-5);
  });

  it('n = m = 1 has the closed form P = (a b e^{−M/ε})^{φ}… checked through the optimality condition', () => {
    const r = sinkhornUnbalanced([2], [0.5], [0.3], { reg: 0.1, regM: 1, tol: 1e-15, maxIter: 10000 });
    // stationarity: M + ε log p + 2λ log p − λ log(a b) = 0  ⇒  p = (a b)^{λ/(ε+2λ)} e^{−M/(ε+2λ)}
    const p = Math.pow(2 * 0.5, 1 / 2.1) * Math.exp(-0.3 / 2.1);
    expect(Math.abs(r.plan[0]! - p)).toBeLessThan(1e-12);
  });

  it('zero entries of a give zero rows', () => {
    const r = sinkhornUnbalanced([0, 1], [0.5, 0.5], [0, 1, 1, 0], { reg: 0.1, regM: 1 });
    expect(r.plan[0]).toBe(0);
    expect(r.plan[1]).toBe(0);
  });

  it('reports a scaling underflow without NaN (previous scalings kept)', () => {
    const r = sinkhornUnbalanced([0.5, 0.5], [0.5, 0.5], [1, 1, 1, 1], { reg: 1e-4, regM: 1 });
    expect(r.converged).toBe(false);
    expect(r.warning).toMatch(/under\/overflowed/);
    for (const x of r.plan) expect(Number.isFinite(x)).toBe(true);
  });

  it('onProgress can stop the run; an aborted signal ends it', () => {
    const seen: number[] = [];
    const r = sinkhornUnbalanced(c.a, c.b, c.M.flat(), { reg: c.reg, regM: c.reg_m, onProgress: (i) => { seen.push(i.iteration); return i.iteration < 3; } });
    expect(r.stopped).toBe('callback');
    expect(seen).toEqual([1, 2, 3]);
    const ac = new AbortController();
    ac.abort();
    expect(sinkhornUnbalanced(c.a, c.b, c.M.flat(), { reg: c.reg, regM: c.reg_m, signal: ac.signal }).stopped).toBe('aborted');
  });

  it('typed errors with messages; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const f = (a: unknown, b: unknown, M: unknown, o: unknown): unknown => sinkhornUnbalanced(a as number[], b as number[], M as number[], o as { reg: number; regM: number });
    expect(() => f([1], [1], [0], { reg: 0, regM: 1 })).toThrow(ParameterError);
    expect(() => f([1], [1], [0], { reg: 0, regM: 1 })).toThrow('sinkhornUnbalanced: options.reg must be');
    expect(() => f([1], [1], [0], { reg: 1, regM: -1 })).toThrow('sinkhornUnbalanced: options.regM must be');
    expect(() => f([1], [1], [0, 1], { reg: 1, regM: 1 })).toThrow(ShapeError);
    expect(() => f([1], [1], [0, 1], { reg: 1, regM: 1 })).toThrow('sinkhornUnbalanced: M must have a.length × b.length = 1 × 1 = 1 entries (got 2)');
    expect(() => f([-1, 2], [1], [0, 1], { reg: 1, regM: 1 })).toThrow('sinkhornUnbalanced: a must be >= 0 entrywise (got -1 at index 0)');
    expect(() => f([0], [1], [0], { reg: 1, regM: 1 })).toThrow('sinkhornUnbalanced: a must have a positive sum (got 0)');
    expect(() => f([1], [1], [NaN], { reg: 1, regM: 1 })).toThrow(NonFiniteError);
    expect(() => f([1], [1], [0], null)).toThrow(ParameterError);
    // unequal sums are allowed
    expect(sinkhornUnbalanced([1], [3], [0], { reg: 1, regM: 1 }).converged).toBe(true);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
