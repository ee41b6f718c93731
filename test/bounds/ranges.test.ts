/**
 * The ends of the bounds family's region and radius ranges: a ball of radius 0 and a box with
 * lower = upper are single points, so every method's bounds must equal the exact forward pass there
 * (evaluateNetwork), and certified accuracy at radius 0 is the plain accuracy (classificationAccuracy).
 * A negative radius, or lower > upper, describes no region and is refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, ProxkitError, certifiedAccuracy, classificationAccuracy, computeBounds, evaluateNetwork, init, trainMlp, type NetworkSpec,
} from '../../bindings/index.js';
import { smallSpec } from './reference.js';

beforeAll(() => init());

const spec = smallSpec;
const METHODS = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const;

describe('regions that are a single point', () => {
  const x = [0.3, -0.7];
  it('radius 0 (every norm) and lower = upper give the exact output as both bounds', () => {
    const y = evaluateNetwork(spec(), x);
    const regions = [
      { center: x, radius: 0, norm: 'inf' as const },
      { center: x, radius: 0, norm: 2 as const },
      { center: x, radius: 0, norm: 1 as const },
      { lower: x, upper: x },
    ];
    for (const method of METHODS) {
      for (const region of regions) {
        const b = computeBounds(spec(), region, { method });
        y.forEach((yi, i) => {
          expect(b.lower[i]!).toBeCloseTo(yi, 12);
          expect(b.upper[i]!).toBeCloseTo(yi, 12);
        });
      }
    }
  });

  it('a negative radius or lower > upper is refused', () => {
    expect(() => computeBounds(spec(), { center: x, radius: -Number.MIN_VALUE, norm: 'inf' })).toThrow(ParameterError);
    expect(() => computeBounds(spec(), { lower: [0, 0], upper: [0, -1e-300] })).toThrow(ProxkitError);
  });
});

describe("leaky-relu's slope α ∈ [0, 1] (the convex range the relaxations assume)", () => {
  const withSlope = (alpha: number): NetworkSpec =>
    ({ input: 2, layers: [{ type: 'linear', weight: [[1, -1], [0.5, 2]], bias: [0, 0.1] }, { type: 'leaky-relu', alpha }, { type: 'linear', weight: [[1, -1]], bias: [0] }] }) as NetworkSpec;
  const box = { lower: [-1, -0.5], upper: [0.5, 1] };
  it('α = 0 bounds like relu, α = 1 like no activation (exact for every method: the network is affine)', () => {
    const relu = { ...withSlope(0), layers: withSlope(0).layers.map((l) => (l.type === 'leaky-relu' ? { type: 'relu' } : l)) } as NetworkSpec;
    const affine = { ...withSlope(0), layers: withSlope(0).layers.filter((l) => l.type !== 'leaky-relu') } as NetworkSpec;
    for (const method of METHODS) {
      expect(computeBounds(withSlope(0), box, { method })).toEqual(computeBounds(relu, box, { method }));
      const b = computeBounds(withSlope(1), box, { method });
      const e = computeBounds(affine, box, { method });
      expect(b.lower[0]!).toBeCloseTo(e.lower[0]!, 12);
      expect(b.upper[0]!).toBeCloseTo(e.upper[0]!, 12);
    }
    // the affine network's exact range over the box: y = 0.5·x₁ − 3·x₂ − 0.1
    const corners = [[-1, -0.5], [-1, 1], [0.5, -0.5], [0.5, 1]].map(([x1, x2]) => 0.5 * x1! - 3 * x2! - 0.1);
    expect(computeBounds(affine, box, { method: 'crown' }).lower[0]!).toBeCloseTo(Math.min(...corners), 12);
  });

  it('α < 0 or α > 1 (a non-convex activation) is refused', () => {
    for (const bad of [-1e-300, 1 + 2 ** -52]) expect(() => computeBounds(withSlope(bad), box)).toThrow(ParameterError);
  });
});

describe("α-CROWN's iterations ≥ 0", () => {
  it('0 iterations keep the initial slopes: the CROWN bounds; more never loosen them; a negative count is refused', () => {
    const box = { lower: [-1, -1], upper: [1, 1] };
    const crown = computeBounds(spec(), box, { method: 'crown' });
    // the bounds are CROWN's (peakBytes, the memory held, differs: α-CROWN keeps its slopes)
    const zero = computeBounds(spec(), box, { method: 'alpha-crown', alpha: { iterations: 0 } });
    expect({ lower: zero.lower, upper: zero.upper }).toEqual({ lower: crown.lower, upper: crown.upper });
    const tuned = computeBounds(spec(), box, { method: 'alpha-crown', alpha: { iterations: 20 } });
    crown.lower.forEach((l, i) => {
      expect(tuned.lower[i]!).toBeGreaterThanOrEqual(l);
      expect(tuned.upper[i]!).toBeLessThanOrEqual(crown.upper[i]!);
    });
    expect(() => computeBounds(spec(), box, { method: 'alpha-crown', alpha: { iterations: -1 } })).toThrow(ParameterError);
    expect(() => computeBounds(spec(), box, { method: 'alpha-crown', alpha: { lr: 0 } })).toThrow(ParameterError);
  });
});

describe("trainMlp's batchSize ≥ 1", () => {
  it('a batch above the number of examples is the whole set: the same model as batchSize = n; 0 is refused', () => {
    const X = [[0, 0], [1, 0], [0, 1], [1, 1]];
    const y = [0, 1, 1, 0];
    const options = { hidden: [3], epochs: 3, learningRate: 0.05, seed: 2 };
    const whole = trainMlp(X, y, { ...options, batchSize: 4 });
    for (const big of [5, 1e12]) expect(trainMlp(X, y, { ...options, batchSize: big }).network).toEqual(whole.network);
    expect(() => trainMlp(X, y, { ...options, batchSize: 0 })).toThrow(ParameterError);
  });
});

describe('certifiedAccuracy at radius 0', () => {
  it('is the plain accuracy for every method (a point is certified exactly when it is classified right)', () => {
    const X = [[0, 0], [1, 0], [0, 1], [1, 1], [0.2, 0.9]];
    const y = [0, 1, 1, 0, 1];
    const plain = classificationAccuracy(spec(), X, y);
    const r = certifiedAccuracy(spec(), X, y, { radii: [0], methods: ['ibp', 'crown', 'alpha-crown'], clip: null });
    expect(r.clean).toBe(plain);
    for (const method of ['ibp', 'crown', 'alpha-crown']) expect(r.certified[method]).toEqual([plain]);
    expect(() => certifiedAccuracy(spec(), X, y, { radii: [-1e-300] })).toThrow(ParameterError);
  });
});
