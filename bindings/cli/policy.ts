/**
 * `proxkit policy <experiment>`: the policy family's longer runs with a progress bar, written as JSON
 * and an SVG figure. `nash`: tabular Nash-MP vs Nash-MD vs online mirror descent on random preference
 * matrices (iterations to a fixed-point residual of 1e-10 as n and β vary, and at the best step of a
 * grid); `bandit`: LOOP vs REINFORCE-LOO (k = 2, 4, 8) vs PPO with a value network on a contextual
 * bandit with known optimal rewards; `sampled`: sampled Nash-MP vs sampled OMD for a softmax policy
 * against an intransitive judge; `lm`: LOOP vs REINFORCE-LOO fine-tuning of a character transformer
 * towards a black-box reward, with the KL to the starting model.
 */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import {
  banditTrain, contextualBandit, init, loopTrainLm, nashMirrorDescent, nashMirrorProx, nashOnlineMirrorDescent, nashPolicyTrain, nn,
  preferenceTask, randomPreferenceMatrix, type NashResult,
} from '../index.js';
import corpus from '../../data/text/genesis-kjv.txt';
import { lineFigure, type Series } from '../plot/svg.js';

/** The experiments `proxkit policy` runs. */
export const POLICY_EXPERIMENTS = ['nash', 'bandit', 'sampled', 'lm'] as const;
export type PolicyExperiment = (typeof POLICY_EXPERIMENTS)[number];

export interface PolicyCliOptions {
  experiment: PolicyExperiment;
  /** A small configuration that runs in seconds. */
  quick: boolean;
  /** Where to write the JSON and the SVG. */
  json: string;
  svg: string;
  /** Show a progress bar (on stderr). */
  progress: boolean;
  log(line: string): void;
}

/** What an experiment reports while it runs: the number of units of work, then one tick per unit done. */
interface Progress {
  start(total: number): void;
  tick(label: string): void;
}

interface Outcome {
  json: unknown;
  svg: string;
  lines: string[];
}

/** At most `m` points of a curve, evenly spaced in the index (keeps the JSON and SVG small); the last point is kept. */
function thin(y: ArrayLike<number>, m = 150): { x: number[]; y: number[] } {
  const step = Math.max(1, Math.ceil(y.length / m));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < y.length; i += step) { xs.push(i); ys.push(y[i]!); }
  if (xs.at(-1) !== y.length - 1) { xs.push(y.length - 1); ys.push(y[y.length - 1]!); }
  return { x: xs, y: ys };
}

const meanCurve = (rows: number[][]): number[] => rows[0]!.map((_, i) => rows.reduce((s, r) => s + r[i]!, 0) / rows.length);
const commandLine = (name: string, quick: boolean): string => `proxkit policy ${name}${quick ? ' --quick' : ''}`;

// ---------------------------------------------------------------------------------------------- nash

function nashExperiment(quick: boolean, p: Progress): Outcome {
  const betas = [0.01, 0.1];
  const sizes = quick ? [10, 100] : [10, 100, 1000];
  const seeds = quick ? [1] : [1, 2, 3];
  const tol = 1e-10;
  const cap = quick ? 3000 : 20000;
  const methods = { 'Nash-MP': nashMirrorProx, 'Nash-MD': nashMirrorDescent, OMD: nashOnlineMirrorDescent } as const;
  type Name = keyof typeof methods;
  const names = Object.keys(methods) as Name[];
  // the step grid of part 2; Nash-MD's mixture needs ηβ ≤ 1, so its larger steps are skipped
  const grid = [0.03, 0.1, 0.3, 1, 2, 4, 8, 16, 32];
  const gridRuns = betas.reduce((s, beta) => s + 2 * grid.length + grid.filter((eta) => eta * beta <= 1).length, 0) * sizes.length;
  p.start(betas.length * sizes.length * seeds.length * names.length + gridRuns);
  const summary = (r: NashResult) => ({
    iterations: r.converged ? r.iterations : null, queries: r.converged ? r.queries : null,
    finalResidual: r.residual, bestResidual: Math.min(...r.history.residual), gap: r.gap,
  });
  const lines: string[] = [];
  // 1. Every method at its default step (Nash-MP: η = 2 = 1/L; the others β/(β² + 1/4)), every n and seed.
  const defaults: Record<string, unknown>[] = [];
  const curves: Record<string, Float64Array> = {};
  lines.push(`iterations to a fixed-point residual of ${tol} at the default steps (budget ${cap}; "-" = not reached), seeds ${seeds.join(', ')}:`);
  for (const beta of betas) {
    for (const n of sizes) {
      const counts: Record<string, string[]> = {};
      for (const seed of seeds) {
        const P = randomPreferenceMatrix(n, { seed });
        for (const name of names) {
          const t0 = performance.now();
          const r = methods[name](P, { beta, tol, maxIter: cap });
          const ms = performance.now() - t0;
          defaults.push({ beta, n, seed, method: name, step: 'default', ...summary(r), ms });
          if (seed === seeds[0]) curves[`${name}/${beta}/${n}`] = r.history.residual;
          (counts[name] ??= []).push(r.converged ? String(r.iterations) : '-');
          p.tick(`default steps, β = ${beta}, n = ${n}, seed ${seed}, ${name}`);
        }
      }
      lines.push(`  β = ${beta}, n = ${String(n).padEnd(4)}  ${names.map((m) => `${m} ${counts[m]!.join('/')}`).join('   ')}`);
    }
  }
  // 2. Every method at its best step from the grid (first seed; n = 1000 with a shorter budget).
  const tuned: Record<string, unknown>[] = [];
  lines.push(`best step from {${grid.join(', ')}} (seed ${seeds[0]}): η, iterations (or the best residual when none reached ${tol})`);
  for (const beta of betas) {
    for (const n of sizes) {
      const P = randomPreferenceMatrix(n, { seed: seeds[0] });
      const budget = n >= 1000 ? Math.min(cap, 5000) : cap;
      const cells: string[] = [];
      for (const name of names) {
        let best: (ReturnType<typeof summary> & { eta: number }) | null = null;
        const all: Record<string, unknown>[] = [];
        for (const eta of grid) {
          if (name === 'Nash-MD' && eta * beta > 1) continue;
          const r = methods[name](P, { beta, eta, tol, maxIter: budget });
          const s = { eta, ...summary(r) };
          all.push(s);
          const better = best === null
            || (s.iterations !== null && (best.iterations === null || s.iterations < best.iterations))
            || (s.iterations === null && best.iterations === null && s.bestResidual < best.bestResidual);
          if (better) best = s;
          p.tick(`step grid, β = ${beta}, n = ${n}, ${name}, η = ${eta}`);
        }
        tuned.push({ beta, n, method: name, budget, best, grid: all });
        cells.push(`${name} η = ${best!.eta}: ${best!.iterations ?? `residual ${best!.bestResidual.toExponential(1)}`}`);
      }
      lines.push(`  β = ${beta}, n = ${String(n).padEnd(4)}  ${cells.join('   ')}`);
    }
  }
  const thinned = Object.fromEntries(Object.entries(curves).map(([k, v]) => [k, thin(v)]));
  const byN = (beta: number): Series[] => sizes.map((n) => ({ name: `Nash-MP, n = ${n}`, size: 2, ...thinned[`Nash-MP/${beta}/${n}`]! }));
  const byMethod = (beta: number, n: number): Series[] => names.map((m) => ({ name: m, size: 2, ...thinned[`${m}/${beta}/${n}`]! }));
  const nMax = sizes.at(-1)!;
  const svg = lineFigure({
    title: 'Tabular Nash learning on random preference matrices: fixed-point residual ‖π − softmax(log μ + Pπ/β)‖₁ per iteration',
    columns: 2,
    width: 960,
    panels: [
      { title: `β = 0.1, n = ${nMax}, default steps`, x: { label: 'iteration' }, y: { label: 'residual', scale: 'log' }, series: byMethod(0.1, nMax), rules: [{ y: tol, label: 'tol 1e-10' }] },
      { title: `β = 0.01, n = ${nMax}, default steps`, x: { label: 'iteration' }, y: { label: 'residual', scale: 'log' }, series: byMethod(0.01, nMax), rules: [{ y: tol, label: 'tol 1e-10' }] },
      { title: 'Nash-MP (η = 2), β = 0.1', x: { label: 'iteration' }, y: { label: 'residual', scale: 'log' }, series: byN(0.1) },
      { title: 'Nash-MP (η = 2), β = 0.01', x: { label: 'iteration' }, y: { label: 'residual', scale: 'log' }, series: byN(0.01) },
    ],
    caption: `P[i][j] uniform on [0, 1] above the diagonal (seed ${seeds[0]}), uniform reference μ, start at μ. Default steps: Nash-MP η = 2 (= 1/L); Nash-MD and OMD η = β/(β² + 1/4). Budget ${cap} iterations.`,
  });
  return { json: { command: commandLine('nash', quick), tol, cap, betas, sizes, seeds, defaults, tuned, curves: thinned }, svg, lines };
}

// -------------------------------------------------------------------------------------------- bandit

function banditExperiment(quick: boolean, p: Progress): Outcome {
  const seeds = quick ? [1] : [1, 2, 3, 4, 5];
  const samples = quick ? 2000 : 20000;
  const batchSize = 64;
  const env = contextualBandit({ dim: 5, arms: 10, seed: 0 });
  const configs = [
    ...[2, 4, 8].map((k) => ({ label: `REINFORCE-LOO k=${k}`, method: 'reinforce' as const, k })),
    ...[2, 4, 8].map((k) => ({ label: `LOOP k=${k}`, method: 'loop' as const, k })),
    { label: 'PPO + value net (k=1)', method: 'ppo' as const, k: 1 },
  ];
  const checkpoints = quick ? [640, 1280, 1920] : [1280, 2560, 5120, 10240, 19968];
  p.start(configs.length * seeds.length);
  const runs: Record<string, unknown>[] = [];
  const curves: Record<string, number[][]> = {};
  let xs: number[] = [];
  for (const c of configs) {
    for (const seed of seeds) {
      const r = banditTrain(env, { method: c.method, k: c.k, samples, batchSize, epochs: 4, epsilon: 0.2, learningRate: 0.05, seed });
      const at = (n: number) => r.history.regret[r.history.samples.indexOf(n)] ?? null;
      const reach = (thr: number) => r.history.samples[r.history.regret.findIndex((q) => q <= thr)] ?? null;
      runs.push({
        config: c.label, method: c.method, k: c.k, seed, finalRegret: r.history.regret.at(-1), regretAt: Object.fromEntries(checkpoints.map((n) => [n, at(n)])),
        samplesTo005: reach(0.05), samplesTo01: reach(0.1), elapsedMs: r.elapsedMs, valueParameters: r.valueParameters, updates: r.iterations,
      });
      (curves[c.label] ??= []).push(r.history.regret);
      xs = r.history.samples;
      p.tick(`${c.label}, seed ${seed}`);
    }
  }
  const table = configs.map((c) => {
    const rs = runs.filter((r) => r.config === c.label) as { regretAt: Record<number, number>; samplesTo005: number | null; samplesTo01: number | null; elapsedMs: number; valueParameters: number }[];
    const m = (f: (r: (typeof rs)[number]) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
    const sd = (f: (r: (typeof rs)[number]) => number) => Math.sqrt(rs.reduce((s, r) => s + (f(r) - m(f)) ** 2, 0) / Math.max(1, rs.length - 1));
    return {
      config: c.label,
      regretMean: Object.fromEntries(checkpoints.map((n) => [n, m((r) => r.regretAt[n]!)])),
      regretSd: Object.fromEntries(checkpoints.map((n) => [n, sd((r) => r.regretAt[n]!)])),
      samplesTo01: rs.map((r) => r.samplesTo01), samplesTo005: rs.map((r) => r.samplesTo005),
      msPerRun: m((r) => r.elapsedMs), valueParameters: rs[0]!.valueParameters,
    };
  });
  const pick = (labels: string[]): Series[] => labels.map((l) => {
    const t = thin(meanCurve(curves[l]!), 100);
    return { name: l, size: 2, x: t.x.map((i) => xs[i]!), y: t.y };
  });
  const svg = lineFigure({
    title: `Contextual bandit (d = 5, K = 10, Bernoulli rewards): held-out regret over reward samples, mean of ${seeds.length} seed(s)`,
    columns: 3,
    width: 1080,
    panels: [
      { title: 'k = 4: LOOP vs REINFORCE-LOO vs PPO', x: { label: 'reward samples' }, y: { label: 'regret', scale: 'log' }, series: pick(['REINFORCE-LOO k=4', 'LOOP k=4', 'PPO + value net (k=1)']) },
      { title: 'LOOP, k = 2, 4, 8', x: { label: 'reward samples' }, y: { label: 'regret', scale: 'log' }, series: pick(['LOOP k=2', 'LOOP k=4', 'LOOP k=8']) },
      { title: 'REINFORCE-LOO, k = 2, 4, 8', x: { label: 'reward samples' }, y: { label: 'regret', scale: 'log' }, series: pick(['REINFORCE-LOO k=2', 'REINFORCE-LOO k=4', 'REINFORCE-LOO k=8']) },
    ],
    caption: `Linear softmax policy from uniform; ${batchSize} samples per update (64/k prompts × k); Adam η = 0.05; LOOP and PPO take 4 clipped steps per batch (ε = 0.2), REINFORCE one step; PPO's value network is an MLP 6 → 32 → 1 fitted by 4 Adam steps per batch. Regret = optimal − expected mean reward on 1000 held-out contexts.`,
  });
  const lines = [`mean held-out regret after ${checkpoints.join(' / ')} reward samples (seeds ${seeds.join(', ')}), wall time per run:`];
  for (const t of table) lines.push(`  ${t.config.padEnd(22)} ${checkpoints.map((n) => t.regretMean[n]!.toFixed(4)).join(' / ')}   ${(t.msPerRun / 1000).toFixed(2)} s`);
  return { json: { command: commandLine('bandit', quick), samples, batchSize, seeds, optimalReward: env.optimalReward, table, runs }, svg, lines };
}

// ------------------------------------------------------------------------------------------------ lm

function lmExperiment(quick: boolean, p: Progress): Outcome {
  const baseSteps = quick ? 30 : 300;
  const steps = quick ? 5 : 60;
  const variants = [['LOOP (k = 4, 2 clipped steps per batch)', 2], ['REINFORCE-LOO (k = 4, 1 step per batch)', 1]] as const;
  p.start(variants.length * (baseSteps + steps));
  const tok = nn.charTokenizer(corpus);
  const ids = tok.encode(corpus);
  const cut = Math.floor(ids.length * 0.9);
  const cfg = { contextLength: 32, dModel: 32, heads: 4, layers: 2, ffn: 'swiglu' as const };
  // prompts: 8-character windows of the held-out 10 % of Genesis
  const prompts = Array.from({ length: 64 }, (_, i) => ids.subarray(cut + i * 131, cut + i * 131 + 8));
  const vowels = new Set('aeiouAEIOU');
  /** The black-box reward: the share of vowels among the letters of the continuation (0 without letters). */
  const reward = (c: Int32Array): number => {
    const letters = [...tok.decode(c)].filter((ch) => /[A-Za-z]/.test(ch));
    return letters.length === 0 ? 0 : letters.filter((ch) => vowels.has(ch)).length / letters.length;
  };
  const runs: Record<string, { reward: number[]; kl: number[]; sample: string; ms: number; heldOutPerplexity: number }> = {};
  const heldOut = ids.subarray(cut, cut + 2049);
  let startPerplexity = 0;
  const lines: string[] = [];
  for (const [label, epochs] of variants) {
    const t0 = performance.now();
    // both variants start from the same pre-trained model (same seed, same batches)
    const model = nn.initTransformer(tok.size, { ...cfg, seed: 1 });
    nn.trainLm(model, ids.subarray(0, cut), {
      steps: baseSteps, batchSize: 8, seed: 1, optimizer: nn.adam({ learningRate: 3e-3 }),
      onProgress: (i) => p.tick(`${label}: pre-training step ${i.step}`),
    });
    startPerplexity = nn.lmPerplexity(model, heldOut).perplexity;
    const r = loopTrainLm(model, prompts, reward, {
      steps, k: 4, promptsPerStep: 4, length: 16, epochs, epsilon: 0.2, seed: 1, optimizer: nn.adam({ learningRate: 1e-3 }),
      onProgress: (i) => p.tick(`${label}: step ${i.step}, reward ${i.reward.toFixed(3)}, KL ${i.kl.toFixed(3)}`),
    });
    const sample = tok.decode(nn.sampleLm(model, prompts[0]!, { length: 48, seed: 2 }));
    runs[label] = { ...r.history, sample, ms: performance.now() - t0, heldOutPerplexity: nn.lmPerplexity(model, heldOut).perplexity };
    lines.push(`  ${label}: reward ${r.history.reward[0]!.toFixed(3)} → ${r.history.reward.at(-1)!.toFixed(3)}, KL to the start → ${r.history.kl.at(-1)!.toFixed(3)} nats per token, held-out perplexity ${startPerplexity.toFixed(2)} → ${runs[label]!.heldOutPerplexity.toFixed(2)}`);
    lines.push(`    sample: "${tok.decode(prompts[0]!)}|${sample}"`);
  }
  lines.unshift(`LOOP fine-tuning of a character transformer (${baseSteps} pre-training steps, ${steps} fine-tuning steps), reward = share of vowels:`);
  const series = (key: 'reward' | 'kl'): Series[] => Object.entries(runs).map(([name, r]) => ({ name, size: 2, x: r[key].map((_, i) => i + 1), y: r[key] }));
  const svg = lineFigure({
    title: 'LOOP fine-tuning of a character transformer towards a black-box reward (share of vowels in 16 generated characters)',
    columns: 2,
    width: 960,
    panels: [
      { title: 'mean reward of the step\'s samples', x: { label: 'step' }, y: { label: 'reward' }, series: series('reward') },
      { title: 'KL to the starting model', x: { label: 'step' }, y: { label: 'mean per-token KL (nats)' }, series: series('kl') },
    ],
    caption: `Model: 2 blocks, d = 32, 4 heads, SwiGLU, context 32, pre-trained for ${baseSteps} Adam steps on 90 % of Genesis (held-out perplexity ${startPerplexity.toFixed(2)}). Each step: 4 prompts (8 held-out characters) × k = 4 samples of 16 characters at temperature 1; Adam η = 1e-3, ε = 0.2; no KL penalty.`,
  });
  return { json: { command: commandLine('lm', quick), baseSteps, steps, startPerplexity, runs }, svg, lines };
}

// ------------------------------------------------------------------------------------------- sampled

function sampledExperiment(quick: boolean, p: Progress): Outcome {
  const seeds = quick ? [1] : [1, 2, 3];
  const iterations = quick ? 5 : 40;
  const methods = ['mp', 'omd'] as const;
  // OMD takes one proximal step per iteration: twice the iterations for the same judge queries
  const iterationsOf = (method: (typeof methods)[number]) => (method === 'mp' ? iterations : 2 * iterations);
  p.start(seeds.length * (iterationsOf('mp') + iterationsOf('omd')));
  const task = preferenceTask({ seed: 0 });
  const K = task.responses;
  const m = task.evalPrompts.length / task.dim;
  const beta = 0.1;
  // the per-prompt tabular equilibrium: what a policy free to choose π(·|x) for every prompt would reach
  let tabWin = 0;
  for (let i = 0; i < m; i++) {
    const P = task.evalPreferences.subarray(i * K * K, (i + 1) * K * K);
    const r = nashMirrorProx({ data: P, rows: K, cols: K }, { beta });
    for (let y = 0; y < K; y++) for (let z = 0; z < K; z++) tabWin += (r.pi[y]! * P[y * K + z]!) / K;
  }
  tabWin /= m;
  const names = { mp: 'Nash-MP (sampled)', omd: 'OMD (sampled)' } as const;
  const runs: Record<string, unknown>[] = [];
  const curves: Record<string, { q: number[]; w: number[][]; e: number[][] }> = {};
  const lines = [`sampled Nash learning, ${K} responses, β = ${beta}, η = 2, per-prompt tabular equilibrium wins ${tabWin.toFixed(3)} against the reference:`];
  for (const method of methods) {
    for (const seed of seeds) {
      const r = nashPolicyTrain(task, {
        method, beta, eta: 2, iterations: iterationsOf(method), innerSteps: 20, batchSize: 64, seed,
        onProgress: (i) => p.tick(`${names[method]}, seed ${seed}, iteration ${i.iteration}`),
      });
      runs.push({ method, seed, winRate: r.history.winRate, exploitability: r.history.exploitability, queries: r.history.queries, ms: r.elapsedMs });
      const c = (curves[method] ??= { q: r.history.queries, w: [], e: [] });
      c.w.push(r.history.winRate);
      c.e.push(r.history.exploitability);
      lines.push(`  ${names[method].padEnd(18)} seed ${seed}: win rate ${r.history.winRate.at(-1)!.toFixed(3)}, exploitability ${r.history.exploitability[0]!.toFixed(3)} → ${r.history.exploitability.at(-1)!.toFixed(4)} after ${r.history.queries.at(-1)} judge queries`);
    }
  }
  const svg = lineFigure({
    title: 'Sampled Nash-MP for a linear softmax policy over 10 responses, intransitive judge, β = 0.1',
    columns: 2,
    width: 960,
    panels: [
      { title: 'win rate against the reference (uniform)', x: { label: 'judge queries' }, y: { label: 'win rate' }, series: methods.map((k) => ({ name: names[k], size: 2, x: curves[k]!.q, y: meanCurve(curves[k]!.w) })), rules: [{ y: tabWin, label: `per-prompt tabular equilibrium (${tabWin.toFixed(3)})` }] },
      { title: 'mean exploitability over 200 held-out prompts', x: { label: 'judge queries' }, y: { label: 'exploitability', scale: 'log' }, series: methods.map((k) => ({ name: names[k], size: 2, x: curves[k]!.q, y: meanCurve(curves[k]!.e) })) },
    ],
    caption: `Each proximal step: 20 Adam steps (η = 0.05) on 64 sampled prompts with one judge outcome each; mirror step η = 2. OMD takes one proximal step per iteration and twice as many iterations (same queries). Mean of ${seeds.length} seed(s).`,
  });
  return { json: { command: commandLine('sampled', quick), beta, iterations, tabularEquilibriumWinRate: tabWin, runs }, svg, lines };
}

// ------------------------------------------------------------------------------------------ the command

const EXPERIMENTS: Record<PolicyExperiment, (quick: boolean, p: Progress) => Outcome> = {
  nash: nashExperiment, bandit: banditExperiment, sampled: sampledExperiment, lm: lmExperiment,
};

/** Runs one experiment, writes its JSON and SVG, and logs a summary; returns what the JSON holds. */
export async function runPolicyCli(o: PolicyCliOptions): Promise<unknown> {
  await init();
  const t0 = Date.now();
  const bar = o.progress
    ? new cliProgress.SingleBar({ format: `policy ${o.experiment} [{bar}] {percentage}% | {value}/{total} | {label}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  let done = 0;
  const progress: Progress = {
    start: (total) => bar?.start(total, 0, { label: '' }),
    tick: (label) => bar?.update(++done, { label }),
  };
  let outcome: Outcome;
  try {
    outcome = EXPERIMENTS[o.experiment](o.quick, progress);
  } finally {
    bar?.stop();
  }
  for (const line of outcome.lines) o.log(line);
  writeFileSync(o.svg, outcome.svg);
  writeFileSync(o.json, JSON.stringify(outcome.json, null, 1) + '\n');
  o.log(`\nwrote ${o.svg} and ${o.json} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return outcome.json;
}
