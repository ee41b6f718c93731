// Level-1 helpers shared by the dense kernels (tucker; available to other families): inlined f64x2
// loops over contiguous doubles. Dot products use four independent accumulators (fastest here, see
// shared/TOOLCHAIN.md).

/** Σ a[0..n)·b[0..n) with four f64x2 accumulators. */
@inline export function dot(a: usize, b: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let i = n8; i < n; i++) t += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  return t;
}

/** y[0..n) += α·x[0..n) (f64x2). */
@inline export function axpy(y: usize, x: usize, n: i32, alpha: f64): void {
  const av = f64x2.splat(alpha);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(av, v128.load(x + o, 16))), 16);
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}


/** Plane rotation of two contiguous rows: (x, y) ← (c·x − s·y, s·x + c·y) over n doubles (f64x2). */
@inline export function rot(x: usize, y: usize, n: i32, c: f64, s: f64): void {
  const cv = f64x2.splat(c);
  const sv = f64x2.splat(s);
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o = <usize>k << 3;
    const a = v128.load(x + o);
    const b = v128.load(y + o);
    v128.store(y + o, f64x2.add(f64x2.mul(sv, a), f64x2.mul(cv, b)));
    v128.store(x + o, f64x2.sub(f64x2.mul(cv, a), f64x2.mul(sv, b)));
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    const a = load<f64>(x + o);
    const b = load<f64>(y + o);
    store<f64>(y + o, s * a + c * b);
    store<f64>(x + o, c * a - s * b);
  }
}
