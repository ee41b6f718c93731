/** Small dense helpers of the forecast family: Gram matrices in WASM (nn.matmul) and a Cholesky solve. */
import * as nn from '../nn/index.js';
import { ProxkitError } from '../runtime/errors.js';

/** AᵀA and AᵀB for row-major A (n × p) and B (n × q), computed by the nn family's SIMD matmul. */
export function normalEquations(A: Float64Array, n: number, p: number, B: Float64Array, q: number): { G: Float64Array; R: Float64Array } {
  return nn.scope(() => {
    const a = nn.tensor(A, { shape: [n, p] });
    const b = nn.tensor(B, { shape: [n, q] });
    const G = nn.matmul(a, a, { transposeA: true }).toArray() as Float64Array;
    const R = nn.matmul(a, b, { transposeA: true }).toArray() as Float64Array;
    return { G, R };
  }) as { G: Float64Array; R: Float64Array };
}

/** Lower Cholesky factor L (row-major, L·Lᵀ = K) of a symmetric n × n matrix; null when K is not positive definite. */
export function choleskyFactor(K: ArrayLike<number>, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = K[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) return null;
    const l = Math.sqrt(d);
    L[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = K[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / l;
    }
  }
  return L;
}

/** Solves L·X = B in place for q right-hand sides (B: n × q row-major), L lower triangular. */
export function forwardSolve(L: Float64Array, n: number, B: Float64Array, q = 1): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const l = L[i * n + k]!;
      if (l !== 0) for (let c = 0; c < q; c++) B[i * q + c] = B[i * q + c]! - l * B[k * q + c]!;
    }
    const inv = 1 / L[i * n + i]!;
    for (let c = 0; c < q; c++) B[i * q + c] = B[i * q + c]! * inv;
  }
  return B;
}

/** Solves Lᵀ·X = B in place for q right-hand sides, L lower triangular. */
export function backwardSolve(L: Float64Array, n: number, B: Float64Array, q = 1): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const l = L[k * n + i]!;
      if (l !== 0) for (let c = 0; c < q; c++) B[i * q + c] = B[i * q + c]! - l * B[k * q + c]!;
    }
    const inv = 1 / L[i * n + i]!;
    for (let c = 0; c < q; c++) B[i * q + c] = B[i * q + c]! * inv;
  }
  return B;
}

/**
 * Solves (G + diag(ridge))·X = R for symmetric positive definite G + diag(ridge) (p × p, row-major)
 * and q right-hand sides R (p × q), by Cholesky. G is overwritten (its diagonal gets the ridge).
 */
export function choleskySolve(fn: string, G: Float64Array, p: number, R: Float64Array, q: number, ridge: ArrayLike<number>): Float64Array {
  for (let i = 0; i < p; i++) G[i * p + i] = G[i * p + i]! + ridge[i]!;
  const L = choleskyFactor(G, p);
  if (!L) throw new ProxkitError('ERR_CONVERGENCE', `${fn}: the regularised normal equations are not positive definite; raise the ridge`);
  return backwardSolve(L, p, forwardSolve(L, p, Float64Array.from(R), q), q);
}
