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
  /** Number d of orthogonal directions (default 8; at most the feature dimension). */
  directions?: number;
  /** Number of classes K (default: largest label + 1). */
  classes?: number;
  /** Epochs of Adam per direction (default 30). */
  epochs?: number;
  /** Adam step size (default 0.02). */
  learningRate?: number;
  /** Minibatch size (default 64). */
  batchSize?: number;
  /** Seed of the initialisations and shuffles (default 0). */
  seed?: number;
}

/** The learned projection. */
export interface Pro2Projection {
  /** The d directions as rows of a d × D row-major matrix (orthonormal rows). */
  directions: Float64Array;
  /** Number of directions d. */
  count: number;
  /** Feature dimension D. */
  dimension: number;
  /** Mean source feature (subtracted before projecting). */
  center: Float64Array;
  /** Source training accuracy of each direction's own head (logits a·z + b on its 1-D feature z). */
  sourceAccuracy: number[];
  /** Projected features (x − center)·Πᵀ, n × d, of rows x. */
  project(features: Rows): { data: Float64Array; rows: number; cols: number };
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

const PRO2_KEYS = optionKeys<Pro2Options>({ directions: true, classes: true, epochs: true, learningRate: true, batchSize: true, seed: true });
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
 * Pro²'s projection step (Chen et al., 2023, as we read it): directions v₁, …, v_d of the (centred)
 * source features, learned one after the other. Direction i is v = P u/‖P u‖ with P the projector onto
 * the orthogonal complement of v₁ … v_{i−1}; u and a per-direction head (a ∈ ℝᴷ, b ∈ ℝᴷ) minimise the
 * softmax cross-entropy of the logits a·(xᵀP u) + b on the source labels (Adam, nn.train). The first
 * direction is the most predictive single feature; later ones are predictive features that the
 * earlier ones do not contain, so that some survive a shift that breaks the first.
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
  const dcount = o.directions === undefined ? Math.min(8, D) : positiveInteger(fn, 'options.directions', o.directions);
  if (dcount > D) throw parameterError(fn, 'options.directions', `at most the feature dimension ${D}`, dcount);
  const epochs = o.epochs === undefined ? 30 : positiveInteger(fn, 'options.epochs', o.epochs);
  const lr = o.learningRate === undefined ? 0.02 : positiveFinite(fn, 'options.learningRate', o.learningRate);
  const batch = Math.min(n, o.batchSize === undefined ? 64 : positiveInteger(fn, 'options.batchSize', o.batchSize));
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const center = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) center[j] = center[j]! + data[i * D + j]! / n;
  const Xc = data.map((v, k) => v - center[k % D]!);
  const dirs: Float64Array[] = [];
  const sourceAccuracy: number[] = [];
  for (let i = 0; i < dcount; i++) {
    // features projected onto the complement of the directions so far
    const Xp = Float64Array.from(Xc);
    for (const v of dirs) {
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += Xp[r * D + j]! * v[j]!;
        for (let j = 0; j < D; j++) Xp[r * D + j] = Xp[r * D + j]! - s * v[j]!;
      }
    }
    const u0 = R.normal(D);
    const params = {
      u: nn.tensor(u0.map((v) => v / Math.sqrt(D)), { shape: [D, 1] }),
      a: nn.tensor(R.normal(K), { shape: [1, K] }),
      b: nn.zeros([K]),
    };
    try {
      nn.train(
        { params, loss: (p, x, t) => nn.softmaxCrossEntropy(nn.add(nn.matmul(nn.matmul(x, p.u), p.a), p.b), t as Int32Array) },
        { X: { data: Xp, rows: n, cols: D }, y },
        { epochs, batchSize: batch, optimizer: nn.adam({ learningRate: lr }), seed: 1000 + i },
      );
      const u = params.u.toArray() as Float64Array;
      const a = params.a.toArray() as Float64Array;
      const b = params.b.toArray() as Float64Array;
      // source accuracy of this head
      const Z = new Float64Array(n * K);
      for (let r = 0; r < n; r++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += Xp[r * D + j]! * u[j]!;
        for (let k = 0; k < K; k++) Z[r * K + k] = a[k]! * z + b[k]!;
      }
      const pred = argmaxRows(Z, n, K);
      let hit = 0;
      for (let r = 0; r < n; r++) if (pred[r] === y[r]) hit++;
      sourceAccuracy.push(hit / n);
      // v = P u / ‖P u‖ (re-orthogonalised against rounding)
      const v = Float64Array.from(u);
      for (const w of dirs) {
        let s = 0;
        for (let j = 0; j < D; j++) s += v[j]! * w[j]!;
        for (let j = 0; j < D; j++) v[j] = v[j]! - s * w[j]!;
      }
      let norm = 0;
      for (let j = 0; j < D; j++) norm += v[j]! ** 2;
      norm = Math.sqrt(norm);
      if (!(norm > 0)) throw parameterError(fn, 'features', `rank ≥ ${i + 1} after centring`, 'a direction of norm 0');
      dirs.push(v.map((x) => x / norm));
    } finally {
      params.u.free();
      params.a.free();
      params.b.free();
    }
  }
  const P = new Float64Array(dcount * D);
  dirs.forEach((v, i) => P.set(v, i * D));
  return {
    directions: P,
    count: dcount,
    dimension: D,
    center,
    sourceAccuracy,
    project(f: Rows) {
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
