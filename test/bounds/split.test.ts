/**
 * ReLU splits: computeBounds over a subdomain (a neuron fixed active / inactive by clamping its
 * pre-activation bounds) is sound for the inputs in that subdomain, empty subdomains are reported,
 * and verifyNetwork's branch and bound with ReLU splits returns the verdicts of a brute-force grid.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, computeBounds, init, memoryStats, verifyNetwork, verifyVnnlib, type NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { compileRef, forwardRef, randomDag, randomNet } from './reference.js';

beforeAll(() => init());

/** Minimum of y0 − y1 over a (G+1)² grid of [−1, 1]² (brute force, plain-TS forward pass). */
function gridMin(spec: NetworkSpec, G: number): number {
  const f = compileRef(spec);
  let m = Infinity;
  for (let i = 0; i <= G; i++) for (let j = 0; j <= G; j++) {
    const y = f([-1 + (2 * i) / G, -1 + (2 * j) / G]);
    m = Math.min(m, y[0]! - y[1]!);
  }
  return m;
}

describe('computeBounds with ReLU splits', () => {
  it('bounds hold for every sampled input of the subdomain (both phases, two layers, all methods)', () => {
    const before = memoryStats().allocatedBytes;
    let inside = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const spec = randomNet(900 + seed, [3, 8, 8, 2]);
      const box = { lower: [-1, -0.5, -1], upper: [1, 1, 0.5] };
      const u = uniforms(seed);
      for (const layer of [1, 3]) {
        // The pre-activation of ReLU layer `layer` is the output of the layers before it.
        const preRef = compileRef({ input: 3, layers: spec.layers.slice(0, layer) });
        const neuron = Math.floor(u() * 8);
        for (const active of [true, false]) {
          const splits = [{ layer, neuron, active }];
          for (const method of ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const) {
            const b = computeBounds(spec, box, { method, splits });
            if (b.infeasible) continue;
            const v = uniforms(seed * 10 + layer);
            for (let t = 0; t < 3000; t++) {
              const x = box.lower.map((l, i) => l + v() * (box.upper[i]! - l));
              const z = preRef(x)[neuron]!;
              if (active ? z < 0 : z > 0) continue;
              inside++;
              forwardRef(spec, x).forEach((y, j) => {
                if (!(y >= b.lower[j]! - 1e-9 && y <= b.upper[j]! + 1e-9)) throw new Error(`${method} ${layer}/${neuron} ${active}: ${y} ∉ [${b.lower[j]}, ${b.upper[j]}]`);
              });
            }
          }
        }
      }
    }
    expect(inside).toBeGreaterThan(50_000);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('a phase no input can have gives infeasible: true and the empty interval; the other phase is exact', () => {
    const spec: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1]], bias: [5] }, { type: 'relu' }, { type: 'linear', weight: [[-2]] }] };
    const box = { lower: [0], upper: [1] };
    for (const method of ['ibp', 'crown', 'alpha-crown', 'crown-ibp'] as const) {
      const b = computeBounds(spec, box, { method, splits: [{ layer: 1, neuron: 0, active: false }] });
      expect(b.infeasible).toBe(true);
      expect([b.lower[0], b.upper[0]]).toEqual([Infinity, -Infinity]);
      const a = computeBounds(spec, box, { method, splits: [{ layer: 1, neuron: 0, active: true }] });
      expect(a.infeasible).toBeUndefined();
      expect([a.lower[0], a.upper[0]]).toEqual([-12, -10]);
    }
    // An unstable neuron z = x − 0.5 on [0, 1]: inactive ⇒ y = 0 exactly; active ⇒ the ReLU is the
    // identity and y = −2(x − 0.5), but the constraint x ≥ 0.5 itself is not used when concretising
    // over the box (no β-CROWN multipliers), so the bound is [−1, 1], not the subdomain's [−1, 0].
    const unstable: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1]], bias: [-0.5] }, { type: 'relu' }, { type: 'linear', weight: [[-2]] }] };
    const off = computeBounds(unstable, box, { splits: [{ layer: 1, neuron: 0, active: false }] });
    expect([off.lower[0], off.upper[0]]).toEqual([0, 0]);
    const on = computeBounds(unstable, box, { splits: [{ layer: 1, neuron: 0, active: true }] });
    expect([on.lower[0], on.upper[0]]).toEqual([-1, 1]);
  });

  it('rejects malformed splits with typed errors', () => {
    const spec = randomNet(1, [2, 3, 2]);
    const box = { lower: [0, 0], upper: [1, 1] };
    expect(() => computeBounds(spec, box, { splits: [{ layer: 0, neuron: 0, active: true }] })).toThrow(
      new ParameterError('computeBounds: options.splits[0].layer must be the index of a relu or leaky-relu layer (got 0)'),
    );
    expect(() => computeBounds(spec, box, { splits: [{ layer: 1, neuron: 3, active: true }] })).toThrow('computeBounds: options.splits[0].neuron must be an integer in 0 … 2 (got 3)');
    expect(() => computeBounds(spec, box, { splits: [{ layer: 1, neuron: 0, active: 1 as unknown as boolean }] })).toThrow('computeBounds: options.splits[0].active must be a boolean (got 1)');
    expect(() => computeBounds(spec, box, { splits: {} as never })).toThrow(ParameterError);
  });
});

describe('verifyNetwork with ReLU splitting', () => {
  it('agrees with a brute-force grid (verified above the minimum, falsified below), ReLU splits first, chains and residual DAGs', () => {
    const box = { lower: [-1, -1], upper: [1, 1] };
    const C = [[1, -1]];
    let reluSplits = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const spec = seed <= 3 ? randomNet(500 + seed, [2, 6, 6, 2]) : randomDag(520 + seed, { input: 2, depth: 3, width: 6, out: 2 });
      const m = gridMin(spec, 300);
      const ok = verifyNetwork(spec, box, { C, d: [-m + 0.1] }, { timeout: 20, reluSplitAfter: 0 });
      expect(ok.verdict).toBe('verified');
      reluSplits += ok.reluSplits;
      const bad = verifyNetwork(spec, box, { C, d: [-m - 0.05] }, { timeout: 20, reluSplitAfter: 0, pgd: { restarts: 0 } });
      expect(bad.verdict).toBe('falsified');
      const y = forwardRef(spec, bad.counterexample!.x);
      expect(y[0]! - y[1]! - m - 0.05).toBeLessThan(0);
      // Input splitting only: the same verdicts, no ReLU split.
      const inputOnly = verifyNetwork(spec, box, { C, d: [-m + 0.1] }, { timeout: 20, reluSplitAfter: Infinity });
      expect(inputOnly.verdict).toBe('verified');
      expect(inputOnly.reluSplits).toBe(0);
    }
    expect(reluSplits).toBeGreaterThan(0);
  });

  it('proves |x| ≥ 0 on [−1, 2], which the root bound cannot (CROWN gives −1), splitting ReLUs before inputs', () => {
    // CROWN's adaptive lower slopes give |x| ≥ −1 here (see expressivity.test.ts). With both phases
    // fixed the subdomain bound is exact on 3 of the 4 leaves; the mixed one needs input splits.
    const abs: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1], [-1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] }] };
    const r = verifyNetwork(abs, { lower: [-1], upper: [2] }, { C: [[1]] }, { reluSplitAfter: 0, pgd: { restarts: 0 } });
    expect(r.verdict).toBe('verified');
    expect(r.reluSplits).toBeGreaterThanOrEqual(1);
    expect(computeBounds(abs, { lower: [-1], upper: [2] }).lower[0]).toBeCloseTo(-1, 12);
    expect(() => verifyNetwork(abs, { lower: [-1], upper: [2] }, { C: [[1]] }, { reluSplitAfter: -1 })).toThrow(
      new ParameterError('verifyNetwork: options.reluSplitAfter must be a non-negative integer or Infinity (got -1)'),
    );
  });

  it('verifyVnnlib decides a property of a conv + residual DAG as a brute-force grid does (counterexample re-checked)', () => {
    const u = uniforms(77);
    const r = (n: number): number[] => Array.from({ length: n }, () => 2 * u() - 1);
    const spec: NetworkSpec = { input: [1, 1, 2], layers: [
      { type: 'conv2d', inShape: [1, 1, 2], outChannels: 4, kernel: [1, 2], padding: [0, 0, 0, 1], weight: r(8), bias: r(4) }, // 4 × 1 × 2
      { type: 'relu' },
      { type: 'linear', weight: r(64), shape: [8, 8], bias: r(8) },
      { type: 'add', inputs: [1, 2] },
      { type: 'relu' },
      { type: 'linear', weight: r(16), shape: [2, 8] },
    ] };
    const f = compileRef(spec);
    let max = -Infinity;
    for (let i = 0; i <= 400; i++) for (let j = 0; j <= 400; j++) max = Math.max(max, f([-1 + i / 200, -1 + j / 200])[0]!);
    const prop = (c: number): string => `(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)
(assert (>= X_0 -1)) (assert (<= X_0 1)) (assert (>= X_1 -1)) (assert (<= X_1 1))
(assert (>= Y_0 ${c}))`;
    const ok = verifyVnnlib(spec, prop(max + 0.1), { timeout: 20 });
    expect(ok.verdict).toBe('verified');
    const bad = verifyVnnlib(spec, prop(max - 0.05), { timeout: 20 });
    expect(bad.verdict).toBe('falsified');
    expect(f(bad.counterexample!.x)[0]).toBeGreaterThanOrEqual(max - 0.05);
  });
});
