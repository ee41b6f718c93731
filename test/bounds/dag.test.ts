import { beforeAll, describe, expect, it } from 'vitest';
import { computeBounds, evaluateNetwork, init, memoryStats, parseNetwork } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { compileRef, randomDag, type DagOptions } from './reference.js';
import { boundsOf, checkAll, regions } from './soundness.js';

beforeAll(() => init());

describe('computeBounds on DAGs (residual add/sub, conv2d, identity): soundness by sampling', () => {
  it('10⁴ inputs per region (box + L∞/L2/L1 balls; box corners) never leave any method\'s bounds, depth 2–6', () => {
    const before = memoryStats().allocatedBytes;
    const ACTS: DagOptions['acts'][] = [['relu'], ['relu', 'tanh'], ['leaky-relu', 'sigmoid'], ['relu', 'affine', 'relu']];
    let checked = 0;
    let convNets = 0;
    let residual = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const u = uniforms(9000 + seed);
      const conv = seed % 2 === 0;
      const depth = conv ? 3 + Math.floor(u() * 4) : 2 + Math.floor(u() * 5);
      const input: DagOptions["input"] = conv ? [1 + Math.floor(u() * 2), 5, 4 + Math.floor(u() * 2)] : 2 + Math.floor(u() * 5);
      const spec = randomDag(seed, { input, depth, width: 3 + Math.floor(u() * 8), out: 1 + Math.floor(u() * 3), acts: ACTS[seed % ACTS.length], scale: 1 + u() });
      convNets += conv ? 1 : 0;
      residual += spec.layers.some((L) => L.type === 'add' || L.type === 'sub') ? 1 : 0;
      const n = parseNetwork(spec).input;
      for (const [q, region] of regions(100 + seed, n, conv ? 0.15 : 0.4).entries()) {
        checked += checkAll(spec, region, boundsOf(spec, region), 31 * seed + q, 10_000);
      }
    }
    expect(convNets).toBe(4);
    expect(residual).toBeGreaterThanOrEqual(6);
    expect(checked).toBeGreaterThan(8 * 4 * 10_000);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('parseNetwork / evaluateNetwork on DAGs', () => {
  it('evaluateNetwork equals the plain-TS forward pass on random DAGs with conv layers', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const spec = randomDag(200 + seed, { input: seed % 2 ? [2, 5, 6] : 7, depth: 4, width: 6, out: 2, acts: ['relu', 'tanh', 'leaky-relu'] });
      const net = parseNetwork(spec);
      const u = uniforms(seed);
      for (let t = 0; t < 20; t++) {
        const x = Array.from({ length: net.input }, () => 2 * u() - 1);
        const y = evaluateNetwork(net, x);
        compileRef(spec)(x).forEach((v, j) => expect(y[j]).toBeCloseTo(v, 12));
      }
    }
  });

  it('default inputs keep chains unchanged; inputs, live layers and the input shape are recorded', () => {
    const net = parseNetwork({
      input: [1, 2, 2],
      layers: [
        { type: 'linear', weight: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]] },
        { type: 'relu' },
        { type: 'linear', weight: [[1, 1, 1, 1]], inputs: [-1] }, // dead: the output does not use it
        { type: 'identity', inputs: [1] },
        { type: 'sub', inputs: [3, 0] },
      ],
    });
    expect(net.input).toBe(4);
    expect(net.inputShape).toEqual([1, 2, 2]);
    expect(net.layers.map((L) => L.inputs)).toEqual([[-1], [0], [-1], [1], [3, 0]]);
    expect(net.live).toEqual([true, true, false, true, true]);
    // relu(h) − h = max(−h, 0) for h = (x0, x1, x2 + x3).
    expect(Array.from(evaluateNetwork(net, [-1, 2, 0.5, -3]))).toEqual([1, 0, 2.5]);
    const b = computeBounds(net, { lower: [-1, -1, -1, -1], upper: [1, 1, 1, 1] }, { method: 'ibp' });
    expect(Array.from(b.upper)).toEqual([2, 2, 4]); // IBP: [0, 1] − [−1, 1] (not exact: true max 1)
  });
});
