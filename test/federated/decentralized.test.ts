/**
 * Decentralized learning: mixing matrices are doubly stochastic and gossip keeps the mean; compressors'
 * unbiasedness (random-k, QSGD) and top-k's contraction on seeded samples; error feedback loses nothing;
 * one node is proximal SGD (nn.train with an ℓ1 prox hook) bit for bit; tracking, prox and compression runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, normL1, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import {
  decentralizedTrain, errorFeedback, fedproxSynthetic, gossip, mixingMatrix, qsgd, randomK, randomRegularGraph, ringGraph, softmaxRegression, topK, torusGraph,
  type FedDataset,
} from '../../bindings/federated/index.js';
import { Rng } from '../../bindings/rng.js';
import { mixPlain } from '../../bindings/federated/decentralized.js';

beforeAll(() => init());

describe('graphs, mixing and gossip', () => {
  it('Metropolis W is symmetric, non-negative and doubly stochastic on rings and tori', () => {
    for (const g of [ringGraph(1), ringGraph(2), ringGraph(5), torusGraph(3, 4), torusGraph(2, 2), torusGraph(1, 6)]) {
      const n = g.n, W = mixingMatrix(g);
      for (let i = 0; i < n; i++) {
        let row = 0, col = 0;
        for (let j = 0; j < n; j++) {
          expect(W[i * n + j]).toBeGreaterThanOrEqual(0);
          expect(W[i * n + j]).toBe(W[j * n + i]);
          if (i !== j && !g.neighbors[i]!.includes(j)) expect(W[i * n + j]).toBe(0);
          row += W[i * n + j]!;
          col += W[j * n + i]!;
        }
        expect(Math.abs(row - 1)).toBeLessThan(1e-15);
        expect(Math.abs(col - 1)).toBeLessThan(1e-15);
      }
    }
    expect(ringGraph(5).neighbors[0]).toEqual([1, 4]);
    expect(torusGraph(3, 4).neighbors[5]).toEqual([1, 4, 6, 9]);
  });

  it('random regular graphs: d-regular, simple, undirected, connected, seeded; W = (A + I)/(d + 1) is doubly stochastic', () => {
    for (const [n, d] of [[2, 1], [6, 3], [10, 4], [12, 5], [30, 3], [7, 2], [9, 8]] as const) {
      for (const seed of [0, 1, 2]) {
        const g = randomRegularGraph(n, d, seed);
        expect(g.n).toBe(n);
        g.neighbors.forEach((list, i) => {
          expect(list.length).toBe(d);
          expect(new Set(list).size).toBe(d);
          expect(list.includes(i)).toBe(false);
          for (const j of list) expect(g.neighbors[j]!.includes(i)).toBe(true);
        });
        // connected: a breadth-first search from node 0 reaches everyone
        const seen = new Set([0]);
        const queue = [0];
        while (queue.length) for (const j of g.neighbors[queue.shift()!]!) if (!seen.has(j)) (seen.add(j), queue.push(j));
        expect(seen.size).toBe(n);
        const W = mixingMatrix(g);
        for (let i = 0; i < n; i++) {
          let row = 0, col = 0;
          for (let j = 0; j < n; j++) {
            const want = i === j || g.neighbors[i]!.includes(j) ? 1 / (d + 1) : 0;
            expect(Math.abs(W[i * n + j]! - want)).toBeLessThan(1e-15);
            row += W[i * n + j]!;
            col += W[j * n + i]!;
          }
          expect(Math.abs(row - 1)).toBeLessThan(1e-14);
          expect(Math.abs(col - 1)).toBeLessThan(1e-14);
        }
      }
      expect(randomRegularGraph(n, d, 5)).toEqual(randomRegularGraph(n, d, 5));
    }
    expect(randomRegularGraph(30, 3, 1)).not.toEqual(randomRegularGraph(30, 3, 2));
  });

  it('random regular graphs have no favourite edges: each pair is an edge with frequency d/(n − 1) over seeds', () => {
    const n = 8, d = 3, draws = 800;
    const count = new Float64Array(n * n);
    for (let s = 0; s < draws; s++) for (const [i, list] of randomRegularGraph(n, d, s).neighbors.entries()) for (const j of list) count[i * n + j]! += 1;
    const p = d / (n - 1), se = Math.sqrt((p * (1 - p)) / draws);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(Math.abs(count[i * n + j]! / draws - p)).toBeLessThan(5 * se);
  });

  it('random regular graphs reject impossible sizes with typed errors', () => {
    expect(() => randomRegularGraph(5, 3)).toThrow(/randomRegularGraph: degree must be a value with n · degree even \(n = 5\)/);
    expect(() => randomRegularGraph(4, 4)).toThrow(/degree must be less than n = 4/);
    expect(() => randomRegularGraph(6, 1)).toThrow(/degree must be at least 2 for n = 6/);
    expect(() => randomRegularGraph(6, 2, -1)).toThrow(ParameterError);
  });

  it('the WASM gossip kernel gives the bits of the plain-TS loop (odd and even lengths, zero weights, signed zeros)', () => {
    const R = new Rng(3);
    for (const [n, d] of [[1, 1], [3, 1], [4, 7], [5, 650], [6, 0], [2, 2]] as const) {
      const W = R.uniform(n * n).map((u, i) => (i % 3 === 1 ? 0 : u - 0.3));
      const x = Array.from({ length: n }, (_, i) => R.normal(d).map((v, k) => (k === i ? -0 : v * 10 ** ((k % 7) - 3))));
      const a = gossip(W, x), b = mixPlain(W, x);
      for (let i = 0; i < n; i++) expect(Array.from(a[i]!)).toEqual(Array.from(b[i]!));
    }
  });

  it('gossip keeps the mean and converges to it on a connected graph', () => {
    const R = new Rng(1);
    const g = torusGraph(3, 3), W = mixingMatrix(g);
    let x = Array.from({ length: 9 }, () => R.normal(4));
    const mean = (v: Float64Array[]) => [0, 1, 2, 3].map((k) => v.reduce((s, a) => s + a[k]!, 0) / v.length);
    const m0 = mean(x);
    for (let t = 0; t < 200; t++) x = gossip(W, x);
    const m1 = mean(x);
    for (let k = 0; k < 4; k++) expect(Math.abs(m1[k]! - m0[k]!)).toBeLessThan(1e-13);
    for (const v of x) for (let k = 0; k < 4; k++) expect(Math.abs(v[k]! - m0[k]!)).toBeLessThan(1e-8);
  });
});

describe('compressors', () => {
  it('top-k is a contraction: ‖C(v) − v‖² ≤ (1 − k/d)‖v‖², keeps the k largest', () => {
    const R = new Rng(2);
    const C = topK(0.4);
    for (let t = 0; t < 500; t++) {
      const v = R.normal(25);
      const c = C.compress(v, R);
      let err = 0, norm = 0, kept = 0;
      for (let i = 0; i < 25; i++) {
        err += (c[i]! - v[i]!) ** 2;
        norm += v[i]! ** 2;
        if (c[i] !== 0) {
          kept++;
          expect(c[i]).toBe(v[i]);
        }
      }
      expect(kept).toBe(10);
      expect(err).toBeLessThanOrEqual((1 - 10 / 25) * norm + 1e-12);
      const minKept = Math.min(...Array.from(c).filter((a) => a !== 0).map(Math.abs));
      const maxDropped = Math.max(...Array.from(v).filter((_, i) => c[i] === 0).map(Math.abs));
      expect(minKept).toBeGreaterThanOrEqual(maxDropped);
    }
  });

  it('random-k and QSGD are unbiased: the mean of many draws is v', () => {
    const R = new Rng(3);
    const v = R.normal(12);
    for (const C of [randomK(0.25), qsgd(2), qsgd(8)]) {
      const draws = 20000;
      const sum = new Float64Array(12), sq = new Float64Array(12);
      for (let t = 0; t < draws; t++) {
        const c = C.compress(v, R);
        for (let i = 0; i < 12; i++) {
          sum[i] = sum[i]! + c[i]!;
          sq[i] = sq[i]! + c[i]! ** 2;
        }
      }
      for (let i = 0; i < 12; i++) {
        const m = sum[i]! / draws, sdv = Math.sqrt(Math.max(sq[i]! / draws - m * m, 1e-30));
        expect(Math.abs(m - v[i]!)).toBeLessThan(5 * sdv / Math.sqrt(draws) + 1e-12);
      }
    }
  });

  it('error feedback loses nothing: Σ sent = Σ inputs − residual', () => {
    const R = new Rng(4);
    const ef = errorFeedback(topK(0.2));
    const inSum = new Float64Array(10), outSum = new Float64Array(10);
    for (let t = 0; t < 50; t++) {
      const v = R.normal(10);
      const c = ef.compress(v, R);
      for (let i = 0; i < 10; i++) {
        inSum[i] = inSum[i]! + v[i]!;
        outSum[i] = outSum[i]! + c[i]!;
      }
    }
    for (let i = 0; i < 10; i++) expect(Math.abs(outSum[i]! + ef.residual![i]! - inSum[i]!)).toBeLessThan(1e-12);
  });
});

describe('decentralizedTrain', () => {
  const data = (): FedDataset => fedproxSynthetic({ clients: 5, dim: 6, classes: 3, seed: 5 });

  it('one node without tracking is proximal SGD (nn.train, sgd with an ℓ1 prox hook): same iterates to 1e-12, same zeros', () => {
    const c = data().clients[0]!;
    const n = c.y.length, steps = 9, batch = n; // full batches: the row order does not matter
    const one: FedDataset = { dim: 6, classes: 3, clients: [c] };
    const r = decentralizedTrain(one, { steps, batchSize: batch, learningRate: 0.2, tracking: false, prox: normL1(0.1), model: softmaxRegression(6, 3, { kernel: false }) });
    const model = {
      params: { W: nn.zeros([6, 3]), b: nn.zeros([3]) },
      loss: (p: { W: nn.Tensor; b: nn.Tensor }, x: nn.Tensor, y: Int32Array | nn.Tensor) => nn.softmaxCrossEntropy(nn.linear(p, x), y as Int32Array),
    };
    // nn.train sees the rows in order, the node a seeded permutation: full batches make the two gradients equal up to
    // the summation order (last bits), hence 1e-12 and the same zero pattern
    nn.train(model, { X: { data: c.X, rows: n, cols: 6 }, y: Array.from(c.y) }, {
      epochs: steps, batchSize: batch, shuffle: false, optimizer: nn.sgd({ learningRate: 0.2, prox: { W: normL1(0.1), b: normL1(0.1) } }),
    });
    const ref = [...model.params.W.toArray(), ...model.params.b.toArray()];
    model.params.W.free();
    model.params.b.free();
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(r.average[i]! - ref[i]!)).toBeLessThan(1e-12);
      expect(r.average[i] === 0).toBe(ref[i] === 0);
    }
    expect(ref.some((v) => v === 0)).toBe(true);
  });

  it('tracking, ℓ1 prox and compressed gossip run; prox gives sparse iterates; memory of the kernel freed', () => {
    const d = data();
    const plain = decentralizedTrain(d, { steps: 150, batchSize: 8, learningRate: 0.05, evalEvery: 50 });
    expect(plain.history.length).toBe(3);
    expect(plain.history[2]!.trainLoss).toBeLessThan(plain.history[0]!.trainLoss);
    const sparse = decentralizedTrain(d, { steps: 150, batchSize: 8, learningRate: 0.05, prox: normL1(0.1), evalEvery: 150 });
    expect(sparse.history[0]!.density).toBeLessThan(0.8);
    expect(plain.history[2]!.density).toBe(1);
    const comp = decentralizedTrain(d, { steps: 150, batchSize: 8, learningRate: 0.05, compressor: topK(0.4), evalEvery: 150 });
    expect(comp.history[0]!.trainLoss).toBeLessThan(1.2 * plain.history[2]!.trainLoss + 0.05);
    const again = decentralizedTrain(d, { steps: 150, batchSize: 8, learningRate: 0.05, compressor: topK(0.4), evalEvery: 150 });
    expect(Array.from(again.average)).toEqual(Array.from(comp.average));
  });

  it('typed errors', () => {
    expect(() => decentralizedTrain(data(), { graph: ringGraph(4) })).toThrow(ShapeError);
    expect(() => decentralizedTrain(data(), { gamma: 2 })).toThrow(/decentralizedTrain: options.gamma/);
    expect(() => topK(0)).toThrow(ParameterError);
    expect(() => mixingMatrix({ n: 2, neighbors: [[1], []] })).toThrow(/undirected/);
  });
});
