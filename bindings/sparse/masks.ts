/**
 * 2:4 semi-structured masks for a trained MLP: the magnitude mask (keep the two largest |w| of every
 * four consecutive input weights of a neuron) and a mask learned with the ProxSparse regulariser
 * (Liu et al., 2025): minimise the task loss + λ·Σ_groups Σ_{i<j<k}|wᵢwⱼwₖ| by proximal SGD (the prox
 * family's `proxSparse` prox after each gradient step), then freeze the top two of each group. Either
 * mask can be followed by a short retraining of the kept weights. Internal to the experiments
 * (scripts/sparse-experiment.ts) and the tests; weights are stored [out, in] so that a row of a layer
 * is one neuron's input weights, grouped in fours.
 */
import * as nn from '../nn/index.js';
import { proxSparse } from '../prox/index.js';
import { ParameterError, ShapeError } from '../runtime/errors.js';

/** One layer y = x·(W ⊙ M)ᵀ + b, W and M [out, in]. */
export interface MaskedLayer {
  W: nn.Tensor;
  b: nn.Tensor;
}

/** An MLP with one mask per layer (1 = kept); `null` masks mean dense. */
export interface MaskedMlp {
  layers: MaskedLayer[];
  masks: (Uint8Array | null)[];
}

/** Layer sizes and data of a run. */
export interface DigitsSplit {
  train: { X: number[][]; y: number[] };
  test: { X: number[][]; y: number[] };
}

/** The mask keeping the two largest |w| of every group of four consecutive entries of each row (ties: lower index). */
export function magnitudeMask24(W: ArrayLike<number>, rows: number, cols: number): Uint8Array {
  if (cols % 4 !== 0) throw new ShapeError(`magnitudeMask24: cols must be a multiple of 4 (got ${cols})`);
  if (W.length !== rows * cols) throw new ShapeError(`magnitudeMask24: W must have rows · cols = ${rows * cols} entries (got ${W.length})`);
  const M = new Uint8Array(rows * cols);
  for (let g = 0; g < rows * cols; g += 4) {
    const idx = [0, 1, 2, 3].sort((a, b) => Math.abs(W[g + b]!) - Math.abs(W[g + a]!) || a - b);
    M[g + idx[0]!] = 1;
    M[g + idx[1]!] = 1;
  }
  return M;
}

/** True when every group of four consecutive entries holds exactly two ones (and nothing but 0/1). */
export function isExactly24(M: Uint8Array): boolean {
  if (M.length % 4 !== 0) return false;
  for (let g = 0; g < M.length; g += 4) {
    let k = 0;
    for (let i = g; i < g + 4; i++) {
      if (M[i]! > 1) return false;
      k += M[i]!;
    }
    if (k !== 2) return false;
  }
  return true;
}

/** A fresh dense MLP [sizes], He-uniform from `seed`, stored [out, in]. */
export function initMaskedMlp(sizes: readonly number[], seed: number): MaskedMlp {
  const p = nn.initMlp(sizes, { seed });
  const layers = p.layers.map((L, l) => {
    const [nin, nout] = [sizes[l]!, sizes[l + 1]!];
    const w = L.W.data();
    const t = new Float64Array(nin * nout);
    for (let i = 0; i < nin; i++) for (let o = 0; o < nout; o++) t[o * nin + i] = w[i * nout + o]!;
    const layer = { W: nn.keep(nn.tensor(t, { shape: [nout, nin] })), b: nn.keep(nn.tensor(new Float64Array(nout), { shape: [nout] })) };
    L.W.free();
    L.b?.free();
    return layer;
  });
  return { layers, masks: layers.map(() => null) };
}

/** Logits of a batch (ReLU between layers); masks are applied as constants (no gradient reaches a pruned weight). */
function forward(net: MaskedMlp, params: MaskedLayer[], x: nn.Tensor): nn.Tensor {
  let h = x;
  params.forEach((L, l) => {
    const M = net.masks[l];
    const W = M ? nn.mul(L.W, nn.tensor(Float64Array.from(M), { shape: L.W.shape.slice() })) : L.W;
    h = nn.add(nn.matmul(h, W, { transposeB: true }), L.b);
    if (l < params.length - 1) h = nn.relu(h);
  });
  return h;
}

/** Share of correctly classified rows. */
export function accuracyOf(net: MaskedMlp, X: number[][], y: number[]): number {
  return nn.scope(() => {
    const z = forward(net, net.layers, nn.tensor(X)).data();
    const K = net.layers[net.layers.length - 1]!.b.shape[0]!;
    let ok = 0;
    for (let n = 0; n < y.length; n++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (z[n * K + k]! > z[n * K + best]!) best = k;
      if (best === y[n]) ok++;
    }
    return ok / y.length;
  });
}

/** Options of {@link fitMaskedMlp}. */
export interface FitOptions {
  epochs: number;
  learningRate: number;
  seed: number;
  /** 'adam' (default) or 'sgd' (plain proximal SGD). */
  optimizer?: 'adam' | 'sgd';
  /** λ of the ProxSparse regulariser on every W (default 0: none). */
  lambda?: number;
  batchSize?: number;
}

/** Trains the unmasked entries in place (cross-entropy); with λ > 0 a proxSparse(λ) step follows every gradient step. */
export function fitMaskedMlp(net: MaskedMlp, data: { X: number[][]; y: number[] }, o: FitOptions): void {
  const lambda = o.lambda ?? 0;
  if (!(lambda >= 0)) throw new ParameterError(`fitMaskedMlp: options.lambda must be >= 0 (got ${lambda})`);
  const reg = lambda > 0 ? proxSparse(lambda) : undefined;
  const prox = reg ? (name: string) => (name.endsWith('.W') ? reg : undefined) : undefined;
  const optimizer = (o.optimizer ?? 'adam') === 'sgd' ? nn.sgd({ learningRate: o.learningRate, prox }) : nn.adam({ learningRate: o.learningRate, prox });
  nn.train(
    { params: { layers: net.layers }, loss: (p, x, y) => nn.softmaxCrossEntropy(forward(net, p.layers, x), y as Int32Array) },
    { X: data.X, y: data.y },
    { epochs: o.epochs, batchSize: o.batchSize ?? 32, seed: o.seed, optimizer },
  );
  // a pruned weight never changes (its gradient is 0), but keep the stored values exactly zero
  net.layers.forEach((L, l) => {
    const M = net.masks[l];
    if (!M) return;
    const v = L.W.view();
    for (let i = 0; i < v.length; i++) if (!M[i]) v[i] = 0;
  });
}

/** A deep copy (fresh tensors, same values and masks). */
export function cloneMaskedMlp(net: MaskedMlp): MaskedMlp {
  return {
    layers: net.layers.map((L) => ({ W: nn.keep(nn.tensor(L.W.toArray(), { shape: L.W.shape.slice() })), b: nn.keep(nn.tensor(L.b.toArray(), { shape: L.b.shape.slice() })) })),
    masks: net.masks.map((M) => (M ? Uint8Array.from(M) : null)),
  };
}

/** Freezes the magnitude 2:4 mask of the current weights into every layer and zeroes the pruned weights. */
export function freeze24(net: MaskedMlp): void {
  net.layers.forEach((L, l) => {
    const [rows, cols] = L.W.shape as [number, number];
    const M = magnitudeMask24(L.W.view(), rows, cols);
    net.masks[l] = M;
    const v = L.W.view();
    for (let i = 0; i < v.length; i++) if (!M[i]) v[i] = 0;
  });
}

/** Share of groups of four that are already 2:4 (at most two entries above 1e-6·max|w| of the group). */
export function share24(net: MaskedMlp): number {
  let ok = 0;
  let all = 0;
  for (const L of net.layers) {
    const v = L.W.view();
    for (let g = 0; g < v.length; g += 4) {
      const s = Math.max(Math.abs(v[g]!), Math.abs(v[g + 1]!), Math.abs(v[g + 2]!), Math.abs(v[g + 3]!));
      let nz = 0;
      for (let i = g; i < g + 4; i++) if (Math.abs(v[i]!) > 1e-6 * s) nz++;
      if (nz <= 2) ok++;
      all++;
    }
  }
  return ok / all;
}

/** Frees the tensors of a network. */
export function freeMaskedMlp(net: MaskedMlp): void {
  for (const L of net.layers) {
    L.W.free();
    L.b.free();
  }
}
