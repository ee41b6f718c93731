import { ShapeError, describe, parameterError } from '../runtime/errors.js';
import { f64View, place, throwNonFinite, vectorLength, withScope, type VectorInput } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../runtime/matrix.js';

/** The ground metrics of {@link costMatrix} (names as scipy's cdist / POT's ot.dist). */
export type CostMetric = 'sqeuclidean' | 'euclidean' | 'cityblock';
const METRICS: Record<CostMetric, number> = { sqeuclidean: 0, euclidean: 1, cityblock: 2 };

/** Options of {@link costMatrix}. */
export interface CostMatrixOptions {
  /** 'sqeuclidean' (default, POT's ot.dist default) Σ(x−y)², 'euclidean' √Σ(x−y)², 'cityblock' Σ|x−y| (L1). */
  metric?: CostMetric;
  /** Point dimension d when X and Y are flat arrays. Default 1 (points on a line). */
  dim?: number;
}

/**
 * Point sets X (n × d) through the shared matrix reader: `{ data, rows, cols }` or an array of rows
 * give d themselves (which must then equal `dim` when it is given); a flat array is n points of
 * dimension `dim` (default 1: points on a line).
 */
export function points(fn: string, name: string, P: MatrixInput, dim: number | undefined): { data: VectorInput; rows: number; d: number } {
  const shaped = isMatrixObject(P) || isRowArray(P);
  const m = shaped
    ? readMatrix(fn, name, P, dim === undefined ? {} : { cols: dim, label: 'options.dim' })
    : readMatrix(fn, name, P, { cols: dim ?? 1, label: 'dim' });
  return { data: m.data, rows: m.rows, d: m.cols };
}

/**
 * The ground-cost matrix C[i, j] = c(xᵢ, yⱼ) between the rows of X (n × d) and Y (m × d), row-major
 * n × m (POT `ot.dist`): squared Euclidean (default), Euclidean or L1, in WASM with f64x2 over d.
 *
 * @throws ParameterError for options that are not an object, an unknown metric or dim; ShapeError when the dimensions differ;
 *   NonFiniteError for NaN/±Inf in X or Y (or a cost overflowing to ∞).
 */
export function costMatrix(X: MatrixInput, Y: MatrixInput, options?: CostMatrixOptions): Float64Array {
  const fn = 'costMatrix';
  const { metric = 'sqeuclidean', dim } = readOptions(fn, options, optionKeys<CostMatrixOptions>({ metric: true, dim: true }));
  if (!Object.prototype.hasOwnProperty.call(METRICS, metric)) throw parameterError(fn, 'options.metric', "'sqeuclidean', 'euclidean' or 'cityblock'", metric);
  if (dim !== undefined && (!Number.isSafeInteger(dim) || dim < 1)) throw parameterError(fn, 'options.dim', 'a positive integer', dim);
  const x = points(fn, 'X', X, dim);
  const y = points(fn, 'Y', Y, dim);
  if (x.d !== y.d) throw new ShapeError(`${fn}: X and Y must have the same point dimension (got ${x.d} and ${y.d})`);
  const n = x.rows;
  const m = y.rows;
  return withScope(fn, (s) => {
    const px = place(s, x.data, n * x.d).ptr;
    const py = place(s, y.data, m * y.d).ptr;
    const out = s.f64(n * m);
    if (s.x.otCostMatrix(px, n, py, m, x.d, METRICS[metric], out) !== 0) {
      // Name the input holding the non-finite value (or X when the cost itself overflowed).
      const bad = (v: VectorInput, k: number): boolean => {
        const view = f64View(s.x, v === x.data ? px : py, k);
        return view.some((t) => !Number.isFinite(t));
      };
      if (bad(y.data, m * y.d) && !bad(x.data, n * x.d)) throwNonFinite(fn, 'Y', y.data);
      throwNonFinite(fn, 'X', x.data);
    }
    return f64View(s.x, out, n * m).slice();
  });
}
