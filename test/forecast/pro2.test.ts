/**
 * Pro²'s projection and the linear probe: orthonormal directions, the first head reading the
 * predictive features and later heads the rest, the probe's predictions equal to the argmax of its own
 * weights written out here, separable data fitted exactly, and typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, init, rng } from '../../bindings/index.js';
import { fitLinearProbe, learnPro2Projection } from '../../bindings/forecast/index.js';

beforeAll(() => init());

/** n rows of D = 6 features: x0 = ±1 by label, x1 = ±1 + noise, x2…x5 noise; labels 0/1. */
function data(n: number, seed: number) {
  const R = rng(seed);
  const z = R.normal(n * 6);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    const s = y === 1 ? 1 : -1;
    rows.push([s, s + 0.5 * z[i * 6 + 1]!, z[i * 6 + 2]!, z[i * 6 + 3]!, z[i * 6 + 4]!, z[i * 6 + 5]!]);
    labels.push(y);
  }
  return { rows, labels };
}

describe('learnPro2Projection', () => {
  it('returns orthonormal directions, heads·K of them, the first head on the predictive features', () => {
    const { rows, labels } = data(200, 1);
    const P = learnPro2Projection(rows, labels, { heads: 3, epochs: 40, seed: 2 });
    expect(P.count).toBe(6);
    expect(P.dimension).toBe(6);
    for (let a = 0; a < P.count; a++) for (let b = 0; b < P.count; b++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += P.directions[a * 6 + j]! * P.directions[b * 6 + j]!;
      expect(s).toBeCloseTo(a === b ? 1 : 0, 10);
    }
    // the first head's two directions put more weight on x0, x1 than on the noise features
    let signal = 0;
    let noise = 0;
    for (let a = 0; a < 2; a++) for (let j = 0; j < 6; j++) (j < 2 ? (signal += P.directions[a * 6 + j]! ** 2) : (noise += P.directions[a * 6 + j]! ** 2));
    expect(signal).toBeGreaterThan(noise);
    expect(P.sourceAccuracy[0]).toBe(1);
    // projecting is (x − x̄)·Πᵀ
    const z = P.project([rows[3]!]);
    for (let a = 0; a < P.count; a++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += (rows[3]![j]! - P.center[j]!) * P.directions[a * 6 + j]!;
      expect(z.data[a]).toBeCloseTo(s, 12);
    }
  });

  it('refuses more directions than features, mismatched labels and unknown options', () => {
    const { rows, labels } = data(20, 3);
    expect(() => learnPro2Projection(rows, labels, { heads: 4 })).toThrow(/options.heads must be at most ⌊D\/K⌋ = 3/);
    expect(() => learnPro2Projection(rows, labels.slice(1))).toThrow(ShapeError);
    expect(() => learnPro2Projection(rows, labels, { classes: 1 })).toThrow(ParameterError);
    expect(() => learnPro2Projection(rows, labels, { haeds: 1 } as never)).toThrow(/haeds.*heads/);
  });
});

describe('fitLinearProbe', () => {
  it('fits separable data exactly and predicts the argmax of xW + b', () => {
    const { rows, labels } = data(100, 4);
    const probe = fitLinearProbe(rows, labels, { epochs: 200 });
    expect(probe.accuracy(rows, labels)).toBe(1);
    const pred = probe.predict(rows);
    rows.forEach((x, i) => {
      const z = [0, 1].map((k) => probe.bias[k]! + x.reduce((s, v, j) => s + v * probe.weights[j * 2 + k]!, 0));
      expect(pred[i]).toBe(z[1]! > z[0]! ? 1 : 0);
    });
  });

  it('refuses bad labels and options', () => {
    const { rows, labels } = data(10, 5);
    expect(() => fitLinearProbe(rows, labels.map((v) => v + 0.5))).toThrow(/fitLinearProbe: labels\[0\] must be an integer >= 0/);
    expect(() => fitLinearProbe(rows, labels, { learningRate: 0 })).toThrow(/fitLinearProbe: options.learningRate/);
    expect(() => fitLinearProbe(rows, labels, { l2: Infinity })).toThrow(ParameterError);
    expect(() => probeAccuracyMismatch(rows, labels)).toThrow(ShapeError);
  });
});

function probeAccuracyMismatch(rows: number[][], labels: number[]): number {
  return fitLinearProbe(rows, labels, { epochs: 1 }).accuracy(rows, labels.slice(1));
}
