/**
 * Plain-TypeScript references for the prox kernels, written from the definitions and independent of
 * the WASM code. The tests check the kernels against them; the bench measures the kernels against
 * them.
 */

/** sign(vᵢ)·max(|vᵢ| − t, 0), zeros as +0: the textbook soft-threshold, one branchy loop. */
export function softThresholdRef(v: ArrayLike<number>, t: number, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    out[i] = x > t ? x - t : x < -t ? x + t : 0;
  }
  return out;
}

/**
 * Simplex projection by sorting (Held, Wolfe & Crowder 1974; Duchi et al. 2008): sort descending,
 * τ = (Σ_{j≤k} u_j − r)/k for the largest k with u_k > τ_k. O(n log n).
 */
export function projectSimplexSortRef(v: ArrayLike<number>, radius = 1, out = new Float64Array(v.length)): Float64Array {
  const u = Float64Array.from(v).sort().reverse();
  // k = 1 always qualifies (u₁ − (u₁ − r) = r > 0), even when rounding hides it for a tiny r.
  let sum = u[0]!;
  let tau = u[0]! - radius;
  for (let k = 1; k < u.length; k++) {
    sum += u[k]!;
    const candidate = (sum - radius) / (k + 1);
    if (u[k]! > candidate) tau = candidate;
    else break;
  }
  for (let i = 0; i < v.length; i++) out[i] = Math.max(v[i]! - tau, 0);
  return out;
}

/**
 * Linear-time simplex projection in plain TypeScript: Condat's Algorithm 1, all four steps (the WASM
 * kernel shares step 2 and finishes with Newton passes instead), as the bench's fair JS baseline.
 */
export function projectSimplexLinearRef(v: ArrayLike<number>, radius = 1, out = new Float64Array(v.length)): Float64Array {
  const n = v.length;
  const w = new Float64Array(n);
  w[0] = v[0]!;
  let vs = 0;
  let ve = 1;
  let rho = v[0]! - radius;
  for (let i = 1; i < n; i++) {
    const y = v[i]!;
    if (y > rho) {
      rho += (y - rho) / (ve - vs + 1);
      if (rho > y - radius) {
        w[ve++] = y;
      } else {
        vs = ve;
        w[ve++] = y;
        rho = y - radius;
      }
    }
  }
  for (let j = vs - 1; j >= 0; j--) {
    if (w[j]! > rho) {
      w[--vs] = w[j]!;
      rho += (w[vs]! - rho) / (ve - vs);
    }
  }
  let count = ve - vs;
  for (let changed = true; changed; ) {
    changed = false;
    let write = vs;
    for (let k = vs; k < ve; k++) {
      const y = w[k]!;
      if (y > rho || count === 1) w[write++] = y;
      else {
        count--;
        rho += (rho - y) / count;
        changed = true;
      }
    }
    ve = write;
  }
  let sum = 0;
  for (let k = vs; k < ve; k++) sum += w[k]!;
  const tau = (sum - radius) / (ve - vs);
  for (let i = 0; i < n; i++) out[i] = Math.max(v[i]! - tau, 0);
  return out;
}
