/**
 * Nash-MP for a parametric policy with a preference oracle: the paper's approximate version, where each
 * KL-proximal step is itself solved by stochastic policy-gradient steps on sampled preference queries.
 * The policy is a linear softmax over K responses per prompt; the judge is a fixed, intransitive
 * preference function of (prompt, response, response).
 */
import * as nn from '../nn/index.js';
import { ParameterError, parameterError } from '../runtime/errors.js';
import { mathWasm } from '../runtime/math.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegative, optionKeys, positiveFinite, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { seededRng, type Rng } from '../rng.js';
import { chosenLogProbs } from './loop.js';
import { nashResidual } from './nash.js';

/** Options of {@link preferenceTask}. */
export interface PreferenceTaskOptions {
  /** Prompt features d. Default 5. */
  dim?: number;
  /** Responses per prompt K. Default 10. */
  responses?: number;
  /** Scale c of the intransitive part of the judge. Default 2. */
  intransitivity?: number;
  /** Held-out prompts for the evaluation. Default 200. */
  evalPrompts?: number;
  /** Seed of the judge and the held-out prompts. Default 0. */
  seed?: number | bigint;
}

/**
 * A preference-learning task: prompts x ~ N(0, I_d/d) and a judge
 * P(y ≻ y' | x) = σ(xᵀw_y − xᵀw_y' + c·G[y][y']) with w_y ~ N(0, I_d) and G antisymmetric
 * (G[y][y'] ~ N(0, 1) above the diagonal), so P + Pᵀ = 1 and no ranking of the responses explains it
 * for c > 0.
 */
export interface PreferenceTask {
  /** Prompt dimension d. */
  dim: number;
  /** Number of responses K. */
  responses: number;
  /** Weight c of the antisymmetric (cyclic) part of the judge. */
  intransitivity: number;
  /** w_y as the columns of a d × K matrix. */
  weights: Float64Array;
  /** G, K × K, antisymmetric. */
  cycles: Float64Array;
  /** Held-out prompts, m × d. */
  evalPrompts: Float64Array;
  /** The judge's matrix P(y ≻ y' | x) for each held-out prompt, m × K × K. */
  evalPreferences: Float64Array;
}

/** Judge logits xᵀw_y − xᵀw_y' + c·G[y][y'] for many (x, y, y'), then σ in WASM. */
function judgeProbs(task: PreferenceTask, X: Float64Array, ys: Int32Array, ys2: Int32Array): Float64Array {
  const { dim: d, responses: K, weights: W, cycles: G, intransitivity: c } = task;
  const n = ys.length;
  if (n === 0) return new Float64Array(0);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j]! * (W[j * K + ys[i]!]! - W[j * K + ys2[i]!]!);
    z[i] = s + c * G[ys[i]! * K + ys2[i]!]!;
  }
  return nn.scope(() => nn.sigmoid(nn.tensor(z)).toArray() as Float64Array);
}

/** Builds a seeded {@link PreferenceTask}. */
export function preferenceTask(options?: PreferenceTaskOptions): PreferenceTask {
  const fn = 'preferenceTask';
  const o = readOptions(fn, options, optionKeys<PreferenceTaskOptions>({ dim: true, responses: true, intransitivity: true, evalPrompts: true, seed: true }));
  const dim = positiveInteger(fn, 'options.dim', o.dim ?? 5);
  const K = positiveInteger(fn, 'options.responses', o.responses ?? 10);
  const c = nonNegative(fn, 'options.intransitivity', o.intransitivity ?? 2);
  if (!Number.isFinite(c)) throw parameterError(fn, 'options.intransitivity', 'finite', c);
  const m = positiveInteger(fn, 'options.evalPrompts', o.evalPrompts ?? 200);
  if (dim * K > 1e6 || m * K * K > 1e7) throw new ParameterError(`${fn}: options.dim · options.responses must be <= 1e6 and evalPrompts · responses² <= 1e7 (got ${dim}, ${K}, ${m})`);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const weights = R.normal(dim * K);
  const g = R.normal((K * (K - 1)) / 2);
  const cycles = new Float64Array(K * K);
  let q = 0;
  for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) { cycles[i * K + j] = g[q]!; cycles[j * K + i] = -g[q++]!; }
  const evalPrompts = R.normal(m * dim).map((v) => v / Math.sqrt(dim));
  const task: PreferenceTask = { dim, responses: K, intransitivity: c, weights, cycles, evalPrompts, evalPreferences: new Float64Array(0) };
  const X = new Float64Array(m * K * K * dim);
  const a = new Int32Array(m * K * K);
  const b = new Int32Array(m * K * K);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < K; y++) {
      for (let y2 = 0; y2 < K; y2++) {
        const r = (i * K + y) * K + y2;
        X.set(evalPrompts.subarray(i * dim, (i + 1) * dim), r * dim);
        a[r] = y;
        b[r] = y2;
      }
    }
  }
  const P = judgeProbs(task, X, a, b);
  // exactly 1/2 on the diagonal and P + Pᵀ = 1 to the bit (σ(−z) = 1 − σ(z) holds only to rounding)
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < K; y++) {
      P[(i * K + y) * K + y] = 0.5;
      for (let y2 = y + 1; y2 < K; y2++) P[(i * K + y2) * K + y] = 1 - P[(i * K + y) * K + y2]!;
    }
  }
  task.evalPreferences = P;
  return task;
}

/** Checks a PreferenceTask passed back in (every field is read, so every field is checked). */
function readTask(fn: string, t: unknown): asserts t is PreferenceTask {
  if (t === null || typeof t !== 'object') throw parameterError(fn, 'task', 'a PreferenceTask (from preferenceTask())', t);
  const o = t as Record<string, unknown>;
  const dim = positiveInteger(fn, 'task.dim', o.dim);
  const K = positiveInteger(fn, 'task.responses', o.responses);
  if (dim * K > 1e6) throw new ParameterError(`${fn}: task.dim · task.responses must be <= 1e6 (got ${dim} · ${K})`);
  const c = nonNegative(fn, 'task.intransitivity', o.intransitivity);
  if (!Number.isFinite(c)) throw parameterError(fn, 'task.intransitivity', 'finite', c);
  const arr = (name: string, len: (n: number) => boolean, expect: string) => {
    const v = o[name];
    if (!(v instanceof Float64Array) || !len(v.length)) throw parameterError(fn, `task.${name}`, `a Float64Array of ${expect}`, v);
    const bad = v.findIndex((q) => !Number.isFinite(q));
    if (bad >= 0) throw parameterError(fn, `task.${name}[${bad}]`, 'finite', v[bad]);
    return v;
  };
  arr('weights', (n) => n === dim * K, `length dim · responses = ${dim * K}`);
  arr('cycles', (n) => n === K * K, `length responses² = ${K * K}`);
  const m = arr('evalPrompts', (n) => n > 0 && n % dim === 0, 'm · dim entries (m >= 1)').length / dim;
  const P = arr('evalPreferences', (n) => n === m * K * K, `length m · responses² = ${m * K * K}`);
  for (let i = 0; i < P.length; i++) if (!(P[i]! >= 0 && P[i]! <= 1)) throw parameterError(fn, `task.evalPreferences[${i}]`, 'a probability in [0, 1]', P[i]);
}

/** Progress of {@link nashPolicyTrain}, after each outer iteration. */
export interface NashPolicyProgress {
  /** Outer iterations done. */
  iteration: number;
  /** Preference queries (judge calls) used so far. */
  queries: number;
  /** Mean over held-out prompts of E_{y~π, y'~μ} P(y ≻ y' | x): the win rate against the reference. */
  winRate: number;
  /** Mean over held-out prompts of the exploitability of π(·|x) in that prompt's regularised game. */
  exploitability: number;
  /** Wall time since the start (ms). */
  elapsedMs: number;
}

/** Options of {@link nashPolicyTrain}. */
export interface NashPolicyOptions {
  /** 'mp': Nash-MP (extrapolation, then update from π_k against π_{k+½}); 'omd': one proximal step against π_k. Default 'mp'. */
  method?: 'mp' | 'omd';
  /** KL regularisation β > 0 towards the reference (the uniform policy θ = 0). Default 0.1. */
  beta?: number;
  /** Mirror step η > 0: weight of the game against the KL(π‖π_k) proximity term. Default 2. */
  eta?: number;
  /** Outer iterations. Default 30. */
  iterations?: number;
  /** Stochastic gradient steps per proximal step. Default 20. */
  innerSteps?: number;
  /** Prompts (and queries) per inner step. Default 64. */
  batchSize?: number;
  /** Adam step size of the inner steps. Default 0.05. */
  learningRate?: number;
  /** Seed of prompts, samples and judge outcomes. Default 0. */
  seed?: number | bigint;
  /** Called after every outer iteration; return false to stop. */
  onProgress?: (info: NashPolicyProgress) => unknown;
  /** Stops at the next outer iteration when aborted. */
  signal?: AbortSignalLike;
}

/** Result of {@link nashPolicyTrain}. */
export interface NashPolicyResult {
  /** Policy parameters: logits = [x, 1]·theta, (d + 1) × K. */
  theta: Float64Array;
  /** Entry t after t outer iterations (entry 0: the reference itself, win rate 1/2). */
  history: {
    /** Judge queries used after each iteration. */
    queries: number[];
    /** Win rate against the reference after each iteration. */
    winRate: number[];
    /** Mean held-out exploitability after each iteration. */
    exploitability: number[];
  };
  /** Outer iterations done. */
  iterations: number;
  /** Always false: a fixed budget. */
  converged: boolean;
  /** Why the run ended: 'maxIter' (all iterations done), 'callback' or 'aborted'. */
  stopped: StopState;
  /** Wall time of the run (ms). */
  elapsedMs: number;
}

/**
 * Nash-MP for the linear softmax policy π_θ(y|x) = softmax([x, 1]·θ)_y on a {@link preferenceTask},
 * with the uniform policy (θ = 0) as reference μ and start. Outer iteration k approximately solves
 * the two proximal steps of Nash-MP,
 *   π_{k+½} = argmax_π E_x[ E_{y~π, y'~π_k} P(y ≻ y'|x) − β·KL(π‖μ) − KL(π‖π_k)/η ],
 *   π_{k+1} = argmax_π E_x[ E_{y~π, y'~π_{k+½}} P(y ≻ y'|x) − β·KL(π‖μ) − KL(π‖π_k)/η ],
 * each by `innerSteps` Adam steps from θ_k: the preference term by the policy gradient
 * (o − ½)·∇log π_θ(y) from one judge outcome o ~ Bernoulli(P(y ≻ y'|x)) per sampled (x, y, y'), the
 * two KL terms exactly over the K responses of each sampled prompt. Reports the win rate against μ
 * and the mean exploitability over held-out prompts (each prompt's tabular regularised game).
 */
export function nashPolicyTrain(task: PreferenceTask, options?: NashPolicyOptions): NashPolicyResult {
  const fn = 'nashPolicyTrain';
  readTask(fn, task);
  const o = readOptions(fn, options, optionKeys<NashPolicyOptions>({
    method: true, beta: true, eta: true, iterations: true, innerSteps: true, batchSize: true, learningRate: true, seed: true, onProgress: true, signal: true,
  }));
  const method = o.method ?? 'mp';
  if (method !== 'mp' && method !== 'omd') throw parameterError(fn, 'options.method', "'mp' or 'omd'", method);
  const beta = positiveFinite(fn, 'options.beta', o.beta ?? 0.1);
  const eta = positiveFinite(fn, 'options.eta', o.eta ?? 2);
  const outer = positiveInteger(fn, 'options.iterations', o.iterations ?? 30);
  const inner = positiveInteger(fn, 'options.innerSteps', o.innerSteps ?? 20);
  const B = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 64);
  const lr = positiveFinite(fn, 'options.learningRate', o.learningRate ?? 0.05);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const R: Rng = seededRng(fn, o.seed ?? 0, 'options.seed');
  const { dim: d, responses: K } = task;
  const D = d + 1;
  const m = task.evalPrompts.length / d;
  const aug = (X: Float64Array, n: number) => {
    const out = new Float64Array(n * D);
    for (let i = 0; i < n; i++) { out.set(X.subarray(i * d, (i + 1) * d), i * D); out[i * D + d] = 1; }
    return out;
  };
  const evalX = aug(task.evalPrompts, m);
  const probsOf = (theta: Float64Array, X: Float64Array, n: number): Float64Array =>
    nn.scope(() => nn.softmax(nn.matmul(nn.tensor(X, { shape: [n, D] }), nn.tensor(theta, { shape: [D, K] })), -1).toArray() as Float64Array);
  const draw = (probs: Float64Array, n: number): Int32Array => {
    const u = R.uniform(n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      out[i] = K - 1;
      for (let a = 0; a < K; a++) { acc += probs[i * K + a]!; if (u[i]! < acc) { out[i] = a; break; } }
    }
    return out;
  };
  const evaluate = (theta: Float64Array): { winRate: number; exploitability: number } => {
    const P = probsOf(theta, evalX, m);
    let win = 0;
    let gap = 0;
    for (let i = 0; i < m; i++) {
      const Pi = task.evalPreferences.subarray(i * K * K, (i + 1) * K * K);
      const pi = P.subarray(i * K, (i + 1) * K);
      for (let y = 0; y < K; y++) for (let y2 = 0; y2 < K; y2++) win += pi[y]! * Pi[y * K + y2]! / K;
      gap += nashResidual({ data: Pi, rows: K, cols: K }, pi, { beta }).gap;
    }
    return { winRate: win / m, exploitability: gap / m };
  };

  /** Approximately the proximal step from θ_k against the opponent θ_opp: `inner` Adam steps. */
  const proximal = (thetaK: Float64Array, thetaOpp: Float64Array): Float64Array => {
    const th = nn.tensor(thetaK, { shape: [D, K] });
    const opt = nn.adam({ learningRate: lr });
    try {
      for (let s = 0; s < inner; s++) {
        nn.scope(() => {
          const X = aug(R.normal(B * d).map((v) => v / Math.sqrt(d)), B);
          const Xt = nn.tensor(X, { shape: [B, D] });
          const ys = draw(nn.scope(() => nn.softmax(nn.matmul(Xt, th), -1).toArray() as Float64Array), B);
          const ys2 = draw(probsOf(thetaOpp, X, B), B);
          const Xraw = new Float64Array(B * d);
          for (let i = 0; i < B; i++) Xraw.set(X.subarray(i * D, i * D + d), i * d);
          const p = judgeProbs(task, Xraw, ys, ys2);
          const u = R.uniform(B);
          const adv = Float64Array.from(p, (q, i) => (u[i]! < q ? 1 : 0) - 0.5);
          const logK = nn.scope(() => nn.logSoftmax(nn.matmul(Xt, nn.tensor(thetaK, { shape: [D, K] })), -1).toArray() as Float64Array);
          const logMu = -mathWasm(fn).mathLog(K); // ln of the uniform μ = 1/K, in WASM (JavaScript's Math.log differs between engines)
          const f = (t: nn.Tensor) => {
            const z = nn.matmul(Xt, t);
            const lz = nn.logSoftmax(z, -1);
            const pz = nn.exp(lz);
            const pg = nn.neg(nn.mean(nn.mul(chosenLogProbs(z, ys), nn.tensor(adv))));
            // β·KL(π‖μ) + KL(π‖π_k)/η, exact over the K responses, mean over the batch's prompts
            const klMu = nn.sum(nn.mul(pz, nn.sub(lz, logMu)), 1);
            const klK = nn.sum(nn.mul(pz, nn.sub(lz, nn.tensor(logK, { shape: [B, K] }))), 1);
            return nn.add(pg, nn.mean(nn.add(nn.scale(klMu, beta), nn.scale(klK, 1 / eta))));
          };
          const [g] = nn.grad(f as (...a: never[]) => unknown, { argnums: [0] })(th as never) as nn.Tensor[];
          opt.step({ th }, { th: g! });
        });
      }
      return th.toArray() as Float64Array;
    } finally {
      th.free();
    }
  };

  let theta: Float64Array = new Float64Array(D * K);
  const first = evaluate(theta);
  const history = { queries: [0], winRate: [first.winRate], exploitability: [first.exploitability] };
  const t0 = performance.now();
  let stopped: StopState = 'maxIter';
  let queries = 0;
  for (let it = 0; it < outer; it++) {
    if (signal?.aborted) { stopped = 'aborted'; break; }
    if (method === 'mp') {
      const half = proximal(theta, theta);
      theta = proximal(theta, half);
      queries += 2 * inner * B;
    } else {
      theta = proximal(theta, theta);
      queries += inner * B;
    }
    const e = evaluate(theta);
    history.queries.push(queries);
    history.winRate.push(e.winRate);
    history.exploitability.push(e.exploitability);
    if (onProgress?.({ iteration: it + 1, queries, ...e, elapsedMs: performance.now() - t0 }) === false) { stopped = 'callback'; break; }
  }
  return { theta, history, iterations: history.queries.length - 1, converged: false, stopped, elapsedMs: performance.now() - t0 };
}
