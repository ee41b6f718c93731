// Conditional value-at-risk of n losses at level β, with k = (1 − β)·n the (possibly fractional)
// number of tail samples (the bindings pass k, snapped to an integer when within rounding of one):
//
//   CVaR_β(x) = min_η η + (1/k)·Σ (xᵢ − η)₊                (Rockafellar–Uryasev 2000, Thm. 1)
//             = (1/k)·[c₁ + … + c_⌊k⌋ + (k − ⌊k⌋)·c_⌊k⌋₊₁]  (c = x sorted descending)
//   VaR_β(x)  = c_⌊k⌋₊₁ = the lower β-quantile min{η : #{xᵢ ≤ η} ≥ β·n}, a minimiser of the RU form.
//
// VaR is found by quickselect on a scratch copy (expected O(n), no sort); CVaR is then one SIMD pass.
import { copyNegated, selectRank, sortRange } from "./select";

/** Σ max(xᵢ − η, 0) over x[0..n) with two f64x2 accumulators. */
function excessSum(x: usize, n: i32, eta: f64): f64 {
  const e = f64x2.splat(eta);
  const zero = f64x2.splat(0);
  let s0 = zero;
  let s1 = zero;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = x + (<usize>i << 3);
    s0 = f64x2.add(s0, f64x2.pmax(zero, f64x2.sub(v128.load(p), e)));
    s1 = f64x2.add(s1, f64x2.pmax(zero, f64x2.sub(v128.load(p, 16), e)));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let i = n4; i < n; i++) total += max(load<f64>(x + (<usize>i << 3)) - eta, 0.0);
  return total;
}

/**
 * VaR and CVaR of x[0..n) (n ≥ 1, 0 < k ≤ n): writes out[0] = VaR, out[1] = CVaR. `s` is scratch
 * for n f64 (not x). Returns 1 (and writes nothing) if x holds NaN or ±Inf.
 */
export function cvarEval(x: usize, n: i32, k: f64, s: usize, out: usize): i32 {
  if (copyNegated(x, n, s) != 0) return 1;
  const j = min(<i32>Math.floor(k), n - 1);
  const eta = -selectRank(s, 0, n, j);
  store<f64>(out, eta);
  store<f64>(out, eta + excessSum(x, n, eta) / k, 8);
  return 0;
}

/**
 * A subgradient of CVaR_β at x with respect to the losses: wᵢ = 1/k where xᵢ > η (η = VaR), 0 where
 * xᵢ < η, and the remaining mass 1 − #{xᵢ > η}/k shared equally by the ties xᵢ = η. Σw = 1, 0 ≤ w ≤ 1/k,
 * and Σ wᵢxᵢ = CVaR_β(x): w is a maximiser of the dual form CVaR = max{⟨w, x⟩ : 0 ≤ w ≤ 1/k, Σw = 1}.
 */
export function cvarWeights(x: usize, n: i32, k: f64, eta: f64, out: usize): void {
  let above = 0;
  let ties = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    above += i32(v > eta);
    ties += i32(v == eta);
  }
  const top = 1.0 / k;
  const tie = ties > 0 ? (1.0 - <f64>above / k) / <f64>ties : 0.0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    store<f64>(out + (<usize>i << 3), v > eta ? top : v == eta ? tie : 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// Projection onto the CVaR set C = {x : CVaR_β(x) ≤ κ} (k = (1 − β)n real, 0 < k ≤ n).
//
// CVaR_β is the support function of W = {w : 0 ≤ w ≤ 1/k, Σw = 1}, so by the KKT conditions the
// projection is x = prox_{μ·σ_W}(v) = v − Π_{μW}(v) for the μ ≥ 0 with CVaR_β(x) = κ (μ = 0 if v ∈ C).
// Π_{μW}(v)ᵢ = clip(vᵢ − τ, 0, a) with a = μ/k and Σ clip(vᵢ − τ, 0, a) = k·a, hence
//
//   xᵢ = vᵢ − clip(vᵢ − τ, 0, a):   vᵢ − a on the top set T (vᵢ ≥ τ + a), τ on the middle set M, vᵢ below.
//
// With c = v sorted descending, T = c[0..t), M = c[t..q) (m = q − t, t < k ≤ q), the two conditions
// are linear in (τ, a):  (k − t)·a + m·τ = S_M,  and  CVaR(x) = (S_T − t·a + (k − t)·τ)/k = κ.
// As a grows, τ = (S_M − (k − t)a)/m falls and τ + a rises, so t only decreases and q only increases:
// one walk over the breakpoints, testing at each segment whether the root of CVaR(x(a)) = κ (linear
// in a there) lies inside it. Only the part of c that the walk reaches is sorted (prefixes of
// doubling length are selected then sorted), so the cost is O(n + r log r), r = final q.
// ---------------------------------------------------------------------------------------------

let sortedEnd: i32 = 0;

/**
 * Makes s[0..i] sorted ascending with everything in s[i+1..n) ≥ s[i] (s holds −v): selects then sorts
 * a prefix of twice the needed length, so a walk that reaches r entries costs O(n·log(r/k) + r·log r).
 */
function ensureSorted(s: usize, n: i32, i: i32): void {
  while (i >= sortedEnd) {
    const next = min(n, max(max(sortedEnd, i + 1) * 2, 64));
    if (next < n) selectRank(s, sortedEnd, n, next - 1);
    sortRange(s, sortedEnd, next);
    sortedEnd = next;
  }
}

@inline function desc(s: usize, i: i32): f64 {
  return -load<f64>(s + (<usize>i << 3));
}

/**
 * Projection of v[0..n) onto {x : CVaR_β(x) ≤ κ} into out (may be v). s: n f64 scratch (not v, not
 * out). Writes out[0..n), and the multipliers to info: info[0] = τ, info[1] = a (0 when v ∈ C).
 * Returns 1 if v holds a non-finite value (then out is untouched).
 */
export function projectCvarSet(v: usize, n: i32, k: f64, kappa: f64, s: usize, out: usize, info: usize): i32 {
  if (copyNegated(v, n, s) != 0) return 1;
  sortedEnd = 0;
  const K = min(<i32>Math.ceil(k), n);
  const fk = <i32>Math.floor(k);
  // CVaR of v from the sorted prefix: Σ c[0..⌊k⌋) + (k − ⌊k⌋)·c[⌊k⌋].
  ensureSorted(s, n, K - 1);
  let top = 0.0;
  for (let i = 0; i < fk; i++) top += desc(s, i);
  if (<f64>fk < k) top += (k - <f64>fk) * desc(s, fk);
  if (top / k <= kappa) {
    if (out != v) memory.copy(out, v, <usize>n << 3);
    store<f64>(info, 0);
    store<f64>(info, 0, 8);
    return 0;
  }
  // Initial segment (a → 0⁺): T = entries above θ₀ = c[K − 1], M = entries equal to it.
  const theta0 = desc(s, K - 1);
  let t = K - 1;
  while (t > 0 && desc(s, t - 1) == theta0) t--;
  let q = K;
  while (q < n) {
    ensureSorted(s, n, q);
    if (desc(s, q) != theta0) break;
    q++;
  }
  let sT = 0.0;
  for (let i = 0; i < t; i++) sT += desc(s, i);
  let sM = 0.0;
  for (let i = t; i < q; i++) sM += desc(s, i);
  let a = 0.0;
  let tau = 0.0;
  while (true) {
    const m = <f64>(q - t);
    const kt = k - <f64>t;
    // Root of CVaR(x(a)) = κ on this segment, where CVaR(x(a)) = (S_T + kt·S_M/m − (t + kt²/m)·a)/k.
    const root = (sT + (kt * sM) / m - k * kappa) / (<f64>t + (kt * kt) / m);
    // End of the segment: τ + a reaches c[t − 1] (T loses an entry) or τ reaches c[q] (M gains one).
    let aT = Infinity;
    const rise = m - kt; // slope of τ + a in units of 1/m
    if (t > 0 && rise > 0) aT = (m * desc(s, t - 1) - sM) / rise;
    let aQ = Infinity;
    if (q < n) {
      ensureSorted(s, n, q);
      aQ = (sM - m * desc(s, q)) / kt;
    }
    if (root <= min(aT, aQ)) {
      a = root;
      tau = (sM - kt * a) / m;
      break;
    }
    if (aT <= aQ) {
      t--;
      const c = desc(s, t);
      sT -= c;
      sM += c;
    } else {
      sM += desc(s, q);
      q++;
    }
  }
  store<f64>(info, tau);
  store<f64>(info, a, 8);
  // x = v − clip(v − τ, 0, a), in the original order.
  const tv = f64x2.splat(tau);
  const av = f64x2.splat(a);
  const zero = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.sub(x, f64x2.pmin(av, f64x2.pmax(zero, f64x2.sub(x, tv)))));
  }
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, x - min(a, max(0.0, x - tau)));
  }
  return 0;
}
