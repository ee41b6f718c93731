/** The `affine` op: y = scale ⊙ x + shift (BatchNorm and constant Mul/Div/Add/Sub folded). */
import { f64View } from '../../runtime/memory.js';
import type { BoundOp } from '../model.js';
import { vectorField, put } from './common.js';

export const affine: BoundOp = {
  type: 'affine',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
    const scale = vectorField(spec, 'scale', index, 'affine', n);
    const shift = spec.shift === undefined ? new Float64Array(n) : vectorField(spec, 'shift', index, 'affine', n);
    return { type: 'affine', index, inSize: n, outSize: n, scale, shift };
  },
  forward(s, L, [x], out) {
    const xv = f64View(s.x, x!, L.inSize);
    const ov = f64View(s.x, out, L.inSize);
    for (let i = 0; i < L.inSize; i++) ov[i] = L.scale![i]! * xv[i]! + L.shift![i]!;
  },
  interval(s, L, [b]) {
    const box = b!;
    const l = s.f64(box.n);
    const u = s.f64(box.n);
    const [bl, bu, ol, ou] = [box.l, box.u, l, u].map((p) => f64View(s.x, p, box.n)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < box.n; i++) {
      const a = L.scale![i]!, t = L.shift![i]!;
      ol[i] = a >= 0 ? a * bl[i]! + t : a * bu[i]! + t;
      ou[i] = a >= 0 ? a * bu[i]! + t : a * bl[i]! + t;
    }
    return { l, u, n: box.n };
  },
  backward(s, L, B, [box], upper) {
    // An exact "relaxation": both lines are a·x + t.
    const a = put(s, L.scale!), t = put(s, L.shift!);
    s.x.boundBackActivation(B.lam, B.k, box!.n, a, t, a, t, upper ? 1 : 0, B.lam, B.c);
    return [B];
  },
};
