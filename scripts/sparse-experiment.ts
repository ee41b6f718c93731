/**
 * The sparse family's experiments.
 *
 *   bars  — the bars test (ProSper's settings) over seeds: node scripts/sparse.mjs bars --model mca --seeds 1-10
 *   proxsparse — 2:4 masks for the digits MLP, ProxSparse-learned vs magnitude, with and without a short
 *           retraining: node scripts/sparse.mjs proxsparse --seeds 1-3 [--lambda 1] [--epochs 20] [--retrain 5]
 *   lpn-toy — learned proximal network on x ~ Laplace(1), y = x + N(0, 1): proximal matching vs squared
 *           error, against the soft-threshold at 1 and the MMSE by numerical integration:
 *           node scripts/sparse.mjs lpn-toy [--n 100000] [--epochs 2] [--ylaw uniform --yrange 5]
 *           [--draws 128 --stratified yes] [--seed 1] [--file sparse-lpn-toy.json]
 *   lpn-optimum — the exact per-y minimiser of the expected proximal-matching loss for each γ, and the
 *           ICNN's least-squares fit to the soft-threshold (capacity): node scripts/sparse.mjs lpn-optimum
 *   lpn-image — a patch LPN trained on two photographs, used as the prox of the regulariser in admm to
 *           denoise a third, against 2-D TV at the same noise: node scripts/sparse.mjs lpn-image [--sigma 25]
 *
 *   figures — redraws the SVG figures from the JSON in --out: node scripts/sparse.mjs figures
 *
 * Each writes JSON (+ SVG where there is a figure) to --out (default docs/experiments).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, admm, barsTest, binarySparseCoding, matchFields, maximalCausesAnalysis, sqrNormL2, totalVariation2D, translated } from '../bindings/index.js';
import { grayPng, parsePgm, psnr } from '../bindings/demo/tv.js';
import { parsePpm } from '../bindings/demo/tucker.js';
import { pngDataUri } from '../bindings/demo/context.js';
import { imageFigure, lineFigure } from '../bindings/plot/svg.js';
import { png } from '../bindings/demo/png.js';
import boatsPgm from '../data/images/nagasaki-boats-256.pgm';
import canyonPpm from '../data/images/black-canyon-rgb-128.ppm';
import alpinePpm from '../data/images/french-alpine-landscape-rgb-128.ppm';
import { digitsData } from '../bindings/demo/bounds.js';
import { freeLpn, imagePatches, initLpn, laplaceMmse, laplacePosteriorDraws, laplacePosteriorPairs, lpnApply, lpnRegulariser, patchProx, softThreshold1, trainLpn } from '../bindings/sparse/lpn.js';
import { seededRng } from '../bindings/rng.js';
import { accuracyOf, cloneMaskedMlp, fitMaskedMlp, freeMaskedMlp, freeze24, initMaskedMlp, isExactly24, share24 } from '../bindings/sparse/masks.js';

const argv = process.argv.slice(2);
const mode = argv[0] ?? 'bars';
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const outDir = opt('out', 'docs/experiments');
// '1-10' or a comma list '10,9'
const range = (s: string): number[] => {
  if (s.includes(',')) return s.split(',').map(Number);
  const [a, b] = s.split('-').map(Number);
  return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
};

await init();

if (mode === 'bars') {
  const model = opt('model', 'mca') as 'bsc' | 'mca';
  const seeds = range(opt('seeds', '1-10'));
  const T0 = opt('temperature', '');
  const rows = [];
  let good = 0;
  for (const seed of seeds) {
    const t0 = Date.now();
    const data = barsTest({ seed, superposition: model === 'bsc' ? 'linear' : 'max' });
    const fit = model === 'bsc' ? binarySparseCoding : maximalCausesAnalysis;
    const maxIter = opt('maxIter', '');
    const r = fit(data.Y, { H: 10, Hprime: 8, gamma: 5, seed, ...(T0 ? { temperature: Number(T0) } : {}), ...(maxIter ? { maxIter: Number(maxIter) } : {}) });
    const m = matchFields(r.W, data.W);
    const ok = m.minCosine > 0.95 && Math.abs(r.pi - 0.2) <= 0.05 && Math.abs(r.sigma - 2) <= 0.2;
    if (ok) good++;
    const row = { seed, minCosine: m.minCosine, pi: r.pi, sigma: r.sigma, recovered: ok, seconds: (Date.now() - t0) / 1000, W: Array.from(r.W.data), pairs: Array.from(m.pairs) };
    rows.push(row);
    console.log(`${model} seed ${seed}: min cosine ${m.minCosine.toFixed(4)} pi ${r.pi.toFixed(4)} sigma ${r.sigma.toFixed(4)} ${ok ? 'ok' : 'MISS'} (${row.seconds.toFixed(1)} s)`);
    // written after every seed, so that an interrupted run keeps the seeds it finished
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `sparse-bars-${model}.json`), JSON.stringify({ command: `node scripts/sparse.mjs ${argv.join(' ')}`, model, good, total: rows.length, rows }, null, 1));
  }
  console.log(`${model}: ${good} of ${seeds.length} recovered`);
}

if (mode === 'proxsparse') {
  const seeds = range(opt('seeds', '1-3'));
  const lambda = Number(opt('lambda', '1'));
  const epochs = Number(opt('epochs', '20'));
  const retrain = Number(opt('retrain', '5'));
  const lr = Number(opt('lr', '0.05'));
  const optimizer = opt('optimizer', 'sgd') as 'sgd' | 'adam';
  const { train, test } = digitsData();
  const rows = [];
  for (const seed of seeds) {
    const t0 = Date.now();
    const dense = initMaskedMlp([64, 64, 32, 10], seed);
    fitMaskedMlp(dense, train, { epochs: 40, learningRate: 2e-3, seed });
    const acc = (net: typeof dense): number => accuracyOf(net, test.X, test.y);
    const row: Record<string, number | boolean> = { seed, dense: acc(dense) };
    const mag = cloneMaskedMlp(dense);
    freeze24(mag);
    row.magnitude = acc(mag);
    fitMaskedMlp(mag, train, { epochs: retrain, learningRate: 1e-3, seed: seed + 100 });
    row.magnitudeRetrained = acc(mag);
    // control: the magnitude mask retrained for as many epochs as the ProxSparse run and its retraining together
    const magLong = cloneMaskedMlp(dense);
    freeze24(magLong);
    fitMaskedMlp(magLong, train, { epochs: epochs + retrain, learningRate: 1e-3, seed: seed + 100 });
    row.magnitudeRetrainedLong = acc(magLong);
    freeMaskedMlp(magLong);
    const px = cloneMaskedMlp(dense);
    fitMaskedMlp(px, train, { epochs, learningRate: lr, seed: seed + 200, lambda, optimizer });
    row.share24BeforeFreeze = share24(px);
    row.proxSparseUnfrozen = acc(px);
    freeze24(px);
    row.masksExactly24 = px.masks.every((M) => M !== null && isExactly24(M)) && mag.masks.every((M) => M !== null && isExactly24(M));
    row.proxSparse = acc(px);
    fitMaskedMlp(px, train, { epochs: retrain, learningRate: 1e-3, seed: seed + 100 });
    row.proxSparseRetrained = acc(px);
    row.seconds = (Date.now() - t0) / 1000;
    rows.push(row);
    console.log(JSON.stringify(row));
    [dense, mag, px].forEach(freeMaskedMlp);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sparse-proxsparse.json'), JSON.stringify({ command: `node scripts/sparse.mjs ${argv.join(' ')}`, lambda, epochs, retrain, lr, optimizer, rows }, null, 1));
}

if (mode === 'lpn-toy') {
  const n = Number(opt('n', '100000'));
  const epochs = Number(opt('epochs', '2'));
  const hidden = opt('hidden', '64,64').split(',').map(Number);
  const lr = Number(opt('lr', '1e-2'));
  const batchSize = Number(opt('batch', '512'));
  const gammas = opt('gammas', '1,0.5,0.25,0.15,0.1,0.07,0.07,0.07').split(',').map(Number);
  const decay = Number(opt('decay', '0.6'));
  const inputScale = Number(opt('scale', '5'));
  // --seed s: the data stream, the initial networks and the batch orders (s = 1 is the recorded default run)
  const seed = Number(opt('seed', '1'));
  const rng = seededRng('lpn-toy', 4 + seed, 'seed');
  const so = 1000 * (seed - 1);
  // --draws K: each y comes with K draws of x from its exact posterior p(x | y) (laplacePosteriorDraws) and
  // the loss averages over them: one evaluation of f(y) per K pairs. --stratified yes draws them at
  // stratified posterior quantiles (unbiased, much less variance). y follows --ylaw (model or uniform).
  const draws = Number(opt('draws', '1'));
  const stratified = opt('stratified', 'no') === 'yes';
  // every stage gets fresh pairs: x ~ Laplace(1) as the difference of two unit exponentials, y = x + N(0, 1)
  // With --keep q < 1 a pair with |y| ≤ 2 is kept only with probability q: the tails, where few pairs fall,
  // get more of each batch. The choice depends on y alone, so the conditional law of x given y, and with
  // it the MAP and the MMSE denoiser, is unchanged (only the weight of each y in the loss changes).
  const keep = Number(opt('keep', '1'));
  // With --ylaw uniform, y is uniform on [−R, R] (--yrange R, default 5) and x is drawn from p(x | y)
  // (laplacePosteriorPairs): the tails get as many pairs as the centre, the law of x given y is the model's.
  const ylaw = opt('ylaw', 'model');
  const yrange = Number(opt('yrange', '5'));
  const draw = (): { X: Float64Array; Y: Float64Array } => {
    if (draws > 1 || stratified) return laplacePosteriorDraws(n, draws, ylaw === 'uniform' ? 'uniform' : 'model', yrange, (k) => rng.uniform(k), (k) => rng.normal(k), stratified);
    if (ylaw === 'uniform') return laplacePosteriorPairs(n, yrange, (k) => rng.uniform(k), (k) => rng.normal(k));
    const X = new Float64Array(n);
    const Y = new Float64Array(n);
    if (keep >= 1) {
      const u = rng.uniform(2 * n);
      const z = rng.normal(n);
      for (let i = 0; i < n; i++) {
        X[i] = -Math.log(1 - u[2 * i]!) + Math.log(1 - u[2 * i + 1]!);
        Y[i] = X[i]! + z[i]!;
      }
      return { X, Y };
    }
    for (let i = 0; i < n; ) {
      const u = rng.uniform(3 * n);
      const z = rng.normal(n);
      for (let k = 0; k < n && i < n; k++) {
        const x = -Math.log(1 - u[3 * k]!) + Math.log(1 - u[3 * k + 1]!);
        const y = x + z[k]!;
        if (Math.abs(y) <= 2 && u[3 * k + 2]! >= keep) continue;
        [X[i], Y[i]] = [x, y];
        i++;
      }
    }
    return { X, Y };
  };
  const grid = Float64Array.from({ length: 161 }, (_, i) => -4 + i * 0.05);
  const st = Array.from(grid, softThreshold1);
  const mmse = Array.from(grid, (y) => laplaceMmse(y));
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
  const t0 = Date.now();
  // the prior and the noise are symmetric, so both networks are built odd: ψ(y) = ½(icnn(y) + icnn(−y)) + α/2·y²
  let d = draw();
  const pm = initLpn(1, hidden, seed, 1e-3, true, inputScale, d.Y.subarray(0, 1000));
  const l2 = initLpn(1, hidden, seed, 1e-3, true, inputScale, d.Y.subarray(0, 1000));
  // proximal matching: a warm start on the absolute error (the posterior median), then γ falls stage by stage
  const stages: { loss: string; gamma?: number; lossValue: number; vsSoftThreshold: number; seconds: number }[] = [];
  const warm = trainLpn(pm, d.X, d.Y, { loss: 'l1', epochs, learningRate: lr, batchSize, seed: so + 1, draws });
  stages.push({ loss: 'l1', lossValue: warm[0]!, vsSoftThreshold: maxAbs(lpnApply(pm, grid), st), seconds: (Date.now() - t0) / 1000 });
  const snapshots: Float64Array[] = [];
  gammas.forEach((g, k) => {
    d = draw();
    const r = trainLpn(pm, d.X, d.Y, { loss: 'pm', gammas: [g], epochs, learningRate: lr * decay ** k, batchSize, seed: so + 2 + k, draws });
    snapshots.push(lpnApply(pm, grid));
    stages.push({ loss: 'pm', gamma: g, lossValue: r[0]!, vsSoftThreshold: maxAbs(snapshots[k]!, st), seconds: (Date.now() - t0) / 1000 });
    console.error(JSON.stringify(stages[stages.length - 1]));
  });
  // the squared-error network gets as many stages, on fresh pairs, with the same step schedule
  const l2Stages: { lossValue: number; vsMmse: number }[] = [];
  for (let k = 0; k <= (opt('only', '') === 'pm' ? -1 : gammas.length); k++) {
    d = draw();
    const r = trainLpn(l2, d.X, d.Y, { loss: 'l2', epochs, learningRate: lr * decay ** Math.max(0, k - 1), batchSize, seed: so + 100 + k, draws });
    l2Stages.push({ lossValue: r[0]!, vsMmse: maxAbs(lpnApply(l2, grid), mmse) });
    console.error(JSON.stringify(l2Stages[l2Stages.length - 1]));
  }
  const fPm = lpnApply(pm, grid);
  const fL2 = lpnApply(l2, grid);
  // the regulariser each network is the prox of, R(f(y)) = y·f(y) − ½f(y)² − ψ(y), shifted so that R = 0
  // where f is nearest 0; for the MAP denoiser of Laplace(1) it is |x| (+ a constant)
  const implied = (net: typeof pm) => {
    const { x, R } = lpnRegulariser(net, grid);
    const k0 = x.reduce((k, v, i) => (Math.abs(v) < Math.abs(x[k]!) ? i : k), 0);
    const Rs = Array.from(R, (v) => v - R[k0]!);
    const vsAbs = Math.max(...Rs.map((v, i) => (Math.abs(x[i]!) <= 3 ? Math.abs(v - Math.abs(x[i]!)) : 0)));
    return { x: Array.from(x), R: Rs, vsAbs };
  };
  const regPm = implied(pm);
  const regL2 = implied(l2);
  // snapshot average: the mean of f over the networks after the last `average` stages. A mean of gradients of
  // convex functions is the gradient of their (convex) mean, so the average is itself an LPN (ψ = mean ψ_k).
  const average = Math.min(Number(opt('average', '3')), snapshots.length);
  const fAvg = grid.map((_, i) => snapshots.slice(-average).reduce((a, f) => a + f[i]!, 0) / average);
  const res = {
    command: `node scripts/sparse.mjs ${argv.join(' ')}`, seed, n, draws, stratified, keep, ylaw, yrange, epochs, hidden, lr, decay, batchSize, gammas, inputScale, seconds: (Date.now() - t0) / 1000,
    pmVsSoftThreshold: maxAbs(fPm, st), pmVsMmse: maxAbs(fPm, mmse), average, pmAverageVsSoftThreshold: maxAbs(fAvg, st), pmAverageVsMmse: maxAbs(fAvg, mmse), l2VsMmse: maxAbs(fL2, mmse), l2VsSoftThreshold: maxAbs(fL2, st),
    pmRegulariserVsAbs: regPm.vsAbs, l2RegulariserVsAbs: regL2.vsAbs,
    stages, l2Stages,
    pmRegulariser: { x: regPm.x, R: regPm.R }, l2Regulariser: { x: regL2.x, R: regL2.R },
    grid: Array.from(grid), pm: Array.from(fPm), pmAverage: Array.from(fAvg), l2: Array.from(fL2), softThreshold: st, mmse,
  };
  console.log(JSON.stringify({ ...res, grid: undefined, pm: undefined, pmAverage: undefined, l2: undefined, softThreshold: undefined, mmse: undefined, stages: undefined, l2Stages: undefined, pmRegulariser: undefined, l2Regulariser: undefined }));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, opt('file', 'sparse-lpn-toy.json')), JSON.stringify(res, null, 1));
  freeLpn(pm);
  freeLpn(l2);
}

if (mode === 'lpn-optimum') {
  // Diagnostics of the LPN toy, no training data involved:
  // - the exact per-y minimiser of the expected proximal-matching loss E[1 − exp(−(f − x)²/γ²) | y], by
  //   1-D quadrature on the exact posterior p(x | y) ∝ e^{−|x| − (x − y)²/2} and a grid + golden-section
  //   search over f, for each γ: how far the loss's own optimum is from the soft-threshold (the MAP);
  // - capacity: the same ICNN (64–64, input scale 5, odd) fitted by least squares to the soft-threshold
  //   itself on a fine grid of y (no noise): how close the architecture can get to the target at all.
  const gammas = opt('gammas', '0.5,0.25,0.15,0.1,0.07,0.05').split(',').map(Number);
  const ys = Array.from({ length: 81 }, (_, i) => i * 0.05); // f is odd: y ≥ 0 suffices
  const risk = (f: number, y: number, g: number): number => {
    // ∫ exp(−(f − x)²/γ²) p̃(x | y) dx over f ± 8γ (Simpson, 2000 intervals); larger is better
    const lo = f - 8 * g;
    const h = (16 * g) / 2000;
    let s = 0;
    for (let i = 0; i <= 2000; i++) {
      const x = lo + i * h;
      s += (i === 0 || i === 2000 ? 1 : i % 2 ? 4 : 2) * Math.exp(-(((f - x) / g) ** 2) - Math.abs(x) - 0.5 * (x - y) ** 2);
    }
    return s;
  };
  const argmin = (y: number, g: number): number => {
    let best = -1;
    let bf = 0;
    for (let f = Math.min(0, y - 1.5); f <= Math.max(y, 0) + 1e-9; f += 0.005) {
      const r = risk(f, y, g);
      if (r > best) [best, bf] = [r, f];
    }
    let [a, b] = [bf - 0.005, bf + 0.005];
    for (let k = 0; k < 40; k++) {
      const m1 = a + (b - a) / 3;
      const m2 = b - (b - a) / 3;
      if (risk(m1, y, g) > risk(m2, y, g)) b = m2;
      else a = m1;
    }
    return (a + b) / 2;
  };
  const optimum = gammas.map((g) => {
    const gap = ys.map((y) => argmin(y, g) - softThreshold1(y));
    const worst = gap.reduce((k, v, i) => (Math.abs(v) > Math.abs(gap[k]!) ? i : k), 0);
    const at = (y: number) => gap[Math.round(y / 0.05)]!;
    const row = { gamma: g, maxGap: Math.abs(gap[worst]!), at: ys[worst], gapAt: { 0.5: at(0.5), 1: at(1), 1.2: at(1.2), 1.5: at(1.5), 2: at(2), 3: at(3), 4: at(4) } };
    console.log(JSON.stringify(row));
    return row;
  });
  const n = 20000;
  const Y = Float64Array.from({ length: n }, (_, i) => -5 + (10 * (i + 0.5)) / n);
  const X = Y.map(softThreshold1);
  const net = initLpn(1, [64, 64], 1, 1e-3, true, 5, Y.filter((_, i) => i % 20 === 0));
  const grid = Float64Array.from({ length: 161 }, (_, i) => -4 + i * 0.05);
  const capacity: number[] = [];
  for (let k = 0; k < 4; k++) {
    trainLpn(net, X, Y, { loss: 'l2', epochs: 10, learningRate: 1e-2 * 0.3 ** k, batchSize: 256, seed: k });
    capacity.push(Math.max(...Array.from(lpnApply(net, grid), (v, i) => Math.abs(v - softThreshold1(grid[i]!)))));
    console.log(`capacity stage ${k}: max |f − soft-threshold| on [−4, 4] = ${capacity[k]!.toFixed(4)}`);
  }
  freeLpn(net);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sparse-lpn-optimum.json'), JSON.stringify({ command: `node scripts/sparse.mjs ${argv.join(' ')}`, optimum, capacity }, null, 1));
}

if (mode === 'lpn-image') {
  // A patch LPN trained on two photographs (grey levels / 255) with Gaussian noise, then used as the prox
  // of the regulariser inside proxkit's admm on a third photograph, against 2-D TV denoising at the same noise.
  const p = Number(opt('patch', '6'));
  const sigma = Number(opt('sigma', '25')) / 255;
  const hidden = opt('hidden', '128,128').split(',').map(Number);
  const epochs = Number(opt('epochs', '2'));
  const lr = Number(opt('lr', '3e-3'));
  const batchSize = Number(opt('batch', '256'));
  const stride = Number(opt('stride', '2'));
  const gammas = opt('gammas', '').split(',').filter((v) => v !== '').map(Number);
  const lambdas = opt('lambdas', '0.5,1,2,4').split(',').map(Number);
  const tvLambdas = opt('tvLambdas', '10,15,20,25,30,40').split(',').map(Number);
  const rng = seededRng('lpn-image', 5, 'seed');
  const t0 = Date.now();
  const grey = (bytes: Uint8Array): { rows: number; cols: number; pixels: Float64Array } => {
    const t = parsePpm(bytes);
    const [rows, cols] = t.shape as [number, number, number];
    const px = new Float64Array(rows * cols);
    for (let i = 0; i < px.length; i++) px[i] = 0.299 * t.data[3 * i]! + 0.587 * t.data[3 * i + 1]! + 0.114 * t.data[3 * i + 2]!;
    return { rows, cols, pixels: px };
  };
  // training patches (stride 1) of the two other photographs and their mirror images and transposes
  const parts: Float64Array[] = [];
  for (const im of [grey(canyonPpm), grey(alpinePpm)]) {
    const P = imagePatches(im.pixels, im.rows, im.cols, p, 1);
    parts.push(P);
    for (const map of [(i: number, j: number) => i * p + (p - 1 - j), (i: number, j: number) => j * p + i, (i: number, j: number) => (p - 1 - i) * p + j]) {
      const Q = new Float64Array(P.length);
      for (let r = 0; r < P.length; r += p * p) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Q[r + i * p + j] = P[r + map(i, j)]!;
      parts.push(Q);
    }
  }
  const all = new Float64Array(parts.reduce((s, a) => s + a.length, 0));
  parts.reduce((o, a) => (all.set(a, o), o + a.length), 0);
  // --maxPatches k keeps every ⌈total/k⌉-th patch (quick runs)
  const total = all.length / (p * p);
  const every = Math.max(1, Math.ceil(total / Number(opt('maxPatches', String(total)))));
  const X = every === 1 ? all : new Float64Array(Math.ceil(total / every) * p * p);
  if (every > 1) for (let k = 0, r = 0; r < total; r += every, k++) X.set(all.subarray(r * p * p, (r + 1) * p * p), k * p * p);
  const noisyOf = (clean: Float64Array): Float64Array => {
    const z = rng.normal(clean.length);
    return clean.map((v, i) => v + sigma * z[i]!);
  };
  const net = initLpn(p * p, hidden, 1, 1e-3, false, 1, noisyOf(X.subarray(0, 2000 * p * p)), true);
  const stages: { loss: string; gamma?: number; lossValue: number; seconds: number }[] = [];
  const l2 = trainLpn(net, X, noisyOf(X), { loss: 'l2', epochs, learningRate: lr, batchSize, seed: 1 });
  stages.push({ loss: 'l2', lossValue: l2[0]!, seconds: (Date.now() - t0) / 1000 });
  console.error(JSON.stringify(stages[stages.length - 1]));
  gammas.forEach((g, k) => {
    const r = trainLpn(net, X, noisyOf(X), { loss: 'pm', gammas: [g], epochs, learningRate: lr * 0.5 ** (k + 1), batchSize, seed: 2 + k });
    stages.push({ loss: 'pm', gamma: g, lossValue: r[0]!, seconds: (Date.now() - t0) / 1000 });
    console.error(JSON.stringify(stages[stages.length - 1]));
  });
  // the test photograph (not seen in training)
  const { rows, cols, pixels } = parsePgm(boatsPgm);
  const clean = pixels.map((v) => v / 255);
  const y = noisyOf(clean);
  const psnr1 = (x: ArrayLike<number>): number => psnr(Array.from(x, (v) => 255 * v), Array.from(clean, (v) => 255 * v));
  const D = patchProx(net, rows, cols, p, stride);
  const direct = D.prox(y);
  // the same denoiser with every patch position (stride 1): more patches averaged per pixel, 4× the work
  const direct1 = opt('directStride1', '') === 'yes' ? patchProx(net, rows, cols, p, 1).prox(y) : undefined;
  const pnp = lambdas.map((lambda) => {
    // PnP-ADMM: x ← prox of (λ/2)‖x − y‖² / ρ, z ← the LPN denoiser, u ← u + x − z (ρ = 1)
    const r = admm(translated(sqrNormL2(lambda), y), D, { maxIter: Number(opt('iters', '20')), tol: 0, z0: y });
    return { lambda, psnr: psnr1(r.x), iterations: r.iterations };
  });
  const tv = tvLambdas.map((lam) => {
    const x = totalVariation2D(lam / 255, rows, cols, { tol: 1e-4, maxIter: 300 }).prox(y);
    return { lambda: lam, psnr: psnr1(x) };
  });
  const best = <T extends { psnr: number }>(a: T[]): T => a.reduce((b, r) => (r.psnr > b.psnr ? r : b));
  const res = {
    command: `node scripts/sparse.mjs ${argv.join(' ')}`, patch: p, sigma: sigma * 255, hidden, epochs, lr, batchSize, stride, gammas,
    trainingPatches: X.length / (p * p), seconds: (Date.now() - t0) / 1000, stages,
    psnrNoisy: psnr1(y), psnrDirect: psnr1(direct), psnrDirectStride1: direct1 ? psnr1(direct1) : undefined, pnp, tv, bestPnp: best(pnp), bestTv: best(tv),
  };
  console.log(JSON.stringify(res));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sparse-lpn-image.json'), JSON.stringify(res, null, 1));
  const bestX = admm(translated(sqrNormL2(res.bestPnp.lambda), y), D, { maxIter: Number(opt('iters', '20')), tol: 0, z0: y }).x;
  const tvX = totalVariation2D(res.bestTv.lambda / 255, rows, cols, { tol: 1e-4, maxIter: 300 }).prox(y);
  const panel = (img: ArrayLike<number>, label: string, note: string) => ({ href: pngDataUri(grayPng(Array.from(img, (v) => 255 * v), rows, cols)), width: 256, height: 256, label, note });
  writeFileSync(join(outDir, 'sparse-lpn-image.svg'), imageFigure({
    title: `Plug-and-play denoising with a learned proximal network (Beato, boats at Nagasaki; noise σ = ${sigma * 255} grey levels)`,
    panels: [
      panel(y, 'noisy', `PSNR ${res.psnrNoisy.toFixed(2)} dB`),
      panel(bestX, 'LPN in ADMM', `λ = ${res.bestPnp.lambda}: ${res.bestPnp.psnr.toFixed(2)} dB`),
      panel(tvX, '2-D TV', `λ = ${res.bestTv.lambda}: ${res.bestTv.psnr.toFixed(2)} dB`),
    ],
    caption: `The LPN (f = ∇ψ, ψ input-convex, on ${p} × ${p} patches, trained on two other photographs) is the prox of the regulariser in ADMM ` +
      `(${opt('iters', '20')} iterations, data term λ/2‖x − y‖²); overlapping patches (stride ${stride}) are averaged. TV: the prox of λ·TV₂ (anisotropic). ` +
      'For each method the best λ of its sweep on this image is shown.',
  }));
  freeLpn(net);
}

if (mode === 'figures') {
  // Redraws the SVG figures from the recorded JSON (no training): learned bar fields, the ProxSparse
  // accuracy table, the LPN map on the Laplacian toy.
  const read = (name: string): any => JSON.parse(readFileSync(join(outDir, name), 'utf8'));
  const R = 5;
  const D = R * R;
  const field = (v: ArrayLike<number>, label: string, note?: string) => ({
    href: pngDataUri(png(Array.from(v, (x) => Math.max(0, Math.min(255, 25.5 * x))), R, R, 1, 1)), width: 48, height: 48, label, note, pixelated: true,
  });
  if (existsSync(join(outDir, 'sparse-bars-bsc.json')) && existsSync(join(outDir, 'sparse-bars-mca.json'))) {
    const panels = [];
    const truth = barsTest({ seed: 1 }).W.data;
    for (let h = 0; h < 10; h++) panels.push(field(truth.subarray(h * D, (h + 1) * D), `bar ${h + 1}`, 'true'));
    const lines: string[] = [];
    for (const model of ['bsc', 'mca']) {
      const j = read(`sparse-bars-${model}.json`);
      // seed 1 when its fields were recorded, else the first recovered seed that has them, else any
      const row = j.rows.find((r: any) => r.seed === 1 && r.W) ?? j.rows.find((r: any) => r.W && r.recovered) ?? j.rows.find((r: any) => r.W);
      const fit = matchFields({ data: Float64Array.from(row.W), rows: 10, cols: D }, barsTest({ seed: row.seed, superposition: model === 'bsc' ? 'linear' : 'max' }).W);
      for (let h = 0; h < 10; h++) {
        const k = fit.pairs[h]!;
        panels.push(field(row.W.slice(k * D, (k + 1) * D), `${model.toUpperCase()} s${row.seed}`, `cos ${fit.cosine[h]!.toFixed(3)}`));
      }
      lines.push(`${model.toUpperCase()}: all bars, π̂ and σ̂ recovered in ${j.good} of ${j.total} seeds`);
    }
    writeFileSync(join(outDir, 'sparse-bars.svg'), imageFigure({
      title: 'Bars test: the true bars and the fields learned by truncated EM (label: model and seed)',
      panels,
      columns: 10,
      caption: 'First row: the ten true bars (5 × 5 pixels, value 10). Second row: binary sparse coding on summed bars; third row: maximal causes ' +
        'analysis on max-superposed bars (N = 1000, H′ = 8, γ = 5, ProSper\'s annealing). Each learned field sits under the true bar it was matched to ' +
        `(greedy cosine matching), on the same grey scale (0 black, 10 white). ${lines.join('; ')}.`,
    }));
  }
  if (existsSync(join(outDir, 'sparse-proxsparse.json'))) {
    const j = read('sparse-proxsparse.json');
    const keys: [string, string][] = [
      ['dense', 'dense'], ['magnitude', 'magnitude 2:4'], ['proxSparse', 'ProxSparse 2:4'],
      ['magnitudeRetrained', `magnitude 2:4 + ${j.retrain} ep.`], ['proxSparseRetrained', `ProxSparse 2:4 + ${j.retrain} ep.`],
      ['magnitudeRetrainedLong', `magnitude 2:4 + ${j.epochs + j.retrain} ep.`],
    ];
    const header = ['model', ...j.rows.map((r: any) => `seed ${r.seed}`), 'mean'];
    const body = keys.map(([k, label]) => {
      const v = j.rows.map((r: any) => 100 * r[k]);
      return [label, ...v.map((x: number) => `${x.toFixed(1)} %`), `${(v.reduce((a: number, b: number) => a + b, 0) / v.length).toFixed(1)} %`];
    });
    writeFileSync(join(outDir, 'sparse-proxsparse.svg'), tableSvg(
      'ProxSparse vs magnitude 2:4 masks: test accuracy of the digits MLP (64–64–32–10, 450 test digits)', header, body,
      `ProxSparse: ${j.epochs} epochs of proximal SGD with λ = ${j.lambda} on the regulariser Σ|wᵢwⱼwₖ| per group of four, then the top two of each group ` +
        `frozen. "+ n ep.": n epochs of retraining the kept weights. Every frozen mask is exactly 2:4. One test digit is 0.22 points.`,
    ));
  }
  if (existsSync(join(outDir, 'sparse-lpn-toy.json'))) {
    const j = read('sparse-lpn-toy.json');
    // further seeds of the same command, when recorded (sparse-lpn-toy-seed2.json, …): their proximal-matching curves
    const more = [2, 3, 4, 5].filter((k) => existsSync(join(outDir, `sparse-lpn-toy-seed${k}.json`))).map((k) => read(`sparse-lpn-toy-seed${k}.json`));
    const drawsNote = j.draws > 1 ? ` Each y (uniform on [−${j.yrange}, ${j.yrange}]) was trained with ${j.draws} draws of x${j.stratified ? ' at stratified quantiles' : ''} of its exact posterior.` : '';
    const seedsNote = more.length > 0 ? ` Other seeds: ${more.map((m) => `${m.pmVsSoftThreshold.toFixed(3)} (seed ${m.seed})`).join(', ')} from the soft-threshold; squared error ${more.map((m) => m.l2VsMmse.toFixed(3)).join(', ')} from the MMSE.` : '';
    const regNote = j.pmRegulariser ? ` Lower panel: the regulariser each network is the prox of, R(f(y)) = y·f(y) − ½f(y)² − ψ(y), shifted to 0 at x = 0; max |R(x) − |x|| for |x| ≤ 3: ${j.pmRegulariserVsAbs.toFixed(3)} (proximal matching), ${j.l2RegulariserVsAbs.toFixed(3)} (squared error).` : '';
    writeFileSync(join(outDir, 'sparse-lpn-toy.svg'), lineFigure({
      title: 'Learned proximal networks on x ~ Laplace(1), y = x + N(0, 1)',
      panels: [{
        x: { label: 'noisy input y' }, y: { label: 'f(y)' },
        series: [
          { name: 'soft-threshold at 1 (MAP)', x: j.grid, y: j.softThreshold },
          { name: `LPN, proximal matching${more.length > 0 ? `, seed ${j.seed}` : ''}`, x: j.grid, y: j.pm },
          ...more.map((m) => ({ name: `LPN, proximal matching, seed ${m.seed}`, x: m.grid, y: m.pm })),
          ...(j.pmAverage && more.length === 0 ? [{ name: `LPN, proximal matching, mean of the last ${j.average} stages`, x: j.grid, y: j.pmAverage }] : []),
          { name: 'E[x | y] (MMSE, numerical integration)', x: j.grid, y: j.mmse },
          { name: 'LPN, squared error', x: j.grid, y: j.l2 },
        ],
      }, ...(j.pmRegulariser ? [{
        x: { label: 'x = f(y)' }, y: { label: 'implied regulariser R(x)' },
        series: [
          { name: '|x| (−log of the Laplace(1) density, up to a constant)', x: j.pmRegulariser.x, y: j.pmRegulariser.x.map(Math.abs) },
          { name: `R of the proximal-matching LPN${more.length > 0 ? `, seed ${j.seed}` : ''}`, x: j.pmRegulariser.x, y: j.pmRegulariser.R },
          { name: 'R of the squared-error LPN', x: j.l2Regulariser.x, y: j.l2Regulariser.R },
        ],
      }] : [])],
      width: 640,
      plotHeight: 320,
      caption: `Both networks are f = ∇ψ with ψ input-convex (so f is a proximal operator). Max |f − soft-threshold| on [−4, 4]: ` +
        `${j.pmVsSoftThreshold.toFixed(3)} for proximal matching (γ down to ${j.gammas[j.gammas.length - 1]})` +
        `${j.pmAverage && more.length === 0 ? `, ${j.pmAverageVsSoftThreshold.toFixed(3)} for the mean of its last ${j.average} stages (itself an LPN: ψ = mean of the ψ's)` : ''}; max |f − MMSE|: ${j.l2VsMmse.toFixed(3)} for the ` +
        `squared-error network (${j.pmVsMmse.toFixed(3)} for proximal matching, ${j.l2VsSoftThreshold.toFixed(3)} from the squared-error network to the soft-threshold).${drawsNote}${seedsNote}${regNote}`,
    }));
  }
}

/** A plain SVG table (header row, body rows, caption). */
function tableSvg(title: string, header: string[], rows: string[][], caption: string): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)) * 7.4 + 20);
  const W = Math.max(widths.reduce((a, b) => a + b, 0) + 24, 640);
  const lh = 24;
  const out: string[] = [];
  out.push(`<text x="12" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`);
  const top = 44;
  [header, ...rows].forEach((r, i) => {
    let x = 12;
    const y = top + i * lh;
    if (i % 2 === 1) out.push(`<rect x="12" y="${y}" width="${W - 24}" height="${lh}" fill="#f2f2f2"/>`);
    r.forEach((cell, c) => {
      out.push(`<text x="${(c === 0 ? x + 6 : x + widths[c]! - 8).toFixed(1)}" y="${y + 16}" font-size="12.5"${c === 0 ? '' : ' text-anchor="end"'}${i === 0 ? ' font-weight="bold"' : ''}>${esc(cell)}</text>`);
      x += widths[c]!;
    });
  });
  const yCap = top + (rows.length + 1) * lh + 18;
  out.push(`<line x1="12" x2="${W - 12}" y1="${top + lh}" y2="${top + lh}" stroke="#333"/>`);
  // caption wrapped at ~ 100 characters
  const words = caption.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if ((cur + ' ' + w).length > (W - 24) / 6.3) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  lines.forEach((l, i) => out.push(`<text x="12" y="${yCap + i * 16}" font-size="11.5" fill="#333">${esc(l)}</text>`));
  const H = yCap + lines.length * 16 + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Verdana, Arial, Helvetica, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${out.join('')}</svg>\n`;
}
