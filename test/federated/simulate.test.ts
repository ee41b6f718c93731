/**
 * federated simulator: FedProx with μ = 0 is FedAvg bit for bit; one client is centralised SGD (nn.train
 * with sgd) bit for bit; seeds reproduce; stragglers; FedSpeed's state; a run learns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import {
  fedAvg, fedProx, fedSpeed, fedproxSynthetic, mlpClassifier, partitionClients, simulateFederated, softmaxRegression,
  type FedDataset,
} from '../../bindings/federated/index.js';
import { stragglerEpochs } from '../../bindings/federated/simulate.js';
import { lossAndGrad } from '../../bindings/federated/model.js';
import { SoftmaxRegressionWorkspace } from '../../bindings/federated/kernels.js';
import { Rng } from '../../bindings/rng.js';

beforeAll(() => init());

const small = (): FedDataset => fedproxSynthetic({ clients: 6, dim: 8, classes: 3, seed: 3 });

describe('simulateFederated', () => {
  it('fedProx with mu 0 equals fedAvg bit for bit (no stragglers, and with stragglers under one policy)', () => {
    const data = small();
    const base = { rounds: 4, clientsPerRound: 3, epochs: 2, batchSize: 5, learningRate: 0.05, seed: 7 };
    const a = simulateFederated(data, { ...base, rule: fedAvg() });
    const p = simulateFederated(data, { ...base, rule: fedProx({ mu: 0 }) });
    expect(Array.from(p.params)).toEqual(Array.from(a.params));
    expect(p.history).toEqual(a.history.map((h, i) => ({ ...h, elapsedMs: p.history[i]!.elapsedMs })));
    const a2 = simulateFederated(data, { ...base, rule: fedAvg(), dropPercent: 0.5 });
    const p2 = simulateFederated(data, { ...base, rule: fedProx({ mu: 0, stragglers: 'drop' }), dropPercent: 0.5 });
    expect(Array.from(p2.params)).toEqual(Array.from(a2.params));
    // and μ > 0 really changes the run
    const p3 = simulateFederated(data, { ...base, rule: fedProx({ mu: 1 }) });
    expect(Array.from(p3.params)).not.toEqual(Array.from(a.params));
  });

  it('one client equals centralised SGD (nn.train with sgd) bit for bit', () => {
    const full = small();
    const c = full.clients[0]!;
    const data: FedDataset = { dim: 8, classes: 3, clients: [c] };
    const rounds = 3, epochs = 2, batch = 7, lr = 0.1;
    const fed = simulateFederated(data, { rounds, epochs, batchSize: batch, learningRate: lr, shuffle: false, clientsPerRound: 5, model: softmaxRegression(8, 3, { kernel: false }) });
    const model = {
      params: { W: nn.zeros([8, 3]), b: nn.zeros([3]) },
      loss: (p: { W: nn.Tensor; b: nn.Tensor }, x: nn.Tensor, y: Int32Array | nn.Tensor) => nn.softmaxCrossEntropy(nn.linear(p, x), y as Int32Array),
    };
    nn.train(model, { X: { data: c.X, rows: c.y.length, cols: 8 }, y: Array.from(c.y) }, {
      epochs: rounds * epochs, batchSize: batch, shuffle: false, optimizer: nn.sgd({ learningRate: lr }),
    });
    const central = new Float64Array([...model.params.W.toArray(), ...model.params.b.toArray()]);
    model.params.W.free();
    model.params.b.free();
    expect(Array.from(fed.params)).toEqual(Array.from(central));
  });

  it('is reproducible from its seed and depends on it', () => {
    const data = small();
    const o = { rounds: 3, clientsPerRound: 2, epochs: 2, seed: 11, rule: fedProx({ mu: 0.1 }), dropPercent: 0.5 };
    const a = simulateFederated(data, o), b = simulateFederated(data, o), c = simulateFederated(data, { ...o, seed: 12 });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(Array.from(c.params)).not.toEqual(Array.from(a.params));
  });

  it('stragglers: round(m(1 − p)) full workers, the others 1…E−1 epochs', () => {
    const R = new Rng(5);
    let seen = new Set<number>();
    for (let t = 0; t < 50; t++) {
      const { epochs, full } = stragglerEpochs(R, 10, 20, 0.9);
      expect(full.reduce((a, b) => a + b, 0)).toBe(1);
      for (let i = 0; i < 10; i++) {
        if (full[i]) expect(epochs[i]).toBe(20);
        else {
          expect(epochs[i]).toBeGreaterThanOrEqual(1);
          expect(epochs[i]).toBeLessThanOrEqual(19);
          seen.add(epochs[i]!);
        }
      }
    }
    expect(seen.size).toBe(19); // every value of 1…19 occurs in 450 draws
    seen = new Set();
    // fedAvg drops stragglers: with p = 1 nobody is aggregated and the model stays at its start
    const r = simulateFederated(small(), { rounds: 2, clientsPerRound: 3, epochs: 3, dropPercent: 1 });
    expect(r.history.map((h) => h.aggregated)).toEqual([0, 0]);
    expect(Array.from(r.params).every((v) => v === 0)).toBe(true);
    const rp = simulateFederated(small(), { rounds: 2, clientsPerRound: 3, epochs: 3, dropPercent: 1, rule: fedProx() });
    expect(rp.history.map((h) => h.aggregated)).toEqual([3, 3]);
  });

  it('learns: FedAvg, FedProx and FedSpeed beat the zero model on the synthetic data, memory flat', () => {
    const data = fedproxSynthetic({ clients: 10, dim: 10, classes: 4, seed: 1 });
    const before = memoryStats().allocatedBytes;
    for (const rule of [fedAvg(), fedProx({ mu: 0.1 }), fedSpeed({ lambda: 5, rho: 0.01 })]) {
      const r = simulateFederated(data, { rule, rounds: 15, clientsPerRound: 5, epochs: 2, learningRate: 0.05 });
      expect(r.history[r.history.length - 1]!.trainLoss).toBeLessThan(0.8 * Math.log(4));
      expect(r.history[r.history.length - 1]!.trainLoss).toBeLessThan(r.history[0]!.trainLoss);
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it("fedSpeed's round equals a hand computation: merged ascent gradient, then the corrected upload", () => {
    const c = small().clients[1]!;
    const n = c.y.length, lr = 0.05, lambda = 4, rho = 0.1, alpha = 0.3;
    const data: FedDataset = { dim: 8, classes: 3, clients: [c] };
    const r = simulateFederated(data, { rounds: 1, epochs: 1, batchSize: n, learningRate: lr, rule: fedSpeed({ lambda, rho, alpha }) });
    // full-batch gradient by nn.grad on the test side
    const g = (w: Float64Array): Float64Array => nn.scope(() => {
      const W = nn.tensor(w.subarray(0, 24), { shape: [8, 3] }), b = nn.tensor(w.subarray(24), { shape: [3] });
      const x = nn.tensor(c.X, { shape: [n, 8] });
      const gs = nn.grad((W: nn.Tensor, b: nn.Tensor) => nn.softmaxCrossEntropy(nn.linear({ W, b }, x), c.y))(W, b) as nn.Tensor[];
      return new Float64Array([...gs[0]!.toArray(), ...gs[1]!.toArray()]);
    });
    const w0 = new Float64Array(27);
    const g1 = g(w0);
    const g2 = g(w0.map((v, i) => v + rho * g1[i]!));
    const w1 = w0.map((v, i) => v - lr * ((1 - alpha) * g1[i]! + alpha * g2[i]!));
    const h = w1.map((v, i) => -(v - w0[i]!) / lambda);
    const upload = w1.map((v, i) => v - lambda * h[i]!);
    for (let i = 0; i < 27; i++) expect(r.params[i]).toBeCloseTo(upload[i]!, 12);
    expect(Math.max(...upload.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it("fedSpeed with every client each round equals the authors' code's server rule (mean of the local models + mean of the accumulated updates)", () => {
    // FL-Simulator (Sun et al.'s code): h_i += x_i,K − xᵗ after each round, local gradient ∇f + (x − xᵗ)/λ + h_i/λ,
    // server x^{t+1} = mean_i x_i,K + mean_i h_i. With full participation this is the paper's upload mean.
    const data = small();
    const K = data.clients.length, lambda = 3, lr = 0.05, rounds = 3;
    const r = simulateFederated(data, { rounds, epochs: 1, batchSize: 1000, learningRate: lr, clientsPerRound: K, rule: fedSpeed({ lambda, rho: 0, alpha: 0 }) });
    const grad = (c: FedDataset['clients'][number], w: Float64Array): Float64Array => nn.scope(() => {
      const W = nn.tensor(w.subarray(0, 24), { shape: [8, 3] }), b = nn.tensor(w.subarray(24), { shape: [3] });
      const x = nn.tensor(c.X, { shape: [c.y.length, 8] });
      const gs = nn.grad((W: nn.Tensor, b: nn.Tensor) => nn.softmaxCrossEntropy(nn.linear({ W, b }, x), c.y))(W, b) as nn.Tensor[];
      return new Float64Array([...gs[0]!.toArray(), ...gs[1]!.toArray()]);
    });
    let x = new Float64Array(27);
    const h = data.clients.map(() => new Float64Array(27));
    for (let t = 0; t < rounds; t++) {
      const locals = data.clients.map((c, i) => {
        const steps = Math.ceil(c.y.length / 1000);
        let w = x.slice();
        for (let s = 0; s < steps; s++) {
          const g = grad(c, w);
          w = w.map((v, k) => v - lr * (g[k]! + (v - x[k]!) / lambda + h[i]![k]! / lambda));
        }
        return w;
      });
      locals.forEach((w, i) => h[i]!.forEach((_, k) => (h[i]![k] = h[i]![k]! + w[k]! - x[k]!)));
      x = x.map((_, k) => locals.reduce((a, w) => a + w[k]!, 0) / K + h.reduce((a, v) => a + v[k]!, 0) / K);
    }
    for (let k = 0; k < 27; k++) expect(r.params[k]).toBeCloseTo(x[k]!, 11);
    expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('runs an MLP model and a Dirichlet partition', () => {
    const syn = fedproxSynthetic({ clients: 1, dim: 5, classes: 3, seed: 4 });
    const c = syn.clients[0]!;
    const data = partitionClients(c.X, c.y, 5, { clients: 4, split: 'dirichlet', alpha: 0.5, seed: 1 });
    const r = simulateFederated(data, { model: mlpClassifier([5, 8, 3], { seed: 1 }), rounds: 5, clientsPerRound: 4, epochs: 2, learningRate: 0.05 });
    expect(r.params.length).toBe(5 * 8 + 8 + 8 * 3 + 3);
    expect(r.history[4]!.trainLoss).toBeLessThan(r.history[0]!.trainLoss);
  });

  it('the softmax-regression kernel gives nn reverse mode\'s loss and gradient (to 1e-13), and the same runs to 1e-9', () => {
    const data = fedproxSynthetic({ clients: 2, dim: 7, classes: 4, seed: 8 });
    const c = data.clients[0]!;
    const rows = Int32Array.from([3, 0, 5, 5, 11, 2]);
    const w = Float64Array.from({ length: 7 * 4 + 4 }, (_, i) => Math.sin(3 * i) * 2);
    const ref = lossAndGrad(softmaxRegression(7, 4, { kernel: false }), w, c.X, c.y, 7, rows);
    const ws = new SoftmaxRegressionWorkspace('test', c.X, c.y, 7, 4, rows.length);
    const g = new Float64Array(w.length);
    const loss = ws.lossAndGrad(w, rows, g);
    ws.release();
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-13 * Math.max(1, ref.loss));
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i]! - ref.grad[i]!)).toBeLessThan(1e-13);
    expect(Math.max(...ref.grad.map(Math.abs))).toBeGreaterThan(1e-2);
    const o = { rounds: 3, clientsPerRound: 2, epochs: 2, learningRate: 0.05, rule: fedProx({ mu: 0.5 }) };
    const a = simulateFederated(data, o);
    const b = simulateFederated(data, { ...o, model: softmaxRegression(7, 4, { kernel: false }) });
    for (let i = 0; i < a.params.length; i++) expect(Math.abs(a.params[i]! - b.params[i]!)).toBeLessThan(1e-9);
  });

  it('typed errors name the function and the argument', () => {
    expect(() => simulateFederated(small(), { rounds: -1 })).toThrow(ParameterError);
    expect(() => simulateFederated(small(), { rounds: -1 })).toThrow(/simulateFederated: options.rounds/);
    expect(() => simulateFederated(small(), { model: softmaxRegression(9, 3) })).toThrow(ShapeError);
    expect(() => fedProx({ mu: -1 })).toThrow(/fedProx: options.mu/);
    expect(() => fedSpeed({ lambda: 0 })).toThrow(/fedSpeed: options.lambda/);
  });
});
