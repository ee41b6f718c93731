/**
 * train() (bindings/nn/train.ts): one full-batch SGD step equals −η times the central-difference
 * gradient of the loss computed in plain TS; a nonlinear problem is learned; seeds give the same bits;
 * stopping by callback, signal and tol; memory stays flat; typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { indBox, init, memoryStats, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import { initMlp, mlp, type MlpParams } from '../../bindings/nn/layers.js';
import { adam, sgd } from '../../bindings/nn/optim.js';
import { train } from '../../bindings/nn/train.js';
import { shuffledOrder as shuffled } from '../../bindings/rng.js';
import { rng } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

/** Three classes on concentric rings in 2-D (needs a nonlinear classifier). */
function rings(seed: number, n: number): { X: number[][]; y: number[] } {
  const u = uniforms(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3, r = 0.5 + c + 0.3 * (u() - 0.5), a = 2 * Math.PI * u();
    X.push([r * Math.cos(a), r * Math.sin(a)]);
    y.push(c);
  }
  return { X, y };
}

const ce = (p: MlpParams, x: nn.Tensor, y: Int32Array | nn.Tensor) => nn.softmaxCrossEntropy(mlp(p, x), y as Int32Array);

/** Mean softmax cross-entropy of the MLP in plain TS, from flat weight copies. */
function lossRef(sizes: number[], W: Float64Array[], b: Float64Array[], X: number[][], y: number[]): number {
  let s = 0;
  X.forEach((x, i) => {
    let v = x;
    for (let l = 0; l < W.length; l++) {
      const out = sizes[l + 1]!;
      const z = Array.from({ length: out }, (_, j) => v.reduce((acc, xv, k) => acc + xv * W[l]![k * out + j]!, b[l]![j]!));
      v = l < W.length - 1 ? z.map((t) => Math.max(0, t)) : z;
    }
    const m = Math.max(...v);
    s += m + Math.log(v.reduce((a, t) => a + Math.exp(t - m), 0)) - v[y[i]!]!;
  });
  return s / X.length;
}

describe('train', () => {
  it('one full-batch SGD step moves each parameter by −η·∂loss/∂θ (central differences of a plain-TS loss)', () => {
    const { X, y } = rings(1, 24);
    const sizes = [2, 5, 3];
    const p = initMlp(sizes, { seed: 2 });
    const W = p.layers.map((l) => l.W.data()), b = p.layers.map((l) => l.b!.data());
    const r = train({ params: p, loss: ce }, { X, y }, { epochs: 1, batchSize: 24, shuffle: false, optimizer: sgd({ learningRate: 0.1 }) });
    expect(r.steps).toBe(1);
    expect(r.history[0]!.loss).toBeCloseTo(lossRef(sizes, W, b, X, y), 12);
    let checked = 0;
    [...W, ...b].forEach((arr, k) => {
      const after = k < W.length ? p.layers[k]!.W.data() : p.layers[k - W.length]!.b!.data();
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i]!, h = 1e-6;
        arr[i] = v + h;
        const lp = lossRef(sizes, W, b, X, y);
        arr[i] = v - h;
        const lm = lossRef(sizes, W, b, X, y);
        arr[i] = v;
        expect(after[i]! - v).toBeCloseTo(-0.1 * ((lp - lm) / (2 * h)), 8);
        checked++;
      }
    });
    expect(checked).toBe(2 * 5 + 5 + 5 * 3 + 3);
    p.layers.forEach((l) => (l.W.free(), l.b!.free()));
  });

  it('learns a nonlinear 3-class problem; a seed gives the same bits; memory stays flat across the run', () => {
    const { X, y } = rings(3, 300);
    const run = (seed: number) => {
      const p = initMlp([2, 32, 32, 3], { seed: 7 });
      const before = memoryStats().allocatedBytes;
      const r = train({ params: p, loss: ce }, { X, y }, { epochs: 40, batchSize: 16, seed, optimizer: adam({ learningRate: 0.01 }) });
      expect(memoryStats().allocatedBytes).toBe(before);
      const bits = p.layers.flatMap((l) => [...l.W.data(), ...l.b!.data()]);
      const acc = nn.scope(() => {
        const z = mlp(p, nn.tensor(X)).data();
        return y.filter((c, i) => [0, 1, 2].reduce((best, k) => (z[3 * i + k]! > z[3 * i + best]! ? k : best), 0) === c).length / y.length;
      });
      p.layers.forEach((l) => (l.W.free(), l.b!.free()));
      return { r, bits, acc };
    };
    const a = run(1), b = run(1), c = run(2);
    expect(a.r.iterations).toBe(40);
    expect(a.r.stopped).toBe('maxIter');
    expect(a.r.converged).toBe(false);
    expect(a.r.steps).toBe(40 * Math.ceil(300 / 16));
    expect(a.acc).toBeGreaterThan(0.95);
    expect(a.r.history[39]!.loss).toBeLessThan(a.r.history[0]!.loss / 4);
    expect(a.bits).toEqual(b.bits);
    expect(a.bits).not.toEqual(c.bits);
  });

  it('the shuffle is a seeded Fisher–Yates permutation', () => {
    const o = shuffled(rng(5), 50);
    expect(Array.from(o).sort((s, t) => s - t)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(shuffled(rng(5), 50))).toEqual(Array.from(o));
    expect(Array.from(o)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('regression targets; stops by onProgress, by signal (after the current step) and by tol', () => {
    const X = Array.from({ length: 40 }, (_, i) => [i / 40, 1 - i / 40]);
    const Y = X.map(([a, b]) => [2 * a! - b!]);
    const p = initMlp([2, 1], { seed: 1 });
    const mse = (q: MlpParams, x: nn.Tensor, t: Int32Array | nn.Tensor) => nn.mean(nn.square(nn.sub(mlp(q, x), t as nn.Tensor)));
    let calls = 0;
    const r1 = train({ params: p, loss: mse }, { X, y: Y }, { epochs: 50, onProgress: () => ++calls < 4 });
    expect([r1.iterations, r1.stopped]).toEqual([4, 'callback']);
    const ctl = new AbortController();
    ctl.abort();
    const r2 = train({ params: p, loss: mse }, { X, y: Y }, { epochs: 50, signal: ctl.signal });
    expect([r2.iterations, r2.steps, r2.stopped, r2.converged]).toEqual([0, 0, 'aborted', false]);
    const r3 = train({ params: p, loss: mse }, { X, y: Y }, { epochs: 5000, batchSize: 40, tol: 1e-6, optimizer: sgd({ learningRate: 0.5 }) });
    expect(r3.stopped).toBe('converged');
    expect(r3.converged).toBe(true);
    expect(r3.history.at(-1)!.loss).toBeLessThan(1e-6);
    p.layers.forEach((l) => (l.W.free(), l.b!.free()));
  });

  it('accepts X and regression targets as { data, rows, cols } matrices with the same result as arrays of rows', () => {
    const X = Array.from({ length: 20 }, (_, i) => [i / 20, Math.sin(i)]);
    const Y = X.map(([a, b]) => [a! - b!, a! * b!]);
    const flat = (R: number[][]) => ({ data: Float64Array.from(R.flat()), rows: R.length, cols: R[0]!.length });
    const mse = (q: MlpParams, x: nn.Tensor, t: Int32Array | nn.Tensor) => nn.mean(nn.square(nn.sub(mlp(q, x), t as nn.Tensor)));
    const bits = (data: { X: unknown; y: unknown }) => {
      const p = initMlp([2, 4, 2], { seed: 3 });
      train({ params: p, loss: mse }, data as never, { epochs: 3, batchSize: 6 });
      const out = p.layers.flatMap((l) => [...l.W.data(), ...l.b!.data()]);
      p.layers.forEach((l) => (l.W.free(), l.b!.free()));
      return out;
    };
    expect(bits({ X: flat(X), y: flat(Y) })).toEqual(bits({ X, y: Y }));
    expect(() => train({ params: initMlp([2, 2]), loss: mse }, { X: flat(X), y: flat(Y.slice(1)) })).toThrow('train: data.y must have one entry per row of data.X, 20 (got 19)');
  });

  it('clipNorm bounds every SGD step by η·clipNorm; the f32 path follows the f64 path to f32 precision', () => {
    const { X, y } = rings(6, 48);
    const p = initMlp([2, 8, 3], { seed: 4 });
    const flat = () => p.layers.flatMap((l) => [...l.W.data(), ...l.b!.data()]);
    const start = flat();
    train({ params: p, loss: ce }, { X, y }, { epochs: 3, batchSize: 8, clipNorm: 1e-3, optimizer: sgd({ learningRate: 0.5 }) });
    // 3 epochs of 6 steps, each moving the parameter vector by at most η·clipNorm in ℓ2 (triangle inequality)
    const moved = Math.hypot(...flat().map((v, i) => v - start[i]!));
    expect(moved).toBeLessThanOrEqual(3 * 6 * 0.5 * 1e-3 * (1 + 1e-12));
    expect(moved).toBeGreaterThan(0.5 * 0.5 * 1e-3); // and it moved
    p.layers.forEach((l) => (l.W.free(), l.b!.free()));
    const run = (dtype: 'f64' | 'f32') => {
      const q = initMlp([2, 8, 3], { seed: 4, dtype });
      train({ params: q, loss: ce }, { X, y }, { epochs: 2, batchSize: 8, dtype, optimizer: sgd({ learningRate: 0.1 }) });
      const out = q.layers.flatMap((l) => [...l.W.data(), ...l.b!.data()]);
      q.layers.forEach((l) => (l.W.free(), l.b!.free()));
      return out;
    };
    const a = run('f64'), b = run('f32');
    const scale = Math.max(...a.map(Math.abs));
    a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(1e-5 * scale));
    expect(a).not.toEqual(b); // really a different precision
  });

  it("a prox hook reaches parameters by their path inside model.params ('layers.0.W')", () => {
    const { X, y } = rings(5, 60);
    const p = initMlp([2, 8, 3], { seed: 2 });
    train({ params: p, loss: ce }, { X, y }, { epochs: 5, optimizer: sgd({ learningRate: 0.5, prox: { 'layers.0.W': indBox(-0.05, 0.05) } }) });
    const W0 = p.layers[0]!.W.data(), W1 = p.layers[1]!.W.data();
    expect(W0.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(W0.some((v) => Math.abs(v) === 0.05)).toBe(true); // the box is active
    expect(W1.some((v) => Math.abs(v) > 0.05)).toBe(true); // other parameters are left alone
    p.layers.forEach((l) => (l.W.free(), l.b!.free()));
  });

  it('a batchSize far above the number of rows is one full batch: the same parameters as batchSize = n', () => {
    const { X, y } = rings(1, 24);
    const runs = [24, 2 ** 40].map((batchSize) => {
      const p = initMlp([2, 5, 3], { seed: 2 });
      const r = train({ params: p, loss: ce }, { X, y }, { epochs: 3, batchSize, seed: 4, optimizer: adam({ learningRate: 0.01 }) });
      const out = { steps: r.steps, w: p.layers.flatMap((l) => [...l.W.data(), ...l.b!.data()]) };
      p.layers.forEach((l) => (l.W.free(), l.b!.free()));
      return out;
    });
    expect(runs[1]!.steps).toBe(3);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('typed errors name the function and argument', () => {
    const p = initMlp([2, 2], { seed: 1 });
    const model = { params: p, loss: ce };
    expect(() => train(null as never, { X: [[1, 2]], y: [0] })).toThrow(ParameterError);
    expect(() => train(model, { X: [[1, 2]], y: [0, 1] })).toThrow(ShapeError);
    expect(() => train(model, { X: [[1, 2]], y: [0, 1] })).toThrow('train: data.y must have one entry per row of data.X, 1 (got 2)');
    expect(() => train(model, { X: [[1, 2]], y: [-1] })).toThrow('train: data.y[0] must be a non-negative integer label (got -1)');
    expect(() => train(model, { X: [[1, 2]], y: [0] }, { batchSize: 0 })).toThrow('train: options.batchSize must be a positive integer (got 0)');
    expect(() => train(model, { X: [[1, 2]], y: [0] }, { optimizer: {} as never })).toThrow('train: options.optimizer must be an Optimizer (sgd(), adam(), adamw()) (got Object)');
    expect(() => train({ params: { a: null } as never, loss: ce as never }, { X: [[1, 2]], y: [0] })).toThrow('train: model.params.a must be a Tensor, an array / plain object of them, or a number, boolean or string setting (got null)');
    expect(() => train({ params: { a: 3 } as never, loss: ce as never }, { X: [[1, 2]], y: [0] })).toThrow('train: model.params must be at least one tensor (got Object)');
    p.layers.forEach((l) => (l.W.free(), l.b!.free()));
  });
});
