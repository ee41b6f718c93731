/**
 * Lisa's bi-state optimisation: the update against a hand-written reference (full batches, gradients by
 * nn.grad), the proximal term's pull, and the harmful fine-tuning toy's claim on a quick setting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import { fedproxSynthetic, lisaExperiment, lisaTrain, softmaxRegression, type LisaData } from '../../bindings/federated/index.js';
import { digits } from '../../bindings/datasets.js';

beforeAll(() => init());

function smallData(): LisaData {
  const a = fedproxSynthetic({ clients: 2, dim: 5, classes: 3, seed: 4 });
  return { dim: 5, classes: 3, alignment: { X: a.clients[0]!.X, y: a.clients[0]!.y }, finetune: { X: a.clients[1]!.X, y: a.clients[1]!.y } };
}

/** Full-batch mean cross-entropy gradient of softmax regression at w (W 5×3 then b), by nn's reverse mode. */
function fullGrad(w: Float64Array, X: Float64Array, y: Int32Array, dim: number, C: number): Float64Array {
  return nn.scope(() => {
    const x = nn.tensor(X, { shape: [y.length, dim] });
    const W = nn.tensor(w.subarray(0, dim * C), { shape: [dim, C] });
    const b = nn.tensor(w.subarray(dim * C), { shape: [C] });
    const gs = nn.grad((W_: nn.Tensor, b_: nn.Tensor) => nn.softmaxCrossEntropy(nn.linear({ W: W_, b: b_ }, x), y))(W, b) as nn.Tensor[];
    return new Float64Array([...gs[0]!.toArray(), ...gs[1]!.toArray()]);
  });
}

describe('lisaTrain', () => {
  it('follows θ ← θ − η(∇f(θ) + ρ(θ − θ̃)) with θ̃ the other state\'s last point (full batches, against nn.grad)', () => {
    const data = smallData();
    const rho = 0.7, lr = 0.2, alignSteps = 3, finetuneSteps = 4, cycles = 3;
    const start = new Float64Array(18).map((_, i) => Math.sin(i + 1) * 0.3);
    const big = Math.max(data.alignment.y.length, data.finetune.y.length);
    const got = lisaTrain(data, { rho, learningRate: lr, alignSteps, finetuneSteps, cycles, batchSize: big, init: start, seed: 3 });
    // the reference, written out
    let w = start.slice();
    for (let c = 0; c < cycles; c++) {
      for (const [rows, count] of [[data.alignment, alignSteps], [data.finetune, finetuneSteps]] as const) {
        const anchor = w.slice();
        for (let t = 0; t < count; t++) {
          const g = fullGrad(w, rows.X, rows.y, 5, 3);
          w = w.map((v, i) => v - lr * (g[i]! + rho * (v - anchor[i]!)));
        }
      }
    }
    expect(got.iterations).toBe(cycles);
    expect(got.stopped).toBe('maxIter');
    for (let i = 0; i < w.length; i++) expect(got.params[i]).toBeCloseTo(w[i]!, 12);
    // ρ really enters: ρ = 0 gives another point
    const free = lisaTrain(data, { rho: 0, learningRate: lr, alignSteps, finetuneSteps, cycles, batchSize: big, init: start, seed: 3 });
    expect(Math.abs(free.params[0]! - got.params[0]!)).toBeGreaterThan(1e-6);
  });

  it('nn\'s tape and the WASM kernel give the same run (minibatches, to 1e-10)', () => {
    const data = smallData();
    const o = { rho: 0.5, alignSteps: 5, finetuneSteps: 15, cycles: 4, batchSize: 7, learningRate: 0.1, seed: 9 };
    const a = lisaTrain(data, o);
    const b = lisaTrain(data, { ...o, model: softmaxRegression(5, 3, { kernel: false }) });
    for (let i = 0; i < a.params.length; i++) expect(a.params[i]).toBeCloseTo(b.params[i]!, 10);
  });

  it('a larger ρ keeps the fine-tuning state nearer the aligned start', () => {
    const data = smallData();
    const dist = (rho: number) => {
      const r = lisaTrain(data, { rho, alignSteps: 0, finetuneSteps: 200, cycles: 1, learningRate: 0.1, seed: 1 });
      return Math.hypot(...r.params);
    };
    const ds = [0, 0.1, 1, 10].map(dist);
    for (let i = 1; i < ds.length; i++) expect(ds[i]!).toBeLessThan(ds[i - 1]!);
  });

  it('reports after every cycle, stops on false and on an aborted signal', () => {
    const data = smallData();
    const seen: number[] = [];
    const r = lisaTrain(data, { cycles: 5, alignSteps: 1, finetuneSteps: 2, onProgress: (i) => (seen.push(i.steps), i.cycle < 2) });
    expect(seen).toEqual([3, 6]);
    expect(r.stopped).toBe('callback');
    const ac = new AbortController();
    ac.abort();
    expect(lisaTrain(data, { signal: ac.signal }).stopped).toBe('aborted');
  });

  it('rejects bad input with typed errors', () => {
    const data = smallData();
    expect(() => lisaTrain(data, { rho: -1 })).toThrow(/lisaTrain: options\.rho must be a finite number ≥ 0/);
    expect(() => lisaTrain(data, { rhoo: 1 } as never)).toThrow(ParameterError);
    expect(() => lisaTrain({ ...data, alignment: { X: new Float64Array(3), y: new Int32Array(1) } })).toThrow(ShapeError);
    expect(() => lisaTrain({ ...data, finetune: { X: new Float64Array(5), y: Int32Array.of(3) } })).toThrow(/data\.finetune\.y\[0\] must be a label in 0…2/);
    expect(() => lisaTrain(data, { init: new Float64Array(2) })).toThrow(/options\.init must be a Float64Array of length 18/);
  });
});

describe('lisaExperiment (harmful fine-tuning toy on the embedded digits)', () => {
  const { images, labels } = digits();
  const X = new Float64Array(images.length * 64);
  images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));

  it('the proximal term lowers the harmful rate (quick setting, seed 0)', () => {
    const r = lisaExperiment(X, labels, 64, { seeds: [0], rhos: [0, 1], cycles: 20 });
    expect(r.runs.map((x) => x.variant)).toEqual(['SFT', 'Lisa ρ = 0', 'Lisa ρ = 1']);
    expect(r.runs.every((x) => x.harmfulRate.length === 20 && x.finetuneAccuracy.length === 20)).toBe(true);
    // the aligned model has not learnt the harm; plain fine-tuning does
    expect(r.aligned[0]!.harmfulRate).toBeLessThan(0.1);
    expect(r.summary['SFT']!.harmfulRate).toBeGreaterThan(0.8);
    expect(r.summary['Lisa ρ = 1']!.harmfulRate).toBeLessThan(r.summary['Lisa ρ = 0']!.harmfulRate - 0.2);
    // the user's task is still learnt beyond the aligned model
    expect(r.summary['Lisa ρ = 1']!.finetuneAccuracy).toBeGreaterThan(r.aligned[0]!.finetuneAccuracy);
    const s = r.settings.rows;
    expect(s.harmful / (s.harmful + s.benign)).toBeCloseTo(0.05, 2);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => lisaExperiment(X, labels, 64, { sourceLabel: 3, targetLabel: 3 })).toThrow(/options\.targetLabel must be a label other than/);
    expect(() => lisaExperiment(X, labels, 64, { harmfulFraction: 1 })).toThrow(/options\.harmfulFraction must be a number in \(0, 1\)/);
    expect(() => lisaExperiment(X, labels, 63)).toThrow(ShapeError);
    expect(() => lisaExperiment(X, labels, 64, { sourceLabel: 10 })).toThrow(/options\.sourceLabel must be a label in 0…9/);
  });
});
