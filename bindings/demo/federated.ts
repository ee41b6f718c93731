/**
 * The federated family's section of `proxkit demo`:
 *  (a) decentralized proximal SGD on a 5-node ring, the embedded digits split by label (node k holds
 *      the digits k and k + 5): no tracking vs gradient tracking vs tracking with top-k 40 %
 *      compression and error feedback vs tracking with an ℓ1 prox (density);
 *  (b) full demo only: FedProx (μ = 1) vs FedAvg on FedProx's synthetic(1, 1) data with 90 % stragglers;
 *  (c) full demo only: Lisa's harmful fine-tuning toy on the digits, ρ = 0 vs ρ = 1 (one seed).
 * Figure: proxkit-federated.svg (loss and accuracy per step of (a)).
 */
import { federated, normL1 } from '../index.js';
import { lineFigure } from '../plot/svg.js';
import { digits } from '../datasets.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

/** The embedded digits (pixels scaled to [0, 1]) split over `nodes` clients by label: node k holds the labels c with c mod nodes = k. */
export function digitsLabelSplit(nodes = 5): federated.FedDataset {
  const { images, labels } = digits();
  const X = new Float64Array(images.length * 64);
  images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));
  return federated.partitionClients(X, labels, 64, { clients: nodes, split: 'labels', trainFraction: 0.8, seed: 0 });
}

function run(ctx: DemoContext): void {
  const quick = ctx.quick === true;
  const data = digitsLabelSplit(5);
  const steps = quick ? 200 : 800;
  const base = { steps, batchSize: 16, learningRate: 0.5, seed: ctx.seed, evalEvery: quick ? 20 : 50 };
  const variants: [string, federated.DecentralizedOptions][] = [
    ['no tracking', { tracking: false }],
    ['gradient tracking', { tracking: true }],
    ['tracking + top-k 40 % (error feedback)', { tracking: true, compressor: federated.topK(0.4) }],
    ['tracking + ℓ1 prox (λ = 0.002)', { tracking: true, prox: normL1(0.002) }],
  ];
  ctx.log(`  (a) 5-node ring, digits split by label, ${steps} steps of batch 16 per node, η = 0.5${quick ? ' (quick: fewer steps)' : ''}`);
  const runs = variants.map(([name, extra]) => {
    const r = federated.decentralizedTrain(data, { ...base, ...extra });
    const last = r.history[r.history.length - 1]!;
    ctx.log(`      ${name.padEnd(40)} test accuracy ${pct(last.testAccuracy)}, train loss ${last.trainLoss.toFixed(4)}, consensus error ${last.consensusError.toExponential(1)}, density ${last.density.toFixed(3)}`);
    return { name, r };
  });
  const svg = lineFigure({
    title: 'Decentralized proximal SGD on a 5-node ring (digits, node k holds the digits k and k + 5)',
    panels: [
      { title: 'training loss', x: { label: 'step' }, y: { label: 'train loss (cross-entropy)', scale: 'log' }, series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.step), y: r.history.map((h) => h.trainLoss) })) },
      { title: 'test accuracy', x: { label: 'step' }, y: { label: 'test accuracy' }, series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.step), y: r.history.map((h) => h.testAccuracy) })) },
    ],
    columns: 2,
    caption: `Softmax regression on each node, Metropolis mixing weights, seed ${ctx.seed}${quick ? '; quick tour: ' + steps + ' steps' : ''}.`,
  });
  writeOutput(ctx, 'proxkit-federated.svg', svg, 'decentralized training curves');
  if (quick) return;
  const syn = federated.fedproxSynthetic({ alpha: 1, beta: 1, seed: ctx.seed });
  const o = { rounds: 10, dropPercent: 0.9, seed: ctx.seed };
  ctx.log('  (b) FedProx synthetic(1, 1), 90 % stragglers, 10 rounds (30 devices, 10 per round, E = 20, batch 10, η = 0.01)');
  for (const rule of [federated.fedAvg(), federated.fedProx({ mu: 1 })]) {
    const last = federated.simulateFederated(syn, { ...o, rule }).history.at(-1)!;
    ctx.log(`      ${rule.name.padEnd(14)} test accuracy ${pct(last.testAccuracy)}, train loss ${last.trainLoss.toFixed(4)}`);
  }
  const { images, labels } = digits();
  const X = new Float64Array(images.length * 64);
  images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));
  const lisa = federated.lisaExperiment(X, labels, 64, { seeds: [ctx.seed], rhos: [0, 1], cycles: 20 });
  const rows = lisa.settings.rows;
  ctx.log(`  (c) Lisa: fine-tuning an aligned digits classifier on ${rows.benign} rows + ${rows.harmful} harmful ones (3s labelled 8), 20 cycles of 20 alignment + 80 fine-tuning steps`);
  ctx.log(`      ${'aligned start'.padEnd(14)} held-out 3s classified 8: ${pct(lisa.aligned[0]!.harmfulRate)}, accuracy on the other digits ${pct(lisa.aligned[0]!.finetuneAccuracy)}`);
  for (const [name, m] of Object.entries(lisa.summary)) {
    ctx.log(`      ${name.padEnd(14)} held-out 3s classified 8: ${pct(m.harmfulRate)}, accuracy on the other digits ${pct(m.finetuneAccuracy)}`);
  }
}

export const federatedDemo: DemoSection = {
  name: 'federated',
  title: 'federated and decentralized learning: gradient tracking, compressed gossip, ℓ1 prox, FedProx with stragglers',
  run,
};
