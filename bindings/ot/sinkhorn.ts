import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, place, throwNonFinite, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { nonNegative, positiveFinite } from '../runtime/validate.js';

/** A row-major matrix: a flat array (its shape implied by the call) or `{ data, rows, cols }`. */
export type MatrixInput = VectorInput | { data: VectorInput; rows: number; cols: number };

/** What `onProgress` receives at every marginal-error check. */
export interface SinkhornProgress {
  /** Sinkhorn iterations done (one iteration = one v update then one u update). */
  iteration: number;
  /** Column-marginal error ‖Σᵢ P_i· − b‖₂ of the current plan. */
  marginalError: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

export interface SinkhornOptions {
  /** Entropic regularisation ε > 0 (POT's `reg`): the plan minimises ⟨P, M⟩ − ε·H(P). Required. */
  reg: number;
  /**
   * 'sinkhorn' (default): scaling vectors u, v with the Gibbs kernel K = exp(−M/ε) (POT `sinkhorn_knopp`);
   * if a scaling under/overflows (small ε) the run restarts in 'log' and `warning` says so.
   * 'log': log-domain updates with max-shifted log-sum-exp (POT `sinkhorn_log`), finite at any ε.
   * 'stabilized': scaling with absorption of large scalings into log-potentials (POT `sinkhorn_stabilized`).
   */
  method?: 'sinkhorn' | 'log' | 'stabilized';
  /** Iteration cap (POT's numItermax). Default 1000. */
  maxIter?: number;
  /** Stop when the column-marginal error ‖Σᵢ Pᵢ· − b‖₂ < tol (POT's stopThr). Default 1e-9. */
  tol?: number;
  /** Check the marginal error every this many iterations (and at the last one). Default 10. */
  checkEvery?: number;
  /** 'stabilized' only: absorb when max |u| or |v| exceeds this. Default 1e3 (POT's tau). */
  tau?: number;
  /** Called at every check; return false to stop (status 'stopped'). */
  onProgress?: (info: SinkhornProgress) => boolean | void;
  /** Checked every iteration; an aborted signal ends the run with status 'aborted'. */
  signal?: AbortSignal;
}

export interface Sinkhorn2Result {
  /** ⟨P, M⟩ of the entropic plan (no entropy term; POT's sinkhorn2). */
  cost: number;
  /** 'sinkhorn' only: the scalings, P = diag(u) K diag(v). */
  u?: Float64Array;
  v?: Float64Array;
  /** 'log' and 'stabilized': log-scalings, P = exp(logU_i − M_ij/ε + logV_j) (dual potentials f = ε·logU, g = ε·logV). */
  logU?: Float64Array;
  logV?: Float64Array;
  iterations: number;
  converged: boolean;
  /** The column-marginal error ‖Σᵢ P_i· − b‖₂ at the end (the row marginal is exact after the u update, up to rounding). */
  marginalError: number;
  /** 'converged', 'maxIter', 'stopped' (onProgress returned false) or 'aborted' (signal). */
  status: 'converged' | 'maxIter' | 'stopped' | 'aborted';
  /** The method that produced the result ('log' after a fallback from 'sinkhorn'). */
  method: 'sinkhorn' | 'log' | 'stabilized';
  /** Marginal errors at each check. */
  history: number[];
  /** Set when something needs attention: a fallback to the log domain, or non-convergence. */
  warning?: string;
}

export interface SinkhornResult extends Sinkhorn2Result {
  /** The transport plan, row-major a.length × b.length. */
  plan: Float64Array;
}

interface Problem {
  n: number;
  m: number;
  a: VectorInput;
  b: VectorInput;
  M: VectorInput;
  reg: number;
  method: 'sinkhorn' | 'log' | 'stabilized';
  maxIter: number;
  tol: number;
  checkEvery: number;
  tau: number;
  onProgress?: (info: SinkhornProgress) => boolean | void;
  signal?: AbortSignal;
}

function positiveInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw parameterError(fn, name, 'a positive integer', value);
  return value;
}

/** Validates a histogram: finite, ≥ 0, positive sum; returns its sum. */
function histogram(fn: string, name: string, h: VectorInput, n: number): number {
  const data: ArrayLike<number> = h instanceof F64Buffer ? h.view() : h;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = Number(data[i]);
    if (!Number.isFinite(x)) throwNonFinite(fn, name, h);
    if (x < 0) throw new ParameterError(`${fn}: ${name} must be >= 0 entrywise (got ${x} at index ${i})`);
    s += x;
  }
  if (!(s > 0)) throw new ParameterError(`${fn}: ${name} must have a positive sum (got ${s})`);
  return s;
}

/** The checks shared by sinkhorn, sinkhorn2 and emd: a, b histograms with equal sums; M of shape n × m. */
export function checkMarginals(fn: string, a: VectorInput, b: VectorInput, M: MatrixInput): { n: number; m: number; M: VectorInput } {
  const n = vectorLength(fn, 'a', a);
  const m = vectorLength(fn, 'b', b);
  if (n === 0) throw new ShapeError(`${fn}: a must have length >= 1 (got 0)`);
  if (m === 0) throw new ShapeError(`${fn}: b must have length >= 1 (got 0)`);
  let data: VectorInput;
  if (M !== null && typeof M === 'object' && 'data' in M && 'rows' in M) {
    if (M.rows !== n || M.cols !== m) {
      throw new ShapeError(`${fn}: M must be a.length × b.length = ${n} × ${m} (got ${String(M.rows)} × ${String(M.cols)})`);
    }
    data = M.data;
  } else data = M as VectorInput;
  const len = vectorLength(fn, 'M', data);
  if (len !== n * m) throw new ShapeError(`${fn}: M must have a.length × b.length = ${n} × ${m} = ${n * m} entries (got ${len})`);
  const sa = histogram(fn, 'a', a, n);
  const sb = histogram(fn, 'b', b, m);
  if (Math.abs(sa - sb) > 1e-8 * Math.max(sa, sb)) {
    throw new ParameterError(`${fn}: a and b must have equal sums within 1e-8 relative (got ${sa} and ${sb})`);
  }
  return { n, m, M: data };
}

function problem(fn: string, a: VectorInput, b: VectorInput, Min: MatrixInput, options: SinkhornOptions): Problem {
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  const { reg, method = 'sinkhorn', maxIter = 1000, tol = 1e-9, checkEvery = 10, tau = 1e3, onProgress, signal } = options;
  positiveFinite(fn, 'options.reg', reg);
  if (method !== 'sinkhorn' && method !== 'log' && method !== 'stabilized') {
    throw parameterError(fn, 'options.method', "'sinkhorn', 'log' or 'stabilized'", method);
  }
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  positiveInteger(fn, 'options.checkEvery', checkEvery);
  positiveFinite(fn, 'options.tau', tau);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw parameterError(fn, 'options.onProgress', 'a function', onProgress);
  const { n, m, M } = checkMarginals(fn, a, b, Min);
  return { n, m, a, b, M, reg, method, maxIter, tol, checkEvery, tau, onProgress, signal };
}

/** Loop bookkeeping shared by the three methods: checks, progress, abort, stopping. */
class Monitor {
  readonly history: number[] = [];
  status: Sinkhorn2Result['status'] = 'maxIter';
  err = Infinity;
  private lastChecked = -1;
  private readonly t0 = performance.now();
  constructor(private readonly p: Problem) {}
  /** True when iteration `it` (1-based) evaluates the marginal error: 1, 1 + checkEvery, … (POT's schedule) and the last. */
  due(it: number): boolean {
    return (it - 1) % this.p.checkEvery === 0 || it === this.p.maxIter;
  }
  /** True when the error recorded last belongs to iteration `it`. */
  checkedAt(it: number): boolean {
    return this.history.length > 0 && this.lastChecked === it;
  }
  /** Records an error; returns true when the loop must end. */
  record(it: number, err: number): boolean {
    this.err = err;
    this.lastChecked = it;
    this.history.push(err);
    if (err < this.p.tol) {
      this.status = 'converged';
      return true;
    }
    if (this.p.onProgress && this.p.onProgress({ iteration: it, marginalError: err, elapsed: performance.now() - this.t0 }) === false) {
      this.status = 'stopped';
      return true;
    }
    return false;
  }
  aborted(): boolean {
    if (this.p.signal?.aborted) {
      this.status = 'aborted';
      return true;
    }
    return false;
  }
}

interface Run {
  result: Sinkhorn2Result;
  plan?: Float64Array;
}

function finish(p: Problem, mon: Monitor, iterations: number, method: Sinkhorn2Result['method'], cost: number, extra: Partial<Sinkhorn2Result>): Sinkhorn2Result {
  const converged = mon.status === 'converged';
  const r: Sinkhorn2Result = { cost, iterations, converged, marginalError: mon.err, status: mon.status, method, history: mon.history, ...extra };
  if (!converged && r.warning === undefined) {
    r.warning = `not converged (${mon.status}) after ${iterations} iterations: marginal error ${mon.err} >= tol ${p.tol}`;
  }
  return r;
}

/** Copies a, b and M into the scope: their byte offsets. */
function placeProblem(s: Scope, p: Problem): { pa: number; pb: number; pM: number } {
  return { pa: place(s, p.a, p.n).ptr, pb: place(s, p.b, p.m).ptr, pM: place(s, p.M, p.n * p.m).ptr };
}

/**
 * The outer loop shared by every method: `step` does one iteration (nonzero: a scaling under/overflowed,
 * the loop returns null), `error` evaluates the marginal error on POT's schedule and at the end.
 */
function iterate(p: Problem, mon: Monitor, step: () => number, error: () => number): number | null {
  let it = 0;
  while (it < p.maxIter) {
    if (mon.aborted()) break;
    it++;
    if (step() !== 0) return null;
    if (mon.due(it) && mon.record(it, error())) break;
  }
  if (!mon.checkedAt(it)) mon.err = error();
  return it;
}

/** Plain Sinkhorn–Knopp (Cuturi 2013, Algorithm 1) or its stabilised variant (Schmitzer 2019, Algorithm 2). Returns null on under/overflow. */
function runScaling(s: Scope, p: Problem, withPlan: boolean, stabilized: boolean): Run | null {
  const { n, m, reg } = p;
  const x = s.x;
  const nm = n * m;
  const { pa, pb, pM } = placeProblem(s, p);
  const K = s.f64(nm);
  const u = s.f64(n);
  const v = s.f64(m);
  const kv = s.f64(n);
  const w = s.f64(m);
  const alpha = stabilized ? s.f64(n) : 0;
  const beta = stabilized ? s.f64(m) : 0;
  const out = withPlan ? s.f64(nm) : 0;
  if (x.otGibbs(pM, nm, reg, K) !== 0) throwNonFinite(s.fn, 'M', p.M);
  f64View(x, u, n).fill(1 / n);
  f64View(x, v, m).fill(1 / m);
  if (stabilized) {
    f64View(x, alpha, n).fill(0);
    f64View(x, beta, m).fill(0);
  }
  const mon = new Monitor(p);
  x.otKtu(K, n, m, u, w);
  const it = iterate(p, mon, () => {
    let bad = x.otScale(pb, w, m, v);
    x.otKv(K, n, m, v, kv);
    bad |= x.otScale(pa, kv, n, u);
    if (bad !== 0) return bad;
    if (stabilized && (x.otMaxAbs(u, n) > p.tau || x.otMaxAbs(v, m) > p.tau)) {
      x.otAbsorb(u, n, reg, alpha, 1 / n);
      x.otAbsorb(v, m, reg, beta, 1 / m);
      x.otGibbsStabilized(pM, n, m, alpha, beta, reg, K);
    }
    x.otKtu(K, n, m, u, w);
    return 0;
  }, () => x.otMarginalError(v, w, pb, m));
  if (it === null) return null;
  const cost = x.otPlan(K, pM, n, m, u, v, out);
  const plan = withPlan ? f64View(x, out, nm).slice() : undefined;
  let extra: Partial<Sinkhorn2Result>;
  if (stabilized) {
    // log-scalings: alpha/ε + log u (the logs in WASM for determinism).
    const lu = s.f64(n);
    const lv = s.f64(m);
    x.otLogVec(u, n, lu);
    x.otLogVec(v, m, lv);
    const logU = f64View(x, lu, n).slice();
    const logV = f64View(x, lv, m).slice();
    const al = f64View(x, alpha, n);
    const be = f64View(x, beta, m);
    for (let i = 0; i < n; i++) logU[i] = al[i]! / reg + logU[i]!;
    for (let j = 0; j < m; j++) logV[j] = be[j]! / reg + logV[j]!;
    extra = { logU, logV };
  } else extra = { u: f64View(x, u, n).slice(), v: f64View(x, v, m).slice() };
  return { result: finish(p, mon, it, stabilized ? 'stabilized' : 'sinkhorn', cost, extra), plan };
}

/** Log-domain Sinkhorn (Peyré & Cuturi 2019, Computational OT, Remark 4.23 / eq. 4.43–4.44). */
function runLog(s: Scope, p: Problem, withPlan: boolean): Run {
  const { n, m, reg } = p;
  const x = s.x;
  const nm = n * m;
  const { pa, pb, pM } = placeProblem(s, p);
  const L = s.f64(nm);
  const f = s.f64(n);
  const g = s.f64(m);
  const loga = s.f64(n);
  const logb = s.f64(m);
  const mx = s.f64(m);
  const sc = s.f64(m);
  const out = withPlan ? s.f64(nm) : 0;
  if (x.otLogKernel(pM, nm, reg, L) !== 0) throwNonFinite(s.fn, 'M', p.M);
  x.otLogVec(pa, n, loga);
  x.otLogVec(pb, m, logb);
  f64View(x, f, n).fill(0);
  f64View(x, g, m).fill(0);
  const mon = new Monitor(p);
  const it = iterate(p, mon, () => {
    x.otLogCols(L, n, m, f, logb, g, mx, sc);
    x.otLogRows(L, n, m, g, loga, f);
    return 0;
  }, () => x.otLogMarginalError(L, n, m, f, g, pb, sc))!;
  const cost = x.otLogPlan(L, pM, n, m, f, g, out);
  const plan = withPlan ? f64View(x, out, nm).slice() : undefined;
  const extra = { logU: f64View(x, f, n).slice(), logV: f64View(x, g, m).slice() };
  return { result: finish(p, mon, it, 'log', cost, extra), plan };
}

function solve(fn: string, a: VectorInput, b: VectorInput, M: MatrixInput, options: SinkhornOptions, withPlan: boolean): Run {
  const p = problem(fn, a, b, M, options);
  if (p.method === 'log') return withScope(fn, (s) => runLog(s, p, withPlan));
  const scaled = withScope(fn, (s) => runScaling(s, p, withPlan, p.method === 'stabilized'));
  if (scaled) return scaled;
  const run = withScope(fn, (s) => runLog(s, p, withPlan));
  const why = `${fn}: method '${p.method}' under/overflowed (a scaling became 0 or infinite at reg = ${p.reg}); fell back to method 'log'`;
  run.result.warning = run.result.warning ? `${why}; ${run.result.warning}` : why;
  return run;
}

/**
 * Entropic optimal transport by Sinkhorn's algorithm (Cuturi 2013, Algorithm 1; POT `ot.sinkhorn`):
 *
 *   P = argmin_{P ≥ 0, P1 = a, Pᵀ1 = b} ⟨P, M⟩ − ε·H(P),  H(P) = −Σ P_ij (log P_ij − 1),
 *
 * whose solution is P = diag(u) K diag(v), K = exp(−M/ε). Each iteration sets v = b ⊘ Kᵀu, then
 * u = a ⊘ K v (so the row marginal is exact); the stopping certificate is the column-marginal error
 * ‖Pᵀ1 − b‖₂ < tol, evaluated after iterations 1, 1 + checkEvery, … (POT's schedule) and the last. Starts from u = 1/n, v = 1/m as POT.
 * Non-convergence is reported (`converged: false`, `status`, `warning`), never thrown.
 *
 * Underflow: with method 'sinkhorn' or 'stabilized', a scaling that becomes 0 or ∞ (K v underflows
 * at small ε) ends the scaling run and the problem is solved again from scratch with method 'log'
 * (the result's `method` is 'log' and `warning` says why). 'log' never produces NaN for finite input.
 *
 * @param a  source weights, length n ≥ 1, ≥ 0, positive sum (zero entries allowed: their rows of P are 0).
 * @param b  target weights, length m ≥ 1, ≥ 0, sum equal to a's within 1e-8 relative.
 * @param M  cost matrix, row-major n × m (a flat array or `{ data, rows, cols }`), finite.
 * @param options  reg (required, > 0), method ('sinkhorn'), maxIter (1000), tol (1e-9), checkEvery (10), tau (1e3), onProgress, signal.
 * @throws ShapeError for empty a/b or an M of another shape; ParameterError for negative weights,
 *   unequal sums, reg ≤ 0 and bad options; NonFiniteError for NaN/±Inf in a, b or M.
 */
export function sinkhorn(a: VectorInput, b: VectorInput, M: MatrixInput, options: SinkhornOptions): SinkhornResult {
  const run = solve('sinkhorn', a, b, M, options, true);
  return { plan: run.plan!, ...run.result };
}

/**
 * The entropic transport cost ⟨P, M⟩ of {@link sinkhorn}'s plan (POT `ot.sinkhorn2`), computed as
 * Σᵢ uᵢ Σⱼ K_ij vⱼ M_ij without materialising P. Same options, errors and fallback as `sinkhorn`;
 * returns the run's information without `plan`.
 */
export function sinkhorn2(a: VectorInput, b: VectorInput, M: MatrixInput, options: SinkhornOptions): Sinkhorn2Result {
  return solve('sinkhorn2', a, b, M, options, false).result;
}
