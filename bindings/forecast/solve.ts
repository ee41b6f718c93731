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

/**
 * Solves (G + diag(ridge))·X = R for symmetric positive definite G + diag(ridge) (p × p, row-major)
 * and q right-hand sides R (p × q), by Cholesky. G is overwritten by its factor.
 */
export function choleskySolve(fn: string, G: Float64Array, p: number, R: Float64Array, q: number, ridge: ArrayLike<number>): Float64Array {
  for (let i = 0; i < p; i++) G[i * p + i] = G[i * p + i]! + ridge[i]!;
  for (let j = 0; j < p; j++) {
    let d = G[j * p + j]!;
    for (let k = 0; k < j; k++) d -= G[j * p + k]! * G[j * p + k]!;
    if (!(d > 0)) throw new ProxkitError('ERR_CONVERGENCE', `${fn}: the regularised normal equations are not positive definite at pivot ${j} (got ${d}); raise the ridge`);
    const l = Math.sqrt(d);
    G[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let s = G[i * p + j]!;
      for (let k = 0; k < j; k++) s -= G[i * p + k]! * G[j * p + k]!;
      G[i * p + j] = s / l;
    }
  }
  const X = Float64Array.from(R);
  // forward: L·Y = R
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < i; k++) {
      const l = G[i * p + k]!;
      if (l !== 0) for (let c = 0; c < q; c++) X[i * q + c] = X[i * q + c]! - l * X[k * q + c]!;
    }
    const inv = 1 / G[i * p + i]!;
    for (let c = 0; c < q; c++) X[i * q + c] = X[i * q + c]! * inv;
  }
  // backward: Lᵀ·X = Y
  for (let i = p - 1; i >= 0; i--) {
    for (let k = i + 1; k < p; k++) {
      const l = G[k * p + i]!;
      if (l !== 0) for (let c = 0; c < q; c++) X[i * q + c] = X[i * q + c]! - l * X[k * q + c]!;
    }
    const inv = 1 / G[i * p + i]!;
    for (let c = 0; c < q; c++) X[i * q + c] = X[i * q + c]! * inv;
  }
  return X;
}
