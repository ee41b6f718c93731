/**
 * The one reader of matrix arguments, shared by every family. The canonical form is
 * `{ data, rows, cols }` with `data` row-major; an array of rows is accepted wherever a matrix is,
 * and a flat row-major vector where the call already fixes the shape (e.g. sinkhorn's M is
 * a.length × b.length).
 */
import { ParameterError, ShapeError, describe } from './errors.js';
import { F64Buffer, isNumericArray, numbersOf, vectorLength, type VectorInput } from './memory.js';

/** A row-major matrix: `data[i * cols + j]` is entry (i, j). */
export interface Matrix {
  /** The entries, row by row (length rows · cols). */
  data: VectorInput;
  /** Number of rows (≥ 0). */
  rows: number;
  /** Number of columns (≥ 0). */
  cols: number;
}

/**
 * A matrix argument: `{ data, rows, cols }` (canonical), an array of rows (`number[][]` or an array
 * of typed arrays), or a flat row-major vector where the function knows the shape.
 */
export type MatrixInput = Matrix | readonly ArrayLike<number>[] | VectorInput;

/** True for `{ data, rows, cols }` (rather than a vector or an array of rows). */
export function isMatrixObject(v: unknown): v is Matrix {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof F64Buffer) && 'data' in v;
}

/** True for a non-empty plain array whose first entry is itself an array (an array of rows). */
export function isRowArray(v: unknown): v is readonly ArrayLike<number>[] {
  return Array.isArray(v) && v.length > 0 && (Array.isArray(v[0]) || ArrayBuffer.isView(v[0]));
}

/**
 * Reads a matrix argument named `name` of function `fn`. `shape` gives what the call already fixes:
 * both dimensions (the input must match them), one (a flat vector's other dimension is inferred
 * from its length), or none (then a flat vector is refused: its shape would be a guess). `label`
 * says in messages where the fixed dimensions come from ('a.length × b.length', 'dim').
 *
 * Returns the data as given for `{ data, rows, cols }` and flat vectors (no copy; entries are checked
 * by the caller's kernel pass), and a fresh row-major Float64Array for an array of rows (whose
 * entries are checked here: numbers, equal lengths).
 *
 * @throws ParameterError for a value that is no matrix form, or bad rows/cols; ShapeError when the
 *   length or the dimensions disagree with each other or with `shape`, or for ragged rows.
 */
export function readMatrix(fn: string, name: string, value: unknown, shape: { rows?: number; cols?: number; label?: string } = {}): { data: VectorInput; rows: number; cols: number } {
  const labelled = shape.label === undefined ? '' : `${shape.label} = `;
  const expectShape = (rows: number, cols: number): void => {
    const wantRows = shape.rows ?? rows;
    const wantCols = shape.cols ?? cols;
    if (rows === wantRows && cols === wantCols) return;
    // one fixed dimension reads as a count of rows or columns, two as a shape
    const want = shape.rows === undefined ? `${labelled}${wantCols} columns`
      : shape.cols === undefined ? `${labelled}${wantRows} rows`
        : `be ${labelled}${wantRows} × ${wantCols}`;
    throw new ShapeError(`${fn}: ${name} must ${shape.rows !== undefined && shape.cols !== undefined ? want : `have ${want}`} (got ${rows} × ${cols})`);
  };
  if (isMatrixObject(value)) {
    const { rows, cols, data } = value as { rows: unknown; cols: unknown; data: unknown };
    if (!Number.isSafeInteger(rows) || (rows as number) < 0) throw new ParameterError(`${fn}: ${name}.rows must be a non-negative integer (got ${describe(rows)})`);
    if (!Number.isSafeInteger(cols) || (cols as number) < 0) throw new ParameterError(`${fn}: ${name}.cols must be a non-negative integer (got ${describe(cols)})`);
    const len = vectorLength(fn, `${name}.data`, data);
    const [r, c] = [rows as number, cols as number];
    if (len !== r * c) throw new ShapeError(`${fn}: ${name}.data must have rows × cols = ${r} × ${c} = ${r * c} entries (got ${len})`);
    expectShape(r, c);
    return { data: data as VectorInput, rows: r, cols: c };
  }
  if (isRowArray(value)) {
    const rows = value.length;
    const cols = (value[0] as ArrayLike<unknown>).length;
    const data = new Float64Array(rows * cols);
    value.forEach((row: unknown, i) => {
      if (!isNumericArray(row)) throw new ParameterError(`${fn}: ${name}[${i}] must be a row of numbers (got ${describe(row)})`);
      if (row.length !== cols) throw new ShapeError(`${fn}: ${name} rows must all have length ${cols} (got ${row.length} at row ${i})`);
      data.set(numbersOf(fn, `${name}[${i}]`, row), i * cols);
    });
    expectShape(rows, cols);
    return { data, rows, cols };
  }
  if (!(value instanceof F64Buffer) && !isNumericArray(value)) {
    throw new ParameterError(`${fn}: ${name} must be a { data, rows, cols } matrix or an array of rows (got ${describe(value)})`);
  }
  const len = vectorLength(fn, name, value);
  const { rows, cols } = shape;
  if (rows === undefined && cols === undefined) {
    throw new ParameterError(`${fn}: ${name} must be a { data, rows, cols } matrix or an array of rows; a flat array needs its shape (got ${describe(value)})`);
  }
  if (rows !== undefined && cols !== undefined) {
    if (len !== rows * cols) throw new ShapeError(`${fn}: ${name} must have ${labelled}${rows} × ${cols} = ${rows * cols} entries (got ${len})`);
    return { data: value as VectorInput, rows, cols };
  }
  const known = (rows ?? cols)!;
  if (known === 0 ? len !== 0 : len % known !== 0) {
    throw new ShapeError(`${fn}: ${name} must have a length divisible by ${shape.label ?? (rows !== undefined ? 'its rows' : 'its cols')} = ${known} (got ${len})`);
  }
  const other = known === 0 ? 0 : len / known;
  return rows !== undefined ? { data: value as VectorInput, rows, cols: other } : { data: value as VectorInput, rows: other, cols: cols! };
}
