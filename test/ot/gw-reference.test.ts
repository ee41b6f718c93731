import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { gromovWasserstein } from '../../bindings/ot/gromov.js';
import { uniforms } from '../helpers.js';
import { assignment, bestPermutation, cloud, distances, quadForm, referenceGw } from './gw-reference.js';

beforeAll(() => init());

/** Random pair t: a 2-D or 3-D cloud against a 2-D cloud, n points each (Euclidean distances). */
function pair(t: number, n: number): { C1: Float64Array; C2: Float64Array } {
  const d = 2 + (t % 2);
  return { C1: distances(cloud(1000 + t, n, d), n, d), C2: distances(cloud(2000 + t, n, 2), n, 2) };
}

const uniform = (n: number): Float64Array => new Float64Array(n).fill(1 / n);

describe('the plain-TS reference (test/ot/gw-reference.ts)', () => {
  it('solves assignment problems exactly (against enumeration, n ≤ 7)', () => {
    const u = uniforms(5);
    for (let t = 0; t < 30; t++) {
      const n = 1 + (t % 7);
      const cost = Float64Array.from({ length: n * n }, () => Math.floor(u() * 10)); // ties included
      const col = assignment(cost, n);
      expect([...col].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const got = col.reduce((s, j, i) => s + cost[i * n + j]!, 0);
      // enumeration through bestPermutation's search: a structure pair whose GW value is the assignment cost
      let best = Infinity;
      const perm = Array.from({ length: n }, (_, i) => i);
      const rec = (k: number): void => {
        if (k === n) { best = Math.min(best, perm.reduce((s, j, i) => s + cost[i * n + j]!, 0)); return; }
        for (let m = k; m < n; m++) { [perm[k], perm[m]] = [perm[m]!, perm[k]!]; rec(k + 1); [perm[k], perm[m]] = [perm[m]!, perm[k]!]; }
      };
      rec(0);
      expect(got).toBe(best);
    }
  });

  it('finds the best permutation by enumeration (its value is the GW objective of that plan)', () => {
    const n = 6;
    const { C1, C2 } = pair(3, n);
    const { value, perm } = bestPermutation(C1, C2, n);
    const P = new Float64Array(n * n);
    perm.forEach((j, i) => (P[i * n + j] = 1 / n));
    expect(quadForm(C1, C2, P, P, n)).toBeCloseTo(value, 14);
    // an isometric copy (C2 = C1 permuted) has best value 0
    const sigma = [3, 0, 5, 1, 4, 2];
    const C3 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) C3[sigma[i]! * n + sigma[k]!] = C1[i * n + k]!;
    expect(bestPermutation(C1, C3, n).value).toBe(0);
  });

  it('descends from the product coupling and keeps the marginals', () => {
    const n = 8;
    const { C1, C2 } = pair(4, n);
    const prod = new Float64Array(n * n).fill(1 / (n * n));
    const r = referenceGw(C1, C2, n);
    expect(r.value).toBeLessThan(quadForm(C1, C2, prod, prod, n));
    for (let i = 0; i < n; i++) {
      let row = 0, col = 0;
      for (let j = 0; j < n; j++) { row += r.plan[i * n + j]!; col += r.plan[j * n + i]!; }
      expect(row).toBeCloseTo(1 / n, 14);
      expect(col).toBeCloseTo(1 / n, 14);
    }
  });
});

describe("gromovWasserstein against POT's conditional gradient (the plain-TS reference)", () => {
  it('is never worse than the reference local optimum from the product coupling (24 random pairs, n = 5…12)', () => {
    let equalProduct = 0;
    for (let t = 0; t < 24; t++) {
      const n = 5 + (t % 8);
      const { C1, C2 } = pair(t, n);
      const ref = referenceGw(C1, C2, n);
      const r = gromovWasserstein(C1, C2, uniform(n), uniform(n));
      expect(r.value).toBeLessThanOrEqual(ref.value + 1e-12 * Math.max(1, ref.value));
      // the first start is the product coupling and runs the same algorithm: mostly the same optimum
      if (Math.abs(r.startValues[0]! - ref.value) <= 1e-10 * Math.max(1, ref.value)) equalProduct++;
    }
    expect(equalProduct).toBeGreaterThanOrEqual(20);
  });

  it('reaches the best permutation (enumeration) more often with the spectral starts than from the product coupling alone (n = 5…8)', () => {
    // Each start ends in a local optimum; the best permutation bounds the global optimum from above.
    // Measured on these pairs: product only 5/1/1/0 of 20 at n = 5/6/7/8, with the default spectral
    // starts 15/6/7/7, and the mean gap to the best permutation falls from 56–99 % to 2–10 %.
    const hits = { product: 0, spectral: 0 };
    for (const n of [5, 6, 7, 8]) for (let t = 0; t < 20; t++) {
      const { C1, C2 } = pair(t, n);
      const best = bestPermutation(C1, C2, n).value;
      const r = gromovWasserstein(C1, C2, uniform(n), uniform(n));
      const product = gromovWasserstein(C1, C2, uniform(n), uniform(n), { spectral: 0 });
      expect(r.startValues).toHaveLength(5);
      expect(product.value).toBe(r.startValues[0]);
      if (r.value <= best + 1e-12) hits.spectral++;
      if (product.value <= best + 1e-12) hits.product++;
    }
    expect(hits.product).toBeLessThanOrEqual(10);
    expect(hits.spectral).toBeGreaterThanOrEqual(30);
  });
});
