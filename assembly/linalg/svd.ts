// Singular value decomposition A = U Σ Vᵀ of a dense m×n matrix by the one-sided Jacobi method of
// Hestenes (J. SIAM 6(1), 1958, 51–90), in the formulation of Demmel & Veselić (SIAM J. Matrix Anal.
// Appl. 13(4), 1992, Alg. 4.1), preconditioned by a column-pivoted QR as in Drmač & Veselić (SIAM J.
// Matrix Anal. Appl. 29(4), 2008): B (the taller of A and Aᵀ, p×q) = Q·R·Pᵀ, then plane rotations
// are applied to pairs of columns of Rᵀ until every pair is numerically orthogonal. The column
// norms are then the singular values, the normalised columns the right singular vectors of R (so of
// B, after P), and Q times the accumulated rotations the left ones. High relative accuracy, no
// bidiagonalisation, and every inner loop is a pass over two contiguous rows: the working copies hold
// Bᵀ and R row by row, so the fused norms/inner product, the rotations and the Householder updates
// run with f64x2 over contiguous memory.
//
// Stopping rule (LAPACK dgesvj's default, floored at p = 16): a pair (i, j) is rotated only when
//   |⟨xᵢ, xⱼ⟩| > tol·‖xᵢ‖‖xⱼ‖,  tol = √max(p, 16)·ε/2  (ε = 2⁻⁵²; 8.9e-16 at p = 64),
// and the iteration stops after the first sweep that rotates nothing.

import { axpy, dot, rot } from "./blas";

const MAX_SWEEPS = 60;

/** 2^k as an exact double for −1022 ≤ k ≤ 1023. */
@inline function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

/**
 * Bytes of scratch `svd` needs for an m×n matrix (q = min(m, n), p = max(m, n)):
 * 2·q·p + 2·q·q + 3·q + 3 doubles.
 */
export function svdWorkBytes(m: i32, n: i32): usize {
  const p = <usize>max(m, n);
  const q = <usize>min(m, n);
  return (2 * q * p + 2 * q * q + 3 * q + 3) << 3;
}

/**
 * Thin SVD of the m×n row-major matrix at `a` (not modified; m, n ≥ 1), k = min(m, n):
 *   s: k doubles, σ₀ ≥ σ₁ ≥ … ≥ σₖ₋₁ ≥ 0;
 *   u: m×k row-major, orthonormal columns (left singular vectors);
 *   v: n×k row-major, orthonormal columns (right singular vectors), A = U·diag(s)·Vᵀ;
 *   work: svdWorkBytes(m, n) bytes. None of s, u, v, work may overlap each other; u or v may equal a.
 * B (p×q, the taller of A and Aᵀ) is first reduced by Householder QR with column pivoting,
 * B·P = Q·R (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 5.4.1), and the Jacobi sweeps run
 * on Rᵀ (the preconditioning of Drmač & Veselić, SIAM J. Matrix Anal. Appl. 29(4), 2008): q×q
 * instead of p×q work per sweep, and far fewer sweeps on graded or ill-conditioned matrices.
 * Then B = (Q·J)·Σ·(P·Ũ)ᵀ where Rᵀ·J = Ũ·Σ. Singular vectors for σ = 0 complete the basis
 * (Gram–Schmidt on the best-suited coordinate vector). Each pair (uⱼ, vⱼ) is signed so that the
 * largest-magnitude entry of vⱼ (first such) is positive.
 * Returns the number of sweeps (≥ 1; the last one rotates nothing), −1 if `a` holds NaN/±Inf,
 * −2 if 60 sweeps did not converge (not observed on finite input).
 */
export function svd(a: usize, m: i32, n: i32, s: usize, u: usize, v: usize, work: usize): i32 {
  if (m <= 0 || n <= 0) return -1;
  const tall = m >= n;
  const p = tall ? m : n; // length of a column of B
  const q = tall ? n : m; // number of columns of B
  const w = work; // q×p: row j = column j of B; after the QR, the Householder vectors
  const y = w + ((<usize>q * <usize>p) << 3); // q×p: row j = column j of U_B = Q·J
  const x = y + ((<usize>q * <usize>p) << 3); // q×q: row i = row i of R (= column i of Rᵀ), rotated
  const z = x + ((<usize>q * <usize>q) << 3); // q×q: row j = column j of the rotation J
  const nrm = z + ((<usize>q * <usize>q) << 3); // q norms
  const tau = nrm + (<usize>q << 3); // q Householder coefficients
  const perm = tau + (<usize>q << 3); // q column indices (as doubles)
  const g3 = perm + (<usize>q << 3); // the pair's (α, β, γ)

  // Largest magnitude (and finiteness): scale B by an exact power of two so that max |b| ∈ [0.5, 1),
  // which keeps every sum of squares (≤ p) free of overflow and scales σ back exactly.
  let amax = 0.0;
  let bad = 0.0;
  const total = <usize>m * <usize>n;
  for (let i: usize = 0; i < total; i++) {
    const t = load<f64>(a + (i << 3));
    bad += t - t;
    amax = max(amax, abs(t));
  }
  if (bad != 0) return -1;
  let pre = 1.0; // applied before `scale` (subnormal maxima only)
  let e: i32 = 0;
  if (amax > 0) {
    if (amax < pow2(-1000)) pre = pow2(1000);
    const bits = reinterpret<u64>(amax * pre);
    e = <i32>((bits >> 52) & 0x7ff) - 1022; // amax·pre ∈ [2^(e−1), 2^e)
  }
  const scale = pow2(-e);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const t = load<f64>(a + ((<usize>i * <usize>n + <usize>j) << 3)) * pre * scale;
      // tall: W = Aᵀ (row j = column j of A); wide: W = A (row i = column i of Aᵀ).
      const dst = tall ? <usize>j * <usize>p + <usize>i : <usize>i * <usize>p + <usize>j;
      store<f64>(w + (dst << 3), t);
    }
  }

  // Householder QR with column pivoting on the rows of W (the columns of B).
  for (let j = 0; j < q; j++) store<f64>(perm + (<usize>j << 3), <f64>j);
  for (let k = 0; k < q; k++) {
    const len = p - k;
    let best = -1.0;
    let piv = k;
    for (let j = k; j < q; j++) {
      const seg = w + ((<usize>j * <usize>p + <usize>k) << 3);
      const nj = dot(seg, seg, len);
      if (nj > best) { best = nj; piv = j; }
    }
    if (piv != k) {
      swapRows(w + ((<usize>k * <usize>p) << 3), w + ((<usize>piv * <usize>p) << 3), p);
      const t = load<f64>(perm + (<usize>k << 3));
      store<f64>(perm + (<usize>k << 3), load<f64>(perm + (<usize>piv << 3)));
      store<f64>(perm + (<usize>piv << 3), t);
    }
    const hv = w + ((<usize>k * <usize>p + <usize>k) << 3); // the segment x = B[k.., k]
    const x0 = load<f64>(hv);
    const nx = rowNorm(hv, len);
    if (nx == 0) { store<f64>(tau + (<usize>k << 3), 0.0); store<f64>(hv, 0.0); continue; }
    // H = I − τ·v·vᵀ with v = (1, x₁.. /(x₀ − β)), β = −sign(x₀)‖x‖, τ = (β − x₀)/β: H·x = β·e₀.
    const beta = x0 >= 0 ? -nx : nx;
    const tk = (beta - x0) / beta;
    const inv = 1.0 / (x0 - beta);
    for (let t = 1; t < len; t++) store<f64>(hv + (<usize>t << 3), load<f64>(hv + (<usize>t << 3)) * inv);
    store<f64>(hv, 1.0);
    for (let j = k + 1; j < q; j++) {
      const seg = w + ((<usize>j * <usize>p + <usize>k) << 3);
      axpy(seg, hv, len, -tk * dot(hv, seg, len));
    }
    store<f64>(hv, beta); // R[k][k]; v₀ = 1 is implicit from here on
    store<f64>(tau + (<usize>k << 3), tk);
  }
  // X = rows of R (upper triangular): R[i][j] = W[j][i] for j ≥ i. Z = I.
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      store<f64>(x + ((<usize>i * <usize>q + <usize>j) << 3), j >= i ? load<f64>(w + ((<usize>j * <usize>p + <usize>i) << 3)) : 0.0);
      store<f64>(z + ((<usize>i * <usize>q + <usize>j) << 3), i == j ? 1.0 : 0.0);
    }
  }

  // One-sided Jacobi on Rᵀ: rotate pairs of rows of X (columns of Rᵀ), accumulating J in Z.
  const tol = Math.sqrt(<f64>max(p, 16)) * 1.1102230246251565e-16;
  let sweeps = 0;
  let converged = false;
  while (sweeps < MAX_SWEEPS) {
    sweeps++;
    let rotated = false;
    for (let i = 0; i < q - 1; i++) {
      const xi = x + ((<usize>i * <usize>q) << 3);
      for (let j = i + 1; j < q; j++) {
        const xj = x + ((<usize>j * <usize>q) << 3);
        gram2(xi, xj, q, g3);
        const alpha = load<f64>(g3);
        const beta = load<f64>(g3, 8);
        const gamma = load<f64>(g3, 16);
        if (alpha == 0 || beta == 0 || !(abs(gamma) > tol * Math.sqrt(alpha) * Math.sqrt(beta))) continue;
        rotated = true;
        // Rotation that diagonalises [[α, γ], [γ, β]] (the smaller angle, |θ| ≤ π/4).
        const zeta = (beta - alpha) / (2.0 * gamma);
        const t = abs(zeta) > 1e150
          ? 0.5 / zeta
          : (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + Math.sqrt(1.0 + zeta * zeta));
        const c = 1.0 / Math.sqrt(1.0 + t * t);
        const sn = c * t;
        rot(xi, xj, q, c, sn);
        rot(z + ((<usize>i * <usize>q) << 3), z + ((<usize>j * <usize>q) << 3), q, c, sn);
      }
    }
    if (!rotated) { converged = true; break; }
  }
  if (!converged) return -2;

  // Norms of the rows of X (robustly: by the row's largest magnitude), then sort descending.
  for (let j = 0; j < q; j++) store<f64>(nrm + (<usize>j << 3), rowNorm(x + ((<usize>j * <usize>q) << 3), q));
  for (let i = 0; i < q - 1; i++) {
    let k = i;
    let best = load<f64>(nrm + (<usize>i << 3));
    for (let j = i + 1; j < q; j++) {
      const t = load<f64>(nrm + (<usize>j << 3));
      if (t > best) { k = j; best = t; }
    }
    if (k != i) {
      store<f64>(nrm + (<usize>k << 3), load<f64>(nrm + (<usize>i << 3)));
      store<f64>(nrm + (<usize>i << 3), best);
      swapRows(x + ((<usize>i * <usize>q) << 3), x + ((<usize>k * <usize>q) << 3), q);
      swapRows(z + ((<usize>i * <usize>q) << 3), z + ((<usize>k * <usize>q) << 3), q);
    }
  }
  // Ũ: normalise the rows of X; complete the basis where σ = 0.
  for (let j = 0; j < q; j++) {
    if (load<f64>(nrm + (<usize>j << 3)) > 0) normalizeRow(x + ((<usize>j * <usize>q) << 3), q);
    else completeBasis(x, q, j);
  }
  // U_B = Q·J: row j of Y = H₀·H₁·…·H_{q−1}·(column j of J, padded with zeros).
  for (let j = 0; j < q; j++) {
    const yj = y + ((<usize>j * <usize>p) << 3);
    const zj = z + ((<usize>j * <usize>q) << 3);
    for (let t = 0; t < p; t++) store<f64>(yj + (<usize>t << 3), t < q ? load<f64>(zj + (<usize>t << 3)) : 0.0);
    for (let k = q - 1; k >= 0; k--) {
      const tk = load<f64>(tau + (<usize>k << 3));
      if (tk == 0) continue;
      const hv = w + ((<usize>k * <usize>p + <usize>k) << 3);
      const seg = yj + (<usize>k << 3);
      const len = p - k;
      // v₀ = 1 is implicit (hv[0] holds R[k][k]).
      const c = -tk * (load<f64>(seg) + dot(hv + 8, seg + 8, len - 1));
      store<f64>(seg, load<f64>(seg) + c);
      axpy(seg + 8, hv + 8, len - 1, c);
    }
  }
  // Sign convention: the largest-magnitude entry of each right singular vector of A is positive.
  // tall: v_A = V_B = P·Ũ (row j of X, permuted); wide: v_A = U_B (row j of Y).
  for (let j = 0; j < q; j++) {
    const xr = x + ((<usize>j * <usize>q) << 3);
    const yr = y + ((<usize>j * <usize>p) << 3);
    let big = 0.0;
    let neg = false;
    if (tall) {
      // The first largest entry in the original order: scan by original index.
      let bestIdx = q;
      for (let t = 0; t < q; t++) {
        const val = load<f64>(xr + (<usize>t << 3));
        const idx = <i32>load<f64>(perm + (<usize>t << 3));
        if (abs(val) > big || (abs(val) == big && idx < bestIdx && big > 0)) { big = abs(val); neg = val < 0; bestIdx = idx; }
      }
    } else {
      for (let t = 0; t < p; t++) {
        const val = load<f64>(yr + (<usize>t << 3));
        if (abs(val) > big) { big = abs(val); neg = val < 0; }
      }
    }
    if (neg) {
      for (let t = 0; t < q; t++) store<f64>(xr + (<usize>t << 3), -load<f64>(xr + (<usize>t << 3)));
      for (let t = 0; t < p; t++) store<f64>(yr + (<usize>t << 3), -load<f64>(yr + (<usize>t << 3)));
    }
  }
  // Singular values back to the input's scale (exact powers of two), then U and V.
  const back = pow2(e);
  const backPre = 1.0 / pre;
  for (let j = 0; j < q; j++) store<f64>(s + (<usize>j << 3), load<f64>(nrm + (<usize>j << 3)) * back * backPre);
  // U_B (p×q) = Yᵀ; V_B (q×q): V_B[perm[t]][j] = X[j][t]. tall: U = U_B, V = V_B; wide: U = V_B, V = U_B.
  transposeInto(tall ? u : v, y, q, p);
  const vb = tall ? v : u;
  for (let j = 0; j < q; j++) {
    for (let t = 0; t < q; t++) {
      const row = <usize><i32>load<f64>(perm + (<usize>t << 3));
      store<f64>(vb + ((row * <usize>q + <usize>j) << 3), load<f64>(x + ((<usize>j * <usize>q + <usize>t) << 3)));
    }
  }
  return sweeps;
}

/** res[0..3) ← (‖x‖², ‖y‖², ⟨x, y⟩): one pass over two contiguous rows. */
@inline function gram2(x: usize, y: usize, n: i32, res: usize): void {
  let xx0 = f64x2.splat(0);
  let yy0 = f64x2.splat(0);
  let xy0 = f64x2.splat(0);
  let xx1 = f64x2.splat(0);
  let yy1 = f64x2.splat(0);
  let xy1 = f64x2.splat(0);
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize>k << 3;
    const a0 = v128.load(x + o);
    const b0 = v128.load(y + o);
    const a1 = v128.load(x + o, 16);
    const b1 = v128.load(y + o, 16);
    xx0 = f64x2.add(xx0, f64x2.mul(a0, a0));
    yy0 = f64x2.add(yy0, f64x2.mul(b0, b0));
    xy0 = f64x2.add(xy0, f64x2.mul(a0, b0));
    xx1 = f64x2.add(xx1, f64x2.mul(a1, a1));
    yy1 = f64x2.add(yy1, f64x2.mul(b1, b1));
    xy1 = f64x2.add(xy1, f64x2.mul(a1, b1));
  }
  const xx = f64x2.add(xx0, xx1);
  const yy = f64x2.add(yy0, yy1);
  const xy = f64x2.add(xy0, xy1);
  let sxx = f64x2.extract_lane(xx, 0) + f64x2.extract_lane(xx, 1);
  let syy = f64x2.extract_lane(yy, 0) + f64x2.extract_lane(yy, 1);
  let sxy = f64x2.extract_lane(xy, 0) + f64x2.extract_lane(xy, 1);
  for (let k = n4; k < n; k++) {
    const a = load<f64>(x + (<usize>k << 3));
    const b = load<f64>(y + (<usize>k << 3));
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  store<f64>(res, sxx);
  store<f64>(res, syy, 8);
  store<f64>(res, sxy, 16);
}

/** ‖x‖₂ scaled by the largest magnitude (no underflow for tiny rows); 0 for rows below 2^-1000. */
function rowNorm(x: usize, n: i32): f64 {
  let big = 0.0;
  for (let k = 0; k < n; k++) big = max(big, abs(load<f64>(x + (<usize>k << 3))));
  if (big < pow2(-1000)) return 0;
  const inv = 1.0 / big;
  let ss = 0.0;
  for (let k = 0; k < n; k++) {
    const y = load<f64>(x + (<usize>k << 3)) * inv;
    ss += y * y;
  }
  return big * Math.sqrt(ss);
}

/** x ← x/‖x‖ (computed through x/max|x| so that tiny rows normalise accurately). */
function normalizeRow(x: usize, n: i32): void {
  let big = 0.0;
  for (let k = 0; k < n; k++) big = max(big, abs(load<f64>(x + (<usize>k << 3))));
  const inv = 1.0 / big;
  let ss = 0.0;
  for (let k = 0; k < n; k++) {
    const y = load<f64>(x + (<usize>k << 3)) * inv;
    store<f64>(x + (<usize>k << 3), y);
    ss += y * y;
  }
  const c = 1.0 / Math.sqrt(ss);
  for (let k = 0; k < n; k++) store<f64>(x + (<usize>k << 3), load<f64>(x + (<usize>k << 3)) * c);
}

/**
 * Row j of W (length p) ← a unit vector orthogonal to rows 0..j−1 (orthonormal): the coordinate
 * vector eᵣ with the largest component outside their span (1 − Σᵢ wᵢ[r]² ≥ (p − j)/p), orthogonalised
 * twice (Gram–Schmidt with reorthogonalisation) and normalised.
 */
function completeBasis(w: usize, p: i32, j: i32): void {
  const row = w + ((<usize>j * <usize>p) << 3);
  let best = -1.0;
  let r = 0;
  for (let t = 0; t < p; t++) {
    let ss = 0.0;
    for (let i = 0; i < j; i++) {
      const x = load<f64>(w + ((<usize>i * <usize>p + <usize>t) << 3));
      ss += x * x;
    }
    if (1.0 - ss > best) { best = 1.0 - ss; r = t; }
  }
  for (let t = 0; t < p; t++) store<f64>(row + (<usize>t << 3), t == r ? 1.0 : 0.0);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < j; i++) {
      const wi = w + ((<usize>i * <usize>p) << 3);
      axpy(row, wi, p, -dot(wi, row, p));
    }
  }
  normalizeRow(row, p);
}

@inline function swapRows(x: usize, y: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 3;
    const t = load<f64>(x + o);
    store<f64>(x + o, load<f64>(y + o));
    store<f64>(y + o, t);
  }
}

/** dst (cols×rows, row-major) ← srcᵀ, src rows×cols row-major. */
function transposeInto(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f64>(dst + ((<usize>j * <usize>rows + <usize>i) << 3), load<f64>(src + ((<usize>i * <usize>cols + <usize>j) << 3)));
    }
  }
}

/**
 * out (m×n, row-major) ← Σ_{l<r} d_l·u_l·v_lᵀ: the first r terms of U·diag(d)·Vᵀ for U m×k and V n×k
 * row-major (stride k), d with r ≤ k entries; tmp holds r doubles. out must not overlap u, v, d, tmp.
 * Each entry is one contiguous dot product of (row i of U)⊙d with row j of V. O(m·n·r).
 */
export function svdCompose(u: usize, v: usize, d: usize, m: i32, n: i32, k: i32, r: i32, out: usize, tmp: usize): void {
  for (let i = 0; i < m; i++) {
    const ui = u + ((<usize>i * <usize>k) << 3);
    for (let l = 0; l < r; l++) store<f64>(tmp + (<usize>l << 3), load<f64>(ui + (<usize>l << 3)) * load<f64>(d + (<usize>l << 3)));
    const oi = out + ((<usize>i * <usize>n) << 3);
    for (let j = 0; j < n; j++) {
      store<f64>(oi + (<usize>j << 3), r > 0 ? dot(tmp, v + ((<usize>j * <usize>k) << 3), r) : 0.0);
    }
  }
}
