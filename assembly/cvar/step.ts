// Stochastic steps for the CVaR objective in Rockafellar–Uryasev form over z = (θ, η):
//
//   F(θ, η) = η + α·E[(ℓ(θ; ξ) − η)₊],   α = 1/(1 − β).
//
// One step at z_t = (θ_t, η_t) for a sample with loss ℓ = ℓ(θ_t) and gradient g = ∇ℓ(θ_t), step γ:
//
//   SGM   z⁺ = z_t − γ·(subgradient):  if ℓ > η_t:  θ⁺ = θ_t − γα·g,  η⁺ = η_t − γ + γα;  else η⁺ = η_t − γ.
//   SPL   z⁺ = argmin η + α·(ℓ + ⟨g, θ − θ_t⟩ − η)₊ + ‖z − z_t‖²/(2γ)        (prox-linear model)
//   SPL+  z⁺ = argmin η + α·(max{ℓ + ⟨g, θ − θ_t⟩, 0} − η)₊ + ‖z − z_t‖²/(2γ)  (truncated model, ℓ ≥ 0;
//         our reconstruction of Meng & Gower's SPL+, whose exact model was not available to us)
//
// Every step has the form θ⁺ = θ_t − γα·λ₁·g, η⁺ = η_t − γ + γα·S with multipliers 0 ≤ λ₁ ≤ S ≤ 1,
// which `cvarStepCoef` returns. Derivation (dual of the prox of a max of affine pieces, G = ‖g‖²,
// c = γα, z' = z_t − γ·e_η): maximise λ₁·ℓ + S·(γ − η_t) − (c/2)(λ₁²G + S²) over 0 ≤ λ₁ ≤ S ≤ 1.
//   SPL:   λ₁ = S = clip((ℓ − η_t + γ)/(c(G + 1)), 0, 1)      (the truncation piece absent: λ₁ = S)
//   SPL+:  without the coupling λ₁ ≤ S the problem separates: λ₁ = max(ℓ, 0)/(cG), S = clip((γ − η_t)/c, 0, 1);
//          if that λ₁ ≤ S it is optimal, otherwise the coupling is active and λ₁ = S = the SPL value.
import { axpy, dot } from "../linalg/blas";

export const METHOD_SGM: i32 = 0;
export const METHOD_SPL: i32 = 1;
export const METHOD_SPLPLUS: i32 = 2;

export const LOSS_SQUARED: i32 = 0;
export const LOSS_ABSOLUTE: i32 = 1;
export const LOSS_LOGISTIC: i32 = 2;

/** Multipliers (λ₁, S) of one step, written to out[0], out[1]; see the header for the formulas. */
@inline function coef(method: i32, ell: f64, g2: f64, eta: f64, gamma: f64, alpha: f64): void {
  let l1 = 0.0;
  let S = 0.0;
  const c = gamma * alpha;
  if (method == METHOD_SGM) {
    l1 = ell > eta ? 1.0 : 0.0;
    S = l1;
  } else {
    const spl = min(max((ell - eta + gamma) / (c * (g2 + 1.0)), 0.0), 1.0);
    if (method == METHOD_SPL) {
      l1 = spl;
      S = spl;
    } else {
      const free = ell <= 0 ? 0.0 : g2 > 0 ? ell / (c * g2) : Infinity;
      const s = min(max((gamma - eta) / c, 0.0), 1.0);
      if (free <= s) {
        l1 = free;
        S = s;
      } else {
        l1 = spl;
        S = spl;
      }
    }
  }
  stepL1 = l1;
  stepS = S;
}

let stepL1: f64 = 0;
let stepS: f64 = 0;

/**
 * One step's multipliers for a sample with loss ℓ and ‖∇ℓ‖² = g2 at η: out[0] = λ₁, out[1] = S, so
 * that θ⁺ = θ − γα·λ₁·∇ℓ and η⁺ = η − γ + γα·S. method: 0 SGM, 1 SPL, 2 SPL+ (truncated model).
 */
export function cvarStepCoef(method: i32, ell: f64, g2: f64, eta: f64, gamma: f64, alpha: f64, out: usize): void {
  coef(method, ell, g2, eta, gamma, alpha);
  store<f64>(out, stepL1);
  store<f64>(out, stepS, 8);
}

// The built-in losses of a linear model, ℓ = φ(p, y) with p = ⟨x, w⟩ + b:
//   squared  φ = (p − y)²/2,           φ' = p − y
//   absolute φ = |p − y|,              φ' = sign(p − y) (0 at 0)
//   logistic φ = log(1 + exp(−y·p)),   φ' = −y/(1 + exp(y·p))   (labels y = ±1)
let lossDeriv: f64 = 0;

@inline function lossAt(loss: i32, p: f64, y: f64): f64 {
  if (loss == LOSS_SQUARED) {
    const r = p - y;
    lossDeriv = r;
    return 0.5 * r * r;
  }
  if (loss == LOSS_ABSOLUTE) {
    const r = p - y;
    lossDeriv = r > 0 ? 1.0 : r < 0 ? -1.0 : 0.0;
    return abs(r);
  }
  const m = y * p;
  if (m >= 0) {
    const e = Math.exp(-m);
    lossDeriv = (-y * e) / (1.0 + e);
    return Math.log1p(e);
  }
  const e = Math.exp(m);
  lossDeriv = -y / (1.0 + e);
  return -m + Math.log1p(e);
}

/** Losses of the linear model (w = theta[0..d), b = theta[d] if intercept) on n rows of X into out. */
export function linearLosses(X: usize, n: i32, d: i32, y: usize, theta: usize, intercept: i32, loss: i32, out: usize): void {
  const b = intercept != 0 ? load<f64>(theta + (<usize>d << 3)) : 0.0;
  for (let i = 0; i < n; i++) {
    const p = dot(X + ((<usize>i * <usize>d) << 3), theta, d) + b;
    store<f64>(out + (<usize>i << 3), lossAt(loss, p, load<f64>(y + (<usize>i << 3))));
  }
}

/** ∇_θ of Σᵢ wᵢ·ℓᵢ(θ) (length d, then the intercept's entry if intercept) into out. */
export function linearWeightedGradient(X: usize, n: i32, d: i32, y: usize, theta: usize, intercept: i32, loss: i32, w: usize, out: usize): void {
  const dd = d + (intercept != 0 ? 1 : 0);
  memory.fill(out, 0, <usize>dd << 3);
  const b = intercept != 0 ? load<f64>(theta + (<usize>d << 3)) : 0.0;
  for (let i = 0; i < n; i++) {
    const wi = load<f64>(w + (<usize>i << 3));
    if (wi == 0) continue;
    const row = X + ((<usize>i * <usize>d) << 3);
    lossAt(loss, dot(row, theta, d) + b, load<f64>(y + (<usize>i << 3)));
    const c = wi * lossDeriv;
    axpy(out, row, d, c);
    if (intercept != 0) store<f64>(out + (<usize>d << 3), load<f64>(out + (<usize>d << 3)) + c);
  }
}

/**
 * `steps` stochastic steps of `method` on the linear model θ = theta[0..d) (+ theta[d] = intercept if
 * intercept ≠ 0), η = state[0], for the built-in `loss`. Step t (0-based, counted from `t0` over the
 * whole run) uses the rows order[t·batch .. (t+1)·batch) (i32 indices) and step size
 *   γ_t = gamma                 (schedule 0, constant)
 *   γ_t = gamma/√(t0 + t + 1)   (schedule 1, 1/√t decay).
 * A mini-batch (batch > 1) uses the batch-mean loss ℓ_B and gradient g_B in the model (SPL, SPL+)
 * and the exact mean subgradient (SGM). g: scratch for d + 1 f64. Returns 1 if an iterate became non-finite.
 *
 * Averaging (avg ≠ 0): avg[0..dd) and avg[dd] (η) hold the running mean of the iterates after the steps
 * numbered avgFrom + 1, avgFrom + 2, … (1-based over the run): after step s > avgFrom,
 * avg ← avg + (z_s − avg)/(s − avgFrom). avgFrom = 0 is Polyak–Ruppert averaging of every iterate.
 */
export function cvarEpoch(
  X: usize, d: i32, y: usize, order: usize, steps: i32, batch: i32,
  method: i32, loss: i32, gamma: f64, schedule: i32, t0: f64, alpha: f64,
  theta: usize, intercept: i32, state: usize, g: usize,
  avg: usize, avgFrom: f64,
): i32 {
  const dd = d + (intercept != 0 ? 1 : 0);
  let eta = load<f64>(state);
  const inv = 1.0 / <f64>batch;
  for (let t = 0; t < steps; t++) {
    const gt = schedule == 1 ? gamma / Math.sqrt(t0 + <f64>t + 1.0) : gamma;
    const b = intercept != 0 ? load<f64>(theta + (<usize>d << 3)) : 0.0;
    memory.fill(g, 0, <usize>dd << 3);
    let ellSum = 0.0;
    let active = 0.0;
    for (let r = 0; r < batch; r++) {
      const i = load<i32>(order + ((<usize>(t * batch + r)) << 2));
      const row = X + ((<usize>i * <usize>d) << 3);
      const ell = lossAt(loss, dot(row, theta, d) + b, load<f64>(y + (<usize>i << 3)));
      let c = lossDeriv * inv;
      if (method == METHOD_SGM) {
        if (ell > eta) active += inv;
        else c = 0;
      }
      ellSum += ell;
      axpy(g, row, d, c);
      if (intercept != 0) store<f64>(g + (<usize>d << 3), load<f64>(g + (<usize>d << 3)) + c);
    }
    const ca = gt * alpha;
    if (method == METHOD_SGM) {
      axpy(theta, g, dd, -ca);
      eta += -gt + ca * active;
    } else {
      const g2 = dot(g, g, dd);
      coef(method, ellSum * inv, g2, eta, gt, alpha);
      axpy(theta, g, dd, -ca * stepL1);
      eta += -gt + ca * stepS;
    }
    const s = t0 + <f64>t + 1.0;
    if (avg != 0 && s > avgFrom) {
      const w = 1.0 / (s - avgFrom);
      // avg ← (1 − w)·avg + w·θ, then the same for η
      for (let j = 0; j < dd; j++) {
        const p = avg + (<usize>j << 3);
        const a = load<f64>(p);
        store<f64>(p, a + w * (load<f64>(theta + (<usize>j << 3)) - a));
      }
      const pe = avg + (<usize>dd << 3);
      const ae = load<f64>(pe);
      store<f64>(pe, ae + w * (eta - ae));
    }
  }
  store<f64>(state, eta);
  const check = dot(theta, theta, dd) + eta;
  return i32(check - check != 0);
}
