/**
 * LOOP (PPO with k samples per prompt and a leave-one-out baseline) and its two comparisons, REINFORCE
 * with the same baseline and PPO with a learned value baseline: the advantages, the losses on nn's tape,
 * and a contextual bandit with known mean rewards to measure them on.
 */
import * as nn from '../nn/index.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { numbersOf } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { optionKeys, positiveFinite, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { seededRng, type Rng } from '../rng.js';

/**
 * Leave-one-out advantages: for rewards grouped by prompt (k consecutive samples per prompt),
 * Aᵢ = rᵢ − (1/(k−1))·Σ_{j≠i} rⱼ = k/(k−1)·(rᵢ − r̄). They sum to zero within each prompt, and the
 * baseline of sample i does not depend on rᵢ (so the policy-gradient estimate stays unbiased).
 * @param rewards  prompts·k finite numbers, prompt by prompt.
 * @param k  samples per prompt, ≥ 2.
 */
export function leaveOneOutAdvantages(rewards: ArrayLike<number>, k: number): Float64Array {
  const fn = 'leaveOneOutAdvantages';
  const r = numbersOf(fn, 'rewards', rewards);
  if (!Number.isSafeInteger(k) || k < 2) throw parameterError(fn, 'k', 'an integer >= 2 (the baseline needs another sample of the same prompt)', k);
  if (r.length % k !== 0) throw new ShapeError(`${fn}: rewards must hold a whole number of groups of k = ${k} (got length ${r.length})`);
  const bad = r.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw parameterError(fn, `rewards[${bad}]`, 'finite', r[bad]);
  const out = new Float64Array(r.length);
  for (let g = 0; g < r.length; g += k) {
    let s = 0;
    for (let i = 0; i < k; i++) s += r[g + i]!;
    for (let i = 0; i < k; i++) out[g + i] = r[g + i]! - (s - r[g + i]!) / (k - 1);
  }
  return out;
}

/** Options of {@link loopLoss}. */
export interface LoopLossOptions {
  /** Clip range ε ∈ [0, 1): the ratio is clipped to [1 − ε, 1 + ε]. Default 0.2. */
  epsilon?: number;
}

function readVector(fn: string, name: string, v: unknown, n: number): Float64Array {
  const x = numbersOf(fn, name, v);
  if (x.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} like logProbs (got ${x.length})`);
  const bad = x.findIndex((q) => !Number.isFinite(q));
  if (bad >= 0) throw parameterError(fn, `${name}[${bad}]`, 'finite', x[bad]);
  return x;
}

function readLogProbs(fn: string, t: unknown): nn.Tensor {
  if (!(t instanceof nn.Tensor)) throw parameterError(fn, 'logProbs', 'an nn.Tensor of shape [N]', t);
  if (t.shape.length !== 1 || t.shape[0] === 0) throw new ShapeError(`${fn}: logProbs must have shape [N] with N >= 1 (got [${t.shape.join(', ')}])`);
  return t;
}

/**
 * The clipped surrogate loss of PPO / LOOP for N sampled actions (or tokens):
 *
 *   L = −(1/N)·Σᵢ min(ρᵢ·Aᵢ, clip(ρᵢ, 1 − ε, 1 + ε)·Aᵢ),  ρᵢ = exp(log πθ(aᵢ) − log π_old(aᵢ)).
 *
 * `logProbs` is log πθ(aᵢ) on the tape (shape [N]); `oldLogProbs` the sampling policy's values (no
 * gradient); `advantages` e.g. {@link leaveOneOutAdvantages} (LOOP) or r − V(x) (PPO). The minimum
 * takes the pessimistic term: for Aᵢ > 0 the gradient of sample i is 0 once ρᵢ > 1 + ε, for Aᵢ < 0 once
 * ρᵢ < 1 − ε (moving further would be rewarded without bound); on the other side and inside the range
 * it is −Aᵢ·ρᵢ·∇log πθ(aᵢ)/N. At ρ = 1 this is the REINFORCE gradient. Returns a scalar tensor.
 */
export function loopLoss(logProbs: nn.Tensor, oldLogProbs: ArrayLike<number>, advantages: ArrayLike<number>, options?: LoopLossOptions): nn.Tensor {
  const fn = 'loopLoss';
  const lp = readLogProbs(fn, logProbs);
  const N = lp.shape[0]!;
  const o = readOptions(fn, options, optionKeys<LoopLossOptions>({ epsilon: true }));
  const eps = o.epsilon ?? 0.2;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) throw parameterError(fn, 'options.epsilon', 'a number in [0, 1)', eps);
  const old = readVector(fn, 'oldLogProbs', oldLogProbs, N);
  const A = readVector(fn, 'advantages', advantages, N);
  const dt = lp.dtype;
  const ratio = nn.exp(nn.sub(lp, nn.tensor(old, { dtype: dt })));
  // clip(ρ, lo, hi) = lo + relu(ρ − lo) − relu(ρ − hi): exactly constant (zero derivative) outside [lo, hi]
  const clipped = nn.sub(nn.add(nn.relu(nn.sub(ratio, 1 - eps)), 1 - eps), nn.relu(nn.sub(ratio, 1 + eps)));
  const adv = nn.tensor(A, { dtype: dt });
  const u = nn.mul(ratio, adv);
  const c = nn.mul(clipped, adv);
  // min(u, c) = u − relu(u − c)
  return nn.neg(nn.mean(nn.sub(u, nn.relu(nn.sub(u, c)))));
}

/**
 * The REINFORCE loss with a baseline: L = −(1/N)·Σᵢ Aᵢ·log πθ(aᵢ), whose gradient is the
 * policy-gradient estimate −(1/N)·Σᵢ Aᵢ·∇log πθ(aᵢ). One gradient step per batch of fresh samples.
 */
export function reinforceLoss(logProbs: nn.Tensor, advantages: ArrayLike<number>): nn.Tensor {
  const fn = 'reinforceLoss';
  const lp = readLogProbs(fn, logProbs);
  const A = readVector(fn, 'advantages', advantages, lp.shape[0]!);
  return nn.neg(nn.mean(nn.mul(lp, nn.tensor(A, { dtype: lp.dtype }))));
}

// ---------------------------------------------------------------------------------------- the bandit

/** Options of {@link contextualBandit}. */
export interface ContextualBanditOptions {
  /** Context dimension d. Default 5. */
  dim?: number;
  /** Number of arms K. Default 10. */
  arms?: number;
  /** Sharpness s of the mean rewards σ(s·xᵀw_a). Default 4. */
  sharpness?: number;
  /** Contexts held out to measure regret. Default 1000. */
  evalContexts?: number;
  /** Seed of the arm weights and the held-out contexts. Default 0. */
  seed?: number | bigint;
}

/**
 * A contextual bandit with Bernoulli rewards and known means: contexts x ~ N(0, I_d/d), arm weights
 * w_a ~ N(0, I_d), mean reward μ(x, a) = σ(s·xᵀw_a). The optimal policy picks argmax_a μ(x, a).
 */
export interface ContextualBandit {
  /** Context dimension d. */
  dim: number;
  /** Number of arms K. */
  arms: number;
  /** Sharpness s of the mean rewards σ(s·xᵀw_a). */
  sharpness: number;
  /** w_a as the columns of a d × K row-major matrix. */
  weights: Float64Array;
  /** Held-out contexts, m × d row-major. */
  evalContexts: Float64Array;
  /** μ(x, a) on the held-out contexts, m × K. */
  evalMeans: Float64Array;
  /** Mean over the held-out contexts of max_a μ(x, a): the optimal policy's expected reward. */
  optimalReward: number;
}

/** Row-major X (n × d) · W (d × K), then σ(s·), in WASM (nn.sigmoid). */
function meanRewards(X: Float64Array, n: number, d: number, W: Float64Array, K: number, s: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  return nn.scope(() => nn.sigmoid(nn.scale(nn.matmul(nn.tensor(X, { shape: [n, d] }), nn.tensor(W, { shape: [d, K] })), s)).toArray() as Float64Array);
}

/** Builds a seeded {@link ContextualBandit}. */
export function contextualBandit(options?: ContextualBanditOptions): ContextualBandit {
  const fn = 'contextualBandit';
  const o = readOptions(fn, options, optionKeys<ContextualBanditOptions>({ dim: true, arms: true, sharpness: true, evalContexts: true, seed: true }));
  const dim = positiveInteger(fn, 'options.dim', o.dim ?? 5);
  const arms = positiveInteger(fn, 'options.arms', o.arms ?? 10);
  const sharpness = positiveFinite(fn, 'options.sharpness', o.sharpness ?? 4);
  const m = positiveInteger(fn, 'options.evalContexts', o.evalContexts ?? 1000);
  if (dim * arms > 1e6 || m * Math.max(dim, arms) > 1e7) throw new ParameterError(`${fn}: options.dim · options.arms must be <= 1e6 and evalContexts · max(dim, arms) <= 1e7 (got ${dim}, ${arms}, ${m})`);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const weights = R.normal(dim * arms);
  const evalContexts = R.normal(m * dim).map((v) => v / Math.sqrt(dim));
  const evalMeans = meanRewards(evalContexts, m, dim, weights, arms, sharpness);
  let best = 0;
  for (let i = 0; i < m; i++) {
    let b = 0;
    for (let a = 0; a < arms; a++) b = Math.max(b, evalMeans[i * arms + a]!);
    best += b;
  }
  return { dim, arms, sharpness, weights, evalContexts, evalMeans, optimalReward: best / m };
}

/** Checks a ContextualBandit passed back in (a plain object: every field is read, so every field is checked). */
function readBandit(fn: string, b: unknown): asserts b is ContextualBandit {
  const what = 'a ContextualBandit (from contextualBandit())';
  if (b === null || typeof b !== 'object') throw parameterError(fn, 'bandit', what, b);
  const o = b as Record<string, unknown>;
  const dim = positiveInteger(fn, 'bandit.dim', o.dim);
  const arms = positiveInteger(fn, 'bandit.arms', o.arms);
  if (dim * arms > 1e6) throw new ParameterError(`${fn}: bandit.dim · bandit.arms must be <= 1e6 (got ${dim} · ${arms})`);
  positiveFinite(fn, 'bandit.sharpness', o.sharpness);
  const arr = (name: string, len: (n: number) => boolean, expect: string) => {
    const v = o[name];
    if (!(v instanceof Float64Array) || !len(v.length)) throw parameterError(fn, `bandit.${name}`, `a Float64Array of ${expect}`, v);
    const bad = v.findIndex((q) => !Number.isFinite(q));
    if (bad >= 0) throw parameterError(fn, `bandit.${name}[${bad}]`, 'finite', v[bad]);
    return v;
  };
  arr('weights', (n) => n === dim * arms, `length dim · arms = ${dim * arms}`);
  const m = arr('evalContexts', (n) => n > 0 && n % dim === 0, 'm · dim entries (m >= 1)').length / dim;
  arr('evalMeans', (n) => n === m * arms, `length m · arms = ${m * arms}`);
  if (typeof o.optimalReward !== 'number' || !Number.isFinite(o.optimalReward)) throw parameterError(fn, 'bandit.optimalReward', 'a finite number', o.optimalReward);
}

/** Progress of {@link banditTrain}, after each update. */
export interface BanditProgress {
  /** Updates done. */
  update: number;
  /** Reward samples (environment queries) used so far. */
  samples: number;
  /** Regret of the current policy on the held-out contexts: optimalReward − E[μ(x, a)], a ~ π(·|x). */
  regret: number;
  /** Mean observed reward of the last batch. */
  batchReward: number;
  /** Wall time since the start (ms). */
  elapsedMs: number;
}

/** Options of {@link banditTrain}. */
export interface BanditTrainOptions {
  /**
   * 'loop': k samples per prompt, leave-one-out advantages, `epochs` steps of the clipped loss per batch;
   * 'reinforce': the same samples and advantages, one REINFORCE step per batch; 'ppo': advantages
   * r − V(x) from a value network (an MLP d → 32 → 1 fitted to the rewards by `epochs` Adam steps per
   * batch), then `epochs` steps of the clipped loss. Default 'loop'.
   */
  method?: 'loop' | 'reinforce' | 'ppo';
  /** Samples per prompt (≥ 2 for 'loop' and 'reinforce'). Default 4 ('ppo': 1). */
  k?: number;
  /** Total reward samples (the budget). Default 20000. */
  samples?: number;
  /** Samples per update (a multiple of k). Default 64. */
  batchSize?: number;
  /** Gradient steps per batch for 'loop' and 'ppo' (also the value network's). Default 4. */
  epochs?: number;
  /** PPO clip ε. Default 0.2. */
  epsilon?: number;
  /** Adam step size of the policy (and of the value network). Default 0.05. */
  learningRate?: number;
  /** Seed of the initial value network, the contexts, actions and rewards. Default 0. */
  seed?: number | bigint;
  /** Called after every update; return false to stop. */
  onProgress?: (info: BanditProgress) => unknown;
  /** Stops at the next update when aborted. */
  signal?: AbortSignalLike;
}

/** Result of {@link banditTrain}. */
export interface BanditTrainResult {
  /** Policy parameters: logits = [x, 1]·theta, a (d + 1) × K row-major matrix. */
  theta: Float64Array;
  /** One entry per update (entry 0: the uniform start, 0 samples). */
  history: {
    /** Reward samples used after each update. */
    samples: number[];
    /** Exact held-out regret after each update. */
    regret: number[];
    /** Mean observed reward of each update's batch (NaN at entry 0). */
    batchReward: number[];
  };
  /** Updates done. */
  iterations: number;
  /** Always false: a fixed sample budget. */
  converged: boolean;
  /** Why the run ended: 'maxIter' (the sample budget is spent), 'callback' or 'aborted'. */
  stopped: StopState;
  /** Trained parameters of the value network ('ppo' only; 0 otherwise). */
  valueParameters: number;
  /** Wall time of the run (ms). */
  elapsedMs: number;
}

/** Draws an index from each row of probs (n × K) with one uniform per row (inverse CDF in index order). */
function drawRows(probs: Float64Array, n: number, K: number, u: Float64Array): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    out[i] = K - 1;
    for (let a = 0; a < K; a++) {
      acc += probs[i * K + a]!;
      if (u[i]! < acc) {
        out[i] = a;
        break;
      }
    }
  }
  return out;
}

/** Log-probabilities of the chosen entries of each row: Σ_a logSoftmax(Z)[i, a]·onehot[i, a]. */
export function chosenLogProbs(logits: nn.Tensor, actions: Int32Array): nn.Tensor {
  const [n, K] = logits.shape as [number, number];
  const onehot = new Float64Array(n * K);
  for (let i = 0; i < n; i++) onehot[i * K + actions[i]!] = 1;
  return nn.sum(nn.mul(nn.logSoftmax(logits, -1), nn.tensor(onehot, { shape: [n, K], dtype: logits.dtype })), 1);
}

/** Name → tensor of every tensor in a nested object/array of parameters (for an optimizer's ParamSet). */
export function paramSet(tree: unknown, path = 'p', out: Record<string, nn.Tensor> = {}): Record<string, nn.Tensor> {
  if (tree instanceof nn.Tensor) out[path] = tree;
  else if (Array.isArray(tree)) tree.forEach((t, i) => paramSet(t, `${path}.${i}`, out));
  else if (tree !== null && typeof tree === 'object') for (const [k, v] of Object.entries(tree)) paramSet(v, `${path}.${k}`, out);
  return out;
}

/**
 * Trains a linear softmax policy π(a|x) = softmax([x, 1]·θ) on a {@link contextualBandit} with one of
 * LOOP, REINFORCE-LOO or PPO with a value network, for a fixed budget of reward samples, from θ = 0
 * (uniform). Every update draws batchSize/k contexts, k actions each from the current policy and one
 * Bernoulli reward per action; the regret is measured exactly on the held-out contexts.
 */
export function banditTrain(bandit: ContextualBandit, options?: BanditTrainOptions): BanditTrainResult {
  const fn = 'banditTrain';
  readBandit(fn, bandit);
  const o = readOptions(fn, options, optionKeys<BanditTrainOptions>({
    method: true, k: true, samples: true, batchSize: true, epochs: true, epsilon: true, learningRate: true, seed: true, onProgress: true, signal: true,
  }));
  const method = o.method ?? 'loop';
  if (method !== 'loop' && method !== 'reinforce' && method !== 'ppo') throw parameterError(fn, 'options.method', "'loop', 'reinforce' or 'ppo'", method);
  const k = positiveInteger(fn, 'options.k', o.k ?? (method === 'ppo' ? 1 : 4));
  if (method !== 'ppo' && k < 2) throw parameterError(fn, 'options.k', `an integer >= 2 for '${method}' (the leave-one-out baseline)`, k);
  const budget = positiveInteger(fn, 'options.samples', o.samples ?? 20000);
  const B = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 64);
  if (B % k !== 0) throw parameterError(fn, 'options.batchSize', `a multiple of k = ${k}`, B);
  const epochs = positiveInteger(fn, 'options.epochs', o.epochs ?? 4);
  const eps = o.epsilon ?? 0.2;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) throw parameterError(fn, 'options.epsilon', 'a number in [0, 1)', eps);
  const lr = positiveFinite(fn, 'options.learningRate', o.learningRate ?? 0.05);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const R: Rng = seededRng(fn, o.seed ?? 0, 'options.seed');
  const { dim: d, arms: K, weights: W, sharpness } = bandit;
  const m = bandit.evalMeans.length / K;
  const D = d + 1;
  const withBias = (X: Float64Array, n: number, dd: number) => {
    const out = new Float64Array(n * (dd + 1));
    for (let i = 0; i < n; i++) {
      out.set(X.subarray(i * dd, (i + 1) * dd), i * (dd + 1));
      out[i * (dd + 1) + dd] = 1;
    }
    return out;
  };
  const evalX = withBias(bandit.evalContexts, m, d);

  const theta = nn.zeros([D, K]);
  const value = method === 'ppo' ? nn.initMlp([D, 32, 1], { seed: R.nextU64() }) : null;
  const opt = nn.adam({ learningRate: lr });
  const vopt = nn.adam({ learningRate: lr });
  const params = { theta };
  const vparams = value ? paramSet(value) : {};
  const valueParameters = Object.values(vparams).reduce((s, t) => s + t.size, 0);
  const regretOf = (): number => {
    const P = nn.scope(() => nn.softmax(nn.matmul(nn.tensor(evalX, { shape: [m, D] }), theta), -1).toArray());
    let r = 0;
    for (let i = 0; i < m; i++) {
      let best = 0;
      let got = 0;
      for (let a = 0; a < K; a++) {
        const mu = bandit.evalMeans[i * K + a]!;
        best = Math.max(best, mu);
        got += P[i * K + a]! * mu;
      }
      r += best - got;
    }
    return r / m;
  };
  const history = { samples: [0], regret: [regretOf()], batchReward: [NaN] };
  const t0 = performance.now();
  let stopped: StopState = 'maxIter';
  let used = 0;
  let updates = 0;
  try {
    while (used + B <= budget) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const prompts = B / k;
      const ctx = R.normal(prompts * d).map((v) => v / Math.sqrt(d));
      // each prompt's context repeated k times
      const Xrep = new Float64Array(B * d);
      for (let p = 0; p < prompts; p++) for (let j = 0; j < k; j++) Xrep.set(ctx.subarray(p * d, (p + 1) * d), (p * k + j) * d);
      const X = withBias(Xrep, B, d);
      const probs = nn.scope(() => nn.softmax(nn.matmul(nn.tensor(X, { shape: [B, D] }), theta), -1).toArray() as Float64Array);
      const actions = drawRows(probs, B, K, R.uniform(B));
      const means = meanRewards(Xrep, B, d, W, K, sharpness);
      const u = R.uniform(B);
      const rewards = Float64Array.from(actions, (a, i) => (u[i]! < means[i * K + a]! ? 1 : 0));
      used += B;
      const oldLp = nn.scope(() => chosenLogProbs(nn.matmul(nn.tensor(X, { shape: [B, D] }), theta), actions).toArray() as Float64Array);
      let adv: Float64Array;
      if (method === 'ppo') {
        const Xt = () => nn.tensor(X, { shape: [B, D] });
        for (let e = 0; e < epochs; e++) {
          nn.scope(() => {
            // the value MLP rebuilt from its flat tensors, so that grad sees them as arguments
            const f = (...ts: nn.Tensor[]) => {
              const vp: nn.MlpParams = { layers: value!.layers.map((_, l) => ({ W: ts[2 * l]!, b: ts[2 * l + 1]! })) };
              return nn.mean(nn.square(nn.sub(nn.reshape(nn.mlp(vp, Xt()), [B]), nn.tensor(rewards))));
            };
            const flat = value!.layers.flatMap((L) => [L.W, L.b!]);
            const gs = nn.grad(f as (...a: never[]) => unknown, { argnums: flat.map((_, i) => i) })(...(flat as never[])) as nn.Tensor[];
            vopt.step(vparams, Object.fromEntries(value!.layers.flatMap((_, l) => [[`p.layers.${l}.W`, gs[2 * l]!], [`p.layers.${l}.b`, gs[2 * l + 1]!]])));
          });
        }
        const v = nn.scope(() => nn.mlp(value!, Xt()).toArray() as Float64Array);
        adv = Float64Array.from(rewards, (r, i) => r - v[i]!);
      } else {
        adv = leaveOneOutAdvantages(rewards, k);
      }
      const steps = method === 'reinforce' ? 1 : epochs;
      for (let e = 0; e < steps; e++) {
        nn.scope(() => {
          const f = (th: nn.Tensor) => {
            const lp = chosenLogProbs(nn.matmul(nn.tensor(X, { shape: [B, D] }), th), actions);
            return method === 'reinforce' ? reinforceLoss(lp, adv) : loopLoss(lp, oldLp, adv, { epsilon: eps });
          };
          const [g] = nn.grad(f as (...a: never[]) => unknown, { argnums: [0] })(theta as never) as nn.Tensor[];
          opt.step(params, { theta: g! });
        });
      }
      updates++;
      const batchReward = rewards.reduce((s, r) => s + r, 0) / B;
      const regret = regretOf();
      history.samples.push(used);
      history.regret.push(regret);
      history.batchReward.push(batchReward);
      if (onProgress?.({ update: updates, samples: used, regret, batchReward, elapsedMs: performance.now() - t0 }) === false) {
        stopped = 'callback';
        break;
      }
    }
    return { theta: theta.toArray() as Float64Array, history, iterations: updates, converged: false, stopped, valueParameters, elapsedMs: performance.now() - t0 };
  } finally {
    theta.free();
    for (const t of Object.values(vparams)) t.free();
  }
}
