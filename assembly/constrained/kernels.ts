// Kernels of the constrained family: the logistic loss with its gradient and Hessian (the Gram work
// Xᵀ D X of a Newton step), and the two sketches of the randomized KKT solver, S·K for a dense
// Gaussian S and for a count sketch. The bindings own every buffer.
import { axpy, dot } from "../linalg/blas";

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/**
 * Mean logistic loss (1/n) Σ log(1 + exp(−y_i (x_i·w + b))) of labels y_i ∈ {−1, +1}, with its
 * gradient (d + 1 entries: w then b) and, when hess ≠ 0, its Hessian ((d + 1) × (d + 1), row-major,
 * the intercept last): (1/n) Σ σ_i(1 − σ_i) x̃_i x̃_iᵀ with x̃_i = (x_i, 1).
 * log(1 + e^t) is evaluated as max(t, 0) + log1p(e^−|t|), exact for large |t|.
 */
export function alLogistic(X: usize, n: i32, d: i32, y: usize, w: usize, b: f64, grad: usize, hess: usize): f64 {
  const p = d + 1;
  memory.fill(grad, 0, <usize>p << 3);
  if (hess != 0) memory.fill(hess, 0, <usize>(p * p) << 3);
  let loss: f64 = 0;
  const inv = 1.0 / <f64>n;
  for (let i = 0; i < n; i++) {
    const x = X + (<usize>(i * d) << 3);
    const yi = ld(y, i);
    const t = -yi * (dot(x, w, d) + b);
    const at = Math.abs(t);
    loss += (t > 0 ? t : 0) + Math.log1p(Math.exp(-at));
    // σ(t) = 1 / (1 + e^−t), the derivative of log(1 + e^t), computed without overflow
    const e = Math.exp(-at);
    const s = t >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    const gi = -yi * s * inv;
    axpy(grad, x, d, gi);
    st(grad, d, ld(grad, d) + gi);
    if (hess != 0) {
      const di = s * (1 - s) * inv;
      // row j of the Hessian += d_i x̃_j x̃ (upper and lower filled together by symmetry of the update)
      for (let j = 0; j < d; j++) {
        const f = di * ld(x, j);
        if (f == 0) continue;
        const row = hess + (<usize>(j * p) << 3);
        axpy(row, x, d, f);
        st(row, d, ld(row, d) + f);
      }
      const last = hess + (<usize>(d * p) << 3);
      axpy(last, x, d, di);
      st(last, d, ld(last, d) + di);
    }
  }
  return loss * inv;
}

/** out (s × N) = S (s × N) · K (N × N), S dense row-major (a Gaussian sketch, transposed). */
export function alSketchDense(S: usize, s: i32, K: usize, N: i32, out: usize): void {
  const row = <usize>N << 3;
  for (let r = 0; r < s; r++) {
    const o = out + <usize>r * row;
    memory.fill(o, 0, row);
    const sr = S + <usize>r * row;
    for (let i = 0; i < N; i++) {
      const v = ld(sr, i);
      if (v != 0) axpy(o, K + <usize>i * row, N, v);
    }
  }
}

/**
 * out (s × N) = S·K for the count sketch S that sends row i of K to bucket[i] with sign[i] (±1): each
 * row of K is read once, so forming the sketch costs N² additions whatever s is.
 */
export function alSketchCount(bucket: usize, sign: usize, s: i32, K: usize, N: i32, out: usize): void {
  const row = <usize>N << 3;
  memory.fill(out, 0, <usize>s * row);
  for (let i = 0; i < N; i++) {
    const bkt = load<i32>(bucket + (<usize>i << 2));
    axpy(out + <usize>bkt * row, K + <usize>i * row, N, ld(sign, i));
  }
}
