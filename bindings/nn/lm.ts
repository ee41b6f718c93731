/**
 * Language-model routines on a {@link TransformerParams} model: seeded training on random windows
 * of a token stream (`trainLm`), sampling with temperature and top-k (`sampleLm`) and held-out
 * perplexity (`lmPerplexity`).
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { Tensor, scope, tensor } from './tensor.js';
import { exp, slice, softmax, scale } from './ops.js';
import { valueAndGrad } from './grad.js';
import { adam, clipGradNorm, type Optimizer, type ParamSet } from './optim.js';
import { rngOf, type SeedLike } from './layers.js';
import { leavesOf, rebuild } from './train.js';
import { forwardIds, lossOfIds, type TransformerParams } from './transformer.js';
import { labelLogProbs, psftLoss } from './psft.js';

function checkModel(fn: string, p: unknown): TransformerParams {
  const q = p as TransformerParams;
  if (q === null || typeof q !== 'object' || !q.config || !(q.tokenEmbedding instanceof Tensor) || !Array.isArray(q.blocks)) {
    throw parameterError(fn, 'params', 'transformer parameters from initTransformer', p);
  }
  return q;
}

/** A token stream checked against the vocabulary. */
function readStream(fn: string, name: string, tokens: unknown, vocabSize: number, min: number): Int32Array {
  if (tokens === null || typeof tokens !== 'object' || typeof (tokens as ArrayLike<unknown>).length !== 'number') {
    throw parameterError(fn, name, 'an array of token ids (e.g. tokenizer.encode(text))', tokens);
  }
  const t = tokens as ArrayLike<unknown>;
  if (t.length < min) throw new ShapeError(`${fn}: ${name} must hold at least ${min} tokens (got ${t.length})`);
  const out = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= vocabSize) throw parameterError(fn, `${name}[${i}]`, `a token id in [0, ${vocabSize - 1}]`, v);
    out[i] = v as number;
  }
  return out;
}

/** Progress of {@link trainLm}, after every step. */
export interface LmProgress {
  /** 1-based step. */
  step: number;
  /** The step's minibatch loss (mean cross-entropy, nats per token). */
  loss: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** The PSFT settings of {@link trainLm} (`options.psft`). */
export interface PsftTrainOptions {
  /** Lower clip ε of the ratio (default 0.2; it never binds with advantage 1). */
  epsilon?: number;
  /** Upper clip ε' (default: epsilon): tokens whose probability rose by more than 1 + ε' since the batch was drawn get no gradient. */
  epsilonHigh?: number;
  /** Optimizer steps on each batch before a new one is drawn (default 4); the old policy is the model when the batch was drawn. */
  stepsPerBatch?: number;
}

/** Options of {@link trainLm}. */
export interface TrainLmOptions {
  /** Optimizer steps (default 200). */
  steps?: number;
  /** Windows per minibatch (default 8). */
  batchSize?: number;
  /** Tokens the model reads per window, ≤ the model's contextLength (default: contextLength). */
  contextLength?: number;
  /** Seed (or generator) of the window positions (default 0). */
  seed?: SeedLike;
  /**
   * The positions a window may start at, drawn uniformly (default: every position 0 … n − T − 1).
   * For a stream of records (a task prefix followed by its answer), the records' first positions
   * make every window begin at a record start, so the prefix is always inside the window.
   */
  starts?: ArrayLike<number>;
  /** Optimizer (default `adam({ learningRate: 3e-3 })`). */
  optimizer?: Optimizer;
  /** Clip the gradients to this global ℓ2 norm (default 1; Infinity: no clipping). */
  clipNorm?: number;
  /**
   * Which parameters to train, by path inside params ('blocks.0.attn.Wq'): a predicate on the path
   * (default: all). Parameters left out are constants and stay bit-identical.
   */
  trainable?: (path: string) => boolean;
  /**
   * Train with the PSFT loss ({@link psftLoss}) instead of cross-entropy: each batch is used for
   * `stepsPerBatch` steps (default 4) against the log-probabilities the model gave its tokens when
   * the batch was drawn (the old policy); `epsilon` / `epsilonHigh` as in psftLoss (default 0.2).
   * The losses reported are then PSFT losses (−mean clipped ratio).
   */
  psft?: PsftTrainOptions;
  /** Called after every step; return false to stop. */
  onProgress?: (info: LmProgress) => boolean | void;
  /** Checked before every step: an aborted signal ends the run (no exception). */
  signal?: AbortSignalLike;
}

function readPsft(fn: string, v: unknown): { epsilon: number; epsilonHigh: number; stepsPerBatch: number } | null {
  if (v === undefined) return null;
  const o = readOptions(fn, v as PsftTrainOptions, optionKeys<PsftTrainOptions>({ epsilon: true, epsilonHigh: true, stepsPerBatch: true }), 'options.psft');
  const epsilon = o.epsilon ?? 0.2;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon < 1)) throw parameterError(fn, 'options.psft.epsilon', 'a number in [0, 1)', epsilon);
  const epsilonHigh = o.epsilonHigh ?? epsilon;
  if (typeof epsilonHigh !== 'number' || !(epsilonHigh >= 0) || !Number.isFinite(epsilonHigh)) throw parameterError(fn, 'options.psft.epsilonHigh', 'a finite number >= 0', epsilonHigh);
  const stepsPerBatch = positiveInteger(fn, 'options.psft.stepsPerBatch', o.stepsPerBatch ?? 4);
  return { epsilon, epsilonHigh, stepsPerBatch };
}

/** options.starts checked: integers in [0, last] (a window of T + 1 tokens must fit), at least one. */
function readStarts(fn: string, v: unknown, last: number): Int32Array | null {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number' || (v as ArrayLike<unknown>).length === 0) {
    throw parameterError(fn, 'options.starts', 'a non-empty array of window start positions', v);
  }
  const a = v as ArrayLike<unknown>;
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > last) throw parameterError(fn, `options.starts[${i}]`, `an integer in [0, ${last}] (a window of contextLength + 1 tokens must fit in the stream)`, x);
    out[i] = x as number;
  }
  return out;
}

/** Inputs (first T tokens) and targets (last T tokens) of batch windows of T + 1 tokens. */
function splitWindows(ids: Int32Array, batch: number, T: number): { inputs: Int32Array; targets: Int32Array } {
  const inputs = new Int32Array(batch * T);
  const targets = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    inputs.set(ids.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(ids.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return { inputs, targets };
}

/** Result of {@link trainLm}. */
export interface TrainLmResult {
  /** The (same) parameters, trained in place. */
  params: TransformerParams;
  /** Steps taken. */
  steps: number;
  /** Steps taken (the same count as `steps`, under the name every iterative result uses). */
  iterations: number;
  /** Always false: training runs a fixed number of steps and has no convergence test (`stopped` says why it ended). */
  converged: boolean;
  /** The loss of every step (nats per token). */
  losses: Float64Array;
  /** 'maxIter' (every step ran), 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: 'maxIter' | 'callback' | 'aborted';
  /** Milliseconds of the whole run. */
  elapsedMs: number;
}

/**
 * Next-token training on a token stream: each step draws `batchSize` windows of T + 1 consecutive
 * tokens at seeded uniform positions, takes the gradient of the mean cross-entropy of predicting
 * tokens 1…T from 0…T−1, clips it to `clipNorm` and calls the optimizer. One memory scope per step.
 *
 * Defaults: steps 200, batchSize 8, T = the model's contextLength, seed 0, adam with η = 3e-3,
 * clipNorm 1, every parameter trained.
 */
export function trainLm(params: TransformerParams, tokens: ArrayLike<number>, options?: TrainLmOptions): TrainLmResult {
  const fn = 'trainLm';
  const p = checkModel(fn, params);
  const o = readOptions(fn, options, optionKeys<TrainLmOptions>({
    steps: true, batchSize: true, contextLength: true, seed: true, starts: true, optimizer: true, clipNorm: true, trainable: true, psft: true, onProgress: true, signal: true,
  }));
  const c = p.config;
  const T = positiveInteger(fn, 'options.contextLength', o.contextLength ?? c.contextLength);
  if (T > c.contextLength) throw parameterError(fn, 'options.contextLength', `an integer <= the model's contextLength ${c.contextLength}`, T);
  const stream = readStream(fn, 'tokens', tokens, c.vocabSize, T + 1);
  const steps = nonNegativeInteger(fn, 'options.steps', o.steps ?? 200);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 8);
  const R = rngOf(fn, o.seed);
  const optimizer = o.optimizer ?? adam({ learningRate: 3e-3 });
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function') throw parameterError(fn, 'options.optimizer', 'an Optimizer (sgd(), adam(), adamw())', optimizer);
  const clip = o.clipNorm ?? 1;
  if (typeof clip !== 'number' || !(clip > 0)) throw parameterError(fn, 'options.clipNorm', 'a number > 0 (Infinity: no clipping)', clip);
  const trainable = o.trainable ?? (() => true);
  if (typeof trainable !== 'function') throw parameterError(fn, 'options.trainable', 'a function of the parameter path', trainable);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);

  const leaves = leavesOf(fn, p, 'params')
    .map((l) => ({ name: l.path.slice('params.'.length), t: l.t }))
    .filter((l) => trainable(l.name));
  if (leaves.length === 0) throw new ParameterError(`${fn}: options.trainable must select at least one parameter (it selected none)`);
  const named = Object.fromEntries(leaves.map((l) => [l.name, l.t])) as ParamSet;
  const argnums = leaves.map((_, i) => i);
  const starts = readStarts(fn, o.starts, stream.length - T - 1);
  const losses: number[] = [];
  const psft = readPsft(fn, o.psft);
  let oldLogProbs: Float64Array | null = null;
  const ids = new Int32Array(batch * (T + 1));
  const span = stream.length - T; // window starts 0 … n − T − 1
  const t0 = performance.now();
  let stopped: TrainLmResult['stopped'] = 'maxIter';
  for (let s = 0; s < steps; s++) {
    if (signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    // PSFT reuses a batch for `stepsPerBatch` steps against the policy it had when the batch was drawn
    const fresh = psft === null || s % psft.stepsPerBatch === 0;
    if (fresh) {
      const u = R.uniform(batch);
      for (let b = 0; b < batch; b++) {
        const start = starts ? starts[Math.min(starts.length - 1, Math.floor(u[b]! * starts.length))]! : Math.min(span - 1, Math.floor(u[b]! * span));
        ids.set(stream.subarray(start, start + T + 1), b * (T + 1));
      }
      if (psft) {
        const { inputs, targets } = splitWindows(ids, batch, T);
        oldLogProbs = scope(() => labelLogProbs(forwardIds(p, inputs, batch, T).logits, targets));
      }
    }
    const loss = scope(() => {
      const lossOf = (q: TransformerParams): Tensor => {
        if (!psft) return lossOfIds(q, ids, batch, T);
        const { inputs, targets } = splitWindows(ids, batch, T);
        return psftLoss(forwardIds(q, inputs, batch, T).logits, targets, oldLogProbs!, { epsilon: psft.epsilon, epsilonHigh: psft.epsilonHigh });
      };
      const f = (...ts: Tensor[]): Tensor => lossOf(rebuild(p, new Map(leaves.map((l, i) => [l.t, ts[i]!]))) as TransformerParams);
      const { value, grad } = valueAndGrad(f as (...a: never[]) => unknown, { argnums })(...(leaves.map((l) => l.t) as never[]));
      const gs = grad as Tensor[];
      const grads = Object.fromEntries(leaves.map((l, i) => [l.name, gs[i]!])) as ParamSet;
      if (Number.isFinite(clip)) clipGradNorm(grads, clip);
      optimizer.step(named, grads);
      return value.item();
    });
    losses.push(loss);
    if (onProgress?.({ step: s + 1, loss, elapsedMs: performance.now() - t0 }) === false) {
      stopped = 'callback';
      break;
    }
  }
  return { params: p, steps: losses.length, iterations: losses.length, converged: false, losses: Float64Array.from(losses), stopped, elapsedMs: performance.now() - t0 };
}

/** Result of {@link lmPerplexity}. */
export interface LmPerplexity {
  /** exp(nll). */
  perplexity: number;
  /** Mean negative log-likelihood per predicted token (nats). */
  nll: number;
  /** Number of predicted tokens. */
  tokens: number;
}

/**
 * Perplexity of a token stream under the model: the stream is cut into consecutive windows of T + 1
 * tokens overlapping by one (each token after the first is predicted once, from at most T tokens of
 * context inside its window); perplexity = exp(mean negative log-likelihood). T defaults to the model's
 * contextLength; `batchSize` windows (default 8) are evaluated per forward pass.
 */
export function lmPerplexity(params: TransformerParams, tokens: ArrayLike<number>, options?: { contextLength?: number; batchSize?: number }): LmPerplexity {
  const fn = 'lmPerplexity';
  const p = checkModel(fn, params);
  const o = readOptions(fn, options, optionKeys<NonNullable<Parameters<typeof lmPerplexity>[2]>>({ contextLength: true, batchSize: true }));
  const c = p.config;
  const T = positiveInteger(fn, 'options.contextLength', o.contextLength ?? c.contextLength);
  if (T > c.contextLength) throw parameterError(fn, 'options.contextLength', `an integer <= the model's contextLength ${c.contextLength}`, T);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 8);
  const stream = readStream(fn, 'tokens', tokens, c.vocabSize, 2);
  let total = 0;
  let count = 0;
  const full = Math.floor((stream.length - 1) / T);
  for (let w0 = 0; w0 < full; w0 += batch) {
    const b = Math.min(batch, full - w0);
    const ids = new Int32Array(b * (T + 1));
    for (let q = 0; q < b; q++) ids.set(stream.subarray((w0 + q) * T, (w0 + q) * T + T + 1), q * (T + 1));
    total += scope(() => lossOfIds(p, ids, b, T).item()) * b * T;
    count += b * T;
  }
  const rest = stream.length - 1 - full * T;
  if (rest > 0) {
    const ids = stream.subarray(full * T);
    total += scope(() => lossOfIds(p, ids, 1, rest).item()) * rest;
    count += rest;
  }
  const nll = total / count;
  // exp in WASM: the same bits in every engine
  const perplexity = scope(() => exp(tensor(nll)).item());
  return { perplexity, nll, tokens: count };
}

/** Options of {@link sampleLm}. */
export interface SampleLmOptions {
  /** Tokens to generate (default 100). */
  length?: number;
  /** Softmax temperature τ ≥ 0: logits/τ (default 1; 0 = greedy, the most likely token). */
  temperature?: number;
  /** Sample among the k most likely tokens only (default 0: all). */
  topK?: number;
  /** Seed (or generator) of the draws (default 0). */
  seed?: SeedLike;
}

/**
 * Generates `length` tokens after `prompt` (≥ 1 token): each step runs the model on the last ≤
 * contextLength tokens, takes the last position's logits z, keeps the `topK` largest (ties: the
 * lower id), and draws from softmax(z/τ) with one seeded uniform (inverse CDF in id order);
 * τ = 0 takes the argmax. Returns the generated ids only (not the prompt).
 */
export function sampleLm(params: TransformerParams, prompt: ArrayLike<number>, options?: SampleLmOptions): Int32Array {
  const fn = 'sampleLm';
  const p = checkModel(fn, params);
  const o = readOptions(fn, options, optionKeys<SampleLmOptions>({ length: true, temperature: true, topK: true, seed: true }));
  const c = p.config;
  const start = readStream(fn, 'prompt', prompt, c.vocabSize, 1);
  const length = nonNegativeInteger(fn, 'options.length', o.length ?? 100);
  const tau = o.temperature ?? 1;
  if (typeof tau !== 'number' || !(tau >= 0) || !Number.isFinite(tau)) throw parameterError(fn, 'options.temperature', 'a finite number >= 0', tau);
  const topK = nonNegativeInteger(fn, 'options.topK', o.topK ?? 0);
  const R = rngOf(fn, o.seed);
  const seq = Array.from(start);
  const out = new Int32Array(length);
  for (let s = 0; s < length; s++) {
    const ctx = Int32Array.from(seq.slice(Math.max(0, seq.length - c.contextLength)));
    const T = ctx.length;
    const z = scope(() => slice(forwardIds(p, ctx, 1, T).logits, 0, T - 1, T).toArray());
    let next: number;
    const order = Array.from(z, (_, i) => i).sort((a, b) => (z[b]! - z[a]!) || a - b);
    if (tau === 0) next = order[0]!;
    else {
      const keep = (topK > 0 ? order.slice(0, topK) : order).sort((a, b) => a - b);
      const probs = scope(() => softmax(scale(tensor(keep.map((i) => z[i]!)), 1 / tau)).toArray());
      const u = R.uniform(1)[0]!;
      let acc = 0;
      next = keep[keep.length - 1]!;
      for (let j = 0; j < keep.length; j++) {
        acc += probs[j]!;
        if (u < acc) {
          next = keep[j]!;
          break;
        }
      }
    }
    out[s] = next;
    seq.push(next);
  }
  return out;
}
