/**
 * Project and Probe (Pro²): sample-efficient adaptation of a frozen feature extractor to a shifted
 * target domain. Project: learn d orthonormal directions of the source embedding, one after the other,
 * each the most label-predictive direction orthogonal to the previous ones. Probe: a linear classifier
 * on the d projected features, fitted with the few target labels.
 */
import * as nn from '../nn/index.js';
import { ShapeError, parameterError } from '../runtime/errors.js';
import { readRows, type Rows } from '../runtime/rows.js';
import { checkCapacity } from '../runtime/memory.js';
import { nonNegative, optionKeys, positiveFinite, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';

/** Options of {@link learnPro2Projection}. */
export interface Pro2Options {
  /** Number of heads (default 2). Each head is a linear classifier, D × K; its K columns are the directions it adds. */
  heads?: number;
  /** Number of classes K (default: largest label + 1). */
  classes?: number;
  /** Epochs of Adam per head (default 30). */
  epochs?: number;
  /** Adam step size (default 0.01). */
  learningRate?: number;
  /** Minibatch size (default 64). */
  batchSize?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
}

/** Rows of features: n × d, row-major. */
export interface FeatureMatrix {
  /** The entries, row-major. */
  data: Float64Array;
  /** Number of rows n. */
  rows: number;
  /** Number of columns d. */
  cols: number;
}

/** The learned projection. */
export interface Pro2Projection {
  /** The directions as rows of a d × D row-major matrix (orthonormal rows; d ≤ heads·K). */
  directions: Float64Array;
  /** Number of directions d. */
  count: number;
  /** Feature dimension D. */
  dimension: number;
  /** Mean source feature (subtracted before projecting). */
  center: Float64Array;
  /** Source training accuracy of each head (on the features left after the earlier heads' directions are projected out). */
  sourceAccuracy: number[];
  /** Projected features (x − center)·Πᵀ, n × d, of rows x. */
  project(features: Rows): FeatureMatrix;
}

/** Options of {@link fitLinearProbe}. */
export interface LinearProbeOptions {
  /** Number of classes K (default: largest label + 1). */
  classes?: number;
  /** Ridge penalty λ·‖W‖² added to the mean cross-entropy (default 1e-3). */
  l2?: number;
  /** Full-batch Adam steps (default 300). */
  epochs?: number;
  /** Adam step size (default 0.05). */
  learningRate?: number;
  /** Seed of the initialisation (default 0). */
  seed?: number;
}

/** A fitted multinomial logistic-regression probe. */
export interface LinearProbe {
  /** Weights, D × K row-major. */
  weights: Float64Array;
  /** Biases, K. */
  bias: Float64Array;
  /** The most probable class of each row. */
  predict(features: Rows): Int32Array;
  /** Fraction of rows whose predicted class equals the label. */
  accuracy(features: Rows, labels: ArrayLike<number>): number;
}

const PRO2_KEYS = optionKeys<Pro2Options>({ heads: true, classes: true, epochs: true, learningRate: true, batchSize: true, seed: true });
const PROBE_KEYS = optionKeys<LinearProbeOptions>({ classes: true, l2: true, epochs: true, learningRate: true, seed: true });

function readLabelsOf(fn: string, labels: unknown, n: number, classes: number | undefined): { y: Int32Array; K: number } {
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number') throw parameterError(fn, 'labels', 'an array of integer class labels', labels);
  const arr = labels as ArrayLike<number>;
  if (arr.length !== n) throw new ShapeError(`${fn}: labels must have one entry per row (${n}) (got length ${arr.length})`);
  let max = -1;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = arr[i]!;
    if (!Number.isSafeInteger(v) || v < 0) throw parameterError(fn, `labels[${i}]`, 'an integer >= 0', v);
    y[i] = v;
    max = Math.max(max, v);
  }
  const K = classes === undefined ? max + 1 : positiveInteger(fn, 'options.classes', classes);
  checkCapacity(fn, K * (n + 64) + n);
  if (max >= K) throw parameterError(fn, 'labels', `below options.classes = ${K}`, max);
  return { y, K };
}

function argmaxRows(Z: Float64Array, n: number, K: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (Z[i * K + k]! > Z[i * K + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/**
 * Pro²'s projection step (Chen et al., 2023, as we read it for K classes): heads W₁, …, W_h (each a
 * D × K linear classifier of the centred source features) learned one after the other. Head i is
 * trained (softmax cross-entropy, Adam, nn.train) on the features with the directions of heads
 * 1 … i − 1 projected out, so its columns span predictive directions orthogonal to the earlier ones;
 * they are orthonormalised (Gram–Schmidt, dropping columns already spanned) and added to Π. The first
 * head is the source-optimal linear classifier; later heads hold predictive features the first does
 * not use, so that some survive a shift that breaks it. Project: z = Π(x − x̄).
 *
 * @param features  source embeddings, n × D rows.
 * @param labels  their classes 0 … K − 1.
 */
export function learnPro2Projection(features: Rows, labels: ArrayLike<number>, options?: Pro2Options): Pro2Projection {
  const fn = 'learnPro2Projection';
  const o = readOptions(fn, options, PRO2_KEYS);
  const { data, n, d: D } = readRows(fn, 'features', features);
  if (n === 0) throw new ShapeError(`${fn}: features must have at least one row (got 0)`);
  const { y, K } = readLabelsOf(fn, labels, n, o.classes);
  const heads = o.heads === undefined ? 2 : positiveInteger(fn, 'options.heads', o.heads);
  if (heads * K > D) throw parameterError(fn, 'options.heads', `at most ⌊D/K⌋ = ${Math.floor(D / K)} (each head adds up to K = ${K} directions of the ${D})`, heads);
  const epochs = o.epochs === undefined ? 30 : positiveInteger(fn, 'options.epochs', o.epochs);
  const lr = o.learningRate === undefined ? 0.01 : positiveFinite(fn, 'options.learningRate', o.learningRate);
  const batch = Math.min(n, o.batchSize === undefined ? 64 : positiveInteger(fn, 'options.batchSize', o.batchSize));
  seededRng(fn, o.seed ?? 0, 'options.seed');
  const seed = Number(o.seed ?? 0) % 2 ** 31;
  const center = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) center[j] = center[j]! + data[i * D + j]! / n;
  const Xc = data.map((v, k) => v - center[k % D]!);
  const dirs: Float64Array[] = [];
  const sourceAccuracy: number[] = [];
  const orthogonalise = (v: Float64Array): number => {
    for (const w of dirs) {
      let s = 0;
      for (let j = 0; j < D; j++) s += v[j]! * w[j]!;
      for (let j = 0; j < D; j++) v[j] = v[j]! - s * w[j]!;
    }
    let norm = 0;
    for (let j = 0; j < D; j++) norm += v[j]! ** 2;
    return Math.sqrt(norm);
  };
  for (let i = 0; i < heads; i++) {
    // features with the directions so far projected out
    const Xp = Float64Array.from(Xc);
    for (const v of dirs) {
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += Xp[r * D + j]! * v[j]!;
        for (let j = 0; j < D; j++) Xp[r * D + j] = Xp[r * D + j]! - s * v[j]!;
      }
    }
    const head = nn.initLinear(D, K, { init: 'glorot', seed: seed + 7919 * (i + 1) });
    try {
      nn.train(
        { params: head, loss: (p, x, t) => nn.softmaxCrossEntropy(nn.linear(p, x), t as Int32Array) },
        { X: { data: Xp, rows: n, cols: D }, y },
        { epochs, batchSize: batch, optimizer: nn.adam({ learningRate: lr }), seed: seed + i },
      );
      const W = head.W.toArray() as Float64Array;
      const b = head.b!.toArray() as Float64Array;
      const Z = new Float64Array(n * K);
      for (let r = 0; r < n; r++) for (let k = 0; k < K; k++) {
        let s = b[k]!;
        for (let j = 0; j < D; j++) s += Xp[r * D + j]! * W[j * K + k]!;
        Z[r * K + k] = s;
      }
      const pred = argmaxRows(Z, n, K);
      let hit = 0;
      for (let r = 0; r < n; r++) if (pred[r] === y[r]) hit++;
      sourceAccuracy.push(hit / n);
      // the head's columns, orthonormalised against Π and each other
      for (let k = 0; k < K; k++) {
        const v = Float64Array.from({ length: D }, (_, j) => W[j * K + k]!);
        const before = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
        const norm = orthogonalise(v);
        if (norm > 1e-8 * Math.max(before, 1e-300)) dirs.push(v.map((x) => x / norm));
      }
    } finally {
      head.W.free();
      head.b?.free();
    }
  }
  const dcount = dirs.length;
  const P = new Float64Array(dcount * D);
  dirs.forEach((v, i) => P.set(v, i * D));
  return {
    directions: P,
    count: dcount,
    dimension: D,
    center,
    sourceAccuracy,
    project(f: Rows): FeatureMatrix {
      const { data: F, n: m } = readRows('Pro2Projection.project', 'features', f, D);
      const out = new Float64Array(m * dcount);
      for (let r = 0; r < m; r++) for (let i = 0; i < dcount; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += (F[r * D + j]! - center[j]!) * P[i * D + j]!;
        out[r * dcount + i] = s;
      }
      return { data: out, rows: m, cols: dcount };
    },
  };
}

/**
 * Multinomial logistic regression (a linear probe) on fixed features: minimises
 * mean softmax cross-entropy(xW + b) + λ‖W‖² by full-batch Adam (nn.train), from zero weights.
 *
 * @param features  n × D rows.
 * @param labels  classes 0 … K − 1.
 */
export function fitLinearProbe(features: Rows, labels: ArrayLike<number>, options?: LinearProbeOptions): LinearProbe {
  const fn = 'fitLinearProbe';
  const o = readOptions(fn, options, PROBE_KEYS);
  const { data, n, d: D } = readRows(fn, 'features', features);
  if (n === 0) throw new ShapeError(`${fn}: features must have at least one row (got 0)`);
  const { y, K } = readLabelsOf(fn, labels, n, o.classes);
  const l2 = o.l2 === undefined ? 1e-3 : nonNegative(fn, 'options.l2', o.l2);
  if (!Number.isFinite(l2)) throw parameterError(fn, 'options.l2', 'a finite number >= 0', l2);
  const epochs = o.epochs === undefined ? 300 : positiveInteger(fn, 'options.epochs', o.epochs);
  const lr = o.learningRate === undefined ? 0.05 : positiveFinite(fn, 'options.learningRate', o.learningRate);
  seededRng(fn, o.seed ?? 0, 'options.seed');
  const params = nn.initLinear(D, K, { init: 'zeros' });
  try {
    nn.train(
      { params, loss: (p, x, t) => nn.add(nn.softmaxCrossEntropy(nn.linear(p, x), t as Int32Array), nn.scale(nn.sum(nn.square(p.W)), l2)) },
      { X: { data, rows: n, cols: D }, y },
      { epochs, batchSize: n, shuffle: false, optimizer: nn.adam({ learningRate: lr }) },
    );
    const W = params.W.toArray() as Float64Array;
    const b = params.b!.toArray() as Float64Array;
    const predict = (f: Rows): Int32Array => {
      const { data: F, n: m } = readRows('LinearProbe.predict', 'features', f, D);
      const Z = new Float64Array(m * K);
      for (let r = 0; r < m; r++) for (let k = 0; k < K; k++) {
        let s = b[k]!;
        for (let j = 0; j < D; j++) s += F[r * D + j]! * W[j * K + k]!;
        Z[r * K + k] = s;
      }
      return argmaxRows(Z, m, K);
    };
    return {
      weights: W,
      bias: b,
      predict,
      accuracy(f: Rows, lab: ArrayLike<number>): number {
        const p = predict(f);
        if (lab.length !== p.length) throw new ShapeError(`LinearProbe.accuracy: labels must have one entry per row (${p.length}) (got length ${lab.length})`);
        let hit = 0;
        for (let i = 0; i < p.length; i++) if (p[i] === lab[i]) hit++;
        return p.length === 0 ? 0 : hit / p.length;
      },
    };
  } finally {
    params.W.free();
    params.b?.free();
  }
}
