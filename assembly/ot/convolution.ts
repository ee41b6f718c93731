// Separable Gaussian convolution on 2-D grids (convolutional Wasserstein barycenters, Solomon et al.
// 2015) and the kernels of class-based OT. Images are row-major rows × cols f64 at byte offsets.
// No allocation, no state, no throw.
//
// Grid units (POT's convolutional_barycenter2d): pixel (i, k) sits at (i/(rows−1), k/(cols−1)) in
// [0, 1]², so the squared Euclidean cost between pixels (i, k) and (i', k') is
// (i−i')²/(rows−1)² + (k−k')²/(cols−1)², and its Gibbs kernel exp(−cost/reg) factors as
// Kr[i, i']·Kc[k, k'] with the 1-D kernels K[i, j] = exp(−(i−j)²/(reg·scale)), scale = (n−1)² (1 when n = 1).

import { groupShrink } from "../prox/group";
import { dot } from "../linalg/blas";
import { logColShift, logSumExpRow } from "./sinkhorn";

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * The 1-D Gaussian kernel out[i·n + j] = exp(−(i−j)²/(reg·scale)) (log = 0), or its logarithm
 * −(i−j)²/(reg·scale) (log = 1), n × n symmetric. Returns the number of entries that underflowed to 0
 * (always 0 in the log form): the caller reports it.
 */
export function otGaussianKernel1d(n: i32, reg: f64, scale: f64, log: i32, out: usize): i32 {
  const r = -1.0 / (reg * scale);
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = <f64>(i - j);
      const e = d * d * r;
      const v = log != 0 ? e : Math.exp(e);
      if (log == 0 && v == 0) zeros++;
      put(out, i * n + j, v);
    }
  }
  return zeros;
}

/** dst[0..n) += s·src[0..n) (f64x2 body, scalar tail). */
@inline function axpyRow(dst: usize, src: usize, s: f64, n: i32): void {
  const n2 = n & ~1;
  const sv = f64x2.splat(s);
  for (let k = 0; k < n2; k += 2) {
    const p = <usize>k << 3;
    v128.store(dst + p, f64x2.add(v128.load(dst + p), f64x2.mul(v128.load(src + p), sv)));
  }
  if (n2 < n) put(dst, n2, at(dst, n2) + at(src, n2) * s);
}

/**
 * The separable Gibbs-kernel product out = Kr · X · Kc for a rows × cols image X, i.e. (K x) with
 * K = Kr ⊗ Kc: first along each row (X Kc), then along each column (Kr ·). Kr (rows × rows) and
 * Kc (cols × cols) are symmetric. Scratch tmp: rows × cols. O(rows·cols·(rows + cols)).
 */
export function otConvolve2d(Kr: usize, Kc: usize, x: usize, rows: i32, cols: i32, tmp: usize, out: usize): void {
  // Pass 1: tmp[r, ·] = Σ_j x[r, j]·Kc[j, ·] (X Kc, Kc symmetric).
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * <usize>cols) << 3);
    const trow = tmp + ((<usize>r * <usize>cols) << 3);
    memory.fill(trow, 0, <usize>cols << 3);
    for (let j = 0; j < cols; j++) {
      const s = at(xr, j);
      if (s != 0) axpyRow(trow, Kc + ((<usize>j * <usize>cols) << 3), s, cols);
    }
  }
  // Pass 2: out[i, ·] = Σ_r Kr[i, r]·tmp[r, ·].
  for (let i = 0; i < rows; i++) {
    const orow = out + ((<usize>i * <usize>cols) << 3);
    memory.fill(orow, 0, <usize>cols << 3);
    for (let r = 0; r < rows; r++) {
      const s = at(Kr, i * rows + r);
      if (s != 0) axpyRow(orow, tmp + ((<usize>r * <usize>cols) << 3), s, cols);
    }
  }
}

/**
 * The log-domain separable product out[i, k] = log Σ_{r, j} exp(Lr[i, r] + Lc[k, j] + lx[r, j]),
 * max-shifted in both passes (a line whose terms are all −∞ gives −∞). Lr, Lc: log-kernels
 * (symmetric). Scratch tmp: rows × cols; s: cols doubles.
 */
export function otLogConvolve2d(Lr: usize, Lc: usize, lx: usize, rows: i32, cols: i32, tmp: usize, s: usize, out: usize): void {
  const c2 = cols & ~1;
  // Pass 1: tmp[r, k] = lse_j(Lc[k, j] + lx[r, j]) — contiguous rows of Lc and lx.
  for (let r = 0; r < rows; r++) {
    const xr = lx + ((<usize>r * <usize>cols) << 3);
    for (let k = 0; k < cols; k++) put(tmp, r * cols + k, logSumExpRow(Lc + ((<usize>k * <usize>cols) << 3), xr, cols));
  }
  // Pass 2: out[i, k] = lse_r(Lr[i, r] + tmp[r, k]) — vectorised across k; out's row holds the max.
  const ninf = f64x2.splat(-Infinity);
  for (let i = 0; i < rows; i++) {
    const orow = out + ((<usize>i * <usize>cols) << 3);
    for (let k = 0; k < c2; k += 2) v128.store(orow + (<usize>k << 3), ninf);
    if (c2 < cols) put(orow, c2, -Infinity);
    for (let r = 0; r < rows; r++) {
      logColShift(orow, tmp + ((<usize>r * <usize>cols) << 3), at(Lr, i * rows + r), cols);
    }
    memory.fill(s, 0, <usize>cols << 3);
    for (let r = 0; r < rows; r++) {
      const l = at(Lr, i * rows + r);
      const trow = tmp + ((<usize>r * <usize>cols) << 3);
      for (let k = 0; k < cols; k++) {
        const c = at(orow, k);
        if (c > -Infinity) put(s, k, at(s, k) + Math.exp(l + at(trow, k) - c));
      }
    }
    for (let k = 0; k < cols; k++) {
      const c = at(orow, k);
      if (c > -Infinity) put(orow, k, c + Math.log(at(s, k)));
    }
  }
}

/**
 * Class-based OT, quadratic smoothing: the primal plan of the dual point (f, g), column by column.
 * Ct is the cost transposed (m × n, column j of C contiguous) with the source points grouped by class:
 * class c owns source positions start[c]..start[c+1) (i32, ng + 1 entries). For every column j,
 *   t = max(f + g_j − C[·, j], 0)/γ, then t_c ← max(1 − (η/γ)/‖t_c‖, 0)·t_c (block soft threshold,
 * the prox of (η/γ)Σ_c‖·_c‖₂ via prox/group.ts's groupShrink), written to Tt (m × n).
 * Also rowSum[i] = Σ_j T[i, j], colSum[j] = Σ_i T[i, j]. Returns
 * Σ_j [⟨s_j, t_j⟩ − η Σ_c ‖t_{c j}‖ − (γ/2)‖t_j‖²] = Σ_j Ω*(s_j) (the conjugate's value), where
 * s_j = f + g_j − C[·, j].
 */
export function otClassPlan(Ct: usize, n: i32, m: i32, f: usize, g: usize, gamma: f64, eta: f64, start: usize, ng: i32, Tt: usize, rowSum: usize, colSum: usize): f64 {
  const inv = 1.0 / gamma;
  const n2 = n & ~1;
  const zero = f64x2.splat(0);
  const iv = f64x2.splat(inv);
  memory.fill(rowSum, 0, <usize>n << 3);
  let conj = 0.0;
  for (let j = 0; j < m; j++) {
    const c = Ct + ((<usize>j * <usize>n) << 3);
    const t = Tt + ((<usize>j * <usize>n) << 3);
    const gj = f64x2.splat(at(g, j));
    for (let i = 0; i < n2; i += 2) {
      const p = <usize>i << 3;
      const sv = f64x2.sub(f64x2.add(v128.load(f + p), gj), v128.load(c + p));
      v128.store(t + p, f64x2.mul(f64x2.pmax(sv, zero), iv));
    }
    if (n2 < n) put(t, n2, max(at(f, n2) + at(g, j) - at(c, n2), 0.0) * inv);
    if (eta > 0) groupShrink(t, n, 0, start, ng, 0, eta * inv, t);
    // Conjugate value: ⟨s, t⟩ − (γ/2)‖t‖² − η Σ_c ‖t_c‖, and the marginals.
    let st = 0.0;
    let tt = 0.0;
    let col = 0.0;
    for (let i = 0; i < n; i++) {
      const ti = at(t, i);
      if (ti == 0) continue;
      st += (at(f, i) + at(g, j) - at(c, i)) * ti;
      tt += ti * ti;
      col += ti;
      put(rowSum, i, at(rowSum, i) + ti);
    }
    let gn = 0.0;
    if (eta > 0) {
      for (let q = 0; q < ng; q++) {
        let ss = 0.0;
        const a = load<i32>(start + (<usize>q << 2));
        const b = load<i32>(start + (<usize>(q + 1) << 2));
        for (let i = a; i < b; i++) ss += at(t, i) * at(t, i);
        gn += Math.sqrt(ss);
      }
    }
    put(colSum, j, col);
    conj += st - 0.5 * gamma * tt - eta * gn;
  }
  return conj;
}

/**
 * Sliced Wasserstein projections out[k·n + i] = ⟨X_i, θ_k⟩ for the rows of X (n × d) and the
 * directions θ (P × d), row-major: one shared f64x2 dot (linalg/blas.ts) per pair. Returns 1 if an
 * output is not finite.
 */
export function otProject(X: usize, n: i32, d: i32, theta: usize, P: i32, out: usize): i32 {
  let bad = 0.0;
  for (let k = 0; k < P; k++) {
    const th = theta + ((<usize>k * <usize>d) << 3);
    for (let i = 0; i < n; i++) {
      const v = dot(X + ((<usize>i * <usize>d) << 3), th, d);
      bad += v - v;
      put(out, k * n + i, v);
    }
  }
  return bad == 0 ? 0 : 1;
}

/**
 * Sorts x[0..n) ascending in place (LSD radix sort on the order-preserving u64 image of the f64 bits,
 * 8 passes of 8 bits; a pass whose digit is the same for every key is skipped). Scratch: tmp (n f64),
 * counts (256 u32). NaN-free input (the bindings check); −0 sorts before +0. Used for the projected
 * samples of sliced Wasserstein.
 */
export function otSortF64(x: usize, n: i32, tmp: usize, counts: usize): void {
  const top: u64 = 1 << 63;
  for (let i = 0; i < n; i++) {
    const p = x + (<usize>i << 3);
    const k = load<u64>(p);
    store<u64>(p, (k & top) != 0 ? ~k : k | top);
  }
  let src = x;
  let dst = tmp;
  for (let pass = 0; pass < 8; pass++) {
    const shift = <u64>(pass * 8);
    memory.fill(counts, 0, 256 << 2);
    for (let i = 0; i < n; i++) {
      const d = <usize>((load<u64>(src + (<usize>i << 3)) >> shift) & 255);
      store<u32>(counts + (d << 2), load<u32>(counts + (d << 2)) + 1);
    }
    let skip = false;
    let sum: u32 = 0;
    for (let d = 0; d < 256; d++) {
      const c = load<u32>(counts + (<usize>d << 2));
      if (c == <u32>n) skip = true;
      store<u32>(counts + (<usize>d << 2), sum);
      sum += c;
    }
    if (skip) continue;
    for (let i = 0; i < n; i++) {
      const k = load<u64>(src + (<usize>i << 3));
      const d = <usize>((k >> shift) & 255);
      const o = load<u32>(counts + (d << 2));
      store<u64>(dst + (<usize>o << 3), k);
      store<u32>(counts + (d << 2), o + 1);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != x) memory.copy(x, src, <usize>n << 3);
  for (let i = 0; i < n; i++) {
    const p = x + (<usize>i << 3);
    const k = load<u64>(p);
    store<u64>(p, (k & top) != 0 ? k & ~top : ~k);
  }
}

/** w with w + log w = z (w = W(e^z), Lambert W of an exponential), by Newton from a close start. */
@inline function wexp(z: f64): f64 {
  if (z < -30) return Math.exp(z); // w·e^w = e^z with w ≈ e^z to 1e-13 relative
  let w = z > 1 ? z - Math.log(z) : Math.exp(z) / (1 + Math.exp(z)) + 0.0;
  if (w <= 0) w = 1e-300;
  for (let k = 0; k < 50; k++) {
    const r = w + Math.log(w) - z;
    const nw = w - (r * w) / (1 + w);
    const next = nw > 0 ? nw : w * 0.5;
    if (Math.abs(next - w) <= 1e-15 * w) {
      w = next;
      break;
    }
    w = next;
  }
  return w;
}

/**
 * Class-based OT, entropic smoothing: the plan of the dual point (f, g) column by column, with
 * Ω(t) = η Σ_c ‖t_c‖₂ + ε Σ_i t_i (log t_i − 1). Per class c of column j, with s = f + g_j − C[·, j]:
 * t_i = exp(s_i/ε − w_i), w_i = W(exp(s_i/ε + μ)) and μ the root of ‖w(μ)‖₂ = η/ε (safeguarded Newton
 * on log‖w‖; ‖w‖ increases with μ); η = 0 gives t = exp(s/ε). Layout and sums as otClassPlan; W is
 * scratch (n doubles); mus (m × ng) holds each block's root, read as the start (NaN: cold) and updated. Returns Σ_j Ω*(s_j) = Σ_j [⟨s_j, t_j⟩ − Ω(t_j)], or NaN if a value overflowed.
 */
export function otClassPlanEntropic(Ct: usize, n: i32, m: i32, f: usize, g: usize, eps: f64, eta: f64, start: usize, ng: i32, Tt: usize, rowSum: usize, colSum: usize, W: usize, mus: usize): f64 {
  memory.fill(rowSum, 0, <usize>n << 3);
  const inv = 1.0 / eps;
  const target = Math.log(eta * inv);
  let conj = 0.0;
  for (let j = 0; j < m; j++) {
    const c = Ct + ((<usize>j * <usize>n) << 3);
    const t = Tt + ((<usize>j * <usize>n) << 3);
    const gj = at(g, j);
    let colv = 0.0;
    for (let q = 0; q < ng; q++) {
      const a = load<i32>(start + (<usize>q << 2));
      const b = load<i32>(start + (<usize>(q + 1) << 2));
      if (eta == 0) {
        for (let i = a; i < b; i++) put(t, i, Math.exp((at(f, i) + gj - at(c, i)) * inv));
      } else {
        // Bracket μ: lo with log‖w‖ < target, hi with log‖w‖ > target; Newton steps kept inside.
        let zmax = -Infinity;
        for (let i = a; i < b; i++) zmax = max(zmax, (at(f, i) + gj - at(c, i)) * inv);
        const prev = at(mus, j * ng + q);
        let mu = prev == prev ? prev : target - zmax; // warm start from the last call's root (NaN: none)
        let lo = -Infinity;
        let hi = Infinity;
        for (let k = 0; k < 100; k++) {
          let ss = 0.0;
          let ds = 0.0;
          for (let i = a; i < b; i++) {
            const w = wexp((at(f, i) + gj - at(c, i)) * inv + mu);
            put(W, i, w);
            ss += w * w;
            ds += (2 * w * w) / (1 + w);
          }
          const phi = 0.5 * Math.log(ss) - target;
          if (Math.abs(phi) <= 1e-14) break;
          if (phi < 0) lo = mu;
          else hi = mu;
          let next = mu - phi / (0.5 * ds / ss);
          if (!(next > lo && next < hi)) {
            if (lo == -Infinity) next = hi - 2 * max(1.0, Math.abs(hi));
            else if (hi == Infinity) next = lo + 2 * max(1.0, Math.abs(lo));
            else next = 0.5 * (lo + hi);
          }
          if (next == mu || hi - lo <= 1e-15 * max(1.0, Math.abs(mu))) break;
          mu = next;
        }
        put(mus, j * ng + q, mu);
        for (let i = a; i < b; i++) put(t, i, Math.exp((at(f, i) + gj - at(c, i)) * inv - at(W, i)));
      }
      // Conjugate value of this block: ⟨s, t⟩ − η‖t‖ − ε Σ t(log t − 1).
      let ss = 0.0;
      for (let i = a; i < b; i++) {
        const ti = at(t, i);
        const si = at(f, i) + gj - at(c, i);
        ss += ti * ti;
        if (ti > 0) conj += si * ti - eps * ti * (Math.log(ti) - 1);
        colv += ti;
        put(rowSum, i, at(rowSum, i) + ti);
      }
      conj -= eta * Math.sqrt(ss);
    }
    put(colSum, j, colv);
  }
  return conj;
}
