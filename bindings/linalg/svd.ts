import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { ShapeError, parameterError } from '../runtime/errors.js';
import { f64View, throwNonFinite, vectorLength, withScope, place, type Scope, type VectorInput } from '../runtime/memory.js';
import { ConvergenceError } from './eigen.js';
import { nonNegativeInteger, positiveInteger } from '../runtime/validate.js';

/** Result of {@link svd}: A = U·diag(s)·Vᵀ with k = min(rows, cols). */
export interface SvdResult {
  /** The k singular values, descending, ≥ 0. */
  s: Float64Array;
  /** rows×k row-major, orthonormal columns: the left singular vectors. */
  U: Float64Array;
  /** cols×k row-major, orthonormal columns: the right singular vectors (each with its largest-magnitude entry positive). */
  V: Float64Array;
  /** Jacobi sweeps performed (the last one rotates no pair). */
  sweeps: number;
}

/** Offsets (in scope `s`) of an SVD computed by {@link svdInScope}. */
export interface PlacedSvd {
  s: number;
  U: number;
  V: number;
  k: number;
  sweeps: number;
}

/**
 * Runs the WASM one-sided Jacobi SVD on the rows×cols matrix at byte offset `a` inside scope `s`
 * (for in-library callers that keep matrices in WASM memory: the nuclear-norm prox, tucker).
 * Throws NonFiniteError (naming `s.fn`/`name`, `source` for the index) or ConvergenceError.
 */
export function svdInScope(s: Scope, a: number, rows: number, cols: number, name = 'A', source?: VectorInput): PlacedSvd {
  const k = Math.min(rows, cols);
  const sv = s.f64(k);
  const U = s.f64(rows * k);
  const V = s.f64(cols * k);
  const work = s.bytes(s.x.svdWorkBytes(rows, cols));
  const sweeps = s.x.svd(a, rows, cols, sv, U, V, work);
  if (sweeps === -1) throwNonFinite(s.fn, name, source ?? f64View(s.x, a, rows * cols).slice());
  if (sweeps < 0) throw new ConvergenceError(`${s.fn}: the Jacobi sweeps did not converge for the ${rows}×${cols} matrix ${name}`);
  return { s: sv, U, V, k, sweeps };
}

/** Validates a (rows, cols) shape and the length of a row-major matrix argument; returns the length. */
export function checkMatrixShape(fn: string, name: string, A: unknown, rows: unknown, cols: unknown): number {
  positiveInteger(fn, 'rows', rows);
  positiveInteger(fn, 'cols', cols);
  const len = vectorLength(fn, name, A);
  const want = (rows as number) * (cols as number);
  if (len !== want) throw new ShapeError(`${fn}: ${name} must have length rows·cols = ${want} (got ${len})`);
  return len;
}

/**
 * Thin singular value decomposition A = U·diag(s)·Vᵀ of a real rows×cols matrix (row-major), by the
 * one-sided Jacobi method of Hestenes (1958) as analysed by Demmel & Veselić (1992, Alg. 4.1), after a
 * column-pivoted Householder QR B·P = Q·R of B = A (Aᵀ when rows < cols) whose Rᵀ the sweeps then
 * orthogonalise (Drmač & Veselić 2008), all in WASM. Pairs are rotated until
 * |⟨xᵢ, xⱼ⟩| ≤ √max(rows, cols, 16)·2⁻⁵³·‖xᵢ‖‖xⱼ‖ (LAPACK dgesvj's default). Singular values have high
 * relative accuracy (also on graded matrices); ‖A − UΣVᵀ‖_F and ‖UᵀU − I‖_F are O(k·2⁻⁵²) (relative).
 * O(rows·cols·k) for the QR and O(k³) per sweep, typically 4–10 sweeps. Singular vectors for σ = 0
 * complete an orthonormal basis.
 *
 * @param A     the matrix: `{ data, rows, cols }` or an array of rows (then rows and cols may be
 *              omitted), or rows·cols numbers row-major (copied in; not modified).
 * @param rows  integer ≥ 0 (required for a flat A; must match a shaped one).
 * @param cols  integer ≥ 0 (an empty matrix, rows or cols 0, has the empty decomposition: k = 0).
 * @returns s (k = min(rows, cols) values, descending), U (rows×k), V (cols×k), sweeps.
 * @throws ParameterError for bad rows/cols or A not an array; ShapeError if A.length ≠ rows·cols;
 *   NonFiniteError for NaN/±Inf in A; ConvergenceError after 60 sweeps (not observed on finite input).
 */
export function svd(A: MatrixInput, rows?: number, cols?: number): SvdResult {
  const fn = 'svd';
  const shaped = isMatrixObject(A) || isRowArray(A);
  if (!shaped || rows !== undefined) nonNegativeInteger(fn, 'rows', rows);
  if (!shaped || cols !== undefined) nonNegativeInteger(fn, 'cols', cols);
  if (shaped) ({ data: A, rows, cols } = readMatrix(fn, 'A', A, { rows, cols }));
  return svdOf(fn, A as VectorInput, rows!, cols!);
}

function svdOf(fn: string, A: VectorInput, rows: number, cols: number): SvdResult {
  if (rows === 0 || cols === 0) {
    // rows × 0 or 0 × cols: k = 0, so s, U and V are all empty (as symmetricEigen of a 0 × 0 matrix)
    const len = vectorLength(fn, 'A', A);
    if (len !== 0) throw new ShapeError(`${fn}: A must have length rows·cols = 0 (got ${len})`);
    return { s: new Float64Array(0), U: new Float64Array(0), V: new Float64Array(0), sweeps: 0 };
  }
  const len = checkMatrixShape(fn, 'A', A, rows, cols);
  return withScope(fn, (s) => {
    const a = place(s, A, len);
    const r = svdInScope(s, a.ptr, rows, cols, 'A', A);
    const k = r.k;
    return {
      s: f64View(s.x, r.s, k).slice(),
      U: f64View(s.x, r.U, rows * k).slice(),
      V: f64View(s.x, r.V, cols * k).slice(),
      sweeps: r.sweeps,
    };
  });
}
