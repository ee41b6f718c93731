/**
 * The bounds family's section of `proxkit demo`: the digits MLP embedded in the package
 * (data/models/digits-mlp.json, trained by `trainMlp` — regenerate with `node scripts/train-digits.mjs`),
 * its clean accuracy, certified accuracy under L∞ perturbations for IBP / CROWN / α-CROWN next to a
 * PGD attack's upper bound (every method on the same test images), local Lipschitz bounds at a few
 * test images, relaxations of piecewise-linear functions and complete verification. Writes an SVG plot
 * of certified accuracy vs radius to proxkit-bounds.svg in the figures folder, the ONNX model and the
 * VNNLIB properties it verifies. The quick tour: 25 images, one verification.
 */
import { certifiedAccuracy, computeBounds, evaluateNetwork, localLipschitz, seededSplit, verify, trainMlp, type NetworkSpec, type TrainMlpResult, type TrainEpoch } from '../index.js';
import { loadOnnx } from '../onnx.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';
import { lineFigure } from '../plot/svg.js';
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
/**
 * Test images every method runs on: α-CROWN (~40 optimisation passes per image and radius) sets the
 * time, about 25 s for 150 images here (all 450 take three times as long); the quick tour takes 25.
 */
const FULL_IMAGES = 150;
const QUICK_IMAGES = 25;

/** Certified accuracy (and the attack's upper bound) vs radius, every method on the same images. */
function figure(radii: number[], curves: { name: string; values: number[] }[], arch: string, images: string): string {
  return lineFigure({
    title: `Certified accuracy of the digits MLP (${arch}, UCI digits) vs L∞ radius: IBP, CROWN and α-CROWN, with a PGD attack as upper bound, all on ${images}`,
    width: 680,
    panels: [{
      x: { label: 'L∞ radius ε (pixel values scaled to [0, 1])', domain: [0, Math.max(...radii)] },
      y: { label: 'test images (%)', domain: [0, 100] },
      series: curves.map((c) => ({ name: c.name, x: radii, y: c.values.map((v) => 100 * v) })),
    }],
    styles: { 'PGD attack (upper bound)': { color: '#000000', dash: '3 3', marker: 'circle', filled: false, size: 4, width: 1.5 } },
    caption:
      'Certified: correctly classified and every margin y_true − y_j proved positive over the L∞ ball around the image (clipped to [0, 1]). ' +
      'Each certified curve is a lower bound on the robust accuracy and α-CROWN is never below CROWN; the PGD curve (20 sign-gradient steps, ' +
      '2 random starts) counts images the attack could not break, an upper bound. The true robust accuracy lies between the best certified curve and PGD.',
  });
}

/** Verifies robustness properties of test images (index, ε), writing each as a VNNLIB file. */
function verifyCases(ctx: DemoContext, net: ReturnType<typeof loadOnnx>, test: { X: number[][]; y: number[] }, cases: [number, number][]): void {
  ctx.log('verify (β-CROWN ReLU branch and bound, CROWN root bounds; PGD counterexample search) on test images:');
  for (const [k, eps] of cases) {
    const x = test.X[k]!;
    const label = test.y[k]!;
    const text = robustnessVnnlib(x, label, eps);
    const name = `proxkit-digits-${k}-eps${eps}.vnnlib`;
    const r = verify(net, text, { timeout: 20 });
    let detail = `${r.statistics.nodes} nodes, ${(r.statistics.timeMs / 1000).toFixed(2)} s`;
    if (r.counterexample) {
      const out = evaluateNetwork(net, r.counterexample.inputs);
      const top = out.indexOf(Math.max(...out));
      detail += `; counterexample re-evaluated: classified ${top}, max |x − x₀| = ${Math.max(...r.counterexample.inputs.map((v, i) => Math.abs(v - x[i]!))).toFixed(4)}`;
    }
    ctx.log(`  image ${k} (label ${label}), ε = ${eps}: ${r.verdict} (${detail})`);
    writeOutput(ctx, name, text, `its robustness property, VNNLIB`);
  }
  ctx.log('  repeat with: proxkit verify proxkit-digits-mlp.onnx proxkit-digits-1-eps0.1.vnnlib --json');
}

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '   —  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

export const boundsDemo: DemoSection = {
  name: 'bounds',
  title: 'certified robustness of a digits MLP (IBP / CROWN / α-CROWN), local Lipschitz bounds, verification',
  run(ctx: DemoContext) {
    // The model as a user would receive it: the ONNX file proxkit's exporter wrote, read back by loadOnnx.
    const net = loadOnnx(digitsOnnxBytes());
    const { test: all } = digitsData();
    const n = ctx.quick ? QUICK_IMAGES : FULL_IMAGES;
    const test = { X: all.X.slice(0, n), y: all.y.slice(0, n) };
    const images = `the first ${n} of the ${all.X.length} test images`;
    const sizes = [net.input, ...net.layers.filter((l) => l.type === 'linear').map((l) => l.outSize)];
    ctx.log(`model: data/models/digits-mlp.onnx (exportOnnx of data/models/digits-mlp.json, read back by loadOnnx), a ${sizes.join('-')} ReLU MLP`);
    ctx.log(`  trained by trainMlp (Adam, ${DIGITS_TRAINING.epochs} epochs) on 1347 of the 1797 UCI digits; pixels / 16 in [0, 1]`);
    // Every method on the same images: α-CROWN (~40 optimisation passes per image and radius) sets the time.
    const res = certifiedAccuracy(net, test.X, test.y, {
      radii: RADII, methods: ['ibp', 'crown', 'alpha-crown'], attack: { steps: 20, restarts: 2, seed: ctx.seed }, alpha: { iterations: 20 },
    });
    ctx.log(`clean test accuracy: ${(100 * res.clean).toFixed(1)}% (${images})`);
    ctx.log(`certified accuracy on ${images} (correct AND every margin y_true − y_j proved > 0 on the L∞ box clipped to [0, 1]):`);
    ctx.log(`  ε       ${['ibp', 'crown', 'α-crown', 'PGD ub'].map((h) => h.padStart(9)).join('')}`);
    RADII.forEach((r, i) => {
      const cells = [res.certified.ibp![i], res.certified.crown![i], res.certified['alpha-crown']![i], res.attack![i]].map((v) => pct(v).padStart(9)).join('');
      ctx.log(`  ${String(r).padEnd(6)}  ${cells}`);
    });
    ctx.log('  PGD ub: correct and not broken by a PGD attack (20 steps, 2 starts) — an upper bound on the true robust');
    ctx.log('  accuracy, which lies between the certified and PGD columns. α-CROWN: 20 projected-gradient steps on the ReLU lower slopes.');
    ctx.log(`  time (${n} images): ibp ${(res.elapsedMs.ibp! / 1000).toFixed(1)} s, crown ${(res.elapsedMs.crown! / 1000).toFixed(1)} s, α-crown ${(res.elapsedMs['alpha-crown']! / 1000).toFixed(1)} s, PGD ${(res.elapsedMs.attack! / 1000).toFixed(1)} s`);
    writeOutput(ctx, 'proxkit-bounds.svg', figure(RADII, [
      { name: 'IBP', values: res.certified.ibp! },
      { name: 'CROWN', values: res.certified.crown! },
      { name: 'α-CROWN', values: res.certified['alpha-crown']! },
      { name: 'PGD attack (upper bound)', values: res.attack! },
    ], sizes.join('-'), `${images}${ctx.quick ? ' (quick tour)' : ''}`), 'figure: certified accuracy vs radius');
    if (ctx.quick) {
      ctx.log(`  (quick tour; \`proxkit demo bounds\` runs ${FULL_IMAGES} test images, local Lipschitz bounds, relaxations of piecewise-linear functions and verification)`);
      writeOutput(ctx, 'proxkit-digits-mlp.onnx', digitsOnnxBytes(), 'the digits MLP, ONNX');
      verifyCases(ctx, net, all, [[1, 0.1]]);
      return;
    }

    ctx.log('local Lipschitz constant of the logits w.r.t. ‖·‖∞ (max_x max_i ‖∇y_i(x)‖₁ over the L∞ ball; CROWN pre-activation');
    ctx.log('bounds; upper: the smaller of the interval Clarke Jacobian branched on the 10 most influential unstable ReLUs and the\n' +
      'linear relaxation of its backward graph; lower: exact ‖J(x)‖ at 300 samples,\n' +
      'hill climbing and a search for the worst leaf\'s activation pattern):');
    ctx.log('  image  label   ε      unstable    lower (search)   upper (bound)   upper/lower');
    for (const i of [0, 1, 2]) {
      for (const eps of [0.01, 0.05]) {
        const r = localLipschitz(net, { center: test.X[i]!, radius: eps, norm: 'inf' }, { samples: 300, searchSteps: 100, seed: ctx.seed });
        ctx.log(`  ${String(i).padStart(5)}  ${String(test.y[i]).padStart(5)}   ${eps.toFixed(2)}  ${String(r.unstable).padStart(8)}   ${r.lower.toFixed(3).padStart(15)}   ${r.upper.toFixed(3).padStart(13)}${r.exactOverBox && r.upper === r.upperBy.interval ? '*' : ' '}  ${(r.upper / r.lower).toFixed(2).padStart(11)}`);
      }
    }
    ctx.log('  * every unstable ReLU branched: the exact maximum over the derivative box (the remaining gap is');
    ctx.log('    derivative patterns no input in the ball realises, or that the search missed).');

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
    writeOutput(ctx, 'proxkit-digits-mlp.onnx', digitsOnnxBytes(), 'the digits MLP, ONNX');
    verifyCases(ctx, net, all, [[0, 0.01], [0, 0.1], [1, 0.1]]);
  },
};
