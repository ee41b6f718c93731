/**
 * What every proximal algorithm shares: options (maxIter, tol, onProgress, signal, history), the
 * stopping monitor and the outer loop (`iterate`), the result shape (`runResult`), the run's WASM
 * workspace (`withWorkspace`), argument checks, and small vector helpers over Float64Array views of
 * WASM memory — so each algorithm's file holds only its own iteration.
 */
import { MemoryError, NonFiniteError, ParameterError, ProxkitError, ShapeError, parameterError } from '../../runtime/errors.js';
import { F64Buffer, MAX_F64_LENGTH, Scope, allocF64, vectorLength, type VectorInput } from '../../runtime/memory.js';
import { wasm } from '../../runtime/instance.js';
import { nonNegativeInteger, optionKeys, readCallback, readOptions, readSignal } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import type { StopState } from '../../runtime/stop.js';
import type { AbortSignalLike } from '../../runtime/types.js';

/** Why a run ended: the values of the shared vocabulary (runtime/stop.ts) a proximal algorithm can reach. */
export type SolverStop = Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;

/** What `onProgress` receives once per iteration. */
export interface ProgressInfo {
  /** 1-based iteration count. */
  iteration: number;
  /** The objective at the current iterate (may be +Infinity when an indicator is violated). */
  objective: number;
  /** The algorithm's stopping residual at this iteration (the quantity compared with `tol`). */
  residual: number;
  /** Milliseconds since the start of the run. */
  elapsedMs: number;
}

/** Options that every algorithm accepts. */
export interface IterativeOptions {
  /** Iteration cap (an integer ≥ 0). Default: per algorithm (see each function). */
  maxIter?: number;
  /** Stopping tolerance on the named certificate (≥ 0). Default: per algorithm. */
  tol?: number;
  /**
   * Called once per iteration, after the iterate is updated; return `false` to stop the run (the
   * result then has `stopped: 'callback'`). Anything else (including `undefined`) continues.
   */
  onProgress?: (info: ProgressInfo) => boolean | void;
  /**
   * Checked once per iteration (and before the first). An aborted signal ends the run with the
   * current iterate: the result has `converged: false`, `stopped: 'aborted'` (no exception).
   */
  signal?: AbortSignalLike;
  /**
   * Most objective values kept in `history` (≥ 2, default 1000). Beyond it the history is thinned:
   * every other value is dropped and `historyEvery` doubles, so it always spans the whole run.
   */
  historyLength?: number;
}

/** A named stopping certificate: zero exactly at a solution. */
export interface Certificate {
  /** What `value` measures, e.g. 'fixed-point residual' or 'duality gap'. */
  name: string;
  /** Its value at the returned iterate (≥ 0; the run stops when it is ≤ tol). */
  value: number;
}

/** What every algorithm returns (each adds its own fields). */
export interface IterativeResult {
  /** The final iterate (a plain Float64Array, not a view of WASM memory). */
  x: Float64Array;
  /** Iterations performed. */
  iterations: number;
  /** True when the certificate reached `tol`. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: SolverStop;
  /**
   * The stopping certificate at the returned iterate (fista/proximalGradient evaluate it even after 0
   * iterations; the splitting methods report NaN when no iteration ran, since it needs one step).
   */
  certificate: Certificate;
  /** Objective values at iterations historyEvery, 2·historyEvery, … (at most historyLength of them). */
  history: number[];
  /** Iterations between two consecutive history entries (a power of 2). */
  historyEvery: number;
}

export interface CheckedOptions {
  maxIter: number;
  tol: number;
  onProgress: ((info: ProgressInfo) => boolean | void) | undefined;
  signal: AbortSignalLike | undefined;
  historyLength: number;
}

/** The keys of IterativeOptions; each solver adds its own to form its list of known option keys. */
export const ITERATIVE_KEYS = optionKeys<IterativeOptions>({ maxIter: true, tol: true, onProgress: true, signal: true, historyLength: true });

/** Validates the common options with the given defaults; a key outside `known` is a ParameterError. */
export function checkOptions(fn: string, o: IterativeOptions | undefined, defaults: { maxIter: number; tol: number }, known: readonly string[]): CheckedOptions {
  const opts = readOptions(fn, o, known);
  const maxIter = opts.maxIter ?? defaults.maxIter;
  nonNegativeInteger(fn, 'options.maxIter', maxIter);
  const tol = opts.tol ?? defaults.tol;
  if (typeof tol !== 'number' || !(tol >= 0)) throw parameterError(fn, 'options.tol', '>= 0', tol);
  readCallback(fn, 'options.onProgress', opts.onProgress);
  const signal = readSignal(fn, opts.signal);
  const historyLength = opts.historyLength ?? 1000;
  if (!Number.isSafeInteger(historyLength) || historyLength < 2) {
    throw parameterError(fn, 'options.historyLength', 'an integer >= 2', historyLength);
  }
  return { maxIter, tol, onProgress: opts.onProgress, signal, historyLength };
}

/**
 * Bookkeeping of one run: history (thinned by powers of 2 to stay bounded), progress callbacks,
 * abort checks and the elapsed time.
 */
export class Monitor {
  readonly history: number[] = [];
  historyEvery = 1;
  private readonly t0 = performance.now();
  constructor(private readonly o: CheckedOptions) {}

  /** 'aborted' if the signal is already aborted, else null. */
  aborted(): SolverStop | null {
    return this.o.signal?.aborted ? 'aborted' : null;
  }

  /**
   * Records iteration `k` (1-based) and returns why to stop now, if any: 'converged' when
   * `residual <= tol`, 'callback' when onProgress returned false, 'aborted' when the signal fired.
   */
  step(k: number, objective: number, residual: number, converged = residual <= this.o.tol): SolverStop | null {
    if (k % this.historyEvery === 0) {
      this.history.push(objective);
      if (this.history.length > this.o.historyLength) {
        let j = 0;
        for (let i = 1; i < this.history.length; i += 2) this.history[j++] = this.history[i]!;
        this.history.length = j;
        this.historyEvery *= 2;
      }
    }
    if (this.o.onProgress) {
      const info: ProgressInfo = { iteration: k, objective, residual, elapsedMs: performance.now() - this.t0 };
      if (this.o.onProgress(info) === false) return converged ? 'converged' : 'callback';
    }
    if (converged) return 'converged';
    if (this.o.signal?.aborted) return 'aborted';
    return null;
  }
}

/** What one iteration reports to `iterate`. */
export interface IterationReport {
  /** The objective at the new iterate (kept in the history, passed to onProgress). */
  objective: number;
  /** The stopping residual (passed to onProgress; compared with tol unless `converged` is given). */
  residual: number;
  /** Whether the run has converged, when that is not simply `residual <= tol`. */
  converged?: boolean;
}

/** How a run of `iterate` ended. */
export interface RunOutcome {
  /** Iterations performed. */
  iterations: number;
  /** Why the run ended ('maxIter' when nothing stopped it earlier). */
  stopped: SolverStop;
  history: number[];
  historyEvery: number;
}

/**
 * The outer loop every algorithm shares: for k = 1, 2, … up to opts.maxIter, `body(k)` performs
 * iteration k and reports it to a Monitor; the loop ends early when the report has converged,
 * onProgress returned false or the signal aborted (an already-aborted signal runs no iteration).
 */
export function iterate(opts: CheckedOptions, body: (k: number) => IterationReport): RunOutcome {
  const monitor = new Monitor(opts);
  let stopped: SolverStop | null = monitor.aborted();
  let k = 0;
  while (stopped === null && k < opts.maxIter) {
    k++;
    const report = body(k);
    stopped = monitor.step(k, report.objective, report.residual, report.converged);
  }
  return { iterations: k, stopped: stopped ?? 'maxIter', history: monitor.history, historyEvery: monitor.historyEvery };
}

/** The IterativeResult fields (all but x) of a run whose final certificate is `name` = `value`. */
export function runResult(run: RunOutcome, name: string, value: number): Omit<IterativeResult, 'x'> {
  return {
    iterations: run.iterations,
    converged: run.stopped === 'converged',
    stopped: run.stopped,
    certificate: { name, value },
    history: run.history,
    historyEvery: run.historyEvery,
  };
}

/** The WASM memory of one run, freed together (see `withWorkspace`): vectors, then raw allocations. */
export class Workspace {
  private readonly owned: F64Buffer[] = [];
  private raw: Scope | undefined;
  /** Takes `b` into the workspace: it is freed with it. */
  own(b: F64Buffer): F64Buffer {
    this.owned.push(b);
    return b;
  }
  /** A new zero vector of length n, owned by the workspace. */
  zeros(n: number): F64Buffer {
    return this.own(allocF64(n));
  }
  /** A Scope for raw allocations (one per workspace, created on first call), released after the vectors. */
  scope(fn: string): Scope {
    this.raw ??= new Scope(fn);
    return this.raw;
  }
  free(): void {
    freeAll(this.owned);
    this.raw?.release();
  }
}

/** Runs `body` with a workspace whose vectors are freed however `body` ends. */
export function withWorkspace<T>(body: (ws: Workspace) => T): T {
  const ws = new Workspace();
  try {
    return body(ws);
  } finally {
    ws.free();
  }
}

/** Validates that `op` looks like a ProxOperator (has prox and value functions). */
export function checkOperator(fn: string, name: string, op: unknown): ProxOperator {
  const o = op as ProxOperator | null;
  if (o === null || typeof o !== 'object' || typeof o.prox !== 'function' || typeof o.value !== 'function') {
    throw parameterError(fn, name, 'a ProxOperator (an object with prox(v, t, out) and value(x))', op);
  }
  return o;
}

/**
 * The `lipschitz` estimate a smooth term may carry (named `name`, e.g. 'f.lipschitz'): undefined, or
 * a finite number ≥ 0 (0 is valid: an affine term). Anything else is a ParameterError.
 */
export function smoothLipschitz(fn: string, name: string, value: unknown): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))) {
    throw parameterError(fn, name, 'a finite number >= 0 when given', value);
  }
  return value as number | undefined;
}

/** A finite number > 0 given as an option, or the default when absent. */
export function positiveOption(fn: string, name: string, value: unknown, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !(value < max) || !Number.isFinite(value)) {
    throw parameterError(fn, name, max === Infinity ? 'a finite number > 0' : `in (0, ${max})`, value);
  }
  return value;
}

/** Checks that a starting point has length n and finite entries, and returns a WASM buffer holding it (zeros when absent). */
export function startingPoint(fn: string, name: string, x0: VectorInput | undefined, n: number): F64Buffer {
  if (x0 === undefined) return allocF64(n);
  const len = vectorLength(fn, name, x0);
  if (len !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} (got ${len})`);
  const data = x0 instanceof F64Buffer ? x0.view() : x0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(Number(data[i]))) throw new ParameterError(`${fn}: ${name} must be finite (got ${Number(data[i])} at index ${i})`);
  }
  return allocF64(x0 instanceof F64Buffer ? x0.view() : (x0 as ArrayLike<number>));
}

/** A dimension given as an argument or option: a non-negative integer ≤ MAX_F64_LENGTH. */
export function dimension(fn: string, name: string, value: unknown): number {
  nonNegativeInteger(fn, name, value);
  if ((value as number) > MAX_F64_LENGTH) throw parameterError(fn, name, `at most ${MAX_F64_LENGTH} (the WebAssembly memory cap)`, value);
  return value as number;
}

/** Throws a ParameterError naming `what` (a callback) unless it wrote only finite values into `out`. */
export function checkFiniteOutput(fn: string, what: string, out: ArrayLike<number>): void {
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new ParameterError(`${fn}: ${what} must write finite values (got ${out[i]} at index ${i})`);
  }
}

/**
 * Runs `body` so that a ProxkitError raised by one of the caller's operators during the run (say an
 * indBox built for another length, or a NaN that reached a prox) reports under the public function
 * `fn` too: `admm: indBox([2], [2]).prox: v must have length 2 …`, same class (NonFiniteError as a
 * ParameterError, its constructor being tied to one argument). Other errors pass through unchanged.
 */
export function reportingAs<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof ProxkitError) || e.message.startsWith(`${fn}: `)) throw e;
    const message = `${fn}: ${e.message}`;
    if (e instanceof ShapeError) throw new ShapeError(message);
    if (e instanceof MemoryError) throw new MemoryError(message);
    // NonFiniteError keeps its class and fields: its message is `${inner}: ${argument} must be finite …`.
    if (e instanceof NonFiniteError) throw new NonFiniteError(`${fn}: ${e.message.slice(0, e.message.indexOf(`: ${e.argument} must be finite`))}`, e.argument, e.index, e.value);
    if (e instanceof ParameterError) throw new ParameterError(message);
    throw e;
  }
}

/** Frees every buffer (ignores already freed ones). */
export function freeAll(buffers: readonly F64Buffer[]): void {
  for (const b of buffers) b.free();
}

/** True when WASM memory grew since `view` was taken (the view is then detached). */
export function detached(view: Float64Array): boolean {
  return view.buffer !== wasm('proxkit').memory.buffer;
}

/**
 * Calls `body(x, out)` with views of two WASM buffers — no copy — and, should the callback have
 * allocated WASM memory (detaching the views, so that its writes were lost), calls it again on
 * plain arrays and copies the result in. Returns what `body` returns.
 */
export function callOnViews<T>(x: F64Buffer, out: F64Buffer, body: (x: Float64Array, out: Float64Array) => T): T {
  const xv = x.view();
  const ov = out.view();
  try {
    const r = body(xv, ov);
    if (!detached(ov)) return r;
  } catch (e) {
    // Writing to a detached view throws a TypeError: retry on copies only in that case.
    if (!detached(ov)) throw e;
  }
  const xs = x.toArray();
  const os = new Float64Array(out.length);
  const r2 = body(xs, os);
  out.set(os);
  return r2;
}

// Vector helpers on plain views (the algorithms' vectors are short next to their operators' cost).

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** ‖a − b‖₂. */
export function distance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * The governing-sequence update of the Douglas–Rachford family, z ← z + λ(y − x), returning the
 * fixed-point residual ‖y − x‖ (zero exactly at a fixed point).
 */
export function relaxedStep(z: Float64Array, x: Float64Array, y: Float64Array, lambda: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const d = y[i]! - x[i]!;
    s += d * d;
    z[i] = z[i]! + lambda * d;
  }
  return Math.sqrt(s);
}

/** out = α·a + β·b (out may alias a or b). */
export function axpby(alpha: number, a: Float64Array, beta: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * a[i]! + beta * b[i]!;
}

/**
 * The dimension n of a splitting problem: options.dimension when given, else the `dimension` of one
 * of the operators (leastSquares has one), else the length of the starting point. Every dimension
 * given (option or operator's, each [name, operator]) must be valid and agree: a ShapeError otherwise.
 */
export function problemDimension(fn: string, given: unknown, operators: readonly (readonly [string, unknown])[], start: unknown, startName: string): number {
  let n = given === undefined ? undefined : dimension(fn, 'options.dimension', given);
  let from = 'options.dimension';
  for (const [name, op] of operators) {
    const d = (op as { dimension?: unknown }).dimension;
    if (d === undefined) continue;
    dimension(fn, `${name}.dimension`, d);
    if (n === undefined) [n, from] = [d as number, `${name}.dimension`];
    else if (d !== n) throw new ShapeError(`${fn}: ${name}.dimension must equal ${from} = ${n} (got ${d})`);
  }
  if (n !== undefined) return n;
  if (start !== undefined) return vectorLength(fn, startName, start);
  throw parameterError(fn, 'options.dimension', `given when ${startName} is absent and no operator has a dimension`, undefined);
}
