/**
 * The tucker family's section of `proxkit demo`: core-shape selection under a parameter budget on two
 * real tensors — handwritten digits (1797 × 8 × 8) and a colour photograph (102 × 128 × 3) — comparing
 * the Tucker-packing DP (Ghadiri et al., ICML 2023), the exact truncated-HOSVD search, the paper's
 * greedy baseline (HOOI loss at every step) and TensorLy's uniform scaling. Writes an SVG plot of
 * error vs budget to proxkit-tucker.svg in the figures folder (default: the working directory).
 */
import { hooi, selectCoreShape, uniformCoreShape, type Tensor } from '../index.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';
import { lineFigure } from '../plot/svg.js';
import { digits } from '../datasets.js';
import boatsPpm from '../../data/images/nagasaki-boats-rgb-128.ppm';

/** A binary PPM (P6, maxval < 256) as an H × W × 3 tensor with values in [0, 1]. */
export function parsePpm(bytes: Uint8Array): Tensor {
  const fields: string[] = [];
  let p = 0;
  while (fields.length < 4) {
    while (p < bytes.length && /\s/.test(String.fromCharCode(bytes[p]!))) p++;
    if (bytes[p] === 0x23) {
      while (p < bytes.length && bytes[p] !== 0x0a) p++;
      continue;
    }
    let tok = '';
    while (p < bytes.length && !/\s/.test(String.fromCharCode(bytes[p]!))) tok += String.fromCharCode(bytes[p++]!);
    fields.push(tok);
  }
  p++; // the single whitespace after maxval
  const [magic, w, h, max] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (magic !== 'P6' || !(max > 0 && max < 256) || bytes.length - p < w * h * 3) throw new Error(`parsePpm: not a P6 PPM with maxval < 256 (got ${magic} ${w}×${h} max ${max})`);
  const data = new Float64Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = bytes[p + i]! / max;
  return { data, shape: [h, w, 3] };
}

interface Row {
  budget: number;
  method: string;
  shape: number[];
  error: number;
  ms: number;
}

const METHODS = ['dp', 'hosvd', 'greedy', 'uniform'] as const;
const LABELS: Record<(typeof METHODS)[number], string> = { dp: 'dp (Tucker packing)', hosvd: 'hosvd (exact search)', greedy: 'greedy (HOOI baseline)', uniform: 'uniform' };

/** Every method at every budget; the error of each shape is HOOI's with the same settings. */
function sweep(X: Tensor, budgets: number[], hooiMaxIter: number, greedyBudgets: number): Row[] {
  const rows: Row[] = [];
  const opts = { hooi: { maxIter: hooiMaxIter, tol: 1e-6 } };
  budgets.forEach((budget, b) => {
    for (const method of METHODS) {
      if (method === 'greedy' && b >= greedyBudgets) continue;
      const t0 = performance.now();
      let shape: number[];
      if (method === 'uniform') shape = uniformCoreShape(X.shape, budget);
      else shape = selectCoreShape(X, budget, { method, ...opts, evaluate: false }).shape;
      const ms = performance.now() - t0;
      const error = hooi(X, shape, { maxIter: hooiMaxIter, tol: 1e-6 }).relativeError;
      rows.push({ budget, method, shape, error, ms });
    }
  });
  return rows;
}

function report(ctx: DemoContext, name: string, X: Tensor, rows: Row[]): void {
  const methods = METHODS.filter((m) => rows.some((r) => r.method === m)); // the quick tour skips greedy
  const full = X.shape.reduce((a, b) => a * b, 1);
  ctx.log(`${name}: ${X.shape.join(' × ')} (${full} entries); relative error ‖X − X̂‖/‖X‖ of HOOI on the chosen core shape`);
  ctx.log(`  ${'budget'.padStart(7)}  ${methods.map((m) => `${m} (shape, error, ms)`.padEnd(31)).join('')}`);
  const budgets = [...new Set(rows.map((r) => r.budget))];
  for (const b of budgets) {
    const cells = methods.map((m) => {
      const r = rows.find((x) => x.budget === b && x.method === m);
      return (r ? `${r.shape.join('×')}  ${r.error.toFixed(4)}  ${r.ms.toFixed(0)}` : '—').padEnd(31);
    });
    ctx.log(`  ${String(b).padStart(7)}  ${cells.join('')}`);
  }
  const totals = methods.map((m) => `${m} ${rows.filter((r) => r.method === m).reduce((t, r) => t + r.ms, 0).toFixed(0)} ms`);
  ctx.log(`  selection time in all: ${totals.join(', ')}`);
}

/** "dp 1×8×8 → 17×8×8, uniform 1×1×1 → 17×1×1": each method's shapes at the smallest and largest budget it ran. */
function shapes(rows: Row[]): string {
  return METHODS.filter((m) => rows.some((r) => r.method === m)).map((m) => {
    const own = rows.filter((r) => r.method === m);
    return `${m} ${own[0]!.shape.join('×')} → ${own[own.length - 1]!.shape.join('×')}`;
  }).join(', ');
}

/** The figure: one panel per tensor, error vs budget for every method. */
function figure(panels: { title: string; rows: Row[] }[], quick: boolean, hooiIter: number): string {
  const series = (rows: Row[]) => METHODS.filter((m) => rows.some((r) => r.method === m)).map((m) => {
    const budgets = [...new Set(rows.map((r) => r.budget))];
    return { name: LABELS[m], x: budgets, y: budgets.map((b) => rows.find((r) => r.budget === b && r.method === m)?.error ?? NaN) };
  });
  return lineFigure({
    title: `Tucker core-shape selection under a parameter budget: relative error of HOOI on the shape each method chooses${quick ? ' (quick tour: 3 budgets, no greedy)' : ''}`,
    width: 860,
    panels: panels.map((p) => ({
      title: p.title,
      x: { label: 'parameter budget (core + factor entries, log scale)', scale: 'log' as const },
      y: { label: 'relative error ‖X − X̂‖ / ‖X‖' },
      series: series(p.rows),
    })),
    caption:
      `Lower is better. Each method picks a core shape whose Tucker parameter count fits the budget; every shape is then fitted by the same HOOI ` +
      `(${hooiIter} sweeps), so the curves compare the choices only. dp: the Tucker-packing dynamic program of Ghadiri et al. (ICML 2023); ` +
      `hosvd: exact search over truncated-HOSVD errors; ${quick ? '' : "greedy: the paper's baseline (one HOOI per candidate step, run on the three smallest budgets only); "}` +
      `uniform: the same rank fraction in every mode (TensorLy's rule). Where dp and hosvd choose the same shape their markers coincide (circle inside square). ` +
      `Shapes at the smallest → largest budget: ${panels.map((p) => `${p.title.split(',')[0]}: ${shapes(p.rows)}`).join('; ')}.`,
  });
}

function run(ctx: DemoContext): void {
  const { images } = digits();
  const dig: Tensor = { data: Float64Array.from(images.flat()), shape: [images.length, 8, 8] };
  const photo = parsePpm(boatsPpm);
  // HOOI runs 5 sweeps per evaluation here, and greedy (O(N) HOOI runs per rank increment) only on the
  // smaller budgets, to keep the section within a few seconds. The quick tour skips greedy.
  const HOOI_ITER = 5;
  const digitBudgets = ctx.quick ? [2000, 8000, 32000] : [2000, 4000, 8000, 16000, 32000];
  const photoBudgets = ctx.quick ? [600, 2400, 9600] : [600, 1200, 2400, 4800, 9600];
  const greedyBudgets = ctx.quick ? 0 : 3;
  const digitRows = sweep(dig, digitBudgets, HOOI_ITER, greedyBudgets);
  report(ctx, 'Handwritten digits (UCI, 1797 images of 8×8)', dig, digitRows);
  const photoRows = sweep(photo, photoBudgets, HOOI_ITER, greedyBudgets);
  report(ctx, 'Colour photograph (F. Beato, boats at Nagasaki, c. 1865)', photo, photoRows);
  ctx.log(ctx.quick
    ? `  (quick tour: 3 budgets, greedy skipped; \`proxkit demo tucker\` runs 5 budgets with the greedy baseline; HOOI: ${HOOI_ITER} sweeps per evaluation)`
    : `  (greedy = the paper's baseline, run on the three smallest budgets to keep this section short; HOOI: ${HOOI_ITER} sweeps per evaluation)`);
  writeOutput(ctx, 'proxkit-tucker.svg', figure([
    { title: `UCI digits, ${dig.shape.join(' × ')}`, rows: digitRows },
    { title: `photograph (Beato), ${photo.shape.join(' × ')}`, rows: photoRows },
  ], ctx.quick === true, HOOI_ITER), 'figure: error vs budget');
}

export const tuckerDemo: DemoSection = {
  name: 'tucker',
  title: 'core-shape selection under a parameter budget (DP vs exact HOSVD search vs greedy vs uniform)',
  run,
};
