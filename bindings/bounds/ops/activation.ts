/** Element-wise activations (relu, leaky-relu, sigmoid, tanh): exact forward, IBP by monotonicity, CROWN by the WASM linear relaxations. */
import { ParameterError, describe } from '../../runtime/errors.js';
import type { BoundOp } from '../model.js';
import { where } from './common.js';

/** An element-wise monotone activation with a WASM relaxation (kind code of assembly/bounds/bounds.ts). */
export function activation(type: string, kind: number): BoundOp {
  return {
    type,
    arity: 1,
    nonlinear: true,
    parse(spec, index, [n = 0]) {
      let alpha = 0;
      if (kind === 1) {
        alpha = spec.alpha as number;
        if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
          throw new ParameterError(`${where(index, type)}: alpha must be in [0, 1] (got ${describe(spec.alpha)})`);
        }
      }
      return { type, index, inSize: n, outSize: n, alpha };
    },
    forward(s, L, [x], out) {
      s.x.boundActForward(kind, x!, L.inSize, L.alpha ?? 0, out);
    },
    interval(s, L, [b]) {
      const box = b!;
      const l = s.f64(box.n);
      const u = s.f64(box.n);
      s.x.boundActForward(kind, box.l, box.n, L.alpha ?? 0, l); // monotone: [f(l), f(u)]
      s.x.boundActForward(kind, box.u, box.n, L.alpha ?? 0, u);
      return { l, u, n: box.n };
    },
    backward(s, L, B, [box], upper) {
      const n = box!.n;
      const aL = s.f64(n), bL = s.f64(n), aU = s.f64(n), bU = s.f64(n);
      s.x.boundActRelax(kind, box!.l, box!.u, n, L.alpha ?? 0, aL, bL, aU, bU);
      s.x.boundBackActivation(B.lam, B.k, n, aL, bL, aU, bU, upper ? 1 : 0, B.lam, B.c);
      return [B];
    },
  };
}
