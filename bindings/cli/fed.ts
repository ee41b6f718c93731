/**
 * `proxkit fed <experiment>`: the federated family's experiments with a progress bar, written as JSON
 * and an SVG figure. `synthetic`: FedProx's straggler study on synthetic(1, 1); `decentralized`: a
 * 5-node ring over the embedded digits split by label; `dirichlet`: FedAvg / FedProx / FedSpeed on the
 * digits split over 100 clients; `lisa`: the harmful fine-tuning toy (SFT vs Lisa for several ρ).
 */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { federated, init } from '../index.js';
import { digitsLabelSplit } from '../demo/federated.js';
import { digits } from '../datasets.js';
import { lineFigure, type Series } from '../plot/svg.js';

/** The experiments `proxkit fed` runs. */
export const FED_EXPERIMENTS = ['synthetic', 'decentralized', 'dirichlet', 'lisa'] as const;
export type FedExperiment = (typeof FED_EXPERIMENTS)[number];

export interface FedCliOptions {
  experiment: FedExperiment;
  /** A small configuration that runs in seconds. */
  quick: boolean;
  /** Where to write the JSON and the SVG. */
  json: string;
  svg: string;
  /** Show a progress bar (on stderr). */
  progress: boolean;
  log(line: string): void;
}

const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;

/** The per-round curves of the first seed (FedAvg and every FedProx μ): training loss and test accuracy. */
export function syntheticFigure(r: federated.FedproxStragglerResult): string {
  const s = r.settings;
  const first = s.seeds[0]!;
  const curves = [r.runs.find((x) => x.rule === 'fedAvg' && x.seed === first)!, ...r.runs.filter((x) => x.rule !== 'fedAvg' && x.seed === first).sort((a, b) => a.mu - b.mu)];
  const rounds = Array.from({ length: s.rounds }, (_, i) => i + 1);
  const series = (key: 'trainLoss' | 'testAccuracy'): Series[] => curves.map((c) => ({ name: c.rule === 'fedAvg' ? 'FedAvg (drops stragglers)' : `FedProx μ = ${c.mu}`, x: rounds, y: c[key] }));
  return lineFigure({
    title: `FedProx on synthetic(${s.alpha}, ${s.beta}) with ${s.dropPercent * 100} % stragglers (seed ${first})`,
    panels: [
      { title: 'training loss', x: { label: 'round' }, y: { label: 'train loss (cross-entropy)', scale: 'log' }, series: series('trainLoss') },
      { title: 'test accuracy', x: { label: 'round' }, y: { label: 'test accuracy' }, series: series('testAccuracy') },
    ],
    columns: 2,
    caption: `30 devices, ${s.clientsPerRound} per round, E = ${s.epochs} local epochs (stragglers 1–${s.epochs - 1}), batch ${s.batchSize}, η = ${s.learningRate}, softmax regression. FedAvg drops the stragglers; FedProx keeps their partial work (μ = 0: without the proximal term).`,
  });
}

/** The embedded digits with pixels scaled to [0, 1]. */
function scaledDigits(): { X: Float64Array; labels: number[] } {
  const { images, labels } = digits();
  const X = new Float64Array(images.length * 64);
  images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));
  return { X, labels };
}

/** Harmful rate and fine-tune accuracy per cycle of the first seed, one curve per variant. */
export function lisaFigure(r: federated.LisaExperimentResult): string {
  const s = r.settings;
  const seed = s.seeds[0]!;
  const runs = r.runs.filter((x) => x.seed === seed);
  const steps = Array.from({ length: s.cycles }, (_, i) => (i + 1) * (s.alignSteps + s.finetuneSteps));
  const series = (key: 'harmfulRate' | 'finetuneAccuracy'): Series[] => runs.map((x) => ({ name: x.variant === 'SFT' ? 'SFT (fine-tuning only)' : x.rho === 0 ? 'bi-state, ρ = 0' : `Lisa, ρ = ${x.rho}`, x: steps, y: x[key] }));
  return lineFigure({
    title: `Harmful fine-tuning toy on the digits: ${s.sourceLabel} relabelled ${s.targetLabel} in ${(100 * s.harmfulFraction).toFixed(0)} % of the user's rows (seed ${seed})`,
    panels: [
      { title: 'harmful rate', x: { label: 'step' }, y: { label: `held-out ${s.sourceLabel}s classified ${s.targetLabel}` }, series: series('harmfulRate') },
      { title: 'fine-tune accuracy', x: { label: 'step' }, y: { label: 'held-out accuracy, other labels' }, series: series('finetuneAccuracy') },
    ],
    columns: 2,
    caption: `Softmax regression aligned on ${s.rows.alignment} clean rows; each cycle: ${s.alignSteps} steps on them, then ${s.finetuneSteps} on the user's rows, each state with (ρ/2)‖θ − θ̃‖² toward where the other ended; η = ${s.learningRate}, batch ${s.batchSize}. Measured at the end of every fine-tuning state.`,
  });
}

export async function runFedCli(o: FedCliOptions): Promise<unknown> {
  await init();
  const t0 = Date.now();
  const bar = o.progress ? new cliProgress.SingleBar({ format: `fed ${o.experiment} [{bar}] {percentage}% | {value}/{total} runs | {label}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let started = false;
  const onRun = (i: { label: string; done: number; total: number }) => {
    if (!bar) return;
    if (!started) {
      bar.start(i.total, 0, { label: i.label });
      started = true;
    }
    bar.update(i.done, { label: i.label });
  };
  let result: unknown;
  let svg: string;
  if (o.experiment === 'synthetic') {
    const r = federated.fedproxStragglerExperiment(o.quick ? { seeds: [0], mus: [1], rounds: 10, onRun } : { onRun });
    bar?.stop();
    const s = r.settings;
    o.log(`FedProx synthetic(${s.alpha}, ${s.beta}), ${s.dropPercent * 100} % stragglers, ${s.rounds} rounds, seeds ${s.seeds.join(', ')}`);
    o.log(`  FedAvg         test accuracy ${pct(r.summary.fedAvg.testAccuracy)}, train loss ${r.summary.fedAvg.trainLoss.toFixed(4)}`);
    o.log(`  FedProx (μ = ${s.mu}) test accuracy ${pct(r.summary.fedProx.testAccuracy)}, train loss ${r.summary.fedProx.trainLoss.toFixed(4)}`);
    svg = syntheticFigure(r);
    result = r;
  } else if (o.experiment === 'lisa') {
    const { X, labels } = scaledDigits();
    const r = federated.lisaExperiment(X, labels, 64, o.quick ? { seeds: [0], rhos: [0, 1], cycles: 20, onRun } : { onRun });
    bar?.stop();
    const s = r.settings;
    o.log(`Lisa toy: digits, softmax regression aligned on ${s.rows.alignment} clean rows, fine-tuned on ${s.rows.benign} rows of the other labels + ${s.rows.harmful} harmful rows (${s.sourceLabel} labelled ${s.targetLabel}), ${s.cycles} cycles of ${s.alignSteps} alignment + ${s.finetuneSteps} fine-tuning steps, seeds ${s.seeds.join(', ')}`);
    const mean = (k: 'harmfulRate' | 'finetuneAccuracy') => r.aligned.reduce((a, x) => a + x[k], 0) / r.aligned.length;
    o.log(`  ${'aligned model'.padEnd(14)} harmful rate ${pct(mean('harmfulRate'))}, fine-tune accuracy ${pct(mean('finetuneAccuracy'))}`);
    for (const [k, v] of Object.entries(r.summary)) o.log(`  ${k.padEnd(14)} harmful rate ${pct(v.harmfulRate)}, fine-tune accuracy ${pct(v.finetuneAccuracy)}`);
    svg = lisaFigure(r);
    result = r;
  } else if (o.experiment === 'dirichlet') {
    const { images, labels } = digits();
    const X = new Float64Array(images.length * 64);
    images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));
    const rounds = o.quick ? 30 : 100;
    const r = federated.labelSkewExperiment(X, labels, 64, o.quick ? { seeds: [0], rounds, onRun } : { onRun });
    bar?.stop();
    o.log(`digits over 100 clients, Dirichlet-0.6 label skew, 10 per round, ${rounds} rounds, softmax regression`);
    for (const [k, v] of Object.entries(r.summary)) {
      const at = rounds > 50 ? `25 / 50 / ${rounds} rounds: ${pct(v.accuracyAt25)} / ${pct(v.accuracyAt50)} / ${pct(v.testAccuracy)}` : `25 / ${rounds} rounds: ${pct(v.accuracyAt25)} / ${pct(v.testAccuracy)}`;
      o.log(`  ${k.padEnd(40)} test accuracy at ${at}; train loss ${v.trainLoss.toFixed(4)}`);
    }
    const seed = r.runs[0]!.seed;
    const xs = Array.from({ length: rounds }, (_, i) => i + 1);
    const runs = r.runs.filter((x) => x.seed === seed);
    svg = lineFigure({
      title: `FedAvg, FedProx and FedSpeed on digits split over 100 clients with Dirichlet-0.6 label skew (seed ${seed})`,
      panels: [
        { title: 'test accuracy', x: { label: 'round' }, y: { label: 'test accuracy' }, series: runs.map((x) => ({ name: x.rule, x: xs, y: x.testAccuracy })) },
        { title: 'training loss', x: { label: 'round' }, y: { label: 'train loss (cross-entropy)', scale: 'log' }, series: runs.map((x) => ({ name: x.rule, x: xs, y: x.trainLoss })) },
      ],
      columns: 2,
      caption: '10 clients per round, 5 local epochs, batch 10, η = 0.1, softmax regression; every rule sees the same split, clients and shuffles.',
    });
    result = r;
  } else {
    const data = digitsLabelSplit(5);
    const r = federated.decentralizedExperiment(data, o.quick ? { steps: 300, seeds: [0], learningRate: 0.5, evalEvery: 25, onRun } : { learningRate: 0.5, onRun });
    bar?.stop();
    o.log(`decentralized, 5-node ring, digits split by label, ${r.settings.steps} steps, seeds ${r.settings.seeds.join(', ')}`);
    for (const [k, v] of Object.entries(r.summary)) o.log(`  ${k.padEnd(28)} test accuracy ${pct(v.testAccuracy)}, train loss ${v.trainLoss.toFixed(4)}, density ${v.density.toFixed(3)}`);
    const seed = r.settings.seeds[0]!;
    const runs = r.runs.filter((x) => x.seed === seed);
    const series = (key: 'trainLoss' | 'testAccuracy' | 'consensusError'): Series[] => runs.map((x) => ({ name: x.variant, x: x.step, y: x[key] }));
    svg = lineFigure({
      title: `Decentralized proximal SGD on a 5-node ring, digits split by label (seed ${seed})`,
      panels: [
        { title: 'training loss', x: { label: 'step' }, y: { label: 'train loss (cross-entropy)', scale: 'log' }, series: series('trainLoss') },
        { title: 'test accuracy', x: { label: 'step' }, y: { label: 'test accuracy' }, series: series('testAccuracy') },
        { title: 'consensus error', x: { label: 'step' }, y: { label: '(1/n) Σ‖x_i − x̄‖²', scale: 'log' }, series: series('consensusError') },
      ],
      columns: 3,
      caption: `Node k holds the digits k and k + 5. η = ${r.settings.learningRate}, batch ${r.settings.batchSize}; Metropolis mixing weights; top-k sends ${r.settings.topK * 100} % of the entries with error feedback; ℓ1 weight ${r.settings.l1}.`,
    });
    result = r;
  }
  writeFileSync(o.svg, svg);
  writeFileSync(o.json, JSON.stringify(result, null, 1) + '\n');
  o.log(`\nwrote ${o.svg} and ${o.json} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}
