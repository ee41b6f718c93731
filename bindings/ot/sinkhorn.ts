import type { StopState } from '../runtime/stop.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, place, throwNonFinite, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { checkKnownKeys, nonNegative, optionKeys, positiveFinite, positiveInteger, readCallback, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** A matrix argument (runtime/matrix.ts): `{ data, rows, cols }`, an array of rows, or a flat row-major array whose shape the call implies. */
export type { MatrixInput } from '../runtime/matrix.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';

/** What `onProgress` receives at every marginal-error check. */
export interface SinkhornProgress {
  /** Sinkhorn iterations done (one iteration = one v update then one u update). */
  iteration: number;
  /** Column-marginal error ‖Σᵢ P_i· − b‖₂ of the current plan. */
  marginalError: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

/** Options of {@link sinkhorn}, {@link sinkhorn2} and {@link sinkhornBatch}. */
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
  /**
   * 'log' only: ε-scaling (Schmitzer 2019, "Stabilized sparse scaling algorithms for entropy regularized
   * transport problems", Section 3.2). A factor κ > 1 (e.g. 10): the run first solves with
   * ε₀ = max M − min M, then ε₀/κ, ε₀/κ², … and finally `reg`, each stage warm-started from the previous
   * stage's dual potentials (ε·logU, ε·logV kept fixed across the change of ε) and run until its
   * marginal error is below max(tol, 1e-6) (or maxIter). `iterations` counts all stages; `history`
   * and `onProgress` cover the final stage. Default: none (a single stage at `reg`).
   */
  epsilonScaling?: number;
  /**
   * 'sinkhorn' only: arithmetic of the Gibbs kernel K. 'f64' (default). 'f32': K is built as float32
   * (exp evaluated in f64 range reduction + an f32 polynomial, within 2 f32 ulp of exp(−M/reg)) and the
   * two mat-vecs K v, Kᵀ u multiply and add in f32 SIMD lanes — twice the lanes of f64 and half the
   * bytes — over short blocks (16 terms per lane for K v, 32 for Kᵀ u) whose sums are added in f64, so
   * each entry of K v is within 18·2⁻²⁴ ≈ 1.1e-6 and of Kᵀ u within 34·2⁻²⁴ ≈ 2e-6 relative (all terms are
   * ≥ 0); u, v and the divisions stay f64, and u = a ⊘ K v and the next Kᵀ u share one pass over K.
   * The plan agrees with the f64 plan to about 1e-6 relative per entry (measured ≤ 7e-7 on the tests'
   * problems; bounded by 1e-5 there and on POT's fixtures), and its row and column sums match a and b to
   * about 1e-7 relative (not to `tol`: `marginalError` is evaluated with the f32 mat-vec). Since f32 K
   * underflows where M/reg > ~103 (instead of ~745), the fallback to 'log' happens at a larger reg than in
   * f64. The plan is returned as a Float32Array: each entry u_i·K_ij·v_j is computed in f64 and rounded
   * once (2⁻²⁴ relative, far below the error above), the cost ⟨P, M⟩ is summed over the unrounded
   * products; after a fallback to 'log' its f64 plan is rounded the same way. About 2× faster than f64
   * per iteration at n = m = 1024 and 2.6× at 2048, and a whole call (K included) about 1.9× / 2.7× (see
   * the README's table). WASM memory holds K only (4 bytes per entry of M, against 24 for M, K and the
   * plan in f64): M's rows are copied in blocks of 32768 entries to build K and again, at the end, next
   * to each block of the plan, which is copied straight into the returned array (an M given as an
   * F64Buffer is read in place); the returned plan takes 4 bytes per entry instead of 8.
   * {@link sinkhornBatch} builds one f32 K for the batch and gives each problem the bits of its separate
   * f32 call, its plan a Float32Array too.
   */
  precision?: 'f64' | 'f32';
  /** Called at every check; return false to stop (stopped: 'callback'). */
  onProgress?: (info: SinkhornProgress) => boolean | void;
  /** Checked every iteration; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link sinkhorn2}: the cost and the scalings, without the plan. */
export interface Sinkhorn2Result {
  /** ⟨P, M⟩ of the entropic plan (no entropy term; POT's sinkhorn2). */
  cost: number;
  /** 'sinkhorn' only: the scalings, P = diag(u) K diag(v). */
  u?: Float64Array;
  /** 'sinkhorn' only: the column scaling (length m). */
  v?: Float64Array;
  /** 'log' and 'stabilized': log-scalings, P = exp(logU_i − M_ij/ε + logV_j) (dual potentials f = ε·logU, g = ε·logV). */
  logU?: Float64Array;
  /** 'log' and 'stabilized': the column log-scaling (length m). */
  logV?: Float64Array;
  /** Sinkhorn iterations run (all ε-scaling stages included). */
  iterations: number;
  /** True when the marginal error fell below `tol`. */
  converged: boolean;
  /** The column-marginal error ‖Σᵢ P_i· − b‖₂ at the end (the row marginal is exact after the u update, up to rounding). */
  marginalError: number;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** The method that produced the result ('log' after a fallback from 'sinkhorn'). */
  method: 'sinkhorn' | 'log' | 'stabilized';
  /** Marginal errors at each check. */
  history: number[];
  /** Set when something needs attention: a fallback to the log domain, or non-convergence. */
  warning?: string;
}

/**
 * Result of {@link sinkhorn}: {@link Sinkhorn2Result} plus the plan. `P` is Float32Array for
 * `precision: 'f32'` (the overloads of sinkhorn and sinkhornBatch pick it from the options).
 */
export interface SinkhornResult<P extends Float64Array | Float32Array = Float64Array> extends Sinkhorn2Result {
  /**
   * The transport plan, row-major a.length × b.length: a Float64Array, or with `precision: 'f32'` a
   * Float32Array (also when the run fell back to 'log', whose f64 plan is then rounded to f32).
   */
  plan: P;
}

/**
 * The plan type sinkhorn and sinkhornBatch return for options O: Float32Array for `precision: 'f32'`,
 * Float64Array for 'f64' or no `precision` key, either when O's precision is not known statically.
 */
export type PlanOf<O extends SinkhornOptions> = 'precision' extends keyof O
  ? O['precision'] extends 'f32' ? Float32Array : 'f32' extends O['precision'] ? Float64Array | Float32Array : Float64Array
  : Float64Array;

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
  epsilonScaling?: number;
  precision: 'f64' | 'f32';
  onProgress?: (info: SinkhornProgress) => boolean | void;
  signal?: AbortSignalLike;
}

/** Validates a histogram: finite, ≥ 0, positive sum; returns its sum. */
export function histogram(fn: string, name: string, h: VectorInput, n: number): number {
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

/** Shapes of a, b (lengths ≥ 1) and M (n × m); returns M's data. */
function checkShapes(fn: string, a: VectorInput, b: VectorInput, M: MatrixInput): { n: number; m: number; M: VectorInput } {
  const n = vectorLength(fn, 'a', a);
  const m = vectorLength(fn, 'b', b);
  if (n === 0) throw new ShapeError(`${fn}: a must have length >= 1 (got 0)`);
  if (m === 0) throw new ShapeError(`${fn}: b must have length >= 1 (got 0)`);
  const { data } = readMatrix(fn, 'M', M, { rows: n, cols: m, label: 'a.length × b.length' });
  return { n, m, M: data };
}

/** The checks shared by sinkhorn, sinkhorn2 and emd: a, b histograms with equal sums; M of shape n × m. */
export function checkMarginals(fn: string, a: VectorInput, b: VectorInput, Min: MatrixInput): { n: number; m: number; M: VectorInput } {
  const { n, m, M: data } = checkShapes(fn, a, b, Min);
  const sa = histogram(fn, 'a', a, n);
  const sb = histogram(fn, 'b', b, m);
  if (Math.abs(sa - sb) > 1e-8 * Math.max(sa, sb)) {
    throw new ParameterError(`${fn}: a and b must have equal sums within 1e-8 relative (got ${sa} and ${sb})`);
  }
  return { n, m, M: data };
}

type Settings = Omit<Problem, 'n' | 'm' | 'a' | 'b' | 'M'>;

const SINKHORN_KEYS = optionKeys<SinkhornOptions>({
  reg: true, method: true, maxIter: true, tol: true, checkEvery: true, tau: true, epsilonScaling: true, precision: true, onProgress: true, signal: true,
});

/** The validated options of sinkhorn, sinkhorn2 and sinkhornBatch (checked once per call, even for an empty batch). */
function settings(fn: string, options: SinkhornOptions): Settings {
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  checkKnownKeys(fn, options, SINKHORN_KEYS);
  const { reg, method = 'sinkhorn', maxIter = 1000, tol = 1e-9, checkEvery = 10, tau = 1e3, epsilonScaling, precision = 'f64', onProgress, signal } = options;
  positiveFinite(fn, 'options.reg', reg);
  if (method !== 'sinkhorn' && method !== 'log' && method !== 'stabilized') {
    throw parameterError(fn, 'options.method', "'sinkhorn', 'log' or 'stabilized'", method);
  }
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  positiveInteger(fn, 'options.checkEvery', checkEvery);
  positiveFinite(fn, 'options.tau', tau);
  if (epsilonScaling !== undefined) {
    if (typeof epsilonScaling !== 'number' || !(epsilonScaling > 1) || !Number.isFinite(epsilonScaling)) {
      throw parameterError(fn, 'options.epsilonScaling', 'a finite number > 1', epsilonScaling);
    }
    if (method !== 'log') throw parameterError(fn, 'options.method', "'log' when options.epsilonScaling is set", method);
  }
  if (precision !== 'f64' && precision !== 'f32') throw parameterError(fn, 'options.precision', "'f64' or 'f32'", precision);
  if (precision === 'f32' && method !== 'sinkhorn') throw parameterError(fn, 'options.method', "'sinkhorn' when options.precision is 'f32'", method);
  readCallback(fn, 'options.onProgress', onProgress);
  readSignal(fn, signal);
  return { reg, method, maxIter, tol, checkEvery, tau, epsilonScaling, precision, onProgress, signal };
}

function problem(fn: string, a: VectorInput, b: VectorInput, Min: MatrixInput, o: Settings): Problem {
  const { n, m, M } = checkMarginals(fn, a, b, Min);
  return { n, m, a, b, M, ...o };
}

/** What the shared loop reads of a problem (internal; also used by barycenter). */
export type LoopControl = Pick<Problem, 'maxIter' | 'tol' | 'checkEvery' | 'onProgress' | 'signal'>;

/** Loop bookkeeping shared by the three methods: checks, progress, abort, stopping. */
export class Monitor {
  readonly history: number[] = [];
  stopped: Sinkhorn2Result['stopped'] = 'maxIter';
  err = Infinity;
  private lastChecked = -1;
  private readonly t0 = performance.now();
  constructor(private readonly p: LoopControl) {}
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
      this.stopped = 'converged';
      return true;
    }
    if (this.p.onProgress && this.p.onProgress({ iteration: it, marginalError: err, elapsed: performance.now() - this.t0 }) === false) {
      this.stopped = 'callback';
      return true;
    }
    return false;
  }
  aborted(): boolean {
    if (this.p.signal?.aborted) {
      this.stopped = 'aborted';
      return true;
    }
    return false;
  }
}

interface Run {
  result: Sinkhorn2Result;
  /** f64, but f32 for precision 'f32' (the f32 scaling path, or fellBack rounding the log domain's plan). */
  plan?: Float64Array | Float32Array;
}

function finish(p: Problem, mon: Monitor, iterations: number, method: Sinkhorn2Result['method'], cost: number, extra: Partial<Sinkhorn2Result>): Sinkhorn2Result {
  const converged = mon.stopped === 'converged';
  const r: Sinkhorn2Result = { cost, iterations, converged, marginalError: mon.err, stopped: mon.stopped, method, history: mon.history, ...extra };
  if (!converged && r.warning === undefined) {
    r.warning = `not converged (${mon.stopped}) after ${iterations} iterations: marginal error ${mon.err} >= tol ${p.tol}`;
  }
  return r;
}

/** M and its kernel (Gibbs K or log-kernel −M/ε) already in WASM memory, shared by a batch. */
interface Shared {
  pM: number;
  kernel: number;
}

/** Copies a, b and M (unless shared) into the scope: their byte offsets. */
function placeProblem(s: Scope, p: Problem, shared?: Shared): { pa: number; pb: number; pM: number } {
  return { pa: place(s, p.a, p.n).ptr, pb: place(s, p.b, p.m).ptr, pM: shared ? shared.pM : place(s, p.M, p.n * p.m).ptr };
}

/**
 * The outer loop shared by every method: `step` does one iteration (nonzero: a scaling under/overflowed,
 * the loop returns null), `error` evaluates the marginal error on POT's schedule and at the end.
 */
export function iterate(p: LoopControl, mon: Monitor, step: () => number, error: () => number): number | null {
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

/**
 * A copy of the n × m plan at byte offset `ptr` (a fresh array filled by `set`: for a large plan this is
 * markedly cheaper than `slice()`, which V8 serves from freshly mapped pages).
 */
function copyPlan(x: Scope['x'], ptr: number, nm: number): Float64Array {
  const plan = new Float64Array(nm);
  plan.set(f64View(x, ptr, nm));
  return plan;
}

/** Plain Sinkhorn–Knopp (Cuturi 2013, Algorithm 1) or its stabilised variant (Schmitzer 2019, Algorithm 2), in f64. Returns null on under/overflow. */
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
  const Kv = x.otKvPairs;
  const Ktu = x.otKtu;
  f64View(x, u, n).fill(1 / n);
  f64View(x, v, m).fill(1 / m);
  if (stabilized) {
    f64View(x, alpha, n).fill(0);
    f64View(x, beta, m).fill(0);
  }
  const mon = new Monitor(p);
  Ktu(K, n, m, u, w);
  const it = iterate(p, mon, () => {
    let bad = x.otScale(pb, w, m, v);
    Kv(K, n, m, v, kv);
    bad |= x.otScale(pa, kv, n, u);
    if (bad !== 0) return bad;
    if (stabilized && (x.otMaxAbs(u, n) > p.tau || x.otMaxAbs(v, m) > p.tau)) {
      x.otAbsorb(u, n, reg, alpha, 1 / n);
      x.otAbsorb(v, m, reg, beta, 1 / m);
      x.otGibbsStabilized(pM, n, m, alpha, beta, reg, K);
    }
    Ktu(K, n, m, u, w);
    return 0;
  }, () => x.otMarginalError(v, w, pb, m));
  if (it === null) return null;
  const cost = x.otPlan(K, pM, n, m, u, v, out);
  const plan = withPlan ? copyPlan(x, out, nm) : undefined;
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

/** Entries of M (and of the plan) per block of rows in sinkhorn's f32 path: 256 KiB of f64, which stays in L2. */
const BLOCK_ENTRIES = 32768;

/** dst = src[start .. start + dst.length), converted to f64 (src: a typed array or a validated array of numbers). */
function copyRange(dst: Float64Array, src: ArrayLike<number>, start: number): void {
  if (ArrayBuffer.isView(src)) dst.set((src as Float64Array).subarray(start, start + dst.length));
  else for (let k = 0; k < dst.length; k++) dst[k] = src[start + k]!;
}

/**
 * sinkhorn's f32 path (method 'sinkhorn', precision 'f32'): K = fl32(exp(−M/ε)) (otGibbsF32x4), each
 * iteration v = b ⊘ w then u = a ⊘ K v fused with the next w = Kᵀu (otStepF32x4); u, v stay f64. Unless
 * M is an F64Buffer (used in place), M never sits whole in WASM memory: its rows are copied block by
 * block (BLOCK_ENTRIES entries) into one small buffer, K's rows are built from each block, and at the end
 * each block of M's rows is copied again next to the block of plan rows computed from it, which goes
 * straight into the returned array (otPlanF32Rows carries the running cost, so plan and cost have the
 * bits of one otPlanF32x2 call over the whole matrix). WASM memory: 4 bytes per entry of M (K) instead
 * of 20 (M, K and the plan), and the copies of M and of the plan run through L2 instead of main memory.
 * Returns null on under/overflow.
 */
function runScalingF32(s: Scope, p: Problem, withPlan: boolean): Run | null {
  const { n, m, reg } = p;
  const x = s.x;
  const nm = n * m;
  const pa = place(s, p.a, n).ptr;
  const pb = place(s, p.b, m).ptr;
  const inPlace = p.M instanceof F64Buffer ? p.M.ptr : 0;
  const rows = Math.max(1, Math.min(n, Math.floor(BLOCK_ENTRIES / m)));
  const K = s.bytes(4 * nm);
  const u = s.f64(n);
  const v = s.f64(m);
  const w = s.f64(m);
  const mBlock = inPlace ? 0 : s.f64(rows * m);
  const pBlock = withPlan ? s.bytes(4 * rows * m) : 0;
  // fl32(u), Kᵀu's f32 block sums and fl32(v) (n + 2m f32), written by the kernels.
  const scratch = s.bytes(4 * (n + 2 * m));
  // Rows i0 .. i0 + r − 1 of M in WASM memory (a view is taken per block: a callback may grow the memory).
  const rowsOfM = (i0: number, r: number): number => {
    if (inPlace) return inPlace + 8 * i0 * m;
    copyRange(f64View(x, mBlock, r * m), p.M as ArrayLike<number>, i0 * m);
    return mBlock;
  };
  f64View(x, u, n).fill(1 / n);
  f64View(x, v, m).fill(1 / m);
  // K block by block, with the first w = Kᵀu added while each block is in cache (otKtuF32x4's bits).
  for (let i0 = 0; i0 < n; i0 += rows) {
    const i1 = Math.min(n, i0 + rows);
    if (x.otGibbsKtuRowsF32x4(rowsOfM(i0, i1 - i0), i0, i1, n, m, reg, K, u, scratch, w) !== 0) throwNonFinite(s.fn, 'M', p.M);
  }
  const mon = new Monitor(p);
  const it = iterate(p, mon, () => x.otScale(pb, w, m, v) | x.otStepF32x4(K, n, m, pa, v, scratch, u, w), () => x.otMarginalError(v, w, pb, m));
  if (it === null) return null;
  const plan = withPlan ? new Float32Array(nm) : undefined;
  let cost = 0;
  for (let i0 = 0; i0 < n; i0 += rows) {
    const r = Math.min(rows, n - i0);
    cost = x.otPlanF32Rows(K + 4 * i0 * m, rowsOfM(i0, r), r, m, u + 8 * i0, v, pBlock, cost);
    if (plan) plan.set(new Float32Array(x.memory.buffer, pBlock, r * m), i0 * m);
  }
  const extra = { u: f64View(x, u, n).slice(), v: f64View(x, v, m).slice() };
  return { result: finish(p, mon, it, 'sinkhorn', cost, extra), plan };
}

/** Log-domain Sinkhorn (Peyré & Cuturi 2019, Computational OT, Remark 4.23 / eq. 4.43–4.44). */
function runLog(s: Scope, p: Problem, withPlan: boolean, shared?: Shared): Run {
  const { n, m, reg } = p;
  const x = s.x;
  const nm = n * m;
  const { pa, pb, pM } = placeProblem(s, p, shared);
  const L = shared ? shared.kernel : s.f64(nm);
  const f = s.f64(n);
  const g = s.f64(m);
  const loga = s.f64(n);
  const logb = s.f64(m);
  const mx = s.f64(m);
  const sc = s.f64(m);
  const out = withPlan ? s.f64(nm) : 0;
  if (!shared && x.otLogKernel(pM, nm, reg, L) !== 0) throwNonFinite(s.fn, 'M', p.M);
  x.otLogVec(pa, n, loga);
  x.otLogVec(pb, m, logb);
  f64View(x, f, n).fill(0);
  f64View(x, g, m).fill(0);
  const step = (): number => {
    x.otLogCols(L, n, m, f, logb, g, mx, sc);
    x.otLogRows(L, n, m, g, loga, f);
    return 0;
  };
  const error = (): number => x.otLogMarginalError(L, n, m, f, g, pb, sc);
  let before = 0;
  if (p.epsilonScaling !== undefined) {
    epsilonStages(x, p, pM, L, f, n, g, m, (stage) => {
      before += iterate(stage, new Monitor(stage), step, error)!;
    });
  }
  const mon = new Monitor(p);
  const it = before + iterate(p, mon, step, error)!;
  const cost = x.otLogPlan(L, pM, n, m, f, g, out);
  const plan = withPlan ? copyPlan(x, out, nm) : undefined;
  const extra = { logU: f64View(x, f, n).slice(), logV: f64View(x, g, m).slice() };
  return { result: finish(p, mon, it, 'log', cost, extra), plan };
}

/**
 * The ε-scaling stages of the log domain: ε₀ = max M − min M (it depends on M only), divided by
 * p.epsilonScaling per stage while above reg; before each stage the log-scalings (f: fLen values, g:
 * gLen) are rescaled so ε·f, ε·g carry over and L is rebuilt for the stage's ε; `runStage` iterates
 * to the stage's tolerance max(tol, 1e-6). Leaves L at reg and f, g rescaled for it.
 */
function epsilonStages(x: Scope['x'], p: Problem, pM: number, L: number, f: number, fLen: number, g: number, gLen: number, runStage: (stage: LoopControl) => void): void {
  const nm = p.n * p.m;
  const Mv = f64View(x, pM, nm);
  let hi = -Infinity;
  let lo = Infinity;
  for (let k = 0; k < nm; k++) {
    hi = Math.max(hi, Mv[k]!);
    lo = Math.min(lo, Mv[k]!);
  }
  const stage: LoopControl = { maxIter: p.maxIter, tol: Math.max(p.tol, 1e-6), checkEvery: p.checkEvery, signal: p.signal };
  let prev = p.reg;
  for (let eps = hi - lo; eps > p.reg; eps /= p.epsilonScaling!) {
    rescale(x, f, fLen, g, gLen, prev / eps);
    x.otLogKernel(pM, nm, eps, L);
    runStage(stage);
    prev = eps;
  }
  rescale(x, f, fLen, g, gLen, prev / p.reg);
  x.otLogKernel(pM, nm, p.reg, L);
}

/** Log-scalings f, g multiplied by t (ε·f, ε·g fixed when ε changes by 1/t). */
function rescale(x: Scope['x'], f: number, n: number, g: number, m: number, t: number): void {
  const fv = f64View(x, f, n);
  for (let i = 0; i < n; i++) fv[i] = fv[i]! * t;
  const gv = f64View(x, g, m);
  for (let j = 0; j < m; j++) gv[j] = gv[j]! * t;
}

function solve(fn: string, a: VectorInput, b: VectorInput, M: MatrixInput, options: SinkhornOptions, withPlan: boolean): Run {
  const p = problem(fn, a, b, M, settings(fn, options));
  if (p.method === 'log') return withScope(fn, (s) => runLog(s, p, withPlan));
  const scaled = withScope(fn, (s) => (p.precision === 'f32' ? runScalingF32(s, p, withPlan) : runScaling(s, p, withPlan, p.method === 'stabilized')));
  if (scaled) return scaled;
  return fellBack(fn, p, withScope(fn, (s) => runLog(s, p, withPlan)));
}

/** Prefixes the log-domain fallback's warning and, for precision 'f32', rounds its plan to f32. */
function fellBack(fn: string, p: Problem, run: Run): Run {
  const why = `${fn}: method '${p.method}' under/overflowed (a scaling became 0 or infinite at reg = ${p.reg}); fell back to method 'log'`;
  run.result.warning = run.result.warning ? `${why}; ${run.result.warning}` : why;
  // precision 'f32' returns an f32 plan whichever path ran: the log domain's f64 plan rounded once
  if (p.precision === 'f32' && run.plan) run.plan = Float32Array.from(run.plan);
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
 * Non-convergence is reported (`converged: false`, `stopped`, `warning`), never thrown.
 *
 * Underflow: with method 'sinkhorn' or 'stabilized', a scaling that becomes 0 or ∞ (K v underflows
 * at small ε) ends the scaling run and the problem is solved again from scratch with method 'log'
 * (the result's `method` is 'log' and `warning` says why). 'log' never produces NaN for finite input.
 *
 * @param a  source weights, length n ≥ 1, ≥ 0, positive sum (zero entries allowed: their rows of P are 0).
 * @param b  target weights, length m ≥ 1, ≥ 0, sum equal to a's within 1e-8 relative.
 * @param M  cost matrix, row-major n × m (a flat array or `{ data, rows, cols }`), finite.
 * @param options  reg (required, > 0), method ('sinkhorn'), maxIter (1000), tol (1e-9), checkEvery (10), tau (1e3), precision ('f64'), onProgress, signal.
 * @throws ShapeError for empty a/b or an M of another shape; ParameterError for negative weights,
 *   unequal sums, reg ≤ 0 and bad options; NonFiniteError for NaN/±Inf in a, b or M.
 */
export function sinkhorn<O extends SinkhornOptions>(a: VectorInput, b: VectorInput, M: MatrixInput, options: O): SinkhornResult<PlanOf<O>>;
export function sinkhorn(a: VectorInput, b: VectorInput, M: MatrixInput, options: SinkhornOptions): SinkhornResult<Float64Array | Float32Array> {
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

/** Options of {@link sinkhornUnbalanced}. */
export interface SinkhornUnbalancedOptions {
  /** Entropic regularisation ε > 0 (POT's `reg`). Required. */
  reg: number;
  /** Marginal relaxation λ > 0 (POT's `reg_m`): weight of the KL penalties on both marginals. Required. */
  regM: number;
  /** Iteration cap (POT's numItermax). Default 1000. */
  maxIter?: number;
  /**
   * Stop when the relative change of the scalings, ½(‖Δu‖∞ / max(‖u‖∞, ‖u_prev‖∞, 1) + the same for v),
   * is < tol (POT's stopping rule, checked every iteration). Default 1e-6 (POT's stopThr).
   */
  tol?: number;
  /** Called after every iteration with the change above in `marginalError`; return false to stop. */
  onProgress?: (info: SinkhornProgress) => boolean | void;
  /** Checked every iteration; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link sinkhornUnbalanced}. */
export interface SinkhornUnbalancedResult {
  /** The transport plan diag(u) K diag(v), row-major a.length × b.length. */
  plan: Float64Array;
  /** ⟨P, M⟩ (no entropy or KL terms). */
  cost: number;
  /** Row scaling (length n). */
  u: Float64Array;
  /** Column scaling (length m). */
  v: Float64Array;
  /** Iterations run. */
  iterations: number;
  /** True when the change fell below `tol`. */
  converged: boolean;
  /** The last relative change of the scalings (the stopping quantity). */
  change: number;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** The change at every iteration. */
  history: number[];
  /** Set on non-convergence or when something needs attention. */
  warning?: string;
}

/** ‖x − y‖∞ / max(‖x‖∞, ‖y‖∞, 1) (POT's relative change of a scaling). */
function relativeChange(x: Float64Array, y: Float64Array): number {
  let d = 0;
  let mx = 1;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    mx = Math.max(mx, Math.abs(x[i]!), Math.abs(y[i]!));
  }
  return d / mx;
}

/**
 * Unbalanced entropic optimal transport (Chizat et al. 2018, "Scaling algorithms for unbalanced
 * transport problems", Algorithm 1 with the KL proximal step of Prop. 3.1; POT `ot.sinkhorn_unbalanced`,
 * method 'sinkhorn'):
 *
 *   P = argmin_{P ≥ 0} ⟨P, M⟩ + ε·Σ P_ij (log P_ij − 1) + λ·KL(P1 | a) + λ·KL(Pᵀ1 | b),
 *
 * KL(x | y) = Σ x log(x/y) − x + y. The solution is P = diag(u) K diag(v), K = exp(−M/ε); each iteration
 * sets u = (a ⊘ K v)^φ then v = (b ⊘ Kᵀ u)^φ with φ = λ / (λ + ε), starting from u = 1/n, v = 1/m (as POT).
 * a and b need not have equal sums. If a scaling under/overflows the previous scalings are kept, the
 * run ends and `warning` says so (POT's behaviour); non-convergence is reported, never thrown.
 *
 * @param a  source weights, length n ≥ 1, ≥ 0, positive sum.
 * @param b  target weights, length m ≥ 1, ≥ 0, positive sum.
 * @param Min  cost matrix M, row-major n × m (a flat array or `{ data, rows, cols }`), finite.
 * @param options  reg (required, > 0), regM (required, > 0), maxIter (1000), tol (1e-6), onProgress, signal.
 * @throws ShapeError for empty a/b or an M of another shape; ParameterError for negative weights, a zero sum,
 *   reg or regM ≤ 0 and bad options; NonFiniteError for NaN/±Inf in a, b or M.
 */
export function sinkhornUnbalanced(a: VectorInput, b: VectorInput, Min: MatrixInput, options: SinkhornUnbalancedOptions): SinkhornUnbalancedResult {
  const fn = 'sinkhornUnbalanced';
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg and regM', options);
  checkKnownKeys(fn, options, optionKeys<SinkhornUnbalancedOptions>({ reg: true, regM: true, maxIter: true, tol: true, onProgress: true, signal: true }));
  const { reg, regM, maxIter = 1000, tol = 1e-6, onProgress, signal } = options;
  positiveFinite(fn, 'options.reg', reg);
  positiveFinite(fn, 'options.regM', regM);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  readCallback(fn, 'options.onProgress', onProgress);
  readSignal(fn, signal);
  const { n, m, M } = checkShapes(fn, a, b, Min);
  histogram(fn, 'a', a, n);
  histogram(fn, 'b', b, m);
  const p: Problem = { n, m, a, b, M, reg, method: 'sinkhorn', maxIter, tol, checkEvery: 1, tau: 1, precision: 'f64', onProgress, signal };
  const fi = regM / (regM + reg);
  return withScope(fn, (s) => {
    const x = s.x;
    const nm = n * m;
    const { pa, pb, pM } = placeProblem(s, p);
    const K = s.f64(nm);
    const u = s.f64(n);
    const v = s.f64(m);
    const kv = s.f64(n);
    const ktu = s.f64(m);
    const out = s.f64(nm);
    if (x.otGibbs(pM, nm, reg, K) !== 0) throwNonFinite(fn, 'M', p.M);
    f64View(x, u, n).fill(1 / n);
    f64View(x, v, m).fill(1 / m);
    const mon = new Monitor(p);
    let uPrev = f64View(x, u, n).slice();
    let vPrev = f64View(x, v, m).slice();
    let bad = false;
    let change = Infinity;
    const it = iterate(p, mon, () => {
      uPrev = f64View(x, u, n).slice();
      vPrev = f64View(x, v, m).slice();
      x.otKv(K, n, m, v, kv);
      let flag = x.otScalePow(pa, kv, n, fi, u);
      x.otKtu(K, n, m, u, ktu);
      flag |= x.otScalePow(pb, ktu, m, fi, v);
      if (flag !== 0) {
        f64View(x, u, n).set(uPrev);
        f64View(x, v, m).set(vPrev);
        bad = true;
        return 1;
      }
      change = 0.5 * (relativeChange(f64View(x, u, n), uPrev) + relativeChange(f64View(x, v, m), vPrev));
      return 0;
    }, () => change);
    const cost = x.otPlan(K, pM, n, m, u, v, out);
    const iterations = it ?? mon.history.length;
    const converged = mon.stopped === 'converged';
    const r: SinkhornUnbalancedResult = {
      plan: f64View(x, out, nm).slice(), cost, u: f64View(x, u, n).slice(), v: f64View(x, v, m).slice(),
      iterations, converged, change: mon.err, stopped: mon.stopped, history: mon.history,
    };
    if (bad) r.warning = `${fn}: a scaling under/overflowed at iteration ${iterations + 1} (reg = ${reg}); returned the previous scalings`;
    else if (!converged) r.warning = `not converged (${mon.stopped}) after ${iterations} iterations: change ${mon.err} >= tol ${tol}`;
    return r;
  });
}

/**
 * Many entropic OT problems sharing one cost matrix (POT/OTT's batched Sinkhorn): problem k is
 * `sinkhorn(as[k], bs[k], M, options)`, with M copied into WASM memory and its Gibbs kernel
 * K = exp(−M/ε) (or log-kernel −M/ε for method 'log') computed once for the whole batch.
 *
 * Method 'sinkhorn' runs all problems together: the scalings are B × n and B × m matrices in WASM
 * memory and one WASM call per iteration does V = B ⊘ KᵀU, KV = K V, U = A ⊘ K V, W = Kᵀ U for every
 * active problem (K V and Kᵀ U as mat-mats: four rows of K × two problems, two problems × eight
 * columns per register tile, blocks sized for L1/L2, so K is read once per block of problems instead
 * of once per problem). Each problem keeps its own stopping test on sinkhorn's schedule; a converged
 * (or stopped) problem is frozen, i.e. left out of later iterations; a problem whose scaling
 * under/overflows is dropped and re-solved from scratch with method 'log', as sinkhorn does. Every
 * entry is computed with the single-problem kernels' operations in their order, so each result
 * (plan, cost, u, v, iterations, history) is bit-identical to a separate {@link sinkhorn} call.
 *
 * Method 'log' (the robust choice at small ε, where K underflows) runs all problems together too: the
 * log-scalings F (B × n) and G (B × m) stay in WASM memory and one WASM call per iteration does, for every
 * active problem, g = log b − lse_i(−M/ε + f) then f = log a − lse_j(−M/ε + g) (max-shifted log-sum-exp;
 * Peyré & Cuturi 2019, Remark 4.23), each row of −M/ε loaded once per block of problems and the exps taken
 * two at a time by an f64x2 exp whose lanes are bit-identical to Math.exp. Same per-problem stopping test,
 * freezing, onProgress and signal as above; with `epsilonScaling` the ε stages (which depend on M only)
 * are run for the whole batch, each stage ending for all problems before the next starts. Every result
 * (plan, cost, logU, logV, iterations, history) is bit-identical to a separate sinkhorn(…, { method: 'log' }).
 *
 * `precision: 'f32'` (method 'sinkhorn'): one float32 kernel K for the whole batch, built as sinkhorn's f32 path
 * builds it, and each iteration runs that path's f32x4 operations for every active problem (u = a ⊘ K v and
 * Kᵀu fused, blockwise f32 lane sums added in f64; the scalings stay f64) in the same order, so each result is
 * bit-identical to a separate sinkhorn(…, { precision: 'f32' }) call, with the same accuracy (plans within
 * about 1e-6 relative of f64). The rows of K are swept in blocks of 32 that serve a group of problems while
 * they are in cache, so K is read from memory once per group instead of once per problem. A problem that
 * under/overflows falls back to the f64 log domain, as sinkhorn does. It pays where K is large (16 problems
 * of n = 1024: about 1.7× the f64 batch for a whole call). Problems go through each block of rows two at
 * a time, so that each load of K serves both (the same operations per problem: the same bits). For small
 * problems (n = 32) it stays slower than the f64 batch (about 0.86×): K (4 KiB) sits in L1, so halving
 * its bytes saves nothing, and each problem's iteration is dominated by work that f32 does not shrink
 * (2(n + m) f64 divisions, rounding u and v to f32, widening each row's lane sums and each block's column
 * sums to f64); pairing problems made that step 1.12× faster, not enough to overtake f64.
 *
 * @param as  source histograms (each as `a` of sinkhorn, all of length n).
 * @param bs  target histograms (each as `b`, all of length m), as many as `as`.
 * @param M  cost matrix, row-major n × m, finite.
 * @param options  as {@link sinkhorn}; method 'sinkhorn' (default) or 'log' ('stabilized' rewrites K per problem and is
 *   refused), epsilonScaling ('log' only, as sinkhorn), precision ('f64'; 'f32' with method 'sinkhorn'). onProgress is called per problem at its checks
 *   (returning false stops that problem); `signal` is checked before every iteration and, once aborted, ends every
 *   problem still running (stopped: 'aborted').
 * @returns one SinkhornResult per problem, in order. The plans (and u, v or logU, logV) of the
 *   batch are subarrays of one Float64Array per batch (`plan.buffer` is shared; copy with `slice()` to keep
 *   one plan without the others).
 * @throws ParameterError if as/bs are not arrays of equal length or for a refused option; the errors of sinkhorn
 *   for each problem (messages name the function `sinkhornBatch`).
 */
export function sinkhornBatch<O extends SinkhornOptions>(as: VectorInput[], bs: VectorInput[], M: MatrixInput, options: O): SinkhornResult<PlanOf<O>>[];
export function sinkhornBatch(as: VectorInput[], bs: VectorInput[], M: MatrixInput, options: SinkhornOptions): SinkhornResult<Float64Array | Float32Array>[] {
  const fn = 'sinkhornBatch';
  if (!Array.isArray(as)) throw parameterError(fn, 'as', 'an array of histograms', as);
  if (!Array.isArray(bs)) throw parameterError(fn, 'bs', 'an array of histograms', bs);
  if (as.length !== bs.length) throw new ShapeError(`${fn}: as and bs must have the same number of histograms (got ${as.length} and ${bs.length})`);
  if (options !== null && typeof options === 'object') {
    if (options.method === 'stabilized') throw parameterError(fn, 'options.method', "'sinkhorn' or 'log'", options.method);
  }
  const o = settings(fn, options);
  const ps = as.map((a, k) => problem(fn, a, bs[k]!, M, o));
  ps.forEach((p, k) => {
    if (p.n !== ps[0]!.n) throw new ShapeError(`${fn}: as[${k}] must have length ${ps[0]!.n} like as[0] (got ${p.n})`);
    if (p.m !== ps[0]!.m) throw new ShapeError(`${fn}: bs[${k}] must have length ${ps[0]!.m} like bs[0] (got ${p.m})`);
  });
  if (ps.length === 0) {
    // No problem to check M's shape against: it must still be a matrix, of finite costs (what the
    // kernels would check for a non-empty batch).
    const data = M !== null && typeof M === 'object' && 'data' in M && 'rows' in M ? M.data : M;
    vectorLength(fn, 'M', data);
    const entries: ArrayLike<number> = data instanceof F64Buffer ? data.view() : (data as ArrayLike<number>);
    for (let i = 0; i < entries.length; i++) if (!Number.isFinite(entries[i])) throwNonFinite(fn, 'M', data as VectorInput);
    return [];
  }
  const { n, m, reg } = ps[0]!;
  return withScope(fn, (s) => {
    const x = s.x;
    const nm = n * m;
    const pM = place(s, ps[0]!.M, nm).ptr;
    let logK: Shared | undefined;
    const logShared = (): Shared => {
      if (!logK) {
        logK = { pM, kernel: s.f64(nm) };
        if (x.otLogKernel(pM, nm, reg, logK.kernel) !== 0) throwNonFinite(fn, 'M', ps[0]!.M);
      }
      return logK;
    };
    const solveLog = (p: Problem): Run => {
      const l = logShared();
      return withScope(fn, (t) => runLog(t, p, true, l));
    };
    const runs: (Run | null)[] = ps[0]!.method === 'sinkhorn' ? runScalingBatch(s, ps, pM) : runLogBatch(s, ps, pM);
    return runs.map((run, k) => {
      const p = ps[k]!;
      const r = run ?? (p.method === 'sinkhorn' ? fellBack(fn, p, solveLog(p)) : solveLog(p));
      return { plan: r.plan!, ...r.result };
    });
  });
}

/**
 * iterate() for a batch sharing maxIter, checkEvery and signal (ctrl): one `step(count)` per iteration
 * advances the problems listed in idx()[0..count) (it returns those that failed: they are dropped and keep
 * the iteration count of their failure); on sinkhorn's schedule `errors(count)` gives the marginal errors
 * (indexed by problem) and each problem's monitor decides whether it ends (it is then frozen: left out of
 * the list). Problems still running at maxIter or abort get the error at their last iteration, as iterate()
 * does. Returns the iterations of every problem.
 */
function iterateBatch(ctrl: LoopControl, mons: Monitor[], idx: () => Int32Array, step: (count: number) => number[], errors: (count: number) => Float64Array): number[] {
  const B = mons.length;
  let active = Array.from(idx().subarray(0, B));
  const iterations = new Array<number>(B).fill(0);
  const setActive = (list: number[]): void => { active = list; idx().set(list); };
  let it = 0;
  while (active.length > 0 && it < ctrl.maxIter) {
    if (ctrl.signal?.aborted) {
      for (const k of active) mons[k]!.aborted();
      break;
    }
    it++;
    for (const k of active) iterations[k] = it;
    const failed = step(active.length);
    if (failed.length > 0) setActive(active.filter((k) => !failed.includes(k)));
    if (active.length > 0 && mons[0]!.due(it)) {
      const ev = errors(active.length);
      setActive(active.filter((k) => !mons[k]!.record(it, ev[k]!)));
    }
  }
  const late = active.filter((k) => !mons[k]!.checkedAt(iterations[k]!));
  if (late.length > 0) {
    setActive(late);
    const ev = errors(late.length);
    for (const k of late) mons[k]!.err = ev[k]!;
  }
  return iterations;
}

/**
 * The batched scaling Sinkhorn of sinkhornBatch (method 'sinkhorn'): the same iteration, checks and
 * results as runScaling for each problem, all problems advanced by one WASM call per iteration.
 * null for a problem whose scaling under/overflowed (the caller re-solves it in the log domain).
 */
function runScalingBatch(s: Scope, ps: Problem[], pM: number): (Run | null)[] {
  const { n, m, reg } = ps[0]!;
  const x = s.x;
  const B = ps.length;
  const nm = n * m;
  const f32 = ps[0]!.precision === 'f32';
  const K = f32 ? s.bytes(4 * nm) : s.f64(nm);
  const A = s.f64(B * n);
  const Bm = s.f64(B * m);
  const U = s.f64(B * n);
  const V = s.f64(B * m);
  const KV = f32 ? 0 : s.f64(B * n);
  const W = s.f64(B * m);
  const err = s.f64(B);
  const idx = s.bytes(4 * B);
  const flags = s.bytes(4 * B);
  const out = f32 ? s.bytes(4 * nm) : s.f64(nm);
  if ((f32 ? x.otGibbsF32x4(pM, nm, reg, K) : x.otGibbs(pM, nm, reg, K)) !== 0) throwNonFinite(s.fn, 'M', ps[0]!.M);
  // f32: fl32(u) of a row block and the block's column sums for the two problems of a pair, and fl32(v)
  // of every problem (otBatchStepF32x4).
  const scratch = f32 ? s.bytes(4 * (2 * n + 2 * m + B * m)) : 0;
  placeHistograms(x, ps, A, Bm);
  f64View(x, U, B * n).fill(1 / n);
  f64View(x, V, B * m).fill(1 / m);
  const idxView = (): Int32Array => new Int32Array(x.memory.buffer, idx, B);
  idxView().set(Array.from({ length: B }, (_, k) => k));
  // f32: every problem starts from the same u = 1/n, so W_p = Kᵀu is computed once (otKtuF32x4, as sinkhorn) and copied.
  if (f32) {
    x.otKtuF32x4(K, n, m, U, scratch, W);
    const Wv = f64View(x, W, B * m);
    for (let k = 1; k < B; k++) Wv.copyWithin(k * m, 0, m);
  } else x.otBatchKtu(K, n, m, U, W, idx, B);
  const mons = ps.map((p) => new Monitor(p));
  const failed = new Array<boolean>(B).fill(false);
  const iterations = iterateBatch(ps[0]!, mons, idxView, (count) => {
    const flagged = f32 ? x.otBatchStepF32x4(K, n, m, A, Bm, U, V, W, idx, count, scratch, flags) : x.otBatchStep(K, n, m, A, Bm, U, V, KV, W, idx, count, flags);
    if (flagged === 0) return [];
    const fl = new Int32Array(x.memory.buffer, flags, B);
    return Array.from(idxView().subarray(0, count)).filter((k) => (failed[k] = fl[k] !== 0));
  }, (count) => {
    x.otBatchMarginalError(V, W, Bm, m, idx, count, err);
    return f64View(x, err, B);
  });
  const Us = f64View(x, U, B * n).slice();
  const Vs = f64View(x, V, B * m).slice();
  return batchPlans(x, ps, out, (k) => (failed[k] ? null : (f32 ? x.otPlanF32x2 : x.otPlan)(K, pM, n, m, U + k * n * 8, V + k * m * 8, out)), (k, cost, plan) => {
    const extra = { u: Us.subarray(k * n, (k + 1) * n), v: Vs.subarray(k * m, (k + 1) * m) };
    return { result: finish(ps[k]!, mons[k]!, iterations[k]!, 'sinkhorn', cost, extra), plan };
  }, f32);
}

/** Copies every problem's a into A (B × n) and b into Bm (B × m), problem-major. */
function placeHistograms(x: Scope['x'], ps: Problem[], A: number, Bm: number): void {
  const { n, m } = ps[0]!;
  const Av = f64View(x, A, ps.length * n);
  const Bv = f64View(x, Bm, ps.length * m);
  ps.forEach((p, k) => {
    Av.set(p.a instanceof F64Buffer ? p.a.view() : p.a, k * n);
    Bv.set(p.b instanceof F64Buffer ? p.b.view() : p.b, k * m);
  });
}

/**
 * The results of a batch: `plan(k)` writes problem k's plan into the reused WASM buffer `out` and
 * returns its cost (null: no result, the caller re-solves k), copied into one JS buffer for the batch
 * (no allocation in between, so the view stays valid); `result` gets a subarray of it (a typed array
 * allocated per problem costs microseconds).
 */
function batchPlans(x: Scope['x'], ps: Problem[], out: number, plan: (k: number) => number | null, result: (k: number, cost: number, plan: Float64Array | Float32Array) => Run, f32 = false): (Run | null)[] {
  const nm = ps[0]!.n * ps[0]!.m;
  const Pv = f32 ? new Float32Array(x.memory.buffer, out, nm) : f64View(x, out, nm);
  const plans = f32 ? new Float32Array(ps.length * nm) : new Float64Array(ps.length * nm);
  return ps.map((_, k) => {
    const cost = plan(k);
    if (cost === null) return null;
    plans.set(Pv, k * nm);
    return result(k, cost, plans.subarray(k * nm, (k + 1) * nm));
  });
}

/**
 * The batched log-domain Sinkhorn of sinkhornBatch (method 'log'): runLog's iteration (g = log b − lse_i(L + f),
 * then f = log a − lse_j(L + g), L = −M/ε; Peyré & Cuturi 2019, Remark 4.23 / eq. 4.43–4.44), checks,
 * ε-scaling stages and results for each problem, all problems advanced by one WASM call per iteration
 * (assembly/ot/batchlog.ts: the same operations in the same order, so bit-identical to separate runs).
 */
function runLogBatch(s: Scope, ps: Problem[], pM: number): Run[] {
  const p0 = ps[0]!; // n, m, reg, maxIter, tol, checkEvery, epsilonScaling and signal are shared by the batch
  const { n, m, reg } = p0;
  const x = s.x;
  const B = ps.length;
  const nm = n * m;
  const L = s.f64(nm);
  const LA = s.f64(B * n);
  const LB = s.f64(B * m);
  const Bm = s.f64(B * m);
  const F = s.f64(B * n);
  const G = s.f64(B * m);
  const MX = s.f64(B * m);
  const S = s.f64(B * m);
  const err = s.f64(B);
  const idx = s.bytes(4 * B);
  const out = s.f64(nm);
  if (x.otLogKernel(pM, nm, reg, L) !== 0) throwNonFinite(s.fn, 'M', p0.M);
  placeHistograms(x, ps, F, Bm); // a in F until its log is taken
  x.otLogVec(F, B * n, LA);
  x.otLogVec(Bm, B * m, LB);
  f64View(x, F, B * n).fill(0);
  f64View(x, G, B * m).fill(0);
  const idxView = (): Int32Array => new Int32Array(x.memory.buffer, idx, B);
  const all = (): void => idxView().set(Array.from({ length: B }, (_, k) => k));
  const step = (count: number): number[] => {
    x.otBatchLogStep(L, n, m, LA, LB, F, G, MX, S, idx, count);
    return [];
  };
  const errors = (count: number): Float64Array => {
    x.otBatchLogMarginalError(L, n, m, F, G, Bm, S, idx, count, err);
    return f64View(x, err, B);
  };
  const before = new Array<number>(B).fill(0);
  if (p0.epsilonScaling !== undefined) {
    // runLog's stages, shared by the batch; each stage ends for all problems before the next one
    // starts, a problem that met the stage's tolerance waiting frozen.
    epsilonStages(x, p0, pM, L, F, B * n, G, B * m, (stage) => {
      all();
      iterateBatch(stage, ps.map(() => new Monitor(stage)), idxView, step, errors).forEach((t, k) => { before[k]! += t; });
    });
  }
  all();
  const mons = ps.map((p) => new Monitor(p));
  const iterations = iterateBatch(p0, mons, idxView, step, errors);
  const Fs = f64View(x, F, B * n).slice();
  const Gs = f64View(x, G, B * m).slice();
  return batchPlans(x, ps, out, (k) => x.otLogPlan(L, pM, n, m, F + k * n * 8, G + k * m * 8, out), (k, cost, plan) => {
    const extra = { logU: Fs.subarray(k * n, (k + 1) * n), logV: Gs.subarray(k * m, (k + 1) * m) };
    return { result: finish(ps[k]!, mons[k]!, before[k]! + iterations[k]!, 'log', cost, extra), plan };
  }) as Run[];
}
