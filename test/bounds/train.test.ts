import { beforeAll, describe, expect, it } from 'vitest';
import {
  classificationAccuracy,
  certifiedAccuracy,
  init,
  memoryStats,
  NonFiniteError,
  ParameterError,
  parseNetwork,
  seededSplit,
  ShapeError,
  trainMlp,
  type NetworkSpec,
} from '../../bindings/index.js';
import { randomNet } from './reference.js';
import { uniforms } from '../helpers.js';
import digitsMlp from '../../data/models/digits-mlp.json';
import digitsCsv from '../../data/datasets/digits.csv';

beforeAll(async () => {
  await init();
});

/** Three Gaussian-ish blobs in 2-D (an independent generator), labels 0..2. */
function blobs(seed: number, n: number): { X: number[][]; y: number[] } {
  const u = uniforms(seed);
  const centres = [[0, 0], [2, 2], [-2, 2]];
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push(centres[c]!.map((v) => v + 0.6 * (u() + u() + u() - 1.5)));
    y.push(c);
  }
  return { X, y };
}

/** y = f(x) for a chain of linear (weight as number[][]) and relu layers, from the definition; reads the spec on every call. */
function forwardRef(spec: NetworkSpec, x: ArrayLike<number>): number[] {
  let v = Array.from(x);
  for (const L of spec.layers) {
    if (L.type === 'linear') {
      const W = L.weight as number[][];
      const b = (L.bias ?? []) as number[];
      v = W.map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, b[i] ?? 0));
    } else if (L.type === 'relu') v = v.map((z) => (z > 0 ? z : 0));
    else throw new Error(`forwardRef: ${L.type}`);
  }
  return v;
}

/** Mean softmax cross-entropy of a spec on (X, y), straight from the definition. */
function lossRef(spec: NetworkSpec, X: number[][], y: number[]): number {
  let s = 0;
  X.forEach((x, i) => {
    const z = forwardRef(spec, x);
    const m = Math.max(...z);
    s += m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[y[i]!]!;
  });
  return s / X.length;
}

const argmaxRef = (v: number[]): number => v.reduce((b, x, i) => (x > v[b]! ? i : b), 0);

function digitsTest(): { X: number[][]; y: number[] } {
  const rows = digitsCsv.split('\n').filter((l) => l.trim().length > 0).map((l) => l.split(',').map(Number));
  const { test } = seededSplit(rows.length, 450, 7); // the split of bindings/bounds/demo.ts (DIGITS_SPLIT)
  return { X: test.map((i) => rows[i]!.slice(0, 64).map((v) => v / 16)), y: test.map((i) => rows[i]![64]!) };
}

describe('trainMlp', () => {
  it('one full-batch Adam step moves every parameter by −lr·sign(∂loss/∂θ), the gradient taken by finite differences', () => {
    const { X, y } = blobs(1, 30);
    const opts = { hidden: [5], learningRate: 0.01, batchSize: 30, seed: 4 };
    for (const weightDecay of [0, 0.3]) {
      const before = trainMlp(X, y, { ...opts, epochs: 0, weightDecay }).network;
      const after = trainMlp(X, y, { ...opts, epochs: 1, weightDecay }).network;
      let checked = 0;
      before.layers.forEach((L, l) => {
        if (L.type !== 'linear') return;
        const W = L.weight as number[][];
        const B = L.bias as number[];
        const A = after.layers[l] as unknown as { weight: number[][]; bias: number[] };
        const entries: [number[], number, number[], boolean][] = [
          ...W.flatMap((row, i) => row.map((_, j) => [row, j, A.weight[i]!, true] as [number[], number, number[], boolean])),
          ...B.map((_, i) => [B, i, A.bias, false] as [number[], number, number[], boolean]),
        ];
        for (const [arr, j, arrAfter, isWeight] of entries) {
          const h = 1e-6;
          const v = arr[j]!;
          arr[j] = v + h;
          const lp = lossRef(before, X, y) + (isWeight ? 0.5 * weightDecay * (v + h) ** 2 : 0);
          arr[j] = v - h;
          const lm = lossRef(before, X, y) + (isWeight ? 0.5 * weightDecay * (v - h) ** 2 : 0);
          arr[j] = v;
          const g = (lp - lm) / (2 * h);
          if (Math.abs(g) < 1e-5) continue; // sign undecidable at this precision
          expect(arrAfter[j]! - v).toBeCloseTo(-0.01 * Math.sign(g), 5);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('learns separable blobs, is deterministic for a seed, and reports a consistent history', () => {
    const { X, y } = blobs(2, 150);
    const test = blobs(3, 60);
    const a = trainMlp(X, y, { hidden: [8, 8], epochs: 30, learningRate: 0.01, batchSize: 16, seed: 5, testX: test.X, testY: test.y });
    const b = trainMlp(X, y, { hidden: [8, 8], epochs: 30, learningRate: 0.01, batchSize: 16, seed: 5, testX: test.X, testY: test.y });
    const c = trainMlp(X, y, { hidden: [8, 8], epochs: 30, learningRate: 0.01, batchSize: 16, seed: 6 });
    expect(JSON.stringify(a.network)).toBe(JSON.stringify(b.network));
    expect(JSON.stringify(a.network)).not.toBe(JSON.stringify(c.network));
    expect(a.iterations).toBe(30);
    expect([a.stopped, a.converged]).toEqual(['maxIter', false]);
    expect(a.history).toHaveLength(30);
    const last = a.history[29]!;
    // The history's accuracies agree with an independent forward pass.
    const hits = (XX: number[][], yy: number[]) => XX.filter((x, i) => argmaxRef(forwardRef(a.network, x)) === yy[i]).length / XX.length;
    expect(last.trainAccuracy).toBe(hits(X, y));
    expect(last.testAccuracy).toBe(hits(test.X, test.y));
    expect(last.testAccuracy).toBeGreaterThan(0.9);
    expect(a.history[0]!.loss).toBeGreaterThan(last.loss);
    expect(Number.isNaN(c.history[0]!.testAccuracy)).toBe(true);
    expect(classificationAccuracy(a.network, test.X, test.y)).toBe(last.testAccuracy);
    // Chain format: linear, relu, linear, relu, linear.
    expect(a.network.layers.map((L) => L.type)).toEqual(['linear', 'relu', 'linear', 'relu', 'linear']);
  });

  it('float32 rounds every parameter; onProgress returning false stops early', () => {
    const { X, y } = blobs(4, 30);
    let calls = 0;
    const r = trainMlp(X, y, { hidden: [4], epochs: 10, float32: true, onProgress: () => ++calls < 3 });
    expect(r.iterations).toBe(3);
    expect([r.stopped, r.converged]).toEqual(['callback', false]);
    // an AbortSignal aborted during the second epoch's callback ends the run there
    const ctl = new AbortController();
    const s = trainMlp(X, y, { hidden: [4], epochs: 10, onProgress: (i) => void (i.epoch === 2 && ctl.abort()), signal: ctl.signal });
    expect([s.iterations, s.stopped]).toEqual([2, 'aborted']);
    const values = r.network.layers.flatMap((L) => (L.type === 'linear' ? [...(L.weight as number[][]).flat(), ...(L.bias as number[])] : []));
    expect(values.every((v) => Math.fround(v) === v)).toBe(true);
  });

  it('typed errors', () => {
    const { X, y } = blobs(5, 9);
    expect(() => trainMlp([], [])).toThrow('trainMlp: X must be a non-empty array of rows (got array of length 0)');
    expect(() => trainMlp([[1, 2], [3]], [0, 1])).toThrow(ShapeError);
    expect(() => trainMlp([[1, 2], [3]], [0, 1])).toThrow('trainMlp: X[1] must be a row of length 2 (got array of length 1)');
    expect(() => trainMlp([[1, NaN]], [0], { classes: 2 })).toThrow(NonFiniteError);
    expect(() => trainMlp(X, y.slice(1))).toThrow('trainMlp: y must have length 9, one label per row (got 8)');
    expect(() => trainMlp(X, y.map(() => 1.5))).toThrow(ParameterError);
    expect(() => trainMlp(X, y, { classes: 2 })).toThrow('trainMlp: y[2] must be an integer class in [0, 2) (got 2)');
    expect(() => trainMlp(X, y, { hidden: [0] })).toThrow('trainMlp: options.hidden[0] must be a positive integer (got 0)');
    expect(() => trainMlp(X, y, { epochs: -1 })).toThrow('trainMlp: options.epochs must be a non-negative integer (got -1)');
    expect(() => trainMlp(X, y, { learningRate: 0 })).toThrow('trainMlp: options.learningRate must be a finite number > 0 (got 0)');
    expect(() => trainMlp(X, y, { batchSize: 0 })).toThrow('trainMlp: options.batchSize must be a positive integer (got 0)');
    expect(() => trainMlp(X, y, { weightDecay: -1 })).toThrow('trainMlp: options.weightDecay must be a finite number >= 0 (got -1)');
    expect(() => trainMlp(X, y, { seed: -1 })).toThrow(ParameterError);
    expect(() => trainMlp(X, y, { testX: [[1]], testY: [0] })).toThrow('trainMlp: options.testX[0] must be a row of length 2 (got array of length 1)');
  });
});

describe('seededSplit', () => {
  it('partitions 0…n−1, is deterministic, and differs across seeds', () => {
    const a = seededSplit(100, 30, 1);
    expect(a.test).toHaveLength(30);
    expect([...a.train, ...a.test].sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seededSplit(100, 30, 1)).toEqual(a);
    expect(seededSplit(100, 30, 2).test).not.toEqual(a.test);
    expect(seededSplit(0, 0).train).toEqual([]);
    expect(() => seededSplit(10, 11)).toThrow('seededSplit: testSize must be an integer in [0, 10] (got 11)');
  });
});

describe('the embedded digits MLP (data/models/digits-mlp.json)', () => {
  it('is a 64-64-32-10 ReLU MLP of float32 values with test accuracy ≥ 0.95 on the fixed split', () => {
    const spec = digitsMlp as NetworkSpec;
    const net = parseNetwork(spec);
    expect([net.input, ...net.layers.filter((L) => L.type === 'linear').map((L) => L.outSize)]).toEqual([64, 64, 32, 10]);
    expect(net.layers.every((L) => [L.weight, L.bias].every((a) => !a || a.every((v) => Math.fround(v) === v)))).toBe(true);
    const { X, y } = digitsTest();
    expect(X).toHaveLength(450);
    const acc = X.filter((x, i) => argmaxRef(forwardRef(spec, x)) === y[i]).length / X.length;
    expect(acc).toBeGreaterThanOrEqual(0.95);
    expect(classificationAccuracy(net, X, y)).toBe(acc);
  });
});

describe('certifiedAccuracy', () => {
  it('certified ≤ attack ≤ clean, monotone in ε, exact at ε = 0, and certified boxes hold under sampling (digits, 40 images)', () => {
    const spec = digitsMlp as NetworkSpec;
    const { X, y } = digitsTest();
    const [Xs, ys] = [X.slice(0, 40), y.slice(0, 40)];
    const radii = [0, 0.01, 0.05, 0.1];
    const r = certifiedAccuracy(spec, Xs, ys, { radii, methods: ['ibp', 'crown'], attack: { steps: 10, restarts: 1 } });
    const clean = Xs.filter((x, i) => argmaxRef(forwardRef(spec, x)) === ys[i]).length / Xs.length;
    expect(r.clean).toBe(clean);
    expect(r.n).toBe(40);
    for (const m of ['ibp', 'crown']) {
      const row = r.certified[m]!;
      expect(row[0]).toBe(clean);
      for (let i = 0; i < radii.length; i++) {
        expect(row[i]!).toBeLessThanOrEqual(r.attack![i]!);
        if (i > 0) expect(row[i]!).toBeLessThanOrEqual(row[i - 1]!);
      }
    }
    expect(r.attack![0]).toBe(clean);
    expect(r.certified.crown![1]!).toBeGreaterThan(r.certified.ibp![2]!); // CROWN certifies where IBP cannot
    // Soundness by sampling: for images CROWN certifies at ε = 0.05 (a single-radius run, so no carry-over),
    // 300 random points of the clipped box keep the label.
    const u = uniforms(9);
    let tested = 0;
    for (let i = 0; i < 12; i++) {
      const one = certifiedAccuracy(spec, [Xs[i]!], [ys[i]!], { radii: [0.05], methods: ['crown'], attack: false });
      if (one.certified.crown![0] !== 1) continue;
      tested++;
      for (let t = 0; t < 300; t++) {
        const x = Xs[i]!.map((v) => Math.min(1, Math.max(0, v + 0.05 * (2 * u() - 1))));
        expect(argmaxRef(forwardRef(spec, x))).toBe(ys[i]);
      }
    }
    expect(tested).toBeGreaterThan(5);
  });

  it('a broken example really has a misclassified point: PGD on a net where ε covers the whole input range', () => {
    // Output 0 − output 1 = x₀ − 0.5: class 0 iff x₀ > 0.5; at ε = 0.5 every example is breakable.
    const spec: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1], [0]], bias: [0, 0.5] }] };
    const r = certifiedAccuracy(spec, [[0.9], [0.1], [0.7]], [0, 1, 0], { radii: [0, 0.1, 0.5], methods: ['crown'] });
    expect(r.clean).toBe(1);
    expect(r.certified.crown).toEqual([1, 1, 0]);
    expect(r.attack).toEqual([1, 1, 0]);
  });

  it('onProgress sees every (method, radius) row in radius order and can stop the run', () => {
    const spec: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1], [0]], bias: [0, 0.5] }] };
    const seen: string[] = [];
    const r = certifiedAccuracy(spec, [[0.9]], [0], {
      radii: [0.2, 0, 0.5],
      methods: ['ibp', 'crown'],
      onProgress: (info) => {
        seen.push(`${info.method}@${info.radius}=${info.certified}`);
        return seen.length < 4;
      },
    });
    expect(seen).toEqual(['ibp@0=1', 'ibp@0.2=1', 'ibp@0.5=0', 'crown@0=1']);
    expect(r.certified.ibp).toEqual([1, 1, 0]); // in the order of options.radii
    expect(r.certified.crown!.map((v) => Number.isNaN(v))).toEqual([true, false, true]);
    expect(r.attack).toBeNull();
  });

  it('typed errors, and the allocator returns to its level', () => {
    const spec = randomNet(3, [2, 4, 3]);
    const before = memoryStats().allocatedBytes;
    certifiedAccuracy(spec, [[0.5, 0.5]], [0], { radii: [0, 0.1], methods: ['ibp', 'alpha-crown'] });
    expect(() => certifiedAccuracy(spec, [[0.5]], [0])).toThrow("certifiedAccuracy: X[0] must be a row of length 2 (got array of length 1)");
    expect(() => certifiedAccuracy(spec, [[0.5, 0.5]], [3])).toThrow('certifiedAccuracy: y[0] must be an integer class in [0, 3) (got 3)');
    expect(() => certifiedAccuracy(spec, [[0.5, 0.5]], [0], { radii: [-0.1] })).toThrow('certifiedAccuracy: options.radii[0] must be a finite number >= 0 (got -0.1)');
    expect(() => certifiedAccuracy(spec, [[0.5, 0.5]], [0], { methods: ['exact' as 'ibp'] })).toThrow(ParameterError);
    expect(() => certifiedAccuracy(spec, [[0.5, 0.5]], [0], { norm: 2 as unknown as 'inf' })).toThrow("certifiedAccuracy: options.norm must be 'inf' (got 2)");
    expect(() => certifiedAccuracy(spec, [[0.5, 0.5]], [0], { attack: { steps: 0 } })).toThrow('certifiedAccuracy: options.attack.steps must be a positive integer (got 0)');
    expect(() => classificationAccuracy(spec, [[0.5]], [0])).toThrow('classificationAccuracy: X[0] must be a row of length 2 (got array of length 1)');
    expect(() => classificationAccuracy(spec, [[0.5, 0.5]], [-1])).toThrow('classificationAccuracy: y[0] must be an integer class in [0, 3) (got -1)');
    const one: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, 1]] }] };
    expect(() => certifiedAccuracy(one, [[0.5, 0.5]], [0])).toThrow('certifiedAccuracy: model must have at least 2 outputs (classes) (got 1)');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('trainMlp label validation', () => {
  it('rejects non-integer, negative and single-class labels with typed errors naming y', async () => {
    const { trainMlp: train, ParameterError: PE } = await import('../../bindings/index.js');
    const X = [[0, 1], [1, 0]];
    expect(() => train(X, [0, 5.5], { epochs: 1 })).toThrow(PE);
    expect(() => train(X, [0, 5.5], { epochs: 1 })).toThrow('trainMlp: y[1] must be an integer class in [0, 2147483647) (got 5.5)');
    expect(() => train(X, [-1, 0], { epochs: 1 })).toThrow('trainMlp: y[0] must be an integer class');
    expect(() => train(X, [0, 0], { epochs: 1 })).toThrow('trainMlp: y must contain at least two classes (got only class 0)');
    expect(() => train(X, [0, 1], { epochs: 1, classes: 1 })).toThrow('trainMlp: options.classes must be an integer >= 2');
  });
});
