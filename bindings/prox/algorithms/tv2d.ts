/**
 * 2-D anisotropic total variation on a row-major image, with its prox computed by a Dykstra-like
 * splitting into exact 1-D TV solves along rows and columns, certified by a duality gap.
 */
import { parameterError } from '../../runtime/errors.js';
import { f64View, type Scope } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, lengthChecker, nonNegativeFinite } from '../operators/define.js';
import { tv1dScratchLength } from '../operators/tv.js';
import { dimension } from './common.js';
import { optionKeys, readOptions } from '../../runtime/validate.js';
import type { StopState } from '../../runtime/stop.js';

/** Options of {@link totalVariation2D}'s iterative prox. */
export interface TotalVariation2DOptions {
  /** Stop when the duality gap ≤ tol · P(X) (P the prox objective at the iterate X). Default 1e-6. */
  tol?: number;
  /** Most Dykstra sweeps (one row pass + one column pass each). Default 500. */
  maxIter?: number;
  /** Evaluate the gap every this many sweeps (it costs about one sweep of elementwise work). Default 5. */
  certificateEvery?: number;
}

/** How the last prox call ended. */
export interface TotalVariation2DReport {
  /** Dykstra sweeps performed. */
  iterations: number;
  /** True when the relative gap reached tol. */
  converged: boolean;
  /** Why the last call ended: 'converged' (relative gap ≤ tol) or 'maxIter'. */
  stopped: Extract<StopState, 'converged' | 'maxIter'>;
  /** The duality gap P(X) − D(u, w) of the prox problem at the returned X (absolute, ≥ 0). */
  certificate: {
    /** Always 'duality gap'. */
    name: 'duality gap';
    /** P(X) − D(u, w) ≥ 0. */
    value: number;
  };
  /** P(X) = ½‖X − V‖² + tλ·TV(X) at the returned X. */
  objective: number;
}

export interface TotalVariation2D extends ProxOperator {
  /** Image height (the x given to prox/value is rows × cols, row-major). */
  readonly rows: number;
  /** Image width. */
  readonly cols: number;
  /** The report of the most recent prox call (null before the first). */
  readonly last: TotalVariation2DReport | null;
}

/** λ·Σ|horizontal differences| + λ·Σ|vertical differences| of the row-major image x. */
function anisotropicTV(x: Float64Array, rows: number, cols: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = x[i * cols + j]!;
      if (j + 1 < cols) s += Math.abs(x[i * cols + j + 1]! - v);
      if (i + 1 < rows) s += Math.abs(x[(i + 1) * cols + j]! - v);
    }
  }
  return s;
}

/**
 * The dual point of one direction from Dykstra's increment p (= K_dᵀu for the exact 1-D solves):
 * u along each line is minus the running sum of p, clipped to [−lam, lam] (feasible even after
 * rounding); writes Kᵀu into `kt` and returns Σ_edges (lam·|dX_e| − dX_e·u_e) ≥ 0.
 */
function directionDual(p: Float64Array, X: Float64Array, lines: number, length: number, lineStep: number, step: number, lam: number, kt: Float64Array): number {
  let slack = 0;
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    let c = 0;
    let prevU = 0;
    for (let k = 0; k < length; k++) {
      const idx = base + k * step;
      let u = 0;
      if (k + 1 < length) {
        c += p[idx]!;
        u = Math.max(-lam, Math.min(lam, -c));
        const d = X[idx + step]! - X[idx]!;
        slack += lam * Math.abs(d) - d * u;
      }
      kt[idx] = prevU - u;
      prevU = u;
    }
  }
  return slack;
}

/**
 * Anisotropic 2-D total variation of a rows × cols image x (row-major, length rows·cols):
 *
 *   f(x) = λ·(Σᵢⱼ |x_{i,j+1} − x_{i,j}| + Σᵢⱼ |x_{i+1,j} − x_{i,j}|) = λ·(TV_rows(x) + TV_cols(x)).
 *
 * prox_{tf}(v) is computed by the Dykstra-like proximal algorithm for the sum of two functions
 * (Bauschke & Combettes 2008; Combettes & Pesquet 2011, "Proximal splitting methods in signal
 * processing", the Dykstra-like splitting for the prox of a sum): with x₀ = v, p₀ = q₀ = 0,
 *
 *   y = prox_{tλTV_rows}(x + p),  p ← x + p − y,  x ← prox_{tλTV_cols}(y + q),  q ← y + q − x,
 *
 * where each prox is a set of exact, O(n) 1-D TV solves (the catalogue's tv1d kernel, strided in WASM
 * memory: no gather). The certificate is the duality gap of the prox problem with the dual point
 * read off p and q (u = −cumsum(p) along rows, w = −cumsum(q) along columns, clipped to the box):
 *
 *   gap = ½‖X − V + K_rᵀu + K_cᵀw‖² + Σ_edges (tλ|dX_e| − dX_e·u_e) ≥ P(X) − P*,
 *
 * a sum of nonnegative terms (no cancellation). Iterative: `last` reports sweeps, gap and
 * convergence of the latest call. Defaults: tol 1e-6 (relative to P(X)), maxIter 500.
 *
 * @param lambda  λ ≥ 0, finite.
 * @param rows  image height ≥ 0 (integer); @param cols  width ≥ 0; rows·cols ≤ 2²⁸ (the WASM memory cap).
 *   v must have length rows·cols.
 */
export function totalVariation2D(lambda: number, rows: number, cols: number, options?: TotalVariation2DOptions): TotalVariation2D {
  const fn = 'totalVariation2D';
  nonNegativeFinite(fn, 'lambda', lambda);
  dimension(fn, 'rows', rows);
  dimension(fn, 'cols', cols);
  dimension(fn, 'rows × cols', rows * cols);
  options = readOptions(fn, options, optionKeys<TotalVariation2DOptions>({ tol: true, maxIter: true, certificateEvery: true }));
  const tol = options.tol ?? 1e-6;
  if (typeof tol !== 'number' || !(tol >= 0)) throw parameterError(fn, 'options.tol', '>= 0', tol);
  const maxIter = options.maxIter ?? 500;
  if (!Number.isSafeInteger(maxIter) || maxIter < 1) throw parameterError(fn, 'options.maxIter', 'an integer >= 1', maxIter);
  const every = options.certificateEvery ?? 5;
  if (!Number.isSafeInteger(every) || every < 1) throw parameterError(fn, 'options.certificateEvery', 'an integer >= 1', every);
  const N = rows * cols;
  let last: TotalVariation2DReport | null = null;

  const run = (s: Scope, input: { ptr: number; n: number }, outPtr: number, t: number): number => {
    const lam = t * lambda;
    if (lam === 0) {
      // prox of the zero function: the identity, exactly (after the finiteness check).
      const v = f64View(s.x, input.ptr, N);
      for (let i = 0; i < N; i++) if (!Number.isFinite(v[i]!)) return 1;
      f64View(s.x, outPtr, N).set(v);
    }
    if (N === 0 || lam === 0) {
      last = { iterations: 0, converged: true, stopped: 'converged', certificate: { name: 'duality gap', value: 0 }, objective: 0 };
      return 0;
    }
    const V = s.f64(N);
    const x = s.f64(N);
    const y = s.f64(N);
    const p = s.f64(N);
    const q = s.f64(N);
    const z = s.f64(N);
    const lamPtr = s.f64(1);
    const scratch = s.f64(tv1dScratchLength(Math.max(rows, cols)));
    const k = s.x;
    const view = (ptr: number): Float64Array => f64View(k, ptr, N);
    view(V).set(view(input.ptr));
    view(x).set(view(input.ptr));
    view(p).fill(0);
    view(q).fill(0);
    f64View(k, lamPtr, 1)[0] = lam;
    // A NaN/±Inf in v: the first row pass flags it.
    let iterations = 0;
    let gap = Infinity;
    let objective = NaN;
    let converged = false;
    const kt = new Float64Array(N);
    const kt2 = new Float64Array(N);
    while (iterations < maxIter) {
      iterations++;
      // Rows: z = x + p, y = prox(z), p = z − y.
      let zv = view(z);
      let xv = view(x);
      let pv = view(p);
      for (let i = 0; i < N; i++) zv[i] = xv[i]! + pv[i]!;
      for (let r = 0; r < rows; r++) {
        const off = 8 * r * cols;
        if (k.tv1d(z + off, cols, 1, lamPtr, 0, y + off, 1, scratch) !== 0) return 1;
      }
      zv = view(z);
      const yv = view(y);
      pv = view(p);
      for (let i = 0; i < N; i++) pv[i] = zv[i]! - yv[i]!;
      // Columns: z = y + q, x = prox(z), q = z − x.
      const qv = view(q);
      for (let i = 0; i < N; i++) zv[i] = yv[i]! + qv[i]!;
      for (let c = 0; c < cols; c++) {
        if (k.tv1d(z + 8 * c, rows, cols, lamPtr, 0, x + 8 * c, cols, scratch) !== 0) return 1;
      }
      zv = view(z);
      xv = view(x);
      for (let i = 0; i < N; i++) qv[i] = zv[i]! - xv[i]!;
      if (iterations % every === 0 || iterations === maxIter) {
        const X = view(x);
        const Vv = view(V);
        const slack = directionDual(view(p), X, rows, cols, cols, 1, lam, kt) + directionDual(view(q), X, cols, rows, 1, cols, lam, kt2);
        let fit = 0;
        let dist = 0;
        for (let i = 0; i < N; i++) {
          const d = X[i]! - Vv[i]!;
          dist += d * d;
          const e = d + kt[i]! + kt2[i]!;
          fit += e * e;
        }
        gap = fit / 2 + slack;
        objective = dist / 2 + lam * anisotropicTV(X, rows, cols);
        if (gap <= tol * objective) {
          converged = true;
          break;
        }
      }
    }
    f64View(k, outPtr, N).set(view(x));
    last = { iterations, converged, stopped: converged ? 'converged' : 'maxIter', certificate: { name: 'duality gap', value: gap }, objective };
    return 0;
  };

  const op = defineOperator({
    name: `totalVariation2D(${lambda}, ${rows}, ${cols})`,
    properties: { convex: true, separable: false, prox: 'iterative', indicator: false },
    value: (x) => lambda * anisotropicTV(x, rows, cols),
    checkLength: lengthChecker('rows × cols', N),
    run: (s, input, outPtr, t) => run(s, input, outPtr, t),
  });
  return Object.freeze({
    name: op.name,
    properties: op.properties,
    value: op.value,
    prox: op.prox,
    rows,
    cols,
    get last(): TotalVariation2DReport | null {
      return last;
    },
  });
}
