/** Classical forecasting baselines: seasonal naive and additive Holt–Winters. */
import { ShapeError, parameterError } from '../runtime/errors.js';
import { checkCapacity, finiteArray, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';

/**
 * Seasonal naive forecast: ŷ_{n+h} = x_{n−m+1+((h−1) mod m)}, h = 1 … steps — the last season of
 * length m repeated.
 *
 * @param series  at least `period` finite values.
 * @param period  season length m ≥ 1 (1 = the last value repeated).
 * @param steps  values to forecast (≥ 1).
 */
export function seasonalNaive(series: VectorInput, period: number, steps: number): Float64Array {
  const fn = 'seasonalNaive';
  const x = finiteArray(fn, 'series', series);
  positiveInteger(fn, 'period', period);
  positiveInteger(fn, 'steps', steps);
  checkCapacity(fn, steps);
  if (x.length < period) throw new ShapeError(`${fn}: series must hold at least one period of ${period} values (got length ${x.length})`);
  const out = new Float64Array(steps);
  for (let h = 0; h < steps; h++) out[h] = x[x.length - period + (h % period)]!;
  return out;
}

/** Options of {@link fitHoltWinters}. */
export interface HoltWintersOptions {
  /** Season length m ≥ 2 (required). */
  period: number;
  /** Level smoothing values α ∈ (0, 1] searched (default 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7). */
  alphas?: readonly number[];
  /** Seasonal smoothing values γ ∈ [0, 1] searched (default 0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5). */
  gammas?: readonly number[];
}

/** A fitted additive Holt–Winters model (level + season, no trend). */
export interface HoltWintersModel {
  /** Season length m. */
  readonly period: number;
  /** Chosen level smoothing α. */
  readonly alpha: number;
  /** Chosen seasonal smoothing γ. */
  readonly gamma: number;
  /** Mean squared one-step-ahead error on the training series at (α, γ). */
  readonly trainingMse: number;
  /**
   * Runs the recursions over `series` (at least 2m values; the first two seasons initialise level and
   * season) and forecasts ŷ_{n+h} = ℓ_n + s_{n+h−m·⌈h/m⌉}, h = 1 … steps.
   */
  forecast(series: VectorInput, steps: number): Float64Array;
}

const HW_KEYS = optionKeys<HoltWintersOptions>({ period: true, alphas: true, gammas: true });

/** One pass of the recursions; returns the final level, the last m seasonal terms and the one-step SSE. */
function runHw(x: Float64Array, m: number, alpha: number, gamma: number): { level: number; season: Float64Array; sse: number; count: number } {
  // initial level: mean of the first season; initial season: first season minus that mean
  let level = 0;
  for (let i = 0; i < m; i++) level += x[i]!;
  level /= m;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) season[i] = x[i]! - level;
  let sse = 0;
  let count = 0;
  for (let t = m; t < x.length; t++) {
    const s = season[t % m]!;
    const err = x[t]! - (level + s);
    if (t >= 2 * m) {
      sse += err * err;
      count++;
    }
    const newLevel = level + alpha * err;
    season[t % m] = s + gamma * (1 - alpha) * err;
    level = newLevel;
  }
  return { level, season, sse, count };
}

function readGrid(fn: string, name: string, v: unknown, fallback: number[], lo: number, loOpen: boolean): number[] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length === 0) throw parameterError(fn, name, 'a non-empty array of numbers', v);
  return v.map((a, i) => {
    if (typeof a !== 'number' || !(loOpen ? a > lo : a >= lo) || !(a <= 1)) throw parameterError(fn, `${name}[${i}]`, `in ${loOpen ? '(' : '['}${lo}, 1]`, a);
    return a;
  });
}

/**
 * Additive Holt–Winters without trend (exponential smoothing of a level ℓ and m seasonal terms s):
 *
 *   e_t = x_t − (ℓ_{t−1} + s_{t−m}),   ℓ_t = ℓ_{t−1} + α·e_t,   s_t = s_{t−m} + γ(1 − α)·e_t,
 *
 * with (α, γ) chosen on a grid by the one-step-ahead squared error on `series` (after two seasons).
 *
 * @param series  the training series (at least 3m finite values).
 */
export function fitHoltWinters(series: VectorInput, options: HoltWintersOptions): HoltWintersModel {
  const fn = 'fitHoltWinters';
  const o = readOptions(fn, options, HW_KEYS);
  if (o.period === undefined) throw parameterError(fn, 'options.period', 'an integer >= 2', undefined);
  const m = positiveInteger(fn, 'options.period', o.period);
  if (m < 2) throw parameterError(fn, 'options.period', 'an integer >= 2', m);
  const alphas = readGrid(fn, 'options.alphas', o.alphas, [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7], 0, true);
  const gammas = readGrid(fn, 'options.gammas', o.gammas, [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5], 0, false);
  const x = finiteArray(fn, 'series', series);
  if (x.length < 3 * m) throw new ShapeError(`${fn}: series must hold at least 3 periods (${3 * m} values) (got length ${x.length})`);
  let best = { alpha: alphas[0]!, gamma: gammas[0]!, mse: Infinity };
  for (const a of alphas) for (const g of gammas) {
    const r = runHw(x, m, a, g);
    const mse = r.sse / r.count;
    if (mse < best.mse) best = { alpha: a, gamma: g, mse };
  }
  const { alpha, gamma } = best;
  return {
    period: m,
    alpha,
    gamma,
    trainingMse: best.mse,
    forecast(s: VectorInput, steps: number): Float64Array {
      const f = 'HoltWintersModel.forecast';
      const y = finiteArray(f, 'series', s);
      positiveInteger(f, 'steps', steps);
      checkCapacity(f, steps);
      if (y.length < 2 * m) throw new ShapeError(`${f}: series must hold at least 2 periods (${2 * m} values) (got length ${y.length})`);
      const r = runHw(y, m, alpha, gamma);
      const out = new Float64Array(steps);
      for (let h = 1; h <= steps; h++) out[h - 1] = r.level + r.season[(y.length + h - 1) % m]!;
      return out;
    },
  };
}
