/**
 * Reading training data: a data matrix given as an array of rows or as `{ data, rows, cols }`, and
 * integer class labels, validated with the caller's name. Shared by the families that train on
 * examples (it knows no family).
 */
import { ParameterError, ShapeError, NonFiniteError, describe, parameterError } from './errors.js';
import { numbersOf } from './memory.js';
import { isMatrixObject, readMatrix } from './matrix.js';

/** A data matrix, one row per example: an array of rows (number[][] / Float64Array[]) or `{ data, rows, cols }` (row-major). */
export type Rows =
  | ArrayLike<ArrayLike<number>>
  | {
      /** The entries, row-major (rows · cols of them). */
      data: ArrayLike<number>;
      /** Number of examples. */
      rows: number;
      /** Number of features. */
      cols: number;
    };

/** Rows → a row-major Float64Array, validated. */
export function readRows(fn: string, name: string, X: unknown, cols = -1): { data: Float64Array; n: number; d: number } {
  if (isMatrixObject(X)) {
    // the canonical { data, rows, cols } form, through the shared reader; then the same checks as for rows
    const m = readMatrix(fn, name, X, cols >= 0 ? { cols } : {});
    if (m.rows === 0 || m.cols === 0) throw parameterError(fn, name, 'a non-empty matrix', X);
    const data = numbersOf(fn, `${name}.data`, m.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NonFiniteError(fn, name, bad, data[bad]!);
    return { data, n: m.rows, d: m.cols };
  }
  if (!(Array.isArray(X) || ArrayBuffer.isView(X)) || (X as ArrayLike<unknown>).length === 0) {
    throw parameterError(fn, name, 'a non-empty array of rows', X);
  }
  const rows = X as ArrayLike<ArrayLike<number>>;
  const d = cols >= 0 ? cols : (rows[0]?.length ?? 0);
  if (!(d >= 1)) throw parameterError(fn, `${name}[0]`, 'a non-empty row of numbers', rows[0]);
  const data = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!(Array.isArray(r) || ArrayBuffer.isView(r)) || (r as ArrayLike<number>).length !== d) {
      throw new ShapeError(`${fn}: ${name}[${i}] must be a row of length ${d} (got ${describe(r)})`);
    }
    const row = numbersOf(fn, `${name}[${i}]`, r as ArrayLike<unknown>);
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NonFiniteError(fn, name, i * d + bad, row[bad]!);
    data.set(row, i * d);
  }
  return { data, n: rows.length, d };
}

/** Class labels in [0, K), validated. */
export function readLabels(fn: string, name: string, y: unknown, n: number, K: number): Int32Array {
  if (!(Array.isArray(y) || ArrayBuffer.isView(y))) throw parameterError(fn, name, 'an array of class labels', y);
  const a = y as ArrayLike<number>;
  if (a.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n}, one label per row (got ${a.length})`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    if (!Number.isSafeInteger(v) || v < 0 || v >= K) throw new ParameterError(`${fn}: ${name}[${i}] must be an integer class in [0, ${K}) (got ${describe(v)})`);
    out[i] = v;
  }
  return out;
}

