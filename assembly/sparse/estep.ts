// The sparse-coding family's E-step loops (binary sparse coding and maximal causes analysis under
// expectation truncation). Fields are stored as rows: W is H × D, field h at W + h·D·8.
//
// The truncated state set of one data point is laid out the same way for every point, so the
// bindings decode it without per-point tables: state 0 is all-off, states 1…H switch on the single
// latent s − 1, and state H + 1 + c switches on the candidates at positions combos[c·gamma …] (−1
// pads a combination shorter than gamma) of that point's candidate list cand[n·Hp …].

/** Model codes: 0 = binary sparse coding (linear sum), 1 = maximal causes (elementwise max from 0). */
const BSC: i32 = 0;

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function sti(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

// x^a for the soft max of MCA, which needs one power per (state, pixel) of every data point: a log and
// an exp of our own (no table, no branch on the common path), about 4× faster here than Math.pow and
// within a few ulps of it. log: x = 2^e·m with m in [√½, √2), ln m = 2·atanh(z), z = (m − 1)/(m + 1),
// |z| < 0.172, series to z^17 (truncation < 1e-15 relative). exp: t = k·ln2 + r, |r| ≤ ln2/2, Taylor to
// r^14 (< 1e-16). Inputs outside the normal range go to Math.log / Math.exp.
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
@inline function logPos(x: f64): f64 {
  if (!(x >= 2.2250738585072014e-308) || x == Infinity) return Math.log(x);
  const b = reinterpret<u64>(x);
  let e = <i32>((b >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((b & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const z = (m - 1) / (m + 1);
  const z2 = z * z;
  const p = 1 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 * (1.0 / 11 + z2 * (1.0 / 13 + z2 * (1.0 / 15 + z2 * (1.0 / 17))))))));
  return <f64>e * LN2_HI + (2 * z * p + <f64>e * LN2_LO);
}
@inline function expOf(t: f64): f64 {
  if (!(t > -700 && t < 700)) return Math.exp(t);
  const k = Math.floor(t * 1.4426950408889634 + 0.5);
  const r = (t - k * LN2_HI) - k * LN2_LO;
  const p = 1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040
    + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600
    + r * (1.0 / 6227020800 + r * (1.0 / 87178291200))))))))))))));
  return p * reinterpret<f64>(<u64>(<i64>k + 1023) << 52);
}
/** x^a for x > 0 (exported for the tests). */
export function sparsePowPos(x: f64, a: f64): f64 { return expOf(a * logPos(x)); }

// The same log and exp on two lanes at once (the soft max of the E-step, two pixels per step). Lanes
// outside the fast path's range (x not normal, or a·ln x outside ±700) go through the scalar functions.
@inline function polyLog(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  let p = f64x2.splat(1.0 / 17);
  p = f64x2.add(f64x2.splat(1.0 / 15), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 13), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 11), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 9), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 7), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 5), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0 / 3), f64x2.mul(z2, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(z2, p));
  return f64x2.mul(f64x2.add(z, z), p);
}
@inline function polyExp(r: v128): v128 {
  let p = f64x2.splat(1.0 / 87178291200);
  p = f64x2.add(f64x2.splat(1.0 / 6227020800), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 479001600), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 39916800), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 3628800), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 362880), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 40320), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 5040), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 720), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 120), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 24), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 6), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 2), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  return f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
}
/** Lane `lane` (0 or 1) of x^a computed on the two lanes (x0, x1) at once, x > 0 (exported for the tests). */
export function sparsePowPos2(x0: f64, x1: f64, a: f64, lane: i32): f64 {
  const r = powPos2(f64x2.replace_lane(f64x2.splat(x0), 1, x1), a);
  return lane ? f64x2.extract_lane(r, 1) : f64x2.extract_lane(r, 0);
}
function powPos2(x: v128, a: f64): v128 {
  const lo = f64x2.splat(2.2250738585072014e-308);
  // x not normal (or NaN/Inf) on some lane: scalar
  if (!i64x2.all_true(v128.and(f64x2.ge(x, lo), f64x2.lt(x, f64x2.splat(Infinity))))) {
    return f64x2.replace_lane(f64x2.splat(sparsePowPos(f64x2.extract_lane(x, 0), a)), 1, sparsePowPos(f64x2.extract_lane(x, 1), a));
  }
  const ebits = i64x2.shr_u(x, 52);
  let e = f64x2.sub(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(ebits, ebits, 0, 2, 0, 2)), f64x2.splat(1023));
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = f64x2.add(e, v128.and(big, f64x2.splat(1.0)));
  const one = f64x2.splat(1.0);
  const z = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const lg = f64x2.add(f64x2.mul(e, f64x2.splat(LN2_HI)), f64x2.add(polyLog(z), f64x2.mul(e, f64x2.splat(LN2_LO))));
  const t = f64x2.mul(f64x2.splat(a), lg);
  if (!i64x2.all_true(v128.and(f64x2.gt(t, f64x2.splat(-700)), f64x2.lt(t, f64x2.splat(700))))) {
    return f64x2.replace_lane(f64x2.splat(expOf(f64x2.extract_lane(t, 0))), 1, expOf(f64x2.extract_lane(t, 1)));
  }
  const k = f64x2.floor(f64x2.add(f64x2.mul(t, f64x2.splat(1.4426950408889634)), f64x2.splat(0.5)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  const scale = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k)), i64x2.splat(1023)), 52);
  return f64x2.mul(polyExp(r), scale);
}

// Dot product of two rows of length n, two f64x2 accumulators.
function dot(a: usize, b: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += ld(a, i) * ld(b, i);
  return s;
}

/**
 * Preselects, for each of the N data points (rows of Y, N × D), the Hp latents with the highest score
 * and writes their indices to cand (i32, N × Hp), best first (ties: lower index). BSC scores a latent
 * by the cosine between its field and the data point (W_h·y / ‖W_h‖; ‖y‖ is common to all h); MCA by
 * minus the amount the field exceeds the data, −Σ_d max(W_dh − y_d, 0). scratch: 2·H doubles.
 */
export function sparseSelect(model: i32, Y: usize, N: i32, D: i32, W: usize, H: i32, Hp: i32, scratch: usize, cand: usize): void {
  const norm = scratch;
  const score = scratch + (<usize>H << 3);
  if (model == BSC) {
    for (let h = 0; h < H; h++) {
      const w = W + (<usize>(h * D) << 3);
      const nn = Math.sqrt(dot(w, w, D));
      st(norm, h, nn > 0 ? 1.0 / nn : 0.0);
    }
  }
  for (let n = 0; n < N; n++) {
    const y = Y + (<usize>(n * D) << 3);
    for (let h = 0; h < H; h++) {
      const w = W + (<usize>(h * D) << 3);
      let s: f64 = 0;
      if (model == BSC) {
        s = dot(w, y, D) * ld(norm, h);
      } else {
        for (let d = 0; d < D; d++) {
          const e = ld(w, d) - ld(y, d);
          if (e > 0) s -= e;
        }
      }
      st(score, h, s);
    }
    // repeated argmax over the remaining latents (H is small); a taken latent's score becomes −Inf
    for (let k = 0; k < Hp; k++) {
      let best = -1;
      let bestScore = -Infinity;
      for (let h = 0; h < H; h++) {
        const s = ld(score, h);
        if (best < 0 || s > bestScore) {
          // a taken latent is marked NaN and skipped
          if (s != s) continue;
          best = h;
          bestScore = s;
        }
      }
      sti(cand, n * Hp + k, best);
      st(score, best, NaN);
    }
  }
}

/**
 * The squared residual ‖y_n − f(s, W)‖² of every truncated state s of every data point, written to
 * rss (N × S, S = 1 + H + C). BSC: f is Σ_h s_h W_h, evaluated as ‖y‖² − 2 Σ_{h∈s} y·W_h +
 * Σ_{h,h'∈s} W_h·W_h' from the Gram matrix (scratch: H·H + H doubles). MCA: f_d is the largest W_dh
 * over the active h, or 0 when none is active, when ρ ≤ 0; for ρ > 0 a state with two or more causes
 * uses the soft max W̄_d = (Σ_{h∈s} W_dh^ρ)^{1/ρ} instead (W > 0; the annealed model of Lücke & Sahani,
 * which tends to the max as ρ grows; computed two pixels at a time). With ρ > 0 and roots ≠ 0, the
 * normalised roots (Σ_{h∈s} (W_dh/Wmax)^ρ)^{1/ρ} of every (point, combination, pixel) are stored there
 * (N × C × D doubles) for sparseMcaAccumulate. MCA scratch: gamma + H·D doubles.
 */
export function sparseResiduals(model: i32, Y: usize, N: i32, D: i32, W: usize, H: i32, cand: usize, Hp: i32,
  combos: usize, C: i32, gamma: i32, scratch: usize, rss: usize, rho: f64, roots: usize): void {
  const S = 1 + H + C;
  const G = scratch;
  const yw = scratch + (<usize>(H * H) << 3);
  // MCA's soft max: P = (W / Wmax)^ρ once per call (after the gamma address slots)
  const P = scratch + (<usize>gamma << 3);
  let wmax: f64 = 0;
  const soft = model != BSC && rho > 0;
  if (soft) {
    for (let i = 0; i < H * D; i++) if (ld(W, i) > wmax) wmax = ld(W, i);
    const inv = wmax > 0 ? 1.0 / wmax : 1.0;
    for (let i = 0; i < H * D; i++) st(P, i, Math.pow(ld(W, i) * inv, rho));
  }
  const invRho = soft ? 1.0 / rho : 0.0;
  if (model == BSC) {
    for (let a = 0; a < H; a++) {
      for (let b = a; b < H; b++) {
        const g = dot(W + (<usize>(a * D) << 3), W + (<usize>(b * D) << 3), D);
        st(G, a * H + b, g);
        st(G, b * H + a, g);
      }
    }
  }
  for (let n = 0; n < N; n++) {
    const y = Y + (<usize>(n * D) << 3);
    const out = rss + (<usize>(n * S) << 3);
    const yy = dot(y, y, D);
    st(out, 0, yy);
    if (model == BSC) {
      for (let h = 0; h < H; h++) {
        const v = dot(W + (<usize>(h * D) << 3), y, D);
        st(yw, h, v);
        const r = yy - 2 * v + ld(G, h * H + h);
        st(out, 1 + h, r > 0 ? r : 0);
      }
      for (let c = 0; c < C; c++) {
        let r = yy;
        for (let i = 0; i < gamma; i++) {
          const pi = ldi(combos, c * gamma + i);
          if (pi < 0) break;
          const hi = ldi(cand, n * Hp + pi);
          r += ld(G, hi * H + hi) - 2 * ld(yw, hi);
          for (let j = 0; j < i; j++) {
            const hj = ldi(cand, n * Hp + ldi(combos, c * gamma + j));
            r += 2 * ld(G, hi * H + hj);
          }
        }
        st(out, 1 + H + c, r > 0 ? r : 0);
      }
    } else {
      for (let h = 0; h < H; h++) {
        const w = W + (<usize>(h * D) << 3);
        let r: f64 = 0;
        for (let d = 0; d < D; d++) {
          const wd = ld(w, d);
          const e = ld(y, d) - (wd > 0 ? wd : 0);
          r += e * e;
        }
        st(out, 1 + h, r);
      }
      for (let c = 0; c < C; c++) {
        // the active fields' addresses, then the pixelwise max two pixels at a time (pmax: the max
        // starts at +0 and fields are finite, so its NaN/−0 rules never apply)
        let k = 0;
        for (; k < gamma; k++) {
          const pi = ldi(combos, c * gamma + k);
          if (pi < 0) break;
          store<usize>(scratch + (<usize>k << 3), W + (<usize>(ldi(cand, n * Hp + pi) * D) << 3));
        }
        if (soft) {
          // W̄_d = Wmax · (Σ_{h∈s} P_dh)^{1/ρ}; a pixel where every P underflows takes the hard max.
          // Two pixels per step (the root is most of the E-step's time), the odd last one below.
          let acc2 = f64x2.splat(0);
          let d = 0;
          const rootRow = roots + (<usize>((n * C + c) * D) << 3);
          for (; d + 2 <= D; d += 2) {
            const o = <usize>d << 3;
            let sum2 = f64x2.splat(0);
            let m2 = f64x2.splat(0);
            for (let i = 0; i < k; i++) {
              const off = load<usize>(scratch + (<usize>i << 3)) - W;
              sum2 = f64x2.add(sum2, v128.load(P + off + o));
              m2 = f64x2.pmax(m2, v128.load(W + off + o));
            }
            const pos = f64x2.gt(sum2, f64x2.splat(0));
            // a zero sum gives the hard max; the pow sees 1 there (any positive value) and is discarded
            const root2 = v128.and(powPos2(v128.bitselect(sum2, f64x2.splat(1.0), pos), invRho), pos);
            if (roots) v128.store(rootRow + o, root2);
            const f2 = v128.bitselect(f64x2.mul(f64x2.splat(wmax), root2), m2, pos);
            const e2 = f64x2.sub(v128.load(y + o), f2);
            acc2 = f64x2.add(acc2, f64x2.mul(e2, e2));
          }
          let r: f64 = f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1);
          for (; d < D; d++) {
            let sum: f64 = 0;
            let m: f64 = 0;
            for (let i = 0; i < k; i++) {
              const o = <i32>((load<usize>(scratch + (<usize>i << 3)) - W) >> 3) + d;
              sum += ld(P, o);
              const wd = ld(W, o);
              if (wd > m) m = wd;
            }
            const root = sum > 0 ? expOf(invRho * logPos(sum)) : 0.0;
            if (roots) st(roots, (n * C + c) * D + d, root);
            const f = root > 0 ? wmax * root : m;
            const e = ld(y, d) - f;
            r += e * e;
          }
          st(out, 1 + H + c, r);
          continue;
        }
        let acc = f64x2.splat(0);
        let d = 0;
        for (; d + 2 <= D; d += 2) {
          const o = <usize>d << 3;
          let m = f64x2.splat(0);
          for (let i = 0; i < k; i++) m = f64x2.pmax(m, v128.load(load<usize>(scratch + (<usize>i << 3)) + o));
          const e = f64x2.sub(v128.load(y + o), m);
          acc = f64x2.add(acc, f64x2.mul(e, e));
        }
        let r = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
        for (; d < D; d++) {
          let m: f64 = 0;
          for (let i = 0; i < k; i++) {
            const wd = ld(load<usize>(scratch + (<usize>i << 3)), d);
            if (wd > m) m = wd;
          }
          const e = ld(y, d) - m;
          r += e * e;
        }
        st(out, 1 + H + c, r);
      }
    }
  }
}

/**
 * Turns residuals into posteriors. With k(s) active latents (sizes: i32, S entries, the same for every
 * point), the log-joint is ℓ(s) = −rss/(2σ²) − (D/2)·ln(2πσ²) + k·ln π + (H − k)·ln(1 − π). The
 * tempered posterior q (N × S) is the softmax over the point's states of β·ℓ_lik + ℓ_prior
 * (temperPrior = 0, BSC) or β·(ℓ_lik + ℓ_prior) (temperPrior = 1, MCA); logZ[n] is the untempered
 * ln Σ_s e^{ℓ(s)}, the point's truncated log-marginal. π in (0, 1), σ > 0, β > 0.
 */
export function sparsePosterior(rss: usize, N: i32, S: i32, sizes: usize, H: i32, D: i32, pi: f64, sigma: f64,
  beta: f64, temperPrior: i32, q: usize, logZ: usize): void {
  const s2 = sigma * sigma;
  const lik0 = -0.5 * <f64>D * Math.log(2 * Math.PI * s2);
  const lp1 = Math.log(pi);
  const lp0 = Math.log(1 - pi);
  for (let n = 0; n < N; n++) {
    const r = rss + (<usize>(n * S) << 3);
    const out = q + (<usize>(n * S) << 3);
    let mT = -Infinity;
    let m1 = -Infinity;
    // first pass: the two maxima; tempered values are parked in q
    for (let s = 0; s < S; s++) {
      const k = <f64>ldi(sizes, s);
      const lik = lik0 - ld(r, s) / (2 * s2);
      const prior = k * lp1 + (<f64>H - k) * lp0;
      const t = temperPrior ? beta * (lik + prior) : beta * lik + prior;
      st(out, s, t);
      if (t > mT) mT = t;
      if (lik + prior > m1) m1 = lik + prior;
    }
    let sumT: f64 = 0;
    let sum1: f64 = 0;
    for (let s = 0; s < S; s++) {
      const k = <f64>ldi(sizes, s);
      const e = Math.exp(ld(out, s) - mT);
      st(out, s, e);
      sumT += e;
      sum1 += Math.exp(lik0 - ld(r, s) / (2 * s2) + k * lp1 + (<f64>H - k) * lp0 - m1);
    }
    const inv = 1.0 / sumT;
    for (let s = 0; s < S; s++) st(out, s, ld(out, s) * inv);
    st(logZ, n, m1 + Math.log(sum1));
  }
}

/**
 * MCA's M-step sums (the max-superposition update of Lücke & Sahani, weighted as in ProSper's MCA-ET):
 * W_dh ← Σ q·A_dh·y_d / Σ q·A_dh over the used points (rows: i32 indices, nUse of them) and their
 * states. In a state with two or more causes, A_dh(s) is the derivative of the soft max
 * W̄_d(s) = (Σ_{h∈s} W_dh^ρ)^{1/ρ} with respect to W_dh: A_dh = (W_dh / W̄_d)^{ρ−1} for an active h, 0
 * otherwise; as ρ grows A tends to 1 for the largest active field and 0 for the others (the hard max).
 * In a single-cause state, A_dh = W_dh², ProSper's weight: a cause seen alone pulls hardest on the
 * pixels it already explains. (With weight 1 there, together with the bindings' other differences
 * from ProSper at the time, 3 of 10 bars-test seeds ended with two bars in one field; see
 * docs/experiments/sparse-bars.md.) With P = (W/Wmax)^ρ and
 * Q = (W/Wmax)^{ρ−1} precomputed, A_dh = Q_dh · (Σ_{h∈s} P_dh)^{1/ρ} / Σ_{h∈s} P_dh: one root per (state,
 * pixel), read from `roots` (N × C × D, written by sparseResiduals at the same fields and ρ) when that is
 * not 0, computed here otherwise. When every P of a pixel underflows, the largest field gets A = 1 (lowest
 * index on ties). States whose posterior is below 1e-12 are skipped: their weight is far below the
 * rounding of the sums. num[h·D + d] += q·A·y_d and den[h·D + d] += q·A; num, den: H × D, zeroed here.
 * scratch: 2·H·D + gamma doubles. W > 0, ρ > 1.
 */
export function sparseMcaAccumulate(Y: usize, D: i32, W: usize, H: i32, cand: usize, Hp: i32, combos: usize, C: i32,
  gamma: i32, q: usize, rows: usize, nUse: i32, rho: f64, scratch: usize, num: usize, den: usize, roots: usize): void {
  const S = 1 + H + C;
  const HD = H * D;
  memory.fill(num, 0, <usize>HD << 3);
  memory.fill(den, 0, <usize>HD << 3);
  const P = scratch;
  const Q = scratch + (<usize>HD << 3);
  const act = scratch + (<usize>(2 * HD) << 3);
  let wmax: f64 = 0;
  for (let i = 0; i < HD; i++) if (ld(W, i) > wmax) wmax = ld(W, i);
  const inv = wmax > 0 ? 1.0 / wmax : 1.0;
  for (let i = 0; i < HD; i++) {
    const r = ld(W, i) * inv;
    st(P, i, Math.pow(r, rho));
    st(Q, i, Math.pow(r, rho - 1));
  }
  const invRho = 1.0 / rho;
  for (let u = 0; u < nUse; u++) {
    const n = ldi(rows, u);
    const y = Y + (<usize>(n * D) << 3);
    const qn = q + (<usize>(n * S) << 3);
    for (let s = 1; s < S; s++) {
      const w = ld(qn, s);
      if (w < 1e-12) continue;
      if (s <= H) {
        // one cause: weight W_dh² (see above)
        const o = (s - 1) * D;
        for (let d = 0; d < D; d++) {
          const a = w * ld(W, o + d) * ld(W, o + d);
          st(num, o + d, ld(num, o + d) + a * ld(y, d));
          st(den, o + d, ld(den, o + d) + a);
        }
        continue;
      }
      const cc = s - 1 - H;
      let k = 0;
      for (; k < gamma; k++) {
        const pi = ldi(combos, cc * gamma + k);
        if (pi < 0) break;
        sti(act, k, ldi(cand, n * Hp + pi));
      }
      for (let d = 0; d < D; d++) {
        let sum: f64 = 0;
        for (let i = 0; i < k; i++) sum += ld(P, ldi(act, i) * D + d);
        const yd = ld(y, d);
        // sum^(−(ρ−1)/ρ) = sum^(1/ρ) / sum: from the E-step's stored roots when given (same W and ρ)
        const root = roots ? ld(roots, (n * C + cc) * D + d) : (sum > 0 ? expOf(invRho * logPos(sum)) : 0.0);
        if (sum > 0 && root > 0) {
          const f = w * root / sum;
          for (let i = 0; i < k; i++) {
            const o = ldi(act, i) * D + d;
            const a = f * ld(Q, o);
            st(num, o, ld(num, o) + a * yd);
            st(den, o, ld(den, o) + a);
          }
        } else {
          let best = ldi(act, 0);
          for (let i = 1; i < k; i++) {
            const h = ldi(act, i);
            if (ld(W, h * D + d) > ld(W, best * D + d) || (ld(W, h * D + d) == ld(W, best * D + d) && h < best)) best = h;
          }
          const o = best * D + d;
          st(num, o, ld(num, o) + w * yd);
          st(den, o, ld(den, o) + w);
        }
      }
    }
  }
}
