// Kernels of cvarQp's matrix-free x-step (linearSolver 'cg'): the product with AᵀA without forming it,
// and the diagonal of AᵀA for the Jacobi preconditioner. For n in the thousands AᵀA (m·n²/2
// multiply-adds, n² doubles) and its Cholesky factor (n³/3) are what cost; these are O(m·n).
import { axpy, dot } from "../linalg/blas";

/**
 * out[0..n) = Aᵀ(A·v) for a row-major m×n A in one pass over A: row i gives tᵢ = aᵢ·v, then tᵢ·aᵢ is
 * added to out while the row is still in cache (two passes, Av then Aᵀ(Av), would read A twice).
 */
export function cvarQpNormalMatVec(A: usize, m: i32, n: i32, v: usize, out: usize): void {
  const row = <usize>n << 3;
  memory.fill(out, 0, row);
  for (let i = 0; i < m; i++) {
    const a = A + <usize>i * row;
    const t = dot(a, v, n);
    if (t != 0) axpy(out, a, n, t);
  }
}

/** out[0..n) = the column sums of squares of a row-major m×n A (the diagonal of AᵀA), one pass. */
export function cvarQpColumnSumSq(A: usize, m: i32, n: i32, out: usize): void {
  const row = <usize>n << 3;
  memory.fill(out, 0, row);
  for (let i = 0; i < m; i++) {
    const a = A + <usize>i * row;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = out + (<usize>j << 3);
      const x = v128.load(a + (<usize>j << 3));
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(x, x)));
    }
    for (; j < n; j++) {
      const o = out + (<usize>j << 3);
      const x = load<f64>(a + (<usize>j << 3));
      store<f64>(o, load<f64>(o) + x * x);
    }
  }
}
