/**
 * RLinear: reversible instance normalisation (RevIN) around one linear map lookback → horizon, fitted
 * in closed form (ridge least squares). The building block of every Super-Linear expert, and a
 * baseline of its own.
 */
import { ShapeError, parameterError } from '../runtime/errors.js';
import { checkCapacity, finiteArray, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { choleskySolve, normalEquations } from './solve.js';

/** Normalised training windows: inputs N × L and targets N × H, both row-major. */
export interface Windows {
  /** RevIN-normalised lookbacks, N × L. */
  X: Float64Array;
  /** Targets normalised with the statistics of their own lookback, N × H. */
  Y: Float64Array;
  /** Number of windows. */
  n: number;
}

/** Mean and standard deviation of x[start … start + L) (σ floored so that a flat input divides safely). */
export function revinStats(x: ArrayLike<number>, start: number, L: number): { mu: number; sigma: number } {
  let mu = 0;
  for (let i = 0; i < L; i++) mu += x[start + i]!;
  mu /= L;
  let v = 0;
  for (let i = 0; i < L; i++) {
    const d = x[start + i]! - mu;
    v += d * d;
  }
  const sigma = Math.sqrt(v / L);
  return { mu, sigma: Math.max(sigma, 1e-8 * (Math.abs(mu) + 1)) };
}

/** Appends the windows of x with lookback L, horizon H, every `stride` steps to (X, Y) arrays (and each window's σ to `scales`). */
export function collectWindows(x: ArrayLike<number>, L: number, H: number, stride: number, X: number[], Y: number[], scales?: number[]): number {
  let count = 0;
  for (let s = 0; s + L + H <= x.length; s += stride) {
    const { mu, sigma } = revinStats(x, s, L);
    scales?.push(sigma);
    for (let i = 0; i < L; i++) X.push((x[s + i]! - mu) / sigma);
    for (let i = 0; i < H; i++) Y.push((x[s + L + i]! - mu) / sigma);
    count++;
  }
  return count;
}

/** A fitted linear map of normalised lookbacks: ŷ = W·x̂ + b, stored as (L + 1) × H (last row b). */
export interface LinearMap {
  /** Lookback L. */
  readonly L: number;
  /** Horizon H. */
  readonly H: number;
  /** Weights, (L + 1) × H row-major; row L is the bias. */
  readonly W: Float64Array;
}

/**
 * Ridge least squares on normalised windows: minimises Σ‖W·x̂ + b − ŷ‖² + λ·‖W − W₀‖² with
 * λ = ridge · trace(X̂ᵀX̂)/L (a relative penalty; the bias is not penalised beyond 1e-9). W₀ is 0, or
 * the map `toward` (same shape): the fine-tuning of a pretrained map, whose solution runs from W₀
 * (λ → ∞) to the unregularised fit (λ → 0); then the bias is pulled toward W₀'s bias by λ as well,
 * so that a large λ keeps the pretrained map whole.
 */
export function fitLinearMap(fn: string, w: Windows, L: number, H: number, ridge: number, toward?: LinearMap): LinearMap {
  const p = L + 1;
  const A = new Float64Array(w.n * p);
  for (let r = 0; r < w.n; r++) {
    A.set(w.X.subarray(r * L, (r + 1) * L), r * p);
    A[r * p + L] = 1;
  }
  const { G, R } = normalEquations(A, w.n, p, w.Y, H);
  let tr = 0;
  for (let i = 0; i < L; i++) tr += G[i * p + i]!;
  const lam = ridge * (tr / L) + 1e-9;
  const d = new Float64Array(p).fill(lam);
  d[L] = 1e-9 * Math.max(1, w.n);
  if (toward) {
    // (G + D)·W = R + D·W₀: the normal equations of the penalty λ‖W − W₀‖² (bias included)
    d[L] = lam;
    for (let i = 0; i < p; i++) for (let h = 0; h < H; h++) R[i * H + h] = R[i * H + h]! + d[i]! * toward.W[i * H + h]!;
  }
  return { L, H, W: choleskySolve(fn, G, p, R, H, d) };
}

/** ŷ (normalised) = W·x̂ + b for one normalised lookback. */
export function applyMap(m: LinearMap, xn: ArrayLike<number>, out: Float64Array): Float64Array {
  const { L, H, W } = m;
  for (let h = 0; h < H; h++) out[h] = W[L * H + h]!;
  for (let i = 0; i < L; i++) {
    const v = xn[i]!;
    if (v === 0) continue;
    const row = i * H;
    for (let h = 0; h < H; h++) out[h] = out[h]! + v * W[row + h]!;
  }
  return out;
}

/** Forecast of `steps` values after x with the map m (RevIN around it; rolled forward past H). */
export function rollForecast(x: Float64Array, L: number, H: number, steps: number, predict: (xn: Float64Array) => Float64Array): Float64Array {
  const out = new Float64Array(steps);
  const hist = Array.from(x.subarray(x.length - L));
  let done = 0;
  while (done < steps) {
    const start = hist.length - L;
    const { mu, sigma } = revinStats(hist, start, L);
    const xn = new Float64Array(L);
    for (let i = 0; i < L; i++) xn[i] = (hist[start + i]! - mu) / sigma;
    const y = predict(xn);
    const take = Math.min(H, steps - done);
    for (let i = 0; i < take; i++) {
      const v = y[i]! * sigma + mu;
      out[done + i] = v;
      hist.push(v);
    }
    done += take;
  }
  return out;
}

/** Options of {@link fitRLinear}. */
export interface RLinearOptions {
  /** Lookback L: values the map reads (default 512). */
  lookback?: number;
  /** Horizon H: values one application predicts (default 96); longer forecasts roll forward. */
  horizon?: number;
  /** Relative ridge penalty λ/(mean diagonal of X̂ᵀX̂) (default 1e-2). */
  ridge?: number;
  /** Training windows start every `stride` values (default 1). */
  stride?: number;
}

/** A fitted forecaster: `forecast(series, steps)` predicts the `steps` values after `series`. */
export interface LinearForecaster {
  /** Lookback L. */
  readonly lookback: number;
  /** Horizon H of one application. */
  readonly horizon: number;
  /** The map on normalised lookbacks, (L + 1) × H row-major, last row the bias. */
  readonly weights: Float64Array;
  /**
   * The `steps` values after `series` (at least L values; the last L are read). RevIN: the lookback is
   * standardised by its own mean and standard deviation, mapped, and the forecast de-standardised.
   */
  forecast(series: VectorInput, steps?: number): Float64Array;
}

const RLINEAR_KEYS = optionKeys<RLinearOptions>({ lookback: true, horizon: true, ridge: true, stride: true });

/** Checks a series for forecasting: finite, at least L values. */
export function readSeries(fn: string, name: string, series: unknown, L: number): Float64Array {
  const x = finiteArray(fn, name, series);
  if (x.length < L) throw new ShapeError(`${fn}: ${name} must hold at least the lookback of ${L} values (got length ${x.length})`);
  return x;
}

/** A count of forecast steps ≥ 1. */
export function readSteps(fn: string, steps: unknown, fallback: number): number {
  if (steps === undefined) return fallback;
  positiveInteger(fn, 'steps', steps);
  checkCapacity(fn, 2 * (steps as number));
  return steps as number;
}

/**
 * RLinear (RevIN + one linear map, lookback L → horizon H) fitted in closed form to every window of
 * one or more training series:
 *
 *   min_{W,b} Σ_windows ‖W·x̂ + b − ŷ‖² + λ‖W‖²,   x̂ = (x − μ)/σ, ŷ = (y − μ)/σ,
 *
 * with μ, σ the mean and standard deviation of each window's lookback and λ = ridge·tr(X̂ᵀX̂)/L. The
 * normal equations are formed with the nn family's SIMD matmul and solved by Cholesky.
 *
 * @param series  one training series or an array of them (each long enough for one window of L + H values).
 */
export function fitRLinear(series: VectorInput | readonly VectorInput[], options?: RLinearOptions): LinearForecaster {
  const fn = 'fitRLinear';
  const o = readOptions(fn, options, RLINEAR_KEYS);
  const L = o.lookback === undefined ? 512 : positiveInteger(fn, 'options.lookback', o.lookback);
  const H = o.horizon === undefined ? 96 : positiveInteger(fn, 'options.horizon', o.horizon);
  const ridge = o.ridge ?? 1e-2;
  if (typeof ridge !== 'number' || !(ridge >= 0) || !Number.isFinite(ridge)) throw parameterError(fn, 'options.ridge', 'a finite number >= 0', ridge);
  const stride = o.stride === undefined ? 1 : positiveInteger(fn, 'options.stride', o.stride);
  checkCapacity(fn, (L + 1) * (L + 1 + H));
  const list = isSeriesList(series) ? series : [series as VectorInput];
  const X: number[] = [];
  const Y: number[] = [];
  let n = 0;
  list.forEach((s, i) => {
    const x = finiteArray(fn, list.length === 1 && !isSeriesList(series) ? 'series' : `series[${i}]`, s);
    checkCapacity(fn, (n + Math.max(0, Math.floor((x.length - L - H) / stride) + 1)) * (2 * L + H + 1));
    n += collectWindows(x, L, H, stride, X, Y);
  });
  if (n === 0) throw new ShapeError(`${fn}: series must hold at least one window of lookback + horizon = ${L + H} values`);
  const map = fitLinearMap(fn, { X: Float64Array.from(X), Y: Float64Array.from(Y), n }, L, H, ridge);
  return linearForecaster(map);
}

/** Wraps a fitted map as a public forecaster. */
export function linearForecaster(map: LinearMap): LinearForecaster {
  const { L, H } = map;
  const buf = new Float64Array(H);
  return {
    lookback: L,
    horizon: H,
    weights: map.W,
    forecast(series: VectorInput, steps?: number): Float64Array {
      const fn = 'LinearForecaster.forecast';
      const x = readSeries(fn, 'series', series, L);
      const k = readSteps(fn, steps, H);
      return rollForecast(x, L, H, k, (xn) => applyMap(map, xn, buf));
    },
  };
}

/** True for an array of series (its first entry is itself an array), false for one series of numbers. */
export function isSeriesList(v: unknown): v is readonly VectorInput[] {
  if (!Array.isArray(v)) return false;
  return v.length > 0 && typeof v[0] === 'object' && v[0] !== null;
}
