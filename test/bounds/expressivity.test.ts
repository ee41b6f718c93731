/**
 * Relaxations on networks that encode simple piecewise-linear functions (the point of "Expressivity
 * of ReLU-Networks under Convex Relaxations", 2023): which methods give the exact
 * range of max(x, y), |x|, a hat function, … on which boxes. The true range comes from a dense grid
 * through the plain-TS forward pass (the grids contain every breakpoint, so grid extremes are exact
 * for these piecewise-linear functions); the observed exactness of each bound is asserted side by side.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeBounds, init, type NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { compileRef, forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

const NETS: Record<string, NetworkSpec> = {
  // max(x, y) = y + relu(x − y)
  max: { input: 2, layers: [{ type: 'linear', weight: [[1, -1]] }, { type: 'relu' }, { type: 'linear', weight: [[0, 1]], inputs: [-1] }, { type: 'add', inputs: [1, 2] }] },
  // max(x, y) = (x + y)/2 + (relu(x − y) + relu(y − x))/2
  maxSym: { input: 2, layers: [
    { type: 'linear', weight: [[1, -1], [-1, 1]] }, { type: 'relu' }, { type: 'linear', weight: [[0.5, 0.5]], inputs: [-1] },
    { type: 'linear', weight: [[0.5, 0.5]], inputs: [1] }, { type: 'add', inputs: [2, 3] },
  ] },
  // |x| = relu(x) + relu(−x)
  abs: { input: 1, layers: [{ type: 'linear', weight: [[1], [-1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] }] },
  // hat(x) = relu(x) − 2 relu(x − 1) + relu(x − 2): 0 outside [0, 2], peak 1 at x = 1
  hat: { input: 1, layers: [{ type: 'linear', weight: [[1], [1], [1]], bias: [0, -1, -2] }, { type: 'relu' }, { type: 'linear', weight: [[1, -2, 1]] }] },
  // x + relu(x): monotone, with a residual connection
  mono: { input: 1, layers: [{ type: 'relu' }, { type: 'add', inputs: [-1, 0] }] },
};

const METHODS = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const;
type Flags = [lowerExact: boolean, upperExact: boolean];
const T = true, F = false;

/** [net, box lower, box upper, exactness per method (ibp, crown, crown-ibp, alpha-crown)]. */
const CASES: [string, number[], number[], Flags[]][] = [
  ['max', [-1, -1], [1, 1], [[T, F], [T, F], [T, F], [T, F]]],
  ['max', [-1, 0], [1, 2], [[T, F], [T, F], [T, F], [T, F]]],
  ['maxSym', [-1, -1], [1, 1], [[T, F], [T, F], [T, F], [T, F]]],
  ['abs', [-1], [1], [[T, F], [T, T], [T, T], [T, T]]],
  ['abs', [-1], [2], [[T, F], [F, T], [F, T], [T, T]]],
  ['hat', [-1], [3], [[F, F], [F, F], [F, F], [F, F]]],
  ['hat', [0.5], [1.5], [[F, F], [T, F], [T, F], [T, T]]],
  ['hat', [0.2], [0.8], [[T, T], [T, T], [T, T], [T, T]]],
  ['mono', [-1], [1], [[T, T], [T, T], [T, T], [T, T]]],
];

/** Min and max over a (G + 1)^n grid of the box (G = 480: every breakpoint of the cases below is a grid point). */
function trueRange(spec: NetworkSpec, lo: number[], hi: number[], G = 480): [number, number] {
  const f = compileRef(spec);
  let min = Infinity, max = -Infinity;
  const n = lo.length;
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    const y = f(idx.map((i, j) => lo[j]! + ((hi[j]! - lo[j]!) * i) / G))[0]!;
    min = Math.min(min, y);
    max = Math.max(max, y);
    let j = 0;
    while (j < n && ++idx[j]! > G) idx[j++] = 0;
    if (j === n) return [min, max];
  }
}

describe('expressivity: where IBP / CROWN / α-CROWN are exact on piecewise-linear functions', () => {
  it.each(CASES.map((c) => [`${c[0]} on [${c[1]}]–[${c[2]}]`, c] as const))('%s', (_, [name, lo, hi, flags]) => {
    const spec = NETS[name]!;
    const [min, max] = trueRange(spec, lo, hi);
    const observed = METHODS.map((method) => {
      const b = computeBounds(spec, { lower: lo, upper: hi }, { method, alpha: { iterations: 50 } });
      expect(b.lower[0]).toBeLessThanOrEqual(min + 1e-12); // sound
      expect(b.upper[0]).toBeGreaterThanOrEqual(max - 1e-12);
      return [Math.abs(b.lower[0]! - min) < 1e-9, Math.abs(b.upper[0]! - max) < 1e-9];
    });
    expect(observed).toEqual(flags);
  });

  it('the gaps, in numbers: max(x, y) on [−1, 1]² has range [−1, 1]; IBP gives [−1, 3], CROWN and α-CROWN [−1, 2]', () => {
    const r = Object.fromEntries(METHODS.map((m) => [m, computeBounds(NETS.max!, { lower: [-1, -1], upper: [1, 1] }, { method: m })]));
    expect([r.ibp!.lower[0], r.ibp!.upper[0]]).toEqual([-1, 3]);
    expect([r.crown!.lower[0], r.crown!.upper[0]]).toEqual([-1, 2]);
    // Upper chord relu(d) ≤ (d + 2)/2 on [−2, 2]: y + (x − y)/2 + 1 ≤ 2; α only moves lower lines.
    expect(r['alpha-crown']!.upper[0]).toBeCloseTo(2, 12);
    // |x| on [−1, 2]: CROWN's adaptive lower slopes (1 for relu(x), 0 for relu(−x)) give x ≥ −1, below
    // IBP's 0; α-CROWN finds equal slopes, (α₁ − α₂)x ≥ 0.
    const abs = METHODS.map((m) => computeBounds(NETS.abs!, { lower: [-1], upper: [2] }, { method: m, alpha: { iterations: 50 } }).lower[0]!);
    expect(abs[0]).toBe(0);
    expect(abs[1]).toBeCloseTo(-1, 12);
    expect(abs[3]).toBeCloseTo(0, 9);
  });

  it('monotone nets (non-negative weights, increasing activations): IBP is exact, [f(l), f(u)]', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const spec = randomNet(800 + seed, [3, 6, 5, 2], [(['relu', 'sigmoid', 'tanh', 'leaky-relu'] as const)[seed % 4]!]);
      for (const L of spec.layers) if (L.type === 'linear') (L.weight as number[][]).forEach((row) => row.forEach((w, j) => (row[j] = Math.abs(w))));
      const u = uniforms(seed);
      const lo = [0, 0, 0].map(() => u() - 1), hi = lo.map((v) => v + u());
      const b = computeBounds(spec, { lower: lo, upper: hi }, { method: 'ibp' });
      const [fl, fu] = [forwardRef(spec, lo), forwardRef(spec, hi)];
      for (let j = 0; j < 2; j++) {
        expect(b.lower[j]).toBeCloseTo(fl[j]!, 12);
        expect(b.upper[j]).toBeCloseTo(fu[j]!, 12);
      }
    }
  });
});
