/**
 * Memory budget and stopping inside long bounding calls, and the exact PGD gradient of any DAG:
 * - a conv net bounded with a small `memoryBudget` gives the same bounds as with the default, in
 *   more, smaller chunks: its reported peak stays within the budget plus the fixed part (weights and
 *   node boxes), and below the default's peak;
 * - an abort that arrives in the middle of one bounding call stops it between two chunks;
 * - `gradientAt` on a conv + residual net equals central differences where the net is smooth.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientAt } from '../../bindings/bounds/bounds.js';
import { computeBounds, evaluateNetwork, init, parseNetwork, verifyNetwork, type LayerSpec, type NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

beforeAll(async () => {
  await init();
});

/** A seeded conv → relu → conv → relu → linear net on a 2×8×8 input (a residual add when `residual`). */
function convNet(seed: number, residual = false): NetworkSpec {
  const u = uniforms(seed);
  const r = (n: number, s: number): number[] => Array.from({ length: n }, () => (2 * u() - 1) * s);
  const layers: LayerSpec[] = [
    { type: 'conv2d', inShape: [2, 8, 8], outChannels: 4, kernel: [3, 3], padding: [1, 1, 1, 1], weight: r(4 * 2 * 9, 0.4), bias: r(4, 0.2) },
    { type: 'relu' },
    { type: 'conv2d', inShape: [4, 8, 8], outChannels: 4, kernel: [3, 3], padding: [1, 1, 1, 1], stride: [1, 1], weight: r(4 * 4 * 9, 0.3), bias: r(4, 0.2) },
    { type: 'relu' },
  ];
  if (residual) layers.push({ type: 'add', inputs: [1, 3] });
  layers.push({ type: 'linear', weight: Array.from({ length: 3 }, () => r(256, 0.2)), bias: r(3, 0.1) });
  return { input: [2, 8, 8], layers };
}

const box = (seed: number, w: number): { lower: number[]; upper: number[] } => {
  const u = uniforms(seed);
  const c = Array.from({ length: 128 }, () => 2 * u() - 1);
  return { lower: c.map((v) => v - w), upper: c.map((v) => v + w) };
};

describe('memory budget', () => {
  it('a small budget gives the same bounds in chunks, and its peak stays within the budget plus the fixed part', () => {
    for (const residual of [false, true]) {
      const spec = convNet(11, residual);
      const net = parseNetwork(spec);
      const region = box(12, 0.05);
      const full = computeBounds(net, region);
      const budgetMiB = 0.25; // a conv layer's 256 rows take ~5 MiB in one pass
      const small = computeBounds(net, region, { memoryBudget: budgetMiB });
      expect(Array.from(small.lower)).toEqual(Array.from(full.lower));
      expect(Array.from(small.upper)).toEqual(Array.from(full.upper));
      // the fixed part: every weight placed once, two boxes per node, the outputs
      let fixed = 8 * 2 * 128;
      for (const L of net.layers) fixed += 8 * ((L.weight?.length ?? 0) + (L.bias?.length ?? 0) + (L.conv?.packed.length ?? 0) + 4 * L.outSize);
      expect(small.peakBytes!).toBeLessThanOrEqual(budgetMiB * 2 ** 20 + fixed);
      expect(small.peakBytes!).toBeLessThan(full.peakBytes! / 4);
    }
  });

  it('verify on a conv net with a small budget decides as with the default and reports its peak', () => {
    const spec = convNet(13);
    const region = box(14, 0.02);
    const y = evaluateNetwork(spec, region.lower.map((l, i) => 0.5 * (l + region.upper[i]!)));
    const C = [[1, -1, 0]];
    const margin = y[0]! - y[1]!;
    // a property that holds (a threshold far below the centre's margin) and one the centre violates
    const holds = { C, d: [-(margin - 5)] };
    const fails = { C, d: [-(margin + 1e-3)] };
    for (const budget of [undefined, 0.25]) {
      const opts = { timeout: Infinity, maxNodes: 200, memoryBudget: budget, pgd: { restarts: 1, steps: 5 } };
      const a = verifyNetwork(spec, region, holds, opts);
      expect(a.verdict).toBe('verified');
      expect(a.peakBytes!).toBeGreaterThan(0);
      if (budget !== undefined) expect(a.peakBytes!).toBeLessThan(2 * 2 ** 20);
      expect(verifyNetwork(spec, region, fails, opts).verdict).toBe('falsified');
    }
  });
});

describe('stopping inside a bounding call', () => {
  it('an abort that arrives during the root bound stops it between chunks of rows', () => {
    const spec = convNet(15);
    let polls = 0;
    const signal = {
      get aborted(): boolean {
        polls++;
        return polls > 3;
      },
    };
    // with 1 KiB per pass every row is its own chunk: one layer alone is 256 chunks
    const r = verifyNetwork(spec, box(16, 0.3), { C: [[1, -1, 0]] }, { timeout: Infinity, memoryBudget: 1 / 1024, signal, pgd: { restarts: 0 } });
    expect(r.verdict).toBe('unknown');
    expect(r.stopped).toBe('aborted');
    expect(polls).toBeLessThan(10);
  });
});

describe('gradientAt', () => {
  it('equals central differences on a conv + residual net away from the ReLU kinks', () => {
    const spec = convNet(17, true);
    const net = parseNetwork(spec);
    const u = uniforms(18);
    const c = Float64Array.from([0.7, -1.2, 0.4]);
    const f = (x: Float64Array): number => {
      const y = evaluateNetwork(net, x);
      return c[0]! * y[0]! + c[1]! * y[1]! + c[2]! * y[2]!;
    };
    for (let t = 0; t < 3; t++) {
      const x = Float64Array.from({ length: 128 }, () => 2 * u() - 1);
      const g = gradientAt(net, x, c);
      const h = 1e-6;
      for (let j = 0; j < 128; j += 7) {
        const xp = x.slice(), xm = x.slice();
        xp[j] = x[j]! + h;
        xm[j] = x[j]! - h;
        expect(g[j]!).toBeCloseTo((f(xp) - f(xm)) / (2 * h), 5);
      }
    }
  });
});
