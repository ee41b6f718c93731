/**
 * The step-size experiment in the spirit of Meng & Gower (ICML 2023): for each problem, level β,
 * method and step size on a log grid, several seeds of a fixed number of epochs; the final suboptimality relative
 * to a certified reference optimum (reference.ts), the range of step sizes that reach within a
 * tolerance (default 1 %), a text table and an SVG plot. `proxkit cvar-sweep` runs it.
 */
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { nonNegative, nonNegativeInteger, optionKeys, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { checkBeta } from './cvar.js';
import { isNumericArray } from '../runtime/memory.js';
import { cvarReference } from './reference.js';
import { checkEpochs, checkMethod, checkSchedule, checkStepSize, logisticLabels, minimizeCvar, readDataset, type CvarMethod } from './minimize.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** Options of {@link cvarSweep}. */
export interface CvarSweepOptions {
  /** Step sizes γ. Default 13 values 10^{-4}, 10^{-3.5}, …, 10^{2}. */
  stepSizes?: number[];
  /** Seeds per setting (0, 1, …). Default 5. */
  seeds?: number;
  /** Epochs per run. Default 20. */
  epochs?: number;
  /** CVaR levels. Default [0.9, 0.99]. */
  betas?: number[];
  /** Default ['spl+', 'spl', 'sgm']. */
  methods?: CvarMethod[];
  /** Step-size schedule of every run. Default 'constant'. */
  schedule?: 'constant' | 'sqrt';
  /** The data sets (the CLI uses diabetes, diabetes with targets × 100 and breast cancer: bindings/cvar/data.ts). */
  problems: CvarProblem[];
  /** A step size is "good" when the median over seeds of the relative suboptimality is ≤ this. Default 0.01. */
  tol?: number;
  /** Called after every run. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** Checked between runs; when it aborts, the sweep throws the signal's reason. */
  signal?: AbortSignalLike;
}

/** One method's outcome in one panel of {@link cvarSweep}. */
export interface CvarSweepMethod {
  /** 'spl+', 'spl' or 'sgm'. */
  method: CvarMethod;
  /** Relative suboptimality (objective − opt)/opt, [step][seed]; Infinity for a diverged run. */
  suboptimality: number[][];
  /** Median over seeds, per step size. */
  median: number[];
  /** Per step size: median suboptimality ≤ tolerance. */
  good: boolean[];
  /** Smallest and largest good step size (null if none) and the number of good grid points. */
  range: [number, number] | null;
  /** Number of good step sizes. */
  goodCount: number;
}

/** One (data set, β) panel of {@link cvarSweep}. */
export interface CvarSweepPanel {
  /** The data set's name. */
  problem: string;
  /** The CVaR level β. */
  beta: number;
  /** Reference optimum (upper bound), its certified lower bound, and their gap. */
  optimum: number;
  /** Certified lower bound on the optimum (from {@link cvarReference}). */
  lowerBound: number;
  /** One entry per method, in the order of `options.methods`. */
  methods: CvarSweepMethod[];
}

/** Result of {@link cvarSweep}; render it with {@link formatSweepTable} or {@link sweepSvg}. */
export interface CvarSweepResult {
  /** The step sizes γ, ascending (the rows of every `suboptimality`). */
  stepSizes: number[];
  /** Epochs per run. */
  epochs: number;
  /** Seeds per setting. */
  seeds: number;
  /** The relative suboptimality below which a step size counts as good. */
  tol: number;
  /** The step-size schedule of every run. */
  schedule: 'constant' | 'sqrt';
  /** One panel per (data set, β). */
  panels: CvarSweepPanel[];
  /** Wall-clock milliseconds of the whole sweep. */
  timeMs: number;
}

/** 10^{-4}, 10^{-3.5}, …, 10^{2}: 13 values. */
export const DEFAULT_STEP_SIZES = Array.from({ length: 13 }, (_, i) => 10 ** (-4 + i / 2));

/** One data set of the sweep: a row-major X, targets and a smooth loss. */
export interface CvarProblem {
  /** Label in tables and figures. */
  name: string;
  /** Features, row-major rows × cols. */
  X: {
    /** The entries, row-major. */
    data: Float64Array;
    /** Number of samples n. */
    rows: number;
    /** Number of features d. */
    cols: number;
  };
  /** Targets (length rows); ±1 labels for 'logistic'. */
  y: Float64Array;
  /** The loss trained and the reference solved for. */
  loss: 'squared' | 'logistic';
}

/** More seeds than this is a mistake, not an experiment: the sweep keeps every run's result. */
const MAX_SEEDS = 1e6;

/** A non-empty plain or typed array (ParameterError otherwise). */
function nonEmptyList(fn: string, name: string, v: unknown): unknown[] {
  if (!isNumericArray(v) || v.length === 0) throw parameterError(fn, name, 'a non-empty array', v);
  return Array.from(v);
}

/** Checks an integer count of seeds in [1, MAX_SEEDS]. */
function checkSeeds(fn: string, seeds: unknown): number {
  if (!Number.isSafeInteger(seeds) || (seeds as number) < 1 || (seeds as number) > MAX_SEEDS) {
    throw parameterError(fn, 'seeds', `an integer in [1, ${MAX_SEEDS}]`, seeds);
  }
  return seeds as number;
}

/** A tolerance: a number >= 0 (Infinity marks every step size good). */
function checkTolerance(fn: string, tol: unknown, name: string): number {
  return nonNegative(fn, name, tol);
}

// The option keys it accepts (readOptions refuses any other key).
const SWEEP_KEYS = optionKeys<CvarSweepOptions>({
  stepSizes: true, seeds: true, epochs: true, betas: true, methods: true, schedule: true, problems: true, tol: true, onProgress: true, signal: true,
});

/**
 * Validates every option up front, so that a bad one is reported as cvarSweep's (not by the
 * cvarReference or minimizeCvar call that would meet it) and before any run.
 */
function readSweepOptions(fn: string, options: CvarSweepOptions) {
  const {
    stepSizes = DEFAULT_STEP_SIZES, seeds = 5, epochs = 20, betas = [0.9, 0.99], methods = ['spl+', 'spl', 'sgm'],
    schedule = 'constant', tol = 0.01, onProgress, signal, problems,
  } = readOptions(fn, options, SWEEP_KEYS);
  readCallback(fn, 'onProgress', onProgress);
  return {
    stepSizes: nonEmptyList(fn, 'stepSizes', stepSizes).map((g, i) => checkStepSize(fn, g, `stepSizes[${i}]`)),
    seeds: checkSeeds(fn, seeds),
    epochs: checkEpochs(fn, epochs),
    betas: nonEmptyList(fn, 'betas', betas).map((b, i) => checkBeta(fn, b, `betas[${i}]`)),
    methods: nonEmptyList(fn, 'methods', methods).map((m, i) => checkMethod(fn, m, `methods[${i}]`)),
    schedule: checkSchedule(fn, schedule),
    tol: checkTolerance(fn, tol, 'tol'),
    onProgress,
    signal: readSignal(fn, signal, 'signal'),
    problems: nonEmptyList(fn, 'problems', problems).map((p, i) => {
      const where = `problems[${i}]`;
      const { name, loss, X, y } = readOptions(fn, p as CvarProblem, optionKeys<CvarProblem>({ name: true, X: true, y: true, loss: true }), where);
      if (typeof name !== 'string') throw parameterError(fn, `${where}.name`, 'a string', name);
      if (loss !== 'squared' && loss !== 'logistic') throw parameterError(fn, `${where}.loss`, "'squared' or 'logistic'", loss);
      const ds = readDataset(fn, X, y, `${where}.`);
      if (loss === 'logistic') logisticLabels(fn, ds.y, `${where}.`);
      return { name, loss, X: { data: ds.X, rows: ds.n, cols: ds.d }, y: ds.y };
    }),
  };
}

/**
 * Runs the sweep (synchronously; a few seconds at the defaults).
 * @throws ParameterError/ShapeError/NonFiniteError for bad options (all checked before the first run);
 *   the signal's reason when it aborts.
 */
export function cvarSweep(options: CvarSweepOptions): CvarSweepResult {
  const fn = 'cvarSweep';
  const started = performance.now();
  const { stepSizes, seeds, epochs, betas, methods, schedule, tol, onProgress, signal, problems } = readSweepOptions(fn, options);
  const total = problems.length * betas.length * methods.length * stepSizes.length * seeds;
  let done = 0;
  const panels: CvarSweepPanel[] = [];
  for (const p of problems) {
    for (const beta of betas) {
      const ref = cvarReference({ X: p.X, y: p.y, loss: p.loss, beta });
      const opt = ref.objective;
      const rows: CvarSweepMethod[] = methods.map((method) => {
        const suboptimality = stepSizes.map((stepSize) =>
          Array.from({ length: seeds }, (_, seed) => {
            if (signal?.aborted) throw signal.reason ?? new ParameterError(`${fn}: aborted`);
            const r = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta, method, stepSize, schedule, epochs, seed });
            onProgress?.(++done, total, `${p.name} β=${beta} ${method} γ=${stepSize.toExponential(1)}`);
            return Number.isFinite(r.objective) ? Math.max(0, (r.objective - opt) / Math.abs(opt)) : Infinity;
          }),
        );
        const median = suboptimality.map((s) => {
          const sorted = [...s].sort((a, b) => a - b);
          const m = sorted.length >> 1;
          return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
        });
        const good = median.map((m) => m <= tol);
        const idx = good.flatMap((g, i) => (g ? [i] : []));
        return {
          method,
          suboptimality,
          median,
          good,
          range: idx.length ? [stepSizes[idx[0]!]!, stepSizes[idx[idx.length - 1]!]!] : null,
          goodCount: idx.length,
        };
      });
      panels.push({ problem: p.name, beta, optimum: opt, lowerBound: ref.lowerBound, methods: rows });
    }
  }
  return { stepSizes, epochs, seeds, tol, schedule, panels, timeMs: performance.now() - started };
}

/**
 * Checks what formatSweepTable and sweepSvg read of a CvarSweepResult (the fields they ignore, such
 * as suboptimality or timeMs, are not checked): the same domains as cvarSweep's options, one median
 * and one good flag per step size, a range of two step sizes or null.
 */
function checkSweepResult(fn: string, r: unknown): CvarSweepResult {
  // A result passed back in may carry fields these functions do not read (timeMs, suboptimality): no key check.
  const { stepSizes, seeds, epochs, tol, schedule, panels } = readOptions(fn, r as CvarSweepResult, null, 'result');
  const steps = nonEmptyList(fn, 'result.stepSizes', stepSizes).map((g, i) => checkStepSize(fn, g, `result.stepSizes[${i}]`));
  checkSeeds(fn, seeds);
  checkEpochs(fn, epochs);
  checkTolerance(fn, tol, 'result.tol');
  checkSchedule(fn, schedule);
  if (!Array.isArray(panels) || panels.length === 0) throw parameterError(fn, 'result.panels', 'a non-empty array', panels);
  panels.forEach((p: unknown, k) => {
    const where = `result.panels[${k}]`;
    const { problem, beta, methods } = readOptions(fn, p as CvarSweepPanel, null, where);
    if (typeof problem !== 'string') throw parameterError(fn, `${where}.problem`, 'a string', problem);
    checkBeta(fn, beta, `${where}.beta`);
    if (!Array.isArray(methods) || methods.length === 0) throw parameterError(fn, `${where}.methods`, 'a non-empty array', methods);
    methods.forEach((m: unknown, j) => {
      const at = `${where}.methods[${j}]`;
      const { method, median, good, range, goodCount } = readOptions(fn, m as CvarSweepMethod, null, at);
      checkMethod(fn, method, `${at}.method`);
      if (!Array.isArray(median) || median.length !== steps.length) throw new ShapeError(`${fn}: ${at}.median must be an array of ${steps.length} numbers, one per step size (got ${describe(median)})`);
      median.forEach((v: unknown, i) => nonNegative(fn, `${at}.median[${i}]`, v));
      if (!Array.isArray(good) || good.length !== steps.length) throw new ShapeError(`${fn}: ${at}.good must be an array of ${steps.length} booleans, one per step size (got ${describe(good)})`);
      good.forEach((v: unknown, i) => {
        if (typeof v !== 'boolean') throw parameterError(fn, `${at}.good[${i}]`, 'a boolean', v);
      });
      if (range !== null) {
        if (!Array.isArray(range) || range.length !== 2) throw parameterError(fn, `${at}.range`, 'null or [smallest, largest] good step size', range);
        range.forEach((g: unknown, i) => checkStepSize(fn, g, `${at}.range[${i}]`));
      }
      nonNegativeInteger(fn, `${at}.goodCount`, goodCount);
    });
  });
  return { ...(r as CvarSweepResult), stepSizes: steps };
}

const fmtSub = (v: number): string => (v === Infinity ? 'div' : v < 1e-3 ? '<1e-3' : v >= 100 ? '>100' : v.toPrecision(2));

/**
 * The table of median final suboptimality (rows: problem, β, method; columns: step sizes) and the good ranges.
 * @throws ParameterError/ShapeError when `r` is not a well-formed CvarSweepResult.
 */
export function formatSweepTable(result: CvarSweepResult): string {
  const r = checkSweepResult('formatSweepTable', result);
  const head = ['problem', 'β', 'method', ...r.stepSizes.map((g) => g.toExponential(0)), 'good range'];
  const body = r.panels.flatMap((p) =>
    p.methods.map((m) => [
      p.problem,
      String(p.beta),
      m.method,
      ...m.median.map((v, i) => (m.good[i] ? '*' : '') + fmtSub(v)),
      m.range ? `${m.range[0].toExponential(1)}..${m.range[1].toExponential(1)} (${m.goodCount})` : 'none',
    ]),
  );
  const width = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j < 3 ? c.padEnd(width[j]!) : c.padStart(width[j]!))).join('  ');
  return [
    `median relative suboptimality after ${r.epochs} epochs (${r.seeds} seeds, ${r.schedule} step); * = within ${r.tol * 100} %`,
    line(head),
    ...body.map(line),
  ].join('\n');
}

const COLORS: Record<string, string> = { 'spl+': '#1b7837', spl: '#2166ac', sgm: '#b2182b' };

/**
 * An SVG with one panel per (problem, β): per method, the grid of step sizes (filled where the median
 * suboptimality is within the tolerance, lightly filled within 10× it, × where the runs diverged) and
 * the good range as a bar.
 * @throws ParameterError/ShapeError when `r` is not a well-formed CvarSweepResult.
 */
export function sweepSvg(result: CvarSweepResult): string {
  const r = checkSweepResult('sweepSvg', result);
  const W = 820;
  const left = 190;
  const right = 30;
  const rowH = 22;
  const panelH = 34 + r.panels[0]!.methods.length * rowH + 8;
  const axisH = 40;
  const H = 40 + r.panels.length * panelH + axisH;
  const lo = Math.log10(Math.min(...r.stepSizes));
  const hi = Math.log10(Math.max(...r.stepSizes));
  const xOf = (g: number) => left + ((Math.log10(g) - lo) / (hi - lo || 1)) * (W - left - right);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Step sizes reaching within ${r.tol * 100} % of the CVaR optimum (median of ${r.seeds} seeds, ${r.epochs} epochs)</text>`,
  ];
  r.panels.forEach((p, k) => {
    const y0 = 40 + k * panelH;
    out.push(`<text x="10" y="${y0 + 16}" font-weight="bold">${esc(p.problem)}, β = ${p.beta}</text>`);
    for (const g of r.stepSizes) out.push(`<line x1="${xOf(g)}" y1="${y0 + 24}" x2="${xOf(g)}" y2="${y0 + panelH - 8}" stroke="#eee"/>`);
    p.methods.forEach((m, j) => {
      const y = y0 + 34 + j * rowH;
      const color = COLORS[m.method] ?? 'black';
      out.push(`<text x="${left - 60}" y="${y + 4}" text-anchor="end">${esc(m.method.toUpperCase())}</text>`);
      if (m.range) out.push(`<rect x="${xOf(m.range[0]) - 6}" y="${y - 6}" width="${xOf(m.range[1]) - xOf(m.range[0]) + 12}" height="12" rx="6" fill="${color}" opacity="0.25"/>`);
      m.median.forEach((v, i) => {
        const g = r.stepSizes[i]!;
        const cx = xOf(g);
        const tip = `<title>${m.method} γ=${g.toExponential(1)}: median suboptimality ${fmtSub(v)}</title>`;
        if (v === Infinity) {
          out.push(`<path d="M${cx - 4},${y - 4}L${cx + 4},${y + 4}M${cx - 4},${y + 4}L${cx + 4},${y - 4}" stroke="${color}" stroke-width="1.5">${tip}</path>`);
          return;
        }
        const opacity = m.good[i] ? 1 : v <= 10 * r.tol ? 0.35 : 0;
        out.push(`<circle cx="${cx}" cy="${y}" r="4.5" fill="${color}" fill-opacity="${opacity}" stroke="${color}">${tip}</circle>`);
      });
      out.push(`<text x="${left - 50}" y="${y + 4}" font-size="10" fill="#555">${m.goodCount}/${r.stepSizes.length}</text>`);
    });
  });
  const ya = 40 + r.panels.length * panelH + 6;
  out.push(`<line x1="${left}" y1="${ya}" x2="${W - right}" y2="${ya}" stroke="black"/>`);
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    out.push(`<line x1="${xOf(10 ** e)}" y1="${ya}" x2="${xOf(10 ** e)}" y2="${ya + 5}" stroke="black"/>`);
    out.push(`<text x="${xOf(10 ** e)}" y="${ya + 18}" text-anchor="middle">1e${e}</text>`);
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${ya + 34}" text-anchor="middle">step size γ (log scale); filled: within ${r.tol * 100} %, light: within ${r.tol * 1000} %, hollow: worse, ×: diverged; bar: good range</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
