/**
 * Plain-TS cyclic Jacobi eigensolver for symmetric matrices (Golub & Van Loan, Matrix Computations,
 * 4th ed., Alg. 8.5.3, with the stable rotation of Alg. 8.5.1): an independent reference for the WASM
 * tred2/tql2 solver and its bench baseline. Returns eigenvalues descending and eigenvectors as columns.
 */
export function jacobiEigenRef(A: ArrayLike<number>, n: number, tol = 1e-15, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += a[i * n + j]! ** 2;
    if (off <= tol * tol * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const tau = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // A ← A·J (columns p, q)
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // A ← Jᵀ·A (rows p, q)
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src]!;
  });
  return { values, vectors };
}

/** Σ over entries of (AV − VΛ)² and (VᵀV − I)², square-rooted: the two checks of an eigendecomposition. */
export function eigenResiduals(A: ArrayLike<number>, n: number, values: ArrayLike<number>, V: ArrayLike<number>): { residual: number; orthogonality: number; normA: number } {
  let res = 0;
  let orth = 0;
  let normA = 0;
  for (let i = 0; i < n * n; i++) normA += A[i]! ** 2;
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let j = 0; j < n; j++) {
      const aij = A[i * n + j]!;
      if (aij === 0) continue;
      for (let k = 0; k < n; k++) row[k]! += aij * V[j * n + k]!;
    }
    for (let k = 0; k < n; k++) res += (row[k]! - V[i * n + k]! * values[k]!) ** 2;
  }
  const G = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let a = 0; a < n; a++) {
    const vja = V[j * n + a]!;
    for (let b = 0; b < n; b++) G[a * n + b]! += vja * V[j * n + b]!;
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) orth += (G[a * n + b]! - (a === b ? 1 : 0)) ** 2;
  return { residual: Math.sqrt(res), orthogonality: Math.sqrt(orth), normA: Math.sqrt(normA) };
}

/** B·Bᵀ for a random n×m B: a Gram matrix like those of the tucker family. */
export function gramOf(B: ArrayLike<number>, n: number, m: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += B[i * m + k]! * B[j * m + k]!;
    A[i * n + j] = s;
    A[j * n + i] = s;
  }
  return A;
}
