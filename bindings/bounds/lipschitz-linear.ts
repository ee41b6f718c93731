/**
 * Linear relaxation of the Clarke-Jacobian backward graph (Shi et al., "Efficiently Computing Local
 * Lipschitz Constants of Neural Networks via Bound Propagation", NeurIPS 2022, §3.2–3.3), for the chains
 * of lipschitz.ts.
 *
 * For one row c of C the gradient is computed backward: g_T = c, g_t = g_{t+1}·W_t through a linear
 * layer, g_t = g_{t+1} ⊙ scale through an affine one and g_t = g_{t+1} ⊙ δ_t through a ReLU, where δ_t
 * is an element of the Clarke derivative of the ReLU at its pre-activation z_t(x). The objective
 * ‖g_0‖₁ is bounded above by a linear function of g_0 (each |g| by its chord over g's interval). That
 * linear bound is pushed up the backward graph:
 * - a product u·δ (u an entry of g_{t+1} in [pl, pu], δ in [dl, dh]) by a McCormick plane (an upper
 *   plane where its coefficient is ≥ 0, a lower one where it is < 0; `mix` weighs the two planes of
 *   each side);
 * - the δ term by a line in z: δ ≤ dh + σ·z with σ ∈ [0, (dh − dl)/(−zl)] and δ ≥ dl + σ·z with
 *   σ ∈ [0, (dh − dl)/zu] (valid on [zl, zu] for every Clarke element, 0 included); σ = 0 is the
 *   interval of δ, a larger σ ties δ to x through z, which is what interval arithmetic cannot see.
 * The bound ends as const + Σ_t μ_t·z_t(x), whose maximum over the region is one CROWN call on the
 * network extended by a head that sums the μ_t·z_t (a DAG, so the z_t share one backward pass).
 */
import { computeBounds, type BoundsRegion } from './bounds.js';
import type { LayerSpec } from './model.js';
import type { Chain } from './lipschitz.js';

/** Intervals per activation layer t: derivative δ_t, pre-activation z_t, and (row i) the gradient entries entering δ_t. */
export interface BackwardGraphBoxes {
  d: Map<number, [Float64Array, Float64Array]>;
  z: Map<number, [Float64Array, Float64Array]>;
  /** k × width, row-major: the interval of g_{t+1} just before δ_t is applied, for every row of C. */
  pre: Map<number, [Float64Array, Float64Array]>;
  /** k × input: the interval of g_0. */
  g0: [Float64Array, Float64Array];
}

/**
 * Sound upper bound on max_x ‖(C·J(x))_{i,:}‖₁ over `region` for row i, with the relaxation parameters
 * `sigma` (fraction of the largest admissible σ, the same for every neuron) and `mix` (weight of the first
 * McCormick plane).
 */
export function linearRowBound(chain: Chain, C: Float64Array, k: number, i: number, boxes: BackwardGraphBoxes, region: BoundsRegion, sigma: number, mix: number): number {
  const n = chain.input;
  const [gl, gh] = boxes.g0;
  let lam = new Float64Array(n);
  let cst = 0;
  for (let j = 0; j < n; j++) {
    const l = gl[i * n + j]!, h = gh[i * n + j]!;
    if (l >= 0) lam[j] = 1;
    else if (h <= 0) lam[j] = -1;
    else {
      // Chord of |g| over [l, h]: through (l, −l) and (h, h).
      lam[j] = (h + l) / (h - l);
      cst += (-2 * h * l) / (h - l);
    }
  }
  const mu = new Map<number, Float64Array>();
  chain.layers.forEach((L, t) => {
    if (L.kind === 'linear') {
      // λ·g_t = λ·(g_{t+1} W_t) = (W_t λ)·g_{t+1}.
      const next = new Float64Array(L.m);
      for (let r = 0; r < L.m; r++) {
        let s = 0;
        for (let j = 0; j < L.n; j++) s += L.W[r * L.n + j]! * lam[j]!;
        next[r] = s;
      }
      lam = next;
      return;
    }
    if (L.kind === 'affine') {
      lam = lam.map((v, r) => v * L.scale[r]!);
      return;
    }
    const [dl, dh] = boxes.d.get(t)!;
    const [pl, pu] = boxes.pre.get(t)!;
    const [zl, zu] = boxes.z.get(t)!;
    const w = L.n;
    const m = new Float64Array(w);
    let used = false;
    for (let r = 0; r < w; r++) {
      const v = lam[r]!;
      if (dl[r] === dh[r] || v === 0) {
        lam[r] = v * dl[r]!;
        continue;
      }
      const a = pl[i * w + r]!, b = pu[i * w + r]!, lo = dl[r]!, hi = dh[r]!;
      // u·δ ≤ mix·(hi·u + a·δ − a·hi) + (1 − mix)·(lo·u + b·δ − b·lo); ≥ mix·(lo·u + a·δ − a·lo) + (1 − mix)·(hi·u + b·δ − b·hi).
      const A = v > 0 ? mix * hi + (1 - mix) * lo : mix * lo + (1 - mix) * hi;
      const B = mix * a + (1 - mix) * b;
      const G = v > 0 ? -(mix * a * hi + (1 - mix) * b * lo) : -(mix * a * lo + (1 - mix) * b * hi);
      lam[r] = v * A;
      cst += v * G;
      const beta = v * B; // the bound now needs max of beta·δ
      if (beta >= 0) {
        cst += beta * hi;
        if (zl[r]! < 0) m[r] = beta * sigma * (hi - lo) / -zl[r]!;
      } else {
        cst += beta * lo;
        if (zu[r]! > 0) m[r] = beta * sigma * (hi - lo) / zu[r]!;
      }
      if (m[r] !== 0) used = true;
    }
    if (used) mu.set(t, m);
  });
  for (let r = 0; r < chain.output; r++) cst += lam[r]! * C[i * chain.output + r]!;
  if (mu.size === 0) return cst;
  // max_x Σ_t μ_t·z_t(x): the chain up to the last z used, plus a head reading each z_t (the input of layer t).
  const last = Math.max(...mu.keys());
  const layers: LayerSpec[] = chain.specs.slice(0, last).map((L, t) => ({ ...L, inputs: [t - 1] }) as LayerSpec);
  let acc = -2;
  for (const [t, m] of mu) {
    const head = layers.push({ type: 'linear', weight: Array.from(m), shape: [1, m.length], bias: [0], inputs: [t - 1] } as LayerSpec) - 1;
    acc = acc === -2 ? head : layers.push({ type: 'add', inputs: [acc, head] } as LayerSpec) - 1;
  }
  return cst + computeBounds({ input: chain.input, layers }, region, { method: 'crown' }).upper[0]!;
}
