/**
 * Element-wise smooth activations without a WASM relaxation: softplus, elu, softsign, erf and gelu
 * (x·Φ(x)). Forward in TS (exp, expm1, σ and softplus from the WASM scalar kernels); IBP by monotonicity, or for gelu (not monotone) the extremes on a grid
 * widened by h/2·sup|f′|; CROWN lines per neuron on [l, u]:
 * - convex f (softplus; elu with α ≤ 1): the chord above, the tangent at the midpoint below;
 * - otherwise (softsign, erf, gelu; elu with α > 1): both lines take the chord's slope a, and each intercept is
 *   the extreme of f(x) − a·x over a grid of G + 1 points plus h/2·sup|f′ − a| (h the grid step),
 *   which bounds how far f − a·x can move between a point and its nearest grid point.
 * On a point box [z, z] both lines are the tangent at z (the gradient pass of verify uses them).
 */
import { ParameterError, describe } from '../../runtime/errors.js';
import { f64View } from '../../runtime/memory.js';
import { mathWasm, type MathKernels } from '../../runtime/math.js';
import type { BoundOp, NetworkLayer } from '../model.js';
import { where } from './common.js';

/**
 * The scalar exp, expm1, sigmoid and softplus in WASM: JavaScript's Math.exp/expm1/log1p differ in the last
 * bit between engines, and bounds must have the same bits in Node and in a browser.
 */
const wm = (): MathKernels => mathWasm('proxkit bounds (smooth activations)');

/**
 * erf(x) to about 1e-15: the Maclaurin series 2/√π Σ (−1)ⁿ x^{2n+1}/(n!(2n + 1)) for |x| ≤ 2 (its
 * largest term is below 3 there, so little is cancelled), and above that 1 − erfc(x) with erfc's
 * continued fraction e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated from the tail.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a <= 2) {
    let term = x, sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(x); // erfc(6) < 2.2e-17
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  const erfc = wm().mathExp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const SQRT1_2 = Math.SQRT1_2;

interface Smooth {
  f(x: number, alpha: number): number;
  df(x: number, alpha: number): number;
  convex(alpha: number): boolean;
  /** Increasing on ℝ (else the interval comes from the grid too). */
  increasing: boolean;
  /** sup over ℝ of |f′| (for the grid margin). */
  dmax(alpha: number): number;
  /** Takes a parameter `alpha` (elu). */
  param: boolean;
}

export const SMOOTH: Record<string, Smooth> = {
  softplus: {
    // log(1 + e^x) without overflow: max(x, 0) + log1p(e^{−|x|}); the derivative σ(x), by its sign
    f: (x) => wm().mathSoftplus(x),
    df: (x) => wm().mathSigmoid(x),
    convex: () => true,
    increasing: true,
    dmax: () => 1,
    param: false,
  },
  elu: {
    f: (x, a) => (x >= 0 ? x : a * wm().mathExpm1(x)),
    df: (x, a) => (x >= 0 ? 1 : a * wm().mathExp(x)),
    convex: (a) => a <= 1,
    increasing: true,
    dmax: (a) => Math.max(1, a),
    param: true,
  },
  softsign: {
    f: (x) => x / (1 + Math.abs(x)),
    df: (x) => 1 / (1 + Math.abs(x)) ** 2,
    convex: () => false,
    increasing: true,
    dmax: () => 1,
    param: false,
  },
  erf: {
    f: (x) => erf(x),
    df: (x) => (2 / Math.sqrt(Math.PI)) * wm().mathExp(-x * x),
    convex: () => false,
    increasing: true,
    dmax: () => 2 / Math.sqrt(Math.PI),
    param: false,
  },
  gelu: {
    // x·Φ(x) = x·(1 + erf(x/√2))/2; not monotone (minimum ≈ −0.17 at x ≈ −0.75); |gelu′| < 1.13
    f: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
    df: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + (x * wm().mathExp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
    convex: () => false,
    increasing: false,
    dmax: () => 1.13,
    param: false,
  },
};

const G = 32;

/** [min, max] of f on [l, u]: the extremes on a grid of G + 1 points widened by h/2·sup|f′|. */
function gridRange(F: Smooth, al: number, l: number, u: number): [number, number] {
  if (!(u > l)) return [F.f(l, al), F.f(l, al)];
  const h = (u - l) / G;
  let lo = Infinity, hi = -Infinity;
  for (let q = 0; q <= G; q++) {
    const v = F.f(q === G ? u : l + q * h, al);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const m = 0.5 * h * F.dmax(al);
  return [lo - m, hi + m];
}

/** Lower and upper lines y ≥ aL·x + bL, y ≤ aU·x + bU of each entry on its box [l, u]. */
export function smoothLines(layer: NetworkLayer, l: ArrayLike<number>, u: ArrayLike<number>): { aL: Float64Array; bL: Float64Array; aU: Float64Array; bU: Float64Array } {
  const F = SMOOTH[layer.type]!;
  const al = layer.alpha ?? 0;
  const n = l.length;
  const aL = new Float64Array(n), bL = new Float64Array(n), aU = new Float64Array(n), bU = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lo = l[j]!, hi = u[j]!;
    const fl = F.f(lo, al);
    if (!(hi > lo)) {
      const d = F.df(lo, al);
      [aL[j], bL[j], aU[j], bU[j]] = [d, fl - d * lo, d, fl - d * lo];
      continue;
    }
    const fh = F.f(hi, al);
    const a = (fh - fl) / (hi - lo);
    if (F.convex(al)) {
      const m = 0.5 * (lo + hi);
      const d = F.df(m, al);
      [aU[j], bU[j]] = [a, fl - a * lo];
      [aL[j], bL[j]] = [d, F.f(m, al) - d * m];
      continue;
    }
    const h = (hi - lo) / G;
    let top = -Infinity, bottom = Infinity;
    for (let q = 0; q <= G; q++) {
      const x = q === G ? hi : lo + q * h;
      const g = F.f(x, al) - a * x;
      top = Math.max(top, g);
      bottom = Math.min(bottom, g);
    }
    const margin = 0.5 * h * (F.dmax(al) + Math.abs(a));
    [aU[j], bU[j], aL[j], bL[j]] = [a, top + margin, a, bottom - margin];
  }
  return { aL, bL, aU, bU };
}

/** The registry entry of one smooth activation type. */
export function smooth(type: keyof typeof SMOOTH): BoundOp {
  const F = SMOOTH[type]!;
  return {
    type,
    arity: 1,
    nonlinear: true,
    parse(spec, index, [n = 0]) {
      let alpha: number | undefined;
      if (F.param) {
        alpha = spec.alpha === undefined ? 1 : (spec.alpha as number);
        if (typeof alpha !== 'number' || !(alpha >= 0 && Number.isFinite(alpha))) {
          throw new ParameterError(`${where(index, type)}: alpha must be a finite number ≥ 0 (got ${describe(spec.alpha)})`);
        }
      }
      return { type, index, inSize: n, outSize: n, ...(alpha === undefined ? {} : { alpha }) };
    },
    forward(s, L, [x], out) {
      const v = f64View(s.x, x!, L.inSize);
      const o = f64View(s.x, out, L.inSize);
      for (let j = 0; j < L.inSize; j++) o[j] = F.f(v[j]!, L.alpha ?? 0);
    },
    interval(s, L, [b]) {
      const box = b!;
      const l = s.f64(box.n), u = s.f64(box.n);
      const [bl, bu, ol, ou] = [f64View(s.x, box.l, box.n), f64View(s.x, box.u, box.n), f64View(s.x, l, box.n), f64View(s.x, u, box.n)];
      for (let j = 0; j < box.n; j++) {
        if (F.increasing) [ol[j], ou[j]] = [F.f(bl[j]!, L.alpha ?? 0), F.f(bu[j]!, L.alpha ?? 0)];
        else [ol[j], ou[j]] = gridRange(F, L.alpha ?? 0, bl[j]!, bu[j]!);
      }
      return { l, u, n: box.n };
    },
    backward(s, L, B, [box], upper) {
      const n = box!.n;
      const lines = smoothLines(L, f64View(s.x, box!.l, n), f64View(s.x, box!.u, n));
      const p = [lines.aL, lines.bL, lines.aU, lines.bU].map((a) => {
        const q = s.f64(n);
        f64View(s.x, q, n).set(a);
        return q;
      }) as [number, number, number, number];
      s.x.boundBackActivation(B.lam, B.k, n, p[0], p[1], p[2], p[3], upper ? 1 : 0, B.lam, B.c);
      return [B];
    },
  };
}
