/**
 * Online learning of a linear model w on a stream of labelled rows (aₜ, yₜ), yₜ = ±1, one pass, with
 * the losses ℓₜ(w) = φ(yₜ⟨aₜ, w⟩) — hinge φ(u) = max(0, 1 − u) or logistic φ(u) = log(1 + e^{−u}) —
 * and the quadratic regularizers ψₜ(w) = ‖w‖²/(2ηₜ), ηₜ = η/√t ('sqrt', default) or η ('constant'):
 * online gradient descent, FTRL on linearized losses, implicit FTRL, and generalized implicit FTRL
 * (Chen & Orabona 2023) with its Fenchel–Young update and the aProx (truncated linear model) update.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { F64Buffer, numbersOf, type VectorInput } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { mathWasm, type MathKernels } from '../runtime/math.js';
import { chambollePock, fista, type SmoothFunction } from '../prox/algorithms/index.js';
import { indBallL2, lossProx, type ProxOperator } from '../prox/index.js';
import { positiveArg, vectorArg } from './common.js';

/** The per-round losses of the online methods. */
export type OnlineLoss = 'hinge' | 'logistic';

/** Options of the online methods (`ogd`, `ftrl`, `implicitFtrl`, `aProxFtrl`, `generalizedImplicitFtrl`). */
export interface OnlineOptions {
  /** The base learning rate η > 0 (default 1). */
  eta?: number;
  /** 'sqrt' (default): ηₜ = η/√t, the rate of the O(√T) regret bounds; 'constant': ηₜ = η. */
  schedule?: 'sqrt' | 'constant';
  /** A fixed comparator u (length d): the result then has `regret`, Σ_{s≤t} ℓₛ(xₛ) − ℓₛ(u) per round. */
  comparator?: ArrayLike<number>;
}

/** Options of `generalizedImplicitFtrl`: those of every online method and the choice of update. */
export interface GeneralizedImplicitFtrlOptions extends OnlineOptions {
  /**
   * How gₜ is chosen (Chen & Orabona 2023, §3): 'fenchel-young' (default) minimizes the regret bound's
   * round term ψ*_{t+1}(θₜ − g) + ℓₜ*(g) exactly (for these losses a 1-D problem in g = s·yₜaₜ);
   * 'aprox' does so for the truncated linear model max(ℓₜ(xₜ) + ⟨ℓₜ'(xₜ), x − xₜ⟩, 0) (closed form);
   * 'linear' takes gₜ = ℓₜ'(xₜ) (plain FTRL).
   */
  update?: 'fenchel-young' | 'aprox' | 'linear';
}

/** What an online method returns after one pass over the stream. */
export interface OnlineResult {
  /** The final iterate (after the last round). */
  x: Float64Array;
  /** Rounds played (rows of the stream). */
  rounds: number;
  /** Σ_{s≤t} ℓₛ(xₛ) after each round t (the learner's loss, paid before it sees ℓₜ). */
  cumulativeLoss: number[];
  /** Σ_{s≤t} ℓₛ(xₛ) − ℓₛ(u) for the comparator u, when given. */
  regret?: number[];
  /** Rounds where sign⟨aₜ, xₜ⟩ ≠ yₜ (a zero score counts as a mistake). */
  mistakes: number;
}

const ONLINE_KEYS = optionKeys<OnlineOptions>({ eta: true, schedule: true, comparator: true });
const GIFTRL_KEYS = optionKeys<GeneralizedImplicitFtrlOptions>({ eta: true, schedule: true, comparator: true, update: true });

/**
 * φ(u) for the loss. The logistic loss is computed in WASM (M, the module's scalar kernels): with
 * JavaScript's Math.exp / Math.log1p the results differed bitwise between Node and Chromium.
 */
function phi(loss: OnlineLoss, u: number, M: MathKernels | null): number {
  if (loss === 'hinge') return Math.max(0, 1 - u);
  return M!.logisticLoss(u);
}

/** φ'(u) (for the hinge, the subgradient −1 when u < 1, else 0); the logistic slope in WASM as φ. */
function dphi(loss: OnlineLoss, u: number, M: MathKernels | null): number {
  if (loss === 'hinge') return u < 1 ? -1 : 0;
  return M!.logisticSlope(u);
}

interface Stream {
  A: Float64Array;
  y: Float64Array;
  T: number;
  d: number;
  /** The WASM scalar kernels for the logistic loss (null for the hinge, which needs none). */
  M: MathKernels | null;
}

function readStream(fn: string, X: MatrixInput, y: ArrayLike<number>, loss: unknown): Stream {
  if (loss !== 'hinge' && loss !== 'logistic') throw parameterError(fn, 'loss', "'hinge' or 'logistic'", loss);
  const m = readMatrix(fn, 'X', X);
  const A = numbersOf(fn, 'X', m.data);
  for (let i = 0; i < A.length; i++) if (!Number.isFinite(A[i]!)) throw new ParameterError(`${fn}: X must be finite (got ${A[i]} at entry ${i})`);
  const labels = vectorArg(fn, 'y', y as never);
  if (labels.length !== m.rows) throw new ShapeError(`${fn}: y must have one label per row of X (${m.rows}; got ${labels.length})`);
  labels.forEach((v, i) => {
    if (v !== 1 && v !== -1) throw new ParameterError(`${fn}: y must hold labels -1 or +1 (got ${v} at index ${i})`);
  });
  return { A, y: labels, T: m.rows, d: m.cols, M: loss === 'logistic' ? mathWasm(fn) : null };
}

interface Setup {
  eta: number;
  sqrt: boolean;
  u: Float64Array | undefined;
}

function readSetup(fn: string, o: OnlineOptions, d: number): Setup {
  const eta = o.eta === undefined ? 1 : positiveArg(fn, 'options.eta', o.eta);
  const schedule = o.schedule ?? 'sqrt';
  if (schedule !== 'sqrt' && schedule !== 'constant') throw parameterError(fn, 'options.schedule', "'sqrt' or 'constant'", schedule);
  const u = o.comparator === undefined ? undefined : vectorArg(fn, 'options.comparator', o.comparator as never, d);
  return { eta, sqrt: schedule === 'sqrt', u };
}

/** ηₜ for round t ≥ 1. */
const rate = (s: Setup, t: number): number => (s.sqrt ? s.eta / Math.sqrt(t) : s.eta);

/**
 * The shared loop: at round t the learner holds xₜ, pays ℓₜ(xₜ), then `step` updates its state.
 * `step(t, o, y, margin)` receives the offset o of the row aₜ = S.A[o … o + d), the label and the margin
 * yₜ⟨aₜ, xₜ⟩ and must write x_{t+1} into x. (An offset rather than a subarray, so that no typed-array
 * view is created per round.)
 */
function play(S: Stream, setup: Setup, loss: OnlineLoss, x: Float64Array, step: (t: number, o: number, y: number, margin: number) => void): OnlineResult {
  const cumulativeLoss: number[] = [];
  const regret: number[] | undefined = setup.u ? [] : undefined;
  let total = 0;
  let totalU = 0;
  let mistakes = 0;
  const A = S.A;
  for (let t = 1; t <= S.T; t++) {
    const o = (t - 1) * S.d;
    const yt = S.y[t - 1]!;
    let s = 0;
    for (let j = 0; j < S.d; j++) s += A[o + j]! * x[j]!;
    const margin = yt * s;
    if (!(margin > 0)) mistakes++;
    total += phi(loss, margin, S.M);
    cumulativeLoss.push(total);
    if (setup.u && regret) {
      let su = 0;
      for (let j = 0; j < S.d; j++) su += A[o + j]! * setup.u[j]!;
      totalU += phi(loss, yt * su, S.M);
      regret.push(total - totalU);
    }
    step(t, o, yt, margin);
  }
  return { x: x.slice(), rounds: S.T, cumulativeLoss, ...(regret ? { regret } : {}), mistakes };
}

/**
 * Online (projected-free) gradient descent: x_{t+1} = xₜ − ηₜ gₜ, gₜ = φ'(yₜ⟨aₜ, xₜ⟩) yₜ aₜ.
 * @param X the stream's rows (T × d; a matrix or an array of rows), in the order they arrive.
 * @param y the labels ±1 (length T).
 * @throws ParameterError for a bad loss, labels other than ±1, non-finite data or bad options; ShapeError when y's length is not X's row count.
 */
export function ogd(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: OnlineOptions = {}): OnlineResult {
  const fn = 'ogd';
  const S = readStream(fn, X, y, loss);
  const setup = readSetup(fn, readOptions(fn, options, ONLINE_KEYS), S.d);
  const x = new Float64Array(S.d);
  return play(S, setup, loss, x, (t, o, yt, margin) => {
    const c = rate(setup, t) * dphi(loss, margin, S.M) * yt;
    for (let j = 0; j < S.d; j++) x[j] = x[j]! - c * S.A[o + j]!;
  });
}

/**
 * FTRL on linearized losses with ψₜ = ‖x‖²/(2ηₜ): θ_{t+1} = θₜ − gₜ with gₜ ∈ ∂ℓₜ(xₜ), and
 * x_{t+1} = argmin_x ψ_{t+1}(x) − ⟨θ_{t+1}, x⟩ = η_{t+1} θ_{t+1} (dual averaging; = OGD for a constant rate).
 * Arguments and errors as `ogd`.
 */
export function ftrl(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: OnlineOptions = {}): OnlineResult {
  return generalizedRun('ftrl', X, y, loss, options, 'linear', ONLINE_KEYS);
}

/**
 * Implicit FTRL: x_{t+1} = argmin_x ψ_{t+1}(x) + Σ_{s<t}⟨gₛ, x⟩ + ℓₜ(x) = prox_{η_{t+1}ℓₜ}(η_{t+1}θₜ) — the
 * last loss kept whole, the earlier ones linearized at their implicit subgradients gₛ =
 * (η_{s+1}θₛ − x_{s+1})/η_{s+1} ∈ ∂ℓₛ(x_{s+1}); θ_{t+1} = θₜ − gₜ. The prox is the prox family's
 * `lossProx` (closed form for the hinge, a 1-D Newton solve for the logistic loss). Arguments and errors as `ogd`.
 */
export function implicitFtrl(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: OnlineOptions = {}): OnlineResult {
  const fn = 'implicitFtrl';
  const S = readStream(fn, X, y, loss);
  const setup = readSetup(fn, readOptions(fn, options, ONLINE_KEYS), S.d);
  const theta = new Float64Array(S.d);
  const x = new Float64Array(S.d);
  const v = new Float64Array(S.d);
  return play(S, setup, loss, x, (t, o, yt) => {
    const row = S.A.subarray(o, o + S.d);
    const e = rate(setup, t + 1);
    for (let j = 0; j < S.d; j++) v[j] = e * theta[j]!;
    const op: ProxOperator = lossProx(loss, row, yt);
    op.prox(v, e, x);
    for (let j = 0; j < S.d; j++) theta[j] = theta[j]! - (v[j]! - x[j]!) / e;
  });
}

/**
 * Generalized implicit FTRL (Chen & Orabona 2023): the state is θₜ = −Σ_{s<t} gₛ and xₜ = ηₜθₜ, but gₜ
 * is any vector that makes the round's term of the regret bound, ψ*_{t+1}(θₜ − g) + ℓₜ*(g) (with
 * ψ*_{t+1}(θ) = η_{t+1}‖θ‖²/2), no larger than the linearized choice gₜ = ℓₜ'(xₜ). `update` picks it
 * (see GeneralizedImplicitFtrlOptions): for ℓ(x) = φ(y⟨a, x⟩), ℓ* is finite only on g = s·y·a, where it
 * is φ*(s), so the Fenchel–Young update is the 1-D problem
 *
 *   min_s (η_{t+1}/2)‖θₜ − s y a‖² + φ*(s),  s ∈ [−1, 0],
 *
 * closed form for the hinge (φ*(s) = s) and a safeguarded Newton solve for the logistic loss
 * (φ*(s) = (−s)log(−s) + (1 + s)log(1 + s)). By duality this x_{t+1} equals implicit FTRL's (computed
 * there from the primal prox; the tests compare the two). Arguments and errors as `ogd`.
 */
export function generalizedImplicitFtrl(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: GeneralizedImplicitFtrlOptions = {}): OnlineResult {
  const fn = 'generalizedImplicitFtrl';
  const o = readOptions(fn, options, GIFTRL_KEYS);
  const update = o.update ?? 'fenchel-young';
  if (update !== 'fenchel-young' && update !== 'aprox' && update !== 'linear') throw parameterError(fn, 'options.update', "'fenchel-young', 'aprox' or 'linear'", update);
  return generalizedRun(fn, X, y, loss, o, update, GIFTRL_KEYS);
}

/** aProx-style FTRL: generalized implicit FTRL with the truncated linear model (update 'aprox'). Arguments and errors as `ogd`. */
export function aProxFtrl(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: OnlineOptions = {}): OnlineResult {
  return generalizedRun('aProxFtrl', X, y, loss, options, 'aprox', ONLINE_KEYS);
}

/** s ∈ [−1, 0] minimizing (e/2)‖θ − s y a‖² + φ*(s) for the logistic φ: the root of e‖a‖²s − e y⟨a, θ⟩ + log((1 + s)/(−s)) (the log in WASM). */
function logisticDualStep(e: number, aa: number, ya_theta: number, M: MathKernels): number {
  const F = (s: number): number => e * aa * s - e * ya_theta + M.mathLog((1 + s) / -s);
  // F increases from −∞ (s → −1) to +∞ (s → 0): bisection to bracket, then Newton.
  let lo = -1;
  let hi = 0;
  let s = -0.5;
  for (let k = 0; k < 200; k++) {
    const v = F(s);
    if (v > 0) hi = s;
    else lo = s;
    const dv = e * aa + 1 / (1 + s) - 1 / s;
    let next = s - v / dv;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - s) <= 1e-15 * Math.max(1e-300, Math.abs(s)) || hi - lo < 1e-300) return next;
    s = next;
  }
  return s;
}

function generalizedRun(fn: string, X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, options: OnlineOptions, update: 'fenchel-young' | 'aprox' | 'linear', keys: readonly string[]): OnlineResult {
  const S = readStream(fn, X, y, loss);
  const setup = readSetup(fn, readOptions(fn, options, keys), S.d);
  const theta = new Float64Array(S.d);
  const x = new Float64Array(S.d);
  const A = S.A;
  return play(S, setup, loss, x, (t, o, yt, margin) => {
    const e = rate(setup, t + 1);
    let aa = 0;
    let at = 0;
    for (let j = 0; j < S.d; j++) {
      const a = A[o + j]!;
      aa += a * a;
      at += a * theta[j]!;
    }
    const yat = yt * at;
    // g = s·y·a (for 'aprox': g = s·g′ with g′ = φ'(margin)·y·a, i.e. the coefficient s·φ'(margin)).
    let coef: number;
    if (update === 'linear') coef = dphi(loss, margin, S.M);
    else if (update === 'fenchel-young') {
      if (aa === 0) coef = 0;
      else if (loss === 'hinge') coef = Math.min(0, Math.max(-1, (e * yat - 1) / (e * aa)));
      else coef = logisticDualStep(e, aa, yat, S.M!);
    } else {
      // Truncated model max(b + ⟨g′, x⟩, 0), b = ℓ(xₜ) − ⟨g′, xₜ⟩: its conjugate is −s·b on g = s·g′, s ∈ [0, 1].
      const d1 = dphi(loss, margin, S.M);
      const gg = d1 * d1 * aa;
      const b = phi(loss, margin, S.M) - d1 * margin;
      const gtheta = d1 * yat;
      const s = gg === 0 ? 0 : Math.min(1, Math.max(0, (e * gtheta + b) / (e * gg)));
      coef = s * d1;
    }
    for (let j = 0; j < S.d; j++) {
      theta[j] = theta[j]! - coef * yt * A[o + j]!;
      x[j] = e * theta[j]!;
    }
  });
}

/** The comparator of the regret: the best fixed point in hindsight and its total loss. */
export interface BestInHindsight {
  /** argmin over ‖u‖₂ ≤ radius of Σₜ ℓₜ(u) (to a 1e-9 residual). */
  u: Float64Array;
  /** Σₜ ℓₜ(u) at that u. */
  totalLoss: number;
}

/**
 * The best fixed point in hindsight within the ball ‖u‖₂ ≤ radius: argmin_u Σₜ φ(yₜ⟨aₜ, u⟩), by
 * Chambolle–Pock (hinge; the sum of hinges composed with diag(y)A) or FISTA (logistic), to a 1e-9
 * residual. Returns u and the total loss Σₜ ℓₜ(u) — the comparator for `regret`.
 * @throws as `ogd`, and ParameterError for a radius that is not a finite number > 0.
 */
export function bestInHindsight(X: MatrixInput, y: ArrayLike<number>, loss: OnlineLoss, radius: number): BestInHindsight {
  const fn = 'bestInHindsight';
  const S = readStream(fn, X, y, loss);
  positiveArg(fn, 'radius', radius);
  const { A, T, d } = S;
  const ball = indBallL2(radius);
  let u: Float64Array;
  if (loss === 'logistic') {
    const f: SmoothFunction = {
      dimension: d,
      lipschitz: 0.25 * frob2(A),
      value: (w) => totalLoss(S, loss, w),
      gradient: (w, out) => {
        out.fill(0);
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[t * d + j]! * w[j]!;
          const c = dphi(loss, S.y[t]! * s, S.M) * S.y[t]!;
          for (let j = 0; j < d; j++) out[j] = out[j]! + c * A[t * d + j]!;
        }
      },
    };
    u = fista(f, ball, { tol: 1e-9, maxIter: 200000 }).x;
  } else {
    // Σ max(0, 1 − zₜ) composed with K = diag(y)A; its prox is separable in closed form.
    const hingeSum: ProxOperator = {
      name: 'hingeSum',
      properties: { convex: true, separable: true, prox: 'closed-form', indicator: false },
      value: (z) => {
        const zv = z instanceof F64Buffer ? z.view() : z;
        let s = 0;
        for (let t = 0; t < T; t++) s += Math.max(0, 1 - Number(zv[t]));
        return s;
      },
      // The algorithms pass WASM buffers (F64Buffer): read and write through fresh views.
      prox: ((v: VectorInput, tStep = 1, out?: Float64Array | F64Buffer) => {
        const vv = v instanceof F64Buffer ? v.view() : v;
        const o = out === undefined ? new Float64Array(T) : out instanceof F64Buffer ? out.view() : out;
        for (let t = 0; t < T; t++) {
          const z = Number(vv[t]);
          o[t] = z < 1 - tStep ? z + tStep : z > 1 ? z : 1;
        }
        return out ?? o;
      }) as ProxOperator['prox'],
    };
    const K = {
      rows: T,
      cols: d,
      apply: (w: Float64Array, out: Float64Array) => {
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[t * d + j]! * w[j]!;
          out[t] = S.y[t]! * s;
        }
      },
      adjoint: (z: Float64Array, out: Float64Array) => {
        out.fill(0);
        for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) out[j] = out[j]! + S.y[t]! * z[t]! * A[t * d + j]!;
      },
    };
    u = chambollePock(hingeSum, ball, K, { tol: 1e-9, maxIter: 200000 }).x;
  }
  return { u, totalLoss: totalLoss(S, loss, u) };
}

function frob2(A: Float64Array): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i]! * A[i]!;
  return s;
}

function totalLoss(S: Stream, loss: OnlineLoss, w: ArrayLike<number>): number {
  let total = 0;
  for (let t = 0; t < S.T; t++) {
    let s = 0;
    for (let j = 0; j < S.d; j++) s += S.A[t * S.d + j]! * w[j]!;
    total += phi(loss, S.y[t]! * s, S.M);
  }
  return total;
}
