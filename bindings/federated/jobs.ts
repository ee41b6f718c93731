/**
 * The federated simulator's client work as a serialisable job ('federated.clientUpdate': JSON-safe
 * arguments in, JSON-safe result out), and the server loop driven by any JobExecutor
 * (simulateFederatedAsync). The family does not know where the job runs.
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { checkSeed } from '../rng.js';
import type { Job, JobExecutor, JobSignal } from '../scale/types.js';
import type { FedDataset } from './data.js';
import { modelFromSpec, type FedModelSpec } from './model.js';
import { ruleFromSpec, type FedRuleSpec } from './rules.js';
import { federatedRounds, localWork, readRun, type ClientOutcome, type SimulateFederatedOptions, type SimulateFederatedResult } from './simulate.js';

/** Arguments of the 'federated.clientUpdate' job: one client's local work in one round, as plain data. */
export interface ClientUpdateArgs {
  /** The rule (FedRule.spec). */
  rule: FedRuleSpec;
  /** The model (FedModel.spec). */
  model: FedModelSpec;
  /** The round's global parameters. */
  global: number[];
  /** The client's state (stateful rules such as fedSpeed), or null. */
  state: number[] | null;
  /** The client's training rows, row-major with `dim` columns. */
  X: number[];
  /** The client's training labels. */
  y: number[];
  /** Features per row. */
  dim: number;
  /** Number of classes. */
  classes: number;
  /** Local epochs. */
  epochs: number;
  /** Minibatch size. */
  batchSize: number;
  /** Local step size. */
  learningRate: number;
  /** Shuffle the rows every epoch. */
  shuffle: boolean;
}

/** Result of the 'federated.clientUpdate' job. */
export interface ClientUpdateResult {
  /** What the client sends to the server. */
  upload: number[];
  /** The client's new state, or null. */
  state: number[] | null;
}

/**
 * One client's local work from a plain-data description (the 'federated.clientUpdate' job): the
 * rule's local steps from `global` on the client's rows in row orders drawn from `seed`, then its
 * upload. The same arithmetic as inside simulateFederated, so a run whose clients go through this
 * function (in a worker thread, in another process) gives the same bits.
 */
export function clientUpdate(args: ClientUpdateArgs, seed: string): ClientUpdateResult {
  const fn = 'clientUpdate';
  if (args === null || typeof args !== 'object') throw parameterError(fn, 'args', 'a ClientUpdateArgs object', args);
  if (typeof seed !== 'string' || !/^\d+$/.test(seed)) throw parameterError(fn, 'seed', 'a decimal string', seed);
  const model = modelFromSpec(args.model);
  const rule = ruleFromSpec(args.rule);
  const f64 = (name: string, v: unknown, length?: number): Float64Array => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) throw parameterError(fn, `args.${name}`, length === undefined ? 'an array of numbers' : `an array of ${length} numbers`, v);
    return Float64Array.from(v as number[]);
  };
  const global = f64('global', args.global, model.size);
  const state = rule.stateful ? (args.state === null ? new Float64Array(model.size) : f64('state', args.state, model.size)) : null;
  const X = f64('X', args.X);
  if (!Array.isArray(args.y) || X.length !== args.y.length * args.dim) throw new ParameterError(`${fn}: args.y must hold X.length / dim labels (got ${Array.isArray(args.y) ? args.y.length : typeof args.y})`);
  const y = Int32Array.from(args.y);
  const out = localWork(fn, model, rule, global, state, { X, y }, args.dim, args.classes, args.epochs, args.batchSize, args.learningRate, args.shuffle, checkSeed(fn, BigInt(seed), 'seed'));
  return { upload: Array.from(out.upload), state: out.state ? Array.from(out.state) : null };
}

/** Options of {@link simulateFederatedAsync}: those of simulateFederated and the executor. */
export interface SimulateFederatedAsyncOptions extends SimulateFederatedOptions {
  /** Runs each round's client jobs, e.g. `scale.workerPool({ workers: 4 })` (required). */
  executor?: JobExecutor;
}

/**
 * simulateFederated with each round's clients sent as 'federated.clientUpdate' jobs to `executor` (a
 * worker-thread pool, say). Sampling, stragglers, seeds and the order of aggregation are those of
 * simulateFederated, so the result is the same bit for bit. The rule and the model must be built-in
 * (they travel as data: FedRule.spec, FedModel.spec). Aborting `signal` cancels the round's pending
 * jobs and ends the run with stopped 'aborted' and the last global model.
 */
export async function simulateFederatedAsync(data: FedDataset, options?: SimulateFederatedAsyncOptions): Promise<SimulateFederatedResult> {
  const fn = 'simulateFederatedAsync';
  const o = readOptions(fn, options, optionKeys<SimulateFederatedAsyncOptions>({
    rule: true, model: true, init: true, rounds: true, clientsPerRound: true, epochs: true, batchSize: true, learningRate: true,
    dropPercent: true, shuffle: true, seed: true, evalEvery: true, onProgress: true, signal: true, executor: true,
  }));
  const executor = o.executor;
  if (executor === null || typeof executor !== 'object' || typeof executor.run !== 'function') throw parameterError(fn, 'options.executor', 'a JobExecutor (scale.workerPool(), scale.inProcessExecutor())', executor);
  const { executor: _, ...rest } = o;
  const run = readRun(fn, data, rest);
  const ruleSpec = run.rule.spec, modelSpec = run.model.spec;
  if (!ruleSpec) throw parameterError(fn, 'options.rule', 'a rule made by fedAvg(), fedProx() or fedSpeed() (a custom rule cannot travel to an executor)', run.rule.name);
  let sameModel = false;
  try {
    sameModel = modelSpec !== undefined && modelFromSpec(modelSpec).name === run.model.name;
  } catch {
    sameModel = false;
  }
  if (!sameModel) throw parameterError(fn, 'options.model', 'a model made by softmaxRegression() or mlpClassifier() (a custom model cannot travel to an executor)', run.model.name);
  const rows = new Map<number, { X: number[]; y: number[] }>();
  const rowsOf = (k: number) => {
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { X: Array.from(run.clients[k]!.X), y: Array.from(run.clients[k]!.y) }));
    return r;
  };
  // a signal that can be listened to also cancels the round's jobs; any signal ends the run between rounds
  const jobSignal = run.signal && typeof (run.signal as Partial<JobSignal>).addEventListener === 'function' ? (run.signal as JobSignal) : undefined;
  const loop = federatedRounds(run);
  let step = loop.next();
  while (!step.done) {
    const tasks = step.value;
    const jobs: Job[] = tasks.map((t) => ({
      command: 'federated.clientUpdate',
      seed: t.seed.toString(),
      args: {
        rule: ruleSpec, model: modelSpec!, global: Array.from(t.global), state: t.state ? Array.from(t.state) : null, ...rowsOf(t.k),
        dim: run.dim, classes: run.classes, epochs: t.epochs, batchSize: run.batch, learningRate: run.lr, shuffle: run.shuffle,
      } satisfies ClientUpdateArgs,
    }));
    let outcomes: ClientOutcome[] | null;
    try {
      const results = await executor.run(jobs, jobSignal ? { signal: jobSignal } : {});
      if (!Array.isArray(results) || results.length !== jobs.length) throw parameterError(fn, 'options.executor', `an executor whose run resolves to ${jobs.length} results`, results);
      outcomes = results.map((r) => {
        const u = r as ClientUpdateResult;
        return { upload: Float64Array.from(u.upload), state: u.state ? Float64Array.from(u.state) : null };
      });
    } catch (e) {
      if (!run.signal?.aborted) throw e;
      outcomes = null;
    }
    step = loop.next(outcomes);
  }
  return step.value;
}
