/**
 * Reproducible experiments of the federated family (pure descriptions in, JSON-ready results out; the
 * CLI plots and writes them).
 */
import { parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions } from '../runtime/validate.js';
import { normL1 } from '../prox/index.js';
import { fedproxSynthetic, type FedDataset, type FedproxSyntheticData } from './data.js';
import { decentralizedTrain, topK, type DecentralizedOptions } from './decentralized.js';
import { fedAvg, fedProx } from './rules.js';
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
