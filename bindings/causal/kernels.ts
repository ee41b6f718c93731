/**
 * The causal family's raw WASM exports (assembly/causal/) and thin copying wrappers over them. The
 * bridge estimators call these on n × n matrices a few times per fit, so one copy in and out per call
 * costs little next to the O(n³) work inside.
 */
import { wasm, type ProxkitExports } from '../runtime/instance.js';
import { f64View, withScope } from '../runtime/memory.js';
import { ParameterError } from '../runtime/errors.js';

export interface CausalKernels {
  causalGaussGram(X: number, n: number, Y: number, m: number, d: number, scratch: number, out: number): void;
  causalMatmul(A: number, B: number, C: number, n: number, k: number, m: number): void;
  causalLuSolve(A: number, n: number, B: number, r: number, piv: number): number;
  causalPow(x: number, y: number): number;
  causalErf(x: number): number;
}

function causalWasm(fn: string): ProxkitExports & CausalKernels {
  return wasm(fn) as ProxkitExports & CausalKernels;
}

/** exp(−½‖x_i − y_j‖²) for the rows of X (n × d) and Y (m × d), already divided by their length-scales. */
export function gaussGram(fn: string, X: Float64Array, n: number, Y: Float64Array, m: number, d: number): Float64Array {
  return withScope(fn, (s) => {
    const px = s.f64(n * d);
    const py = s.f64(m * d);
    const scratch = s.f64(Math.max(m, 1));
    const out = s.f64(n * m);
    f64View(s.x, px, n * d).set(X.subarray(0, n * d));
    f64View(s.x, py, m * d).set(Y.subarray(0, m * d));
    causalWasm(fn).causalGaussGram(px, n, py, m, d, scratch, out);
    return f64View(s.x, out, n * m).slice();
  });
}

/** A (n × k) · B (k × m), row-major. */
export function matmul(fn: string, A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  return withScope(fn, (s) => {
    const pa = s.f64(n * k);
    const pb = s.f64(k * m);
    const pc = s.f64(n * m);
    f64View(s.x, pa, n * k).set(A.subarray(0, n * k));
    f64View(s.x, pb, k * m).set(B.subarray(0, k * m));
    causalWasm(fn).causalMatmul(pa, pb, pc, n, k, m);
    return f64View(s.x, pc, n * m).slice();
  });
}

/**
 * Solves A X = B (A n × n, B n × r) by LU with partial pivoting; A and B are not modified. A singular
 * system can only come from a regularisation too small for the data: a ParameterError saying so.
 */
export function luSolve(fn: string, A: Float64Array, n: number, B: Float64Array, r: number, what = 'the linear system'): Float64Array {
  return withScope(fn, (s) => {
    const pa = s.f64(n * n);
    const pb = s.f64(n * r);
    const piv = s.bytes(4 * Math.max(n, 1));
    f64View(s.x, pa, n * n).set(A.subarray(0, n * n));
    f64View(s.x, pb, n * r).set(B.subarray(0, n * r));
    const bad = causalWasm(fn).causalLuSolve(pa, n, pb, r, piv);
    if (bad !== 0) throw new ParameterError(`${fn}: ${what} is singular (zero pivot in column ${bad - 1}); increase the regularisation`);
    const x = f64View(s.x, pb, n * r).slice();
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!)) throw new ParameterError(`${fn}: ${what} is numerically singular (non-finite solution); increase the regularisation`);
    }
    return x;
  });
}

/** x^y computed inside WASM (bit-identical across engines). */
export function wasmPow(fn: string, x: number, y: number): number {
  return causalWasm(fn).causalPow(x, y);
}

/** erf(x) computed inside WASM (bit-identical across engines; about 1e-15 accurate). */
export function wasmErf(fn: string, x: number): number {
  return causalWasm(fn).causalErf(x);
}
