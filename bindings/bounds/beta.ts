/**
 * β-CROWN subdomains (Wang et al. 2021, "Beta-CROWN: Efficient Bound Propagation with Per-neuron
 * Split Constraints for Complete and Incomplete Neural Network Verification"): a subdomain of ReLU
 * branch and bound fixes some ReLUs active (z ≥ 0) or inactive (z ≤ 0). Its pre-activation boxes are
 * its parent's with the split neuron clamped (a parent's bounds hold on every child), and its lower
 * bound is the CROWN bound of f − Σ β·sign·z, maximised jointly over the lower ReLU slopes α of
 * every layer and the multipliers β ≥ 0 by projected Adam (the optimiser of auto_LiRPA and α,β-CROWN,
 * with α,β-CROWN's default rates: 0.1 for α at the root, 0.01 for α and 0.05 for β in subdomains,
 * decayed by 0.98 per step), warm-started from the parent's α and β.
 * β = 0 is α-CROWN on the clamped boxes, and the best iterate is kept, so a subdomain's β-CROWN bound
 * is never below its α-CROWN bound.
 *
 * Branching: a BaBSR-style score (Bunel et al. 2020) ranks the unstable neurons by what the triangle
 * relaxation's intercept costs the bound, |min(Λⱼ, 0)|·(−lⱼuⱼ/(uⱼ − lⱼ)) with Λⱼ the coefficient on the
 * neuron's output, plus a small term in |Λⱼ|·(uⱼ − lⱼ) that separates neurons whose intercept is not
 * used; 'fsb' (filtered smart branching, De Palma et al. 2021) then bounds both children of the top
 * candidates once, without optimising, and keeps the neuron whose worse child is best.
 */
import { mathWasm } from '../runtime/math.js';
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import { evaluate, type ActInfo, type BetaTerms } from './alpha.js';
import { nodeSize, shareWeights, type BoundsNetwork, type PlacedBox } from './model.js';
import type { PreActivations } from './bounds.js';

/** Layer types whose backward rule needs no box besides the activations' (which a subdomain supplies). */
const BETA_TYPES = new Set(['linear', 'relu', 'leaky-relu', 'affine', 'add', 'sub', 'conv2d', 'identity']);

/** Whether β-CROWN branch and bound applies: piecewise-linear layers only, with at least one ReLU. */
export function betaApplicable(net: BoundsNetwork): boolean {
  let relu = false;
  for (const [i, L] of net.layers.entries()) {
    if (!net.live[i]) continue;
    if (!BETA_TYPES.has(L.type)) return false;
    if (L.type === 'relu' || L.type === 'leaky-relu') relu = true;
  }
  return relu;
}

/** Settings of the β-CROWN subdomain optimisation and branching. */
export interface BetaSettings {
  /** Adam steps per subdomain (the root gets `rootIterations`). */
  iterations: number;
  rootIterations: number;
  /** Adam rate of α at the root. */
  lrRoot: number;
  /** Adam steps per side for each unstable intermediate neuron of the root (0: CROWN's boxes). */
  intermediate: number;
  /** Adam rates of α and β. */
  lrAlpha: number;
  lrBeta: number;
  /** 'babsr' or 'fsb'. */
  branching: 'babsr' | 'fsb';
  /** FSB: candidates bounded per branching decision. */
  candidates: number;
}

/** One split: the ReLU layer, its neuron, the phase fixed, and the node holding the pre-activation. */
export interface BetaSplit {
  layer: number;
  neuron: number;
  active: boolean;
  node: number;
}

/** A subdomain of ReLU branch and bound for one specification row. */
export interface BetaDomain {
  /** Pre-activation box of each ReLU layer (keyed by the ReLU layer's index), split neurons clamped. Shared with the parent where unchanged. */
  boxes: Map<number, { l: Float64Array; u: Float64Array }>;
  /** The splits fixed on this subdomain. */
  splits: BetaSplit[];
  /** Lower slopes per ReLU layer (all neurons; only the unstable ones are free). */
  alpha: Map<number, Float64Array>;
  /** β per split (same order as `splits`). */
  beta: Float64Array;
  /** The best lower bound found. */
  lower: number;
  /** The input attaining the bound (a candidate counterexample). */
  x: Float64Array;
  /** Λ on each ReLU layer's output at the best iterate (for branching). */
  coeff: Map<number, Float64Array>;
}

/** The relaxation lines of the ReLU layers for the given boxes (CROWN's adaptive lower slope where α is absent). */
function relaxations(net: BoundsNetwork, boxes: BetaDomain['boxes'], alpha: BetaDomain['alpha'] | null): Map<number, ActInfo> {
  const acts = new Map<number, ActInfo>();
  for (const [i, { l, u }] of boxes) {
    const L = net.layers[i]!;
    const a = L.type === 'leaky-relu' ? L.alpha ?? 0 : 0;
    const n = l.length;
    const aL = new Float64Array(n), bL = new Float64Array(n), aU = new Float64Array(n), bU = new Float64Array(n);
    const free: number[] = [];
    const prev = alpha?.get(i);
    for (let j = 0; j < n; j++) {
      const lo = l[j]!, hi = u[j]!;
      if (lo >= 0) [aL[j], aU[j]] = [1, 1];
      else if (hi <= 0) [aL[j], aU[j]] = [a, a];
      else {
        // the triangle's upper chord, a lower line through the origin of slope in [a, 1]
        aU[j] = (hi - a * lo) / (hi - lo);
        bU[j] = hi - aU[j]! * hi;
        aL[j] = prev ? prev[j]! : hi > -lo ? 1 : a;
        free.push(j);
      }
    }
    acts.set(i, { aL, bL, aU, bU, free, lo: a });
  }
  return acts;
}

/** Placeholder boxes for the backward pass: the input box in slot 0, sizes elsewhere (the ReLUs get their lines from the subdomain). */
function placeBoxes(s: Scope, net: BoundsNetwork, lower: Float64Array, upper: Float64Array): PlacedBox[] {
  const n = net.input;
  const l = s.f64(n), u = s.f64(n);
  f64View(s.x, l, n).set(lower);
  f64View(s.x, u, n).set(upper);
  const boxes: PlacedBox[] = [{ l, u, n }];
  net.layers.forEach((_, i) => (boxes[i + 1] = { l: 0, u: 0, n: nodeSize(net, i) }));
  return boxes;
}

/** The split terms of a subdomain in the form `evaluate` takes. */
function betaTerms(d: Pick<BetaDomain, 'splits'>, beta: Float64Array): BetaTerms {
  return { node: d.splits.map((p) => p.node), neuron: d.splits.map((p) => p.neuron), sign: d.splits.map((p) => (p.active ? 1 : -1)), beta };
}

/**
 * Optimises the lower bound of crow·y on the subdomain (its boxes and splits, α and β as the start)
 * and stores the best value, α, β, x* and Λ in it. `stop()` ends the loop early (the best so far is
 * kept). With `alphaFirst` > 0 the first `alphaFirst` steps move α only (β held: α-CROWN on the
 * clamped boxes when β starts at 0) and the joint steps continue from the best of them, so the
 * result is never below that α-CROWN bound; branch and bound uses 0 (warm starts from the parent).
 */
export function optimiseDomain(
  s0: Scope, net: BoundsNetwork, region: { lower: Float64Array; upper: Float64Array }, d: BetaDomain, crow: Float64Array, iterations: number, o: BetaSettings, stop: () => boolean, target = net.layers.length - 1, alphaFirst = 0,
): void {
  withScope(s0.fn, (s) => {
    shareWeights(s0, s, net);
    const boxes = placeBoxes(s, net, region.lower, region.upper);
    const acts = relaxations(net, d.boxes, d.alpha);
    const beta = d.beta.slice();
    const terms = betaTerms(d, beta);
    // Adam moments per free slope and per β.
    const mA = new Map<number, Float64Array>(), vA = new Map<number, Float64Array>();
    for (const [i, a] of acts) [mA, vA].forEach((m) => m.set(i, new Float64Array(a.free.length)));
    const mB = new Float64Array(beta.length), vB = new Float64Array(beta.length);
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    // powers from WASM: JavaScript's Math.pow differs in the last bit between engines (also for integer exponents)
    const pow = mathWasm(s.fn).mathPow;
    // a parent's bound holds on its children: the optimisation only has to improve on it
    const floor = d.lower;
    d.lower = -Infinity;
    const total = alphaFirst + iterations;
    for (let it = 0; it <= total; it++) {
      const e = evaluate(s, net, boxes, {}, acts, crow, false, terms, target);
      if (e.value > d.lower) {
        d.lower = e.value;
        d.x = e.x;
        d.coeff = e.coeff;
        d.beta = beta.slice();
        d.alpha = new Map([...acts].map(([i, a]) => [i, a.aL.slice()]));
      }
      if (it === 0 && floor > d.lower) d.lower = floor;
      if (it === total || d.lower > 0 || stop()) break;
      if (it === alphaFirst && alphaFirst > 0) {
        // the joint phase starts from the best point of the α phase, with fresh Adam moments
        for (const [i, a] of acts) {
          const best = d.alpha.get(i);
          if (best) a.aL.set(best);
          mA.get(i)!.fill(0);
          vA.get(i)!.fill(0);
        }
        continue;
      }
      const phase = alphaFirst > 0 && it > alphaFirst ? it - alphaFirst - 1 : it;
      const decay = pow(0.98, phase);
      const t = phase + 1;
      const c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t);
      for (const [i, a] of acts) {
        const g = e.grad.get(i)!, m = mA.get(i)!, v = vA.get(i)!;
        a.free.forEach((j, q) => {
          m[q] = b1 * m[q]! + (1 - b1) * g[q]!;
          v[q] = b2 * v[q]! + (1 - b2) * g[q]! * g[q]!;
          const step = (o.lrAlpha * decay * (m[q]! / c1)) / (Math.sqrt(v[q]! / c2) + eps);
          a.aL[j] = Math.min(1, Math.max(a.lo, a.aL[j]! + step)); // ascent on the lower bound
        });
      }
      for (let q = 0; q < beta.length && it >= alphaFirst; q++) {
        const g = e.betaGrad[q]!;
        mB[q] = b1 * mB[q]! + (1 - b1) * g;
        vB[q] = b2 * vB[q]! + (1 - b2) * g * g;
        beta[q] = Math.max(0, beta[q]! + (o.lrBeta * decay * (mB[q]! / c1)) / (Math.sqrt(vB[q]! / c2) + eps));
      }
    }
  });
}

/** The root subdomain: the CROWN pre-activation boxes, no split, α from CROWN's adaptive choice. */
export function rootDomain(pre: PreActivations, inputSize: number): BetaDomain {
  const boxes = new Map<number, { l: Float64Array; u: Float64Array }>();
  for (const [i, b] of pre) boxes.set(i, { l: b.l, u: b.u });
  return { boxes, splits: [], alpha: new Map(), beta: new Float64Array(0), lower: -Infinity, x: new Float64Array(inputSize), coeff: new Map() };
}

/** The two children of `d` split on (layer, neuron): that neuron's box clamped, α and β inherited (the new β starts at 0). */
export function children(net: BoundsNetwork, d: BetaDomain, layer: number, neuron: number): [BetaDomain, BetaDomain] {
  const node = net.layers[layer]!.inputs[0]!;
  return [true, false].map((active) => {
    const box = d.boxes.get(layer)!;
    const l = box.l.slice(), u = box.u.slice();
    if (active) l[neuron] = Math.max(l[neuron]!, 0);
    else u[neuron] = Math.min(u[neuron]!, 0);
    const boxes = new Map(d.boxes);
    boxes.set(layer, { l, u });
    const beta = new Float64Array(d.beta.length + 1);
    beta.set(d.beta);
    return { boxes, splits: [...d.splits, { layer, neuron, active, node }], alpha: d.alpha, beta, lower: d.lower, x: d.x, coeff: d.coeff };
  }) as [BetaDomain, BetaDomain];
}

/** Unstable neurons of `d` ranked by the BaBSR-style score (best first), at most `count`. */
function rankNeurons(d: BetaDomain, count: number): { layer: number; neuron: number; score: number }[] {
  const all: { layer: number; neuron: number; score: number }[] = [];
  for (const [i, { l, u }] of d.boxes) {
    const lam = d.coeff.get(i);
    for (let j = 0; j < l.length; j++) {
      const lo = l[j]!, hi = u[j]!;
      if (!(lo < 0 && hi > 0)) continue;
      const c = lam ? lam[j]! : 0;
      const intercept = (-lo * hi) / (hi - lo);
      all.push({ layer: i, neuron: j, score: Math.max(0, -c) * intercept + 1e-3 * Math.abs(c) * (hi - lo) + 1e-12 * (hi - lo) });
    }
  }
  all.sort((a, b) => b.score - a.score);
  return all.slice(0, count);
}

/**
 * The neuron to split `d` on, or null when no neuron of its boxes is unstable. 'babsr': the top of
 * the ranking; 'fsb': among the top `candidates`, the one whose two children, bounded once with the
 * inherited α and β, have the best worse bound.
 */
export function chooseNeuron(s: Scope, net: BoundsNetwork, region: { lower: Float64Array; upper: Float64Array }, d: BetaDomain, crow: Float64Array, o: BetaSettings, stop: () => boolean): { layer: number; neuron: number } | null {
  const ranked = rankNeurons(d, o.branching === 'fsb' ? o.candidates : 1);
  if (ranked.length <= 1 || o.branching === 'babsr') return ranked[0] ?? null;
  let best = ranked[0]!;
  let bestKey = -Infinity;
  for (const cand of ranked) {
    if (stop()) break;
    const kids = children(net, d, cand.layer, cand.neuron);
    let key = Infinity;
    for (const kid of kids) {
      kid.lower = -Infinity; // the children's own bounds, not the parent's floor, rank the candidates
      optimiseDomain(s, net, region, kid, crow, 0, o, stop);
      key = Math.min(key, kid.lower);
    }
    if (key > bestKey) [bestKey, best] = [key, cand];
  }
  return best;
}

/**
 * Tightens the pre-activation boxes of the root (α for the intermediate layers): layer by layer, the
 * lower and upper bound of every unstable neuron are optimised over the lower slopes of the ReLUs
 * before it (`iterations` Adam steps each side, from CROWN's slopes), and the box is intersected with
 * the result, so later layers are relaxed on the tightened boxes. Sound for any slopes; stops early
 * (keeping what it has) when `stop()` says so.
 */
export function tightenRoot(s: Scope, net: BoundsNetwork, region: { lower: Float64Array; upper: Float64Array }, d: BetaDomain, iterations: number, o: BetaSettings, stop: () => boolean): void {
  const layers = [...d.boxes.keys()].sort((a, b) => a - b);
  for (const i of layers) {
    const node = net.layers[i]!.inputs[0]!;
    if (node < 0) continue; // a ReLU on the input itself: its box is the region's
    const box = d.boxes.get(i)!;
    const l = box.l.slice(), u = box.u.slice();
    // only the layers before this one relax anything in its backward pass
    const before = new Map([...d.boxes].filter(([q]) => q < i));
    const size = l.length;
    for (let j = 0; j < size; j++) {
      if (!(l[j]! < 0 && u[j]! > 0)) continue;
      for (const sign of [1, -1]) {
        if (stop()) break;
        const crow = new Float64Array(size);
        crow[j] = sign;
        const t: BetaDomain = { boxes: before, splits: [], alpha: new Map(), beta: new Float64Array(0), lower: -Infinity, x: region.lower, coeff: new Map() };
        optimiseDomain(s, net, region, t, crow, iterations, o, stop, node);
        if (sign > 0) l[j] = Math.max(l[j]!, t.lower);
        else u[j] = Math.min(u[j]!, -t.lower);
      }
    }
    d.boxes.set(i, { l, u });
    if (stop()) return;
  }
}

/** The last tightened root boxes per network: the clauses of one VNNLIB region share its input box, and so these boxes. */
const ROOT_CACHE = new WeakMap<BoundsNetwork, { key: string; boxes: PreActivations }>();

/**
 * The root's pre-activation boxes after `tightenRoot` (`o.intermediate` steps; none when 0), reused
 * when the same network, box, method and settings come again and the earlier run was not cut short.
 */
export function tightenedRoot(s: Scope, net: BoundsNetwork, region: { lower: Float64Array; upper: Float64Array }, pre: PreActivations, method: string, o: BetaSettings, stop: () => boolean): PreActivations {
  if (o.intermediate === 0) return pre;
  const key = JSON.stringify([Array.from(region.lower), Array.from(region.upper), method, o.intermediate, o.lrAlpha]);
  const hit = ROOT_CACHE.get(net);
  if (hit && hit.key === key) return hit.boxes;
  const d = rootDomain(pre, net.input);
  tightenRoot(s, net, region, d, o.intermediate, o, stop);
  if (!stop()) ROOT_CACHE.set(net, { key, boxes: d.boxes });
  return d.boxes;
}
