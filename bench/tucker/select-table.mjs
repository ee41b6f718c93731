// The README's core-shape table: selectCoreShape's methods ('dp', 'hosvd', 'greedy', 'bruteForce') and
// uniformCoreShape on the two tensors of the tucker demo (UCI digits 1797 × 8 × 8, the Nagasaki boats
// photograph 102 × 128 × 3), at the demo's budgets. For each: the relative error ‖X − X̂‖/‖X‖ of HOOI
// with the chosen shape (same HOOI settings for every method, so only the shape differs) and the time
// the choice took (selection only: evaluate: false; the median of 3 runs for the fast methods).
// Runs over the built package: `node scripts/build.mjs && node bench/tucker/select-table.mjs [--markdown]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, hooi, selectCoreShape, uniformCoreShape } from '../../dist/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
await init({ wasm: readFileSync(`${root}dist/proxkit.wasm`) });

/** The digits as a 1797 × 8 × 8 tensor (pixels 0..16, as in the demo). */
function digitsTensor() {
  const rows = readFileSync(`${root}data/datasets/digits.csv`, 'utf8').split('\n').filter((l) => l.trim()).map((l) => l.split(',').map(Number));
  return { data: Float64Array.from(rows.flatMap((r) => r.slice(0, 64))), shape: [rows.length, 8, 8] };
}

/** A binary P6 PPM as an H × W × 3 tensor in [0, 1] (the demo's reader, restated for a script). */
function ppmTensor(file) {
  const bytes = readFileSync(file);
  const fields = [];
  let p = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[p]))) p++;
    if (bytes[p] === 0x23) {
      while (bytes[p] !== 0x0a) p++;
      continue;
    }
    let tok = '';
    while (!/\s/.test(String.fromCharCode(bytes[p]))) tok += String.fromCharCode(bytes[p++]);
    fields.push(tok);
  }
  p++;
  const [w, h, max] = [Number(fields[1]), Number(fields[2]), Number(fields[3])];
  const data = new Float64Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = bytes[p + i] / max;
  return { data, shape: [h, w, 3] };
}

const HOOI = { maxIter: 10, tol: 1e-6 };
const METHODS = ['dp', 'hosvd', 'greedy', 'uniform', 'bruteForce'];
/** Slow methods are run once; the others three times, the median kept. */
const REPEATS = { dp: 3, hosvd: 3, uniform: 3, greedy: 1, bruteForce: 1 };

function choose(X, budget, method) {
  if (method === 'uniform') return uniformCoreShape(X.shape, budget);
  return selectCoreShape(X, budget, { method, hooi: { maxIter: HOOI.maxIter, tol: HOOI.tol }, evaluate: false, maxShapes: 5000 }).shape;
}

function measure(X, budget, method) {
  const times = [];
  let shape;
  for (let i = 0; i < REPEATS[method]; i++) {
    const t0 = performance.now();
    shape = choose(X, budget, method);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { shape, ms: times[times.length >> 1], error: hooi(X, shape, HOOI).relativeError };
}

const tensors = [
  { name: 'digits 1797×8×8', X: digitsTensor(), budgets: [2000, 4000, 8000, 16000, 32000] },
  { name: 'photo 102×128×3', X: ppmTensor(`${root}data/images/nagasaki-boats-rgb-128.ppm`), budgets: [600, 1200, 2400, 4800, 9600] },
];
const markdown = process.argv.includes('--markdown');
const fmtMs = (ms) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
if (markdown) {
  console.log(`| tensor | budget | ${METHODS.map((m) => `${m}: error, ms`).join(' | ')} |`);
  console.log(`|---|---|${METHODS.map(() => '---').join('|')}|`);
}
for (const { name, X, budgets } of tensors) {
  for (const budget of budgets) {
    const cells = METHODS.map((m) => ({ method: m, ...measure(X, budget, m) }));
    const best = Math.min(...cells.map((c) => c.error));
    if (markdown) {
      const cell = (c) => `${c.error.toFixed(4)}${c.error === best ? ' ✓' : ''}, ${fmtMs(c.ms)}`;
      console.log(`| ${name} | ${budget} | ${cells.map(cell).join(' | ')} |`);
    } else {
      console.log(`${name} B=${budget}`);
      for (const c of cells) console.log(`  ${c.method.padEnd(10)} shape ${c.shape.join('×').padEnd(12)} error ${c.error.toFixed(5)}  ${fmtMs(c.ms)} ms`);
    }
  }
}
