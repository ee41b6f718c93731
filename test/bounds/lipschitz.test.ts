import { beforeAll, describe, expect, it } from 'vitest';
import { init, localLipschitz, memoryStats, NonFiniteError, ParameterError, seededSplit, ShapeError, type LayerSpec, type NetworkSpec } from '../../bindings/index.js';
import { forwardRef, randomNet } from './reference.js';
import { uniforms } from '../helpers.js';
import digitsMlp from '../../data/models/digits-mlp.json';
import digitsCsv from '../../data/datasets/digits.csv';

beforeAll(async () => {
  await init();
});

/**
 * Independent reference Jacobian (nested arrays, input-side order): J = W_L·D·…·D·W_1 accumulated
 * forward from the identity, D from the activation pattern at x (relu' = 1 for z > 0 else slope).
 */
function jacobianRef(spec: NetworkSpec, x: ArrayLike<number>): number[][] {
  const n = x.length;
  let v = Array.from(x);
  let J: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (const L of spec.layers as LayerSpec[]) {
    if (L.type === 'linear') {
      const W = L.weight as number[][];
      const b = (L.bias ?? []) as number[];
      v = W.map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, b[i] ?? 0));
      J = W.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, w, r) => s + w * J[r]![j]!, 0)));
    } else if (L.type === 'relu' || L.type === 'leaky-relu') {
      const slope = L.type === 'relu' ? 0 : L.alpha;
      J = J.map((row, r) => row.map((a) => a * (v[r]! > 0 ? 1 : slope)));
      v = v.map((z) => (z > 0 ? z : slope * z));
    } else if (L.type === 'affine') {
      J = J.map((row, r) => row.map((a) => a * (L.scale[r] as number)));
      v = v.map((z, r) => (L.scale[r] as number) * z + ((L.shift?.[r] as number | undefined) ?? 0));
    } else throw new Error(`jacobianRef: ${L.type}`);
  }
  return J;
}

const normInf = (J: number[][]): number => Math.max(...J.map((row) => row.reduce((s, a) => s + Math.abs(a), 0)));

function boxAround(c: ArrayLike<number>, r: number): { lower: Float64Array; upper: Float64Array } {
  return { lower: Float64Array.from(c, (v) => v - r), upper: Float64Array.from(c, (v) => v + r) };
}

describe('localLipschitz', () => {
  it('the reference Jacobian matches central finite differences of forwardRef (sanity of the test oracle)', () => {
    const spec = randomNet(11, [4, 6, 5, 3]);
    const u = uniforms(3);
    let agreed = 0;
    for (let t = 0; t < 50; t++) {
      const x = Array.from({ length: 4 }, () => 2 * u() - 1);
      const J = jacobianRef(spec, x);
      const h = 1e-6;
      let ok = true;
      for (let j = 0; j < 4; j++) {
        const xp = x.slice(), xm = x.slice();
        xp[j] = xp[j]! + h;
        xm[j] = xm[j]! - h;
        const [fp, fm] = [forwardRef(spec, xp), forwardRef(spec, xm)];
        for (let i = 0; i < 3; i++) if (Math.abs((fp[i]! - fm[i]!) / (2 * h) - J[i]![j]!) > 1e-5) ok = false;
      }
      if (ok) agreed++;
    }
    expect(agreed).toBeGreaterThanOrEqual(48); // a kink within h of x is rare
  });

  it('upper bound ≥ ‖J(x)‖ at 10⁴ random points, and the Jacobian enclosure contains every J(x), on random nets', () => {
    const cases: [number, number[], LayerSpec['type'][], number][] = [
      [21, [3, 8, 8, 2], ['relu'], 0.3],
      [22, [5, 10, 6, 4], ['relu'], 0.1],
      [23, [4, 7, 7, 7, 3], ['leaky-relu', 'relu', 'affine'], 0.2],
    ];
    for (const [seed, widths, acts, r] of cases) {
      const spec = randomNet(seed, widths, acts);
      const n = widths[0]!;
      const u = uniforms(seed + 100);
      const c = Array.from({ length: n }, () => 2 * u() - 1);
      const region = boxAround(c, r);
      const res = localLipschitz(spec, region, { samples: 200, searchSteps: 50 });
      const k = widths[widths.length - 1]!;
      let worst = 0;
      let outside = 0;
      for (let t = 0; t < 10_000; t++) {
        const x = c.map((v) => v + r * (2 * u() - 1));
        const J = jacobianRef(spec, x);
        worst = Math.max(worst, normInf(J));
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < n; j++) {
            if (!(J[i]![j]! >= res.jacobian.lower[i * n + j]! - 1e-12 && J[i]![j]! <= res.jacobian.upper[i * n + j]! + 1e-12)) outside++;
          }
        }
      }
      expect(outside).toBe(0);
      expect(res.upper).toBeGreaterThanOrEqual(worst - 1e-12);
      expect(res.upper).toBeGreaterThanOrEqual(res.lower - 1e-12);
      expect(res.lower).toBeLessThanOrEqual(res.upper + 1e-12);
      expect(res.unstable).toBeGreaterThan(0); // the cases do exercise [0, 1] derivatives
      // lower is attained: the reference norm at argmax equals it.
      expect(normInf(jacobianRef(spec, res.argmax))).toBeCloseTo(res.lower, 12);
    }
  });

  it('is exact on a linear network: upper == lower == ‖C·W₂·W₁‖ to 1e-12', () => {
    const spec: NetworkSpec = {
      input: 3,
      layers: [
        { type: 'linear', weight: [[1, -2, 0.5], [0.25, 3, -1]], bias: [1, 2] },
        { type: 'affine', scale: [2, -0.5], shift: [0, 1] },
        { type: 'linear', weight: [[1, 1], [-1, 2], [0.5, 0]] },
      ],
    };
    // By hand: W₂·diag(2, −0.5)·W₁ = [[1.875, -5.5, 1.5], [-2.25, 1, 0], [1, -2, 0.5]] → row sums 8.875, 3.25, 3.5.
    const r = localLipschitz(spec, { center: [0.1, -0.2, 0.3], radius: 0.5 });
    expect(Math.abs(r.upper - 8.875)).toBeLessThan(1e-12);
    expect(Math.abs(r.lower - 8.875)).toBeLessThan(1e-12);
    expect(Array.from(r.rows.upper).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([8.875, 3.25, 3.5]);
    expect(Math.abs(r.gap)).toBeLessThan(1e-12);
  });

  it('is exact when no ReLU is unstable (tiny radius): upper == lower to 1e-12, equal to the reference norm at the centre', () => {
    for (const seed of [31, 32, 33]) {
      const spec = randomNet(seed, [6, 12, 10, 4]);
      const c = Array.from({ length: 6 }, (_, i) => 0.3 * Math.sin(seed + i));
      const r = localLipschitz(spec, { center: c, radius: 1e-7, norm: 'inf' }, { samples: 20, searchSteps: 0 });
      expect(r.unstable).toBe(0);
      expect(Math.abs(r.upper - r.lower)).toBeLessThan(1e-12);
      expect(Math.abs(r.upper - normInf(jacobianRef(spec, c)))).toBeLessThan(1e-12);
    }
  });

  it('with every unstable neuron branched, upper == the brute-force max over all 2^u derivative patterns', () => {
    // Independent oracle: pre-activation boxes by plain interval arithmetic (so boundsMethod 'ibp'
    // gives the same unstable set), then every 0/1 assignment of the unstable derivatives.
    const cases: [number, number[], number][] = [
      [91, [3, 6, 5, 2], 0.25],
      [92, [4, 5, 4, 3], 0.15],
      [93, [2, 8, 2], 0.4],
    ];
    for (const [seed, widths, r] of cases) {
      const spec = randomNet(seed, widths);
      const c = Array.from({ length: widths[0]! }, (_, i) => 0.2 * Math.cos(seed * (i + 1)));
      let lo = c.map((v) => v - r), hi = c.map((v) => v + r);
      const unstable: [number, number][] = []; // (layer index, neuron)
      spec.layers.forEach((L, t) => {
        if (L.type === 'linear') {
          const W = L.weight as number[][];
          const b = L.bias as number[];
          [lo, hi] = [
            W.map((row, i) => row.reduce((s, w, j) => s + Math.min(w * lo[j]!, w * hi[j]!), b[i]!)),
            W.map((row, i) => row.reduce((s, w, j) => s + Math.max(w * lo[j]!, w * hi[j]!), b[i]!)),
          ];
        } else {
          lo.forEach((l, q) => {
            if (l <= 0 && hi[q]! >= 0) unstable.push([t, q]);
          });
          [lo, hi] = [lo.map((v) => Math.max(0, v)), hi.map((v) => Math.max(0, v))];
        }
      });
      expect(unstable.length).toBeGreaterThan(0);
      expect(unstable.length).toBeLessThanOrEqual(10);
      // The Jacobian for a given derivative choice: stable neurons by the sign of their (fixed-sign) box.
      const centreSigns = new Map<number, number[]>();
      {
        let v = c.slice();
        spec.layers.forEach((L, t) => {
          if (L.type === 'linear') v = (L.weight as number[][]).map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, (L.bias as number[])[i]!));
          else {
            centreSigns.set(t, v.map((z) => (z > 0 ? 1 : 0)));
            v = v.map((z) => Math.max(0, z));
          }
        });
      }
      let brute = 0;
      for (let mask = 0; mask < 1 << unstable.length; mask++) {
        const dsel = new Map([...centreSigns].map(([t, a]) => [t, a.slice()]));
        unstable.forEach(([t, q], b) => (dsel.get(t)![q] = (mask >> b) & 1));
        let J: number[][] = Array.from({ length: widths[0]! }, (_, i) => Array.from({ length: widths[0]! }, (_, j) => (i === j ? 1 : 0)));
        spec.layers.forEach((L, t) => {
          if (L.type === 'linear') J = (L.weight as number[][]).map((row) => J[0]!.map((_, j) => row.reduce((s, w, q) => s + w * J[q]![j]!, 0)));
          else J = J.map((row, q) => row.map((a) => a * dsel.get(t)![q]!));
        });
        brute = Math.max(brute, normInf(J));
      }
      const res = localLipschitz(spec, { center: c, radius: r }, { boundsMethod: 'ibp', branch: 10, samples: 100 });
      expect(res.unstable).toBe(unstable.length);
      expect(res.exactOverBox).toBe(true);
      expect(res.branched).toBe(unstable.length);
      expect(Math.abs(res.upper - brute)).toBeLessThan(1e-12 * Math.max(1, brute));
      const plain = localLipschitz(spec, { center: c, radius: r }, { boundsMethod: 'ibp', branch: 0, samples: 0 });
      expect(plain.upper).toBeGreaterThanOrEqual(res.upper - 1e-12);
      expect(plain.branched).toBe(0);
      expect(plain.exactOverBox).toBe(false);
    }
  });

  it('branching on more neurons never loosens the bound, and stays sound, on a net with many unstable neurons', () => {
    const spec = randomNet(95, [4, 24, 24, 3]);
    const c = [0.1, 0.2, 0.3, 0.4];
    const region = boxAround(c, 0.3);
    const ups = [0, 2, 5, 8].map((branch) => localLipschitz(spec, region, { branch, samples: 0, searchSteps: 0 }));
    expect(ups[0]!.unstable).toBeGreaterThan(8);
    for (let i = 1; i < ups.length; i++) expect(ups[i]!.upper).toBeLessThanOrEqual(ups[i - 1]!.upper + 1e-12);
    const u = uniforms(96);
    let worst = 0;
    for (let t = 0; t < 3000; t++) worst = Math.max(worst, normInf(jacobianRef(spec, c.map((v) => v + 0.3 * (2 * u() - 1)))));
    expect(ups[3]!.upper).toBeGreaterThanOrEqual(worst - 1e-12);
  });

  it('the upper bound is monotone in the radius (nested boxes)', () => {
    const spec = randomNet(41, [4, 16, 16, 3]);
    const c = [0.2, -0.1, 0.4, 0];
    const radii = [0, 0.01, 0.03, 0.1, 0.3, 1, 3];
    for (const boundsMethod of ['ibp', 'crown'] as const) {
      const ups = radii.map((r) => localLipschitz(spec, boxAround(c, r), { boundsMethod, samples: 10, searchSteps: 0 }).upper);
      for (let i = 1; i < ups.length; i++) expect(ups[i]!).toBeGreaterThanOrEqual(ups[i - 1]! - 1e-12);
      expect(ups[ups.length - 1]!).toBeGreaterThan(ups[0]!); // and it does grow here
    }
  });

  it('crown pre-activation bounds give an upper bound no larger than ibp ones here', () => {
    const spec = randomNet(42, [5, 20, 20, 3]);
    const region = boxAround([0, 0.1, -0.1, 0.2, 0], 0.2);
    const a = localLipschitz(spec, region, { boundsMethod: 'ibp', samples: 10 });
    const b = localLipschitz(spec, region, { boundsMethod: 'crown', samples: 10 });
    expect(b.unstable).toBeLessThanOrEqual(a.unstable);
    expect(b.upper).toBeLessThanOrEqual(a.upper + 1e-12);
  });

  it('L2 ball regions: upper ≥ ‖J(x)‖ at points sampled in the ball', () => {
    const spec = randomNet(51, [3, 10, 10, 2]);
    const c = [0.1, 0.2, -0.3];
    const eps = 0.4;
    const r = localLipschitz(spec, { center: c, radius: eps, norm: 2 }, { samples: 100 });
    const u = uniforms(52);
    let worst = 0;
    for (let t = 0; t < 3000; t++) {
      const d = c.map(() => 2 * u() - 1);
      const len = Math.hypot(...d);
      if (len > 1) continue;
      worst = Math.max(worst, normInf(jacobianRef(spec, c.map((v, i) => v + eps * d[i]!))));
    }
    expect(r.upper).toBeGreaterThanOrEqual(worst - 1e-12);
    expect(Math.hypot(...r.argmax.map((v, i) => v - c[i]!))).toBeLessThanOrEqual(eps + 1e-12);
  });

  it('option C bounds the Jacobian of C·f (a margin row); a unit row reproduces that output', () => {
    const spec = randomNet(61, [4, 8, 3]);
    const region = boxAround([0.1, 0.1, 0.1, 0.1], 0.2);
    const full = localLipschitz(spec, region, { samples: 50 });
    const margin = localLipschitz(spec, region, { C: [[1, -1, 0]], samples: 50 });
    const e2 = localLipschitz(spec, region, { C: [0, 0, 1], samples: 50 });
    expect(margin.rows.upper.length).toBe(1);
    // Without branching a C row that is a unit vector reproduces that output's row bound.
    const plainFull = localLipschitz(spec, region, { samples: 0, branch: 0 });
    const plainE2 = localLipschitz(spec, region, { C: [0, 0, 1], samples: 0, branch: 0 });
    expect(plainE2.rows.upper[0]).toBeCloseTo(plainFull.rows.upper[2]!, 12);
    expect(e2.rows.upper[0]!).toBeLessThanOrEqual(plainE2.rows.upper[0]! + 1e-12);
    expect(e2.rows.upper[0]!).toBeGreaterThanOrEqual(e2.lower - 1e-12);
    // |∂(y0 − y1)| ≤ |∂y0| + |∂y1| entrywise, and interval arithmetic is subdistributive, so the plain
    // margin bound is at most the sum of the plain row bounds; branching only tightens it.
    const plainMargin = localLipschitz(spec, region, { C: [[1, -1, 0]], samples: 0, branch: 0 });
    expect(plainMargin.upper).toBeLessThanOrEqual(plainFull.rows.upper[0]! + plainFull.rows.upper[1]! + 1e-12);
    expect(margin.upper).toBeLessThanOrEqual(plainMargin.upper + 1e-12);
    expect(full.upper).toBeLessThanOrEqual(plainFull.upper + 1e-12);
  });

  it('on the embedded digits MLP: lower ≤ upper, deterministic for a seed, and the bound grows with ε', () => {
    const spec = digitsMlp as NetworkSpec;
    const c = Array.from({ length: 64 }, (_, i) => ((i * 7) % 17) / 16);
    const a = localLipschitz(spec, { center: c, radius: 0.01 }, { samples: 50, searchSteps: 20, seed: 3 });
    const b = localLipschitz(spec, { center: c, radius: 0.01 }, { samples: 50, searchSteps: 20, seed: 3 });
    const w = localLipschitz(spec, { center: c, radius: 0.05 }, { samples: 50, searchSteps: 20, seed: 3 });
    expect(a.lower).toBeLessThanOrEqual(a.upper);
    expect(a.lower).toBeGreaterThan(0);
    expect(b.lower).toBe(a.lower);
    expect(b.upper).toBe(a.upper);
    expect(w.upper).toBeGreaterThanOrEqual(a.upper);
  });

  it('on digits test image 0 at ε = 0.01 the pattern search closes the gap: lower == upper (the exact local constant)', () => {
    const spec = digitsMlp as NetworkSpec;
    const rows = digitsCsv.split('\n').filter((l) => l.trim().length > 0).map((l) => l.split(',').map(Number));
    const { test } = seededSplit(rows.length, 450, 7);
    const x = rows[test[0]!]!.slice(0, 64).map((v) => v / 16);
    const r = localLipschitz(spec, { center: x, radius: 0.01 }, { samples: 50, searchSteps: 20 });
    expect(r.exactOverBox).toBe(true);
    expect(Math.abs(r.upper - r.lower)).toBeLessThan(1e-9 * r.upper);
    expect(r.argmax.every((v, i) => Math.abs(v - x[i]!) <= 0.01 + 1e-15)).toBe(true);
    expect(normInf(jacobianRef(spec, r.argmax))).toBeCloseTo(r.lower, 9);
    const off = localLipschitz(spec, { center: x, radius: 0.01 }, { samples: 50, searchSteps: 20, patternSteps: 0 });
    expect(off.lower).toBeLessThanOrEqual(r.lower);
  });

  it('typed errors name the argument or the unsupported layer', () => {
    const spec = randomNet(71, [3, 4, 2]);
    const sig: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, 0], [0, 1]] }, { type: 'sigmoid' }] };
    expect(() => localLipschitz(sig, { center: [0, 0], radius: 1 })).toThrow(ParameterError);
    expect(() => localLipschitz(sig, { center: [0, 0], radius: 1 })).toThrow(
      "localLipschitz: layers[1] (sigmoid) is not supported: only chains of linear, relu, leaky-relu, affine and identity layers (got \"sigmoid\")",
    );
    expect(() => localLipschitz(spec, { center: [0, 0], radius: 1 })).toThrow(ShapeError);
    expect(() => localLipschitz(spec, { center: [0, 0], radius: 1 })).toThrow("localLipschitz: region.center must have length 3, the network's input size (got 2)");
    expect(() => localLipschitz(spec, { center: [0, NaN, 0], radius: 1 })).toThrow(NonFiniteError);
    expect(() => localLipschitz(spec, { center: [0, NaN, 0], radius: 1 })).toThrow('localLipschitz: region.center must be finite (got NaN at index 1)');
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: -1 })).toThrow('localLipschitz: region.radius must be a finite number >= 0 (got -1)');
    expect(() => localLipschitz(spec, { lower: [0, 0, 1], upper: [1, 1, 0] })).toThrow('localLipschitz: region.lower must be <= region.upper (got 1 > 0 at index 2)');
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { norm: 2 as unknown as 'inf' })).toThrow("localLipschitz: options.norm must be 'inf' (got 2)");
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { samples: -1 })).toThrow('localLipschitz: options.samples must be a non-negative integer (got -1)');
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { patternSteps: 1.5 })).toThrow('localLipschitz: options.patternSteps must be a non-negative integer (got 1.5)');
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { branch: 21 })).toThrow('localLipschitz: options.branch must be an integer in [0, 20] (got 21)');
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { C: [[1, 0, 0]] })).toThrow(ShapeError);
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { C: [[1, 0, 0]] })).toThrow("localLipschitz: options.C must have the network's output size = 2 columns (got 1 × 3)");
    expect(() => localLipschitz(spec, { center: [0, 0, 0], radius: 1 }, { boundsMethod: 'exact' as 'ibp' })).toThrow(ParameterError);
    expect(() => localLipschitz(42 as unknown as NetworkSpec, { center: [0], radius: 1 })).toThrow('localLipschitz: model must be a network or its JSON spec (got 42)');
  });

  it('rejects DAG networks (a residual add) with a typed error naming the layer', () => {
    const dag = {
      input: 2,
      layers: [
        { type: 'linear', weight: [[1, 0], [0, 1]] },
        { type: 'relu' },
        { type: 'add', inputs: [-1, 1] },
      ],
    } as unknown as NetworkSpec;
    let err: unknown;
    try {
      localLipschitz(dag, { center: [0, 0], radius: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParameterError);
    expect((err as Error).message).toMatch(/^(localLipschitz: layers\[2\] \(add\)|parseNetwork: layers\[2\])/);
  });

  it('leaves the WASM allocator where it was', () => {
    const before = memoryStats().allocatedBytes;
    localLipschitz(randomNet(81, [3, 5, 2]), { center: [0, 0, 0], radius: 0.5 }, { samples: 20 });
    try {
      localLipschitz(randomNet(81, [3, 5, 2]), { center: [0, 0], radius: 0.5 });
    } catch {
      /* expected */
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
