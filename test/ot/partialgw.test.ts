import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { gromovWasserstein } from '../../bindings/ot/gromov.js';
import { partialGromovWasserstein } from '../../bindings/ot/partialgw.js';
import { cloud, distances } from './gw-reference.js';

beforeAll(() => init());

/** Σ_ijkl (C1_ik − C2_jl)² P_ij P_kl and its gradient, from the definition. */
function objective(C1: Float64Array, C2: Float64Array, P: ArrayLike<number>, n: number, m: number): { value: number; grad: Float64Array } {
  const grad = new Float64Array(n * m);
  let value = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let g = 0;
    for (let k = 0; k < n; k++) for (let l = 0; l < m; l++) g += ((C1[i * n + k]! - C2[j * m + l]!) ** 2 + (C1[k * n + i]! - C2[l * m + j]!) ** 2) * P[k * m + l]!;
    grad[i * m + j] = g;
    value += 0.5 * g * P[i * m + j]!;
  }
  return { value, grad };
}

describe('partialGromovWasserstein', () => {
  it('with the full mass of equal-mass measures is gromovWasserstein from the product coupling', () => {
    for (const t of [1, 2, 3]) {
      const n = 7, m = 6;
      const C1 = distances(cloud(t, n, 2), n, 2), C2 = distances(cloud(t + 10, m, 3), m, 3);
      const p = new Float64Array(n).fill(1 / n), q = new Float64Array(m).fill(1 / m);
      const g = gromovWasserstein(C1, C2, p, q, { spectral: 0 });
      const r = partialGromovWasserstein(C1, C2, p, q);
      expect(r.value).toBeCloseTo(g.value, 12);
      expect(r.value).toBeCloseTo(objective(C1, C2, r.plan, n, m).value, 12);
    }
  });

  it('ends at a stationary point: no vertex of the partial polytope (enumerated) is a descent direction', () => {
    // weights 1 and mass 3: the vertices are the 0/1 matrices with three ones, no two in a row or column
    const n = 5, m = 6, mass = 3;
    for (const t of [4, 5, 6, 7]) {
      const C1 = distances(cloud(t, n, 2), n, 2), C2 = distances(cloud(t + 20, m, 2), m, 2);
      const r = partialGromovWasserstein(C1, C2, new Float64Array(n).fill(1), new Float64Array(m).fill(1), { mass });
      const { value, grad } = objective(C1, C2, r.plan, n, m);
      expect(r.value).toBeCloseTo(value, 10);
      let total = 0;
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let j = 0; j < m; j++) { row += r.plan[i * m + j]!; expect(r.plan[i * m + j]!).toBeGreaterThanOrEqual(0); }
        expect(row).toBeLessThanOrEqual(1 + 1e-12);
        total += row;
      }
      for (let j = 0; j < m; j++) { let col = 0; for (let i = 0; i < n; i++) col += r.plan[i * m + j]!; expect(col).toBeLessThanOrEqual(1 + 1e-12); }
      expect(total).toBeCloseTo(mass, 12);
      let at = 0;
      for (let k = 0; k < n * m; k++) at += grad[k]! * r.plan[k]!;
      let lmo = Infinity;
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++)
        for (let x = 0; x < m; x++) for (let y = 0; y < m; y++) for (let z = 0; z < m; z++) {
          if (x === y || y === z || x === z) continue;
          lmo = Math.min(lmo, grad[a * m + x]! + grad[b * m + y]! + grad[c * m + z]!);
        }
      expect(lmo).toBeGreaterThanOrEqual(at - 1e-10 * Math.max(1, Math.abs(at)));
    }
  });

  it('leaves outliers unmatched: a cloud against its rotated copy plus two far points', () => {
    const n = 8;
    const X = cloud(5, n, 2);
    const Y = new Float64Array(2 * (n + 2));
    for (let i = 0; i < n; i++) {
      Y[2 * i] = Math.cos(0.7) * X[2 * i]! - Math.sin(0.7) * X[2 * i + 1]!;
      Y[2 * i + 1] = Math.sin(0.7) * X[2 * i]! + Math.cos(0.7) * X[2 * i + 1]!;
    }
    Y.set([5, 5, -4, 6], 2 * n);
    const C1 = distances(X, n, 2), C2 = distances(Y, n + 2, 2);
    const p = new Float64Array(n).fill(1), q = new Float64Array(n + 2).fill(1);
    const r = partialGromovWasserstein(C1, C2, p, q, { mass: n, restarts: 5, seed: 1 });
    for (let i = 0; i < n; i++) for (const o of [n, n + 1]) expect(r.plan[i * (n + 2) + o]).toBe(0);
    // the full GW of the normalised measures has to send 1/5 of the mass to the outliers
    const full = gromovWasserstein(C1, C2, new Float64Array(n).fill(1 / n), new Float64Array(n + 2).fill(1 / (n + 2)));
    expect(r.value / (n * n)).toBeLessThan(full.value / 10);
    // the true matching is a stationary point of value 0 (a warm start stays there)
    const truth = new Float64Array(n * (n + 2));
    for (let i = 0; i < n; i++) truth[i * (n + 2) + i] = 1;
    const w = partialGromovWasserstein(C1, C2, p, q, { mass: n, init: { data: truth, rows: n, cols: n + 2 } });
    expect(w.value).toBeLessThan(1e-12);
    expect(w.iterations).toBe(1);
  });

  it('rejects bad input with typed errors', () => {
    const C = distances(cloud(1, 3, 2), 3, 2);
    const p = new Float64Array(3).fill(1 / 3);
    expect(() => partialGromovWasserstein(C, C, p, new Float64Array(4).fill(0.25))).toThrow(ShapeError);
    expect(() => partialGromovWasserstein(C, C, p, p, { mass: 2 })).toThrow(/partialGromovWasserstein: options.mass must be in \(0, min/);
    expect(() => partialGromovWasserstein(C, C, p, p, { mass: 0 })).toThrow(ParameterError);
    expect(() => partialGromovWasserstein(C, C, p, p, { masses: 1 } as object)).toThrow(/masses/);
    expect(() => partialGromovWasserstein(C, C, p, p, { init: 'random' as 'product' })).toThrow(ParameterError);
    expect(() => partialGromovWasserstein(C, C, p, p, { init: C.map((x) => -x) })).toThrow(/options.init must be >= 0/);
    expect(() => partialGromovWasserstein(C.map((x, k) => (k === 2 ? Infinity : x)), C, p, p)).toThrow(NonFiniteError);
    expect(() => partialGromovWasserstein(C, C, p.map((x) => -x), p)).toThrow(ParameterError);
  });
});
