/**
 * minimizeCvar: CVaR training of linear models by SPL+ (here: the truncated stochastic prox-linear
 * step), SPL and SGM on the Rockafellar–Uryasev form, as studied by Meng & Gower (ICML 2023). The
 * epoch loop of the built-in losses runs in WASM (assembly/cvar/step.ts); a user loss runs its loop
 * here and calls the same step kernel.
 */
import { isRowArray, readMatrix, type Matrix } from '../runtime/matrix.js';
import { NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import { nonNegativeInteger, optionKeys, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { StopState } from '../runtime/stop.js';
import { checkBoolean } from '../runtime/checks.js';
import { seededRng } from '../rng.js';
import { checkBeta, copyDoubles, finiteNumber, tail } from './cvar.js';
import { isNumericArray, numbersOf } from '../runtime/memory.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** A loss of the prediction p = ⟨x, w⟩ + b and the target y, with its derivative in p. */
export interface CustomLoss {
  /** The loss ℓ(p, y) ≥ 0 at prediction p and target y (finite). */
  value(p: number, y: number): number;
  /** ∂ℓ/∂p at prediction p and target y (finite). */
  derivative(p: number, y: number): number;
}

/** A loss of {@link minimizeCvar}: a built-in name or a {@link CustomLoss}. */
export type CvarLoss = 'squared' | 'absolute' | 'logistic' | CustomLoss;
/** Iterate averaging of {@link minimizeCvar}: 'none', 'all' (Polyak–Ruppert) or 'tail' (the second half of the run). */
export type CvarAveraging = 'none' | 'all' | 'tail';

/** A CVaR training method: 'spl+' (truncated stochastic prox-linear), 'spl' (stochastic prox-linear) or 'sgm' (stochastic subgradient). */
export type CvarMethod = 'spl+' | 'spl' | 'sgm';

// X's `{ data, rows, cols }` form is the runtime's Matrix (read by readMatrix, so `data` may also be
// an F64Buffer): one exported type for every family instead of a second, narrower `Matrix`.
export type { Matrix } from '../runtime/matrix.js';

/** Progress of {@link minimizeCvar} after one epoch (passed to `onProgress` and kept in `history`). */
export interface CvarProgress {
  /** Epochs completed (1-based). */
  epoch: number;
  /** Full-data CVaR at the current model. */
  objective: number;
  /** The current η. */
  eta: number;
  /** Milliseconds since the start of the run. */
  elapsedMs: number;
}

/** Options of {@link minimizeCvar}. */
export interface MinimizeCvarOptions {
  /** Features, row-major `{ data, rows, cols }` or an array of rows (n × d). */
  X: Matrix | ArrayLike<number>[];
  /** Targets, length n. For 'logistic', labels ±1 (0 is read as −1). */
  y: ArrayLike<number>;
  /** 'squared' (p − y)²/2, 'absolute' |p − y|, 'logistic' log(1 + e^{−yp}), or a CustomLoss. Default 'squared'. */
  loss?: CvarLoss;
  /** CVaR level in [0, 1) (0: the mean loss). Default 0.9 (the worst 10 % of the losses). */
  beta?: number;
  /** 'spl+' (truncated prox-linear model, needs losses ≥ 0), 'spl' or 'sgm'. Default 'spl+'. */
  method?: CvarMethod;
  /** γ > 0, the step size (the proximal term is ‖z − z_t‖²/(2γ)). Default 0.1. */
  stepSize?: number;
  /**
   * 'sqrt': γ_t = γ/√(t + 1) at step t (counted over the whole run, from 0), a decaying step under which
   * the averaged iterates approach the optimum; 'constant': γ_t = γ, whose iterates (averaged or not)
   * settle in a neighbourhood of the optimum whose size grows with γ. Default 'sqrt'.
   */
  schedule?: 'constant' | 'sqrt';
  /**
   * Passes over the data (each a fresh random permutation; ⌊n / batchSize⌋ steps each). Default 300: on
   * the diabetes regression (442 × 10, β = 0.9) the defaults end within 0.5 % of the optimum for every γ
   * in [0.003, 1] (absolute loss) and [0.003, 0.3] (squared loss); fewer epochs narrow that range.
   */
  epochs?: number;
  /** Samples per step, 1 ≤ batchSize ≤ n. Default 1. */
  batchSize?: number;
  /** Fit an intercept b (not regularised). Default true. */
  fitIntercept?: boolean;
  /** Seed of the permutations. Default 0. */
  seed?: number;
  /**
   * Initial η (in the units of the loss). Default 0. η rises by at most (α − 1)·γ_t and falls by at most
   * γ_t per step (α = 1/(1 − β)), whatever the scale of the loss, so for large losses a start near the
   * VaR at the optimum saves most of the run (on diabetes with targets × 100 and the squared loss, η* ≈ 6,800).
   */
  eta0?: number;
  /**
   * Iterate averaging. 'none': the last iterate is returned. 'all': the Polyak–Ruppert mean of the
   * iterates (w, b, η) after every step. 'tail': the mean over the steps of the second half of the run
   * (suffix averaging: the iterates of the first half, still far from the optimum, are left out).
   * With 'all' or 'tail' the returned model, `objective` and the `history` objectives are those of the
   * mean (an epoch before the tail starts reports the current iterate). Default 'tail': with the
   * decaying step it reached the optimum over a wider range of γ than the last iterate did, and the
   * first half of the run, far from the optimum, does not weigh on it as it does with 'all'.
   */
  averaging?: CvarAveraging;
  /**
   * Stop on a certified gap: after an epoch whose (full-data) objective F satisfies
   * F − lowerBound ≤ tol·|lowerBound|, the run ends with converged = true and stopped = 'converged'.
   * `lowerBound` must be a valid lower bound on the optimum, e.g. `cvarReference(...).lowerBound`
   * (the test is then a certificate that F is within tol of the optimum); `tol` ≥ 0 is relative.
   * Default: none (all epochs run).
   */
  stopAt?: {
    /** A lower bound on min CVaR (finite). */
    lowerBound: number;
    /** Relative tolerance ≥ 0, e.g. 0.005 for 0.5 %. */
    tol: number;
  };
  /** Called after every epoch; return false to stop. */
  onProgress?: (info: CvarProgress) => boolean | void;
  /** Checked before every epoch; an aborted signal ends the run with stopped = 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link minimizeCvar}: the linear model p = ⟨x, weights⟩ + intercept and how the run ended. */
export interface MinimizeCvarResult {
  /** The weights w (length d). */
  weights: Float64Array;
  /** The intercept b (0 when fitIntercept is false). */
  intercept: number;
  /** The final η (the mean η with averaging), an estimate of VaR_β of the losses. */
  eta: number;
  /** Full-data CVaR_β of the losses at the returned model. */
  objective: number;
  /** One entry per completed epoch (objective = full-data CVaR after that epoch). */
  history: CvarProgress[];
  /** Stochastic steps taken. */
  iterations: number;
  /** True only when `stopAt` certified the objective within its tolerance; otherwise the epochs ran out (no convergence test). */
  converged: boolean;
  /**
   * Why the run ended: 'converged' (the `stopAt` gap was met), 'maxIter' (all epochs done), 'callback'
   * (onProgress returned false), 'aborted' (signal), or 'diverged' (the iterates overflowed: too large a
   * step; objective is Infinity).
   */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted' | 'diverged'>;
  /** Wall-clock milliseconds of the run. */
  timeMs: number;
}

const METHODS: Record<CvarMethod, number> = { sgm: 0, spl: 1, 'spl+': 2 };
const LOSSES: Record<string, number> = { squared: 0, absolute: 1, logistic: 2 };

/** One of 'spl+', 'spl', 'sgm' (own keys only: 'toString' is no method). */
export function checkMethod(fn: string, method: unknown, name = 'method'): CvarMethod {
  if (typeof method !== 'string' || !Object.hasOwn(METHODS, method)) throw parameterError(fn, name, "'spl+', 'spl' or 'sgm'", method);
  return method as CvarMethod;
}

/** A step size γ: finite and > 0. */
export function checkStepSize(fn: string, stepSize: unknown, name = 'stepSize'): number {
  if (typeof stepSize !== 'number' || !(stepSize > 0) || !Number.isFinite(stepSize)) throw parameterError(fn, name, 'finite and > 0', stepSize);
  return stepSize;
}

export function checkSchedule(fn: string, schedule: unknown): 'constant' | 'sqrt' {
  if (schedule !== 'constant' && schedule !== 'sqrt') throw parameterError(fn, 'schedule', "'constant' or 'sqrt'", schedule);
  return schedule;
}

/** One of 'none', 'all', 'tail'. */
export function checkAveraging(fn: string, averaging: unknown, name = 'averaging'): CvarAveraging {
  if (averaging !== 'none' && averaging !== 'all' && averaging !== 'tail') throw parameterError(fn, name, "'none', 'all' or 'tail'", averaging);
  return averaging;
}

/** A number of epochs: an integer ≥ 0 (huge counts are valid: onProgress or signal ends the run). */
export function checkEpochs(fn: string, epochs: unknown): number {
  nonNegativeInteger(fn, 'epochs', epochs);
  return epochs as number;
}

/** Validated dense data: X copied to a row-major Float64Array. */
export interface Dataset {
  X: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
}

/**
 * Reads `X` (matrix or rows) and `y`, checking shapes and finiteness; `where` prefixes the names in
 * messages (e.g. 'problems[0].').
 */
export function readDataset(fn: string, X: unknown, y: unknown, where = ''): Dataset {
  if (Array.isArray(X) && X.length === 0) throw new ShapeError(`${fn}: ${where}X must have at least one row (got 0)`);
  // the shared reader: { data, rows, cols } or an array of rows (a flat array has no shape here)
  const m = readMatrix(fn, `${where}X`, X);
  const [n, d] = [m.rows, m.cols];
  if (n === 0) throw new ShapeError(`${fn}: ${where}X must have at least one row (got 0)`);
  if (d === 0) throw new ShapeError(`${fn}: ${where}X rows must have length >= 1 (got 0)`);
  const data = m.data instanceof Float64Array && isRowArray(X) ? m.data : numbersOf(fn, `${where}X.data`, m.data);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NonFiniteError(fn, `${where}X`, bad, data[bad]!);
  if (!isNumericArray(y)) throw parameterError(fn, `${where}y`, 'an array of numbers', y);
  if (y.length !== n) throw new ShapeError(`${fn}: ${where}y must have length ${n} (the rows of X) (got ${y.length})`);
  const yy = new Float64Array(n);
  copyDoubles(y, yy, 0);
  const badY = yy.findIndex((v) => !Number.isFinite(v));
  if (badY >= 0) throw new NonFiniteError(fn, `${where}y`, badY, yy[badY]!);
  return { X: data, y: yy, n, d };
}

/** Labels for the logistic loss: each −1, 0 or 1 (ParameterError otherwise), 0 read as −1. */
export function logisticLabels(fn: string, y: Float64Array, where = ''): Float64Array {
  const bad = y.findIndex((v) => v !== 1 && v !== -1 && v !== 0);
  if (bad >= 0) throw parameterError(fn, `${where}y[${bad}]`, 'a label −1, 0 or 1 for the logistic loss', y[bad]);
  return y.map((v) => (v === 0 ? -1 : v));
}

/** Fisher–Yates permutation of 0..n−1 from n uniforms. */
function permutation(u: Float64Array, order: Int32Array): void {
  const n = order.length;
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/** Scope slots of one run. */
interface Slots {
  X: number;
  y: number;
  order: number;
  theta: number;
  state: number;
  g: number;
  losses: number;
  scratch: number;
  avg: number;
}

/** Losses of the model at `theta` (a pointer, default slots.theta) on all rows into slots.losses (WASM loss or the user's). */
function allLosses(s: Scope, ds: Dataset, p: Slots, dd: number, intercept: boolean, loss: CvarLoss, theta = p.theta): void {
  if (typeof loss === 'string') {
    s.x.linearLosses(p.X, ds.n, ds.d, p.y, theta, intercept ? 1 : 0, LOSSES[loss]!, p.losses);
    return;
  }
  const th = f64View(s.x, theta, dd);
  const out = f64View(s.x, p.losses, ds.n);
  const b = intercept ? th[ds.d]! : 0;
  for (let i = 0; i < ds.n; i++) {
    let z = b;
    for (let j = 0; j < ds.d; j++) z += ds.X[i * ds.d + j]! * th[j]!;
    out[i] = loss.value(z, ds.y[i]!);
  }
}

/** One epoch for a user loss: the same steps as cvarEpoch, with the loss evaluated in JS. */
function customEpoch(
  s: Scope, ds: Dataset, p: Slots, loss: CustomLoss, method: number, batch: number, steps: number,
  gamma: number, schedule: number, t0: number, alpha: number, intercept: boolean, averageFrom: number,
): void {
  const d = ds.d;
  const dd = d + (intercept ? 1 : 0);
  const th = f64View(s.x, p.theta, dd);
  const st = f64View(s.x, p.state, 2);
  const order = new Int32Array(s.x.memory.buffer, p.order, ds.n);
  const g = new Float64Array(dd);
  for (let t = 0; t < steps; t++) {
    const gt = schedule === 1 ? gamma / Math.sqrt(t0 + t + 1) : gamma;
    const eta = st[0]!;
    g.fill(0);
    let ellSum = 0;
    let active = 0;
    for (let r = 0; r < batch; r++) {
      const i = order[t * batch + r]!;
      let z = intercept ? th[d]! : 0;
      for (let j = 0; j < d; j++) z += ds.X[i * d + j]! * th[j]!;
      const ell = loss.value(z, ds.y[i]!);
      let c = loss.derivative(z, ds.y[i]!) / batch;
      if (!Number.isFinite(ell) || !Number.isFinite(c)) {
        throw new NonFiniteError('minimizeCvar', 'loss(p, y)', i, Number.isFinite(ell) ? c : ell);
      }
      if (method === 0) {
        if (ell > eta) active += 1 / batch;
        else c = 0;
      }
      ellSum += ell;
      for (let j = 0; j < d; j++) g[j]! += c * ds.X[i * d + j]!;
      if (intercept) g[d]! += c;
    }
    const ca = gt * alpha;
    let l1: number;
    let S: number;
    if (method === 0) {
      l1 = 1;
      S = active;
    } else {
      let g2 = 0;
      for (let j = 0; j < dd; j++) g2 += g[j]! * g[j]!;
      s.x.cvarStepCoef(method, ellSum / batch, g2, eta, gt, alpha, p.g);
      const c = f64View(s.x, p.g, 2);
      l1 = c[0]!;
      S = c[1]!;
    }
    for (let j = 0; j < dd; j++) th[j]! -= ca * l1 * g[j]!;
    st[0] = eta - gt + ca * S;
    // the running mean, as cvarEpoch keeps it (a fresh view: the user's loss may have grown memory)
    const step = t0 + t + 1;
    if (averageFrom >= 0 && step > averageFrom) {
      const w = 1 / (step - averageFrom);
      const av = f64View(s.x, p.avg, dd + 1);
      const th2 = f64View(s.x, p.theta, dd);
      for (let j = 0; j < dd; j++) av[j]! += w * (th2[j]! - av[j]!);
      av[dd]! += w * (f64View(s.x, p.state, 1)[0]! - av[dd]!);
    }
  }
}

// The option keys it accepts (readOptions refuses any other key).
const MINIMIZE_KEYS = optionKeys<MinimizeCvarOptions>({
  X: true, y: true, loss: true, beta: true, method: true, stepSize: true, schedule: true, epochs: true, batchSize: true,
  fitIntercept: true, seed: true, eta0: true, averaging: true, stopAt: true, onProgress: true, signal: true,
});

/**
 * Minimises CVaR_β of the losses of a linear model p = ⟨x, w⟩ + b over (w, b) by a stochastic method
 * on the Rockafellar–Uryasev form F(θ, η) = η + E[(ℓ(θ) − η)₊]/(1 − β), whose minimum over η is
 * CVaR_β (Rockafellar & Uryasev 2000; the form Meng & Gower 2023 build on):
 *
 * - 'spl+': the stochastic prox-linear step on the truncated model η + α(max{ℓ + ⟨∇ℓ, θ − θ_t⟩, 0} − η)₊
 *   (which uses ℓ ≥ 0), in closed form (see assembly/cvar/step.ts). NOTE: this is our reconstruction
 *   of SPL+ as a truncated prox-linear method; the exact SPL+ model of the paper was not
 *   available to check against.
 * - 'spl': the stochastic prox-linear step on η + α(ℓ + ⟨∇ℓ, θ − θ_t⟩ − η)₊ (Duchi & Ruan 2018).
 * - 'sgm': the stochastic subgradient step.
 *
 * A mini-batch step of SPL/SPL+ applies the same closed form to the batch-mean loss ℓ_B and gradient
 * (the model of η + α(ℓ_B(θ) − η)₊, which lies below the batch objective by Jensen's inequality); a
 * mini-batch SGM step uses the exact mean subgradient.
 * Start: w = 0, b = 0, η = eta0. Returns the mean of the iterates of the second half of the run
 * (`averaging: 'tail'`, the default), of all of them ('all', Polyak–Ruppert), or the last iterate ('none').
 *
 * The defaults (SPL+, γ = 0.1 with the decaying step γ/√(t + 1), 300 epochs, the tail mean) are chosen
 * so that a run ends near the optimum without tuning: the decaying step removes the bias a constant
 * step leaves (with a constant γ ≥ 0.3 SPL+ settles 4–8 % above the optimum on diabetes), and the mean
 * removes most of the noise of the last iterate. On the diabetes regression (β = 0.9) they end within
 * 0.5 % of the certified optimum for every γ in [0.003, 1] with the absolute loss and [0.003, 0.3]
 * with the squared loss (docs/experiments/cvar-averaging.md). Badly conditioned data need more epochs.
 * @throws ShapeError for empty or mismatched X, y; NonFiniteError for NaN/±Inf in X, y; ParameterError for bad options.
 */
export function minimizeCvar(options: MinimizeCvarOptions): MinimizeCvarResult {
  const fn = 'minimizeCvar';
  const {
    loss = 'squared', beta = 0.9, method = 'spl+', stepSize = 0.1, schedule = 'sqrt', epochs = 300,
    batchSize = 1, fitIntercept = true, seed = 0, eta0 = 0, averaging = 'tail', stopAt, onProgress, signal,
  } = (options = readOptions(fn, options, MINIMIZE_KEYS));
  if (stopAt !== undefined) {
    const st = readOptions(fn, stopAt, optionKeys<NonNullable<MinimizeCvarOptions['stopAt']>>({ lowerBound: true, tol: true }), 'stopAt');
    finiteNumber(fn, 'stopAt.lowerBound', st.lowerBound);
    if (typeof st.tol !== 'number' || !(st.tol >= 0) || !Number.isFinite(st.tol)) throw parameterError(fn, 'stopAt.tol', 'finite and ≥ 0', st.tol);
  }
  checkAveraging(fn, averaging);
  checkBeta(fn, beta);
  checkMethod(fn, method);
  if (typeof loss === 'string' ? !Object.hasOwn(LOSSES, loss) : typeof loss?.value !== 'function' || typeof loss?.derivative !== 'function') {
    throw parameterError(fn, 'loss', "'squared', 'absolute', 'logistic' or { value, derivative }", loss);
  }
  checkStepSize(fn, stepSize);
  checkSchedule(fn, schedule);
  checkEpochs(fn, epochs);
  finiteNumber(fn, 'eta0', eta0);
  checkBoolean(fn, 'fitIntercept', fitIntercept);
  readCallback(fn, 'onProgress', onProgress);
  readSignal(fn, signal, 'signal');
  const ds = readDataset(fn, options.X, options.y);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > ds.n) {
    throw parameterError(fn, 'batchSize', `an integer in [1, ${ds.n}]`, batchSize);
  }
  if (loss === 'logistic') ds.y = logisticLabels(fn, ds.y);
  const started = performance.now();
  const alpha = 1 / (1 - beta);
  const k = tail(ds.n, beta);
  const m = METHODS[method];
  const sched = schedule === 'sqrt' ? 1 : 0;
  const intercept = fitIntercept;
  const dd = ds.d + (intercept ? 1 : 0);
  const steps = Math.floor(ds.n / batchSize);
  const gen = seededRng(fn, seed);
  // the mean covers the steps numbered averageFrom + 1 … (−1: no averaging)
  const averageFrom = averaging === 'all' ? 0 : averaging === 'tail' ? Math.floor((epochs * steps) / 2) : -1;

  return withScope(fn, (s) => {
    const p: Slots = {
      X: s.f64(ds.n * ds.d),
      y: s.f64(ds.n),
      order: s.f64(Math.ceil(ds.n / 2)),
      theta: s.f64(dd),
      state: s.f64(2),
      g: s.f64(dd + 2),
      losses: s.f64(ds.n),
      scratch: s.f64(ds.n),
      avg: s.f64(dd + 1),
    };
    f64View(s.x, p.X, ds.n * ds.d).set(ds.X);
    f64View(s.x, p.y, ds.n).set(ds.y);
    f64View(s.x, p.theta, dd).fill(0);
    f64View(s.x, p.state, 2).set([eta0, 0]);
    f64View(s.x, p.avg, dd + 1).fill(0);
    // the model reported: the mean once it holds an iterate, else the current iterate
    const averaged = (): boolean => averageFrom >= 0 && iterations > averageFrom;
    const objective = (): number => {
      allLosses(s, ds, p, dd, intercept, loss, averaged() ? p.avg : p.theta);
      const r = p.g; // reuse: two doubles
      // Losses that overflowed (a diverging run) give an infinite objective, not an error.
      if (s.x.cvarEval(p.losses, ds.n, k, p.scratch, r) !== 0) return Infinity;
      return f64View(s.x, r, 2)[1]!;
    };
    const history: CvarProgress[] = [];
    let stopped: MinimizeCvarResult['stopped'] = 'maxIter';
    let iterations = 0;
    for (let e = 0; e < epochs; e++) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const u = gen.uniform(ds.n);
      permutation(u, new Int32Array(s.x.memory.buffer, p.order, ds.n));
      if (typeof loss === 'string') {
        const flag = s.x.cvarEpoch(
          p.X, ds.d, p.y, p.order, steps, batchSize, m, LOSSES[loss]!, stepSize, sched, iterations, alpha, p.theta, intercept ? 1 : 0, p.state, p.g,
          averageFrom >= 0 ? p.avg : 0, Math.max(0, averageFrom),
        );
        if (flag !== 0) {
          stopped = 'diverged';
          break;
        }
      } else {
        customEpoch(s, ds, p, loss, m, batchSize, steps, stepSize, sched, iterations, alpha, intercept, averageFrom);
        const th = f64View(s.x, p.theta, dd);
        if (!th.every(Number.isFinite) || !Number.isFinite(f64View(s.x, p.state, 1)[0]!)) {
          stopped = 'diverged';
          break;
        }
      }
      iterations += steps;
      const eta = averaged() ? f64View(s.x, p.avg, dd + 1)[dd]! : f64View(s.x, p.state, 1)[0]!;
      const info: CvarProgress = { epoch: e + 1, objective: objective(), eta, elapsedMs: performance.now() - started };
      history.push(info);
      if (onProgress && onProgress(info) === false) {
        stopped = 'callback';
        break;
      }
      if (stopAt && info.objective - stopAt.lowerBound <= stopAt.tol * Math.abs(stopAt.lowerBound)) {
        stopped = 'converged';
        break;
      }
    }
    const obj = stopped === 'diverged' ? Infinity : history.length > 0 ? history[history.length - 1]!.objective : objective();
    const avg = averaged() && stopped !== 'diverged';
    const th = avg ? f64View(s.x, p.avg, dd + 1) : f64View(s.x, p.theta, dd);
    return {
      weights: th.slice(0, ds.d),
      intercept: intercept ? th[ds.d]! : 0,
      eta: avg ? th[dd]! : f64View(s.x, p.state, 1)[0]!,
      objective: obj,
      history,
      iterations,
      converged: stopped === 'converged',
      stopped,
      timeMs: performance.now() - started,
    };
  });
}
