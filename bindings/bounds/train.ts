/**
 * Training and evaluating small ReLU classifiers for the bounds family: `trainMlp` (Adam on softmax
 * cross-entropy, on the nn engine), `seededSplit`, `accuracy`, and
 * `certifiedAccuracy` (verified L∞ robustness by IBP / CROWN / α-CROWN with a PGD attack as the
 * empirical upper bound).
 */
import type { Matrix } from '../runtime/matrix.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { seededRng, type Rng } from '../rng.js';
import type { StopState } from '../runtime/stop.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { arrayOption, MAX_ITEMS } from './args.js';
import { computeBounds, evaluateNetwork, readAlpha } from './bounds.js';
import type { LayerSpec, NetworkSpec } from './model.js';
import { chainOf, marginGradient, type ModelInput } from './lipschitz.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { readLabels, readRows } from '../runtime/rows.js';
// nn through its public index only (DESIGN.md: a family uses another through its public functions)
import {
  Tensor, scope, tensor, add, matmul as nnMatmul, relu, scale as nnScale, softmaxCrossEntropy, square, sum as nnSum, adam, train,
} from '../nn/index.js';

/** A data matrix, one row per example: an array of rows (number[][] / Float64Array[]) or `{ data, rows, cols }` (row-major). */
export type Rows = ArrayLike<ArrayLike<number>> | Matrix;

/** Options of {@link trainMlp}. */
export interface TrainMlpOptions {
  /** Hidden layer widths (default [64, 32]); every hidden linear layer is followed by a ReLU. */
  hidden?: readonly number[];
  /** Passes over the training set (default 60). */
  epochs?: number;
  /** Adam step size α (default 1e-3). */
  learningRate?: number;
  /** Examples per mini-batch (default 32; the last batch of an epoch may be smaller). */
  batchSize?: number;
  /** Seed of the initial weights and of the per-epoch shuffles (default 0; `rng(seed)`, xoshiro256** in WASM). */
  seed?: number;
  /** L2 penalty λ: the loss gets (λ/2)·Σ‖W‖²_F over the weight matrices (not the biases); default 0. */
  weightDecay?: number;
  /** Number of classes K (default max(y) + 1). */
  classes?: number;
  /** Held-out examples for the test-accuracy history (optional). */
  testX?: Rows;
  /** Labels of `testX` (integers in [0, classes)). */
  testY?: ArrayLike<number>;
  /** Round every parameter of the returned network to the nearest float32, subnormals to 0 (default false). */
  float32?: boolean;
  /** Called after every epoch; return false to stop. */
  onProgress?: (info: TrainEpoch) => boolean | void;
  /** Stops training after the current epoch when aborted. */
  signal?: AbortSignalLike;
}

/** One epoch of the history. */
export interface TrainEpoch {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean cross-entropy (plus the L2 penalty) over the epoch's mini-batches. */
  loss: number;
  /** Accuracy on the training set after the epoch. */
  trainAccuracy: number;
  /** Accuracy on `testX`/`testY` after the epoch (NaN without a test set). */
  testAccuracy: number;
}

/** Result of {@link trainMlp}. */
export interface TrainMlpResult {
  /** The trained classifier in the chain JSON format (linear / relu layers; logits out). */
  network: NetworkSpec;
  /** Epochs run. */
  iterations: number;
  /** Always false: training runs a fixed number of epochs, with no convergence test. */
  converged: false;
  /** Why training ended: 'maxIter' (every requested epoch ran), 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'maxIter' | 'callback' | 'aborted'>;
  /** One entry per epoch run. */
  history: TrainEpoch[];
}

// The data readers are the nn family's (one set of rules and messages for every trainer).
const matrix = readRows;
const labels = readLabels;

/** A dense ReLU MLP in flat arrays: W[l] is sizes[l+1] × sizes[l] row-major. */
interface Mlp {
  sizes: number[];
  W: Float64Array[];
  b: Float64Array[];
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * Trains a ReLU MLP classifier x ↦ W_L·relu(…relu(W_1·x + b_1)…) + b_L (logits) by mini-batch Adam
 * (Kingma & Ba, ICLR 2015, Algorithm 1: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, bias-corrected moments) on the
 * mean softmax cross-entropy −log softmax(z)_y plus (λ/2)·Σ‖W‖²_F. Initial weights are He-uniform,
 * U(−√(6/fan_in), √(6/fan_in)), biases 0; each epoch visits the training rows in a fresh random order.
 * Both come from `rng(seed)`. The training runs on the nn engine (its SIMD matmul, fused softmax
 * cross-entropy and reverse-mode tape, one memory scope per step), whose transcendental math runs in
 * WASM, so a seed gives bit-identical weights in every JS engine.
 *
 * Defaults: hidden [64, 32], epochs 60, learningRate 1e-3, batchSize 32, seed 0, weightDecay 0. The
 * network may have at most 2^27 weights (its initial values are drawn in WASM memory at once).
 * Returns the network as a chain `NetworkSpec` (linear, relu, …, linear) usable by every bounds
 * function, and per-epoch loss / train / test accuracy.
 */
export function trainMlp(X: Rows, y: ArrayLike<number>, options?: TrainMlpOptions): TrainMlpResult {
  const fn = 'trainMlp';
  const { data, n, d } = matrix(fn, 'X', X);
  options = readOptions(fn, options, optionKeys<TrainMlpOptions>({
    hidden: true, epochs: true, learningRate: true, batchSize: true, seed: true, weightDecay: true, classes: true,
    testX: true, testY: true, float32: true, onProgress: true, signal: true,
  }));
  const hidden = options.hidden ?? [64, 32];
  if (!Array.isArray(hidden)) throw parameterError(fn, 'options.hidden', 'an array of positive integers', hidden);
  hidden.forEach((h, i) => positiveInteger(fn, `options.hidden[${i}]`, h));
  const epochs = options.epochs ?? 60;
  nonNegativeInteger(fn, 'options.epochs', epochs);
  const lr = options.learningRate ?? 1e-3;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', lr);
  // a batch larger than the data set is the whole set (the last batch of an epoch may be smaller anyway)
  const batch = Math.min(positiveInteger(fn, 'options.batchSize', options.batchSize ?? 32), n);
  const seed = options.seed ?? 0;
  const wd = options.weightDecay ?? 0;
  if (typeof wd !== 'number' || !(wd >= 0) || !Number.isFinite(wd)) throw parameterError(fn, 'options.weightDecay', 'a finite number >= 0', wd);
  // Without options.classes, K = max(y) + 1 once every label is known to be a non-negative integer.
  const K = options.classes === undefined ? labels(fn, 'y', y, n, 2 ** 31 - 1).reduce((m, v) => Math.max(m, v), 0) + 1 : positiveInteger(fn, 'options.classes', options.classes);
  if (K < 2) {
    throw options.classes === undefined
      ? new ParameterError(`${fn}: y must contain at least two classes (got only class 0)`)
      : parameterError(fn, 'options.classes', 'an integer >= 2 (at least two classes)', K);
  }
  const labelsY = labels(fn, 'y', y, n, K);
  let test: { X: Float64Array; y: Int32Array } | null = null;
  if (options.testX !== undefined || options.testY !== undefined) {
    const t = matrix(fn, 'options.testX', options.testX, d);
    test = { X: t.data, y: labels(fn, 'options.testY', options.testY, t.n, K) };
  }
  const R = seededRng(fn, seed, 'options.seed');
  const onProgress = readCallback(fn, 'options.onProgress', options.onProgress);
  const signal = readSignal(fn, options.signal);
  if (options.float32 !== undefined && typeof options.float32 !== 'boolean') throw parameterError(fn, 'options.float32', 'a boolean', options.float32);

  const sizes = [d, ...hidden, K];
  const weights = sizes.slice(1).reduce((s, m, l) => s + m * sizes[l]!, 0);
  // The initial weights are drawn in WASM memory (2 GiB) at once.
  if (weights > MAX_ITEMS) throw new ParameterError(`${fn}: options.hidden and options.classes must give at most 2^27 weights (got ${weights})`);
  const L = sizes.length - 1;
  const init = R.uniform(weights);
  let p = 0;
  const net: Mlp = { sizes, W: [], b: [] };
  for (let l = 0; l < L; l++) {
    const [fin, m] = [sizes[l]!, sizes[l + 1]!];
    const a = Math.sqrt(6 / fin);
    net.W.push(Float64Array.from({ length: m * fin }, () => (2 * init[p++]! - 1) * a));
    net.b.push(new Float64Array(m));
  }
  // Training runs on the nn engine: the weights live in WASM tensors (W[l] stored m × fin, used as
  // x·Wᵀ), each minibatch step is one valueAndGrad of the loss below and one Adam step.
  const Wt = net.W.map((w, l) => tensor(w, { shape: [sizes[l + 1]!, sizes[l]!] }));
  const bt = net.b.map((b) => tensor(b, { shape: [b.length] }));
  const forwardT = (W: readonly Tensor[], b: readonly Tensor[], x: Tensor): Tensor => {
    let h = x;
    for (let l = 0; l < L; l++) {
      h = add(nnMatmul(h, W[l]!, { transposeB: true }), b[l]!);
      if (l < L - 1) h = relu(h);
    }
    return h;
  };
  const accuracyT = (X: Float64Array, yy: Int32Array): number =>
    scope(() => {
      const z = forwardT(Wt, bt, tensor(X, { shape: [yy.length, d] })).view();
      let hits = 0;
      for (let i = 0; i < yy.length; i++) if (argmax(z.subarray(i * K, (i + 1) * K)) === yy[i]) hits++;
      return hits / yy.length;
    });
  const model = {
    params: { W: Wt, b: bt },
    loss: (q: { W: Tensor[]; b: Tensor[] }, x: Tensor, yb: Int32Array | Tensor): Tensor => {
      let loss = softmaxCrossEntropy(forwardT(q.W, q.b, x), yb as Int32Array);
      // (λ/2)·Σ‖W‖²_F over the weight matrices, not the biases
      if (wd > 0) for (const W of q.W) loss = add(loss, nnScale(nnSum(square(W)), 0.5 * wd));
      return loss;
    },
  };
  const history: TrainEpoch[] = [];
  let stopped: TrainMlpResult['stopped'] = 'maxIter';
  let iterations = 0;
  try {
    const rows = Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
    const r = train(model, { X: rows, y: labelsY }, {
      epochs,
      batchSize: batch,
      seed: R,
      optimizer: adam({ learningRate: lr }),
      signal,
      onProgress: (e) => {
        const info: TrainEpoch = {
          epoch: e.epoch,
          loss: e.loss,
          trainAccuracy: accuracyT(data, labelsY),
          testAccuracy: test ? accuracyT(test.X, test.y) : NaN,
        };
        history.push(info);
        return onProgress?.(info);
      },
    });
    iterations = r.iterations;
    // a halt after the last epoch changes nothing: the budget ran out anyway
    if (r.iterations < epochs && (r.stopped === 'callback' || r.stopped === 'aborted')) stopped = r.stopped;
    Wt.forEach((t, l) => net.W[l]!.set(t.view()));
    bt.forEach((t, l) => net.b[l]!.set(t.view()));
  } finally {
    for (const t of [...Wt, ...bt]) t.free();
  }
  // float32: nearest float32, with float32 subnormals flushed to 0 (as most float32 runtimes do).
  const round = options.float32 === true ? (v: number) => (Math.abs(v) < 1.1754943508222875e-38 ? 0 : Math.fround(v)) : (v: number) => v;
  const layers: LayerSpec[] = [];
  for (let l = 0; l < L; l++) {
    const [fin, m] = [sizes[l]!, sizes[l + 1]!];
    const W = net.W[l]!;
    layers.push({
      type: 'linear',
      weight: Array.from({ length: m }, (_, i) => Array.from(W.subarray(i * fin, (i + 1) * fin), round)),
      bias: Array.from(net.b[l]!, round),
    });
    if (l < L - 1) layers.push({ type: 'relu' });
  }
  return { network: { input: d, layers }, iterations, converged: false, stopped, history };
}

/**
 * A seeded split of 0…n−1 into `n − testSize` training and `testSize` test indices (a Fisher–Yates
 * permutation from `rng(seed)`; each part sorted ascending). n ≤ 2^27 (its uniforms are drawn in WASM memory at once).
 */
export function seededSplit(
  n: number,
  testSize: number,
  seed = 0,
): {
  /** The n − testSize training indices, ascending. */
  train: number[];
  /** The testSize test indices, ascending. */
  test: number[];
} {
  const fn = 'seededSplit';
  // The n uniforms of the permutation are drawn in WASM memory (2 GiB) at once.
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_ITEMS) throw parameterError(fn, 'n', 'an integer in [0, 2^27]', n);
  if (!Number.isSafeInteger(testSize) || testSize < 0 || testSize > n) throw parameterError(fn, 'testSize', `an integer in [0, ${n}]`, testSize);
  const u = seededRng(fn, seed, 'seed').uniform(n);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i]! * (i + 1)));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const byIndex = (a: number, b: number): number => a - b;
  return { train: perm.slice(testSize).sort(byIndex), test: perm.slice(0, testSize).sort(byIndex) };
}

/** Fraction of rows whose argmax output (first maximum on ties) equals the label; exact forward passes. */
export function classificationAccuracy(model: ModelInput, X: Rows, y: ArrayLike<number>): number {
  const fn = 'classificationAccuracy';
  const chain = chainOf(fn, model);
  const { data, n, d } = matrix(fn, 'X', X, chain.input);
  const ys = labels(fn, 'y', y, n, chain.output);
  let hits = 0;
  for (let i = 0; i < n; i++) if (argmax(evaluateNetwork(chain.net, data.subarray(i * d, (i + 1) * d))) === ys[i]) hits++;
  return hits / n;
}

/** A bounding method of {@link certifiedAccuracy} (see {@link ComputeBoundsOptions.method}). */
export type CertifyMethod = 'ibp' | 'crown' | 'crown-ibp' | 'alpha-crown';

/** Options of {@link certifiedAccuracy}. */
export interface CertifiedAccuracyOptions {
  /** L∞ radii ε (default [0, 0.01, 0.02, 0.05, 0.1]). */
  radii?: readonly number[];
  /** Bounding methods (default ['ibp', 'crown', 'alpha-crown']). */
  methods?: readonly CertifyMethod[];
  /** Only 'inf' (default). */
  norm?: 'inf';
  /** Input domain the box is clipped to (default [0, 1]; null: no clipping). */
  clip?: readonly [number, number] | null;
  /** α-CROWN settings passed to computeBounds (default { iterations: 20, lr: 0.5 }). */
  alpha?: {
    /** Projected-gradient iterations per output and side (default 20). */
    iterations?: number;
    /** Initial step size of the slopes (default 0.5). */
    lr?: number;
  };
  /** PGD attack for the empirical upper bound (default { steps: 20, restarts: 2, seed: 0 }); false disables it. */
  attack?:
    | {
        /** Sign-gradient steps per start (default 20). */
        steps?: number;
        /** Random starts per example and radius (default 2). */
        restarts?: number;
        /** Seed of the random starts (default 0). */
        seed?: number;
      }
    | false;
  /** Called after each (method, radius) row; return false to stop (remaining rows are NaN). */
  onProgress?: (info: { method: string; radius: number; certified: number }) => boolean | void;
  /** Stops between (method, radius) rows when aborted (remaining rows are NaN). */
  signal?: AbortSignalLike;
}

/** Result of {@link certifiedAccuracy}: certified and attacked accuracy per method and radius. */
export interface CertifiedAccuracyResult {
  /** Number of examples. */
  n: number;
  /** Fraction correctly classified at the clean inputs. */
  clean: number;
  /** The radii ε evaluated, in the order of each `certified` row. */
  radii: number[];
  /** Per method, per radius: the fraction of examples correctly classified AND certified. */
  certified: Record<string, number[]>;
  /** Per radius: the fraction correctly classified on which the attack found no misclassified point (an upper bound on the true robust accuracy); null when disabled. */
  attack: number[] | null;
  /** Milliseconds spent per method (and 'attack'). */
  elapsedMs: Record<string, number>;
}

/**
 * Certified accuracy under L∞ perturbations: for every example (x, t) and radius ε, the box
 * B = [x − ε, x + ε] ∩ [clip₀, clip₁]ⁿ is certified when the lower bound of the margins
 * y_t − y_j over B is > 0 for every j ≠ t (one `computeBounds` call with the (K−1) × K
 * specification matrix C whose row j is e_t − e_j, Xu et al. 2020 §3 / Wong & Kolter 2018). The
 * fraction is over all examples, counting misclassified ones as not certified. An example that fails
 * at a radius is counted as failing at every larger radius without being re-bounded (conservative:
 * this can only lower the reported certified fraction).
 *
 * The empirical upper bound: a PGD attack (Madry et al. 2018, eq. 2) on the smallest margin with
 * exact gradients (the activation pattern at the iterate), step 2.5·ε/steps, from the clean input and
 * `restarts − 1` seeded uniform starts in B; an example counts as broken when `evaluateNetwork` at the
 * attack point gives some y_j ≥ y_t. certified ≤ true robust accuracy ≤ attack, so the gap between
 * the rows shows how loose each relaxation is.
 */
export function certifiedAccuracy(model: ModelInput, X: Rows, y: ArrayLike<number>, options?: CertifiedAccuracyOptions): CertifiedAccuracyResult {
  const fn = 'certifiedAccuracy';
  const chain = chainOf(fn, model);
  options = readOptions(fn, options, optionKeys<CertifiedAccuracyOptions>({
    radii: true, methods: true, norm: true, clip: true, alpha: true, attack: true, onProgress: true, signal: true,
  }));
  const { data, n, d } = matrix(fn, 'X', X, chain.input);
  const K = chain.output;
  if (K < 2) throw new ShapeError(`${fn}: model must have at least 2 outputs (classes) (got ${K})`);
  const ys = labels(fn, 'y', y, n, K);
  const radii = [...arrayOption(fn, 'options.radii', options.radii ?? [0, 0.01, 0.02, 0.05, 0.1])];
  radii.forEach((r, i) => {
    if (typeof r !== 'number' || !(r >= 0) || !Number.isFinite(r)) throw parameterError(fn, `options.radii[${i}]`, 'a finite number >= 0', r);
  });
  const methods = [...arrayOption<CertifyMethod>(fn, 'options.methods', options.methods ?? ['ibp', 'crown', 'alpha-crown'])];
  for (const m of methods) if (!['ibp', 'crown', 'crown-ibp', 'alpha-crown'].includes(m)) throw parameterError(fn, 'options.methods[]', "'ibp', 'crown', 'crown-ibp' or 'alpha-crown'", m);
  if ((options.norm ?? 'inf') !== 'inf') throw parameterError(fn, 'options.norm', "'inf'", options.norm);
  const clip = options.clip === undefined ? [0, 1] : options.clip;
  if (clip !== null && !(Array.isArray(clip) && clip.length === 2 && clip.every(Number.isFinite) && clip[0]! <= clip[1]!)) throw parameterError(fn, 'options.clip', '[lo, hi] with lo <= hi, or null', clip);
  const attackOpts = options.attack === false ? null : { steps: 20, restarts: 2, seed: 0, ...readOptions(fn, options.attack, optionKeys<Exclude<NonNullable<CertifiedAccuracyOptions['attack']>, false>>({ steps: true, restarts: true, seed: true }), 'options.attack') };
  if (attackOpts) {
    positiveInteger(fn, 'options.attack.steps', attackOpts.steps);
    positiveInteger(fn, 'options.attack.restarts', attackOpts.restarts);
  }
  const R = attackOpts ? seededRng(fn, attackOpts.seed, 'options.attack.seed') : null;
  const alpha = readAlpha(fn, options.alpha);
  const onProgress = readCallback(fn, 'options.onProgress', options.onProgress);
  const signal = readSignal(fn, options.signal);
  const order = radii.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  const box = (i: number, r: number): { lower: Float64Array; upper: Float64Array } => {
    const x = data.subarray(i * d, (i + 1) * d);
    const lo = clip ? clip[0]! : -Infinity, hi = clip ? clip[1]! : Infinity;
    return { lower: x.map((v) => Math.min(Math.max(v - r, lo), v)), upper: x.map((v) => Math.max(Math.min(v + r, hi), v)) };
  };
  const specs = Array.from({ length: K }, (_, t) => Array.from({ length: K - 1 }, (_, q) => {
    const j = q < t ? q : q + 1;
    return Array.from({ length: K }, (_, c) => (c === t ? 1 : c === j ? -1 : 0));
  }));
  const correct: boolean[] = [];
  for (let i = 0; i < n; i++) correct.push(argmax(evaluateNetwork(chain.net, data.subarray(i * d, (i + 1) * d))) === ys[i]);
  const clean = correct.filter(Boolean).length / n;
  const certified: Record<string, number[]> = {};
  const elapsedMs: Record<string, number> = {};
  let stopped = false;
  const report = (method: string, radius: number, value: number): void => {
    if (onProgress?.({ method, radius, certified: value }) === false || signal?.aborted) stopped = true;
  };
  for (const method of methods) {
    const t0 = performance.now();
    const row = new Array<number>(radii.length).fill(NaN);
    const alive = correct.slice();
    for (const [r, slot] of order) {
      if (stopped) break;
      for (let i = 0; i < n; i++) {
        if (!alive[i]) continue;
        const b = computeBounds(chain.net, box(i, r), { method, C: specs[ys[i]!]!, alpha });
        if (!b.lower.every((v) => v > 0)) alive[i] = false;
      }
      row[slot] = alive.filter(Boolean).length / n;
      report(method, r, row[slot]!);
    }
    certified[method] = row;
    elapsedMs[method] = performance.now() - t0;
  }
  let attack: number[] | null = null;
  if (attackOpts && R && !stopped) {
    const t0 = performance.now();
    attack = new Array<number>(radii.length).fill(NaN);
    const alive = correct.slice();
    for (const [r, slot] of order) {
      if (stopped) break;
      for (let i = 0; i < n; i++) {
        if (!alive[i] || r === 0) continue;
        if (pgdBreaks(chain, box(i, r), data.subarray(i * d, (i + 1) * d), ys[i]!, r, attackOpts.steps, attackOpts.restarts, R)) alive[i] = false;
      }
      attack[slot] = alive.filter(Boolean).length / n;
      report('attack', r, attack[slot]!);
    }
    elapsedMs.attack = performance.now() - t0;
  }
  return { n, clean, radii, certified, attack, elapsedMs };
}

/** PGD on min_j (y_t − y_j) over the box; true when a point with some y_j ≥ y_t is found (re-checked by evaluateNetwork). */
function pgdBreaks(
  chain: ReturnType<typeof chainOf>,
  b: { lower: Float64Array; upper: Float64Array },
  x0: Float64Array,
  t: number,
  r: number,
  steps: number,
  restarts: number,
  R: Rng,
): boolean {
  const d = x0.length;
  const K = chain.output;
  const broken = (x: Float64Array): boolean => {
    const yv = evaluateNetwork(chain.net, x);
    for (let j = 0; j < K; j++) if (j !== t && yv[j]! >= yv[t]!) return true;
    return false;
  };
  const eta = (2.5 * r) / steps;
  for (let s = 0; s < restarts; s++) {
    const x = s === 0 ? x0.slice() : R.uniform(d).map((u, k) => b.lower[k]! + u * (b.upper[k]! - b.lower[k]!));
    for (let it = 0; it < steps; it++) {
      const g = marginGradient(chain, x, t);
      if (g === null) return broken(x);
      for (let k = 0; k < d; k++) x[k] = Math.min(b.upper[k]!, Math.max(b.lower[k]!, x[k]! - eta * Math.sign(g[k]!)));
    }
    if (broken(x)) return true;
  }
  return false;
}
