/**
 * Tabular Nash learning from preferences: the β-regularised symmetric preference game
 *   max_π min_π' πᵀPπ' − β·KL(π‖μ) + β·KL(π'‖μ)
 * solved by Mirror Prox (Nash-MP), Nash-MD and online mirror descent, with the fixed-point residual of
 * π⋆ ∝ μ·exp(Pπ⋆/β) and the exploitability as certificates. The mat-vecs and every exp/log run in WASM.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { f64View, numbersOf, Scope } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import { stopAfterReport } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegative, nonNegativeInteger, optionKeys, positiveFinite, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import * as nn from '../nn/index.js';
import { policyWasm, type PolicyExports } from './kernels.js';

/** Progress of a tabular Nash solver, reported after every iteration. */
export interface NashProgress {
  /** Iterations done (≥ 1). */
  iteration: number;
  /** ‖π − softmax(log μ + Pπ/β)‖₁ at the current iterate. */
  residual: number;
  /** Exploitability (duality gap) of the profile (π, π) in the regularised game. */
  gap: number;
  /** Preference-matrix products P·v used so far (the "preference queries" of the paper's rates). */
  queries: number;
}

/** Options of {@link nashMirrorProx}, {@link nashMirrorDescent} and {@link nashOnlineMirrorDescent}. */
export interface NashOptions {
  /** Regularisation β > 0 of the KL(π‖μ) terms. Default 0.1. */
  beta?: number;
  /**
   * Step size η > 0 (the weight of the game's gradient against the KL(π‖π_k) proximity term).
   * Default 2 for Nash-MP (1/L, with L = 1/2 the Lipschitz constant of π ↦ Pπ from ℓ₁ to ℓ∞ on the
   * simplex for any preference matrix); Nash-MD and OMD default to β/(β² + 1/4), their stable range
   * (Nash-MD needs η·β ≤ 1).
   */
  eta?: number;
  /** Reference policy μ: n positive entries (normalised here). Default uniform. */
  reference?: ArrayLike<number>;
  /** Starting policy: n positive entries (normalised here). Default the reference. */
  init?: ArrayLike<number>;
  /** Iteration budget. Default 10000. */
  maxIter?: number;
  /** Stop when the fixed-point residual ‖π − softmax(log μ + Pπ/β)‖₁ ≤ tol. Default 1e-10. */
  tol?: number;
  /** Called after each iteration; return false to stop (stopped = 'callback'). */
  onProgress?: (info: NashProgress) => unknown;
  /** Stops the run at the next iteration when aborted (stopped = 'aborted'). */
  signal?: AbortSignalLike;
}

/** Result of a tabular Nash solver. */
export interface NashResult {
  /** The last iterate (a probability vector). */
  pi: Float64Array;
  /** Iterations done. */
  iterations: number;
  /** Whether the residual reached tol. */
  converged: boolean;
  /** Why the run ended. */
  stopped: StopState;
  /** Final fixed-point residual ‖π − softmax(log μ + Pπ/β)‖₁. */
  residual: number;
  /** Final exploitability 2β·(log Σᵢ μᵢ·exp((Pπ)ᵢ/β) + KL(π‖μ)) − 1 ≥ 0 (0 exactly at the regularised equilibrium). */
  gap: number;
  /** Preference-matrix products P·v used (Nash-MP: 2 per iteration, the others 1). */
  queries: number;
  /** residual[t] and gap[t] after t iterations (entry 0: at the start). */
  history: {
    /** Fixed-point residual after each iteration. */
    residual: Float64Array;
    /** Exploitability after each iteration. */
    gap: Float64Array;
  };
}

/** The certificate of a policy returned by {@link nashResidual}. */
export interface NashCertificate {
  /** ‖π − softmax(log μ + Pπ/β)‖₁: 0 exactly at the regularised equilibrium π⋆. */
  residual: number;
  /** The exploitability 2β·(log Σᵢ μᵢ·exp((Pπ)ᵢ/β) + KL(π‖μ)) − 1 ≥ 0, 0 only at π⋆. */
  gap: number;
}

/** A preference matrix as returned by {@link randomPreferenceMatrix} and {@link rockPaperScissors}. */
export interface PreferenceMatrix {
  /** P row-major: data[i·n + j] = P[i][j], the probability that response i is preferred to j. */
  data: Float64Array;
  /** n. */
  rows: number;
  /** n. */
  cols: number;
}

/** Options of {@link nashResidual}. */
export interface NashResidualOptions {
  /** Regularisation β > 0. Default 0.1. */
  beta?: number;
  /** Reference policy μ (positive; normalised). Default uniform. */
  reference?: ArrayLike<number>;
}

const NASH_KEYS = optionKeys<NashOptions>({ beta: true, eta: true, reference: true, init: true, maxIter: true, tol: true, onProgress: true, signal: true });
const RESIDUAL_KEYS = optionKeys<NashResidualOptions>({ beta: true, reference: true });

/**
 * Reads a preference matrix: square, entries in [0, 1], P + Pᵀ = 1 to 1e-9 (so the diagonal is 1/2).
 * Returns a row-major copy.
 */
export function readPreferenceMatrix(fn: string, P: unknown): { data: Float64Array; n: number } {
  const m = readMatrix(fn, 'P', P);
  if (m.rows !== m.cols) throw new ShapeError(`${fn}: P must be square (got ${m.rows} × ${m.cols})`);
  const n = m.rows;
  if (n === 0) throw new ShapeError(`${fn}: P must have at least 1 row (got 0 × 0)`);
  const data = numbersOf(fn, 'P', m.data);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = data[i * n + j]!;
      if (!(v >= 0 && v <= 1)) throw new ParameterError(`${fn}: P[${i}][${j}] must be a probability in [0, 1] (got ${v})`);
      if (j < i && Math.abs(v + data[j * n + i]! - 1) > 1e-9) {
        throw new ParameterError(`${fn}: P must satisfy P[i][j] + P[j][i] = 1 (a preference matrix); P[${i}][${j}] + P[${j}][${i}] = ${v + data[j * n + i]!}`);
      }
    }
    if (Math.abs(data[i * n + i]! - 0.5) > 1e-9) throw new ParameterError(`${fn}: P[${i}][${i}] must be 1/2 (P + Pᵀ = 1; got ${data[i * n + i]})`);
  }
  return { data, n };
}

/** A positive vector of length n, normalised to sum 1 (default uniform). */
function readDistribution(fn: string, name: string, v: ArrayLike<number> | undefined, n: number): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(1 / n);
  const x = numbersOf(fn, name, v);
  if (x.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} like P (got ${x.length})`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(x[i]! > 0) || !Number.isFinite(x[i]!)) throw new ParameterError(`${fn}: ${name}[${i}] must be finite and > 0 (got ${x[i]})`);
    s += x[i]!;
  }
  return x.map((q) => q / s);
}

type Method = 'mp' | 'md' | 'omd';

/** Workspace in WASM memory for one run: P, log μ, the iterate and its half step, g = P·v (exported for the bench). */
export class NashWorkspace {
  readonly s: Scope;
  readonly x: PolicyExports;
  readonly pP: number;
  readonly pLogMu: number;
  readonly pLog: number;
  readonly pPi: number;
  readonly pLogH: number;
  readonly pPiH: number;
  readonly pG: number;
  readonly pGap: number;

  constructor(fn: string, P: Float64Array, readonly n: number, mu: Float64Array, init: Float64Array) {
    this.s = new Scope(fn);
    try {
      this.x = policyWasm(fn);
      this.pP = this.s.f64(n * n);
      this.pLogMu = this.s.f64(n);
      this.pLog = this.s.f64(n);
      this.pPi = this.s.f64(n);
      this.pLogH = this.s.f64(n);
      this.pPiH = this.s.f64(n);
      this.pG = this.s.f64(n);
      this.pGap = this.s.f64(1);
      f64View(this.x, this.pP, n * n).set(P);
      f64View(this.x, this.pLogMu, n).set(mu);
      this.x.policyLog(this.pLogMu, n, this.pLogMu);
      f64View(this.x, this.pPi, n).set(init);
      this.x.policyLog(this.pPi, n, this.pLog);
    } catch (e) {
      this.s.release();
      throw e;
    }
  }

  certificate(beta: number): [number, number] {
    const r = this.x.policyCertificate(this.pP, this.n, this.pPi, this.pLogMu, beta, this.pG, this.pGap);
    return [r, f64View(this.x, this.pGap, 1)[0]!];
  }

  /** (outLog, outP) = normalise(a·logX + b·P·v + c·log μ); v = 0 pointer skips the product (b must be 0). */
  step(logX: number, v: number, a: number, b: number, c: number, outLog: number, outP: number): void {
    if (v !== 0) this.x.policyMatVec(this.pP, this.n, v, this.pG);
    this.x.policyLogStep(logX, this.pG, this.pLogMu, this.n, a, b, c, outLog, outP);
  }
}

function solve(fn: string, method: Method, P: MatrixInput, options: NashOptions | undefined): NashResult {
  const o = readOptions(fn, options, NASH_KEYS);
  const { data, n } = readPreferenceMatrix(fn, P);
  const beta = o.beta === undefined ? 0.1 : positiveFinite(fn, 'options.beta', o.beta);
  const eta = o.eta === undefined ? (method === 'mp' ? 2 : beta / (beta * beta + 0.25)) : positiveFinite(fn, 'options.eta', o.eta);
  if (method === 'md' && eta * beta > 1) throw new ParameterError(`${fn}: options.eta · options.beta must be <= 1 for Nash-MD's geometric mixture (got ${eta} · ${beta} = ${eta * beta})`);
  const maxIter = o.maxIter === undefined ? 10000 : nonNegativeInteger(fn, 'options.maxIter', o.maxIter);
  const tol = o.tol === undefined ? 1e-10 : nonNegative(fn, 'options.tol', o.tol);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const mu = readDistribution(fn, 'options.reference', o.reference, n);
  const init = o.init === undefined ? mu : readDistribution(fn, 'options.init', o.init, n);

  const w = new NashWorkspace(fn, data, n, mu, init);
  try {
    const residuals = [0];
    const gaps = [0];
    [residuals[0], gaps[0]] = w.certificate(beta);
    let queries = 0;
    let stopped: StopState = residuals[0]! <= tol ? 'converged' : 'maxIter';
    let it = 0;
    // Mirror step of the regularised objective: log π = (log π_k + η·g + ηβ·log μ)/(1 + ηβ) + const.
    const a = 1 / (1 + eta * beta);
    const b = eta * a;
    const c = eta * beta * a;
    while (stopped !== 'converged' && it < maxIter) {
      if (method === 'mp') {
        // extrapolation from π_k with g = P·π_k, then the update from π_k with g = P·π_{k+1/2}
        w.step(w.pLog, w.pPi, a, b, c, w.pLogH, w.pPiH);
        w.step(w.pLog, w.pPiH, a, b, c, w.pLog, w.pPi);
        queries += 2;
      } else if (method === 'omd') {
        w.step(w.pLog, w.pPi, a, b, c, w.pLog, w.pPi);
        queries += 1;
      } else {
        // Nash-MD: the geometric mixture π_μ ∝ π_k^{1−ηβ}·μ^{ηβ}, then π ∝ π_μ·exp(η·P·π_μ)
        w.step(w.pLog, 0, 1 - eta * beta, 0, eta * beta, w.pLogH, w.pPiH);
        w.step(w.pLogH, w.pPiH, 1, eta, 0, w.pLog, w.pPi);
        queries += 1;
      }
      it++;
      const [r, gap] = w.certificate(beta);
      residuals.push(r);
      gaps.push(gap);
      if (!Number.isFinite(r) || !Number.isFinite(gap)) {
        stopped = 'diverged';
        break;
      }
      const why = stopAfterReport({ iteration: it, residual: r, gap, queries }, onProgress, signal, r <= tol);
      if (why !== null) {
        stopped = why;
        break;
      }
    }
    return {
      pi: Float64Array.from(f64View(w.x, w.pPi, n)),
      iterations: it,
      converged: stopped === 'converged',
      stopped,
      residual: residuals.at(-1)!,
      gap: gaps.at(-1)!,
      queries,
      history: { residual: Float64Array.from(residuals), gap: Float64Array.from(gaps) },
    };
  } finally {
    w.s.release();
  }
}

/**
 * Nash Mirror Prox (Nash-MP) for the β-regularised preference game
 * max_π min_π' πᵀPπ' − β·KL(π‖μ) + β·KL(π'‖μ), with P[i][j] the probability that response i is
 * preferred to j (P + Pᵀ = 1). Each iteration takes two KL-proximal steps from π_k, both of the form
 * log π = (log π_k + η·g + ηβ·log μ)/(1 + ηβ) + const: the extrapolation with g = P·π_k gives π_{k+½},
 * the update with g = P·π_{k+½} gives π_{k+1}. The symmetric equilibrium satisfies
 * π⋆ = softmax(log μ + Pπ⋆/β); the run stops when ‖π − softmax(log μ + Pπ/β)‖₁ ≤ tol.
 * The paper proves a last-iterate linear rate, independent of the number of actions.
 *
 * @param P  preference matrix n × n (`{ data, rows, cols }`, rows, or flat row-major), entries in [0, 1].
 * @param options  beta (0.1), eta (2), reference (uniform), init (reference), maxIter (10000),
 *   tol (1e-10), onProgress, signal.
 * @throws ShapeError for a non-square P; ParameterError for a P that is not a preference matrix or bad options.
 */
export function nashMirrorProx(P: MatrixInput, options?: NashOptions): NashResult {
  return solve('nashMirrorProx', 'mp', P, options);
}

/**
 * Nash Mirror Descent (Nash-MD, Munos et al. 2023), the baseline without extrapolation: the geometric
 * mixture π_μ ∝ π_k^{1−ηβ}·μ^{ηβ}, then π_{k+1} ∝ π_μ·exp(η·P·π_μ). With a constant step its fixed
 * point is π ∝ μ·exp(P·π_μ/β), not π⋆: the residual levels off at a value that shrinks with η.
 * Options as {@link nashMirrorProx} (eta default β/(β² + 1/4); η·β ≤ 1 required).
 */
export function nashMirrorDescent(P: MatrixInput, options?: NashOptions): NashResult {
  return solve('nashMirrorDescent', 'md', P, options);
}

/**
 * Online mirror descent on the regularised game: one KL-proximal step per iteration,
 * log π_{k+1} = (log π_k + η·P·π_k + ηβ·log μ)/(1 + ηβ) + const (Nash-MP's extrapolation step used as
 * the update). Its fixed point is π⋆; it converges linearly only for small η.
 * Options as {@link nashMirrorProx} (eta default β/(β² + 1/4)).
 */
export function nashOnlineMirrorDescent(P: MatrixInput, options?: NashOptions): NashResult {
  return solve('nashOnlineMirrorDescent', 'omd', P, options);
}

/**
 * The certificate of a policy π in the β-regularised preference game: the fixed-point residual
 * ‖π − softmax(log μ + Pπ/β)‖₁ (0 exactly at the equilibrium π⋆) and the exploitability
 * 2β·(log Σᵢ μᵢ·exp((Pπ)ᵢ/β) + KL(π‖μ)) − 1, the duality gap max_π' f(π', π) − min_π' f(π, π') of the
 * profile (π, π) for f(π₁, π₂) = π₁ᵀPπ₂ − β·KL(π₁‖μ) + β·KL(π₂‖μ).
 * @param pi  a probability vector (entries ≥ 0, sum 1 within 1e-9).
 */
export function nashResidual(P: MatrixInput, pi: ArrayLike<number>, options?: NashResidualOptions): NashCertificate {
  const fn = 'nashResidual';
  const o = readOptions(fn, options, RESIDUAL_KEYS);
  const { data, n } = readPreferenceMatrix(fn, P);
  const beta = o.beta === undefined ? 0.1 : positiveFinite(fn, 'options.beta', o.beta);
  const mu = readDistribution(fn, 'options.reference', o.reference, n);
  const x = numbersOf(fn, 'pi', pi);
  if (x.length !== n) throw new ShapeError(`${fn}: pi must have length ${n} like P (got ${x.length})`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(x[i]! >= 0) || !Number.isFinite(x[i]!)) throw new ParameterError(`${fn}: pi[${i}] must be finite and >= 0 (got ${x[i]})`);
    s += x[i]!;
  }
  if (Math.abs(s - 1) > 1e-9) throw new ParameterError(`${fn}: pi must sum to 1 (got ${s})`);
  const w = new NashWorkspace(fn, data, n, mu, mu);
  try {
    f64View(w.x, w.pPi, n).set(x);
    const [residual, gap] = w.certificate(beta);
    return { residual, gap };
  } finally {
    w.s.release();
  }
}

/** Options of {@link randomPreferenceMatrix}. */
export interface RandomPreferenceOptions {
  /**
   * 'uniform': P[i][j] uniform on [0, 1] for i < j (intransitive: no ranking explains it);
   * 'bradleyTerry': P[i][j] = σ(sᵢ − sⱼ) with scores sᵢ ~ N(0, 1) (transitive). Default 'uniform'.
   */
  kind?: 'uniform' | 'bradleyTerry';
  /** Seed of the draws. Default 0. */
  seed?: number | bigint;
}

/**
 * A random n × n preference matrix with P[j][i] = 1 − P[i][j] and P[i][i] = 1/2: entries above the
 * diagonal uniform on [0, 1] (`kind: 'uniform'`, intransitive) or σ(sᵢ − sⱼ) for standard normal scores
 * (`kind: 'bradleyTerry'`, σ evaluated in WASM). Returns `{ data, rows, cols }`.
 */
export function randomPreferenceMatrix(n: number, options?: RandomPreferenceOptions): PreferenceMatrix {
  const fn = 'randomPreferenceMatrix';
  const o = readOptions(fn, options, optionKeys<RandomPreferenceOptions>({ kind: true, seed: true }));
  if (!Number.isSafeInteger(n) || n < 1 || n > 20000) throw parameterError(fn, 'n', 'an integer in [1, 20000]', n);
  const kind = o.kind ?? 'uniform';
  if (kind !== 'uniform' && kind !== 'bradleyTerry') throw new ParameterError(`${fn}: options.kind must be 'uniform' or 'bradleyTerry' (got ${String(kind)})`);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const m = (n * (n - 1)) / 2;
  let u: Float64Array;
  if (kind === 'uniform') u = R.uniform(m);
  else {
    const s = R.normal(n);
    const z = new Float64Array(m);
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) z[q++] = s[i]! - s[j]!;
    u = m === 0 ? z : nn.scope(() => nn.sigmoid(nn.tensor(z)).toArray() as Float64Array);
  }
  const data = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    data[i * n + i] = 0.5;
    for (let j = i + 1; j < n; j++) {
      data[i * n + j] = u[k]!;
      data[j * n + i] = 1 - u[k++]!;
    }
  }
  return { data, rows: n, cols: n };
}

/** Rock–paper–scissors as a preference matrix: a win is 1, a loss 0, a tie 1/2. Its equilibrium is uniform for every β. */
export function rockPaperScissors(): PreferenceMatrix {
  return { data: Float64Array.of(0.5, 0, 1, 1, 0.5, 0, 0, 1, 0.5), rows: 3, cols: 3 };
}
