/**
 * The element-wise product of two computed nodes, y = a ⊙ b (ONNX Mul of two values; MatMul of two
 * values is built from it in onnx.ts). IBP: the hull of the four corner products. CROWN: per entry, the
 * McCormick planes of a·b on the box [la, ua] × [lb, ub]; each side has two, and the mean of the two
 * is taken (a mean of valid lower planes is a lower plane, likewise above):
 *   a·b ≥ ½(lb + ub)·a + ½(la + ua)·b − ½(la·lb + ua·ub),
 *   a·b ≤ ½(lb + ub)·a + ½(la + ua)·b − ½(la·ub + ua·lb).
 * A row's coefficient λ picks the plane: the upper one where λ·y must be bounded above, else the lower.
 */
import { ShapeError } from '../../runtime/errors.js';
import { f64View } from '../../runtime/memory.js';
import type { BoundOp } from '../model.js';
import { where } from './common.js';

export const mul: BoundOp = {
  type: 'mul',
  arity: 2,
  nonlinear: true,
  parse(_spec, index, [n = 0, m = 0]) {
    if (n !== m) throw new ShapeError(`${where(index, 'mul')}: inputs must have equal sizes (got ${n} and ${m})`);
    return { type: 'mul', index, inSize: n, outSize: n };
  },
  forward(s, L, [a, b], out) {
    const n = L.outSize;
    const [x, y, o] = [f64View(s.x, a!, n), f64View(s.x, b!, n), f64View(s.x, out, n)];
    for (let j = 0; j < n; j++) o[j] = x[j]! * y[j]!;
  },
  interval(s, L, [A, B]) {
    const n = L.outSize;
    const l = s.f64(n), u = s.f64(n);
    const [al, au, bl, bu, ol, ou] = [f64View(s.x, A!.l, n), f64View(s.x, A!.u, n), f64View(s.x, B!.l, n), f64View(s.x, B!.u, n), f64View(s.x, l, n), f64View(s.x, u, n)];
    for (let j = 0; j < n; j++) {
      const p = [al[j]! * bl[j]!, al[j]! * bu[j]!, au[j]! * bl[j]!, au[j]! * bu[j]!];
      ol[j] = Math.min(...p);
      ou[j] = Math.max(...p);
    }
    return { l, u, n };
  },
  backward(s, L, B, [A, Bx], upper) {
    const n = L.outSize, k = B.k;
    const [al, au, bl, bu] = [f64View(s.x, A!.l, n), f64View(s.x, A!.u, n), f64View(s.x, Bx!.l, n), f64View(s.x, Bx!.u, n)];
    const lam2 = s.f64(k * n);
    const lam = f64View(s.x, B.lam, k * n), l2 = f64View(s.x, lam2, k * n), c = f64View(s.x, B.c, k);
    for (let r = 0; r < k; r++) {
      for (let j = 0; j < n; j++) {
        const v = lam[r * n + j]!;
        const ca = 0.5 * (bl[j]! + bu[j]!), cb = 0.5 * (al[j]! + au[j]!);
        // upper plane where v·y is bounded above (v ≥ 0 on the upper side, v < 0 on the lower side)
        const abovePlane = (v >= 0) === upper;
        const c0 = abovePlane ? -0.5 * (al[j]! * bu[j]! + au[j]! * bl[j]!) : -0.5 * (al[j]! * bl[j]! + au[j]! * bu[j]!);
        c[r] = c[r]! + v * c0;
        lam[r * n + j] = v * ca;
        l2[r * n + j] = v * cb;
      }
    }
    return [B, { lam: lam2, c: B.c, k, n }];
  },
};
