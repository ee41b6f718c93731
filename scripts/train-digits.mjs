// Regenerates data/models/digits-mlp.json and digits-mlp.onnx: trains the digits MLP with the settings
// of bindings/demo/bounds.ts (DIGITS_TRAINING, DIGITS_SPLIT) through the package's own trainMlp, and
// writes the network (parameters rounded to float32) as the bounds family's JSON model and, through
// proxkit's own exportOnnx (opset 13, float32 initializers: lossless here), as ONNX.
// Usage: node scripts/train-digits.mjs [--out data/models/digits-mlp.json]  (the .onnx goes beside it)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

const i = process.argv.indexOf('--out');
const out = resolve(root, i >= 0 ? process.argv[i + 1] : 'data/models/digits-mlp.json');
const dir = mkdtempSync(join(tmpdir(), 'proxkit-train-'));
const entry = `
import { init } from './bindings/index.ts';
import { exportOnnx } from './bindings/onnx.ts';
import { trainDigitsMlp, DIGITS_TRAINING, DIGITS_SPLIT } from './bindings/demo/bounds.ts';
export async function run(log) {
  await init();
  const r = trainDigitsMlp((e) => log(\`epoch \${e.epoch}: loss \${e.loss.toFixed(4)}, train \${(100 * e.trainAccuracy).toFixed(1)}%, test \${(100 * e.testAccuracy).toFixed(1)}%\`));
  return { network: r.network, onnx: exportOnnx(r.network), last: r.history[r.history.length - 1], settings: DIGITS_TRAINING, split: DIGITS_SPLIT };
}`;
try {
  await esbuild.build({ ...common, stdin: { contents: entry, resolveDir: root, loader: 'ts' }, outfile: join(dir, 'train.mjs'), platform: 'node' });
  const { run } = await import(pathToFileURL(join(dir, 'train.mjs')).href);
  const { network, onnx, last } = await run(console.log);
  writeFileSync(out, JSON.stringify(network) + '\n');
  writeFileSync(out.replace(/\.json$/, '.onnx'), onnx);
  console.log(`wrote ${out}: train accuracy ${(100 * last.trainAccuracy).toFixed(2)}%, test accuracy ${(100 * last.testAccuracy).toFixed(2)}%`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
