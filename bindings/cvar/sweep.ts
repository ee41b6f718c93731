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
import { checkAveraging, checkEpochs, checkMethod, checkSchedule, checkStepSize, logisticLabels, minimizeCvar, readDataset, type CvarAveraging, type CvarMethod } from './minimize.js';
import { formatNumber, lineFigure } from '../plot/svg.js';
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
  /** Step-size schedule of every run (minimizeCvar's `schedule`). Default 'constant'. */
  schedule?: 'constant' | 'sqrt';
  /** What every run returns (minimizeCvar's `averaging`): 'none' (the last iterate), 'all' or 'tail'. Default 'none'. */
  averaging?: CvarAveraging;
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
  /** The iterate averaging of every run. */
  averaging: CvarAveraging;
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
  /** The loss trained and the reference solved for (the absolute loss's reference is a linear program). */
  loss: 'squared' | 'logistic' | 'absolute';
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
  stepSizes: true, seeds: true, epochs: true, betas: true, methods: true, schedule: true, averaging: true, problems: true, tol: true, onProgress: true, signal: true,
});

/**
 * Validates every option up front, so that a bad one is reported as cvarSweep's (not by the
 * cvarReference or minimizeCvar call that would meet it) and before any run.
 */
function readSweepOptions(fn: string, options: CvarSweepOptions) {
  const {
    stepSizes = DEFAULT_STEP_SIZES, seeds = 5, epochs = 20, betas = [0.9, 0.99], methods = ['spl+', 'spl', 'sgm'],
    schedule = 'constant', averaging = 'none', tol = 0.01, onProgress, signal, problems,
  } = readOptions(fn, options, SWEEP_KEYS);
  readCallback(fn, 'onProgress', onProgress);
  return {
    stepSizes: nonEmptyList(fn, 'stepSizes', stepSizes).map((g, i) => checkStepSize(fn, g, `stepSizes[${i}]`)),
    seeds: checkSeeds(fn, seeds),
    epochs: checkEpochs(fn, epochs),
    betas: nonEmptyList(fn, 'betas', betas).map((b, i) => checkBeta(fn, b, `betas[${i}]`)),
    methods: nonEmptyList(fn, 'methods', methods).map((m, i) => checkMethod(fn, m, `methods[${i}]`)),
    schedule: checkSchedule(fn, schedule),
    averaging: checkAveraging(fn, averaging),
    tol: checkTolerance(fn, tol, 'tol'),
    onProgress,
    signal: readSignal(fn, signal, 'signal'),
    problems: nonEmptyList(fn, 'problems', problems).map((p, i) => {
      const where = `problems[${i}]`;
      const { name, loss, X, y } = readOptions(fn, p as CvarProblem, optionKeys<CvarProblem>({ name: true, X: true, y: true, loss: true }), where);
      if (typeof name !== 'string') throw parameterError(fn, `${where}.name`, 'a string', name);
      if (loss !== 'squared' && loss !== 'logistic' && loss !== 'absolute') throw parameterError(fn, `${where}.loss`, "'squared', 'logistic' or 'absolute'", loss);
      const ds = readDataset(fn, X, y, `${where}.`);
      if (loss === 'logistic') logisticLabels(fn, ds.y, `${where}.`);
      return { name, loss, X: { data: ds.X, rows: ds.n, cols: ds.d }, y: ds.y };
    }),
  };
}

/** One run of a sweep as data: the problem by its index in {@link SweepPlan.problems}. */
export interface SweepRun {
  /** Index into the plan's problems. */
  problem: number;
  /** The CVaR level β. */
  beta: number;
  /** The method. */
  method: CvarMethod;
  /** The step size γ. */
  stepSize: number;
  /** The run's seed. */
  seed: number;
  /** What the progress callback shows for it. */
  label: string;
}

/** The validated options of a sweep and its runs, in the order cvarSweep runs them. */
export type SweepPlan = ReturnType<typeof readSweepOptions> & { runs: SweepRun[] };

/**
 * The sweep split in two so that its runs can be executed anywhere (one after the other here, on
 * threads or machines in scale): the generator validates the options, yields the plan, takes back
 * each run's final objective (in plan order; a non-finite one marks a diverged run) and returns the
 * result. The reference optima are computed here, after the runs.
 */
export function* sweepSteps(fn: string, options: CvarSweepOptions): Generator<SweepPlan, CvarSweepResult, number[]> {
  const started = performance.now();
  const o = readSweepOptions(fn, options);
  const { stepSizes, seeds, epochs, betas, methods, schedule, averaging, tol, problems } = o;
  const runs: SweepRun[] = [];
  problems.forEach((p, problem) => {
    for (const beta of betas) {
      for (const method of methods) {
        for (const stepSize of stepSizes) {
          for (let seed = 0; seed < seeds; seed++) runs.push({ problem, beta, method, stepSize, seed, label: `${p.name} β=${beta} ${method} γ=${stepSize.toExponential(1)}` });
        }
      }
    }
  });
  const objectives = yield { ...o, runs };
  if (!Array.isArray(objectives) || objectives.length !== runs.length) throw new ShapeError(`${fn}: expected ${runs.length} run objectives (got ${describe(objectives)})`);
  let k = 0;
  const panels: CvarSweepPanel[] = [];
  for (const p of problems) {
    for (const beta of betas) {
      const ref = cvarReference({ X: p.X, y: p.y, loss: p.loss, beta });
      const opt = ref.objective;
      const rows: CvarSweepMethod[] = methods.map((method) => {
        const suboptimality = stepSizes.map(() =>
          Array.from({ length: seeds }, () => {
            const f = objectives[k++]!;
            return Number.isFinite(f) ? Math.max(0, (f - opt) / Math.abs(opt)) : Infinity;
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
  return { stepSizes, epochs, seeds, tol, schedule, averaging, panels, timeMs: performance.now() - started };
}

/**
 * Runs the sweep (synchronously; a few seconds at the defaults).
 * @throws ParameterError/ShapeError/NonFiniteError for bad options (all checked before the first run);
 *   the signal's reason when it aborts.
 */
export function cvarSweep(options: CvarSweepOptions): CvarSweepResult {
  const fn = 'cvarSweep';
  const steps = sweepSteps(fn, options);
  const plan = steps.next().value as SweepPlan;
  const { runs, problems, schedule, averaging, epochs, onProgress, signal } = plan;
  const objectives = runs.map((r, i) => {
    if (signal?.aborted) throw signal.reason ?? new ParameterError(`${fn}: aborted`);
    const p = problems[r.problem]!;
    const { objective } = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta: r.beta, method: r.method, stepSize: r.stepSize, schedule, averaging, epochs, seed: r.seed });
    onProgress?.(i + 1, runs.length, r.label);
    return objective;
  });
  return steps.next(objectives).value as CvarSweepResult;
}

/**
 * Checks what formatSweepTable and sweepSvg read of a CvarSweepResult (the fields they ignore, such
 * as suboptimality or timeMs, are not checked): the same domains as cvarSweep's options, one median
 * and one good flag per step size, a range of two step sizes or null.
 */
function checkSweepResult(fn: string, r: unknown): CvarSweepResult {
  // A result passed back in may carry fields these functions do not read (timeMs, suboptimality): no key check.
  const { stepSizes, seeds, epochs, tol, schedule, averaging, panels } = readOptions(fn, r as CvarSweepResult, null, 'result');
  const steps = nonEmptyList(fn, 'result.stepSizes', stepSizes).map((g, i) => checkStepSize(fn, g, `result.stepSizes[${i}]`));
  checkSeeds(fn, seeds);
  checkEpochs(fn, epochs);
  checkTolerance(fn, tol, 'result.tol');
  checkSchedule(fn, schedule);
  // a result saved before sweeps took `averaging` has none: its runs returned the last iterate
  if (averaging !== undefined) checkAveraging(fn, averaging, 'result.averaging');
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
  return { ...(r as CvarSweepResult), stepSizes: steps, averaging: averaging ?? 'none' };
}

/** What a run returned, in words (table header, figure title). */
const AVERAGED: Record<CvarAveraging, string> = { none: 'last iterate', all: 'mean of all iterates', tail: 'mean of the second half of the iterates' };

/** `1 seed`, `5 seeds`. */
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

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
    `median relative suboptimality after ${plural(r.epochs, 'epoch')} (${plural(r.seeds, 'seed')}, ${r.schedule} step, ${AVERAGED[r.averaging]}); * = within ${r.tol * 100} %`,
    line(head),
    ...body.map(line),
  ].join('\n');
}

/** Median suboptimality above this (or an overflow) counts as a blow-up in the figure. */
const DIVERGED = 100;


/**
 * An SVG figure with one panel per (problem, β): the median over seeds of the final relative
 * suboptimality against the step size γ (both log scales), one line per method, the tolerance as a
 * dashed line. Blow-ups (median > 100 or overflow) are drawn as × in a separate band above each panel,
 * so that they never look like bounded values; medians below the axis floor sit on its bottom edge.
 * @throws ParameterError/ShapeError when `r` is not a well-formed CvarSweepResult.
 */
export function sweepSvg(result: CvarSweepResult): string {
  const r = checkSweepResult('sweepSvg', result);
  const methods = [...new Set(r.panels.flatMap((p) => p.methods.map((m) => m.method)))];
  // The y floor: a power of ten below the smallest positive bounded median and below the tolerance.
  const bounded = r.panels.flatMap((p) => p.methods.flatMap((m) => m.median)).filter((v) => v > 0 && v <= DIVERGED);
  const floor = 10 ** Math.floor(Math.log10(Math.max(1e-12, Math.min(r.tol > 0 ? r.tol / 10 : 1e-3, ...bounded))));
  const betas = new Set(r.panels.map((p) => p.beta)).size;
  const schedule = r.schedule === 'sqrt' ? 'step size γ/√(t+1) at step t' : 'constant step size γ';
  const pct = (v: number) => `${+(v * 100).toPrecision(3)} %`;
  const counts = r.panels.map((p) => `${p.problem}, β = ${p.beta}: ${p.methods.map((m) => `${m.method.toUpperCase()} ${m.goodCount}`).join(', ')}`);
  return lineFigure({
    title:
      `CVaR training by ${methods.map((m) => m.toUpperCase()).join(', ')}: final relative suboptimality vs step size ` +
      `(${schedule}, ${plural(r.epochs, 'epoch')}, ${AVERAGED[r.averaging]}, median of ${plural(r.seeds, 'seed')})`,
    width: Math.min(3, betas > 1 ? betas : r.panels.length) * 330 + 24,
    columns: Math.min(3, betas > 1 ? betas : r.panels.length),
    plotHeight: 200,
    panels: r.panels.map((p) => ({
      title: `${p.problem}, β = ${p.beta}`,
      x: { label: 'step size γ (log scale)', scale: 'log' as const },
      y: { label: '(CVaR − CVaR*) / CVaR*', scale: 'log' as const, domain: [floor, DIVERGED] as [number, number] },
      series: p.methods.map((m) => ({ name: m.method.toUpperCase(), x: r.stepSizes, y: m.median })),
      rules: r.tol > 0 && r.tol >= floor && r.tol <= DIVERGED ? [{ y: r.tol, label: `tolerance ${pct(r.tol)}` }] : [],
      overflow: { above: DIVERGED, label: `diverged: median > ${DIVERGED} or overflow` },
    })),
    caption:
      `Each point is the median over ${plural(r.seeds, 'seed')} of (CVaR − CVaR*) / CVaR* after ${plural(r.epochs, 'epoch')}, where CVaR* is a certified ` +
      `reference optimum; lower is better, and a method is robust to its step size when its curve stays under the tolerance over a wide range of γ. ` +
      `Runs that blew up are marked × in the band above each panel; medians below ${formatNumber(floor)} are drawn on the bottom edge. ` +
      `Step sizes within the tolerance (of ${r.stepSizes.length}): ${counts.join('; ')}.`,
  });
}
