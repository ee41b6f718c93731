/**
 * The GLU-variants experiment (Shazeer 2020) at toy scale: the same character-level transformer LM
 * trained on Genesis (KJV, data/text/) with each feed-forward variant, the same steps, batches and
 * seeds; held-out perplexity per variant (mean and spread over seeds) and the Procrustes linearity of
 * every block with and without the residual stream (Razzhigaev et al. 2024). Writes JSON and an SVG.
 *
 * Run: node scripts/lm-glu.mjs [--steps N] [--seeds K] [--dModel D] [--layers L] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, nn } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import corpus from '../data/text/genesis-kjv.txt';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'build/lm-glu';
const steps = arg('steps', 600);
const seeds = arg('seeds', 3);
const dModel = arg('dModel', 64);
const layers = arg('layers', 2);
const heads = arg('heads', 4);
const T = arg('context', 64);
const batch = arg('batch', 8);
const dFF = arg('dFF', 3 * dModel); // divisible by 3: the gated width 2/3·dFF is exact
const lr = arg('lr', 3e-3);
const evalTokens = arg('evalTokens', 8192);
const only = process.argv.includes('--variants') ? process.argv[process.argv.indexOf('--variants') + 1]!.split(',') : null;

await init();
const lines = corpus.split('\n').filter((l) => l.length > 0);
const cut = Math.floor(lines.length * 0.9);
const trainText = lines.slice(0, cut).join('\n') + '\n';
const heldText = lines.slice(cut).join('\n') + '\n';
const tok = nn.charTokenizer(corpus.endsWith('\n') ? corpus : corpus + '\n');
const trainIds = tok.encode(trainText);
const heldIds = tok.encode(heldText).subarray(0, evalTokens + 1);
// fixed held-out windows for the linearity scores: 16 consecutive windows of T tokens
const linWindows = Array.from({ length: 16 }, (_, i) => Array.from(heldIds.subarray(i * T, (i + 1) * T)));

interface Run {
  variant: string; seed: number; params: number; trainLoss: number; heldPerplexity: number; heldNll: number;
  withResidual: number[]; withoutResidual: number[]; seconds: number;
}
const ALL = ['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu'];
// --merge a.json,b.json: no training; the runs of earlier (partial) invocations are combined into one table and figure
const merge = process.argv.includes('--merge') ? process.argv[process.argv.indexOf('--merge') + 1]!.split(',') : null;
const merged: Run[] = merge ? merge.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { runs: Run[] }).runs) : [];
const variants = (merge ? ALL.filter((v) => merged.some((r) => r.variant === v)) : only ?? ALL) as nn.FfnVariant[];
const runs: Run[] = [...merged];
mkdirSync(outDir, { recursive: true });
const config = { corpus: 'data/text/genesis-kjv.txt (Genesis, KJV)', trainTokens: trainIds.length, heldTokens: heldIds.length - 1, vocab: tok.size, steps, batch, contextLength: T, dModel, heads, layers, dFF, optimizer: `adam(${lr})`, clipNorm: 1, dtype: 'f64' };
console.log(JSON.stringify(config));
for (const variant of merge ? [] : variants) {
  for (let seed = 1; seed <= seeds; seed++) {
    const t0 = performance.now();
    const P = nn.initTransformer(tok.size, { contextLength: T, dModel, heads, layers, dFF, ffn: variant, seed });
    const r = nn.trainLm(P, trainIds, { steps, batchSize: batch, seed: 1000 + seed, optimizer: nn.adam({ learningRate: lr }) });
    const tail = r.losses.subarray(Math.max(0, r.losses.length - 50));
    const ppl = nn.lmPerplexity(P, heldIds);
    const lin = nn.lmLayerLinearity(P, linWindows);
    const run: Run = {
      variant, seed, params: nn.transformerParamCount(P), trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      heldPerplexity: ppl.perplexity, heldNll: ppl.nll, withResidual: lin.withResidual, withoutResidual: lin.withoutResidual,
      seconds: (performance.now() - t0) / 1000,
    };
    runs.push(run);
    console.log(JSON.stringify(run));
    writeFileSync(join(outDir, 'lm-glu.json'), JSON.stringify({ config, runs }, null, 1));
  }
}

// Summary table: mean and spread (min–max, and the sample standard deviation) per variant
const summary = variants.map((v) => {
  const p = runs.filter((r) => r.variant === v).map((r) => r.heldPerplexity);
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  const sd = Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, p.length - 1));
  return { variant: v, params: runs.find((r) => r.variant === v)!.params, mean, sd, min: Math.min(...p), max: Math.max(...p) };
});
writeFileSync(join(outDir, 'lm-glu.json'), JSON.stringify({ config, summary, runs }, null, 1));
console.log('| variant | parameters | held-out perplexity (mean ± sd) | min – max |');
console.log('|---|---|---|---|');
for (const s of summary) console.log(`| ${s.variant} | ${s.params} | ${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)} | ${s.min.toFixed(3)} – ${s.max.toFixed(3)} |`);

const idx = variants.map((_, i) => i);
const name = (v: number): string => variants[Math.round(v)] ?? '';
const blocks = Array.from({ length: layers }, (_, l) => l + 1);
const meanOver = (f: (r: Run) => number[], l: number): number => runs.reduce((a, r) => a + f(r)[l]!, 0) / runs.length;
const svg = lineFigure({
  title: `Feed-forward variants of a ${layers}-block character transformer on Genesis (KJV): held-out perplexity and block linearity`,
  columns: 2,
  width: 900,
  panels: [
    {
      title: `held-out perplexity after ${steps} steps (${seeds} seeds)`,
      x: { label: 'feed-forward variant', domain: [-0.5, variants.length - 0.5], ticks: variants.length, format: name },
      y: { label: 'perplexity (per character)' },
      series: [
        ...Array.from({ length: seeds }, (_, s) => ({ name: `seed ${s + 1}`, x: idx, y: variants.map((v) => runs.find((r) => r.variant === v && r.seed === s + 1)?.heldPerplexity ?? NaN), markersOnly: true })),
        { name: 'mean over seeds', x: idx, y: summary.map((s) => s.mean) },
      ],
    },
    {
      title: 'Procrustes linearity per block (mean over all runs)',
      x: { label: 'block', domain: [0.5, layers + 0.5], ticks: layers, format: (v) => String(Math.round(v)) },
      y: { label: 'linearity score', domain: [0, 1] },
      series: [
        { name: 'with residual: h_l → h_l+1', x: blocks, y: blocks.map((_, l) => meanOver((r) => r.withResidual, l)) },
        { name: 'without residual: h_l → h_l+1 − h_l', x: blocks, y: blocks.map((_, l) => meanOver((r) => r.withoutResidual, l)) },
      ],
    },
  ],
  caption: `${summary[0]!.params} parameters for every variant (d = ${dModel}, ${heads} heads, d_ff = ${dFF}, gated ${Math.round((2 * dFF) / 3)}); Adam η = ${lr}, batch ${batch} × ${T} characters, f64. Held-out: the last 10 % of the verses (${heldIds.length - 1} characters). Linearity on 16 held-out windows (${16 * T} positions).`,
});
writeFileSync(join(outDir, 'lm-glu.svg'), svg);
console.log(`wrote ${join(outDir, 'lm-glu.json')} and ${join(outDir, 'lm-glu.svg')}`);
