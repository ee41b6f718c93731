/**
 * The bounds family's section of `proxkit demo`: the digits MLP embedded in the package
 * (data/models/digits-mlp.json, trained by `trainMlp` — regenerate with `node scripts/train-digits.mjs`),
 * its clean accuracy, certified accuracy under L∞ perturbations for IBP / CROWN / α-CROWN next to a
 * PGD attack's upper bound, and local Lipschitz bounds at a few test images. Writes an SVG plot of
 * certified accuracy vs radius to proxkit-bounds.svg in the figures folder.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { certifiedAccuracy, computeBounds, evaluateNetwork, localLipschitz, seededSplit, verify, trainMlp, type NetworkSpec, type TrainMlpResult, type TrainEpoch } from '../index.js';
import { loadOnnx } from '../onnx.js';
import type { DemoContext, DemoSection } from './index.js';
import { digits } from '../datasets.js';
import digitsMlp from '../../data/models/digits-mlp.json';
import digitsOnnx from '../../data/models/digits-mlp.onnx';

/** The fixed split of the 1797 digits: 450 test images chosen by `seededSplit(1797, 450, 7)`, 1347 for training. */
export const DIGITS_SPLIT = { testSize: 450, seed: 7 } as const;

/** The settings `node scripts/train-digits.mjs` trains the embedded model with (64-64-32-10). */
export const DIGITS_TRAINING = { hidden: [64, 32], epochs: 40, learningRate: 2e-3, batchSize: 32, seed: 1, weightDecay: 1e-4, float32: true } as const;

/** The digits scaled to [0, 1] (pixel / 16), split into train and test parts. */
export function digitsData(): { train: { X: number[][]; y: number[] }; test: { X: number[][]; y: number[] } } {
  const { images, labels } = digits();
  const X = images.map((r) => r.map((v) => v / 16));
  const { train, test } = seededSplit(X.length, DIGITS_SPLIT.testSize, DIGITS_SPLIT.seed);
  const part = (idx: number[]) => ({ X: idx.map((i) => X[i]!), y: idx.map((i) => labels[i]!) });
  return { train: part(train), test: part(test) };
}

/** Trains the digits MLP with `DIGITS_TRAINING` (what the embedded JSON holds). */
export function trainDigitsMlp(onProgress?: (info: TrainEpoch) => void): TrainMlpResult {
  const { train, test } = digitsData();
  return trainMlp(train.X, train.y, { ...DIGITS_TRAINING, hidden: [...DIGITS_TRAINING.hidden], testX: test.X, testY: test.y, onProgress });
}

/** The embedded, trained digits MLP (64 inputs in [0, 1], logits for 0–9). */
export function digitsModel(): NetworkSpec {
  return digitsMlp as NetworkSpec;
}

/** The same network as written by proxkit's `exportOnnx` (data/models/digits-mlp.onnx, float32 initializers). */
export function digitsOnnxBytes(): Uint8Array {
  return digitsOnnx;
}

/**
 * The VNN-COMP robustness property of test image x with label `label` at L∞ radius ε (box clipped to
 * [0, 1]): the unsafe set is "some other logit ≥ the true one", one clause per other class.
 */
export function robustnessVnnlib(x: ArrayLike<number>, label: number, eps: number, classes = 10): string {
  const lines: string[] = [];
  for (let i = 0; i < x.length; i++) lines.push(`(declare-const X_${i} Real)`);
  for (let j = 0; j < classes; j++) lines.push(`(declare-const Y_${j} Real)`);
  for (let i = 0; i < x.length; i++) {
    lines.push(`(assert (>= X_${i} ${Math.max(0, x[i]! - eps)}))`, `(assert (<= X_${i} ${Math.min(1, x[i]! + eps)}))`);
  }
  const others = Array.from({ length: classes }, (_, j) => j).filter((j) => j !== label);
  lines.push(`(assert (or ${others.map((j) => `(and (>= Y_${j} Y_${label}))`).join(' ')}))`);
  return lines.join('\n') + '\n';
}

const RADII = [0, 0.005, 0.01, 0.02, 0.05, 0.1];
const COLORS: Record<string, string> = { ibp: '#1f77b4', crown: '#2ca02c', alpha: '#d62728', attack: '#7f7f7f' };

/** Certified accuracy (and the attack's upper bound) vs radius, one polyline per method. */
function svg(radii: number[], curves: Record<string, number[]>, title: string): string {
  const [W, H, ml, mr, mt, mb] = [620, 360, 60, 210, 40, 50];
  const xmax = Math.max(...radii);
  const px = (r: number): number => ml + (r / xmax) * (W - ml - mr);
  const py = (a: number): number => mt + (1 - a) * (H - mt - mb);
  const parts: string[] = [`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>`];
  parts.push(`<line x1="${ml}" y1="${py(0)}" x2="${W - mr}" y2="${py(0)}" stroke="#000"/><line x1="${ml}" y1="${py(0)}" x2="${ml}" y2="${py(1)}" stroke="#000"/>`);
  for (const a of [0, 0.25, 0.5, 0.75, 1]) parts.push(`<text x="${ml - 6}" y="${py(a) + 4}" text-anchor="end" font-size="11">${a.toFixed(2)}</text><line x1="${ml}" y1="${py(a)}" x2="${W - mr}" y2="${py(a)}" stroke="#ddd"/>`);
  let lastLabel = -Infinity;
  for (const r of radii) {
    parts.push(`<line x1="${px(r)}" y1="${py(0)}" x2="${px(r)}" y2="${py(0) + 4}" stroke="#000"/>`);
    if (px(r) - lastLabel < 34) continue; // keep tick labels from overlapping
    parts.push(`<text x="${px(r)}" y="${py(0) + 16}" text-anchor="middle" font-size="11">${r}</text>`);
    lastLabel = px(r);
  }
  parts.push(`<text x="${(ml + W - mr) / 2}" y="${H - 12}" text-anchor="middle" font-size="12">L∞ radius ε (pixels in [0, 1])</text>`);
  parts.push(`<text x="16" y="${(mt + H - mb) / 2}" transform="rotate(-90 16 ${(mt + H - mb) / 2})" text-anchor="middle" font-size="12">accuracy</text>`);
  Object.entries(curves).forEach(([name, ys], c) => {
    const pts = radii.map((r, i) => [px(r), py(ys[i]!)] as const).filter(([, y]) => Number.isFinite(y));
    const dash = name === 'attack' ? ' stroke-dasharray="5 4"' : '';
    const color = COLORS[name.startsWith('alpha') ? 'alpha' : name] ?? '#000';
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<line x1="${W - mr + 12}" y1="${mt + 18 * c + 10}" x2="${W - mr + 36}" y2="${mt + 18 * c + 10}" stroke="${color}" stroke-width="2"${dash}/><text x="${W - mr + 42}" y="${mt + 18 * c + 14}" font-size="12">${name === 'attack' ? 'PGD (upper bd.)' : name}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '   —  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

export const boundsDemo: DemoSection = {
  name: 'bounds',
  title: 'Certified robustness of a digits MLP (IBP / CROWN / α-CROWN) and local Lipschitz bounds',
  run(ctx: DemoContext) {
    // The model as a user would receive it: the ONNX file proxkit's exporter wrote, read back by loadOnnx.
    const net = loadOnnx(digitsOnnxBytes());
    const { test } = digitsData();
    const sizes = [net.input, ...net.layers.filter((l) => l.type === 'linear').map((l) => l.outSize)];
    ctx.log(`model: data/models/digits-mlp.onnx (exportOnnx of data/models/digits-mlp.json, read back by loadOnnx), a ${sizes.join('-')} ReLU MLP`);
    ctx.log(`  trained by trainMlp (Adam, ${DIGITS_TRAINING.epochs} epochs) on 1347 of the 1797 UCI digits; pixels / 16 in [0, 1]`);
    const all = certifiedAccuracy(net, test.X, test.y, { radii: RADII, methods: ['ibp', 'crown'], attack: { steps: 20, restarts: 2, seed: ctx.seed } });
    // α-CROWN costs ~40 optimisation passes per example and radius: run it on a subset, next to CROWN.
    const nSub = 150;
    const sub = certifiedAccuracy(net, test.X.slice(0, nSub), test.y.slice(0, nSub), { radii: RADII, methods: ['crown', 'alpha-crown'], attack: false, alpha: { iterations: 20 } });
    ctx.log(`clean test accuracy: ${(100 * all.clean).toFixed(1)}% (${all.n} test images)`);
    ctx.log('certified accuracy (correct AND every margin y_true − y_j proved > 0 on the L∞ box clipped to [0, 1]):');
    ctx.log(`          all ${all.n} test images                first ${nSub} test images`);
    ctx.log(`  ε       ${['ibp', 'crown', 'PGD ub'].map((h) => h.padStart(9)).join('')}        ${['crown', 'α-crown'].map((h) => h.padStart(9)).join('')}`);
    RADII.forEach((r, i) => {
      const left = [all.certified.ibp![i], all.certified.crown![i], all.attack![i]].map((v) => pct(v).padStart(9)).join('');
      const right = [sub.certified.crown![i], sub.certified['alpha-crown']![i]].map((v) => pct(v).padStart(9)).join('');
      ctx.log(`  ${String(r).padEnd(6)}  ${left}        ${right}`);
    });
    ctx.log('  PGD ub: correct and not broken by a PGD attack (20 steps, 2 starts) — an upper bound on the true robust');
    ctx.log('  accuracy, which lies between the certified and PGD columns. α-CROWN: 20 projected-gradient steps on the');
    ctx.log(`  ReLU lower slopes, on the first ${nSub} test images only to keep this section short.`);
    ctx.log(`  time: ibp ${(all.elapsedMs.ibp! / 1000).toFixed(1)} s, crown ${(all.elapsedMs.crown! / 1000).toFixed(1)} s, PGD ${(all.elapsedMs.attack! / 1000).toFixed(1)} s (${all.n} images); α-crown ${(sub.elapsedMs['alpha-crown']! / 1000).toFixed(1)} s (${nSub} images)`);

    ctx.log('local Lipschitz constant of the logits w.r.t. ‖·‖∞ (max_x max_i ‖∇y_i(x)‖₁ over the L∞ ball; CROWN pre-activation');
    ctx.log('bounds, interval Clarke Jacobian branched on the 10 most influential unstable ReLUs; lower: exact ‖J(x)‖ at 300 samples,\n' +
      'hill climbing and a search for the worst leaf\'s activation pattern):');
    ctx.log('  image  label   ε      unstable    lower (search)   upper (bound)   upper/lower');
    for (const i of [0, 1, 2]) {
      for (const eps of [0.01, 0.05]) {
        const r = localLipschitz(net, { center: test.X[i]!, radius: eps, norm: 'inf' }, { samples: 300, searchSteps: 100, seed: ctx.seed });
        ctx.log(`  ${String(i).padStart(5)}  ${String(test.y[i]).padStart(5)}   ${eps.toFixed(2)}  ${String(r.unstable).padStart(8)}   ${r.lower.toFixed(3).padStart(15)}   ${r.upper.toFixed(3).padStart(13)}${r.exactOverBox ? '*' : ' '}  ${(r.upper / r.lower).toFixed(2).padStart(11)}`);
      }
    }
    ctx.log('  * every unstable ReLU branched: the exact maximum over the derivative box (the remaining gap is');
    ctx.log('    derivative patterns no input in the ball realises, or that the search missed).');
    const curves: Record<string, number[]> = { ibp: all.certified.ibp!, crown: all.certified.crown!, [`alpha-crown (first ${nSub})`]: sub.certified['alpha-crown']!, attack: all.attack! };
    const file = resolve(ctx.figures ?? '.', 'proxkit-bounds.svg');
    writeFileSync(file, svg(RADII, curves, `digits MLP ${sizes.join('-')}: certified accuracy vs L∞ radius`));
    ctx.log(`wrote ${file}`);

    // The expressivity point ("Expressivity of ReLU-Networks under Convex Relaxations", 2023): simple piecewise-linear functions whose exact
    // range single-neuron relaxations cannot reach on some boxes.
    ctx.log('relaxations on networks encoding piecewise-linear functions (true range from a grid through every breakpoint):');
    const shapes: [string, NetworkSpec, number[], number[]][] = [
      ['max(x, y) = y + relu(x − y)', { input: 2, layers: [{ type: 'linear', weight: [[1, -1]] }, { type: 'relu' }, { type: 'linear', weight: [[0, 1]], inputs: [-1] }, { type: 'add', inputs: [1, 2] }] }, [-1, -1], [1, 1]],
      ['|x| = relu(x) + relu(−x)', { input: 1, layers: [{ type: 'linear', weight: [[1], [-1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] }] }, [-1], [2]],
      ['hat(x) = relu(x) − 2relu(x−1) + relu(x−2)', { input: 1, layers: [{ type: 'linear', weight: [[1], [1], [1]], bias: [0, -1, -2] }, { type: 'relu' }, { type: 'linear', weight: [[1, -2, 1]] }] }, [0.5], [1.5]],
    ];
    ctx.log(`  ${'function'.padEnd(42)} ${'box'.padEnd(16)} ${'true'.padEnd(12)} ${['ibp', 'crown', 'alpha-crown'].map((m) => m.padEnd(16)).join('')}`);
    for (const [label, spec, lo, hi] of shapes) {
      const G = 240; // every breakpoint of these functions lies on this grid
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i <= G; i++) {
        for (let j = 0; j <= (lo.length > 1 ? G : 0); j++) {
          const x = lo.map((l, d) => l + ((hi[d]! - l) * (d === 0 ? i : j)) / G);
          const y = evaluateNetwork(spec, x)[0]!;
          min = Math.min(min, y);
          max = Math.max(max, y);
        }
      }
      const fmt = (a: number, b: number) => `[${+a.toFixed(3)}, ${+b.toFixed(3)}]`;
      const cols = (['ibp', 'crown', 'alpha-crown'] as const).map((method) => {
        const b = computeBounds(spec, { lower: lo, upper: hi }, { method, alpha: { iterations: 50 } });
        return fmt(b.lower[0]!, b.upper[0]!).padEnd(16);
      });
      ctx.log(`  ${label.padEnd(42)} ${`[${lo}]–[${hi}]`.padEnd(16)} ${fmt(min, max).padEnd(12)} ${cols.join('')}`);
    }

    // Complete verification of VNN-COMP style robustness properties, and the files to repeat it with the CLI.
    ctx.log('verify (input splitting, then ReLU splitting; CROWN bounds; PGD counterexample search) on test images:');
    writeFileSync(resolve(ctx.figures ?? '.', 'proxkit-digits-mlp.onnx'), digitsOnnxBytes());
    for (const [k, eps] of [[0, 0.01], [0, 0.1], [1, 0.1]] as const) {
      const x = test.X[k]!;
      const label = test.y[k]!;
      const text = robustnessVnnlib(x, label, eps);
      const name = `proxkit-digits-${k}-eps${eps}.vnnlib`;
      writeFileSync(resolve(ctx.figures ?? '.', name), text);
      const r = verify(net, text, { timeout: 20 });
      let detail = `${r.statistics.nodes} nodes, ${(r.statistics.timeMs / 1000).toFixed(2)} s`;
      if (r.counterexample) {
        const out = evaluateNetwork(net, r.counterexample.inputs);
        const top = out.indexOf(Math.max(...out));
        detail += `; counterexample re-evaluated: classified ${top}, max |x − x₀| = ${Math.max(...r.counterexample.inputs.map((v, i) => Math.abs(v - x[i]!))).toFixed(4)}`;
      }
      ctx.log(`  image ${k} (label ${label}), ε = ${eps}: ${r.verdict} (${detail}); ${name}`);
    }
    ctx.log('  repeat with: proxkit verify proxkit-digits-mlp.onnx proxkit-digits-1-eps0.1.vnnlib --json');
  },
};
