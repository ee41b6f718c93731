/**
 * Reproducible experiments of the federated family (pure descriptions in, JSON-ready results out; the
 * CLI plots and writes them).
 */
import { parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions } from '../runtime/validate.js';
import { fedproxSynthetic } from './data.js';
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
  seed: number;
  /** Per round: train loss, train accuracy, test accuracy. */
  trainLoss: number[];
  trainAccuracy: number[];
  testAccuracy: number[];
}

/** Result of {@link fedproxStragglerExperiment}. */
export interface FedproxStragglerResult {
  /** The settings used. */
  settings: { rounds: number; clientsPerRound: number; epochs: number; batchSize: number; learningRate: number; dropPercent: number; alpha: number; beta: number; seeds: number[]; mus: number[]; mu: number };
  /** Every run. */
  runs: FedRunRecord[];
  /** Mean over seeds at the last round: FedAvg vs FedProx(μ). */
  summary: { fedAvg: { testAccuracy: number; trainLoss: number }; fedProx: { testAccuracy: number; trainLoss: number } };
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
  const dataOf = new Map<number, ReturnType<typeof fedproxSynthetic>>();
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
