/**
 * The `tensor` section of `proxkit demo`: every decomposition of the tucker family on the shipped
 * tensors — a colour photograph (102 × 128 × 3) and the UCI digits (1797 × 8 × 8) — as relative error
 * against the numbers stored: CP (ALS) and non-negative CP (HALS) over ranks, Tucker (HOOI on the
 * core shape `selectCoreShape` picks for each budget) and non-negative Tucker on the same shapes,
 * partial Tucker (the photograph's colour mode untouched) and tensor trains (TT-SVD) over
 * tolerances. Then rank selection side by side: the fewest numbers each model needs to reach a target
 * error. Writes proxkit-tensor.svg to the figures folder.
 */
import { cp, hooi, nonNegativeTucker, partialTucker, selectCoreShape, tensorTrain, tuckerParameterCount, type Tensor } from '../index.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';
import { lineFigure } from '../plot/svg.js';
import { digits } from '../datasets.js';
import { parsePpm } from './tucker.js';
import boatsPpm from '../../data/images/nagasaki-boats-rgb-128.ppm';

/** One fitted model: what it stores, how well it fits, what it was (rank, shape or tolerance), time. */
export interface TensorPoint {
  method: string;
  parameters: number;
  error: number;
  setting: string;
  ms: number;
}

/** The grid of settings for one tensor. */
export interface TensorSweep {
  cpRanks: number[];
  budgets: number[];
  ttTols: number[];
  cpIter: number;
  nnIter: number;
  hooiIter: number;
  nonNegative: boolean;
  /** Partial Tucker: the modes decomposed (the others untouched) and the rank given to each, per point. */
  partial?: { modes: number[]; ranks: number[] };
}

export const METHOD_LABELS: Record<string, string> = {
  tucker: 'Tucker (HOOI, shape by selectCoreShape)',
  nnTucker: 'non-negative Tucker (same shapes)',
  cp: 'CP (ALS + line search)',
  nnCp: 'non-negative CP (HALS)',
  tt: 'tensor train (TT-SVD)',
  partial: 'partial Tucker (colour mode untouched)',
};

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Every method at every setting of the sweep on X. */
export function sweepTensor(X: Tensor, p: TensorSweep): TensorPoint[] {
  const rows: TensorPoint[] = [];
  const sumI = X.shape.reduce((a, b) => a + b, 0);
  for (const budget of p.budgets) {
    const t = timed(() => {
      const { shape } = selectCoreShape(X, budget, { method: 'hosvd', evaluate: false });
      return { shape, fit: hooi(X, shape, { maxIter: p.hooiIter, tol: 1e-6 }) };
    });
    const { shape } = t.value;
    const parameters = tuckerParameterCount(X.shape, shape);
    rows.push({ method: 'tucker', parameters, error: t.value.fit.relativeError, setting: shape.join('×'), ms: t.ms });
    if (p.nonNegative) {
      const nn = timed(() => nonNegativeTucker(X, shape, { maxIter: p.nnIter, tol: 1e-7 }));
      rows.push({ method: 'nnTucker', parameters, error: nn.value.relativeError, setting: shape.join('×'), ms: nn.ms });
    }
  }
  for (const R of p.cpRanks) {
    const parameters = R * (sumI + 1);
    const a = timed(() => cp(X, R, { maxIter: p.cpIter, tol: 1e-7 }));
    rows.push({ method: 'cp', parameters, error: a.value.relativeError, setting: `R=${R}`, ms: a.ms });
    if (p.nonNegative) {
      const b = timed(() => cp(X, R, { maxIter: p.cpIter, tol: 1e-7, nonNegative: true }));
      rows.push({ method: 'nnCp', parameters, error: b.value.relativeError, setting: `R=${R}`, ms: b.ms });
    }
  }
  if (p.partial) {
    const { modes, ranks } = p.partial;
    for (const r of ranks) {
      const t = timed(() => partialTucker(X, modes.map(() => r), { modes, maxIter: p.hooiIter, tol: 1e-6 }));
      const parameters = t.value.core.data.length + modes.reduce((acc, m) => acc + X.shape[m]! * r, 0);
      rows.push({ method: 'partial', parameters, error: t.value.relativeError, setting: `${t.value.core.shape.join('×')} core`, ms: t.ms });
    }
  }
  for (const tol of p.ttTols) {
    const t = timed(() => tensorTrain(X, { tol }));
    rows.push({ method: 'tt', parameters: t.value.parameters, error: t.value.relativeError, setting: `ε=${tol}, ranks ${t.value.ranks.join('-')}`, ms: t.ms });
  }
  return rows;
}

/** The fewest parameters with which each method reached `target` in the sweep (undefined: never). */
export function cheapestReaching(rows: readonly TensorPoint[], target: number): Record<string, TensorPoint | undefined> {
  const out: Record<string, TensorPoint | undefined> = {};
  for (const m of Object.keys(METHOD_LABELS)) {
    const ok = rows.filter((r) => r.method === m && r.error <= target).sort((a, b) => a.parameters - b.parameters);
    if (rows.some((r) => r.method === m)) out[m] = ok[0];
  }
  return out;
}

function report(ctx: DemoContext, name: string, X: Tensor, rows: TensorPoint[], target: number): void {
  const full = X.shape.reduce((a, b) => a * b, 1);
  ctx.log(`${name}: ${X.shape.join(' × ')} (${full} entries); relative error ‖X − X̂‖/‖X‖ against numbers stored`);
  for (const m of Object.keys(METHOD_LABELS)) {
    const own = rows.filter((r) => r.method === m);
    if (own.length === 0) continue;
    const cells = own.map((r) => `${r.setting}: ${r.parameters} → ${r.error.toFixed(3)} (${r.ms.toFixed(0)} ms)`);
    ctx.log(`  ${METHOD_LABELS[m]!.padEnd(42)} ${cells.join('; ')}`);
  }
  const best = cheapestReaching(rows, target);
  const cells = Object.entries(best).map(([m, r]) => `${m} ${r ? `${r.setting} (${r.parameters})` : 'not reached'}`);
  ctx.log(`  rank selection for error ≤ ${target}: ${cells.join(', ')}`);
}

/** The section's figure: one panel per tensor, error vs numbers stored, the target error as a rule. */
export function tensorFigure(panels: { title: string; rows: TensorPoint[]; target: number }[], note: string): string {
  return lineFigure({
    title: `Tensor decompositions on the shipped tensors: relative error against the numbers stored${note}`,
    width: 860,
    panels: panels.map((p) => ({
      title: p.title,
      x: { label: 'numbers stored (log scale)', scale: 'log' as const },
      y: { label: 'relative error ‖X − X̂‖ / ‖X‖' },
      rules: [{ y: p.target, label: `target ${p.target}` }],
      series: Object.keys(METHOD_LABELS).filter((m) => p.rows.some((r) => r.method === m)).map((m) => {
        const own = p.rows.filter((r) => r.method === m).sort((a, b) => a.parameters - b.parameters);
        return { name: METHOD_LABELS[m]!, x: own.map((r) => r.parameters), y: own.map((r) => r.error) };
      }),
    })),
    caption:
      'Lower left is better. Tucker: for each budget, selectCoreShape (exact truncated-HOSVD search) picks the core shape and HOOI fits it; ' +
      'non-negative Tucker uses the same shapes (HALS factors, multiplicative core); partial Tucker compresses the two spatial modes only. CP stores R·(ΣIₙ + 1) numbers; a tensor train Σₖ rₖ·Iₖ·rₖ₊₁. ' +
      'The dashed line is the target error of the rank-selection line printed with the figure: the fewest numbers with which each model reached it.',
  });
}

/** The photograph's settings: the tour's, and the full section's (also used by scripts/tucker-experiment.ts). */
export const PHOTO_QUICK: TensorSweep = { cpRanks: [5, 20], budgets: [1200, 4800], ttTols: [0.2, 0.1], cpIter: 15, nnIter: 20, hooiIter: 3, nonNegative: false };
export const PHOTO_FULL: TensorSweep = {
  cpRanks: [2, 5, 10, 20, 30], budgets: [600, 1200, 2400, 4800, 9600], ttTols: [0.3, 0.2, 0.12, 0.08, 0.05], cpIter: 30, nnIter: 40, hooiIter: 5, nonNegative: true,
  partial: { modes: [0, 1], ranks: [3, 6, 12, 20, 30] },
};
/** The digits (full section only): core-shape and CP-rank selection side by side, no non-negative variants (time). */
export const DIGITS_FULL: TensorSweep = { cpRanks: [5, 10, 20], budgets: [2000, 4000, 8000, 16000, 32000], ttTols: [0.6, 0.5, 0.4, 0.3, 0.2], cpIter: 25, nnIter: 0, hooiIter: 5, nonNegative: false };
/** Target errors of the rank-selection line. */
export const PHOTO_TARGET = 0.1;
export const DIGIT_TARGET = 0.4;

function run(ctx: DemoContext): void {
  const photo = parsePpm(boatsPpm);
  const quick = ctx.quick === true;
  // Non-negative Tucker (multiplicative updates) and CP at large ranks dominate the time: the full
  // section keeps them to 40–60 sweeps so that it stays within ~20 s.
  const photoSweep = quick ? PHOTO_QUICK : PHOTO_FULL;
  const TARGET = PHOTO_TARGET;
  const photoRows = sweepTensor(photo, photoSweep);
  report(ctx, 'Colour photograph (F. Beato, boats at Nagasaki, c. 1865)', photo, photoRows, TARGET);
  const panels = [{ title: `photograph, ${photo.shape.join(' × ')}`, rows: photoRows, target: TARGET }];
  if (!quick) {
    const { images } = digits();
    const dig: Tensor = { data: Float64Array.from(images.flat()), shape: [images.length, 8, 8] };
    const digitRows = sweepTensor(dig, DIGITS_FULL);
    report(ctx, 'Handwritten digits (UCI, 1797 images of 8×8)', dig, digitRows, DIGIT_TARGET);
    panels.push({ title: `UCI digits, ${dig.shape.join(' × ')}`, rows: digitRows, target: DIGIT_TARGET });
  }
  if (quick) ctx.log('  (quick tour: the photograph only, 2 settings per model, no non-negative variants; `proxkit demo tensor` runs both tensors in full)');
  writeOutput(ctx, 'proxkit-tensor.svg', tensorFigure(panels, quick ? ' (quick tour)' : ''), 'figure: error vs numbers stored');
}

export const tensorDemo: DemoSection = {
  name: 'tensor',
  title: 'CP, non-negative CP/Tucker and tensor trains against Tucker: error vs numbers stored, rank selection side by side',
  run,
};
