/**
 * Plain-TS references for the bounds family, written from the definitions (not from the kernels):
 * a forward pass, random networks, and IBP / CROWN written with nested arrays (used by the bench).
 */
import type { LayerSpec, NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

type Layer = LayerSpec;

/** y = f(x) layer by layer, straight from the JSON spec (weight as number[][]). */
export function forwardRef(spec: NetworkSpec, x: ArrayLike<number>): number[] {
  let v = Array.from(x);
  for (const L of spec.layers as Layer[]) {
    switch (L.type) {
      case 'linear': {
        const W = L.weight as number[][];
        const b = (L.bias ?? []) as number[];
        v = W.map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, b[i] ?? 0));
        break;
      }
      case 'relu': v = v.map((z) => (z > 0 ? z : 0)); break;
      case 'leaky-relu': v = v.map((z) => (z > 0 ? z : L.alpha * z)); break;
      case 'sigmoid': v = v.map((z) => 1 / (1 + Math.exp(-z))); break;
      case 'tanh': v = v.map((z) => Math.tanh(z)); break;
      case 'affine': v = v.map((z, i) => (L.scale[i] as number) * z + ((L.shift?.[i] as number | undefined) ?? 0)); break;
    }
  }
  return v;
}

/** A seeded random network: `widths` = [input, hidden…, output], activation after each hidden linear layer. */
export function randomNet(seed: number, widths: number[], acts: LayerSpec['type'][] = ['relu'], scale = 1): NetworkSpec {
  const u = uniforms(seed);
  const layers: LayerSpec[] = [];
  for (let i = 1; i < widths.length; i++) {
    const [n, m] = [widths[i - 1]!, widths[i]!];
    const s = scale / Math.sqrt(n);
    layers.push({
      type: 'linear',
      weight: Array.from({ length: m }, () => Array.from({ length: n }, () => (2 * u() - 1) * 1.7 * s)),
      bias: Array.from({ length: m }, () => (2 * u() - 1) * 0.5),
    });
    if (i < widths.length - 1) {
      const t = acts[(i - 1) % acts.length]!;
      if (t === 'leaky-relu') layers.push({ type: t, alpha: 0.1 });
      else if (t === 'affine') layers.push({ type: t, scale: Array.from({ length: m }, () => 2 * u() - 1), shift: Array.from({ length: m }, () => u() - 0.5) });
      else layers.push({ type: t } as LayerSpec);
    }
  }
  return { input: widths[0]!, layers };
}

/** A linear/ReLU network flattened once for the plain-TS references (row-major W, m × n). */
export interface FlatNet {
  layers: ({ type: 'linear'; W: Float64Array; b: Float64Array; m: number; n: number } | { type: 'relu' })[];
}

export function flatten(spec: NetworkSpec): FlatNet {
  return {
    layers: spec.layers.map((L) => {
      if (L.type === 'relu') return { type: 'relu' as const };
      if (L.type !== 'linear') throw new Error(`flatten: ${L.type} is not supported by the plain-TS reference`);
      const W = L.weight as number[][];
      return { type: 'linear' as const, W: Float64Array.from(W.flat()), b: Float64Array.from(L.bias as number[]), m: W.length, n: W[0]!.length };
    }),
  };
}

/** Interval y = Wx + b over [l, u] from the definition (W⁺l + W⁻u + b, W⁺u + W⁻l + b). */
function intervalRef(W: Float64Array, b: Float64Array, m: number, n: number, l: Float64Array, u: Float64Array): [Float64Array, Float64Array] {
  const ol = new Float64Array(m), ou = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let lo = b[i]!, hi = b[i]!;
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j]!;
      if (w > 0) { lo += w * l[j]!; hi += w * u[j]!; } else { lo += w * u[j]!; hi += w * l[j]!; }
    }
    ol[i] = lo; ou[i] = hi;
  }
  return [ol, ou];
}

function ibpStep(L: FlatNet['layers'][number], l: Float64Array, u: Float64Array): [Float64Array, Float64Array] {
  if (L.type === 'linear') return intervalRef(L.W, L.b, L.m, L.n, l, u);
  return [l.map((z) => Math.max(z, 0)), u.map((z) => Math.max(z, 0))];
}

/** IBP in plain TS (linear + ReLU nets). */
export function ibpRef(net: FlatNet, lo: ArrayLike<number>, hi: ArrayLike<number>): { lower: Float64Array; upper: Float64Array } {
  let l: Float64Array = Float64Array.from(lo), u: Float64Array = Float64Array.from(hi);
  for (const L of net.layers) [l, u] = ibpStep(L, l, u);
  return { lower: l, upper: u };
}

/**
 * CROWN in plain TS (linear + ReLU nets, box input), from the definition: backward Λ ← ΛW, c ← c + Λb;
 * through a ReLU on [l, u] the chord u(x − l)/(u − l) for the side that bounds, the adaptive slope
 * (1 if u > −l else 0) for the other; pre-activation boxes refined the same way and intersected with IBP.
 */
export function crownRef(net: FlatNet, lo: ArrayLike<number>, hi: ArrayLike<number>): { lower: Float64Array; upper: Float64Array } {
  const layers = net.layers;
  const x0l = Float64Array.from(lo), x0u = Float64Array.from(hi);
  const pre: [Float64Array, Float64Array][] = [];
  const bound = (t: number, upper: boolean, k: number): Float64Array => {
    let w = k;
    let lam = new Float64Array(k * k);
    for (let r = 0; r < k; r++) lam[r * k + r] = 1;
    const c = new Float64Array(k);
    for (let i = t - 1; i >= 0; i--) {
      const L = layers[i]!;
      if (L.type === 'linear') {
        const next = new Float64Array(k * L.n);
        for (let r = 0; r < k; r++) {
          for (let j = 0; j < L.m; j++) {
            const a = lam[r * w + j]!;
            if (a === 0) continue;
            c[r] = c[r]! + a * L.b[j]!;
            for (let q = 0; q < L.n; q++) next[r * L.n + q] = next[r * L.n + q]! + a * L.W[j * L.n + q]!;
          }
        }
        lam = next;
        w = L.n;
      } else {
        const [l, u] = pre[i]!;
        for (let j = 0; j < w; j++) {
          const [lj, uj] = [l[j]!, u[j]!];
          const [au, bu] = lj >= 0 ? [1, 0] : uj <= 0 ? [0, 0] : [uj / (uj - lj), -(uj * lj) / (uj - lj)];
          const al = lj >= 0 ? 1 : uj <= 0 ? 0 : uj > -lj ? 1 : 0;
          for (let r = 0; r < k; r++) {
            const a = lam[r * w + j]!;
            if (upper === a > 0) { c[r] = c[r]! + a * bu!; lam[r * w + j] = a * au; } else lam[r * w + j] = a * al;
          }
        }
      }
    }
    const out = new Float64Array(k);
    for (let r = 0; r < k; r++) {
      let s = c[r]!;
      for (let j = 0; j < w; j++) {
        const a = lam[r * w + j]!;
        s += a > 0 === upper ? a * x0u[j]! : a * x0l[j]!;
      }
      out[r] = s;
    }
    return out;
  };
  let l: Float64Array = x0l, u: Float64Array = x0u;
  for (let t = 0; t < layers.length; t++) {
    const L = layers[t]!;
    if (L.type !== 'linear' && t > 0) {
      const cl = bound(t, false, l.length), cu = bound(t, true, l.length);
      l = l.map((v, j) => Math.max(v, cl[j]!));
      u = u.map((v, j) => Math.min(v, cu[j]!));
    }
    pre[t] = [l, u];
    [l, u] = ibpStep(L, l, u);
  }
  return { lower: bound(layers.length, false, l.length), upper: bound(layers.length, true, l.length) };
}
