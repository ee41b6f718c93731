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

/**
 * Plain-TS one-sided Jacobi SVD (Hestenes 1958; Demmel & Veselić 1992, Alg. 4.1) written from the
 * definition, on a copy of Aᵀ (of A when rows < cols) so that every column of B is a contiguous row:
 * the independent reference and bench baseline of the WASM `svd`. Returns singular values descending
 * and U (rows×k), V (cols×k) row-major; columns of U for σ = 0 are left at zero (no basis completion).
 */
export function jacobiSvdRef(A: ArrayLike<number>, rows: number, cols: number, tol = 1e-15, maxSweeps = 60): { s: Float64Array; U: Float64Array; V: Float64Array } {
  const tall = rows >= cols;
  const p = tall ? rows : cols;
  const q = tall ? cols : rows;
  // Bt (q×p, row-major) = Bᵀ with B = A or Aᵀ: row j of Bt is column j of B (contiguous).
  const Bt = new Float64Array(q * p);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    if (tall) Bt[j * p + i] = A[i * cols + j]!;
    else Bt[i * p + j] = A[i * cols + j]!;
  }
  // Vt (q×q): row j = column j of the accumulated rotation.
  const Vt = new Float64Array(q * q);
  for (let i = 0; i < q; i++) Vt[i * q + i] = 1;
  const rotate = (M: Float64Array, len: number, i: number, j: number, c: number, s: number): void => {
    for (let r = 0; r < len; r++) {
      const x = M[i * len + r]!;
      const y = M[j * len + r]!;
      M[i * len + r] = c * x - s * y;
      M[j * len + r] = s * x + c * y;
    }
  };
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let i = 0; i < q - 1; i++) {
      for (let j = i + 1; j < q; j++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < p; r++) {
          const x = Bt[i * p + r]!;
          const y = Bt[j * p + r]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (alpha === 0 || beta === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation diagonalising the 2×2 Gram matrix [[α, γ], [γ, β]] (smaller angle).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(Bt, p, i, j, c, c * t);
        rotate(Vt, q, i, j, c, c * t);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: q }, (_, j) => Math.hypot(...Bt.subarray(j * p, (j + 1) * p)));
  const order = norms.map((_, j) => j).sort((a, b) => norms[b]! - norms[a]!);
  const s = Float64Array.from(order, (j) => norms[j]!);
  // Left vectors of B (p×q) and right vectors (q×q), then swapped back when A was transposed.
  const UB = new Float64Array(p * q);
  const VB = new Float64Array(q * q);
  order.forEach((src, k) => {
    for (let r = 0; r < p; r++) UB[r * q + k] = norms[src]! > 0 ? Bt[src * p + r]! / norms[src]! : 0;
    for (let r = 0; r < q; r++) VB[r * q + k] = Vt[src * q + r]!;
  });
  return tall ? { s, U: UB, V: VB } : { s, U: VB, V: UB };
}

/** ‖A − U·diag(s)·Vᵀ‖_F, ‖UᵀU − I‖_F, ‖VᵀV − I‖_F and ‖A‖_F for a thin SVD (U rows×k, V cols×k). */
export function svdResiduals(A: ArrayLike<number>, rows: number, cols: number, s: ArrayLike<number>, U: ArrayLike<number>, V: ArrayLike<number>): { residual: number; orthU: number; orthV: number; normA: number } {
  const k = s.length;
  let res = 0;
  let normA = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let x = 0;
    for (let l = 0; l < k; l++) x += U[i * k + l]! * s[l]! * V[j * k + l]!;
    res += (A[i * cols + j]! - x) ** 2;
    normA += A[i * cols + j]! ** 2;
  }
  const orth = (M: ArrayLike<number>, n: number): number => {
    let e = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let g = 0;
      for (let r = 0; r < n; r++) g += M[r * k + a]! * M[r * k + b]!;
      e += (g - (a === b ? 1 : 0)) ** 2;
    }
    return Math.sqrt(e);
  };
  return { residual: Math.sqrt(res), orthU: orth(U, rows), orthV: orth(V, cols), normA: Math.sqrt(normA) };
}
