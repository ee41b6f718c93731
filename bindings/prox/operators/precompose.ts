/**
 * Two more calculus rules of ProximalOperators.jl: precomposition with a tight linear map
 * (Precompose) and tilting by a linear term (Tilt).
 */
import { ParameterError } from '../../runtime/errors.js';
import { readMatrix } from '../../runtime/matrix.js';
import type { MatrixInput } from '../../runtime/matrix.js';
import type { ProxOperator } from '../operator.js';
import { derived, operatorArg, stepFor } from './calculus.js';
import { readFinite, vectorParameter } from './define.js';

/**
 * g(x) = f(Ax) for a tight map A (rows × cols, row-major, rows ≤ cols) with AAᵀ = μI, μ > 0: an
 * orthogonal matrix (μ = 1), a scaled one, or a Parseval-type frame read backwards (a selection of
 * rows, a sub-sampled orthogonal transform). Then
 *
 *   prox_{tg}(v) = v + Aᵀ(prox_{μt f}(Av) − Av)/μ
 *
 * (Bauschke & Combettes, Convex Analysis and Monotone Operator Theory in Hilbert Spaces, Prop. 24.14):
 * one f.prox and two products with A. Convexity and the indicator flag are those of f; g is not
 * separable. μ is read from A (the mean of diag AAᵀ) and AAᵀ = μI is checked to 1e-10·μ entrywise.
 *
 * @param f  the outer function, on vectors of length rows.
 * @param A  the map: `{ data, rows, cols }` or an array of rows (copied).
 */
export function precomposed(f: ProxOperator, A: MatrixInput): ProxOperator {
  const fn = 'precomposed';
  operatorArg(fn, 'f', f);
  const { data, rows, cols } = readMatrix(fn, 'A', A);
  const a = readFinite(fn, 'A', data);
  if (rows === 0 || cols === 0) throw new ParameterError(`${fn}: A must have at least one row and one column (got ${rows} × ${cols})`);
  let mu = 0;
  for (let i = 0; i < rows * cols; i++) mu += a[i]! * a[i]!;
  mu /= rows;
  if (!(mu > 0)) throw new ParameterError(`${fn}: A must not be zero`);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += a[i * cols + k]! * a[j * cols + k]!;
      const want = i === j ? mu : 0;
      if (!(Math.abs(s - want) <= 1e-10 * mu)) {
        throw new ParameterError(`${fn}: A must satisfy A·Aᵀ = μI (tight; here μ = ${mu}), but (A·Aᵀ)[${i}][${j}] = ${s}`);
      }
    }
  }
  const apply = (x: Float64Array): Float64Array => {
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += a[i * cols + k]! * x[k]!;
      y[i] = s;
    }
    return y;
  };
  const name = `precomposed(${f.name}, ${rows} × ${cols})`;
  return derived(
    name,
    { ...f.properties, separable: false },
    (x) => f.value(apply(x)),
    (v, t) => {
      const av = apply(v);
      const p = f.prox(av, stepFor(`${name}.prox`, f, t, mu * t));
      const out = Float64Array.from(v);
      for (let i = 0; i < rows; i++) {
        const d = (p[i]! - av[i]!) / mu;
        if (d === 0) continue;
        for (let k = 0; k < cols; k++) out[k] = out[k]! + a[i * cols + k]! * d;
      }
      return out;
    },
    cols,
  );
}

/**
 * g(x) = f(x) + ⟨c, x⟩ for a finite vector c: prox_{tg}(v) = prox_{tf}(v − t·c). Convexity,
 * separability and the prox kind are those of f; g is never an indicator (it is linear on f's domain).
 *
 * @param f  the function to tilt.
 * @param c  the linear term, the length of x (copied).
 */
export function tilted(f: ProxOperator, c: ArrayLike<number>): ProxOperator {
  const fn = 'tilted';
  operatorArg(fn, 'f', f);
  const cv = vectorParameter(fn, 'c', c);
  const name = `tilted(${f.name}, [${cv.length}])`;
  return derived(
    name,
    { ...f.properties, indicator: false },
    (x) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += cv[i]! * x[i]!;
      return f.value(x) + s;
    },
    (v, t) => {
      const w = v.map((vi, i) => vi - t * cv[i]!);
      const i = w.findIndex((wi) => !Number.isFinite(wi));
      if (i >= 0) throw new ParameterError(`${name}.prox: v − t·c must be finite (overflows at index ${i})`);
      return f.prox(w, t);
    },
    cv.length,
  );
}
