/** Constrained logistic regression as an {@link EqualityConstrainedProblem} (loss, gradient and Hessian in WASM). */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import { readRows, type Rows } from '../runtime/rows.js';
import { optionKeys, positiveFinite, readOptions } from '../runtime/validate.js';
import type { EqualityConstrainedProblem } from './eal.js';
import { logisticKernel } from './kernels.js';

/** Options of {@link constrainedLogisticProblem}. */
export interface ConstrainedLogisticOptions {
  /** Linear constraints A w = b on the weights (not the intercept): A has k rows of d entries. */
  linear?: {
    /** k rows of d coefficients. */
    A: Rows;
    /** The k right-hand sides. */
    b: VectorInput;
  };
  /** Radius r of the nonlinear constraint ‖w‖² = r² on the weights. Omit for none. */
  sphere?: number;
}

const OPTION_KEYS = optionKeys<ConstrainedLogisticOptions>({ linear: true, sphere: true });

/**
 * The problem min_{w, b} (1/n) Σ log(1 + exp(−y_i (x_iᵀw + b))) subject to A w = b_A and, optionally,
 * ‖w‖² = r², over x = (w, b) ∈ ℝ^{d+1} (the intercept last). The loss, its gradient and its Hessian
 * (1/n) Xᵀ D X with D = diag(σ_i(1 − σ_i)), the Gram work of a Newton step, run in WASM.
 *
 * @param X - features, n rows of d.
 * @param y - labels, ±1 or 0/1 (0 is read as −1).
 * @param options - the linear constraints and the sphere radius (at least one constraint in all).
 * @returns the problem, for {@link exactAugmentedLagrangian}.
 * @throws ShapeError for mismatched shapes; ParameterError for labels other than 0/±1 or no constraint.
 */
export function constrainedLogisticProblem(X: Rows, y: VectorInput, options?: ConstrainedLogisticOptions): EqualityConstrainedProblem {
  const fn = 'constrainedLogisticProblem';
  const { data, n, d } = readRows(fn, 'X', X);
  const labels = finiteArray(fn, 'y', y);
  if (labels.length !== n) throw new ShapeError(`${fn}: y must have length ${n}, one label per row of X (got ${labels.length})`);
  const yy = labels.map((v) => (v === 0 ? -1 : v));
  const bad = yy.findIndex((v) => v !== 1 && v !== -1);
  if (bad >= 0) throw new ParameterError(`${fn}: y must hold labels ±1 or 0/1 (got ${labels[bad]} at index ${bad})`);
  const opts = readOptions(fn, options, OPTION_KEYS);
  let A: Float64Array = new Float64Array(0);
  let bA: Float64Array = new Float64Array(0);
  let k = 0;
  if (opts.linear !== undefined) {
    if (opts.linear === null || typeof opts.linear !== 'object') throw parameterError(fn, 'options.linear', 'an object { A, b }', opts.linear);
    const r = readRows(fn, 'options.linear.A', opts.linear.A, d);
    A = r.data;
    k = r.n;
    bA = finiteArray(fn, 'options.linear.b', opts.linear.b);
    if (bA.length !== k) throw new ShapeError(`${fn}: options.linear.b must have length ${k}, one per row of A (got ${bA.length})`);
  }
  const sphere = opts.sphere === undefined ? undefined : positiveFinite(fn, 'options.sphere', opts.sphere);
  const m = k + (sphere === undefined ? 0 : 1);
  if (m === 0) throw new ParameterError(`${fn}: options must give at least one constraint (linear or sphere)`);
  if (m >= d + 1) throw new ParameterError(`${fn}: ${m} constraints leave no freedom in ${d + 1} variables`);
  const p = d + 1;
  const scratchGrad = new Float64Array(p);
  return {
    dimension: p,
    constraints: m,
    objective: (x) => logisticKernel(fn, data, n, d, yy, x, scratchGrad),
    gradient: (x, out) => void logisticKernel(fn, data, n, d, yy, x, out),
    hessian: (x, out) => void logisticKernel(fn, data, n, d, yy, x, scratchGrad, out),
    constraint: (x, out) => {
      for (let i = 0; i < k; i++) {
        let t = -bA[i]!;
        for (let j = 0; j < d; j++) t += A[i * d + j]! * x[j]!;
        out[i] = t;
      }
      if (sphere !== undefined) {
        let t = 0;
        for (let j = 0; j < d; j++) t += x[j]! ** 2;
        out[k] = t - sphere * sphere;
      }
    },
    jacobian: (x, out) => {
      out.fill(0);
      for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) out[i * p + j] = A[i * d + j]!;
      if (sphere !== undefined) for (let j = 0; j < d; j++) out[k * p + j] = 2 * x[j]!;
    },
    constraintHessian: (_x, lambda, out) => {
      out.fill(0);
      if (sphere !== undefined) for (let j = 0; j < d; j++) out[j * p + j] = 2 * lambda[k]!;
    },
  };
}
