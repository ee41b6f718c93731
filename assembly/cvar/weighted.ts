// CVaR with scenario probabilities p (pᵢ ≥ 0, Σp = 1) and tail mass α = 1 − β:
//
//   CVaR_β(v; p) = min_t t + (1/α)·Σ pᵢ(vᵢ − t)₊ = max{⟨w, v⟩ : 0 ≤ wᵢ ≤ cᵢ, Σw = 1},   cᵢ = pᵢ/α,
//
// the mean of the worst α of the probability mass. The minimising t is a weighted VaR, found here by a
// weighted quickselect (expected O(m)); the CVaR is then one pass of the Rockafellar–Uryasev sum.
//
// Projection onto C = {x : CVaR_β(x; p) ≤ κ}: CVaR is the support function of W = {0 ≤ w ≤ c, Σw = 1},
// so x = v − Π_{μW}(v) for the μ ≥ 0 with CVaR(x) = κ, and Π_{μW}(v)ᵢ = clip(vᵢ − τ, 0, μcᵢ) with
// Σ clip(vᵢ − τ, 0, μcᵢ) = μ (E1). With T = {vᵢ − τ ≥ μcᵢ} (xᵢ = vᵢ − μcᵢ), F = {0 < vᵢ − τ < μcᵢ}
// (xᵢ = τ) and the rest unchanged, τ is a VaR of x (mass of T ≤ α ≤ mass of T ∪ F), so
//
//   CVaR(x) = τ + Σ_T cᵢ(vᵢ − μcᵢ − τ)                                                       (E2)
//
// For fixed sets T, F both conditions are linear: τ = (S_F − μ(1 − C_T))/|F| from E1 (S_F = Σ_F vᵢ,
// C_T = Σ_T cᵢ), and E2 − κ is linear in μ. Unlike the equal-weight case (assembly/cvar/cvar.ts, one
// walk over sorted breakpoints), an entry can move from F back to T as μ grows (when its cᵢ is below the
// mean rate at which τ falls), so the sets are not monotone along the path. Both unknowns are therefore
// found by a safeguarded Newton iteration on these piecewise-linear monotone functions: the outer one
// on μ (φ(μ) = CVaR(x(μ)) − κ, decreasing), the inner one on τ for the given μ (E1, decreasing in τ).
// Each Newton point is the exact root of the current linear piece, so an iteration ends when the sets
// at the new point equal those it was computed from; a bracket with bisection keeps every iteration
// inside the interval known to hold the root. Every evaluation is one O(m) pass. Warm-started from the
// previous μ (as ADMM does) it takes a handful of passes.

/** Pairs (key, weight) at 16-byte strides: key = −v (ascending key = descending loss). */
@inline function keyAt(s: usize, i: i32): f64 {
  return load<f64>(s + (<usize>i << 4));
}
@inline function weightAt(s: usize, i: i32): f64 {
  return load<f64>(s + (<usize>i << 4), 8);
}
@inline function swapPair(s: usize, i: i32, j: i32): void {
  const a = s + (<usize>i << 4);
  const b = s + (<usize>j << 4);
  const t = v128.load(a);
  v128.store(a, v128.load(b));
  v128.store(b, t);
}

let lt: i32 = 0;
let gt: i32 = 0;

/** Three-way partition of pairs s[lo..hi) by key around x (see select.ts). */
function partitionPairs(s: usize, lo: i32, hi: i32, x: f64): void {
  let a = lo;
  let i = lo;
  let b = hi;
  while (i < b) {
    const v = keyAt(s, i);
    if (v < x) {
      swapPair(s, a, i);
      a++;
      i++;
    } else if (v > x) {
      b--;
      swapPair(s, i, b);
    } else {
      i++;
    }
  }
  lt = a;
  gt = b;
}

/**
 * Weighted VaR of v[0..n) with probabilities p at tail mass α: the largest loss t such that the mass of
 * the losses ≥ t exceeds α (1 + 1e-9) — for equal weights and an integer k = αn the (k + 1)-th largest,
 * as `cvarEval` (a mass within rounding of α counts as α). If no loss reaches that mass, the smallest.
 * s: scratch for 2n f64. v and p finite (checked by the caller).
 */
function weightedVar(v: usize, p: usize, n: i32, alpha: f64, s: usize): f64 {
  for (let i = 0; i < n; i++) {
    store<f64>(s + (<usize>i << 4), -load<f64>(v + (<usize>i << 3)));
    store<f64>(s + (<usize>i << 4), load<f64>(p + (<usize>i << 3)), 8);
  }
  let need = alpha * (1 + 1e-9);
  let lo = 0;
  let hi = n;
  while (hi > lo) {
    const a = keyAt(s, lo);
    const b = keyAt(s, lo + ((hi - lo) >> 1));
    const c = keyAt(s, hi - 1);
    const x = max(min(a, b), min(max(a, b), c));
    partitionPairs(s, lo, hi, x);
    let below = 0.0;
    for (let i = lo; i < lt; i++) below += weightAt(s, i);
    if (below > need) {
      hi = lt;
      continue;
    }
    let equal = 0.0;
    for (let i = lt; i < gt; i++) equal += weightAt(s, i);
    if (below + equal > need) return -x;
    need -= below + equal;
    lo = gt;
  }
  // the total mass did not exceed α (β = 0 up to rounding): the smallest loss
  let smallest = Infinity;
  for (let i = 0; i < n; i++) smallest = min(smallest, load<f64>(v + (<usize>i << 3)));
  return smallest;
}

/** Σ pᵢ(vᵢ − t)₊ over v[0..n). */
function weightedExcess(v: usize, p: usize, n: i32, t: f64): f64 {
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const d = load<f64>(v + (<usize>i << 3)) - t;
    if (d > 0) total += load<f64>(p + (<usize>i << 3)) * d;
  }
  return total;
}

/** 1 if v[0..n) holds NaN or ±Inf. */
function nonFinite(v: usize, n: i32): i32 {
  let bad = 0.0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    bad += x - x;
  }
  return i32(bad != 0);
}

/**
 * Weighted VaR and CVaR of v[0..n) with probabilities p (finite, ≥ 0, summing to 1 up to rounding) at
 * tail mass α = 1 − β ∈ (0, 1]: out[0] = VaR, out[1] = CVaR. s: scratch for 2n f64. Returns 1 (writing
 * nothing) if v holds a non-finite value.
 */
export function weightedCvarEval(v: usize, p: usize, n: i32, alpha: f64, s: usize, out: usize): i32 {
  if (nonFinite(v, n) != 0) return 1;
  const t = weightedVar(v, p, n, alpha, s);
  store<f64>(out, t);
  store<f64>(out, t + weightedExcess(v, p, n, t) / alpha, 8);
  return 0;
}

// The sets at the last classification: |F|, Σ_F vᵢ, |T|, C_T = Σ_T cᵢ, V_T = Σ_T cᵢvᵢ, Q_T = Σ_T cᵢ².
let nF: i32 = 0;
let sF: f64 = 0;
let nT: i32 = 0;
let cT: f64 = 0;
let vT: f64 = 0;
let qT: f64 = 0;

/** Classifies v against τ and the caps μcᵢ (cᵢ = pᵢ·invAlpha); returns Σ clip(vᵢ − τ, 0, μcᵢ). */
function classify(v: usize, p: usize, n: i32, invAlpha: f64, mu: f64, tau: f64): f64 {
  let f = 0;
  let sf = 0.0;
  let t = 0;
  let ct = 0.0;
  let vt = 0.0;
  let qt = 0.0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    const d = x - tau;
    if (d <= 0) continue;
    const c = load<f64>(p + (<usize>i << 3)) * invAlpha;
    if (d >= mu * c) {
      t++;
      ct += c;
      vt += c * x;
      qt += c * c;
    } else {
      f++;
      sf += x;
    }
  }
  nF = f;
  sF = sf;
  nT = t;
  cT = ct;
  vT = vt;
  qT = qt;
  return sf - <f64>f * tau + mu * ct;
}

// Bounds of v and the largest cap per unit μ, for the inner bracket.
let vMin: f64 = 0;
let vMax: f64 = 0;
let cMax: f64 = 0;
// Evaluation passes of the last projection (reported in info[2]).
let passes: i32 = 0;

/** τ with Σ clip(vᵢ − τ, 0, μcᵢ) = μ (E1), started from tau0; leaves the sets at τ in the globals. */
function solveTau(v: usize, p: usize, n: i32, invAlpha: f64, mu: f64, tau0: f64): f64 {
  // f(τ) falls from Σμcᵢ ≥ μ at τ = min(v) − μ·max(c) to 0 at τ = max(v)
  let lo = vMin - mu * cMax;
  let hi = vMax;
  let tau = tau0 > lo && tau0 < hi ? tau0 : 0.5 * (lo + hi);
  let pf = -1;
  let pt = -1;
  let psf = 0.0;
  let pct = 0.0;
  for (let it = 0; it < 200; it++) {
    const f = classify(v, p, n, invAlpha, mu, tau);
    passes++;
    // the sets equal those the current τ was computed from: τ is the exact root of that piece
    if (it > 0 && nF == pf && nT == pt && sF == psf && cT == pct) return tau;
    if (f > mu) lo = tau;
    else if (f < mu) hi = tau;
    else return tau;
    pf = nF;
    pt = nT;
    psf = sF;
    pct = cT;
    let next = NaN;
    if (nF > 0) next = (sF + mu * cT - mu) / <f64>nF;
    if (!(next > lo && next < hi)) {
      next = 0.5 * (lo + hi);
      pf = -1; // a bisection point was not computed from these sets
    }
    if (next == tau || !(hi - lo > 4e-16 * max(abs(lo), abs(hi)))) return next;
    tau = next;
  }
  return tau;
}

/**
 * Projection of v[0..n) onto {x : CVaR_β(x; p) ≤ κ} into out (may be v), α = 1 − β ∈ (0, 1]. p: finite
 * probabilities (≥ 0, Σ = 1 up to rounding). s: scratch for 2n f64. info: in: info[1] > 0 is a starting
 * μ (warm start), else ignored; out: info[0] = τ, info[1] = μ (0 if v ∈ C), info[2] = evaluation passes.
 * Returns 1 if v holds a non-finite value (out untouched).
 */
export function projectWeightedCvarSet(v: usize, p: usize, n: i32, alpha: f64, kappa: f64, s: usize, out: usize, info: usize): i32 {
  if (nonFinite(v, n) != 0) return 1;
  const muWarm = load<f64>(info, 8);
  const var0 = weightedVar(v, p, n, alpha, s);
  const cvar0 = var0 + weightedExcess(v, p, n, var0) / alpha;
  if (cvar0 <= kappa) {
    if (out != v) memory.copy(out, v, <usize>n << 3);
    store<f64>(info, 0);
    store<f64>(info, 0, 8);
    store<f64>(info, 1, 16);
    return 0;
  }
  const invAlpha = 1.0 / alpha;
  vMin = Infinity;
  vMax = -Infinity;
  cMax = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    vMin = min(vMin, x);
    vMax = max(vMax, x);
    cMax = max(cMax, load<f64>(p + (<usize>i << 3)) * invAlpha);
  }
  passes = 1;
  // φ(μ) = CVaR(x(μ)) − κ falls from CVaR(v) − κ > 0; start tiny (the first Newton step then reads the
  // scale off the tail sets) unless warm-started
  let muLo = 0.0;
  let muHi = Infinity;
  let mu = muWarm > 0 && isFinite(muWarm) ? muWarm : 1e-9 * (cvar0 - kappa) / max(cMax, 1e-300);
  let tau = var0;
  let pf = -1;
  let pt = -1;
  let psf = 0.0;
  let pct = 0.0;
  for (let it = 0; it < 200; it++) {
    tau = solveTau(v, p, n, invAlpha, mu, tau);
    const phi = tau * (1 - cT) + vT - mu * qT - kappa;
    if (it > 0 && nF == pf && nT == pt && sF == psf && cT == pct) break;
    if (phi > 0) muLo = mu;
    else if (phi < 0) muHi = mu;
    else break;
    pf = nF;
    pt = nT;
    psf = sF;
    pct = cT;
    // root of the linear piece: τ(μ) = (S_F − μ(1 − C_T))/|F|, φ(μ) = τ(1 − C_T) + V_T − μQ_T − κ
    const r = 1 - cT;
    let next = nF > 0 ? ((r * sF) / <f64>nF + vT - kappa) / ((r * r) / <f64>nF + qT) : (vT - kappa) / qT;
    if (!(next > muLo && next < muHi)) {
      next = muHi < Infinity ? 0.5 * (muLo + muHi) : max(2 * mu, 2 * muLo);
      pf = -1;
    }
    if (next == mu || (muHi < Infinity && !(muHi - muLo > 4e-16 * muHi))) {
      mu = next;
      tau = solveTau(v, p, n, invAlpha, mu, tau);
      break;
    }
    mu = next;
  }
  store<f64>(info, tau);
  store<f64>(info, mu, 8);
  store<f64>(info, <f64>passes, 16);
  // x = v − clip(v − τ, 0, μc)
  for (let i = 0; i < n; i++) {
    const q = <usize>i << 3;
    const x = load<f64>(v + q);
    const cap = mu * load<f64>(p + q) * invAlpha;
    store<f64>(out + q, x - min(cap, max(0.0, x - tau)));
  }
  return 0;
}
