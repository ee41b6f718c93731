/**
 * Reproducible experiments of the federated family (pure descriptions in, JSON-ready results out; the
 * CLI plots and writes them).
 */
import { ProxkitError, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions } from '../runtime/validate.js';
import { normL1 } from '../prox/index.js';
import { fedproxSynthetic, partitionClients, type FedDataset, type FedproxSyntheticData } from './data.js';
import { decentralizedTrain, topK, type DecentralizedOptions } from './decentralized.js';
import { fedAvg, fedProx, fedSpeed, type FedSpeedOptions } from './rules.js';
import { simulateFederated, type FedRoundInfo } from './simulate.js';

/** Options of {@link fedproxStragglerExperiment}. */
export interface FedproxStragglerOptions {
  /** Data/run seeds; each seed draws its own synthetic data set (default [0, 1, 2]). */
  seeds?: number[];
  /** FedProx μ values run on the first seed for the per-round curves (default [0, 0.001, 0.01, 0.1, 1]). */
  mus?: number[];
  /** μ of the FedProx side of the FedAvg comparison on every seed (default 1). */
  mu?: number;
  /** Rounds (default 200). */
  rounds?: number;
  /** Straggler fraction (default 0.9). */
  dropPercent?: number;
  /** α = β of synthetic(α, β) (default 1). */
  heterogeneity?: number;
  /** Called after every finished run with its label and the run count. */
  onRun?: (info: { label: string; done: number; total: number }) => void;
  /** Called after every round of every run (for a progress bar). */
  onRound?: (info: FedRoundInfo) => void;
}

/** One run's per-round metrics. */
export interface FedRunRecord {
  /** 'fedAvg', 'fedProx(mu 1)', … */
  rule: string;
  /** FedProx's μ (0 for FedAvg). */
  mu: number;
  /** The data and run seed. */
  seed: number;
  /** Training loss per round. */
  trainLoss: number[];
  /** Training accuracy per round. */
  trainAccuracy: number[];
  /** Test accuracy per round. */
  testAccuracy: number[];
}

/** Final-round means over the seeds of one rule. */
export interface FedFinalMetrics {
  /** Mean test accuracy at the last round. */
  testAccuracy: number;
  /** Mean training loss at the last round. */
  trainLoss: number;
}

/** The settings a {@link fedproxStragglerExperiment} used. */
export interface FedproxStragglerSettings {
  /** Rounds. */
  rounds: number;
  /** Devices sampled per round. */
  clientsPerRound: number;
  /** Local epochs E. */
  epochs: number;
  /** Minibatch size. */
  batchSize: number;
  /** Local step size η. */
  learningRate: number;
  /** Straggler fraction. */
  dropPercent: number;
  /** α of synthetic(α, β). */
  alpha: number;
  /** β of synthetic(α, β). */
  beta: number;
  /** The seeds. */
  seeds: number[];
  /** The μ values of the per-round curves (first seed). */
  mus: number[];
  /** FedProx's μ in the comparison. */
  mu: number;
}

/** Result of {@link fedproxStragglerExperiment}. */
export interface FedproxStragglerResult {
  /** The settings used. */
  settings: FedproxStragglerSettings;
  /** Every run. */
  runs: FedRunRecord[];
  /** Mean over seeds at the last round: FedAvg vs FedProx(μ). */
  summary: {
    /** FedAvg's means. */
    fedAvg: FedFinalMetrics;
    /** FedProx(μ)'s means. */
    fedProx: FedFinalMetrics;
  };
}

/**
 * FedProx's straggler study on synthetic(α, β) (Li et al., MLSys 2020, §5.2): 30 devices, 10 sampled
 * per round, E = 20 local epochs, batch 10, η = 0.01, softmax regression, `dropPercent` stragglers
 * (FedAvg drops them, FedProx keeps their partial work). Runs FedAvg and FedProx(μ) on every seed,
 * and FedProx for every μ of `mus` on the first seed (μ = 0 there is FedProx keeping stragglers without
 * the proximal term).
 *
 * Defaults: seeds [0, 1, 2], mus [0, 0.001, 0.01, 0.1, 1], mu 1, rounds 200, dropPercent 0.9, heterogeneity 1.
 */
export function fedproxStragglerExperiment(options?: FedproxStragglerOptions): FedproxStragglerResult {
  const fn = 'fedproxStragglerExperiment';
  const o = readOptions(fn, options, optionKeys<FedproxStragglerOptions>({ seeds: true, mus: true, mu: true, rounds: true, dropPercent: true, heterogeneity: true, onRun: true, onRound: true }));
  const seeds = o.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0) throw parameterError(fn, 'options.seeds', 'a non-empty array of seeds', seeds);
  seeds.forEach((s, i) => nonNegativeInteger(fn, `options.seeds[${i}]`, s));
  const mus = o.mus ?? [0, 0.001, 0.01, 0.1, 1];
  if (!Array.isArray(mus)) throw parameterError(fn, 'options.mus', 'an array of numbers ≥ 0', mus);
  mus.forEach((m, i) => {
    if (typeof m !== 'number' || !Number.isFinite(m) || m < 0) throw parameterError(fn, `options.mus[${i}]`, 'a finite number ≥ 0', m);
  });
  const mu = o.mu ?? 1;
  if (typeof mu !== 'number' || !Number.isFinite(mu) || mu < 0) throw parameterError(fn, 'options.mu', 'a finite number ≥ 0', mu);
  const rounds = positiveInteger(fn, 'options.rounds', o.rounds ?? 200);
  const drop = o.dropPercent ?? 0.9;
  if (typeof drop !== 'number' || !(drop >= 0 && drop <= 1)) throw parameterError(fn, 'options.dropPercent', 'a number in [0, 1]', drop);
  const h = o.heterogeneity ?? 1;
  if (typeof h !== 'number' || !Number.isFinite(h) || h < 0) throw parameterError(fn, 'options.heterogeneity', 'a finite number ≥ 0', h);
  const onRun = readCallback(fn, 'options.onRun', o.onRun);
  const onRound = readCallback(fn, 'options.onRound', o.onRound);
  const base = { rounds, clientsPerRound: 10, epochs: 20, batchSize: 10, learningRate: 0.01, dropPercent: drop };
  const jobs: { seed: number; mu: number | null }[] = [];
  for (const seed of seeds) jobs.push({ seed, mu: null }, { seed, mu });
  for (const m of mus) if (m !== mu) jobs.push({ seed: seeds[0]!, mu: m });
  const runs: FedRunRecord[] = [];
  const dataOf = new Map<number, FedproxSyntheticData>();
  for (const job of jobs) {
    let data = dataOf.get(job.seed);
    if (!data) {
      data = fedproxSynthetic({ alpha: h, beta: h, seed: job.seed });
      dataOf.clear();
      dataOf.set(job.seed, data);
    }
    const rule = job.mu === null ? fedAvg() : fedProx({ mu: job.mu });
    const r = simulateFederated(data, { ...base, rule, seed: job.seed, ...(onRound ? { onProgress: (i: FedRoundInfo) => void onRound(i) } : {}) });
    runs.push({
      rule: rule.name, mu: job.mu ?? 0, seed: job.seed,
      trainLoss: r.history.map((x) => x.trainLoss), trainAccuracy: r.history.map((x) => x.trainAccuracy), testAccuracy: r.history.map((x) => x.testAccuracy),
    });
    onRun?.({ label: `${rule.name}, seed ${job.seed}`, done: runs.length, total: jobs.length });
  }
  const last = (rs: FedRunRecord[], k: 'testAccuracy' | 'trainLoss') => rs.reduce((s, r) => s + r[k][r[k].length - 1]!, 0) / rs.length;
  const avgRuns = runs.filter((r) => r.rule === 'fedAvg');
  const proxRuns = runs.filter((r) => r.rule !== 'fedAvg' && r.mu === mu && seeds.includes(r.seed)).slice(0, seeds.length);
  return {
    settings: { ...base, alpha: h, beta: h, seeds, mus, mu },
    runs,
    summary: {
      fedAvg: { testAccuracy: last(avgRuns, 'testAccuracy'), trainLoss: last(avgRuns, 'trainLoss') },
      fedProx: { testAccuracy: last(proxRuns, 'testAccuracy'), trainLoss: last(proxRuns, 'trainLoss') },
    },
  };
}

/** Options of {@link decentralizedExperiment}. */
export interface DecentralizedExperimentOptions {
  /** Seeds (default [0, 1, 2]). */
  seeds?: number[];
  /** Steps per run (default 1500). */
  steps?: number;
  /** Minibatch size per node (default 16). */
  batchSize?: number;
  /** Step size η (default 0.05). */
  learningRate?: number;
  /** Top-k fraction of the compressed run (default 0.4). */
  topK?: number;
  /** ℓ1 weight λ of the sparse run (default 0.002). */
  l1?: number;
  /** Evaluate every this many steps (default 50). */
  evalEvery?: number;
  /** Called after every finished run. */
  onRun?: (info: { label: string; done: number; total: number }) => void;
}

/** One decentralized run's curves. */
export interface DecentralizedRunRecord {
  /** 'no tracking', 'tracking', 'tracking + topK(0.4) EF', 'tracking + ℓ1(λ)'. */
  variant: string;
  /** The run's seed (minibatch orders). */
  seed: number;
  /** Steps at which the metrics below were taken. */
  step: number[];
  /** Test accuracy of the node average. */
  testAccuracy: number[];
  /** Training loss of the node average. */
  trainLoss: number[];
  /** (1/n) Σ‖x_i − x̄‖². */
  consensusError: number[];
  /** Fraction of non-zero entries right after the prox step. */
  density: number[];
}

/** The settings a {@link decentralizedExperiment} used. */
export interface DecentralizedExperimentSettings {
  /** Number of nodes (ring). */
  nodes: number;
  /** Steps per run. */
  steps: number;
  /** Minibatch size per node. */
  batchSize: number;
  /** Step size η. */
  learningRate: number;
  /** Top-k fraction of the compressed run. */
  topK: number;
  /** ℓ1 weight of the sparse run. */
  l1: number;
  /** The seeds. */
  seeds: number[];
}

/** Final-step means over the seeds of one decentralized variant. */
export interface DecentralizedFinalMetrics {
  /** Mean test accuracy of the node average. */
  testAccuracy: number;
  /** Mean training loss of the node average. */
  trainLoss: number;
  /** Mean density after the prox step. */
  density: number;
}

/** Result of {@link decentralizedExperiment}. */
export interface DecentralizedExperimentResult {
  /** The settings used. */
  settings: DecentralizedExperimentSettings;
  /** Every run. */
  runs: DecentralizedRunRecord[];
  /** Per variant: mean over seeds of the final test accuracy, train loss and post-prox density. */
  summary: Record<string, DecentralizedFinalMetrics>;
}

/**
 * The decentralized comparison on a ring of `data.clients.length` nodes: plain decentralized SGD (no
 * tracking) vs gradient tracking (DProxSGT), tracking with top-k compression and error feedback
 * (CDProxSGT), and tracking with an ℓ1 prox (sparsity), each over `seeds`.
 *
 * Defaults: seeds [0, 1, 2], steps 1500, batchSize 16, learningRate 0.05, topK 0.4, l1 0.002, evalEvery 50.
 */
export function decentralizedExperiment(data: FedDataset, options?: DecentralizedExperimentOptions): DecentralizedExperimentResult {
  const fn = 'decentralizedExperiment';
  const o = readOptions(fn, options, optionKeys<DecentralizedExperimentOptions>({ seeds: true, steps: true, batchSize: true, learningRate: true, topK: true, l1: true, evalEvery: true, onRun: true }));
  const seeds = o.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0) throw parameterError(fn, 'options.seeds', 'a non-empty array of seeds', seeds);
  seeds.forEach((s, i) => nonNegativeInteger(fn, `options.seeds[${i}]`, s));
  const steps = positiveInteger(fn, 'options.steps', o.steps ?? 1500);
  const batchSize = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 16);
  const learningRate = o.learningRate ?? 0.05;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || !(learningRate > 0)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', learningRate);
  const k = o.topK ?? 0.4;
  const l1 = o.l1 ?? 0.002;
  if (typeof l1 !== 'number' || !Number.isFinite(l1) || l1 < 0) throw parameterError(fn, 'options.l1', 'a finite number ≥ 0', l1);
  const evalEvery = positiveInteger(fn, 'options.evalEvery', o.evalEvery ?? 50);
  const onRun = readCallback(fn, 'options.onRun', o.onRun);
  const variants: [string, DecentralizedOptions][] = [
    ['no tracking', { tracking: false }],
    ['tracking', { tracking: true }],
    [`tracking + topK(${k}) EF`, { tracking: true, compressor: topK(k) }],
    [`tracking + ℓ1(${l1})`, { tracking: true, prox: normL1(l1) }],
  ];
  const runs: DecentralizedRunRecord[] = [];
  const total = variants.length * seeds.length;
  for (const seed of seeds) {
    for (const [variant, extra] of variants) {
      const r = decentralizedTrain(data, { steps, batchSize, learningRate, seed, evalEvery, ...extra });
      runs.push({
        variant, seed, step: r.history.map((h) => h.step), testAccuracy: r.history.map((h) => h.testAccuracy), trainLoss: r.history.map((h) => h.trainLoss),
        consensusError: r.history.map((h) => h.consensusError), density: r.history.map((h) => h.density),
      });
      onRun?.({ label: `${variant}, seed ${seed}`, done: runs.length, total });
    }
  }
  const summary: DecentralizedExperimentResult['summary'] = {};
  for (const [variant] of variants) {
    const rs = runs.filter((r) => r.variant === variant);
    const mean = (key: 'testAccuracy' | 'trainLoss' | 'density') => rs.reduce((s, r) => s + r[key][r[key].length - 1]!, 0) / rs.length;
    summary[variant] = { testAccuracy: mean('testAccuracy'), trainLoss: mean('trainLoss'), density: mean('density') };
  }
  return { settings: { nodes: data.clients.length, steps, batchSize, learningRate, topK: k, l1, seeds }, runs, summary };
}

/** Options of {@link labelSkewExperiment}. */
export interface LabelSkewOptions {
  /** Seeds; each draws its own Dirichlet split (default [0, 1, 2]). */
  seeds?: number[];
  /** Clients (default 100). */
  clients?: number;
  /** Dirichlet concentration α of the label skew (default 0.6). */
  alpha?: number;
  /** Rounds (default 100). */
  rounds?: number;
  /** Clients sampled per round (default 10). */
  clientsPerRound?: number;
  /** Local epochs (default 5). */
  epochs?: number;
  /** Minibatch size (default 10). */
  batchSize?: number;
  /** Local step size η (default 0.1). */
  learningRate?: number;
  /** FedProx's μ (default 0.1). */
  mu?: number;
  /** FedSpeed's options (default { lambda: 10, rho: 0.05, alpha: 0.5 }). */
  fedSpeed?: FedSpeedOptions;
  /** Called after every finished run. */
  onRun?: (info: { label: string; done: number; total: number }) => void;
}

/** One label-skew run: test accuracy and training loss per round. */
export interface LabelSkewRunRecord {
  /** The rule's name. */
  rule: string;
  /** The split and run seed. */
  seed: number;
  /** Test accuracy per round. */
  testAccuracy: number[];
  /** Training loss per round. */
  trainLoss: number[];
}

/** Means over the seeds of one rule in {@link labelSkewExperiment}. */
export interface LabelSkewFinalMetrics {
  /** Test accuracy after 25 rounds. */
  accuracyAt25: number;
  /** Test accuracy after 50 rounds. */
  accuracyAt50: number;
  /** Test accuracy after the last round. */
  testAccuracy: number;
  /** Training loss after the last round. */
  trainLoss: number;
}

/** Result of {@link labelSkewExperiment}. */
export interface LabelSkewResult {
  /** Every run. */
  runs: LabelSkewRunRecord[];
  /** Per rule: mean over seeds of the test accuracy at rounds 25, 50 and the last, and of the final training loss. */
  summary: Record<string, LabelSkewFinalMetrics>;
}

/**
 * FedAvg vs FedProx vs FedSpeed on a data set (n rows of `dim` features, integer labels) split over
 * `clients` clients with Dirichlet-α label skew, a fraction of them sampled per round, softmax
 * regression; every rule sees the same split, clients and shuffles for a seed.
 *
 * Defaults: seeds [0, 1, 2], clients 100, alpha 0.6, rounds 100, clientsPerRound 10, epochs 5,
 * batchSize 10, learningRate 0.1, mu 0.1, fedSpeed { lambda: 10, rho: 0.05, alpha: 0.5 }.
 */
export function labelSkewExperiment(X: ArrayLike<number>, y: ArrayLike<number>, dim: number, options?: LabelSkewOptions): LabelSkewResult {
  const fn = 'labelSkewExperiment';
  const o = readOptions(fn, options, optionKeys<LabelSkewOptions>({
    seeds: true, clients: true, alpha: true, rounds: true, clientsPerRound: true, epochs: true, batchSize: true, learningRate: true, mu: true, fedSpeed: true, onRun: true,
  }));
  const seeds = o.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0) throw parameterError(fn, 'options.seeds', 'a non-empty array of seeds', seeds);
  seeds.forEach((s, i) => nonNegativeInteger(fn, `options.seeds[${i}]`, s));
  const onRun = readCallback(fn, 'options.onRun', o.onRun);
  const clients = positiveInteger(fn, 'options.clients', o.clients ?? 100);
  const perRound = positiveInteger(fn, 'options.clientsPerRound', o.clientsPerRound ?? 10);
  const epochs = positiveInteger(fn, 'options.epochs', o.epochs ?? 5);
  const batchSize = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 10);
  const rounds = positiveInteger(fn, 'options.rounds', o.rounds ?? 100);
  const positiveReal = (name: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw parameterError(fn, `options.${name}`, 'a finite number > 0', v);
    return v;
  };
  const alpha = positiveReal('alpha', o.alpha ?? 0.6);
  const learningRate = positiveReal('learningRate', o.learningRate ?? 0.1);
  const mu = o.mu ?? 0.1;
  if (typeof mu !== 'number' || !Number.isFinite(mu) || mu < 0) throw parameterError(fn, 'options.mu', 'a finite number ≥ 0', mu);
  let speed: ReturnType<typeof fedSpeed>;
  try {
    speed = fedSpeed(o.fedSpeed ?? { lambda: 10, rho: 0.05, alpha: 0.5 });
  } catch (e) {
    throw parameterError(fn, 'options.fedSpeed', `FedSpeed options (${(e as Error).message})`, o.fedSpeed);
  }
  const rules = [fedAvg(), fedProx({ mu }), speed];
  const runs: LabelSkewRunRecord[] = [];
  for (const seed of seeds) {
    let data: FedDataset;
    try {
      data = partitionClients(X, y, dim, { clients, split: 'dirichlet', alpha, trainFraction: 0.8, seed });
    } catch (e) {
      // the data's own errors (X, y, dim), reported under this function's name
      if (!(e instanceof ProxkitError)) throw e;
      const Kind = e.constructor as new (message: string) => ProxkitError;
      throw new Kind(`${fn}: ${e.message.replace(/^partitionClients: /, '')}`);
    }
    for (const rule of rules) {
      const r = simulateFederated(data, { rule, rounds, clientsPerRound: perRound, epochs, batchSize, learningRate, seed });
      runs.push({ rule: rule.name, seed, testAccuracy: r.history.map((h) => h.testAccuracy), trainLoss: r.history.map((h) => h.trainLoss) });
      onRun?.({ label: `${rule.name}, seed ${seed}`, done: runs.length, total: rules.length * seeds.length });
    }
  }
  const summary: LabelSkewResult['summary'] = {};
  for (const rule of rules) {
    const rs = runs.filter((r) => r.rule === rule.name);
    const at = (i: number) => rs.reduce((s, r) => s + r.testAccuracy[Math.min(i, r.testAccuracy.length) - 1]!, 0) / rs.length;
    summary[rule.name] = { accuracyAt25: at(25), accuracyAt50: at(50), testAccuracy: at(rounds), trainLoss: rs.reduce((s, r) => s + r.trainLoss[r.trainLoss.length - 1]!, 0) / rs.length };
  }
  return { runs, summary };
}
