/**
 * `train(model, data, options)`: seeded minibatch training of any parameter tree of tensors with any
 * optimizer of ./optim.ts, one memory scope per step.
 */
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { stopAfterReport, type StopState } from '../runtime/stop.js';
import { Rng, shuffledOrder } from '../rng.js';
import { Tensor, scope, tensor, type DType } from './tensor.js';
import { valueAndGrad } from './grad.js';
import { adam, clipGradNorm, type Optimizer, type ParamSet } from './optim.js';
import { rngOf, type SeedLike } from './layers.js';
import { readRows, type Rows } from '../runtime/rows.js';
import { isMatrixObject } from '../runtime/matrix.js';

/**
 * The trainable parameters: a Tensor, or nested plain objects / arrays whose leaves are tensors
 * (e.g. `MlpParams`); checked when training starts. Undefined entries (an absent bias) are skipped;
 * number, boolean and string entries are settings passed through unchanged. A tensor reachable twice
 * (a shared sub-network) is trained once.
 */
export type ParamTree = object;

/** Targets of a minibatch: integer labels (classification) or a [b, k] tensor (regression). */
export type Targets = Int32Array | Tensor;

/** What {@link train} trains: parameters and a minibatch loss. */
export interface Model<P extends object = ParamTree> {
  /** The parameters to train (updated in place; they stay the caller's tensors). */
  params: P;
  /**
   * The scalar loss of a minibatch: x is a [b, d] tensor; y holds the batch's labels (Int32Array)
   * when `data.y` is a label array, or a [b, k] tensor when it is rows of targets.
   */
  loss(params: P, x: Tensor, y: Targets): Tensor;
}

/** The training set of {@link train}. */
export interface TrainData {
  /** Inputs, one row per example: number[][], Float64Array[] or `{ data, rows, cols }`. */
  X: Rows;
  /** Integer class labels (one per row) or regression targets (rows, or a `{ data, rows, cols }` matrix). */
  y: ArrayLike<number> | Rows;
}

/** Progress of {@link train} after one epoch (passed to `onProgress` and kept in `history`). */
export interface TrainProgress {
  /** 1-based epoch. */
  epoch: number;
  /** Mean of the minibatch losses of the epoch. */
  loss: number;
  /** Optimizer steps so far. */
  steps: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Examples per minibatch (default 32; the last batch of an epoch may be smaller; more than the rows: one full batch). */
  batchSize?: number;
  /** Seed (or generator) of the per-epoch shuffles (default 0). */
  seed?: SeedLike;
  /** Visit the rows in a fresh seeded order every epoch (default true); false: in order. */
  shuffle?: boolean;
  /**
   * The optimizer (default `adam()`, step 1e-3). It sees each tensor under its path inside
   * `model.params` ('layers.0.W'; 'params' when model.params is one tensor), the names a prox hook uses.
   */
  optimizer?: Optimizer;
  /** Clip the gradients to this global ℓ2 norm before each step (default: no clipping). */
  clipNorm?: number;
  /** Element type of the minibatch tensors; must match the parameters' (default 'f64'). */
  dtype?: DType;
  /** Stop when an epoch's mean loss changed by less than tol·|loss| from the previous epoch's (default 0: never). */
  tol?: number;
  /** Called after every epoch; return false to stop. */
  onProgress?: (info: TrainProgress) => boolean | void;
  /** Checked before every step: an aborted signal ends the run after the current step (no exception). */
  signal?: AbortSignalLike;
}

/** Result of {@link train}. */
export interface TrainResult<P extends object = ParamTree> {
  /** `model.params`, trained in place. */
  params: P;
  /** Epochs completed. */
  iterations: number;
  /** Optimizer steps taken. */
  steps: number;
  /** True when the loss change fell below `tol`. */
  converged: boolean;
  /** 'converged' (tol), 'maxIter' (every epoch ran), 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** One entry per completed epoch. */
  history: TrainProgress[];
}

/**
 * The distinct tensors of a parameter tree, each with the path of its first occurrence ('layers.0.W').
 * A tensor or sub-tree reached twice (a shared sub-network) is listed once; a cycle is an error.
 */
export function leavesOf(fn: string, tree: unknown, path = 'params', out: { path: string; t: Tensor }[] = [], open = new Set<unknown>(), listed = new Set<Tensor>()): { path: string; t: Tensor }[] {
  if (tree instanceof Tensor) {
    if (tree.freed) throw parameterError(fn, path, 'a live tensor', 'a freed tensor');
    if (!listed.has(tree)) {
      listed.add(tree);
      out.push({ path, t: tree });
    }
  } else if (Array.isArray(tree) || (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype)) {
    if (open.has(tree)) throw parameterError(fn, path, 'a tree (no cycles)', 'a cycle');
    open.add(tree);
    if (Array.isArray(tree)) tree.forEach((v, i) => leavesOf(fn, v, `${path}.${i}`, out, open, listed));
    else for (const [k, v] of Object.entries(tree)) if (v !== undefined) leavesOf(fn, v, `${path}.${k}`, out, open, listed);
    open.delete(tree);
  } else if (typeof tree !== 'number' && typeof tree !== 'boolean' && typeof tree !== 'string') {
    // numbers, booleans and strings are settings carried along (a layer's dim, flip, …), not trained
    throw parameterError(fn, path, 'a Tensor, an array / plain object of them, or a number, boolean or string setting', tree);
  }
  return out;
}

/** The tree with every tensor replaced by its image under `map` (sharing preserved: a shared sub-tree stays shared). */
export function rebuild(tree: unknown, map: ReadonlyMap<Tensor, Tensor>, done = new Map<unknown, unknown>()): unknown {
  if (tree instanceof Tensor) return map.get(tree) ?? tree;
  if (tree === null || typeof tree !== 'object') return tree;
  if (done.has(tree)) return done.get(tree);
  if (Array.isArray(tree)) {
    const arr: unknown[] = [];
    done.set(tree, arr);
    for (const v of tree) arr.push(rebuild(v, map, done));
    return arr;
  }
  const obj: Record<string, unknown> = {};
  done.set(tree, obj);
  for (const [k, v] of Object.entries(tree as object)) obj[k] = v === undefined ? undefined : rebuild(v, map, done);
  return obj;
}

/**
 * Trains `model.params` on `data` by minibatch gradient steps: each epoch visits the rows in a seeded
 * random order (`shuffle`), in batches of `batchSize`; each step evaluates `model.loss` on the batch
 * under `valueAndGrad`, clips the gradients to `clipNorm` (optional) and calls `optimizer.step`. Every
 * step runs in its own memory scope, so WASM memory stays flat.
 *
 * Defaults: epochs 10, batchSize 32, seed 0, shuffle true, optimizer adam() (η = 1e-3), no clipping,
 * dtype 'f64', tol 0. Returns the (same) params, the epoch count, the per-epoch history
 * { epoch, loss, steps, elapsedMs } and why it stopped.
 */
export function train<P extends object>(model: Model<P>, data: TrainData, options?: TrainOptions): TrainResult<P> {
  const fn = 'train';
  if (model === null || typeof model !== 'object' || typeof model.loss !== 'function') throw parameterError(fn, 'model', 'an object { params, loss(params, x, y) }', model);
  const leaves = leavesOf(fn, model.params, 'model.params');
  if (leaves.length === 0) throw parameterError(fn, 'model.params', 'at least one tensor', model.params);
  if (data === null || typeof data !== 'object') throw parameterError(fn, 'data', 'an object { X, y }', data);
  const o = readOptions(fn, options, optionKeys<TrainOptions>({
    epochs: true, batchSize: true, seed: true, shuffle: true, optimizer: true, clipNorm: true, dtype: true, tol: true, onProgress: true, signal: true,
  }));
  const { data: X, n, d } = readRows(fn, 'data.X', data.X);
  const yIn = data.y as ArrayLike<unknown>;
  const yMatrix = isMatrixObject(yIn);
  if (!yMatrix && (yIn === null || typeof yIn !== 'object' || typeof yIn.length !== 'number')) throw parameterError(fn, 'data.y', 'an array of labels, of target rows, or a { data, rows, cols } matrix', yIn);
  const yCount = yMatrix ? (yIn as unknown as { rows: number }).rows : yIn.length;
  if (yCount !== n) throw new ShapeError(`${fn}: data.y must have one entry per row of data.X, ${n} (got ${yCount})`);
  let labels: Int32Array | null = null;
  let targets: { data: Float64Array; k: number } | null = null;
  if (!yMatrix && n > 0 && typeof yIn[0] === 'number') {
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = yIn[i];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ParameterError(`${fn}: data.y[${i}] must be a non-negative integer label (got ${describe(v)})`);
      labels[i] = v;
    }
  } else {
    const t = readRows(fn, 'data.y', yIn);
    targets = { data: t.data, k: t.d };
  }
  const epochs = nonNegativeInteger(fn, 'options.epochs', o.epochs ?? 10);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 32);
  const R = rngOf(fn, o.seed);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw parameterError(fn, 'options.shuffle', 'a boolean', shuffle);
  const optimizer = o.optimizer ?? adam();
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function') throw parameterError(fn, 'options.optimizer', 'an Optimizer (sgd(), adam(), adamw())', optimizer);
  const clip = o.clipNorm;
  if (clip !== undefined && (typeof clip !== 'number' || !(clip > 0))) throw parameterError(fn, 'options.clipNorm', 'a number > 0', clip);
  const dtype = o.dtype ?? 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') throw parameterError(fn, 'options.dtype', "'f64' or 'f32'", dtype);
  const tol = o.tol ?? 0;
  if (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol)) throw parameterError(fn, 'options.tol', 'a finite number >= 0', tol);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);

  // Optimizer names are the paths inside model.params ('layers.0.W'), as a prox hook names them.
  const names = leaves.map((l) => (l.path === 'model.params' ? 'params' : l.path.slice('model.params.'.length)));
  const params = Object.fromEntries(leaves.map((l, i) => [names[i]!, l.t])) as ParamSet;
  const argnums = leaves.map((_, i) => i);
  const t0 = performance.now();
  const history: TrainProgress[] = [];
  let stopped: TrainResult['stopped'] = 'maxIter';
  let steps = 0;
  let epoch = 0;
  let previous = NaN;
  // A batchSize above the number of rows is one full batch: the buffers never need more than n rows.
  const rows = Math.min(batch, n);
  const xb = new Float64Array(rows * d);
  const yb = targets ? new Float64Array(rows * targets.k) : null;
  outer: while (epoch < epochs) {
    const order = shuffle ? shuffledOrder(R, n) : Int32Array.from({ length: n }, (_, i) => i);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += batch) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break outer;
      }
      const b = Math.min(batch, n - start);
      for (let q = 0; q < b; q++) xb.set(X.subarray(order[start + q]! * d, (order[start + q]! + 1) * d), q * d);
      let y: Int32Array | null = null;
      if (labels) y = Int32Array.from({ length: b }, (_, q) => labels![order[start + q]!]!);
      else for (let q = 0; q < b; q++) yb!.set(targets!.data.subarray(order[start + q]! * targets!.k, (order[start + q]! + 1) * targets!.k), q * targets!.k);
      lossSum += scope(() => {
        const xt = tensor(xb.subarray(0, b * d), { shape: [b, d], dtype });
        const yt: Targets = y ?? tensor(yb!.subarray(0, b * targets!.k), { shape: [b, targets!.k], dtype });
        const f = (...ts: Tensor[]): Tensor => model.loss(rebuild(model.params, new Map(leaves.map((l, i) => [l.t, ts[i]!]))) as P, xt, yt);
        const { value, grad } = valueAndGrad(f as (...a: never[]) => unknown, { argnums })(...(leaves.map((l) => l.t) as never[]));
        const gs = grad as Tensor[];
        const grads = Object.fromEntries(leaves.map((_, i) => [names[i]!, gs[i]!])) as ParamSet;
        if (clip !== undefined) clipGradNorm(grads, clip);
        optimizer.step(params, grads);
        return value.item();
      });
      batches++;
      steps++;
    }
    epoch++;
    const loss = lossSum / Math.max(1, batches);
    const info: TrainProgress = { epoch, loss, steps, elapsedMs: performance.now() - t0 };
    history.push(info);
    const converged = tol > 0 && Math.abs(previous - loss) <= tol * Math.abs(loss);
    previous = loss;
    const stop = stopAfterReport(info, onProgress, signal, converged);
    if (stop !== null) {
      stopped = stop;
      break;
    }
  }
  return { params: model.params, iterations: epoch, steps, converged: stopped === 'converged', stopped, history };
}
