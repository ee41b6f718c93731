import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ParameterError,
  ShapeError,
  allocF64,
  elasticNet,
  huberLoss,
  indBallL1,
  indBallL2,
  indBallLinf,
  indBox,
  indHalfspace,
  indHyperplane,
  indNonnegative,
  indSimplex,
  init,
  memoryStats,
  normL1,
  normL2,
  normL21,
  normLinf,
  sqrNormL2,
  type ProxOperator,
} from '../../bindings/index.js';
import { maxDiff, dot, expectErrors, type ErrorCase } from './check.js';
import { randomVector, uniforms } from '../helpers.js';
import { patternSearch, proxObjective } from './minimize.js';
import { projectSimplexSortRef } from './reference.js';

beforeAll(() => init());

const dist = maxDiff;
const dotp = dot;

/** The functions (not sets), each with a generator of its parameters' length needs. */
const FUNCTIONS: { make: (n: number) => ProxOperator; n: number[] }[] = [
  { make: () => normL1(0.7), n: [1, 3, 4] },
  { make: (n) => normL1(0.5, Array.from({ length: n }, (_, i) => [0, 1, 2.5, 0.3][i % 4]!)), n: [3, 4] },
  { make: () => normL2(0.9), n: [1, 3, 4] },
  { make: () => sqrNormL2(1.3), n: [2, 4] },
  { make: () => elasticNet(0.6, 0.8), n: [3, 4] },
  { make: () => normLinf(1.1), n: [2, 3, 4] },
  { make: () => normL21([[0, 2], [1]], 0.8, [1, 2]), n: [3, 4] },
  { make: () => huberLoss(0.5), n: [1, 3] },
];

const SETS: { make: (n: number) => ProxOperator; n: number[] }[] = [
  { make: () => indBox(-0.5, 0.8), n: [1, 4] },
  { make: (n) => indBox(Array.from({ length: n }, (_, i) => -i * 0.3), Array.from({ length: n }, (_, i) => i * 0.2 + 0.1)), n: [4, 7] },
  { make: () => indNonnegative(), n: [1, 5] },
  { make: () => indSimplex(1.5), n: [1, 5, 9] },
  { make: () => indBallL1(1.2), n: [1, 5, 9] },
  { make: () => indBallL2(0.7), n: [1, 5] },
  { make: () => indBallLinf(0.4), n: [1, 5] },
  { make: (n) => indHyperplane(randomVector(77 + n, n), 0.3), n: [1, 5] },
  { make: (n) => indHalfspace(randomVector(78 + n, n), -0.2), n: [1, 5] },
];

describe('operator catalogue: prox against brute-force minimisation of f(x) + ‖x − v‖²/(2t)', () => {
  for (const { make, n: sizes } of FUNCTIONS) {
    it(`${make(4).name}`, () => {
      let seed = 100;
      for (const n of sizes) {
        const op = make(n);
        for (const t of [0.3, 1, 2.5]) {
          const v = randomVector(seed++, n, 1.5);
          const p = op.prox(v, t);
          const F = proxObjective((x) => op.value(x), v, t);
          const brute = patternSearch(F, v, 2);
          // p is at least as good as the search's best, and the search converges to p.
          expect(F(p)).toBeLessThanOrEqual(brute.value + 1e-13 * (1 + Math.abs(brute.value)));
          expect(dist(p, brute.x)).toBeLessThan(2e-6);
        }
      }
    });
  }
});

describe('operator catalogue: projections satisfy the variational inequality ⟨v − p, y − p⟩ ≤ 0', () => {
  for (const { make, n: sizes } of SETS) {
    it(`${make(sizes[0]!).name}`, () => {
      let seed = 300;
      for (const n of sizes) {
        const op = make(n);
        for (let k = 0; k < 20; k++) {
          const v = randomVector(seed++, n, 2);
          const p = op.prox(v, 1 + k);
          expect(op.value(p)).toBe(0);
          // Feasible points: projections of other random points, and p itself moved to its neighbours.
          for (let j = 0; j < 10; j++) {
            const y = op.prox(randomVector(seed * 31 + j, n, 3));
            const vi = dotp(Float64Array.from(v, (vi, i) => vi - p[i]!), Float64Array.from(y, (yi, i) => yi - p[i]!));
            expect(vi).toBeLessThanOrEqual(1e-12 * (1 + dotp(v, v) + dotp(y, y)));
          }
          // And no point found by search from p is closer (the search may step outside the set by the
          // indicator's 1e-9 relative tolerance, which can gain about that much).
          if (n <= 4) {
            const F = proxObjective((x) => op.value(x), v, 1);
            expect(F(p)).toBeLessThanOrEqual(patternSearch(F, p, 1, 60).value + 1e-8 * (1 + F(p)));
          }
          if (op.value(v) === 0) expect(dist(p, v)).toBeLessThanOrEqual(1e-15 * (1 + dist(v, new Float64Array(n))));
        }
      }
    });
  }

  it('the L1-ball threshold is right for sparse and dense results (radius from 0.1 % to ~100 % of ‖v‖₁), with ties', () => {
    for (const [seed, n] of [[1, 1000], [2, 4097], [3, 7]] as const) {
      const v = randomVector(seed, n, 1);
      if (seed === 2) for (let i = 0; i < n; i += 3) v[i] = v[0]!; // many exact ties
      const total = v.reduce((s, x) => s + Math.abs(x), 0);
      for (const frac of [0.001, 0.05, 0.099, 0.1, 0.3, 0.9, 0.999999]) {
        const r = frac * total;
        const w = projectSimplexSortRef(v.map(Math.abs), r);
        const p = indBallL1(r).prox(v);
        expect(dist(p, v.map((x, i) => Math.sign(x) * w[i]!))).toBeLessThan(1e-13);
        expect(Math.abs(p.reduce((s, x) => s + Math.abs(x), 0) - r)).toBeLessThan(1e-12 * total);
      }
    }
  });

  it('the simplex and L1-ball projections agree with sort-based definitions (Duchi et al. 2008)', () => {
    for (let k = 0; k < 30; k++) {
      const n = 1 + (k % 13) * 7;
      const v = randomVector(500 + k, n, 2);
      expect(dist(indSimplex(1.5).prox(v), projectSimplexSortRef(v, 1.5))).toBeLessThan(1e-14);
      const a = v.map(Math.abs);
      const r = 1.2;
      const l1 = indBallL1(r).prox(v);
      if (a.reduce((s, x) => s + x, 0) <= r) expect(dist(l1, v)).toBe(0);
      else {
        const w = projectSimplexSortRef(a, r);
        expect(dist(l1, v.map((x, i) => Math.sign(x) * w[i]!))).toBeLessThan(1e-14);
      }
    }
  });
});

describe('operator catalogue: Moreau identity prox_{tf}(v) + t·prox_{f*/t}(v/t) = v', () => {
  // Pairs (f, f*): norms and their dual-norm balls, the weighted L1 and its box, (λ/2)‖·‖² and (1/(2λ))‖·‖².
  const groupsBall = (v: Float64Array, groups: number[][], radii: number[]) => {
    // f does not depend on entries in no group: f* is the indicator of {yᵢ = 0} there.
    const out = new Float64Array(v.length);
    groups.forEach((g, j) => {
      const nrm = Math.hypot(...g.map((i) => v[i]!));
      for (const i of g) out[i] = nrm > radii[j]! ? (v[i]! * radii[j]!) / nrm : v[i]!;
    });
    return out;
  };
  const w = [0.5, 0, 2, 1, 0.25, 3];
  const PAIRS: [string, ProxOperator, (u: Float64Array, t: number) => Float64Array][] = [
    ['normL1 ↔ ball L∞', normL1(0.7), (u) => indBallLinf(0.7).prox(u)],
    ['weighted normL1 ↔ box', normL1(0.7, w), (u) => indBox(w.map((x) => -0.7 * x), w.map((x) => 0.7 * x)).prox(u)],
    ['normL2 ↔ ball L2', normL2(1.3), (u) => indBallL2(1.3).prox(u)],
    ['normLinf ↔ ball L1', normLinf(0.9), (u) => indBallL1(0.9).prox(u)],
    ['sqrNormL2(λ) ↔ sqrNormL2(1/λ)', sqrNormL2(2), (u, t) => sqrNormL2(0.5).prox(u, 1 / t)],
    ['normL21 ↔ product of L2 balls', normL21([[0, 3], [1, 2, 5]], 0.8, [1, 2]), (u) => groupsBall(u, [[0, 3], [1, 2, 5]], [0.8, 1.6])],
    ['indNonnegative ↔ indicator of x ≤ 0', indNonnegative(), (u) => indBox(-Infinity, 0).prox(u)],
  ];
  for (const [label, f, conj] of PAIRS) {
    it(label, () => {
      for (let k = 0; k < 25; k++) {
        const t = [0.1, 1, 7][k % 3]!;
        const v = randomVector(900 + k, 6, 1 + (k % 5));
        const p = f.prox(v, t);
        const q = conj(v.map((x) => x / t), t);
        expect(dist(p.map((x, i) => x + t * q[i]!), v)).toBeLessThan(1e-13 * (1 + Math.max(...v.map(Math.abs))));
      }
    });
  }
});

describe('operator catalogue: firm nonexpansiveness ‖p − q‖² ≤ ⟨p − q, u − v⟩', () => {
  for (const { make, n: sizes } of [...FUNCTIONS, ...SETS]) {
    const n = sizes[sizes.length - 1]!;
    it(make(n).name, () => {
      const op = make(n);
      const u = uniforms(42);
      for (let k = 0; k < 50; k++) {
        const a = randomVector(1000 + k, n, 2);
        // Close pairs too, where rounding matters most.
        const b = k % 2 ? randomVector(2000 + k, n, 2) : a.map((x) => x + (u() - 0.5) * 1e-3);
        const t = 0.2 + 3 * u();
        const p = op.prox(a, t);
        const q = op.prox(b, t);
        const pq = p.map((x, i) => x - q[i]!);
        expect(dotp(pq, pq)).toBeLessThanOrEqual(dotp(pq, a.map((x, i) => x - b[i]!)) + 1e-14 * (1 + dotp(a, a) + dotp(b, b)));
      }
    });
  }
});

describe('operator catalogue: closed forms, subgradient conditions and edge cases', () => {
  it('normL1/elasticNet/sqrNormL2/huberLoss agree with their scalar closed forms on long vectors (SIMD body and tail)', () => {
    for (const n of [0, 1, 2, 3, 17, 1001]) {
      const v = randomVector(n + 5, n, 3);
      const t = 0.7;
      const soft = (x: number, a: number) => Math.sign(x) * Math.max(Math.abs(x) - a, 0);
      expect(dist(normL1(0.5).prox(v, t), v.map((x) => soft(x, 0.35)))).toBe(0);
      expect(dist(elasticNet(0.5, 2).prox(v, t), v.map((x) => soft(x, 0.35) / 2.4))).toBeLessThan(1e-15 * 4);
      expect(dist(sqrNormL2(3).prox(v, t), v.map((x) => x / 3.1))).toBeLessThan(1e-15 * 4);
      const huber = (x: number) => (Math.abs(x) <= 0.4 * (1 + t) ? x / (1 + t) : x - t * 0.4 * Math.sign(x));
      expect(dist(huberLoss(0.4).prox(v, t), v.map(huber))).toBeLessThan(1e-15 * 4);
      const w = Float64Array.from({ length: n }, (_, i) => (i % 3) * 0.5);
      expect(dist(normL1(2, w).prox(v, t), v.map((x, i) => soft(x, 1.4 * w[i]!)))).toBeLessThan(1e-15 * 4);
    }
  });

  it('normL2: v − p = tλ·v/‖v‖ outside the ball of radius tλ, p = 0 inside', () => {
    const v = randomVector(3, 1000, 0.1);
    const nv = Math.hypot(...v);
    const p = normL2(1).prox(v, 1);
    const c = 1 - 1 / nv;
    expect(dist(p, v.map((x) => c * x))).toBeLessThan(1e-15);
    expect(Array.from(normL2(1).prox(v, nv * 1.0001))).toEqual(new Array(1000).fill(0));
    // No overflow or underflow in the norm.
    expect(normL2(1).prox([3e200, 4e200], 1)[0]).toBeCloseTo(3e200 * (1 - 1 / 5e200), 0);
    expect(dist(normL2(1e-300).prox([3e-300, 4e-300], 1), [0.6 * 4e-300, 0.8 * 4e-300])).toBeLessThan(1e-315);
  });

  it('normLinf: p = clamp(v, −τ, τ) with Σ(|v| − τ)₊ = tλ, and 0 when ‖v‖₁ ≤ tλ', () => {
    const v = randomVector(9, 500, 1);
    const p = normLinf(2).prox(v, 1.5);
    const tau = Math.max(...p.map(Math.abs));
    expect(Math.abs(v.reduce((s, x) => s + Math.max(Math.abs(x) - tau, 0), 0) - 3)).toBeLessThan(1e-12);
    expect(Array.from(normLinf(1).prox([0.5, -0.2], 1))).toEqual([0, 0]);
    expect(Array.from(normLinf(0).prox([0.5, -0.2], 1))).toEqual([0.5, -0.2]);
  });

  it('normL21 on consecutive blocks (the no-gather SIMD path) equals the group soft-threshold definition', () => {
    for (const [n, g] of [[1001, 7], [64, 8], [5, 2], [3, 3]] as const) {
      const groups = Array.from({ length: Math.floor(n / g) }, (_, j) => Array.from({ length: g }, (_, k) => j * g + k));
      const v = randomVector(n + g, n, 1);
      const w = groups.map((_, j) => (j % 3) * 0.5);
      const p = normL21(groups, 0.9, w).prox(v, 1.5);
      const want = Float64Array.from(v);
      groups.forEach((grp, j) => {
        const nrm = Math.hypot(...grp.map((i) => v[i]!));
        const c = Math.max(1 - (1.5 * 0.9 * w[j]!) / nrm, 0);
        for (const i of grp) want[i] = c * v[i]! + 0;
      });
      expect(dist(p, want)).toBeLessThan(1e-15);
      expect(Object.is(normL21([[0, 1]], 5).prox([-1, -1, 2])[0], 0)).toBe(true); // +0, not −0
    }
  });

  it('normL21: entries in no group pass through; a zero group stays zero', () => {
    const op = normL21([[1, 2]], 1);
    expect(Array.from(op.prox([5, 0, 0, -7], 3))).toEqual([5, 0, 0, -7]);
    expect(Array.from(op.prox([5, 3, 4, -7], 1))).toEqual([5, 3 * 0.8, 4 * 0.8, -7]);
    expect(op.value([5, 3, 4, -7])).toBe(5);
  });

  it('hyperplane and half-space: the projection lies on the plane, moved along a', () => {
    const a = randomVector(12, 300, 1);
    const v = randomVector(13, 300, 1);
    const p = indHyperplane(a, 2).prox(v);
    expect(Math.abs(dotp(a, p) - 2)).toBeLessThan(1e-12);
    const h = indHalfspace(a, dotp(a, v) - 1).prox(v);
    expect(Math.abs(dotp(a, h) - (dotp(a, v) - 1))).toBeLessThan(1e-12);
    expect(Array.from(indHalfspace(a, dotp(a, v) + 1).prox(v))).toEqual(Array.from(v));
  });

  it('out, in place and the zero-copy F64Buffer path give the same result; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const ops = [...FUNCTIONS, ...SETS].map(({ make, n }) => [make(n[n.length - 1]!), n[n.length - 1]!] as const);
    for (const [op, n] of ops) {
      const v = randomVector(n, n, 2);
      const want = op.prox(v, 0.8);
      const out = new Float64Array(n);
      expect(op.prox(v, 0.8, out)).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(want));
      const buf = allocF64(v);
      const res = allocF64(n);
      expect(op.prox(buf, 0.8, res)).toBe(res);
      expect(Array.from(res.view())).toEqual(Array.from(want));
      op.prox(buf, 0.8, buf); // in place
      expect(Array.from(buf.view())).toEqual(Array.from(want));
      buf.free();
      res.free();
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('properties are declared', () => {
    expect(normL1(1).properties).toEqual({ convex: true, separable: true, prox: 'closed-form', indicator: false });
    expect(normL2(1).properties.separable).toBe(false);
    expect(indBallL2(1).properties).toEqual({ convex: true, separable: false, prox: 'closed-form', indicator: true });
    expect(indBox(0, 1).properties.separable).toBe(true);
    expect(normL1(0.5).name).toBe('normL1(0.5)');
  });

  it('values: norms, and indicators with a 1e-9 relative tolerance', () => {
    expect(normL1(2).value([1, -2])).toBe(6);
    expect(normL2(2).value([3, -4])).toBe(10);
    expect(normLinf(2).value([3, -4])).toBe(8);
    expect(elasticNet(1, 2).value([1, -2])).toBe(3 + 5);
    expect(huberLoss(1).value([0.5, -3])).toBe(0.125 + 2.5);
    expect(indBallL1(1).value([0.5, 0.5 + 1e-12])).toBe(0);
    expect(indBallL1(1).value([0.5, 0.5 + 1e-6])).toBe(Infinity);
    expect(indSimplex(1).value([0.25, 0.75])).toBe(0);
    expect(indSimplex(1).value([-0.25, 1.25])).toBe(Infinity);
    expect(indBox(0, 1).value([0, 1, 0.5])).toBe(0);
    expect(indBox(0, 1).value([1.1])).toBe(Infinity);
  });
});

describe('operator catalogue: typed errors', () => {
  const cases: ErrorCase[] = [
    [() => normL1(-1), ParameterError, 'normL1: lambda must be >= 0 (got -1)'],
    [() => normL1(1, [1, -2]), ParameterError, 'normL1: weights[1] must be finite and >= 0 (got -2)'],
    [() => normL2(NaN), ParameterError, 'normL2: lambda must be >= 0 (got NaN)'],
    [() => sqrNormL2(Infinity), ParameterError, 'sqrNormL2: lambda must be finite (got Infinity)'],
    [() => elasticNet(1, -0.5), ParameterError, 'elasticNet: lambda2 must be >= 0 (got -0.5)'],
    [() => huberLoss(0), ParameterError, 'huberLoss: delta must be > 0 (got 0)'],
    [() => normL21([[0, 1], [1, 2]], 1), ParameterError, 'normL21: groups must not overlap (index 1 is in groups 0 and 1)'],
    [() => normL21([[0, 1.5]], 1), ParameterError, 'normL21: groups[0][1] must be an integer index >= 0 (got 1.5)'],
    [() => normL21([[0], [1]], 1, [1]), ParameterError, 'normL21: weights must have one entry per group, 2 (got 1)'],
    [() => normL21([[0, 5]], 1).prox([1, 2, 3]), ParameterError, 'normL21(1 groups, 1).prox: v must have length > 5, the largest group index (got 3)'],
    [() => indBox(1, 0), ParameterError, 'indBox: lo must be <= hi (got lo = 1, hi = 0)'],
    [() => indBox([0, 0], [1]), ShapeError, 'indBox: lo and hi must have the same length (got 2 and 1)'],
    [() => indBox([0, 0], 1).prox([1, 2, 3]), ShapeError, 'indBox([2], 1).prox: v must have length 2 like lo and hi (got 3)'],
    [() => indSimplex(-1e-300), ParameterError, 'indSimplex: radius must be >= 0 (got -1e-300)'],
    [() => indSimplex(1).prox([]), ShapeError, 'indSimplex(1).prox: v must have length >= 1 (got 0)'],
    [() => indBallL1(-1), ParameterError, 'indBallL1: radius must be >= 0 (got -1)'],
    [() => indBallL2(Infinity), ParameterError, 'indBallL2: radius must be finite (got Infinity)'],
    [() => indHyperplane([0, 0], 1), ParameterError, 'indHyperplane: a must be a non-zero vector (got all zeros, length 2)'],
    [() => indHalfspace([1, NaN], 1), ParameterError, 'indHalfspace: a[1] must be finite (got NaN)'],
    [() => indHalfspace([1, 2], NaN), ParameterError, 'indHalfspace: b must be a finite number (got NaN)'],
    [() => normL1(1).prox([1, 2], 0), ParameterError, 'normL1(1).prox: t must be > 0 (got 0)'],
    [() => normL1(1).prox([1, 2], 1, new Float64Array(3)), ShapeError, 'normL1(1).prox: out must have length 2 (got 3)'],
    [() => normL2(1).prox([1, Infinity]), NonFiniteError, 'normL2(1).prox: v must be finite (got Infinity at index 1)'],
    [() => indBallL1(1).prox([1, 2, NaN]), NonFiniteError, 'indBallL1(1).prox: v must be finite (got NaN at index 2)'],
    [() => normLinf(1).prox([-Infinity]), NonFiniteError, 'normLinf(1).prox: v must be finite (got -Infinity at index 0)'],
    [() => indHyperplane([1, 1], 0).prox([1, NaN]), NonFiniteError, 'indHyperplane([2], 0).prox: v must be finite (got NaN at index 1)'],
    [() => normL21([[0, 1]], 1).prox([0, 1, NaN]), NonFiniteError, 'normL21(1 groups, 1).prox: v must be finite (got NaN at index 2)'],
    [() => normL1(1).value([1, NaN]), NonFiniteError, 'normL1(1).value: x must be finite (got NaN at index 1)'],
  ];
  it('every bad parameter throws its class with a message naming function, argument, expectation and value', () => {
    const before = memoryStats().allocatedBytes;
    expectErrors(cases);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(Array.from(normL1(1).prox([2, -3]))).toEqual([1, -2]); // still usable
  });
});
