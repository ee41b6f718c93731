/**
 * The project's own network end to end (issue 7): the digits MLP written to ONNX by proxkit's exporter
 * (data/models/digits-mlp.onnx) reads back as the JSON model, and `verify` decides robustness
 * properties of it with verdicts checked independently (plain-TS forward pass, sampling).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateNetwork, init, memoryStats, parseNetwork, verify, type NetworkSpec } from '../../bindings/index.js';
import { loadOnnx } from '../../bindings/onnx.js';
import { digitsData, digitsOnnxBytes, robustnessVnnlib } from '../../bindings/demo/bounds.js';
import { forwardRef } from './reference.js';
import { uniforms } from '../helpers.js';
import digitsMlp from '../../data/models/digits-mlp.json';

beforeAll(() => init());

const spec = digitsMlp as NetworkSpec;
const argmax = (v: ArrayLike<number>): number => {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[k]!) k = i;
  return k;
};

describe('digits MLP exported to ONNX by proxkit', () => {
  it('loadOnnx(digits-mlp.onnx) computes exactly what the JSON model computes on every test image', () => {
    const fromOnnx = loadOnnx(digitsOnnxBytes());
    const fromJson = parseNetwork(spec);
    const { test } = digitsData();
    expect(fromOnnx.input).toBe(64);
    expect(fromOnnx.output).toBe(10);
    let correct = 0;
    test.X.forEach((x, i) => {
      const a = evaluateNetwork(fromOnnx, x);
      expect(Array.from(a)).toEqual(Array.from(evaluateNetwork(fromJson, x)));
      // and what an independent plain-TS forward pass of the JSON computes (summation order differs)
      forwardRef(spec, x).forEach((v, j) => expect(a[j]).toBeCloseTo(v, 10));
      if (argmax(a) === test.y[i]) correct++;
    });
    expect(correct / test.X.length).toBeGreaterThanOrEqual(0.95);
  });

  it('verify: unsat where robust (no sampled point of the box is misclassified), sat with a re-checked counterexample where not', () => {
    const net = loadOnnx(digitsOnnxBytes());
    const { test } = digitsData();
    const before = memoryStats().allocatedBytes;
    const x0 = test.X[0]!;
    const y0 = test.y[0]!;
    const r0 = verify(net, robustnessVnnlib(x0, y0, 0.01), { timeout: 30 });
    expect([r0.verdict, r0.stopped]).toEqual(['unsat', 'converged']);
    // necessary condition for unsat: no sample of the box (corners included) changes the class
    const u = uniforms(5);
    for (let s = 0; s < 2000; s++) {
      const x = x0.map((v) => {
        const t = s < 1000 ? u() : u() < 0.5 ? 0 : 1;
        return Math.min(1, Math.max(0, v - 0.01 + 0.02 * t));
      });
      expect(argmax(forwardRef(spec, x))).toBe(y0);
    }
    const x1 = test.X[1]!;
    const y1 = test.y[1]!;
    const r1 = verify(net, robustnessVnnlib(x1, y1, 0.1), { timeout: 30 });
    expect(r1.verdict).toBe('sat');
    const cx = r1.counterexample!.inputs;
    cx.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(Math.max(0, x1[i]! - 0.1));
      expect(v).toBeLessThanOrEqual(Math.min(1, x1[i]! + 0.1));
    });
    const out = forwardRef(spec, cx);
    expect(Math.max(...out.filter((_, j) => j !== y1))).toBeGreaterThanOrEqual(out[y1]!);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
