/** The two-input ops `add` and `sub` (residual connections). */
import { ShapeError } from '../../runtime/errors.js';
import { f64View } from '../../runtime/memory.js';
import type { BoundOp } from '../model.js';
import { where } from './common.js';

/** Element-wise a + b (sign +1) or a − b (sign −1) of two nodes of equal size. */
export function combine(type: 'add' | 'sub', sign: 1 | -1): BoundOp {
  return {
    type,
    arity: 2,
    nonlinear: false,
    parse(_spec, index, [n = 0, m = 0]) {
      if (n !== m) throw new ShapeError(`${where(index, type)}: inputs must have equal sizes (got ${n} and ${m})`);
      return { type, index, inSize: n, outSize: n };
    },
    forward(s, L, [a, b], out) {
      const n = L.outSize;
      f64View(s.x, out, n).set(f64View(s.x, a!, n));
      s.x.boundAxpy(n, sign, b!, out);
    },
    interval(s, L, [A, B]) {
      const n = L.outSize;
      const l = s.f64(n);
      const u = s.f64(n);
      f64View(s.x, l, n).set(f64View(s.x, A!.l, n));
      f64View(s.x, u, n).set(f64View(s.x, A!.u, n));
      // a + b ∈ [la + lb, ua + ub]; a − b ∈ [la − ub, ua − lb].
      s.x.boundAxpy(n, sign, sign > 0 ? B!.l : B!.u, l);
      s.x.boundAxpy(n, sign, sign > 0 ? B!.u : B!.l, u);
      return { l, u, n };
    },
    backward(s, _L, B) {
      // Λ·(a ± b) = Λ·a ± Λ·b: the first input keeps Λ, the second gets its own copy of ±Λ.
      const size = B.k * B.n;
      const lam = s.f64(size);
      f64View(s.x, lam, size).fill(0);
      s.x.boundAxpy(size, sign, B.lam, lam);
      return [B, { lam, c: B.c, k: B.k, n: B.n }];
    },
  };
}
