/**
 * The seeded federated simulator: a server loop with client sampling, stragglers and a pluggable rule.
 */
import * as nn from '../nn/index.js';
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { Rng, checkSeed, shuffledOrder } from '../rng.js';
import type { FedClient, FedDataset } from './data.js';
import { softmaxRegression, lossAndGrad, evaluateRows, type FedModel } from './model.js';
import { fedAvg, isRule, type FedRule } from './rules.js';
import { SoftmaxRegressionWorkspace } from './kernels.js';

/** Metrics after one round (passed to `onProgress` and kept in `history`). */
export interface FedRoundInfo {
  /** 1-based round. */
  round: number;
  /** Sample-weighted mean cross-entropy over every client's training rows, at the new global model. */
  trainLoss: number;
  /** Fraction of all training rows classified correctly. */
  trainAccuracy: number;
  /** Fraction of all test rows classified correctly (NaN when there are none). */
  testAccuracy: number;
  /** Clients whose update was aggregated this round. */
  aggregated: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** Options of {@link simulateFederated}. */
export interface SimulateFederatedOptions {
  /** The client/server rule (default fedAvg()). */
  rule?: FedRule;
  /** The model (default softmaxRegression(dim, classes), zero start). */
  model?: FedModel;
  /** Initial global parameters (default model.init()). */
  init?: Float64Array;
  /** Communication rounds T (default 200). */
  rounds?: number;
  /** Clients sampled uniformly without replacement per round (default 10, capped at the client count). */
  clientsPerRound?: number;
  /** Local epochs E of a full-work client (default 20). */
  epochs?: number;
  /** Minibatch size (default 10). */
  batchSize?: number;
  /** Local step size η (default 0.01). */
  learningRate?: number;
  /**
   * Fraction p ∈ [0, 1] of sampled clients that are stragglers (default 0): round(m(1 − p)) of the m
   * sampled clients run E epochs, the others a uniform random number of epochs in {1, …, E − 1}
   * (1 when E = 1); the rule keeps or drops their work.
   */
  dropPercent?: number;
  /** Shuffle each client's rows before every local epoch (default true); false: in order. */
  shuffle?: boolean;
  /** Seed of sampling, stragglers and shuffles (default 0); two rules with one seed see the same clients. */
  seed?: number | bigint;
  /** Evaluate the global model every this many rounds and after the last (default 1). */
  evalEvery?: number;
  /** Called after every evaluation; return false to stop. */
  onProgress?: (info: FedRoundInfo) => boolean | void;
  /** Checked before every round: an aborted signal ends the run (no exception). */
  signal?: AbortSignalLike;
}

/** Result of {@link simulateFederated}. */
export interface SimulateFederatedResult {
  /** The final global parameters (flat, in `model.shapes` order). */
  params: Float64Array;
  /** The model trained. */
  model: FedModel;
  /** Rounds completed. */
  iterations: number;
  /** 'maxIter' (every round ran), 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: 'maxIter' | 'callback' | 'aborted';
  /** One entry per evaluation. */
  history: FedRoundInfo[];
}

const MASK64 = (1n << 64n) - 1n;
/** A seed for stream `i` under `base` (a Weyl step then splitmix64 inside Rng does the mixing). */
export function subSeed(base: bigint, i: number): bigint {
  return (base * 0x9e3779b97f4a7c15n + BigInt(i) + 1n) & MASK64;
}

/**
 * Runs federated training of `model` on the clients of `data` with `rule`. Each round t: m clients are
 * sampled without replacement (from a generator seeded by (seed, t), so every rule sees the same
 * clients and stragglers); each runs its epochs of local minibatch steps w ← w − η·d from the global
 * model (d from the rule, the step applied by nn's sgd), in a seeded per-(round, client) row order; the
 * server replaces the global model by the weighted average of the uploads (weights normalised first,
 * so one client's upload passes through unchanged). If every sampled client is a dropped straggler,
 * the global model is kept.
 *
 * Defaults: rule fedAvg(), model softmaxRegression, rounds 200, clientsPerRound 10, epochs 20,
 * batchSize 10, learningRate 0.01, dropPercent 0, shuffle true, seed 0, evalEvery 1 (FedProx's
 * synthetic settings).
 */
export function simulateFederated(data: FedDataset, options?: SimulateFederatedOptions): SimulateFederatedResult {
  const fn = 'simulateFederated';
  const o = readOptions(fn, options, optionKeys<SimulateFederatedOptions>({
    rule: true, model: true, init: true, rounds: true, clientsPerRound: true, epochs: true, batchSize: true, learningRate: true,
    dropPercent: true, shuffle: true, seed: true, evalEvery: true, onProgress: true, signal: true,
  }));
  const run = readRun(fn, data, o);
  const { model, rule, clients, dim, classes, batch, lr, shuffle } = run;
  const loop = federatedRounds(run);
  let step = loop.next();
  while (!step.done) {
    const tasks = step.value;
    step = loop.next(tasks.map((t) => localWork(fn, model, rule, t.global, t.state, clients[t.k]!, dim, classes, t.epochs, batch, lr, shuffle, t.seed)));
  }
  return step.value;
}

/** Validates the data and the options (already checked for unknown keys) of a federated run. */
export function readRun(fn: string, data: FedDataset, o: SimulateFederatedOptions): RunSettings {
  const { dim, clients } = readDataset(fn, data);
  const rule = o.rule ?? fedAvg();
  if (!isRule(rule)) throw parameterError(fn, 'options.rule', 'a rule made by fedAvg(), fedProx() or fedSpeed()', rule);
  const model = o.model ?? softmaxRegression(dim, data.classes);
  if (model === null || typeof model !== 'object' || typeof model.logits !== 'function' || typeof model.init !== 'function' || !Number.isSafeInteger(model.size)) {
    throw parameterError(fn, 'options.model', 'a FedModel (softmaxRegression(), mlpClassifier())', model);
  }
  if (model.shapes[0]![0] !== dim) throw new ShapeError(`${fn}: options.model takes ${model.shapes[0]![0]} inputs but the clients' rows have ${dim} features`);
  const outputs = model.shapes[model.shapes.length - 1]![0];
  if (outputs !== data.classes) throw new ShapeError(`${fn}: options.model has ${outputs} outputs but data.classes is ${data.classes}`);
  let w: Float64Array;
  if (o.init !== undefined) {
    if (!(o.init instanceof Float64Array) || o.init.length !== model.size) throw parameterError(fn, 'options.init', `a Float64Array of length ${model.size}`, o.init);
    for (let i = 0; i < o.init.length; i++) if (!Number.isFinite(o.init[i]!)) throw new ParameterError(`${fn}: options.init[${i}] must be finite (got ${o.init[i]})`);
    w = o.init.slice();
  } else w = model.init();
  const rounds = nonNegativeInteger(fn, 'options.rounds', o.rounds ?? 200);
  const m = Math.min(positiveInteger(fn, 'options.clientsPerRound', o.clientsPerRound ?? 10), clients.length);
  const E = positiveInteger(fn, 'options.epochs', o.epochs ?? 20);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 10);
  const lr = o.learningRate ?? 0.01;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', lr);
  const drop = o.dropPercent ?? 0;
  if (typeof drop !== 'number' || !(drop >= 0 && drop <= 1)) throw parameterError(fn, 'options.dropPercent', 'a number in [0, 1]', drop);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw parameterError(fn, 'options.shuffle', 'a boolean', shuffle);
  const seed = checkSeed(fn, o.seed ?? 0, 'options.seed');
  const evalEvery = positiveInteger(fn, 'options.evalEvery', o.evalEvery ?? 1);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);

  return { model, rule, w, dim, classes: data.classes, clients, rounds, m, E, batch, lr, drop, shuffle, seed, evalEvery, onProgress, signal };
}

/** What the server loop asks of one sampled client in a round. */
export interface ClientTask {
  /** The client's index. */
  k: number;
  /** Local epochs. */
  epochs: number;
  /** The round's global model (shared by the round's tasks: read only). */
  global: Float64Array;
  /** The client's state (stateful rules), or null. */
  state: Float64Array | null;
  /** Seed of the client's row orders this round. */
  seed: bigint;
}

/** One client's answer: its upload and, for stateful rules, its new state. */
export interface ClientOutcome {
  upload: Float64Array;
  state: Float64Array | null;
}

/** A validated federated run. */
export interface RunSettings {
  model: FedModel; rule: FedRule; w: Float64Array; dim: number; classes: number; clients: readonly FedClient[];
  rounds: number; m: number; E: number; batch: number; lr: number; drop: number; shuffle: boolean; seed: bigint;
  evalEvery: number; onProgress: ((info: FedRoundInfo) => boolean | void) | undefined; signal: AbortSignalLike | undefined;
}

/**
 * The server loop as a generator: it yields each round's client tasks and receives their outcomes (in
 * task order), so the same loop runs the clients in process (simulateFederated) or on an executor
 * (simulateFederatedAsync) with the same sampling, order of aggregation and hence the same bits.
 * Outcomes `null` mean the run was aborted during the round: the loop ends with the last global model.
 */
export function* federatedRounds(o: RunSettings): Generator<ClientTask[], SimulateFederatedResult, ClientOutcome[] | null> {
  const fn = 'simulateFederated';
  const { model, rule, clients, m } = o;
  let w: Float64Array = o.w;
  const states: Float64Array[] | null = rule.stateful ? clients.map(() => new Float64Array(model.size)) : null;
  const history: FedRoundInfo[] = [];
  const t0 = Date.now();
  let stopped: SimulateFederatedResult['stopped'] = 'maxIter';
  let done = 0;
  for (let t = 0; t < o.rounds; t++) {
    if (o.signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    const roundSeed = subSeed(o.seed, t);
    const R = new Rng(roundSeed);
    const selected = sampleWithoutReplacement(R, clients.length, m);
    const { epochs: epochsOf, full: isFull } = stragglerEpochs(R, m, o.E, o.drop);
    const tasks: ClientTask[] = [];
    for (let s = 0; s < m; s++) {
      const k = selected[s]!;
      if (isFull[s] === 0 && rule.stragglers === 'drop') continue;
      if (clients[k]!.y.length === 0) continue;
      tasks.push({ k, epochs: epochsOf[s]!, global: w, state: states ? states[k]! : null, seed: subSeed(roundSeed, k) });
    }
    const outcomes = tasks.length > 0 ? yield tasks : [];
    if (outcomes === null) {
      stopped = 'aborted';
      break;
    }
    const uploads = tasks.map((task, i) => {
      const r = outcomes[i]!;
      if (!(r.upload instanceof Float64Array) || r.upload.length !== model.size) throw parameterError(fn, 'options.rule', `a rule whose upload is a Float64Array of length ${model.size}`, r.upload);
      if (states && r.state) states[task.k] = r.state;
      return { k: task.k, v: r.upload };
    });
    if (uploads.length > 0) w = average(uploads, rule.weighting === 'samples' ? uploads.map((u) => clients[u.k]!.y.length) : uploads.map(() => 1));
    done = t + 1;
    if (done % o.evalEvery === 0 || done === o.rounds) {
      const info = evaluate(model, w, clients, o.dim, done, uploads.length, t0);
      history.push(info);
      if (o.onProgress && o.onProgress(info) === false) {
        stopped = 'callback';
        break;
      }
    }
  }
  return { params: w, model, iterations: done, stopped, history };
}

/**
 * One client's local work: its epochs of minibatch steps w ← w − η·d from the global model (d from the
 * rule, the step applied by nn's sgd) in row orders drawn from `seed`, then the rule's upload. `state`
 * is updated in place (stateful rules) and returned.
 */
export function localWork(
  fn: string, model: FedModel, rule: FedRule, global: Float64Array, state: Float64Array | null, c: { X: Float64Array; y: Int32Array },
  dim: number, classes: number, epochs: number, batch: number, lr: number, shuffle: boolean, seed: bigint,
): ClientOutcome {
  const n = c.y.length;
  const local = global.slice();
  const Rk = new Rng(seed);
  const optimizer = nn.sgd({ learningRate: lr });
  const ws = model.kernel === 'softmaxRegression' ? new SoftmaxRegressionWorkspace(fn, c.X, c.y, dim, classes, Math.min(batch, n)) : null;
  try {
    for (let e = 0; e < epochs; e++) {
      const order = shuffle ? shuffledOrder(Rk, n) : Int32Array.from({ length: n }, (_, i) => i);
      for (let start = 0; start < n; start += batch) {
        const rows = order.subarray(start, Math.min(n, start + batch));
        const gradAt = ws
          ? (p: Float64Array) => {
            const g = new Float64Array(p.length);
            ws.lossAndGrad(p, rows, g);
            return g;
          }
          : (p: Float64Array) => lossAndGrad(model, p, c.X, c.y, dim, rows).grad;
        const d = rule.direction(local, global, gradAt, state);
        if (!(d instanceof Float64Array) || d.length !== model.size) throw parameterError(fn, 'options.rule', `a rule whose direction is a Float64Array of length ${model.size}`, d);
        optimizer.step({ w: local }, { w: d });
      }
    }
  } finally {
    ws?.release();
  }
  const upload = rule.upload(local, global, state);
  if (!(upload instanceof Float64Array) || upload.length !== model.size) throw parameterError(fn, 'options.rule', `a rule whose upload is a Float64Array of length ${model.size}`, upload);
  return { upload, state };
}

/** Σ_k (a_k / Σa) v_k, accumulated in upload order starting from the first term (so one upload passes through bit for bit). */
export function average(uploads: readonly { v: Float64Array }[], weights: readonly number[]): Float64Array {
  let total = 0;
  for (const a of weights) total += a;
  const out = new Float64Array(uploads[0]!.v.length);
  uploads.forEach((u, j) => {
    const a = weights[j]! / total;
    if (j === 0) for (let i = 0; i < out.length; i++) out[i] = a * u.v[i]!;
    else for (let i = 0; i < out.length; i++) out[i] = out[i]! + a * u.v[i]!;
  });
  return out;
}

/** m distinct indices of 0…n−1, uniformly, by a partial Fisher–Yates shuffle. */
export function sampleWithoutReplacement(R: Rng, n: number, m: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  const u = R.uniform(m);
  for (let i = 0; i < m; i++) {
    const j = i + Math.min(n - 1 - i, Math.floor(u[i]! * (n - i)));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m);
}

/**
 * Local epochs of each of m sampled clients: round(m(1 − p)) of them (a seeded choice) run E and are
 * marked full; the rest are stragglers with U{1…E−1} epochs (1 when E = 1).
 */
export function stragglerEpochs(R: Rng, m: number, E: number, p: number): { epochs: Int32Array; full: Uint8Array } {
  const fullCount = Math.round(m * (1 - p));
  const order = shuffledOrder(R, m);
  const u = R.uniform(m);
  const epochs = new Int32Array(m);
  const full = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const s = order[i]!;
    full[s] = i < fullCount ? 1 : 0;
    epochs[s] = i < fullCount ? E : E === 1 ? 1 : 1 + Math.min(E - 2, Math.floor(u[i]! * (E - 1)));
  }
  return { epochs, full };
}

function evaluate(model: FedModel, w: Float64Array, clients: readonly FedClient[], dim: number, round: number, aggregated: number, t0: number): FedRoundInfo {
  let loss = 0, correct = 0, n = 0, testCorrect = 0, nTest = 0;
  for (const c of clients) {
    if (c.y.length > 0) {
      const r = evaluateRows(model, w, c.X, c.y, dim);
      loss += r.lossSum;
      correct += r.correct;
      n += c.y.length;
    }
    if (c.testY.length > 0) {
      testCorrect += evaluateRows(model, w, c.testX, c.testY, dim).correct;
      nTest += c.testY.length;
    }
  }
  return { round, trainLoss: loss / n, trainAccuracy: correct / n, testAccuracy: nTest > 0 ? testCorrect / nTest : NaN, aggregated, elapsedMs: Date.now() - t0 };
}

/** Checks a FedDataset: consistent row lengths, integer labels below `classes`, finite features. */
export function readDataset(fn: string, data: unknown): { dim: number; clients: FedClient[] } {
  if (data === null || typeof data !== 'object') throw parameterError(fn, 'data', 'a FedDataset { dim, classes, clients }', data);
  const { dim, classes, clients } = data as FedDataset;
  positiveInteger(fn, 'data.dim', dim);
  positiveInteger(fn, 'data.classes', classes);
  if (dim > 1e6) throw parameterError(fn, 'data.dim', 'at most 1e6 features', dim);
  if (classes > 1e5) throw parameterError(fn, 'data.classes', 'at most 1e5 classes', classes);
  if (!Array.isArray(clients) || clients.length === 0) throw parameterError(fn, 'data.clients', 'a non-empty array of clients', clients);
  let total = 0;
  clients.forEach((c, k) => {
    if (c === null || typeof c !== 'object') throw parameterError(fn, `data.clients[${k}]`, 'an object { X, y, testX, testY }', c);
    for (const [xs, ys, nx, ny] of [[c.X, c.y, 'X', 'y'], [c.testX, c.testY, 'testX', 'testY']] as const) {
      if (!(xs instanceof Float64Array)) throw parameterError(fn, `data.clients[${k}].${nx}`, 'a Float64Array', xs);
      if (!(ys instanceof Int32Array)) throw parameterError(fn, `data.clients[${k}].${ny}`, 'an Int32Array', ys);
      if (xs.length !== ys.length * dim) throw new ShapeError(`${fn}: data.clients[${k}].${nx} must hold ${ny}.length · dim = ${ys.length * dim} numbers (got ${xs.length})`);
      for (let i = 0; i < ys.length; i++) if (!(ys[i]! >= 0 && ys[i]! < classes)) throw new ParameterError(`${fn}: data.clients[${k}].${ny}[${i}] must be a label in 0…${classes - 1} (got ${describe(ys[i])})`);
      for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) throw new ParameterError(`${fn}: data.clients[${k}].${nx}[${i}] must be finite (got ${describe(xs[i])})`);
    }
    total += c.y.length;
  });
  if (total === 0) throw parameterError(fn, 'data.clients', 'at least one training row', 'none');
  return { dim, clients };
}
