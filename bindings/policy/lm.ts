/**
 * LOOP for a language model: a transformer from nn fine-tuned towards a black-box reward of its own
 * samples (k continuations per prompt, leave-one-out advantages, the clipped per-token ratio), with the
 * KL divergence to the frozen starting model logged at every step.
 */
import * as nn from '../nn/index.js';
import { ParameterError, parameterError } from '../runtime/errors.js';
import { isNumericArray } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegativeInteger, optionKeys, positiveFinite, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import { leaveOneOutAdvantages, loopLoss, paramSet } from './loop.js';

/** Progress of {@link loopTrainLm}, after each step. */
export interface LoopLmProgress {
  /** Steps done. */
  step: number;
  /** Mean reward of this step's samples (drawn before the update). */
  reward: number;
  /** Mean per-token KL(π‖π_ref) over this step's sampled continuations (before the update), nats. */
  kl: number;
  /** Wall time since the start (ms). */
  elapsedMs: number;
}

/** Options of {@link loopTrainLm}. */
export interface LoopLmOptions {
  /** Samples per prompt (≥ 2). Default 4. */
  k?: number;
  /** Prompts drawn per step. Default 4. */
  promptsPerStep?: number;
  /** Steps (fresh samples each). Default 50. */
  steps?: number;
  /** Tokens generated per sample. Default 16. */
  length?: number;
  /** Clipped gradient steps per batch of samples. Default 2. */
  epochs?: number;
  /** Clip ε of the per-token ratio. Default 0.2. */
  epsilon?: number;
  /** Sampling temperature (> 0). Default 1. */
  temperature?: number;
  /** Optimizer of the fine-tuned weights. Default adam with η = 1e-3. */
  optimizer?: nn.Optimizer;
  /** Global gradient-norm clip. Default 1. */
  clipNorm?: number;
  /** Seed of the prompt choice and the samples. Default 0. */
  seed?: number | bigint;
  /** Called after every step; return false to stop. */
  onProgress?: (info: LoopLmProgress) => unknown;
  /** Stops at the next step when aborted. */
  signal?: AbortSignalLike;
}

/** Result of {@link loopTrainLm}. */
export interface LoopLmResult {
  /** The fine-tuned model (the same object, updated in place). */
  params: nn.TransformerParams;
  /** Per step: mean reward and mean per-token KL to the starting model of the samples drawn at that step. */
  history: {
    /** Mean reward of each step's samples. */
    reward: number[];
    /** Mean per-token KL(π‖π_start) of each step's samples, nats. */
    kl: number[];
  };
  /** Steps done. */
  iterations: number;
  /** Always false: a fixed step budget. */
  converged: boolean;
  /** Why the run ended: 'maxIter' (all steps done), 'callback' or 'aborted'. */
  stopped: StopState;
  /** Wall time of the run (ms). */
  elapsedMs: number;
}

/** A copy of a nested parameter object with the tensors replaced through `map` (other values shared). */
function rebuildTree(tree: unknown, map: Map<nn.Tensor, nn.Tensor>): unknown {
  if (tree instanceof nn.Tensor) return map.get(tree) ?? tree;
  if (Array.isArray(tree)) return tree.map((t) => rebuildTree(t, map));
  if (tree !== null && typeof tree === 'object') return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, rebuildTree(v, map)]));
  return tree;
}

/**
 * Fine-tunes `params` (in place) with LOOP towards `reward`: each step draws `promptsPerStep` prompts,
 * samples k continuations of `length` tokens for each (nn.sampleLm), scores each continuation with
 * `reward(continuation, prompt)`, and takes `epochs` steps on the clipped loss of {@link loopLoss} over
 * every generated token, each token carrying its sequence's leave-one-out advantage. The KL logged is
 * Σ_v π(v|context)·log(π(v|context)/π_ref(v|context)) averaged over the generated positions, with π_ref the
 * model as it was at the start. No KL penalty is applied: the log shows how far the reward pulls the model.
 * @param prompts  token sequences of one common length L ≥ 1 with L + length ≤ contextLength + 1.
 * @param reward  a black-box function of the generated ids (and the prompt) returning a finite number.
 */
export function loopTrainLm(
  params: nn.TransformerParams,
  prompts: readonly ArrayLike<number>[],
  reward: (continuation: Int32Array, prompt: Int32Array) => number,
  options?: LoopLmOptions,
): LoopLmResult {
  const fn = 'loopTrainLm';
  if (params === null || typeof params !== 'object' || typeof (params as { config?: unknown }).config !== 'object') throw parameterError(fn, 'params', 'transformer parameters from nn.initTransformer', params);
  const o = readOptions(fn, options, optionKeys<LoopLmOptions>({
    k: true, promptsPerStep: true, steps: true, length: true, epochs: true, epsilon: true, temperature: true, optimizer: true, clipNorm: true, seed: true, onProgress: true, signal: true,
  }));
  if (!Array.isArray(prompts) || prompts.length === 0) throw parameterError(fn, 'prompts', 'a non-empty array of token sequences', prompts);
  if (typeof reward !== 'function') throw parameterError(fn, 'reward', 'a function of the generated ids', reward);
  const cfg = params.config;
  const first = prompts[0] as unknown;
  if (!isNumericArray(first) || first.length === 0) throw parameterError(fn, 'prompts[0]', 'a non-empty token sequence', first);
  const L = first.length;
  const ps = prompts.map((p, i) => {
    if (!isNumericArray(p) || p.length !== L) throw parameterError(fn, `prompts[${i}]`, `a token sequence of length ${L} like prompts[0]`, p);
    const a = new Int32Array(L);
    for (let j = 0; j < L; j++) {
      const t = p[j];
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= cfg.vocabSize) throw parameterError(fn, `prompts[${i}][${j}]`, `a token id in [0, ${cfg.vocabSize - 1}]`, t);
      a[j] = t;
    }
    return a;
  });
  const k = positiveInteger(fn, 'options.k', o.k ?? 4);
  if (k < 2) throw parameterError(fn, 'options.k', 'an integer >= 2 (the leave-one-out baseline)', k);
  const perStep = positiveInteger(fn, 'options.promptsPerStep', o.promptsPerStep ?? 4);
  const steps = nonNegativeInteger(fn, 'options.steps', o.steps ?? 50);
  const length = positiveInteger(fn, 'options.length', o.length ?? 16);
  if (L + length > cfg.contextLength + 1) throw new ParameterError(`${fn}: prompt length + options.length must be <= contextLength + 1 = ${cfg.contextLength + 1} (got ${L} + ${length})`);
  const epochs = positiveInteger(fn, 'options.epochs', o.epochs ?? 2);
  const eps = o.epsilon ?? 0.2;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) throw parameterError(fn, 'options.epsilon', 'a number in [0, 1)', eps);
  const temperature = positiveFinite(fn, 'options.temperature', o.temperature ?? 1);
  const optimizer = o.optimizer ?? nn.adam({ learningRate: 1e-3 });
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function') throw parameterError(fn, 'options.optimizer', 'an Optimizer (nn.sgd(), nn.adam(), nn.adamw())', optimizer);
  const clip = o.clipNorm ?? 1;
  if (typeof clip !== 'number' || !(clip > 0)) throw parameterError(fn, 'options.clipNorm', 'a number > 0 (Infinity: no clipping)', clip);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');

  const named = paramSet(params);
  const names = Object.keys(named);
  const leaves = names.map((n) => named[n]!);
  // the frozen reference: copies of every tensor, freed at the end
  const refMap = new Map(leaves.map((t) => [t, nn.keep(nn.copy(t))]));
  const reference = rebuildTree(params, refMap) as nn.TransformerParams;
  const T = L + length - 1; // inputs: prompt + continuation without its last token
  const history = { reward: [] as number[], kl: [] as number[] };
  const t0 = performance.now();
  let stopped: StopState = 'maxIter';
  try {
    for (let s = 0; s < steps; s++) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const u = R.uniform(perStep);
      const N = perStep * k;
      const seqs: Int32Array[] = [];
      const rewards = new Float64Array(N);
      for (let p = 0; p < perStep; p++) {
        const prompt = ps[Math.min(ps.length - 1, Math.floor(u[p]! * ps.length))]!;
        for (let j = 0; j < k; j++) {
          const cont = nn.sampleLm(params, prompt, { length, temperature, seed: R });
          const r = reward(Int32Array.from(cont), Int32Array.from(prompt));
          if (typeof r !== 'number' || !Number.isFinite(r)) throw parameterError(fn, 'reward(...)', 'a finite number', r);
          rewards[p * k + j] = r;
          const full = new Int32Array(L + length);
          full.set(prompt);
          full.set(cont, L);
          seqs.push(full);
        }
      }
      const inputs = seqs.map((q) => q.subarray(0, T));
      // rows of the [N·T, V] logits that predict a generated token, and those tokens
      const rows: number[] = [];
      const targets: number[] = [];
      for (let i = 0; i < N; i++) for (let t = L - 1; t < T; t++) { rows.push(i * T + t); targets.push(seqs[i]![t + 1]!); }
      const M = rows.length;
      const onehot = new Float64Array(M * cfg.vocabSize);
      targets.forEach((y, i) => { onehot[i * cfg.vocabSize + y] = 1; });
      const tokenLogProbs = (q: nn.TransformerParams): nn.Tensor => {
        const z = nn.gather(nn.transformerForward(q, inputs).logits, rows);
        return nn.sum(nn.mul(nn.logSoftmax(z, -1), nn.tensor(onehot, { shape: [M, cfg.vocabSize] })), 1);
      };
      const old = nn.scope(() => tokenLogProbs(params).toArray() as Float64Array);
      const kl = nn.scope(() => {
        const z = nn.logSoftmax(nn.gather(nn.transformerForward(params, inputs).logits, rows), -1);
        const zr = nn.logSoftmax(nn.gather(nn.transformerForward(reference, inputs).logits, rows), -1);
        return nn.mean(nn.sum(nn.mul(nn.exp(z), nn.sub(z, zr)), 1)).item();
      });
      const seqAdv = leaveOneOutAdvantages(rewards, k);
      const adv = new Float64Array(M);
      for (let i = 0; i < N; i++) adv.fill(seqAdv[i]!, i * length, (i + 1) * length);
      for (let e = 0; e < epochs; e++) {
        nn.scope(() => {
          const f = (...ts: nn.Tensor[]) => loopLoss(tokenLogProbs(rebuildTree(params, new Map(leaves.map((t, i) => [t, ts[i]!]))) as nn.TransformerParams), old, adv, { epsilon: eps });
          const gs = nn.grad(f as (...a: never[]) => unknown, { argnums: leaves.map((_, i) => i) })(...(leaves as never[])) as nn.Tensor[];
          const grads = Object.fromEntries(names.map((n, i) => [n, gs[i]!]));
          if (Number.isFinite(clip)) nn.clipGradNorm(grads, clip);
          optimizer.step(named, grads);
        });
      }
      const mean = rewards.reduce((a, b) => a + b, 0) / N;
      history.reward.push(mean);
      history.kl.push(kl);
      if (onProgress?.({ step: s + 1, reward: mean, kl, elapsedMs: performance.now() - t0 }) === false) {
        stopped = 'callback';
        break;
      }
    }
  } finally {
    for (const t of refMap.values()) t.free();
  }
  return { params, history, iterations: history.reward.length, converged: false, stopped, elapsedMs: performance.now() - t0 };
}
