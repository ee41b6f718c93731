/**
 * The Procrustes linearity score of Razzhigaev et al. (2024, "Your Transformer is Secretly Linear"):
 * how well one set of embeddings is a linear image of another, after centring and scaling both to
 * unit Frobenius norm.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { svd } from '../linalg/svd.js';
import { Tensor, scope } from './tensor.js';
import { sub } from './ops.js';
import { readTokenBatch, forwardIds, type TransformerParams } from './transformer.js';

function rowsOf(fn: string, name: string, M: unknown): { data: Float64Array; rows: number; cols: number } {
  if (M instanceof Tensor) {
    if (M.rank !== 2) throw new ShapeError(`${fn}: ${name} must be a 2-D tensor [n, d] (got shape [${M.shape.join(',')}])`);
    return { data: Float64Array.from(M.toArray() as ArrayLike<number>), rows: M.shape[0]!, cols: M.shape[1]! };
  }
  const m = readMatrix(fn, name, M as MatrixInput);
  return { data: Float64Array.from(m.data as ArrayLike<number>), rows: m.rows, cols: m.cols };
}

/** Columns centred, then the whole matrix scaled to ‖·‖_F = 1 (in place). */
function centreAndNormalise(fn: string, name: string, m: { data: Float64Array; rows: number; cols: number }): void {
  const { data, rows, cols } = m;
  for (let j = 0; j < cols; j++) {
    let mu = 0;
    for (let i = 0; i < rows; i++) mu += data[i * cols + j]!;
    mu /= rows;
    for (let i = 0; i < rows; i++) data[i * cols + j]! -= mu;
  }
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += data[i]! * data[i]!;
  if (!(ss > 0)) throw new ParameterError(`${fn}: ${name} must not be constant over its rows (after centring its Frobenius norm is ${ss})`);
  if (!Number.isFinite(ss)) throw new ParameterError(`${fn}: ${name} must hold finite values (the sum of squares is ${ss})`);
  const s = 1 / Math.sqrt(ss);
  for (let i = 0; i < data.length; i++) data[i]! *= s;
}

/**
 * The linearity score 1 − min_A ‖X̃A − Ỹ‖²_F, where X̃, Ỹ are X and Y with centred columns, each
 * scaled to unit Frobenius norm, and A ranges over all [dx, dy] matrices. It lies in [0, 1]: 1 when
 * Y is an exact linear image of X (plus a constant row), about dx/n for independent random X, Y
 * with n rows. X [n, dx] and Y [n, dy]: tensors, `{ data, rows, cols }` or arrays of rows.
 *
 * Computed without forming A: with the thin SVD X̃ = UΣVᵀ (linalg's Jacobi SVD) and U_r the left
 * singular vectors of the singular values above max(n, dx)·2⁻⁵²·σ_max, the minimum is
 * ‖Ỹ‖² − ‖U_rᵀỸ‖² = 1 − ‖U_rᵀỸ‖², so the score is ‖U_rᵀỸ‖²_F (a rank-deficient X is handled).
 */
export function procrustesLinearity(X: Tensor | MatrixInput, Y: Tensor | MatrixInput): number {
  const fn = 'procrustesLinearity';
  const x = rowsOf(fn, 'X', X);
  const y = rowsOf(fn, 'Y', Y);
  if (x.rows !== y.rows) throw new ShapeError(`${fn}: X and Y must have the same number of rows (got ${x.rows} and ${y.rows})`);
  if (x.rows < 2) throw parameterError(fn, 'X', 'at least 2 rows', `${x.rows} row${x.rows === 1 ? '' : 's'}`);
  centreAndNormalise(fn, 'X', x);
  centreAndNormalise(fn, 'Y', y);
  const n = x.rows;
  const { s, U } = svd({ data: x.data, rows: n, cols: x.cols });
  const k = s.length;
  const tol = Math.max(n, x.cols) * 2 ** -52 * (s[0] ?? 0);
  let score = 0;
  for (let r = 0; r < k; r++) {
    if (!(s[r]! > tol)) break;
    // ‖u_rᵀ Ỹ‖² summed over Y's columns
    for (let j = 0; j < y.cols; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += U[i * k + r]! * y.data[i * y.cols + j]!;
      score += dot * dot;
    }
  }
  return Math.min(1, score);
}

/** Per-block linearity scores of a transformer, from {@link lmLayerLinearity}. */
export interface LayerLinearity {
  /** Block l: procrustesLinearity(h_l, h_{l+1}), residual stream before and after the block. */
  withResidual: number[];
  /** Block l: procrustesLinearity(h_l, h_{l+1} − h_l), the block's own contribution. */
  withoutResidual: number[];
}

/**
 * The linearity of every block of a transformer on a batch of token sequences (the rows are all
 * positions of all sequences): with the residual stream, h_l → h_{l+1}; without it, h_l → h_{l+1} − h_l.
 */
export function lmLayerLinearity(params: TransformerParams, tokens: ArrayLike<number> | readonly ArrayLike<number>[]): LayerLinearity {
  const fn = 'lmLayerLinearity';
  if (params === null || typeof params !== 'object' || !params.config) throw parameterError(fn, 'params', 'transformer parameters from initTransformer', params);
  const c = params.config;
  const { ids, batch, T } = readTokenBatch(fn, 'tokens', tokens, c.vocabSize, c.contextLength);
  return scope(() => {
    const out = forwardIds(params, ids, batch, T, true);
    const h = out.hidden!;
    const withResidual: number[] = [];
    const withoutResidual: number[] = [];
    for (let l = 0; l + 1 < h.length; l++) {
      withResidual.push(procrustesLinearity(h[l]!, h[l + 1]!));
      withoutResidual.push(procrustesLinearity(h[l]!, sub(h[l + 1]!, h[l]!)));
    }
    return { withResidual, withoutResidual };
  });
}
