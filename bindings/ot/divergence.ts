import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, throwNonFinite, vectorLength, type VectorInput } from '../runtime/memory.js';
import type { MatrixInput } from '../runtime/matrix.js';
import { nonNegative, optionKeys, positiveFinite, positiveInteger, readOptions } from '../runtime/validate.js';
import { costMatrix, points, type CostMetric } from './cost.js';
import { wasmLog } from './gromov.js';
import { histogram, sinkhorn } from './sinkhorn.js';

/** Options of {@link sinkhornDivergence}. */
export interface SinkhornDivergenceOptions {
  /** Entropic regularisation ε > 0 (same units as the cost). Required. */
  reg: number;
  /** Weights of the rows of X (probability vector, entries > 0). Default uniform 1/n. */
  a?: VectorInput;
  /** Weights of the rows of Y (probability vector, entries > 0). Default uniform 1/m. */
  b?: VectorInput;
  /** Ground cost between points (see {@link costMatrix}). Default 'sqeuclidean'. */
  metric?: CostMetric;
  /** Point dimension d when X and Y are flat arrays. Default 1. */
  dim?: number;
  /**
   * 'entropic' (default): S_ε = OT_ε(α, β) − ½OT_ε(α, α) − ½OT_ε(β, β) with OT_ε the regularised
   * optimum (transport + ε·KL(P | a⊗b)), Feydy et al. (2019): ≥ 0, = 0 iff α = β, smooth.
   * 'transport': POT's `empirical_sinkhorn_divergence`: the same combination of the transport parts
   * ⟨P_ε, M⟩ of the three entropic plans, clipped at 0 (as POT does).
   */
  objective?: 'entropic' | 'transport';
  /** Also return the gradients (objective 'entropic' only). Default false. */
  gradient?: boolean;
  /** Iteration cap of each of the three Sinkhorn solves. Default 10000. */
  maxIter?: number;
  /** Marginal-error tolerance of each solve (see `sinkhorn`). Default 1e-10. */
  tol?: number;
}

/** Result of {@link sinkhornDivergence}. */
export interface SinkhornDivergenceResult {
  /** The divergence. */
  value: number;
  /** The three terms: `xy` = OT(α, β), `xx` = OT(α, α), `yy` = OT(β, β) (entropic values or transport parts, per `objective`). */
  terms: {
    /** OT(α, β). */
    xy: number;
    /** OT(α, α). */
    xx: number;
    /** OT(β, β). */
    yy: number;
  };
  /** Sinkhorn iterations of the three solves together. */
  iterations: number;
  /** True when all three solves reached `tol`. */
  converged: boolean;
  /**
   * With `gradient: true`: ∂S/∂a and ∂S/∂b (defined up to an additive constant, since the weights stay on
   * the simplex: only differences a_i − a_k are meaningful), and ∂S/∂X, ∂S/∂Y (row-major like X, Y), by
   * the envelope theorem on the dual potentials.
   */
  grad?: {
    /** ∂S/∂a (length n). */
    a: Float64Array;
    /** ∂S/∂b (length m). */
    b: Float64Array;
    /** ∂S/∂X (n × d). */
    X: Float64Array;
    /** ∂S/∂Y (m × d). */
    Y: Float64Array;
  };
}

/** Entropic OT between two weighted point sets: value, Feydy potentials and plan. */
export interface Solved { value: number; transport: number; f: Float64Array; g: Float64Array; plan: Float64Array; iterations: number; converged: boolean }

const KEYS = optionKeys<SinkhornDivergenceOptions>({ reg: true, a: true, b: true, metric: true, dim: true, objective: true, gradient: true, maxIter: true, tol: true });

/** log-domain Sinkhorn on C with potentials f, g normalised as P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε). */
export function solve(fn: string, a: Float64Array, b: Float64Array, la: Float64Array, lb: Float64Array, C: Float64Array, reg: number, maxIter: number, tol: number): Solved {
  const r = sinkhorn(a, b, C, { reg, method: 'log', maxIter, tol });
  const n = a.length;
  const m = b.length;
  const f = new Float64Array(n);
  const g = new Float64Array(m);
  for (let i = 0; i < n; i++) f[i] = reg * (r.logU![i]! - la[i]!);
  for (let j = 0; j < m; j++) g[j] = reg * (r.logV![j]! - lb[j]!);
  let transport = 0;
  let mass = 0;
  for (let k = 0; k < n * m; k++) { transport += r.plan[k]! * C[k]!; mass += r.plan[k]!; }
  // Dual objective ⟨a, f⟩ + ⟨b, g⟩ − ε(Σ P − Σa Σb): equals the primal optimum at convergence and is a
  // lower bound of it at any (f, g), so an unconverged run is not overstated.
  let sa = 0, sb = 0, value = 0;
  for (let i = 0; i < n; i++) { value += a[i]! * f[i]!; sa += a[i]!; }
  for (let j = 0; j < m; j++) { value += b[j]! * g[j]!; sb += b[j]!; }
  value -= reg * (mass - sa * sb);
  void fn;
  return { value, transport, f, g, plan: r.plan, iterations: r.iterations, converged: r.converged };
}

/** ∇_x c(x, y) for the metric, added with weight w into out[0..d). */
export function addCostGradient(metric: CostMetric, x: Float64Array, xi: number, y: Float64Array, yj: number, d: number, w: number, out: Float64Array, oi: number): void {
  if (w === 0) return;
  if (metric === 'sqeuclidean') {
    for (let k = 0; k < d; k++) out[oi + k] = out[oi + k]! + 2 * w * (x[xi + k]! - y[yj + k]!);
  } else if (metric === 'euclidean') {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x[xi + k]! - y[yj + k]!) ** 2;
    const r = Math.sqrt(s);
    if (r === 0) return; // a subgradient: 0 at coinciding points
    for (let k = 0; k < d; k++) out[oi + k] = out[oi + k]! + (w * (x[xi + k]! - y[yj + k]!)) / r;
  } else {
    for (let k = 0; k < d; k++) out[oi + k] = out[oi + k]! + w * Math.sign(x[xi + k]! - y[yj + k]!);
  }
}

export function dense(v: VectorInput, n: number): Float64Array {
  const src: ArrayLike<number> = v instanceof F64Buffer ? v.view() : v;
  return Float64Array.from({ length: n }, (_, k) => Number(src[k]));
}

export function weights(fn: string, name: string, w: VectorInput | undefined, n: number): Float64Array {
  if (w === undefined) return new Float64Array(n).fill(1 / n);
  const len = vectorLength(fn, `options.${name}`, w); // typed error for null, symbols, non-arrays
  if (len !== n) throw new ShapeError(`${fn}: options.${name} must have length ${n} (got ${len})`);
  const s = histogram(fn, `options.${name}`, w, n);
  if (Math.abs(s - 1) > 1e-8) throw new ParameterError(`${fn}: options.${name} must sum to 1 within 1e-8 (got ${s})`);
  const out = dense(w, n);
  const k = out.findIndex((x) => !(x > 0));
  if (k >= 0) throw new ParameterError(`${fn}: options.${name} must be > 0 entrywise (got ${out[k]} at index ${k})`);
  return out;
}

/**
 * Sinkhorn divergence between two weighted point clouds α = Σ a_i δ_{x_i}, β = Σ b_j δ_{y_j} (rows of X, Y):
 *
 *   S_ε(α, β) = OT_ε(α, β) − ½ OT_ε(α, α) − ½ OT_ε(β, β),
 *   OT_ε(α, β) = min_P ⟨P, C⟩ + ε KL(P | a⊗b) over couplings of a and b,
 *
 * the debiased entropic OT of Feydy, Séjourné, Vialard, Amari, Trouvé & Peyré (AISTATS 2019): for the
 * squared Euclidean and Euclidean costs S_ε ≥ 0 with equality iff α = β, and S_ε tends to OT as ε → 0 and
 * to an MMD as ε → ∞. Each term is one log-domain Sinkhorn solve (finite at any ε). With `objective:
 * 'transport'` it is POT's `empirical_sinkhorn_divergence` instead (the transport parts ⟨P_ε, C⟩).
 *
 * Gradients (`gradient: true`, entropic objective), by the envelope theorem on the dual potentials
 * (f, g) of each term: ∂S/∂a = f^{αβ} − ½(f^{αα} + g^{αα}), ∂S/∂b = g^{αβ} − ½(f^{ββ} + g^{ββ}),
 * ∂S/∂x_i = Σ_j P^{αβ}_ij ∇_x c(x_i, y_j) − ½ Σ_k (P^{αα}_ik + P^{αα}_ki) ∇_x c(x_i, x_k), and the same for y.
 *
 * @param X  n points (rows: `{ data, rows, cols }`, array of rows, or flat with `dim`). @param Y  m points, same dimension.
 * @throws ShapeError for mismatched dimensions or weight lengths; ParameterError for bad options (unknown keys
 *   included), weights that are not positive probability vectors, or `gradient` with 'transport'; NonFiniteError for NaN/±Inf.
 */
export function sinkhornDivergence(X: MatrixInput, Y: MatrixInput, options: SinkhornDivergenceOptions): SinkhornDivergenceResult {
  const fn = 'sinkhornDivergence';
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  const o = readOptions(fn, options, KEYS);
  const reg = positiveFinite(fn, 'options.reg', o.reg);
  const { metric = 'sqeuclidean', objective = 'entropic', gradient = false, maxIter = 10000, tol = 1e-10, dim } = o;
  if (metric !== 'sqeuclidean' && metric !== 'euclidean' && metric !== 'cityblock') throw parameterError(fn, 'options.metric', "'sqeuclidean', 'euclidean' or 'cityblock'", metric);
  if (objective !== 'entropic' && objective !== 'transport') throw parameterError(fn, 'options.objective', "'entropic' or 'transport'", objective);
  if (typeof gradient !== 'boolean') throw parameterError(fn, 'options.gradient', 'a boolean', gradient);
  if (gradient && objective !== 'entropic') throw parameterError(fn, 'options.objective', "'entropic' when options.gradient is true", objective);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  const px = points(fn, 'X', X, dim);
  const py = points(fn, 'Y', Y, dim);
  if (px.d !== py.d) throw new ShapeError(`${fn}: X and Y must have the same point dimension (got ${px.d} and ${py.d})`);
  const n = px.rows;
  const m = py.rows;
  const d = px.d;
  if (n === 0 || m === 0) throw new ShapeError(`${fn}: X and Y must have at least one point (got ${n} and ${m})`);
  const a = weights(fn, 'a', o.a, n);
  const b = weights(fn, 'b', o.b, m);
  const Xd = dense(px.data, n * d);
  const Yd = dense(py.data, m * d);
  if (!Xd.every(Number.isFinite)) throwNonFinite(fn, 'X', Xd);
  if (!Yd.every(Number.isFinite)) throwNonFinite(fn, 'Y', Yd);
  const xs = { data: Xd, rows: n, cols: d };
  const ys = { data: Yd, rows: m, cols: d };
  const cost = (P: typeof xs, Q: typeof xs): Float64Array => costMatrix(P, Q, { metric });
  const la = wasmLog(fn, a, 0);
  const lb = wasmLog(fn, b, 0);
  const xy = solve(fn, a, b, la, lb, cost(xs, ys), reg, maxIter, tol);
  const xx = solve(fn, a, a, la, la, cost(xs, xs), reg, maxIter, tol);
  const yy = solve(fn, b, b, lb, lb, cost(ys, ys), reg, maxIter, tol);
  const key = objective === 'entropic' ? 'value' : 'transport';
  const terms = { xy: xy[key], xx: xx[key], yy: yy[key] };
  let value = terms.xy - 0.5 * (terms.xx + terms.yy);
  if (objective === 'transport') value = Math.max(0, value);
  const result: SinkhornDivergenceResult = {
    value, terms, iterations: xy.iterations + xx.iterations + yy.iterations, converged: xy.converged && xx.converged && yy.converged,
  };
  if (gradient) {
    const gA = Float64Array.from(a, (_, i) => xy.f[i]! - 0.5 * (xx.f[i]! + xx.g[i]!));
    const gB = Float64Array.from(b, (_, j) => xy.g[j]! - 0.5 * (yy.f[j]! + yy.g[j]!));
    const gX = new Float64Array(n * d);
    const gY = new Float64Array(m * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const w = xy.plan[i * m + j]!;
      addCostGradient(metric, Xd, i * d, Yd, j * d, d, w, gX, i * d);
      addCostGradient(metric, Yd, j * d, Xd, i * d, d, w, gY, j * d);
    }
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) addCostGradient(metric, Xd, i * d, Xd, k * d, d, -0.5 * (xx.plan[i * n + k]! + xx.plan[k * n + i]!), gX, i * d);
    for (let j = 0; j < m; j++) for (let l = 0; l < m; l++) addCostGradient(metric, Yd, j * d, Yd, l * d, d, -0.5 * (yy.plan[j * m + l]! + yy.plan[l * m + j]!), gY, j * d);
    result.grad = { a: gA, b: gB, X: gX, Y: gY };
  }
  return result;
}
