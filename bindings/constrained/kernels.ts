/** The constrained family's raw WASM exports (assembly/constrained/) and copying wrappers. */
import { wasm, type ProxkitExports } from '../runtime/instance.js';
import { f64View, withScope } from '../runtime/memory.js';

export interface ConstrainedKernels {
  alLogistic(X: number, n: number, d: number, y: number, w: number, b: number, grad: number, hess: number): number;
  alSketchDense(S: number, s: number, K: number, N: number, out: number): void;
  alSketchCount(bucket: number, sign: number, s: number, K: number, N: number, out: number): void;
}

function constrainedWasm(fn: string): ProxkitExports & ConstrainedKernels {
  return wasm(fn) as ProxkitExports & ConstrainedKernels;
}

/** Logistic loss of (w, b) on X (n × d), labels ±1; fills grad (d + 1) and, if given, hess ((d + 1)²). */
export function logisticKernel(fn: string, X: Float64Array, n: number, d: number, y: Float64Array, wb: Float64Array, grad: Float64Array, hess?: Float64Array): number {
  return withScope(fn, (s) => {
    const p = d + 1;
    const px = s.f64(n * d);
    const py = s.f64(n);
    const pw = s.f64(Math.max(d, 1));
    const pg = s.f64(p);
    const ph = hess === undefined ? 0 : s.f64(p * p);
    f64View(s.x, px, n * d).set(X.subarray(0, n * d));
    f64View(s.x, py, n).set(y.subarray(0, n));
    f64View(s.x, pw, d).set(wb.subarray(0, d));
    const v = constrainedWasm(fn).alLogistic(px, n, d, py, pw, wb[d]!, pg, ph);
    grad.set(f64View(s.x, pg, p));
    if (hess !== undefined) hess.set(f64View(s.x, ph, p * p));
    return v;
  });
}

/** S (s × N) · K (N × N) for a dense S. */
export function sketchDense(fn: string, S: Float64Array, s: number, K: Float64Array, N: number): Float64Array {
  return withScope(fn, (sc) => {
    const ps = sc.f64(s * N);
    const pk = sc.f64(N * N);
    const po = sc.f64(s * N);
    f64View(sc.x, ps, s * N).set(S.subarray(0, s * N));
    f64View(sc.x, pk, N * N).set(K.subarray(0, N * N));
    constrainedWasm(fn).alSketchDense(ps, s, pk, N, po);
    return f64View(sc.x, po, s * N).slice();
  });
}

/** S·K (s × N) for the count sketch with the given buckets (in [0, s)) and signs (±1). */
export function sketchCount(fn: string, bucket: Int32Array, sign: Float64Array, s: number, K: Float64Array, N: number): Float64Array {
  return withScope(fn, (sc) => {
    const pb = sc.bytes(4 * Math.max(N, 1));
    const pg = sc.f64(N);
    const pk = sc.f64(N * N);
    const po = sc.f64(s * N);
    new Int32Array(sc.x.memory.buffer, pb, N).set(bucket.subarray(0, N));
    f64View(sc.x, pg, N).set(sign.subarray(0, N));
    f64View(sc.x, pk, N * N).set(K.subarray(0, N * N));
    constrainedWasm(fn).alSketchCount(pb, pg, s, pk, N, po);
    return f64View(sc.x, po, s * N).slice();
  });
}
