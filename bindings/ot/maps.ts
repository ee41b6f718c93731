import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteCopy, type VectorInput } from '../runtime/memory.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { nonNegative, optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { costMatrix, points, type CostMetric } from './cost.js';
import { emd } from './emd.js';
import { sinkhorn } from './sinkhorn.js';

/** Options of {@link otMapping}. */
export interface OtMappingOptions {
  /** Entropic regularisation ε: 0 (default) solves the exact plan (`emd`), > 0 the log-domain `sinkhorn` plan. */
  reg?: number;
  /** Weights of the source points. Default uniform 1/n. */
  a?: VectorInput;
  /** Weights of the target points (same sum). Default uniform 1/m · Σa. */
  b?: VectorInput;
  /** Ground cost of the plan (see {@link costMatrix}). Default 'sqeuclidean'. */
  metric?: CostMetric;
  /** Point dimension d when the clouds are flat arrays. Default 1. */
  dim?: number;
  /**
   * Entropic plan (`reg` > 0): 'log' (default) the log-domain Sinkhorn, finite at any ε; 'sinkhorn' the
   * scaling iteration, several times faster per iteration but it fails (NonFiniteError) once
   * exp(−C/ε) underflows, i.e. for ε below about max C / 700.
   */
  method?: 'log' | 'sinkhorn';
  /** Entropic plan (`reg` > 0): Sinkhorn iteration cap. Default 1000. */
  maxIter?: number;
  /** Entropic plan: Sinkhorn's marginal-error tolerance. Default 1e-9. */
  tol?: number;
}

/** A fitted transport map (result of {@link otMapping}). */
export interface OtMapping {
  /** The plan between the source and target points, row-major n × m. */
  plan: Float64Array;
  /** The barycentric images of the source points, n × d row-major: T(x_i) = Σ_j P_ij y_j / Σ_j P_ij. */
  mapped: Float64Array;
  /** Point dimension d. */
  dim: number;
  /** The transport part ⟨P, C⟩ of the plan (C the ground cost between the source and target points). */
  cost: number;
  /** Network-simplex pivots (exact plan) or Sinkhorn iterations (entropic plan). */
  iterations: number;
  /** Exact plan: 0. Entropic plan: Sinkhorn's final marginal error. */
  marginalError: number;
  /**
   * Maps new points (k × d, same forms as the fit's clouds): each point x moves by the displacement of its
   * nearest source point x_s (Euclidean), x ↦ x + T(x_s) − x_s; a source point itself goes to T(x_s).
   */
  transform(X: MatrixInput): Float64Array;
}

/**
 * The barycentric projection of a plan: T(x_i) = Σ_j P_ij y_j / Σ_j P_ij, the conditional mean of the target
 * given the source point (POT's domain-adaptation `transform` for the training samples). A row of P with zero
 * mass has no image: its row is NaN.
 *
 * @param plan  n × m (row-major flat with n = plan.length / m, or `{ data, rows, cols }`).
 * @param Y  m target points (rows, or flat with `dim`). @returns n × d row-major.
 * @throws ShapeError when the plan's columns differ from the number of target points; NonFiniteError for NaN/±Inf.
 */
export function barycentricProjection(plan: MatrixInput, Y: MatrixInput, dim?: number): Float64Array {
  const fn = 'barycentricProjection';
  const y = points(fn, 'Y', Y, dim);
  const m = y.rows, d = y.d;
  const p = readMatrix(fn, 'plan', plan, { cols: m, label: 'the number of points of Y' });
  const P = finiteCopy(fn, 'plan', p.data, p.rows * m);
  const Yd = finiteCopy(fn, 'Y', y.data, m * d);
  return project(P, p.rows, m, Yd, d);
}

function project(P: Float64Array, n: number, m: number, Y: Float64Array, d: number): Float64Array {
  const T = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let mass = 0;
    for (let j = 0; j < m; j++) {
      const w = P[i * m + j]!;
      if (w === 0) continue;
      mass += w;
      for (let k = 0; k < d; k++) T[i * d + k] = T[i * d + k]! + w * Y[j * d + k]!;
    }
    for (let k = 0; k < d; k++) T[i * d + k] = mass > 0 ? T[i * d + k]! / mass : NaN;
  }
  return T;
}

const KEYS = optionKeys<OtMappingOptions>({ reg: true, a: true, b: true, metric: true, dim: true, method: true, maxIter: true, tol: true });

/**
 * Fits an OT map from source points Xs to target points Xt, as POT's `EMDTransport` / `SinkhornTransport`
 * (domain adaptation): the plan (exact, or entropic with `reg` > 0), the barycentric images of the source
 * points, and `transform` for new points by the nearest-source-point extension.
 *
 * @param Xs  n source points; @param Xt  m target points of the same dimension.
 * @throws ShapeError for mismatched dimensions or weight lengths; ParameterError for bad options (unknown
 *   keys included) or weights; NonFiniteError for NaN/±Inf.
 */
export function otMapping(Xs: MatrixInput, Xt: MatrixInput, options?: OtMappingOptions): OtMapping {
  const fn = 'otMapping';
  const o = readOptions(fn, options, KEYS);
  const { reg = 0, metric = 'sqeuclidean', dim, maxIter = 1000, tol = 1e-9, method = 'log' } = o;
  if (method !== 'log' && method !== 'sinkhorn') throw parameterError(fn, 'options.method', "'log' or 'sinkhorn'", method);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  if (metric !== 'sqeuclidean' && metric !== 'euclidean' && metric !== 'cityblock') throw parameterError(fn, 'options.metric', "'sqeuclidean', 'euclidean' or 'cityblock'", metric);
  nonNegative(fn, 'options.reg', reg);
  if (!Number.isFinite(reg)) throw parameterError(fn, 'options.reg', 'finite', reg);
  const xs = points(fn, 'Xs', Xs, dim);
  const xt = points(fn, 'Xt', Xt, dim);
  if (xs.d !== xt.d) throw new ShapeError(`${fn}: Xs and Xt must have the same point dimension (got ${xs.d} and ${xt.d})`);
  const n = xs.rows, m = xt.rows, d = xs.d;
  if (n === 0 || m === 0) throw new ShapeError(`${fn}: Xs and Xt must have at least one point (got ${n} and ${m})`);
  const S = finiteCopy(fn, 'Xs', xs.data, n * d);
  const T = finiteCopy(fn, 'Xt', xt.data, m * d);
  const a = o.a ?? new Float64Array(n).fill(1 / n);
  const sa = Array.from(a as ArrayLike<number>).reduce((s, x) => s + Number(x), 0);
  const b = o.b ?? new Float64Array(m).fill(sa / m);
  const C = costMatrix({ data: S, rows: n, cols: d }, { data: T, rows: m, cols: d }, { metric });
  let plan: Float64Array, iterations: number, marginalError = 0;
  try {
    if (reg === 0) {
      const r = emd(a, b, C);
      ({ plan } = r);
      iterations = r.augmentations;
    } else {
      const r = sinkhorn(a, b, C, { reg, method, maxIter, tol });
      ({ plan, iterations, marginalError } = r);
    }
  } catch (e) {
    // the solvers name their arguments a and b: here they are options.a and options.b
    if (e instanceof ParameterError || e instanceof ShapeError) e.message = e.message.replace(/^(emd|sinkhorn): (a|b)\b/, `${fn}: options.$2`);
    throw e;
  }
  const mapped = project(plan, n, m, T, d);
  let cost = 0;
  for (let k = 0; k < n * m; k++) cost += plan[k]! * C[k]!;
  return {
    plan, mapped, dim: d, cost, iterations, marginalError,
    transform(X: MatrixInput): Float64Array {
      const f = 'otMapping.transform';
      const x = points(f, 'X', X, d);
      if (x.d !== d) throw new ShapeError(`${f}: X must have ${d} columns (got ${x.d})`);
      const Q = finiteCopy(f, 'X', x.data, x.rows * d);
      const out = new Float64Array(x.rows * d);
      for (let q = 0; q < x.rows; q++) {
        let best = 0, bestD = Infinity;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += (Q[q * d + k]! - S[i * d + k]!) ** 2;
          if (s < bestD) { bestD = s; best = i; }
        }
        for (let k = 0; k < d; k++) out[q * d + k] = Q[q * d + k]! + mapped[best * d + k]! - S[best * d + k]!;
      }
      return out;
    },
  };
}
