/**
 * α-CROWN (Xu et al. 2021, "Fast and Complete", §3.1): the lower-line slopes of unstable ReLU /
 * LeakyReLU neurons become free parameters α ∈ [slope at x < 0, 1], optimised per output row by
 * projected gradient on the final bound with the pre-activation boxes fixed (those of CROWN). Any α
 * in that range gives a sound bound; the best iterate is kept, and the first iterate is CROWN's
 * adaptive choice, so the result is never looser than CROWN's.
 */
import { mathWasm } from '../runtime/math.js';
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import { backwardPass } from './bounds.js';
import { opOf, shareWeights, type BoundsNetwork, type LinearBound, type PlacedBox } from './model.js';
import { smoothLines } from './ops/smooth.js';

/** Gradient-step options of α-CROWN. */
export interface AlphaOptions {
  /** Projected-gradient iterations per output row and side (default 20). */
  iterations: number;
  /** Step size (default 0.5). */
  lr: number;
  /** Polled once per step; true ends the optimisation (the best iterate so far is kept). */
  stop?: () => boolean;
}

/** The region as bounds.ts prepared it (bounding box placed in `boxes[0]`, optional ball). */
export interface AlphaRegion {
  ball?: { center: Float64Array; radius: number; dual: number };
}

/** The relaxation lines of one activation layer (per neuron of its input) and which lower slopes are free. */
export interface ActInfo {
  aL: Float64Array; bL: Float64Array; aU: Float64Array; bU: Float64Array;
  /** Indices of neurons whose lower slope is free (unstable ReLU / LeakyReLU), with its range. */
  free: number[]; lo: number;
}

/**
 * β-CROWN's split terms (Wang et al. 2021, "Beta-CROWN", eq. 5): on a subdomain where neuron
 * `neuron` of node `node` has the sign `sign` (z ≥ 0: +1, z ≤ 0: −1), sign·z ≥ 0, so for β ≥ 0 the
 * lower bound of f may be taken of f − β·sign·z (and the upper bound of f + β·sign·z): the
 * Lagrangian term enters Λ of that node before it is propagated further back.
 */
export interface BetaTerms {
  /** Node index (a layer index; −1 = the network input) of each split neuron's pre-activation. */
  node: readonly number[];
  /** The neuron within that node. */
  neuron: readonly number[];
  /** +1: fixed z ≥ 0 (active); −1: fixed z ≤ 0 (inactive). */
  sign: readonly number[];
  /** The multipliers β ≥ 0. */
  beta: Float64Array;
}

/** One bound evaluation: its value and supergradients, the Λ on each activation's output, the minimiser x*. */
export interface Evaluation {
  value: number;
  /** ∂value/∂α per activation layer, one entry per free neuron. */
  grad: Map<number, Float64Array>;
  /** ∂value/∂β per split term (lower side: −sign·ẑ; upper side: +sign·ẑ). */
  betaGrad: Float64Array;
  /** Λ on the output of each activation layer (the coefficient each neuron's relaxation multiplies). */
  coeff: Map<number, Float64Array>;
  /** The input where the linear bound is attained (a candidate counterexample). */
  x: Float64Array;
}

/**
 * One side's bound for one row `crow` on node `target` (default the output; `crow` has its size) with
 * the current slopes, and the β terms when given; returns the
 * bound and its gradient with respect to every free slope (by the envelope theorem: the bound is
 * the linearised network's value at the optimal input x*, so ∂/∂αⱼ = Λⱼ·ẑⱼ where Λⱼ is the
 * coefficient on the neuron's output — summed over every path at a fan-out — and ẑⱼ its input in the
 * linearised forward pass from x*).
 */
export function evaluate(
  s0: Scope, net: BoundsNetwork, boxes: readonly PlacedBox[], region: AlphaRegion, acts: ReadonlyMap<number, ActInfo>, crow: Float64Array, upper: boolean, betas?: BetaTerms, target = net.layers.length - 1,
): Evaluation {
  return withScope(s0.fn, (s) => {
    shareWeights(s0, s, net);
    const place = (v: Float64Array): number => {
      const q = s.f64(v.length);
      f64View(s.x, q, v.length).set(v);
      return q;
    };
    const relax = new Map<number, readonly [number, number, number, number]>();
    for (const [i, a] of acts) relax.set(i, [place(a.aL), place(a.bL), place(a.aU), place(a.bU)]);
    const coeff = new Map<number, Float64Array>();
    // The β terms of node i are added to its Λ once every consumer has contributed (lower side: −β·sign).
    const addBeta = (i: number, B: LinearBound): void => {
      if (!betas) return;
      const lamView = f64View(s.x, B.lam, B.n);
      betas.node.forEach((p, q) => {
        if (p === i) lamView[betas.neuron[q]!]! += (upper ? 1 : -1) * betas.sign[q]! * betas.beta[q]!;
      });
    };
    const record = (i: number, B: LinearBound): void => {
      addBeta(i, B);
      if (acts.has(i)) coeff.set(i, f64View(s.x, B.lam, B.n).slice());
    };
    const B = backwardPass(s, net, target, place(crow), 1, boxes, upper, { relax, record });
    addBeta(-1, B);
    const n0 = net.input;
    const lam = f64View(s.x, B.lam, n0).slice();
    const c = f64View(s.x, B.c, 1)[0]!;
    // x*: the point of the region where Λx is smallest (lower side) or largest (upper side).
    const sign = upper ? 1 : -1;
    let x: Float64Array;
    if (region.ball) {
      const { center, radius, dual } = region.ball;
      x = center.slice();
      if (dual === 1) lam.forEach((v, j) => (x[j] = center[j]! + sign * radius * Math.sign(v)));
      else if (dual === 2) {
        const norm = Math.hypot(...lam);
        if (norm > 0) lam.forEach((v, j) => (x[j] = center[j]! + (sign * radius * v) / norm));
      } else {
        let j = 0;
        lam.forEach((v, q) => (Math.abs(v) > Math.abs(lam[j]!) ? (j = q) : 0));
        x[j] = center[j]! + sign * radius * Math.sign(lam[j]!);
      }
    } else {
      const bl = f64View(s.x, boxes[0]!.l, n0), bu = f64View(s.x, boxes[0]!.u, n0);
      x = lam.map((v, j) => ((v > 0) === upper ? bu[j]! : bl[j]!));
    }
    let value = c;
    lam.forEach((v, j) => (value += v * x[j]!));
    // Linearised forward pass from x* over the DAG for the gradient (node j at slot j + 1).
    const grad = new Map<number, Float64Array>();
    const z: Float64Array[] = [x];
    net.layers.forEach((layer, i) => {
      if (!net.live[i] || i > target) return;
      const a = acts.get(i);
      if (a) {
        const zin = z[layer.inputs[0]! + 1]!;
        const co = coeff.get(i) ?? new Float64Array(layer.outSize);
        const g = new Float64Array(a.free.length);
        a.free.forEach((j, t) => {
          const useLower = (co[j]! >= 0) !== upper;
          g[t] = useLower ? co[j]! * zin[j]! : 0;
        });
        grad.set(i, g);
        z[i + 1] = zin.map((v, j) => ((co[j]! >= 0) !== upper ? a.aL[j]! * v + a.bL[j]! : a.aU[j]! * v + a.bU[j]!));
      } else {
        const out = s.f64(layer.outSize);
        opOf(layer).forward(s, layer, layer.inputs.map((j) => place(z[j + 1]!)), out);
        z[i + 1] = f64View(s.x, out, layer.outSize).slice();
      }
    });
    const betaGrad = new Float64Array(betas?.beta.length ?? 0);
    betas?.node.forEach((p, q) => {
      const zp = z[p + 1];
      betaGrad[q] = zp ? (upper ? 1 : -1) * betas.sign[q]! * zp[betas.neuron[q]!]! : 0;
    });
    return { value, grad, betaGrad, coeff, x };
  });
}

/**
 * Optimised bounds on the k rows of `C` (k × output, row-major) with the given pre-activation boxes
 * (`boxes[j + 1]` bounds node j, slot 0 the input). Writes lower and upper bounds to the returned arrays.
 */
export function alphaCrownFinal(s: Scope, net: BoundsNetwork, boxes: PlacedBox[], region: AlphaRegion, C: Float64Array, k: number, o: AlphaOptions): { lower: Float64Array; upper: Float64Array } {
  const base = new Map<number, ActInfo>();
  net.layers.forEach((layer, i) => {
    if (!net.live[i] || !opOf(layer).nonlinear || opOf(layer).arity === 2) return; // mul keeps its own McCormick planes
    const box = boxes[layer.inputs[0]! + 1]!;
    const n = layer.inSize;
    const p = [s.f64(n), s.f64(n), s.f64(n), s.f64(n)] as const;
    const kind = ({ relu: 0, 'leaky-relu': 1, sigmoid: 2, tanh: 3 } as Record<string, number>)[layer.type];
    if (kind === undefined) {
      // the TS-relaxed activations (ops/smooth.ts): fixed lines, nothing to optimise
      base.set(i, { ...smoothLines(layer, f64View(s.x, box.l, n), f64View(s.x, box.u, n)), free: [], lo: 0 });
      return;
    }
    s.x.boundActRelax(kind, box.l, box.u, n, layer.alpha ?? 0, p[0], p[1], p[2], p[3]);
    const [aL, bL, aU, bU] = p.map((q) => f64View(s.x, q, n).slice()) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const l = f64View(s.x, box.l, n), u = f64View(s.x, box.u, n);
    const free: number[] = [];
    if (kind <= 1) for (let j = 0; j < n; j++) if (l[j]! < 0 && u[j]! > 0) free.push(j);
    base.set(i, { aL, bL, aU, bU, free, lo: kind === 1 ? layer.alpha ?? 0 : 0 });
  });
  const m = net.output;
  const lower = new Float64Array(k), upper = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const crow = C.subarray(r * m, r * m + m);
    for (const up of [false, true]) {
      const acts = new Map([...base].map(([i, a]) => [i, { ...a, aL: a.aL.slice() }]));
      let best = up ? Infinity : -Infinity;
      for (let it = 0; it <= o.iterations; it++) {
        const { value, grad } = evaluate(s, net, boxes, region, acts, crow, up);
        best = up ? Math.min(best, value) : Math.max(best, value);
        if (it === o.iterations || o.stop?.()) break;
        // Normalised projected step with a decaying rate (the gradient's scale varies with depth).
        let gmax = 0;
        for (const g of grad.values()) for (const v of g) gmax = Math.max(gmax, Math.abs(v));
        if (gmax === 0) break;
        // 0.9^it from WASM: JavaScript's Math.pow differs in the last bit between engines
        const step = (o.lr * mathWasm(s.fn).mathPow(0.9, it)) / gmax;
        for (const [i, a] of acts) {
          const g = grad.get(i)!;
          a.free.forEach((j, t) => {
            const v = a.aL[j]! + (up ? -step : step) * g[t]!;
            a.aL[j] = Math.min(1, Math.max(a.lo, v));
          });
        }
      }
      (up ? upper : lower)[r] = best;
    }
  }
  return { lower, upper };
}
