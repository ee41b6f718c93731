/** The `identity` op (Flatten / Reshape / Dropout: no-ops on the flattened vector). */
import { f64View } from '../../runtime/memory.js';
import type { BoundOp } from '../model.js';

export const identityOp: BoundOp = {
  type: 'identity',
  arity: 1,
  nonlinear: false,
  parse(_spec, index, [n = 0]) {
    return { type: 'identity', index, inSize: n, outSize: n };
  },
  forward(s, L, [x], out) {
    f64View(s.x, out, L.outSize).set(f64View(s.x, x!, L.outSize));
  },
  interval(_s, _L, [box]) {
    return box!;
  },
  backward(_s, _L, B) {
    return [B];
  },
};
