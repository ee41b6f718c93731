// Least-squares kernels for the proximal algorithms (FISTA, ISTA): the residual r = A x − b with
// ½‖r‖², and the transposed product Aᵀ r, A row-major m × n (rows need no alignment: unaligned
// v128 loads). Summation orders are fixed and documented so that a plain-TS mirror reproduces the bits:
//   row dot product: four partial sums sₖ over the columns j ≡ k (mod 4) of the largest multiple of 4,
//     combined as (s₀ + s₂) + (s₁ + s₃), then the remaining columns added in order;
//   ½‖r‖²: Σ rᵢ² in row order, halved at the end;
//   Aᵀr: out[j] = Σᵢ A[i, j]·rᵢ accumulated over rows in order (elementwise across j).
// No allocation, no state. Input validation is the bindings' (finite data is checked there).

/** r[0..m) = A x − b; returns ½‖r‖². */
export function lsResidual(A: usize, m: i32, n: i32, x: usize, b: usize, r: usize): f64 {
  const n4 = n & ~3;
  let ss = 0.0;
  for (let i = 0; i < m; i++) {
    const row = A + ((<usize>i * <usize>n) << 3);
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (let j = 0; j < n4; j += 4) {
      const p = <usize>j << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(row + p), v128.load(x + p)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(row + p, 16), v128.load(x + p, 16)));
    }
    const a = f64x2.add(a0, a1);
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (let j = n4; j < n; j++) s += load<f64>(row + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    const ri = s - load<f64>(b + (<usize>i << 3));
    store<f64>(r + (<usize>i << 3), ri);
    ss += ri * ri;
  }
  return ss / 2;
}

/** out[0..n) = Aᵀ r. */
export function lsMatTVec(A: usize, m: i32, n: i32, r: usize, out: usize): void {
  const n2 = n & ~1;
  memory.fill(out, 0, <usize>n << 3);
  for (let i = 0; i < m; i++) {
    const row = A + ((<usize>i * <usize>n) << 3);
    const ri = load<f64>(r + (<usize>i << 3));
    const rv = f64x2.splat(ri);
    for (let j = 0; j < n2; j += 2) {
      const p = <usize>j << 3;
      v128.store(out + p, f64x2.add(v128.load(out + p), f64x2.mul(v128.load(row + p), rv)));
    }
    if (n2 < n) {
      const p = <usize>n2 << 3;
      store<f64>(out + p, load<f64>(out + p) + load<f64>(row + p) * ri);
    }
  }
}
