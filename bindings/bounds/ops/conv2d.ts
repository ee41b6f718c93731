/** The `conv2d` op (group 1, stride, padding, dilation) over the flattened C×H×W input, with WASM SIMD kernels. */
import { ParameterError, ShapeError, describe } from '../../runtime/errors.js';
import type { BoundOp, ConvGeometry } from '../model.js';
import { where, vectorField, put } from './common.js';

/** A tuple of `len` integers ≥ `min` from the spec, or `dflt` when absent. */
function intTuple(spec: Record<string, unknown>, field: string, index: number, len: number, min: number, dflt?: number[]): number[] {
  const v = spec[field];
  if (v === undefined && dflt) return dflt;
  if (!Array.isArray(v) || v.length !== len || !v.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ParameterError(`${where(index, 'conv2d')}: ${field} must be ${len} integers >= ${min} (got ${describe(v)})`);
  }
  return v as number[];
}

export const conv2d: BoundOp = {
  type: 'conv2d',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
    const [C, H, W] = intTuple(spec, 'inShape', index, 3, 1) as [number, number, number];
    if (C * H * W !== n) throw new ShapeError(`${where(index, 'conv2d')}: inShape must have C·H·W = ${n}, the size of its input (got ${C}·${H}·${W} = ${C * H * W})`);
    const K = spec.outChannels;
    if (!Number.isSafeInteger(K) || (K as number) < 1) throw new ParameterError(`${where(index, 'conv2d')}: outChannels must be a positive integer (got ${describe(K)})`);
    const [kh, kw] = intTuple(spec, 'kernel', index, 2, 1) as [number, number];
    const [sh, sw] = intTuple(spec, 'stride', index, 2, 1, [1, 1]) as [number, number];
    const [pt, pl, pb, pr] = intTuple(spec, 'padding', index, 4, 0, [0, 0, 0, 0]) as [number, number, number, number];
    const [dh, dw] = intTuple(spec, 'dilation', index, 2, 1, [1, 1]) as [number, number];
    const k = K as number;
    const weight = vectorField(spec, 'weight', index, 'conv2d', k * C * kh * kw);
    const bias = spec.bias === undefined ? new Float64Array(k) : vectorField(spec, 'bias', index, 'conv2d', k);
    const spanH = H + pt + pb - dh * (kh - 1) - 1;
    const spanW = W + pl + pr - dw * (kw - 1) - 1;
    if (spanH < 0 || spanW < 0) {
      throw new ShapeError(`${where(index, 'conv2d')}: the dilated kernel (${dh * (kh - 1) + 1}×${dw * (kw - 1) + 1}) must fit the padded input (${H + pt + pb}×${W + pl + pr})`);
    }
    const outH = Math.floor(spanH / sh) + 1;
    const outW = Math.floor(spanW / sw) + 1;
    const packed = Float64Array.from([C, H, W, k, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW]);
    const conv: ConvGeometry = { C, H, W, K: k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, outH, outW, packed };
    return { type: 'conv2d', index, inSize: n, outSize: k * outH * outW, weight, bias, conv };
  },
  forward(s, L, [x], out) {
    s.x.boundConvForward(put(s, L.conv!.packed), put(s, L.weight!), put(s, L.bias!), x!, out);
  },
  interval(s, L, [box]) {
    const l = s.f64(L.outSize);
    const u = s.f64(L.outSize);
    s.x.boundConvInterval(put(s, L.conv!.packed), put(s, L.weight!), put(s, L.bias!), box!.l, box!.u, l, u);
    return { l, u, n: L.outSize };
  },
  backward(s, L, B) {
    const lam = s.f64(B.k * L.inSize);
    s.x.boundConvBackward(put(s, L.conv!.packed), B.lam, B.k, put(s, L.weight!), put(s, L.bias!), lam, B.c);
    return [{ lam, c: B.c, k: B.k, n: L.inSize }];
  },
};
