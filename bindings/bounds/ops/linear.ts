/** The `linear` op: y = W x + b (Gemm / MatMul + Add). */
import { NonFiniteError, ParameterError, ShapeError, describe } from '../../runtime/errors.js';
import type { BoundOp } from '../model.js';
import { FN, where, vectorField, put } from './common.js';
import { numbersOf } from '../../runtime/memory.js';

export const linear: BoundOp = {
  type: 'linear',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
    const w = spec.weight;
    let data: Float64Array;
    let rows: number;
    let cols: number;
    if (Array.isArray(w) && w.length > 0 && typeof w[0] === 'object' && w[0] !== null) {
      rows = w.length;
      cols = (w[0] as ArrayLike<number>).length;
      data = new Float64Array(rows * cols);
      w.forEach((row: unknown, i: number) => {
        if (!(Array.isArray(row) || ArrayBuffer.isView(row)) || (row as ArrayLike<number>).length !== cols) {
          throw new ShapeError(`${where(index, 'linear')}: weight row ${i} must have length ${cols} (got ${describe(row)})`);
        }
        data.set(numbersOf(where(index, 'linear'), `weight[${i}]`, row), i * cols);
      });
    } else {
      data = vectorField(spec, 'weight', index, 'linear', -1);
      const shape = spec.shape;
      if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
        throw new ParameterError(`${where(index, 'linear')}: shape must be [out, in] of positive integers for a flat weight (got ${describe(shape)})`);
      }
      [rows, cols] = shape as [number, number];
      if (data.length !== rows * cols) {
        throw new ShapeError(`${where(index, 'linear')}: weight must have ${rows}·${cols} = ${rows * cols} entries (got ${data.length})`);
      }
    }
    if (rows < 1) throw new ShapeError(`${where(index, 'linear')}: weight must have at least one row (got 0)`);
    if (cols !== n) throw new ShapeError(`${where(index, 'linear')}: weight must have ${n} columns, the size of its input (got ${cols})`);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new NonFiniteError(FN, `layers[${index}].weight`, bad, data[bad]!);
    const bias = spec.bias === undefined ? new Float64Array(rows) : vectorField(spec, 'bias', index, 'linear', rows);
    return { type: 'linear', index, inSize: n, outSize: rows, weight: data, bias };
  },
  forward(s, L, [x], out) {
    s.x.boundMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), x!, out);
  },
  interval(s, L, [box]) {
    const l = s.f64(L.outSize);
    const u = s.f64(L.outSize);
    s.x.boundIntervalMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), box!.l, box!.u, l, u);
    return { l, u, n: L.outSize };
  },
  backward(s, L, B) {
    const lam = s.f64(B.k * L.inSize);
    s.x.boundBackLinear(B.lam, B.k, L.outSize, put(s, L.weight!), L.inSize, put(s, L.bias!), lam, B.c);
    return [{ lam, c: B.c, k: B.k, n: L.inSize }];
  },
};
