import { ShapeError, parameterError } from '../runtime/errors.js';
import { throwNonFinite, type VectorInput } from '../runtime/memory.js';
import type { MatrixInput } from '../runtime/matrix.js';
import { nonNegative, optionKeys, positiveFinite, positiveInteger, readOptions } from '../runtime/validate.js';
import { costMatrix, points, type CostMetric } from './cost.js';
import { addCostGradient, dense, solve, weights } from './divergence.js';
import { emd } from './emd.js';
import { wasmLog } from './gromov.js';

/** Options of {@link otLoss}. */
export interface OtLossOptions {
  /**
   * Entropic regularisation ε > 0: the loss is then OT_ε = min_P ⟨P, C⟩ + ε KL(P | a⊗b) (log-domain
   * Sinkhorn). Omitted (default): the exact OT cost, POT's `emd2` (network simplex).
   */
  reg?: number;
  /** Weights of the rows of X (probability vector, entries > 0). Default uniform 1/n. */
  a?: VectorInput;
  /** Weights of the rows of Y (probability vector, entries > 0). Default uniform 1/m. */
  b?: VectorInput;
  /** Ground cost (see {@link costMatrix}). Default 'sqeuclidean'. */
  metric?: CostMetric;
  /** Point dimension d when X and Y are flat arrays. Default 1. */
  dim?: number;
  /** Entropic case: Sinkhorn iteration cap. Default 10000. */
  maxIter?: number;
  /** Entropic case: marginal-error tolerance (see `sinkhorn`). Default 1e-10. */
  tol?: number;
}

/** Result of {@link otLoss}. */
export interface OtLossResult {
  /** The exact OT cost ⟨P*, C⟩ (no `reg`) or the entropic optimum OT_ε (with `reg`). */
  value: number;
  /** The optimal (or entropic) plan, row-major n × m. */
  plan: Float64Array;
  /**
   * Gradients of `value`. `a`, `b`: the dual potentials centred to mean 0, i.e. the gradient projected on
   * the directions that keep Σa and Σb fixed (only differences a_i − a_k are meaningful). `X`, `Y`
   * (row-major like the inputs): Σ_j P_ij ∇ₓc(x_i, y_j) and Σ_i P_ij ∇_y c(x_i, y_j).
   */
  grad: {
    /** ∂value/∂a, centred (length n). */
    a: Float64Array;
    /** ∂value/∂b, centred (length m). */
    b: Float64Array;
    /** ∂value/∂X (n × d). */
    X: Float64Array;
    /** ∂value/∂Y (m × d). */
    Y: Float64Array;
  };
  /** Network-simplex pivots (exact) or Sinkhorn iterations (entropic). */
  iterations: number;
  /** Exact: always true. Entropic: the Sinkhorn solve reached `tol`. */
  converged: boolean;
}

const KEYS = optionKeys<OtLossOptions>({ reg: true, a: true, b: true, metric: true, dim: true, maxIter: true, tol: true });

function centred(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  return v.map((x) => x - mean);
}

/**
 * An optimal-transport loss between two weighted point clouds with its gradients in the weights and the
 * point positions, for use in gradient-based training (POT's `emd2` / `sinkhorn2` with autodiff):
 *
 *   exact (default): W(α, β) = min_P ⟨P, C⟩,   entropic (`reg` = ε): OT_ε(α, β) = min_P ⟨P, C⟩ + ε KL(P | a⊗b),
 *
 * over couplings P of a and b, with C_ij = c(x_i, y_j). The gradients come from the envelope theorem:
 * ∂/∂a and ∂/∂b are the optimal dual potentials (f, g) — the network simplex's certificate in the exact
 * case, the Sinkhorn potentials in the entropic one — and ∂/∂x_i = Σ_j P_ij ∇ₓc(x_i, y_j), ∂/∂y_j =
 * Σ_i P_ij ∇_y c(x_i, y_j). The exact loss is piecewise smooth: where the optimal plan or the duals are
 * not unique (ties) these are one subgradient. The entropic loss is smooth (it is the `xy` term of
 * {@link sinkhornDivergence}, which also removes the entropic bias).
 *
 * @param X  n points (rows: `{ data, rows, cols }`, array of rows, or flat with `dim`). @param Y  m points, same dimension.
 * @throws ShapeError for mismatched dimensions or weight lengths; ParameterError for bad options (unknown keys
 *   included) or weights that are not positive probability vectors; NonFiniteError for NaN/±Inf coordinates.
 */
export function otLoss(X: MatrixInput, Y: MatrixInput, options?: OtLossOptions): OtLossResult {
  const fn = 'otLoss';
  const o = readOptions(fn, options, KEYS);
  const { metric = 'sqeuclidean', maxIter = 10000, tol = 1e-10, dim } = o;
  const reg = o.reg === undefined ? undefined : positiveFinite(fn, 'options.reg', o.reg);
  if (metric !== 'sqeuclidean' && metric !== 'euclidean' && metric !== 'cityblock') throw parameterError(fn, 'options.metric', "'sqeuclidean', 'euclidean' or 'cityblock'", metric);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  const px = points(fn, 'X', X, dim);
  const py = points(fn, 'Y', Y, dim);
  if (px.d !== py.d) throw new ShapeError(`${fn}: X and Y must have the same point dimension (got ${px.d} and ${py.d})`);
  const n = px.rows, m = py.rows, d = px.d;
  if (n === 0 || m === 0) throw new ShapeError(`${fn}: X and Y must have at least one point (got ${n} and ${m})`);
  const a = weights(fn, 'a', o.a, n);
  const b = weights(fn, 'b', o.b, m);
  const Xd = dense(px.data, n * d);
  const Yd = dense(py.data, m * d);
  if (!Xd.every(Number.isFinite)) throwNonFinite(fn, 'X', Xd);
  if (!Yd.every(Number.isFinite)) throwNonFinite(fn, 'Y', Yd);
  const C = costMatrix({ data: Xd, rows: n, cols: d }, { data: Yd, rows: m, cols: d }, { metric });
  let value: number, plan: Float64Array, f: Float64Array, g: Float64Array, iterations: number, converged: boolean;
  if (reg === undefined) {
    const r = emd(a, b, C);
    ({ plan, f, g } = r);
    value = r.cost;
    iterations = r.augmentations;
    converged = true;
  } else {
    const r = solve(fn, a, b, wasmLog(fn, a, 0), wasmLog(fn, b, 0), C, reg, maxIter, tol);
    ({ value, plan, f, g, iterations, converged } = r);
  }
  const gX = new Float64Array(n * d);
  const gY = new Float64Array(m * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const w = plan[i * m + j]!;
    addCostGradient(metric, Xd, i * d, Yd, j * d, d, w, gX, i * d);
    addCostGradient(metric, Yd, j * d, Xd, i * d, d, w, gY, j * d);
  }
  return { value, plan, grad: { a: centred(f), b: centred(g), X: gX, Y: gY }, iterations, converged };
}
