import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ParameterError,
  ShapeError,
  computeBounds,
  evaluateNetwork,
  init,
  memoryStats,
  parseNetwork,
  type BoundsRegion,
  type LayerSpec,
  type NetworkSpec,
} from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { crownRef, flatten, forwardRef, ibpRef, randomNet, sampler } from './reference.js';

beforeAll(() => init());

const TOL = 1e-9;

function checkSound(spec: NetworkSpec, region: BoundsRegion, b: { lower: Float64Array; upper: Float64Array }, seed: number, samples = 10_000, C?: number[][]): void {
  const next = sampler(seed, region, spec.input as number);
  for (let s = 0; s < samples; s++) {
    const x = next();
    let y = forwardRef(spec, x);
    if (C) y = C.map((row) => row.reduce((a, c, j) => a + c * y[j]!, 0));
    y.forEach((v, j) => {
      const scale = 1 + Math.abs(v);
      if (!(v >= b.lower[j]! - TOL * scale && v <= b.upper[j]! + TOL * scale)) {
        throw new Error(`output ${j} = ${v} outside [${b.lower[j]}, ${b.upper[j]}] at x = ${x}`);
      }
    });
  }
}

function randomBox(seed: number, n: number, width: number): { lower: number[]; upper: number[] } {
  const u = uniforms(seed);
  const c = Array.from({ length: n }, () => 2 * u() - 1);
  const r = Array.from({ length: n }, () => width * u());
  return { lower: c.map((x, i) => x - r[i]!), upper: c.map((x, i) => x + r[i]!) };
}

const ACTS: LayerSpec['type'][][] = [['relu'], ['leaky-relu'], ['sigmoid'], ['tanh'], ['relu', 'tanh', 'affine', 'sigmoid', 'leaky-relu']];

describe('computeBounds: soundness by sampling (10⁴ inputs per region)', () => {
  it('IBP and CROWN contain every sampled output on seeded random nets and boxes', () => {
    let cases = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const u = uniforms(1000 + seed);
      const depth = 1 + Math.floor(u() * 4);
      const widths = [1 + Math.floor(u() * 6), ...Array.from({ length: depth }, () => 2 + Math.floor(u() * 12)), 1 + Math.floor(u() * 4)];
      const spec = randomNet(seed, widths, ACTS[seed % ACTS.length], 1 + u() * 2);
      const region = randomBox(50 + seed, widths[0]!, seed % 3 === 0 ? 2 : 0.3);
      for (const method of ['ibp', 'crown'] as const) {
        const b = computeBounds(spec, region, { method });
        expect(b.lower.length).toBe(widths[widths.length - 1]);
        checkSound(spec, region, b, 7 * seed, 5_000);
        cases++;
      }
    }
    expect(cases).toBe(20);
  });

  it('holds over L∞, L2 and L1 balls and for a specification matrix C', () => {
    for (const norm of ['inf', 2, 1] as const) {
      const spec = randomNet(31, [4, 10, 8, 3], ['relu', 'tanh']);
      const region: BoundsRegion = { center: [0.1, -0.4, 0.3, 0.8], radius: 0.6, norm };
      const C = [[1, -1, 0], [0, 2, -0.5]];
      for (const method of ['ibp', 'crown'] as const) {
        checkSound(spec, region, computeBounds(spec, region, { method }), 3, 10_000);
        checkSound(spec, region, computeBounds(spec, region, { method, C }), 4, 3_000, C);
      }
    }
  });

  it('a smaller ball gives bounds inside the bigger one (L2 inside L∞ of the same radius)', () => {
    const spec = randomNet(32, [3, 8, 2]);
    const l2 = computeBounds(spec, { center: [0, 0, 0], radius: 0.5, norm: 2 });
    const li = computeBounds(spec, { center: [0, 0, 0], radius: 0.5, norm: 'inf' });
    for (let j = 0; j < 2; j++) {
      expect(l2.lower[j]).toBeGreaterThanOrEqual(li.lower[j]! - 1e-12);
      expect(l2.upper[j]).toBeLessThanOrEqual(li.upper[j]! + 1e-12);
    }
  });
});

describe('computeBounds: tightness and exact cases', () => {
  it('CROWN is at least as tight as IBP on every output of seeded ReLU nets, and strictly tighter somewhere', () => {
    let tighter = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const spec = randomNet(100 + seed, [5, 16, 16, 4]);
      const region = randomBox(200 + seed, 5, 0.4);
      const ibp = computeBounds(spec, region, { method: 'ibp' });
      const crown = computeBounds(spec, region, { method: 'crown' });
      for (let j = 0; j < 4; j++) {
        expect(crown.lower[j]).toBeGreaterThanOrEqual(ibp.lower[j]! - 1e-12);
        expect(crown.upper[j]).toBeLessThanOrEqual(ibp.upper[j]! + 1e-12);
        if (crown.upper[j]! - crown.lower[j]! < ibp.upper[j]! - ibp.lower[j]! - 1e-9) tighter++;
      }
    }
    expect(tighter).toBeGreaterThan(24);
  });

  it('IBP and CROWN equal plain-TS implementations written from the definitions', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const spec = randomNet(300 + seed, [4, 9, 7, 3]);
      const { lower, upper } = randomBox(400 + seed, 4, 0.5);
      const ibp = computeBounds(spec, { lower, upper }, { method: 'ibp' });
      const crown = computeBounds(spec, { lower, upper }, { method: 'crown' });
      const ri = ibpRef(flatten(spec), lower, upper);
      const rc = crownRef(flatten(spec), lower, upper);
      for (let j = 0; j < 3; j++) {
        expect(ibp.lower[j]).toBeCloseTo(ri.lower[j]!, 10);
        expect(ibp.upper[j]).toBeCloseTo(ri.upper[j]!, 10);
        expect(crown.lower[j]).toBeCloseTo(rc.lower[j]!, 10);
        expect(crown.upper[j]).toBeCloseTo(rc.upper[j]!, 10);
      }
    }
  });

  it('CROWN is exact on a linear net (closed form Wc + b ± Σ|w|·r, and ± ‖w‖₂·r on an L2 ball)', () => {
    const u = uniforms(77);
    const W1 = Array.from({ length: 5 }, () => Array.from({ length: 3 }, () => 2 * u() - 1));
    const W2 = Array.from({ length: 2 }, () => Array.from({ length: 5 }, () => 2 * u() - 1));
    const b1 = [0.1, -0.2, 0.3, 0, 0.5];
    const b2 = [1, -1];
    const scale = [2, -1, 0.5, 1, -3];
    const spec: NetworkSpec = { input: 3, layers: [
      { type: 'linear', weight: W1, bias: b1 },
      { type: 'affine', scale, shift: [0, 1, 0, -1, 0] },
      { type: 'linear', weight: W2.flat(), shape: [2, 5], bias: b2 },
    ] };
    // Composite map y = A x + a in closed form.
    const A = W2.map((row) => [0, 1, 2].map((q) => row.reduce((s, w, j) => s + w * scale[j]! * W1[j]![q]!, 0)));
    const a = W2.map((row, i) => row.reduce((s, w, j) => s + w * (scale[j]! * b1[j]! + [0, 1, 0, -1, 0][j]!), b2[i]!));
    const c = [0.2, -0.7, 1.1];
    const r = 0.3;
    const box = computeBounds(spec, { center: c, radius: r, norm: 'inf' });
    const ball2 = computeBounds(spec, { center: c, radius: r, norm: 2 });
    const ball1 = computeBounds(spec, { center: c, radius: r, norm: 1 });
    for (let i = 0; i < 2; i++) {
      const mid = A[i]!.reduce((s, w, q) => s + w * c[q]!, a[i]!);
      const l1 = A[i]!.reduce((s, w) => s + Math.abs(w), 0);
      const l2 = Math.hypot(...A[i]!);
      const linf = Math.max(...A[i]!.map(Math.abs));
      expect(box.lower[i]).toBeCloseTo(mid - l1 * r, 12);
      expect(box.upper[i]).toBeCloseTo(mid + l1 * r, 12);
      expect(ball2.lower[i]).toBeCloseTo(mid - l2 * r, 12);
      expect(ball2.upper[i]).toBeCloseTo(mid + l2 * r, 12);
      expect(ball1.lower[i]).toBeCloseTo(mid - linf * r, 12);
      expect(ball1.upper[i]).toBeCloseTo(mid + linf * r, 12);
    }
  });

  it('hand-computed 2-2-1 ReLU net on [−1, 1]²: IBP [0, 4], CROWN [0, 3] (true range [0, 2])', () => {
    // h = (x1 + x2, x1 − x2) ∈ [−2, 2]²; IBP: relu ∈ [0, 2] each, y ∈ [0, 4]. CROWN: upper chord
    // relu(h) ≤ h/2 + 1 gives y ≤ x1 + 2 ≤ 3; u = −l so the adaptive lower slope is 0 and y ≥ 0.
    const spec: NetworkSpec = { input: 2, layers: [
      { type: 'linear', weight: [[1, 1], [1, -1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] },
    ] };
    const region = { lower: [-1, -1], upper: [1, 1] };
    expect(Array.from(computeBounds(spec, region, { method: 'ibp' }).lower)).toEqual([0]);
    expect(Array.from(computeBounds(spec, region, { method: 'ibp' }).upper)).toEqual([4]);
    expect(Array.from(computeBounds(spec, region, { method: 'crown' }).lower)).toEqual([0]);
    expect(Array.from(computeBounds(spec, region, { method: 'crown' }).upper)).toEqual([3]);
  });

  it('monotone one-neuron nets are bounded exactly: [f(l), f(u)] by IBP; CROWN exact for ReLU on a stable interval', () => {
    for (const type of ['relu', 'sigmoid', 'tanh'] as const) {
      const spec: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[2]], bias: [0.5] }, { type }] };
      const b = computeBounds(spec, { lower: [0.1], upper: [0.9] }, { method: 'ibp' });
      expect(b.lower[0]).toBeCloseTo(forwardRef(spec, [0.1])[0]!, 14);
      expect(b.upper[0]).toBeCloseTo(forwardRef(spec, [0.9])[0]!, 14);
    }
    const relu: NetworkSpec = { input: 1, layers: [{ type: 'relu' }, { type: 'linear', weight: [[-3]] }] };
    const c = computeBounds(relu, { lower: [0.5], upper: [2] });
    expect([c.lower[0], c.upper[0]]).toEqual([-6, -1.5]);
  });

  it('sigmoid / tanh relaxation lines bound the curve on a fine grid and are not loose (width ≤ 3× the true range)', () => {
    const u = uniforms(5);
    for (const type of ['sigmoid', 'tanh'] as const) {
      for (let t = 0; t < 60; t++) {
        const a = (u() - 0.5) * 12;
        const w = t % 10 === 0 ? 1e-9 : u() * 8;
        const spec: NetworkSpec = { input: 1, layers: [{ type }] };
        const b = computeBounds(spec, { lower: [a], upper: [a + w] }, { method: 'crown' });
        let min = Infinity, max = -Infinity;
        for (let i = 0; i <= 2000; i++) {
          const y = forwardRef(spec, [a + (w * i) / 2000])[0]!;
          min = Math.min(min, y);
          max = Math.max(max, y);
        }
        expect(b.lower[0]).toBeLessThanOrEqual(min + 1e-12);
        expect(b.upper[0]).toBeGreaterThanOrEqual(max - 1e-12);
        // width = (f(u) − f(l)) + range of f(x) − kx ≤ 3·range (k = chord slope): parallel lines that touch.
        expect(b.upper[0]! - b.lower[0]!).toBeLessThanOrEqual(3 * (max - min) + 1e-9);
      }
    }
  });
});

describe('parseNetwork and evaluateNetwork', () => {
  it('evaluateNetwork matches the plain-TS forward pass', () => {
    const spec = randomNet(9, [4, 6, 5, 2], ['relu', 'sigmoid', 'tanh', 'leaky-relu', 'affine']);
    const net = parseNetwork(JSON.stringify(spec));
    const u = uniforms(3);
    for (let t = 0; t < 50; t++) {
      const x = Array.from({ length: 4 }, () => 4 * u() - 2);
      const y = evaluateNetwork(net, x);
      forwardRef(spec, x).forEach((v, j) => expect(y[j]).toBeCloseTo(v, 13));
    }
    expect(net.output).toBe(2);
    expect(net.layers.map((l) => l.type)).toEqual(['linear', 'relu', 'linear', 'sigmoid', 'linear']);
  });

  it('typed errors name the layer index', () => {
    const bad = (layers: unknown[], input = 2) => () => parseNetwork({ input, layers } as unknown as NetworkSpec);
    expect(bad([{ type: 'relu' }, { type: 'linear', weight: [[1, 2, 3]] }])).toThrow(ShapeError);
    expect(bad([{ type: 'relu' }, { type: 'linear', weight: [[1, 2, 3]] }])).toThrow(
      'parseNetwork: layers[1] (linear): weight must have 2 columns, the size of its input (got 3)',
    );
    expect(bad([{ type: 'linear', weight: [[1, 2], [3]] }])).toThrow('parseNetwork: layers[0] (linear): weight row 1 must have length 2 (got array of length 1)');
    expect(bad([{ type: 'linear', weight: [1, 2, 3], shape: [2, 2] }])).toThrow('parseNetwork: layers[0] (linear): weight must have 2·2 = 4 entries (got 3)');
    expect(bad([{ type: 'linear', weight: [[1, 2]], bias: [1, 2] }])).toThrow('parseNetwork: layers[0] (linear): bias must have length 1 (got 2)');
    expect(bad([{ type: 'relu' }, { type: 'linear', weight: [[1, NaN]] }])).toThrow(NonFiniteError);
    expect(bad([{ type: 'relu' }, { type: 'linear', weight: [[1, NaN]] }])).toThrow('parseNetwork: layers[1].weight must be finite (got NaN at index 1)');
    expect(bad([{ type: 'conv' }])).toThrow(ParameterError);
    expect(bad([{ type: 'conv' }])).toThrow('parseNetwork: layers[0].type must be one of linear, relu, leaky-relu, sigmoid, tanh, affine, add, sub, conv2d, identity, softplus, elu, softsign, erf, gelu, mul (got "conv")');
    expect(bad([{ type: 'leaky-relu', alpha: 2 }])).toThrow('parseNetwork: layers[0] (leaky-relu): alpha must be in [0, 1] (got 2)');
    expect(bad([{ type: 'affine', scale: [1] }])).toThrow('parseNetwork: layers[0] (affine): scale must have length 2 (got 1)');
    expect(bad([], 0)).toThrow('parseNetwork: input must be a positive integer (got 0)');
    expect(() => parseNetwork('{oops')).toThrow(ParameterError);
  });

  it('computeBounds rejects bad regions, methods and C with typed errors', () => {
    const spec = randomNet(1, [2, 3, 2]);
    expect(() => computeBounds(spec, { lower: [0, 1], upper: [1, 0] })).toThrow(
      new ParameterError('computeBounds: region.lower must be <= region.upper (got 1 > 0 at index 1)'),
    );
    expect(() => computeBounds(spec, { lower: [0, NaN], upper: [1, 1] })).toThrow(NonFiniteError);
    expect(() => computeBounds(spec, { lower: [0, NaN], upper: [1, 1] })).toThrow('computeBounds: region.lower must be finite (got NaN at index 1)');
    expect(() => computeBounds(spec, { lower: [0], upper: [1] })).toThrow(
      new ShapeError("computeBounds: region.lower must have length 2, the network's input size (got 1)"),
    );
    expect(() => computeBounds(spec, { center: [0, 0], radius: -1 })).toThrow('computeBounds: region.radius must be a finite number >= 0 (got -1)');
    expect(() => computeBounds(spec, { center: [0, 0], radius: 1, norm: 3 as 2 })).toThrow("computeBounds: region.norm must be 'inf', 2 or 1 (got 3)");
    expect(() => computeBounds(spec, { center: [0, 0], radius: 1 }, { method: 'lp' as 'ibp' })).toThrow(ParameterError);
    expect(() => computeBounds(spec, { center: [0, 0], radius: 1 }, { C: [[1, 2, 3]] })).toThrow(ShapeError);
    expect(() => computeBounds(spec, { center: [0, 0], radius: 1 }, { C: [1, 2, 3] })).toThrow(
      "computeBounds: C must have a length divisible by the network's output size = 2 (got 3)",
    );
    expect(() => evaluateNetwork(spec, [1, Infinity])).toThrow('evaluateNetwork: x must be finite (got Infinity at index 1)');
  });

  it('edge cases: radius 0 gives the point value; a 1-wide net; memory returns to its level', () => {
    const spec = randomNet(2, [1, 1, 1], ['tanh']);
    const before = memoryStats().allocatedBytes;
    const y = forwardRef(spec, [0.3])[0]!;
    for (const method of ['ibp', 'crown'] as const) {
      const b = computeBounds(spec, { center: [0.3], radius: 0 }, { method });
      expect(b.lower[0]).toBeLessThanOrEqual(y + 1e-12);
      expect(b.upper[0]).toBeGreaterThanOrEqual(y - 1e-12);
      expect(b.upper[0]! - b.lower[0]!).toBeLessThan(1e-9);
    }
    const empty = parseNetwork({ input: 3, layers: [] });
    for (const method of ['ibp', 'crown'] as const) {
      const e = computeBounds(empty, { lower: [-1, 0, 2], upper: [1, 0, 5] }, { method });
      expect([Array.from(e.lower), Array.from(e.upper)]).toEqual([[-1, 0, 2], [1, 0, 5]]);
    }
    for (let i = 0; i < 200; i++) {
      computeBounds(randomNet(3, [3, 5, 2]), { center: [0, 0, 0], radius: 0.1 });
      expect(() => computeBounds(spec, { lower: [1], upper: [0] })).toThrow(ParameterError);
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
