/**
 * Federated data: clients holding their own train/test rows, the FedProx synthetic(α, β) generator and
 * IID / Dirichlet label-skew partitions of a centralised data set.
 */
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { Rng, checkSeed, shuffledOrder } from '../rng.js';
import { expW, logW, powW } from './wasm-math.js';

/** One client's local data: row-major features and integer labels, split into train and test. */
export interface FedClient {
  /** Training features, `nTrain × dim`, row-major. */
  X: Float64Array;
  /** Training labels in 0…classes−1. */
  y: Int32Array;
  /** Test features, `nTest × dim`, row-major. */
  testX: Float64Array;
  /** Test labels. */
  testY: Int32Array;
}

/** A federated data set: the clients and the sizes they share. */
export interface FedDataset {
  /** Feature dimension d. */
  dim: number;
  /** Number of classes C. */
  classes: number;
  /** The clients (devices). */
  clients: FedClient[];
}

/** Options of {@link fedproxSynthetic}. */
export interface FedproxSyntheticOptions {
  /** α: standard deviation of the per-device model mean u_k (default 1). */
  alpha?: number;
  /** β: standard deviation of the per-device feature mean B_k (default 1). */
  beta?: number;
  /** IID variant: one W, b for every device and zero feature means (default false; α, β then unused). */
  iid?: boolean;
  /** Number of devices K (default 30). */
  clients?: number;
  /** Feature dimension d (default 60). */
  dim?: number;
  /** Number of classes C (default 10). */
  classes?: number;
  /** Fraction of each device's samples used for training (default 0.9; the rest is its test set). */
  trainFraction?: number;
  /** Seed of the proxkit generator (default 0). */
  seed?: number | bigint;
}

/** The generator's ground truth per device, for diagnostics and tests. */
export interface FedproxSyntheticTruth {
  /** Feature mean v_k of each device (length d). */
  featureMeans: Float64Array[];
  /** Local model W_k of each device, d × C row-major. */
  weights: Float64Array[];
  /** Local bias b_k of each device (length C). */
  biases: Float64Array[];
  /** Total sample count n_k of each device (train + test). */
  sizes: Int32Array;
  /** Feature variances Σ_jj = j^(−1.2), j = 1…d. */
  variances: Float64Array;
}

/** What {@link fedproxSynthetic} returns: the data set and the generator's ground truth. */
export interface FedproxSyntheticData extends FedDataset {
  /** The per-device models, feature means and sample sizes the data were drawn from. */
  truth: FedproxSyntheticTruth;
}

/**
 * The synthetic(α, β) federated data of FedProx (Li et al., MLSys 2020, §5.1), drawn with proxkit's
 * seeded generator. For each device k independently: n_k = ⌊e^Z⌋ + 50 with Z ~ N(4, 2²);
 * u_k ~ N(0, α²), B_k ~ N(0, β²); feature mean v_k with entries N(B_k, 1); local model W_k (d × C) and
 * b_k (C) with entries N(u_k, 1); n_k features x ~ N(v_k, Σ) with Σ = diag(j^(−1.2)); labels
 * y = argmax(xᵀW_k + b_k). The first ⌊trainFraction·n_k⌋ samples are the device's training set, the
 * rest its test set (the samples are i.i.d., so no shuffle is needed). With `iid`, one W, b is shared
 * and v_k = 0. The exp and pow run in WASM, so a seed gives the same data in every engine.
 *
 * Defaults: alpha 1, beta 1, iid false, clients 30, dim 60, classes 10, trainFraction 0.9, seed 0.
 */
export function fedproxSynthetic(options?: FedproxSyntheticOptions): FedproxSyntheticData {
  const fn = 'fedproxSynthetic';
  const o = readOptions(fn, options, optionKeys<FedproxSyntheticOptions>({
    alpha: true, beta: true, iid: true, clients: true, dim: true, classes: true, trainFraction: true, seed: true,
  }));
  const alpha = nonNegativeReal(fn, 'options.alpha', o.alpha ?? 1);
  const beta = nonNegativeReal(fn, 'options.beta', o.beta ?? 1);
  const iid = o.iid ?? false;
  if (typeof iid !== 'boolean') throw parameterError(fn, 'options.iid', 'a boolean', iid);
  const K = positiveInteger(fn, 'options.clients', o.clients ?? 30);
  const d = positiveInteger(fn, 'options.dim', o.dim ?? 60);
  const C = positiveInteger(fn, 'options.classes', o.classes ?? 10);
  if (K > 100_000) throw parameterError(fn, 'options.clients', 'at most 100000 devices', K);
  if (d * C > 1e7) throw parameterError(fn, 'options.dim', 'dim · classes at most 1e7', d);
  const frac = o.trainFraction ?? 0.9;
  if (typeof frac !== 'number' || !(frac > 0 && frac <= 1)) throw parameterError(fn, 'options.trainFraction', 'a number in (0, 1]', frac);
  const R = new Rng(checkSeed(fn, o.seed ?? 0, 'options.seed'));

  const idx = new Float64Array(d);
  for (let j = 0; j < d; j++) idx[j] = j + 1;
  const variances = powW(idx, -1.2);
  const stds = powW(idx, -0.6);
  // Sample sizes first, from one block of normals: n_k = floor(exp(4 + 2 z)) + 50.
  const z = R.normal(K);
  for (let k = 0; k < K; k++) z[k] = 4 + 2 * z[k]!;
  const e = expW(z);
  const sizes = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const n = Math.floor(e[k]!) + 50;
    if (n > 5_000_000) throw new ParameterError(`${fn}: device ${k} drew ${n} samples (more than 5000000); choose another options.seed`);
    sizes[k] = n;
  }
  const shared = iid ? { W: R.normal(d * C), b: R.normal(C) } : null;
  const truth: FedproxSyntheticTruth = { featureMeans: [], weights: [], biases: [], sizes, variances };
  const clients: FedClient[] = [];
  for (let k = 0; k < K; k++) {
    let v: Float64Array, W: Float64Array, b: Float64Array;
    if (shared) {
      v = new Float64Array(d);
      W = shared.W;
      b = shared.b;
    } else {
      const [u, B] = R.normal(2) as unknown as [number, number];
      const uk = alpha * u, Bk = beta * B;
      v = R.normal(d);
      for (let j = 0; j < d; j++) v[j] = Bk + v[j]!;
      W = R.normal(d * C);
      for (let i = 0; i < W.length; i++) W[i] = uk + W[i]!;
      b = R.normal(C);
      for (let c = 0; c < C; c++) b[c] = uk + b[c]!;
    }
    const n = sizes[k]!;
    const X = R.normal(n * d);
    const y = new Int32Array(n);
    const s = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let j = 0; j < d; j++) X[row + j] = v[j]! + stds[j]! * X[row + j]!;
      s.set(b);
      for (let j = 0; j < d; j++) {
        const xj = X[row + j]!;
        const wr = j * C;
        for (let c = 0; c < C; c++) s[c] = s[c]! + xj * W[wr + c]!;
      }
      let best = 0;
      for (let c = 1; c < C; c++) if (s[c]! > s[best]!) best = c;
      y[i] = best;
    }
    const nTrain = Math.floor(frac * n);
    clients.push({ X: X.slice(0, nTrain * d), y: y.slice(0, nTrain), testX: X.slice(nTrain * d), testY: y.slice(nTrain) });
    truth.featureMeans.push(v);
    truth.weights.push(W);
    truth.biases.push(b);
  }
  return { dim: d, classes: C, clients, truth };
}

/** Options of {@link partitionClients}. */
export interface PartitionOptions {
  /** Number of clients (default 10). */
  clients?: number;
  /**
   * 'iid' (a seeded shuffle cut into near-equal parts), 'dirichlet' label skew, or 'labels' (client k
   * gets every row whose label c has c mod clients = k: disjoint label sets) (default 'iid').
   */
  split?: 'iid' | 'dirichlet' | 'labels';
  /** Concentration α > 0 of the Dirichlet label skew (default 0.5; smaller is more skewed). */
  alpha?: number;
  /** Fraction of each client's rows kept for training, the rest its test set (default 0.8). */
  trainFraction?: number;
  /** Seed (default 0). */
  seed?: number | bigint;
}

/**
 * Checks a labelled data set given as row-major features X (n·dim numbers, finite) and labels y
 * (n non-negative integers) and copies it into typed arrays; `classes` is 1 + the largest label.
 * Errors name `fn` and the argument.
 */
export function readLabelledRows(fn: string, X: ArrayLike<number>, y: ArrayLike<number>, dim: number): { d: number; n: number; xs: Float64Array; labels: Int32Array; classes: number } {
  const d = positiveInteger(fn, 'dim', dim);
  if (X === null || typeof X !== 'object' || typeof (X as ArrayLike<number>).length !== 'number') throw parameterError(fn, 'X', 'an array of numbers (n·dim, row-major)', X);
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number') throw parameterError(fn, 'y', 'an array of integer labels', y);
  const n = y.length;
  if (X.length !== n * d) throw new ShapeError(`${fn}: X must hold y.length · dim = ${n * d} numbers (got ${X.length})`);
  const xs = new Float64Array(X.length);
  for (let i = 0; i < xs.length; i++) {
    const v = X[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(`${fn}: X[${i}] must be a finite number (got ${describe(v)})`);
    xs[i] = v;
  }
  const labels = new Int32Array(n);
  let classes = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > 1e6) throw new ParameterError(`${fn}: y[${i}] must be a non-negative integer label (got ${describe(v)})`);
    labels[i] = v;
    classes = Math.max(classes, v + 1);
  }
  return { d, n, xs, labels, classes };
}

/**
 * Splits a centralised labelled data set (n rows of `dim` features, row-major, and n labels) over
 * clients. 'iid': a seeded permutation cut into near-equal parts. 'labels': client k gets the rows of
 * the labels c with c mod K = k. 'dirichlet': for every class c, the
 * shares p_c ~ Dir(α·1_K) of the K clients are drawn (as normalised Gamma(α) variables, Marsaglia–Tsang
 * with the α < 1 boost) and the class's rows, in a seeded order, are cut at the cumulative shares, so
 * small α gives each client a few dominant labels. Each client's rows are then shuffled and the first
 * ⌊trainFraction·n_k⌋ become its training set.
 *
 * Defaults: clients 10, split 'iid', alpha 0.5, trainFraction 0.8, seed 0.
 */
export function partitionClients(X: ArrayLike<number>, y: ArrayLike<number>, dim: number, options?: PartitionOptions): FedDataset {
  const fn = 'partitionClients';
  const { d, n, xs, labels, classes: C } = readLabelledRows(fn, X, y, dim);
  const o = readOptions(fn, options, optionKeys<PartitionOptions>({ clients: true, split: true, alpha: true, trainFraction: true, seed: true }));
  const K = positiveInteger(fn, 'options.clients', o.clients ?? 10);
  if (K > n) throw parameterError(fn, 'options.clients', `at most the number of rows (${n})`, K);
  const split = o.split ?? 'iid';
  if (split !== 'iid' && split !== 'dirichlet' && split !== 'labels') throw parameterError(fn, 'options.split', "'iid', 'dirichlet' or 'labels'", split);
  const alpha = o.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) throw parameterError(fn, 'options.alpha', 'a finite number > 0', alpha);
  const frac = o.trainFraction ?? 0.8;
  if (typeof frac !== 'number' || !(frac > 0 && frac <= 1)) throw parameterError(fn, 'options.trainFraction', 'a number in (0, 1]', frac);
  const R = new Rng(checkSeed(fn, o.seed ?? 0, 'options.seed'));

  const parts: number[][] = Array.from({ length: K }, () => []);
  if (split === 'iid') {
    const order = shuffledOrder(R, n);
    for (let i = 0; i < n; i++) parts[Math.floor((i * K) / n)]!.push(order[i]!);
  } else if (split === 'labels') {
    for (let i = 0; i < n; i++) parts[labels[i]! % K]!.push(i);
  } else {
    for (let c = 0; c < C; c++) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (labels[i] === c) rows.push(i);
      if (rows.length === 0) continue;
      const order = shuffledOrder(R, rows.length);
      const g = gammaSamples(R, alpha, K);
      let total = 0;
      for (let k = 0; k < K; k++) total += g[k]!;
      let acc = 0, start = 0;
      for (let k = 0; k < K; k++) {
        acc += g[k]!;
        const end = k === K - 1 ? rows.length : Math.min(rows.length, Math.round((acc / total) * rows.length));
        for (let i = start; i < end; i++) parts[k]!.push(rows[order[i]!]!);
        start = Math.max(start, end);
      }
    }
  }
  const clients: FedClient[] = parts.map((rows) => {
    const order = shuffledOrder(R, rows.length);
    const m = rows.length, nTrain = Math.floor(frac * m);
    const cx = new Float64Array(nTrain * d), cy = new Int32Array(nTrain);
    const tx = new Float64Array((m - nTrain) * d), ty = new Int32Array(m - nTrain);
    for (let i = 0; i < m; i++) {
      const r = rows[order[i]!]!;
      const src = xs.subarray(r * d, r * d + d);
      if (i < nTrain) {
        cx.set(src, i * d);
        cy[i] = labels[r]!;
      } else {
        tx.set(src, (i - nTrain) * d);
        ty[i - nTrain] = labels[r]!;
      }
    }
    return { X: cx, y: cy, testX: tx, testY: ty };
  });
  return { dim: d, classes: C, clients };
}


/**
 * `count` Gamma(a, 1) variables: Marsaglia–Tsang's squeeze-free rejection for shape a + 1 when a < 1
 * (boosted by U^(1/a)), for shape a otherwise. Logs and powers run in WASM.
 */
export function gammaSamples(R: Rng, a: number, count: number): Float64Array {
  const shape = a < 1 ? a + 1 : a;
  const dd = shape - 1 / 3, c = 1 / Math.sqrt(9 * dd);
  const out = new Float64Array(count);
  let filled = 0;
  while (filled < count) {
    const m = count - filled;
    const x = R.normal(m), u = R.uniform(m);
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const t = 1 + c * x[i]!;
      v[i] = t > 0 ? t * t * t : 1; // rejected below when t ≤ 0
      u[i] = 1 - u[i]!; // (0, 1], so its log is finite
    }
    const lu = logW(u), lv = logW(v);
    for (let i = 0; i < m; i++) {
      if (1 + c * x[i]! <= 0) continue;
      if (lu[i]! < 0.5 * x[i]! * x[i]! + dd - dd * v[i]! + dd * lv[i]!) out[filled++] = dd * v[i]!;
    }
  }
  if (a < 1) {
    const u = R.uniform(count);
    for (let i = 0; i < count; i++) u[i] = 1 - u[i]!;
    const boost = expW(logW(u).map((l) => l / a));
    for (let i = 0; i < count; i++) out[i] = out[i]! * boost[i]!;
  }
  return out;
}

function nonNegativeReal(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw parameterError(fn, name, 'a finite number ≥ 0', v);
  return v;
}
