import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, NonFiniteError, init } from '../../bindings/index.js';
import { entropicGromovWasserstein, fusedGromovWasserstein, gromovWasserstein } from '../../bindings/ot/gromov.js';
import { uniforms } from '../helpers.js';
import { cloud, distances } from './gw-reference.js';
import { marginals } from './reference.js';

beforeAll(() => init());

/** The GW objective Σ_ijkl L(C1_ik, C2_jl) P_ij P_kl by its definition (the n²m² sum). */
function gwBrute(C1: ArrayLike<number>, C2: ArrayLike<number>, P: ArrayLike<number>, n: number, m: number, L = (a: number, b: number) => (a - b) ** 2): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const pij = P[i * m + j]!;
    if (pij === 0) continue;
    for (let k = 0; k < n; k++) for (let l = 0; l < m; l++) s += L(C1[i * n + k]!, C2[j * m + l]!) * pij * P[k * m + l]!;
  }
  return s;
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k < n; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

/** POT 0.9.7 values (test/ot/pot-gromov.py): conditional gradient from the product coupling. */
interface GwCase { C1: number[]; C2: number[]; p: number[]; q: number[]; loss: 'square' | 'kl'; value: number; M?: number[]; alpha?: number }
const pot = JSON.parse(readFileSync(new URL('./pot-gromov.json', import.meta.url), 'utf8')) as { gw: GwCase[]; fgw: GwCase[] };

const uniform = (n: number): Float64Array => new Float64Array(n).fill(1 / n);

describe('gromovWasserstein', () => {
  it('is 0 with a permutation plan between a cloud and a rotated, translated, permuted copy', () => {
    for (const [seed, n, d] of [[1, 12, 2], [2, 30, 3], [3, 50, 2]] as const) {
      const X = cloud(seed, n, d);
      const u = uniforms(seed + 100);
      // random rotation (2-D: angle; 3-D: product of two plane rotations), translation, permutation
      const th = u() * 6.28, ph = u() * 6.28;
      const perm = Array.from({ length: n }, (_, i) => i).sort(() => u() - 0.5);
      const Y = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const x = Array.from(X.subarray(perm[i]! * d, perm[i]! * d + d));
        let y = [Math.cos(th) * x[0]! - Math.sin(th) * x[1]!, Math.sin(th) * x[0]! + Math.cos(th) * x[1]!, ...x.slice(2)];
        if (d === 3) y = [y[0]!, Math.cos(ph) * y[1]! - Math.sin(ph) * y[2]!, Math.sin(ph) * y[1]! + Math.cos(ph) * y[2]!];
        for (let k = 0; k < d; k++) Y[i * d + k] = y[k]! + 3 + k;
      }
      const C1 = distances(X, n, d);
      const C2 = distances(Y, n, d);
      const r = gromovWasserstein(C1, C2, uniform(n), uniform(n), { restarts: 4, seed: 1 });
      expect(Math.abs(r.value)).toBeLessThan(1e-12);
      // the plan is the permutation (scaled by 1/n): point perm[i] of X ↔ point i of Y
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        expect(r.plan[perm[j]! * n + j]).toBeCloseTo(1 / n, 14);
        if (i !== perm[j]) expect(r.plan[i * n + j]).toBe(0);
      }
      expect(gwBrute(C1, C2, r.plan, n, n)).toBeLessThan(1e-12);
    }
  });

  it('matches the definition of the objective and keeps the marginals (unequal sizes, non-uniform weights)', () => {
    const n = 7, m = 5;
    const C1 = distances(cloud(5, n, 2), n, 2);
    const C2 = distances(cloud(6, m, 3), m, 3);
    const u = uniforms(7);
    const p = Float64Array.from({ length: n }, () => u() + 0.1);
    const q = Float64Array.from({ length: m }, () => u() + 0.1);
    const sp = p.reduce((a, b) => a + b), sq = q.reduce((a, b) => a + b);
    p.forEach((x, i) => (p[i] = x / sp));
    q.forEach((x, i) => (q[i] = x / sq));
    for (const loss of ['square', 'kl'] as const) {
      const C1k = loss === 'kl' ? C1.map((c) => c + 0.5) : C1;
      const C2k = loss === 'kl' ? C2.map((c) => c + 0.5) : C2;
      const L = loss === 'square' ? undefined : (a: number, b: number) => a * Math.log(a / b) - a + b;
      const r = gromovWasserstein(C1k, C2k, p, q, { loss });
      expect(r.converged).toBe(true);
      const ref = gwBrute(C1k, C2k, r.plan, n, m, L);
      expect(Math.abs(r.value - ref)).toBeLessThan(1e-12 * Math.max(1, ref));
      const { rows, cols } = marginals(r.plan, n, m);
      rows.forEach((x, i) => expect(x).toBeCloseTo(p[i]!, 13));
      cols.forEach((x, j) => expect(x).toBeCloseTo(q[j]!, 13));
      // the product coupling is feasible, so a descent method ends no higher
      const prod = Float64Array.from({ length: n * m }, (_, k) => p[Math.floor(k / m)]! * q[k % m]!);
      expect(r.value).toBeLessThanOrEqual(gwBrute(C1k, C2k, prod, n, m, L) + 1e-14);
    }
  });

  it('ends at a stationary point: no permutation (brute force) is a descent direction (n = 6)', () => {
    // GW is non-convex; conditional gradient stops at a point where the linearised problem has no better
    // vertex. With uniform weights and n = m the vertices are the permutations (Birkhoff), so the check
    // enumerates all 720 with the gradient taken from the objective's definition.
    for (let seed = 10; seed < 20; seed++) {
      const n = 6;
      const C1 = distances(cloud(seed, n, 2), n, 2);
      const C2 = distances(cloud(seed + 1000, n, 2), n, 2);
      const r = gromovWasserstein(C1, C2, uniform(n), uniform(n));
      const G = new Float64Array(n * n); // ∂/∂P_ij = 2 Σ_kl (C1_ik − C2_jl)² P_kl (symmetric C)
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) s += 2 * (C1[i * n + k]! - C2[j * n + l]!) ** 2 * r.plan[k * n + l]!;
        G[i * n + j] = s;
      }
      let at = 0;
      for (let k = 0; k < n * n; k++) at += G[k]! * r.plan[k]!;
      let lmo = Infinity;
      for (const perm of permutations(n)) lmo = Math.min(lmo, perm.reduce((s, j, i) => s + G[i * n + j]! / n, 0));
      expect(lmo).toBeGreaterThanOrEqual(at - 1e-12);
    }
  });

  it("is no worse than POT's conditional-gradient local optimum from the product coupling (24 fixtures)", () => {
    let equal = 0;
    for (const c of pot.gw) {
      const r = gromovWasserstein(c.C1, c.C2, c.p, c.q, { loss: c.loss });
      expect(r.value).toBeLessThanOrEqual(c.value + 1e-12 * Math.max(1, Math.abs(c.value)));
      // the first start (the product coupling) runs POT's algorithm; the spectral starts can only lower the value
      const first = r.startValues[0]!;
      if (Math.abs(first - c.value) <= 1e-10 * Math.max(1, Math.abs(c.value))) equal++;
      // and restarts only improve on it
      expect(gromovWasserstein(c.C1, c.C2, c.p, c.q, { loss: c.loss, restarts: 5 }).value).toBeLessThanOrEqual(r.value);
    }
    expect(equal).toBeGreaterThan(pot.gw.length / 2); // same algorithm: mostly the same local optimum
    for (const c of pot.fgw) {
      const r = fusedGromovWasserstein(c.M!, c.C1, c.C2, c.p, c.q, { alpha: c.alpha! });
      expect(r.value).toBeLessThanOrEqual(c.value + 1e-12 * Math.max(1, Math.abs(c.value)));
    }
  });

  it('keeps the best of several starts and accepts a warm start', () => {
    const n = 9;
    const C1 = distances(cloud(40, n, 2), n, 2);
    const C2 = distances(cloud(41, n, 2), n, 2);
    const r = gromovWasserstein(C1, C2, uniform(n), uniform(n), { restarts: 6, seed: 3 });
    expect(r.startValues).toHaveLength(1 + 4 + 6); // product, 4 spectral (default k = 2), 6 random
    expect(r.value).toBe(Math.min(...r.startValues));
    expect(r.startValues[r.bestStart]).toBe(r.value);
    const warm = gromovWasserstein(C1, C2, uniform(n), uniform(n), { init: { data: r.plan, rows: n, cols: n } });
    expect(warm.value).toBeLessThanOrEqual(r.value + 1e-15);
    expect(warm.iterations).toBe(1); // already stationary
  });

  it('rejects bad input with typed errors', () => {
    const C = distances(cloud(1, 3, 2), 3, 2);
    const p = uniform(3);
    expect(() => gromovWasserstein(C, C, p, uniform(4))).toThrow(ShapeError);
    expect(() => gromovWasserstein(C, C, p, p, { loss: 'l1' as 'kl' })).toThrow(ParameterError);
    expect(() => gromovWasserstein(C, C, p, p, { maxIters: 3 } as object)).toThrow(/maxIter/);
    expect(() => gromovWasserstein(C.map((c) => -c), C, p, p, { loss: 'kl' })).toThrow(/C1 must be >= 0/);
    expect(() => gromovWasserstein(C.map((c, k) => (k === 4 ? NaN : c)), C, p, p)).toThrow(NonFiniteError);
    expect(() => gromovWasserstein(C, C, p, p, { init: 'random' as 'product' })).toThrow(ParameterError);
    expect(() => fusedGromovWasserstein(new Float64Array(9), C, C, p, p, { alpha: 2 })).toThrow(/alpha/);
    expect(() => entropicGromovWasserstein(C, C, p, p, { reg: 0 })).toThrow(/reg/);
    expect(() => gromovWasserstein(C, C, p, p, { spectral: 5 })).toThrow(/options\.spectral must be an integer in \[0, 4\]/);
    expect(() => gromovWasserstein(C, C, p, p, { spectral: 1.5 })).toThrow(ParameterError);
  });
});

describe('fusedGromovWasserstein', () => {
  it('is exact OT at alpha = 0 and GW at alpha = 1, and its value matches the definition in between', () => {
    const n = 6, m = 6;
    const X = cloud(50, n, 2), Y = cloud(51, m, 2);
    const C1 = distances(X, n, 2), C2 = distances(Y, m, 2);
    const M = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) M[i * m + j] = (X[2 * i]! - Y[2 * j]!) ** 2 + (X[2 * i + 1]! - Y[2 * j + 1]!) ** 2;
    // alpha = 0: the best permutation by brute force is the OT optimum (uniform weights, n = m)
    let otBest = Infinity;
    for (const perm of permutations(n)) otBest = Math.min(otBest, perm.reduce((s, j, i) => s + M[i * m + j]! / n, 0));
    expect(fusedGromovWasserstein(M, C1, C2, uniform(n), uniform(m), { alpha: 0 }).value).toBeCloseTo(otBest, 13);
    const g = gromovWasserstein(C1, C2, uniform(n), uniform(m));
    expect(fusedGromovWasserstein(M, C1, C2, uniform(n), uniform(m), { alpha: 1 }).value).toBeCloseTo(g.value, 13);
    const f = fusedGromovWasserstein(M, C1, C2, uniform(n), uniform(m), { alpha: 0.3 });
    let lin = 0;
    for (let k = 0; k < n * m; k++) lin += M[k]! * f.plan[k]!;
    expect(f.value).toBeCloseTo(0.7 * lin + 0.3 * gwBrute(C1, C2, f.plan, n, m), 13);
  });
});

describe('entropicGromovWasserstein', () => {
  it('returns a coupling whose value matches the definition, close to the exact GW as reg → 0', () => {
    const n = 10;
    const X = cloud(60, n, 2);
    const C1 = distances(X, n, 2);
    const Y = Float64Array.from(X, (x, k) => (k % 2 === 0 ? -x : x)); // a mirror image: isometric
    const C2 = distances(Y, n, 2);
    const r = entropicGromovWasserstein(C1, C2, uniform(n), uniform(n), { reg: 5e-3 });
    expect(Math.abs(r.value - gwBrute(C1, C2, r.plan, n, n))).toBeLessThan(1e-12);
    const { rows } = marginals(r.plan, n, n);
    rows.forEach((x) => expect(x).toBeCloseTo(1 / n, 8));
    expect(r.value).toBeLessThan(1e-3);
    expect(r.innerIterations).toBeGreaterThanOrEqual(r.iterations);
  });
});
