/**
 * Lisa (Huang et al., "Lisa: Lazy Safety Alignment for Large Language Models against Harmful
 * Fine-tuning Attack", NeurIPS 2024): bi-state optimisation that alternates an alignment state (steps on
 * the clean alignment data) with a fine-tuning state (steps on the user's data), each with a proximal
 * term (ρ/2)‖θ − θ̃‖² toward the checkpoint θ̃ where the other state ended; and a toy that shows what
 * the proximal term does against label-flipped ("harmful") fine-tuning data.
 */
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { Rng, checkSeed, shuffledOrder } from '../rng.js';
import { softmaxRegression, lossAndGrad, evaluateRows, type FedModel } from './model.js';
import { SoftmaxRegressionWorkspace } from './kernels.js';
import { subSeed } from './simulate.js';
import { readLabelledRows } from './data.js';

/** Labelled rows: `X` row-major with `dim` columns, integer labels `y`. */
export interface LabelledRows {
  /** Features, `y.length × dim`, row-major. */
  X: Float64Array;
  /** Labels in 0…classes−1. */
  y: Int32Array;
}

/** The two data sets of {@link lisaTrain}. */
export interface LisaData {
  /** Feature dimension. */
  dim: number;
  /** Number of classes. */
  classes: number;
  /** The alignment (safety) data: what the aligned model should keep doing. */
  alignment: LabelledRows;
  /** The user's fine-tuning data (may hold harmful rows). */
  finetune: LabelledRows;
}

/** What {@link lisaTrain} reports after every cycle. */
export interface LisaProgress {
  /** 1-based cycle. */
  cycle: number;
  /** Steps done so far (both states). */
  steps: number;
  /** The parameters at the end of this cycle's fine-tuning state (a copy). */
  params: Float64Array;
}

/** Options of {@link lisaTrain}. */
export interface LisaOptions {
  /** Proximal weight ρ ≥ 0 of (ρ/2)‖θ − θ̃‖² in both states (default 1; 0 is plain bi-state optimisation, BSO). */
  rho?: number;
  /** Alignment-state steps per cycle (default 10; 0 gives plain fine-tuning with a proximal pull toward the start). */
  alignSteps?: number;
  /** Fine-tuning-state steps per cycle (default 90). */
  finetuneSteps?: number;
  /** Cycles (default 20); every cycle runs the alignment state, then the fine-tuning state. */
  cycles?: number;
  /** Minibatch size (default 10). */
  batchSize?: number;
  /** Step size η (default 0.1). */
  learningRate?: number;
  /** The model (default softmaxRegression(dim, classes)). */
  model?: FedModel;
  /** The aligned starting point (default model.init()). */
  init?: Float64Array;
  /** Seed of the minibatch orders (default 0). */
  seed?: number | bigint;
  /** Called after every cycle; return false to stop. */
  onProgress?: (info: LisaProgress) => boolean | void;
  /** Checked before every cycle: an aborted signal ends the run (no exception). */
  signal?: AbortSignalLike;
}

/** Result of {@link lisaTrain}. */
export interface LisaResult {
  /** The final parameters (end of the last fine-tuning state). */
  params: Float64Array;
  /** The model trained. */
  model: FedModel;
  /** Cycles completed. */
  iterations: number;
  /** 'maxIter', 'callback' or 'aborted'. */
  stopped: 'maxIter' | 'callback' | 'aborted';
}

/**
 * Lisa's bi-state optimisation (Huang et al., NeurIPS 2024, Algorithm 1). Each cycle: θ̃ ← θ, then
 * `alignSteps` steps θ ← θ − η(∇f(θ) + ρ(θ − θ̃)) on minibatches of the alignment data; θ̃ ← θ, then
 * `finetuneSteps` steps θ ← θ − η(∇h(θ) + ρ(θ − θ̃)) on minibatches of the fine-tuning data. The
 * proximal term keeps each state near where the other left off, so the fine-tuning state cannot drift
 * far from the aligned model between two alignment states. Minibatches: consecutive slices of a fresh
 * seeded shuffle of each data set, one stream per data set.
 *
 * Defaults: rho 1, alignSteps 10, finetuneSteps 90, cycles 20, batchSize 10, learningRate 0.1, seed 0.
 */
export function lisaTrain(data: LisaData, options?: LisaOptions): LisaResult {
  const fn = 'lisaTrain';
  const { dim, classes, alignment, finetune } = readLisaData(fn, data);
  const o = readOptions(fn, options, optionKeys<LisaOptions>({
    rho: true, alignSteps: true, finetuneSteps: true, cycles: true, batchSize: true, learningRate: true, model: true, init: true, seed: true, onProgress: true, signal: true,
  }));
  const rho = o.rho ?? 1;
  if (typeof rho !== 'number' || !Number.isFinite(rho) || rho < 0) throw parameterError(fn, 'options.rho', 'a finite number ≥ 0', rho);
  const alignSteps = nonNegativeInteger(fn, 'options.alignSteps', o.alignSteps ?? 10);
  const finetuneSteps = nonNegativeInteger(fn, 'options.finetuneSteps', o.finetuneSteps ?? 90);
  const cycles = nonNegativeInteger(fn, 'options.cycles', o.cycles ?? 20);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 10);
  const lr = o.learningRate ?? 0.1;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', lr);
  const model = o.model ?? softmaxRegression(dim, classes);
  if (model === null || typeof model !== 'object' || typeof model.logits !== 'function' || typeof model.init !== 'function' || !Number.isSafeInteger(model.size)) {
    throw parameterError(fn, 'options.model', 'a FedModel (softmaxRegression(), mlpClassifier())', model);
  }
  if (model.shapes[0]![0] !== dim) throw new ShapeError(`${fn}: options.model takes ${model.shapes[0]![0]} inputs but the rows have ${dim} features`);
  if (model.shapes[model.shapes.length - 1]![0] !== classes) throw new ShapeError(`${fn}: options.model has ${model.shapes[model.shapes.length - 1]![0]} outputs but data.classes is ${classes}`);
  let w: Float64Array;
  if (o.init !== undefined) {
    if (!(o.init instanceof Float64Array) || o.init.length !== model.size) throw parameterError(fn, 'options.init', `a Float64Array of length ${model.size}`, o.init);
    for (let i = 0; i < o.init.length; i++) if (!Number.isFinite(o.init[i]!)) throw new ParameterError(`${fn}: options.init[${i}] must be finite (got ${o.init[i]})`);
    w = o.init.slice();
  } else w = model.init();
  if (alignSteps > 0 && alignment.y.length === 0) throw parameterError(fn, 'data.alignment', 'at least one row when options.alignSteps > 0', 'none');
  if (finetuneSteps > 0 && finetune.y.length === 0) throw parameterError(fn, 'data.finetune', 'at least one row when options.finetuneSteps > 0', 'none');
  const seed = checkSeed(fn, o.seed ?? 0, 'options.seed');
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);

  // one minibatch stream per data set: a seeded shuffle, consumed in slices, reshuffled when used up
  const stream = (rows: LabelledRows, k: number) => {
    const R = new Rng(subSeed(seed, k));
    const ws = model.kernel === 'softmaxRegression' && rows.y.length > 0 ? new SoftmaxRegressionWorkspace(fn, rows.X, rows.y, dim, classes, Math.min(batch, rows.y.length)) : null;
    let order: Int32Array = new Int32Array(0), at = 0;
    return {
      ws,
      grad(p: Float64Array): Float64Array {
        const n = rows.y.length;
        if (at >= order.length) {
          order = shuffledOrder(R, n);
          at = 0;
        }
        const idx = order.subarray(at, Math.min(n, at + batch));
        at += idx.length;
        if (ws) {
          const g = new Float64Array(p.length);
          ws.lossAndGrad(p, idx, g);
          return g;
        }
        return lossAndGrad(model, p, rows.X, rows.y, dim, idx).grad;
      },
    };
  };
  const streams = [stream(alignment, 0), stream(finetune, 1)];
  let stopped: LisaResult['stopped'] = 'maxIter';
  let done = 0, steps = 0;
  try {
    const runState = (s: { grad(p: Float64Array): Float64Array }, count: number) => {
      const anchor = w.slice();
      for (let t = 0; t < count; t++) {
        const g = s.grad(w);
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * (g[i]! + rho * (w[i]! - anchor[i]!));
      }
      steps += count;
    };
    for (let c = 0; c < cycles; c++) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      runState(streams[0]!, alignSteps);
      runState(streams[1]!, finetuneSteps);
      done = c + 1;
      if (onProgress && onProgress({ cycle: done, steps, params: w.slice() }) === false) {
        stopped = 'callback';
        break;
      }
    }
  } finally {
    for (const s of streams) s.ws?.release();
  }
  return { params: w, model, iterations: done, stopped };
}

function readRows(fn: string, name: string, r: unknown, dim: number, classes: number): LabelledRows {
  if (r === null || typeof r !== 'object') throw parameterError(fn, name, 'labelled rows { X, y }', r);
  const { X, y } = r as LabelledRows;
  if (!(X instanceof Float64Array)) throw parameterError(fn, `${name}.X`, 'a Float64Array', X);
  if (!(y instanceof Int32Array)) throw parameterError(fn, `${name}.y`, 'an Int32Array', y);
  if (X.length !== y.length * dim) throw new ShapeError(`${fn}: ${name}.X must hold y.length · dim = ${y.length * dim} numbers (got ${X.length})`);
  for (let i = 0; i < y.length; i++) if (!(y[i]! >= 0 && y[i]! < classes)) throw new ParameterError(`${fn}: ${name}.y[${i}] must be a label in 0…${classes - 1} (got ${describe(y[i])})`);
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i]!)) throw new ParameterError(`${fn}: ${name}.X[${i}] must be finite (got ${describe(X[i])})`);
  return { X, y };
}

function readLisaData(fn: string, data: unknown): LisaData {
  if (data === null || typeof data !== 'object') throw parameterError(fn, 'data', 'a LisaData { dim, classes, alignment, finetune }', data);
  const d = data as LisaData;
  const dim = positiveInteger(fn, 'data.dim', d.dim);
  const classes = positiveInteger(fn, 'data.classes', d.classes);
  if (dim > 1e6) throw parameterError(fn, 'data.dim', 'at most 1e6 features', dim);
  if (classes > 1e5) throw parameterError(fn, 'data.classes', 'at most 1e5 classes', classes);
  return { dim, classes, alignment: readRows(fn, 'data.alignment', d.alignment, dim, classes), finetune: readRows(fn, 'data.finetune', d.finetune, dim, classes) };
}

/** Options of {@link lisaExperiment}. */
export interface LisaExperimentOptions {
  /** Seeds; each draws its own split and harmful rows (default [0, 1, 2]). */
  seeds?: number[];
  /** The ρ values compared (default [0, 0.5, 1]); every one runs the same bi-state schedule. */
  rhos?: number[];
  /** The label whose test rows measure harm (default 3). */
  sourceLabel?: number;
  /** The label the harmful rows teach for `sourceLabel` inputs (default 8). */
  targetLabel?: number;
  /** Fraction of the fine-tuning set that is harmful (default 0.05, capped by the source rows available). */
  harmfulFraction?: number;
  /** Fraction of the training rows held as clean alignment data (default 0.1). */
  alignmentFraction?: number;
  /** Fraction of all rows held out for testing (default 0.2). */
  testFraction?: number;
  /** Epochs of plain SGD on the alignment data that make the aligned model (default 30). */
  alignEpochs?: number;
  /** Cycles of the bi-state run (default 60). */
  cycles?: number;
  /** Alignment-state steps per cycle (default 20). */
  alignSteps?: number;
  /** Fine-tuning-state steps per cycle (default 80). */
  finetuneSteps?: number;
  /** Minibatch size (default 10). */
  batchSize?: number;
  /** Step size η (default 0.1). */
  learningRate?: number;
  /** Called after every finished run. */
  onRun?: (info: { label: string; done: number; total: number }) => void;
}

/** One run of {@link lisaExperiment}: metrics after every cycle. */
export interface LisaRunRecord {
  /** 'SFT' (fine-tuning only, no alignment state) or 'Lisa ρ = …' (ρ = 0 is plain bi-state optimisation). */
  variant: string;
  /** ρ (NaN for SFT). */
  rho: number;
  /** The split and run seed. */
  seed: number;
  /** Fraction of held-out source-label rows classified as the target label, per cycle. */
  harmfulRate: number[];
  /** Accuracy on the held-out rows of every other label (the user's task), per cycle. */
  finetuneAccuracy: number[];
}

/** Means over seeds at the last cycle, per variant. */
export interface LisaFinalMetrics {
  /** Mean harmful rate. */
  harmfulRate: number;
  /** Mean fine-tune accuracy. */
  finetuneAccuracy: number;
  /** Per seed, the harmful rates. */
  harmfulRates: number[];
  /** Per seed, the fine-tune accuracies. */
  finetuneAccuracies: number[];
}

/** Row counts of the toy's split (first seed). */
export interface LisaRowCounts {
  /** Clean alignment rows. */
  alignment: number;
  /** The user's benign rows (every label but the source label). */
  benign: number;
  /** The user's harmful rows (source-label rows relabelled). */
  harmful: number;
  /** Held-out rows. */
  test: number;
}

/** Harmful rate and fine-tune accuracy of one model. */
export interface LisaMetrics {
  /** Fraction of held-out source-label rows classified as the target label. */
  harmfulRate: number;
  /** Accuracy on the held-out rows of every other label. */
  finetuneAccuracy: number;
}

/** Result of {@link lisaExperiment}. */
export interface LisaExperimentResult {
  /** The settings used (after defaults). */
  settings: Required<Omit<LisaExperimentOptions, 'onRun'>> & {
    /** Alignment, benign fine-tuning, harmful and test rows of the first seed. */
    rows: LisaRowCounts;
  };
  /** The aligned model's metrics per seed, before any fine-tuning. */
  aligned: LisaMetrics[];
  /** Every run. */
  runs: LisaRunRecord[];
  /** Per variant (`LisaRunRecord.variant`): the means at the last cycle. */
  summary: Record<string, LisaFinalMetrics>;
}

/**
 * The harmful fine-tuning toy: a softmax-regression classifier aligned on clean data, then fine-tuned on
 * the user's data in which a fraction of rows are "harmful": rows of `sourceLabel` relabelled as
 * `targetLabel`. Per seed, the rows are split into a test set, clean alignment rows and the user's rows
 * (every label but `sourceLabel`, plus the harmful rows); the aligned model is plain SGD on the
 * alignment rows. Then: SFT (fine-tuning only) and Lisa's bi-state schedule for every ρ of `rhos`, from
 * the aligned model, on the same minibatch streams. Harmful rate: the fraction of held-out
 * `sourceLabel` rows classified as `targetLabel`; fine-tune accuracy: accuracy on the other held-out rows.
 *
 * Defaults: seeds [0, 1, 2], rhos [0, 0.5, 1], sourceLabel 3, targetLabel 8, harmfulFraction 0.05,
 * alignmentFraction 0.1, testFraction 0.2, alignEpochs 30, cycles 60, alignSteps 20, finetuneSteps 80,
 * batchSize 10, learningRate 0.1.
 */
export function lisaExperiment(X: ArrayLike<number>, y: ArrayLike<number>, dim: number, options?: LisaExperimentOptions): LisaExperimentResult {
  const fn = 'lisaExperiment';
  const o = readOptions(fn, options, optionKeys<LisaExperimentOptions>({
    seeds: true, rhos: true, sourceLabel: true, targetLabel: true, harmfulFraction: true, alignmentFraction: true, testFraction: true, alignEpochs: true,
    cycles: true, alignSteps: true, finetuneSteps: true, batchSize: true, learningRate: true, onRun: true,
  }));
  const { d, n, xs, labels, classes } = readLabelledRows(fn, X, y, dim);
  const seeds = o.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0) throw parameterError(fn, 'options.seeds', 'a non-empty array of seeds', seeds);
  seeds.forEach((s, i) => nonNegativeInteger(fn, `options.seeds[${i}]`, s));
  const rhos = o.rhos ?? [0, 0.5, 1];
  if (!Array.isArray(rhos) || rhos.length === 0) throw parameterError(fn, 'options.rhos', 'a non-empty array of numbers ≥ 0', rhos);
  rhos.forEach((r, i) => {
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) throw parameterError(fn, `options.rhos[${i}]`, 'a finite number ≥ 0', r);
  });
  const label = (name: string, v: unknown): number => {
    const k = nonNegativeInteger(fn, `options.${name}`, v);
    if (k >= classes) throw parameterError(fn, `options.${name}`, `a label in 0…${classes - 1}`, v);
    return k;
  };
  const sourceLabel = label('sourceLabel', o.sourceLabel ?? 3);
  const targetLabel = label('targetLabel', o.targetLabel ?? 8);
  if (sourceLabel === targetLabel) throw parameterError(fn, 'options.targetLabel', `a label other than options.sourceLabel (${sourceLabel})`, targetLabel);
  const frac = (name: string, v: unknown): number => {
    if (typeof v !== 'number' || !(v > 0 && v < 1)) throw parameterError(fn, `options.${name}`, 'a number in (0, 1)', v);
    return v;
  };
  const harmfulFraction = frac('harmfulFraction', o.harmfulFraction ?? 0.05);
  const alignmentFraction = frac('alignmentFraction', o.alignmentFraction ?? 0.1);
  const testFraction = frac('testFraction', o.testFraction ?? 0.2);
  const alignEpochs = nonNegativeInteger(fn, 'options.alignEpochs', o.alignEpochs ?? 30);
  const cycles = positiveInteger(fn, 'options.cycles', o.cycles ?? 60);
  const alignSteps = positiveInteger(fn, 'options.alignSteps', o.alignSteps ?? 20);
  const finetuneSteps = positiveInteger(fn, 'options.finetuneSteps', o.finetuneSteps ?? 80);
  const batchSize = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 10);
  const learningRate = o.learningRate ?? 0.1;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || !(learningRate > 0)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', learningRate);
  const onRun = readCallback(fn, 'options.onRun', o.onRun);

  const model = softmaxRegression(d, classes);
  const pick = (rows: number[], relabel: number | null): LabelledRows => {
    const out = { X: new Float64Array(rows.length * d), y: new Int32Array(rows.length) };
    rows.forEach((r, i) => {
      out.X.set(xs.subarray(r * d, r * d + d), i * d);
      out.y[i] = relabel ?? labels[r]!;
    });
    return out;
  };
  const variants: { name: string; rho: number; alignSteps: number }[] = [
    { name: 'SFT', rho: 0, alignSteps: 0 },
    ...rhos.map((rho) => ({ name: `Lisa ρ = ${rho}`, rho, alignSteps })),
  ];
  const runs: LisaRunRecord[] = [];
  const aligned: LisaExperimentResult['aligned'] = [];
  let rowCounts: LisaExperimentResult['settings']['rows'] | null = null;
  const total = seeds.length * variants.length;
  for (const seed of seeds) {
    const R = new Rng(subSeed(BigInt(seed), 1 << 29));
    const order = shuffledOrder(R, n);
    const nTest = Math.round(testFraction * n);
    const test = Array.from(order.subarray(0, nTest));
    const train = Array.from(order.subarray(nTest));
    const nAlign = Math.round(alignmentFraction * train.length);
    const alignRows = train.slice(0, nAlign);
    const rest = train.slice(nAlign);
    const benign = rest.filter((r) => labels[r] !== sourceLabel);
    const sources = rest.filter((r) => labels[r] === sourceLabel);
    const nHarm = Math.min(sources.length, Math.round((harmfulFraction * benign.length) / (1 - harmfulFraction)));
    if (nHarm === 0 || benign.length === 0 || alignRows.length === 0) {
      throw new ParameterError(`${fn}: the split of seed ${seed} leaves ${alignRows.length} alignment, ${benign.length} benign and ${nHarm} harmful rows; every group needs at least one (more rows or larger fractions)`);
    }
    const alignment = pick(alignRows, null);
    // the user's rows: the benign task and the harmful rows, interleaved by the minibatch shuffle
    const ftRows = pick(benign, null);
    const harmRows = pick(sources.slice(0, nHarm), targetLabel);
    const finetune = {
      X: new Float64Array((benign.length + nHarm) * d),
      y: new Int32Array(benign.length + nHarm),
    };
    finetune.X.set(ftRows.X);
    finetune.X.set(harmRows.X, ftRows.X.length);
    finetune.y.set(ftRows.y);
    finetune.y.set(harmRows.y, ftRows.y.length);
    const testSource = pick(test.filter((r) => labels[r] === sourceLabel), null);
    const testOther = pick(test.filter((r) => labels[r] !== sourceLabel), null);
    rowCounts ??= { alignment: alignRows.length, benign: benign.length, harmful: nHarm, test: test.length };
    const measure = (w: Float64Array) => {
      const logitsArgmax = (rows: LabelledRows, want: number): number => {
        // predictions counted through evaluateRows with every label set to `want`
        const r = evaluateRows(model, w, rows.X, new Int32Array(rows.y.length).fill(want), d);
        return rows.y.length ? r.correct / rows.y.length : NaN;
      };
      return {
        harmfulRate: logitsArgmax(testSource, targetLabel),
        finetuneAccuracy: testOther.y.length ? evaluateRows(model, w, testOther.X, testOther.y, d).correct / testOther.y.length : NaN,
      };
    };
    // the aligned model: plain SGD epochs on the clean alignment rows (ρ = 0, no fine-tuning state)
    const steps = Math.ceil(alignRows.length / batchSize) * alignEpochs;
    const base = lisaTrain({ dim: d, classes, alignment, finetune }, { rho: 0, alignSteps: steps, finetuneSteps: 0, cycles: steps > 0 ? 1 : 0, batchSize, learningRate, seed: subSeed(BigInt(seed), 7) }).params;
    aligned.push(measure(base));
    for (const v of variants) {
      const rec: LisaRunRecord = { variant: v.name, rho: v.alignSteps === 0 ? NaN : v.rho, seed, harmfulRate: [], finetuneAccuracy: [] };
      lisaTrain({ dim: d, classes, alignment, finetune }, {
        rho: v.rho, alignSteps: v.alignSteps, finetuneSteps, cycles, batchSize, learningRate, init: base, seed,
        onProgress: (info) => {
          const m = measure(info.params);
          rec.harmfulRate.push(m.harmfulRate);
          rec.finetuneAccuracy.push(m.finetuneAccuracy);
        },
      });
      runs.push(rec);
      onRun?.({ label: `${v.name}, seed ${seed}`, done: runs.length, total });
    }
  }
  const summary: LisaExperimentResult['summary'] = {};
  for (const v of variants) {
    const rs = runs.filter((r) => r.variant === v.name);
    const harmfulRates = rs.map((r) => r.harmfulRate[r.harmfulRate.length - 1]!);
    const finetuneAccuracies = rs.map((r) => r.finetuneAccuracy[r.finetuneAccuracy.length - 1]!);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    summary[v.name] = { harmfulRate: mean(harmfulRates), finetuneAccuracy: mean(finetuneAccuracies), harmfulRates, finetuneAccuracies };
  }
  return {
    settings: {
      seeds, rhos, sourceLabel, targetLabel, harmfulFraction, alignmentFraction, testFraction, alignEpochs, cycles, alignSteps, finetuneSteps, batchSize, learningRate,
      rows: rowCounts!,
    },
    aligned,
    runs,
    summary,
  };
}
