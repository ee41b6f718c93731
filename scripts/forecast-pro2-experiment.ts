/**
 * Pro² (Project and Probe) on the UCI digits with spurious features. Every image (pixels / 16) gets a
 * class code c drawn in two ways: one bright "mark" pixel on its left or right edge (column 0, rows
 * 0–7 code 0–7; column 7, rows 0–1 code 8–9; pixels the digits almost never use) and a background
 * brightness 0.3·c/9 added to every pixel (a recolouring). Source domain (half of the images, seeded
 * split): c is the image's own class, so the code predicts the label perfectly — a shortcut. Target
 * domain (the other half): c is uniform at random, independent of the class. A 64-128-64-10 ReLU MLP
 * (nn family) is trained on the source; its 64 penultimate ReLU features are the frozen embedding.
 * With k = 4, 16, 64 labelled target images per class (the rest of the target half is the test set),
 * compared: the source network unchanged; a linear probe on all 64 features; Pro² with 1–4 heads
 * (10 orthogonal directions each, learned on the source; then a linear probe on them); fine-tuning
 * the whole network on the target labels (about 200 Adam steps). Five seeds (each: split, codes,
 * network, heads and target sample).
 *
 * Usage: node scripts/forecast.mjs pro2 [--quick] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, nn, rng } from '../bindings/index.js';
import { fitLinearProbe, learnPro2Projection } from '../bindings/forecast/index.js';
import { lineFigure } from '../bindings/plot/svg.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
const seeds = quick ? [1] : [1, 2, 3, 4, 5];
const shots = [4, 16, 64];
const headsList = [1, 2, 3, 4];
const P_SOURCE = 1;
const BRIGHT = 0.3;
const K = 10;
const EMB = 64;
await init();
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);

const rowsCsv = readFileSync('data/datasets/digits.csv', 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
const images = rowsCsv.map((r) => r.slice(0, 64).map((v) => v / 16));
const labels = rowsCsv.map((r) => r[64]!);
const markPixel = (c: number) => (c < 8 ? c * 8 : (c - 8) * 8 + 7);

type Method = string;
const acc: Record<Method, Record<number, number[]>> = {};
const record = (m: Method, k: number, a: number) => (((acc[m] ??= {})[k] ??= []).push(a));
const extra: { seed: number; sourceTrain: number; sourceOnTarget: number; pro2SourceAccuracy: number[] }[] = [];

function argmax(row: ArrayLike<number>, off: number): number {
  let b = 0;
  for (let k = 1; k < K; k++) if (row[off + k]! > row[off + b]!) b = k;
  return b;
}

for (const seed of seeds) {
  const R = rng(seed);
  const u = R.uniform(images.length);
  const order = Array.from(u.keys()).sort((a, b) => u[a]! - u[b]!);
  const half = Math.floor(images.length / 2);
  const marks = R.uniform(2 * images.length);
  const marked = (i: number, source: boolean): number[] => {
    const x = images[i]!.slice();
    let c: number;
    if (source) c = marks[2 * i]! < P_SOURCE ? labels[i]! : (labels[i]! + 1 + Math.floor(marks[2 * i + 1]! * 9)) % K;
    else c = Math.floor(marks[2 * i + 1]! * K);
    x[markPixel(c)] = 1;
    // recolouring: a background brightness that encodes the same class c
    for (let q = 0; q < 64; q++) x[q] = x[q]! + BRIGHT * (c / (K - 1));
    return x;
  };
  const src = order.slice(0, half);
  const tgt = order.slice(half);
  const Xs = src.map((i) => marked(i, true));
  const ys = Int32Array.from(src.map((i) => labels[i]!));
  const Xt = tgt.map((i) => marked(i, false));
  const yt = tgt.map((i) => labels[i]!);

  // source network
  const net = nn.initMlp([64, 128, 64, 10], { seed });
  nn.train({ params: net, loss: (p, x, y) => nn.softmaxCrossEntropy(nn.mlp(p, x), y as Int32Array) }, { X: Xs, y: ys },
    { epochs: 40, batchSize: 32, optimizer: nn.adam({ learningRate: 2e-3 }), seed });
  const logits = (p: nn.MlpParams, X: number[][]) => nn.scope(() => nn.mlp(p, nn.tensor(X)).toArray()) as Float64Array;
  const features = (X: number[][]) => nn.scope(() => nn.mlp({ layers: net.layers.slice(0, 2) }, nn.tensor(X), { finalActivation: 'relu' }).toArray()) as Float64Array;
  const accuracy = (Z: Float64Array, y: ArrayLike<number>) => {
    let h = 0;
    for (let i = 0; i < y.length; i++) if (argmax(Z, i * K) === y[i]) h++;
    return h / y.length;
  };
  const sourceTrain = accuracy(logits(net, Xs), ys);
  const Fs = features(Xs);
  const projections = Object.fromEntries(headsList.map((h) => [h, learnPro2Projection({ data: Fs, rows: Xs.length, cols: EMB }, ys, { heads: h, seed })]));
  const ex = { seed, sourceTrain, sourceOnTarget: 0, pro2SourceAccuracy: projections[headsList.at(-1)!]!.sourceAccuracy };
  extra.push(ex);

  for (const k of shots) {
    // k labelled target images per class, the rest of the target half is the test set
    const v = R.uniform(tgt.length);
    const byClass: number[][] = Array.from({ length: K }, () => []);
    Array.from(v.keys()).sort((a, b) => v[a]! - v[b]!).forEach((j) => byClass[yt[j]!]!.push(j));
    const trainIdx = byClass.flatMap((js) => js.slice(0, k));
    const testIdx = byClass.flatMap((js) => js.slice(k));
    const Xtr = trainIdx.map((j) => Xt[j]!);
    const ytr = Int32Array.from(trainIdx.map((j) => yt[j]!));
    const Xte = testIdx.map((j) => Xt[j]!);
    const yte = testIdx.map((j) => yt[j]!);
    const source = accuracy(logits(net, Xte), yte);
    record('source network, no adaptation', k, source);
    if (k === shots[0]) ex.sourceOnTarget = source;
    const Ftr = { data: features(Xtr), rows: Xtr.length, cols: EMB };
    const Fte = { data: features(Xte), rows: Xte.length, cols: EMB };
    record(`linear probe, all ${EMB} features`, k, fitLinearProbe(Ftr, ytr, { classes: K }).accuracy(Fte, yte));
    for (const h of headsList) {
      const P = projections[h]!;
      record(`Pro², ${h} head${h > 1 ? 's' : ''} (d = ${P.count})`, k, fitLinearProbe(P.project(Ftr), ytr, { classes: K }).accuracy(P.project(Fte), yte));
    }
    // fine-tuning: a copy of the source network, every layer trained on the target labels (~200 Adam steps)
    const copy: nn.MlpParams = { layers: net.layers.map((L) => ({ W: nn.tensor(L.W.toArray(), { shape: L.W.shape }), b: nn.tensor(L.b!.toArray(), { shape: L.b!.shape }) })) };
    const batches = Math.ceil(Xtr.length / 32);
    nn.train({ params: copy, loss: (p, x, y) => nn.softmaxCrossEntropy(nn.mlp(p, x), y as Int32Array) }, { X: Xtr, y: ytr },
      { epochs: Math.ceil(200 / batches), batchSize: 32, optimizer: nn.adam({ learningRate: 1e-3 }), seed });
    record('fine-tuning (all layers)', k, accuracy(logits(copy, Xte), yte));
    copy.layers.forEach((L) => (L.W.free(), L.b!.free()));
    log(`seed ${seed}, k = ${k}: ` + Object.entries(acc).map(([m, r]) => `${m} ${(100 * r[k]!.at(-1)!).toFixed(1)}`).join('; '));
  }
  net.layers.forEach((L) => (L.W.free(), L.b!.free()));
}

const meanSd = (a: number[]) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(a.length - 1, 1));
  return { mean: m, sd };
};
mkdirSync(outDir, { recursive: true });
const name = quick ? 'forecast-pro2-quick' : 'forecast-pro2';
const summary = Object.fromEntries(Object.entries(acc).map(([m, r]) => [m, Object.fromEntries(shots.map((k) => [k, meanSd(r[k]!)]))]));
writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ config: { seeds, shots, heads: headsList, sourceMarkProbability: P_SOURCE, network: [64, 128, 64, 10] }, perSeed: acc, summary, extra }, null, 1));
writeFileSync(join(outDir, `${name}.svg`), lineFigure({
  title: 'Digits with a spurious class code: target accuracy vs labelled target images per class',
  width: 760,
  panels: [{
    x: { label: 'labelled target images per class', scale: 'log' },
    y: { label: `target test accuracy (mean of ${seeds.length} seeds)` },
    series: Object.entries(summary).map(([m, s]) => ({ name: m, x: shots, y: shots.map((k) => s[k]!.mean) })),
  }],
  caption: `Class code (an edge pixel and a background brightness): equal to the class on the source (${100 * P_SOURCE} % of the images), random on the target. Embedding: the ${EMB} penultimate ReLU features of a 64-128-64-10 MLP trained on the source. Pro²: heads of 10 orthogonal directions each, learned on the source, then a linear probe on them.`,
}));
console.log(`\n| method | ${shots.map((k) => `k = ${k}`).join(' | ')} |\n|---|${shots.map(() => '---').join('|')}|`);
for (const [m, s] of Object.entries(summary)) console.log(`| ${m} | ${shots.map((k) => `${(100 * s[k]!.mean).toFixed(1)} ± ${(100 * s[k]!.sd).toFixed(1)}`).join(' | ')} |`);
for (const e of extra) console.log(`seed ${e.seed}: source train accuracy ${(100 * e.sourceTrain).toFixed(1)} %, on the target ${(100 * e.sourceOnTarget).toFixed(1)} %; Pro² head source accuracies ${e.pro2SourceAccuracy.map((a) => (100 * a).toFixed(0)).join(', ')}`);
console.log(`wrote ${join(outDir, name + '.json')} and ${name}.svg in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
