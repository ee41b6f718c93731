/**
 * The tucker family's section of `proxkit demo`: core-shape selection under a parameter budget on two
 * real tensors — handwritten digits (1797 × 8 × 8) and a colour photograph (102 × 128 × 3) — comparing
 * the Tucker-packing DP (Ghadiri et al., ICML 2023), the exact truncated-HOSVD search, the paper's
 * greedy baseline (HOOI loss at every step) and TensorLy's uniform scaling. Writes an SVG plot of
 * error vs budget to proxkit-tucker.svg in the figures folder (default: the working directory).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hooi, selectCoreShape, uniformCoreShape, type Tensor } from '../index.js';
import type { DemoContext, DemoSection } from './index.js';
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
const COLORS: Record<string, string> = { dp: '#d62728', hosvd: '#9467bd', greedy: '#1f77b4', uniform: '#7f7f7f' };

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
  const full = X.shape.reduce((a, b) => a * b, 1);
  ctx.log(`${name}: ${X.shape.join(' × ')} (${full} entries); relative error ‖X − X̂‖/‖X‖ of HOOI on the chosen core shape`);
  ctx.log(`  ${'budget'.padStart(7)}  ${METHODS.map((m) => `${m} (shape, error, ms)`.padEnd(31)).join('')}`);
  const budgets = [...new Set(rows.map((r) => r.budget))];
  for (const b of budgets) {
    const cells = METHODS.map((m) => {
      const r = rows.find((x) => x.budget === b && x.method === m);
      return (r ? `${r.shape.join('×')}  ${r.error.toFixed(4)}  ${r.ms.toFixed(0)}` : '—').padEnd(31);
    });
    ctx.log(`  ${String(b).padStart(7)}  ${cells.join('')}`);
  }
  const totals = METHODS.map((m) => `${m} ${rows.filter((r) => r.method === m).reduce((t, r) => t + r.ms, 0).toFixed(0)} ms`);
  ctx.log(`  selection time in all: ${totals.join(', ')}`);
}

/** Two panels (one per tensor) of error vs budget, log-scaled budget axis. */
function svg(panels: { title: string; rows: Row[] }[]): string {
  const W = 460;
  const H = 320;
  const m = { l: 56, r: 16, t: 30, b: 44 };
  const parts: string[] = [];
  panels.forEach((panel, k) => {
    const x0 = k * W;
    const budgets = panel.rows.map((r) => r.budget);
    const errs = panel.rows.map((r) => r.error);
    const [bmin, bmax] = [Math.min(...budgets), Math.max(...budgets)];
    const [emin, emax] = [0, Math.max(...errs) * 1.05];
    const sx = (b: number): number => x0 + m.l + ((Math.log(b) - Math.log(bmin)) / (Math.log(bmax) - Math.log(bmin) || 1)) * (W - m.l - m.r);
    const sy = (e: number): number => m.t + (1 - (e - emin) / (emax - emin || 1)) * (H - m.t - m.b);
    parts.push(`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-size="13">${panel.title}</text>`);
    parts.push(`<line x1="${x0 + m.l}" y1="${H - m.b}" x2="${x0 + W - m.r}" y2="${H - m.b}" stroke="#000"/><line x1="${x0 + m.l}" y1="${m.t}" x2="${x0 + m.l}" y2="${H - m.b}" stroke="#000"/>`);
    for (const b of [...new Set(budgets)]) {
      parts.push(`<text x="${sx(b).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle" font-size="9">${b}</text>`);
    }
    for (let i = 0; i <= 4; i++) {
      const e = emin + ((emax - emin) * i) / 4;
      parts.push(`<text x="${x0 + m.l - 4}" y="${(sy(e) + 3).toFixed(1)}" text-anchor="end" font-size="9">${e.toFixed(3)}</text>`);
    }
    parts.push(`<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle" font-size="11">parameter budget (log scale)</text>`);
    parts.push(`<text x="${x0 + 14}" y="${H / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 ${x0 + 14} ${H / 2})">relative error</text>`);
    METHODS.forEach((method, j) => {
      const pts = panel.rows.filter((r) => r.method === method);
      if (pts.length === 0) return;
      const d = pts.map((r, i) => `${i === 0 ? 'M' : 'L'}${sx(r.budget).toFixed(1)},${sy(r.error).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${COLORS[method]}" stroke-width="1.8"${method === 'uniform' ? ' stroke-dasharray="4 3"' : ''}/>`);
      for (const r of pts) parts.push(`<circle cx="${sx(r.budget).toFixed(1)}" cy="${sy(r.error).toFixed(1)}" r="2.5" fill="${COLORS[method]}"/>`);
      parts.push(`<text x="${x0 + m.l + 10}" y="${H - m.b - 10 - 13 * (METHODS.length - 1 - j)}" font-size="11" fill="${COLORS[method]}">${method}</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

function run(ctx: DemoContext): void {
  const { images } = digits();
  const dig: Tensor = { data: Float64Array.from(images.flat()), shape: [images.length, 8, 8] };
  const photo = parsePpm(boatsPpm);
  // HOOI runs 5 sweeps per evaluation here, and greedy (O(N) HOOI runs per rank increment) only on the
  // smaller budgets, to keep the section within a few seconds.
  const HOOI_ITER = 5;
  const digitRows = sweep(dig, [2000, 4000, 8000, 16000, 32000], HOOI_ITER, 3);
  report(ctx, 'Handwritten digits (UCI, 1797 images of 8×8)', dig, digitRows);
  const photoRows = sweep(photo, [600, 1200, 2400, 4800, 9600], HOOI_ITER, 3);
  report(ctx, 'Colour photograph (F. Beato, boats at Nagasaki, c. 1865)', photo, photoRows);
  ctx.log(`  (greedy = the paper's baseline, run on the three smallest budgets to keep this section short; HOOI: ${HOOI_ITER} sweeps per evaluation)`);
  const file = resolve(ctx.figures ?? '.', 'proxkit-tucker.svg');
  writeFileSync(file, svg([
    { title: `digits ${dig.shape.join('×')}`, rows: digitRows },
    { title: `photo ${photo.shape.join('×')}`, rows: photoRows },
  ]));
  ctx.log(`  plot of error vs budget written to ${file}`);
}

export const tuckerDemo: DemoSection = {
  name: 'tucker',
  title: 'tucker: core-shape selection under a parameter budget (DP vs greedy vs uniform)',
  run,
};
