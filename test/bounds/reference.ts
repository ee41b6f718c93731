/**
 * Plain-TS references for the bounds family, written from the definitions (not from the kernels):
 * a forward pass, random networks, and IBP / CROWN written with nested arrays (used by the bench).
 */
import type { BoundsRegion, LayerSpec, NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

type Layer = LayerSpec;

/** The geometry of a conv2d spec from the definition: outH = ⌊(H + top + bottom − dh(kh − 1) − 1)/sh⌋ + 1 (same for W). */
export function convShape(L: Extract<LayerSpec, { type: 'conv2d' }>): { C: number; H: number; W: number; K: number; outH: number; outW: number } {
  const [C, H, W] = L.inShape;
  const [kh, kw] = L.kernel;
  const [sh, sw] = L.stride ?? [1, 1];
  const [pt, pl, pb, pr] = L.padding ?? [0, 0, 0, 0];
  const [dh, dw] = L.dilation ?? [1, 1];
  return { C, H, W, K: L.outChannels, outH: Math.floor((H + pt + pb - dh * (kh - 1) - 1) / sh) + 1, outW: Math.floor((W + pl + pr - dw * (kw - 1) - 1) / sw) + 1 };
}

/**
 * The convolution as a dense (Toeplitz) matrix T (K·outH·outW × C·H·W, row-major), built entry by
 * entry from the definition y[k, oy, ox] = b[k] + Σ w[k, c, ky, kx]·x[c, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw].
 */
export function toeplitz(L: Extract<LayerSpec, { type: 'conv2d' }>): { T: Float64Array; m: number; n: number; bias: Float64Array } {
  const { C, H, W, K, outH, outW } = convShape(L);
  const [kh, kw] = L.kernel;
  const [sh, sw] = L.stride ?? [1, 1];
  const [pt, pl] = L.padding ?? [0, 0, 0, 0];
  const [dh, dw] = L.dilation ?? [1, 1];
  const m = K * outH * outW, n = C * H * W;
  const T = new Float64Array(m * n);
  const bias = new Float64Array(m);
  for (let k = 0; k < K; k++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const row = (k * outH + oy) * outW + ox;
        bias[row] = L.bias ? L.bias[k]! : 0;
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const q = row * n + (c * H + iy) * W + ix;
              T[q] = T[q]! + L.weight[((k * C + c) * kh + ky) * kw + kx]!;
            }
          }
        }
      }
    }
  }
  return { T, m, n, bias };
}

/** The conv2d layer replaced by the equivalent dense linear layer (its Toeplitz matrix). */
export function convAsLinear(L: Extract<LayerSpec, { type: 'conv2d' }>): LayerSpec {
  const { T, m, n, bias } = toeplitz(L);
  return { type: 'linear', weight: Array.from(T), shape: [m, n], bias: Array.from(bias), ...(L.inputs ? { inputs: L.inputs } : {}) };
}

type Step = (vals: Float64Array[]) => Float64Array;

/** erf(x) = (2/√π)∫₀ˣ e^{−t²} dt by composite Simpson on 4096 intervals of [0, min(|x|, 7)] (error far below 1e-13). */
export function erfRef(x: number): number {
  const a = Math.min(Math.abs(x), 7);
  const N = 4096, h = a / N;
  let s = 1 + Math.exp(-a * a);
  for (let i = 1; i < N; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return (Math.sign(x) * 2 * h * s) / (3 * Math.sqrt(Math.PI));
}

/** One plain-TS step per layer from the definitions (flat row-major arrays). */
function stepOf(L: LayerSpec, size: (j: number) => number, i: number): Step {
  const ins = L.inputs ?? [i - 1];
  const at = (vals: Float64Array[], q: number): Float64Array => vals[ins[q]! + 1]!;
  const dense = (W: Float64Array, b: Float64Array, m: number, n: number): Step => (vals) => {
    const x = at(vals, 0);
    const y = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      let acc = b[r]!;
      for (let j = 0; j < n; j++) acc += W[r * n + j]! * x[j]!;
      y[r] = acc;
    }
    return y;
  };
  switch (L.type) {
    case 'linear': {
      const rows = typeof (L.weight as ArrayLike<unknown>)[0] === 'object';
      const W = rows ? Float64Array.from(Array.from(L.weight as ArrayLike<ArrayLike<number>>, (r) => Array.from(r)).flat()) : Float64Array.from(L.weight as ArrayLike<number>);
      const n = size(ins[0]!);
      const m = W.length / n;
      return dense(W, L.bias ? Float64Array.from(L.bias) : new Float64Array(m), m, n);
    }
    case 'conv2d': {
      const { T, m, n, bias } = toeplitz(L);
      return dense(T, bias, m, n);
    }
    case 'relu': return (v) => at(v, 0).map((z) => (z > 0 ? z : 0));
    case 'leaky-relu': return (v) => at(v, 0).map((z) => (z > 0 ? z : L.alpha * z));
    case 'sigmoid': return (v) => at(v, 0).map((z) => 1 / (1 + Math.exp(-z)));
    case 'tanh': return (v) => at(v, 0).map((z) => Math.tanh(z));
    case 'softplus': return (v) => at(v, 0).map((z) => Math.log(1 + Math.exp(z)));
    case 'elu': return (v) => at(v, 0).map((z) => (z > 0 ? z : (L.alpha ?? 1) * (Math.exp(z) - 1)));
    case 'softsign': return (v) => at(v, 0).map((z) => z / (1 + Math.abs(z)));
    case 'erf': return (v) => at(v, 0).map(erfRef);
    case 'gelu': return (v) => at(v, 0).map((z) => 0.5 * z * (1 + erfRef(z / Math.SQRT2)));
    case 'affine': return (v) => at(v, 0).map((z, j) => (L.scale[j] as number) * z + ((L.shift?.[j] as number | undefined) ?? 0));
    case 'add': return (v) => at(v, 0).map((z, j) => z + at(v, 1)[j]!);
    case 'sub': return (v) => at(v, 0).map((z, j) => z - at(v, 1)[j]!);
    case 'mul': return (v) => at(v, 0).map((z, j) => z * at(v, 1)[j]!);
    case 'identity': return (v) => at(v, 0).slice();
  }
}

const compiled = new WeakMap<NetworkSpec, (x: ArrayLike<number>) => Float64Array>();

/** The network as a plain-TS function of its flattened input (DAG: node j's value at slot j + 1). */
export function compileRef(spec: NetworkSpec): (x: ArrayLike<number>) => Float64Array {
  let f = compiled.get(spec);
  if (f) return f;
  const n0 = typeof spec.input === 'number' ? spec.input : spec.input.reduce((a, b) => a * b, 1);
  const sizes: number[] = [];
  const size = (j: number): number => (j < 0 ? n0 : sizes[j]!);
  const probe: Float64Array[] = [new Float64Array(n0)];
  const steps = spec.layers.map((L, i) => {
    const st = stepOf(L, size, i);
    probe[i + 1] = st(probe);
    sizes[i] = probe[i + 1]!.length;
    return st;
  });
  f = (x) => {
    const vals: Float64Array[] = [Float64Array.from(x)];
    for (let i = 0; i < steps.length; i++) vals[i + 1] = steps[i]!(vals);
    return vals[steps.length]!;
  };
  compiled.set(spec, f);
  return f;
}

/** y = f(x) from the JSON spec (chains and DAGs: linear, conv2d, activations, affine, add/sub, identity). */
export function forwardRef(spec: NetworkSpec, x: ArrayLike<number>): number[] {
  return Array.from(compileRef(spec)(x));
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
 * (1 if u > −l else 0) for the other; pre-activation boxes refined the same way and intersected with IBP
 * (`ibpBoxes`: CROWN-IBP, the pre-activation boxes are IBP's and only the output is bounded backward).
 */
export function crownRef(net: FlatNet, lo: ArrayLike<number>, hi: ArrayLike<number>, ibpBoxes = false): { lower: Float64Array; upper: Float64Array } {
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
    if (L.type !== 'linear' && t > 0 && !ibpBoxes) {
      const cl = bound(t, false, l.length), cu = bound(t, true, l.length);
      l = l.map((v, j) => Math.max(v, cl[j]!));
      u = u.map((v, j) => Math.min(v, cu[j]!));
    }
    pre[t] = [l, u];
    [l, u] = ibpStep(L, l, u);
  }
  return { lower: bound(layers.length, false, l.length), upper: bound(layers.length, true, l.length) };
}

/** Points of a region: uniform in a box (a third of coordinates at a face), or in a ball. */
export function sampler(seed: number, region: BoundsRegion, n: number): () => number[] {
  const u = uniforms(seed);
  if ('lower' in region) {
    return () =>
      Array.from({ length: n }, (_, i) => {
        const [l, h] = [region.lower[i]!, region.upper[i]!];
        const r = u();
        return r < 1 / 6 ? l : r < 1 / 3 ? h : l + (h - l) * u();
      });
  }
  const { center, radius, norm = 'inf' } = region;
  return () => {
    let d: number[];
    if (norm === 'inf') d = Array.from({ length: n }, () => (u() < 0.3 ? (u() < 0.5 ? -1 : 1) : 2 * u() - 1));
    else if (norm === 2) {
      const g = Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
      const s = Math.hypot(...g) || 1;
      const rho = u() < 0.3 ? 1 : Math.pow(u(), 1 / n);
      d = g.map((x) => (x / s) * rho);
    } else {
      const e = Array.from({ length: n + 1 }, () => -Math.log(1 - u()));
      const s = e.reduce((a, b) => a + b, 0);
      const onSurface = u() < 0.3;
      const tot = onSurface ? s - e[n]! : s;
      d = Array.from({ length: n }, (_, i) => ((u() < 0.5 ? -1 : 1) * e[i]!) / tot);
    }
    return d.map((x, i) => center[i]! + radius * x);
  };
}


/** Options of `randomDag`. */
export interface DagOptions {
  /** Input size, or [C, H, W] to start with a conv block (conv → act → conv (3×3, same shape) → add → act). */
  input: number | [number, number, number];
  /** Number of linear / conv layers (the conv block counts 2). */
  depth: number;
  /** Width of the hidden linear layers. */
  width: number;
  out: number;
  acts?: LayerSpec['type'][];
  /** Weight scale (default 1: weights uniform in ±1.7/√fan-in). */
  scale?: number;
}

/**
 * A seeded random feed-forward DAG: an optional conv block with a residual add (random kernel, stride,
 * padding and dilation for the first conv), then linear + activation blocks with residual add / sub
 * to the previous block when sizes match, identity layers, and now and then a dead layer (one the
 * output does not depend on).
 */
export function randomDag(seed: number, o: DagOptions): NetworkSpec {
  const u = uniforms(seed);
  const acts = o.acts ?? ['relu'];
  const scale = o.scale ?? 1;
  const layers: LayerSpec[] = [];
  const sizes: number[] = [];
  const push = (L: LayerSpec, size: number): number => (layers.push(L), sizes.push(size), layers.length - 1);
  const rnd = (len: number, s: number): number[] => Array.from({ length: len }, () => (2 * u() - 1) * s);
  let a = 0;
  const act = (k: number): number => {
    const t = acts[a++ % acts.length]!;
    const n = sizes[k]!;
    if (t === 'leaky-relu') return push({ type: t, alpha: 0.1, inputs: [k] }, n);
    if (t === 'affine') return push({ type: t, scale: rnd(n, 1), shift: rnd(n, 0.5), inputs: [k] }, n);
    return push({ type: t, inputs: [k] } as LayerSpec, n);
  };
  let cur = -1;
  let n = typeof o.input === 'number' ? o.input : o.input[0] * o.input[1] * o.input[2];
  let linears = 0;
  let skip = -1; // a node the next block may add to (-1: the input)
  let skipSize = n;
  if (Array.isArray(o.input)) {
    const [C, H, W] = o.input;
    const K = 2 + Math.floor(u() * 2);
    const kernel: [number, number] = [2 + Math.floor(u() * 2), 2 + Math.floor(u() * 2)];
    const stride: [number, number] = [1 + Math.floor(u() * 2), 1 + Math.floor(u() * 2)];
    const padding: [number, number, number, number] = [0, 0, 0, 0].map(() => Math.floor(u() * 2)) as [number, number, number, number];
    const dilation: [number, number] = [u() < 0.3 ? 2 : 1, u() < 0.3 ? 2 : 1];
    const c1: Extract<LayerSpec, { type: 'conv2d' }> = {
      type: 'conv2d', inShape: [C, H, W], outChannels: K, kernel, stride, padding, dilation,
      weight: rnd(K * C * kernel[0] * kernel[1], (1.7 * scale) / Math.sqrt(C * kernel[0] * kernel[1])), bias: rnd(K, 0.3),
    };
    const g = convShape(c1);
    const a1 = act(push(c1, K * g.outH * g.outW));
    const c2 = push({
      type: 'conv2d', inShape: [K, g.outH, g.outW], outChannels: K, kernel: [3, 3], padding: [1, 1, 1, 1],
      weight: rnd(K * K * 9, (1.7 * scale) / Math.sqrt(K * 9)), bias: rnd(K, 0.3), inputs: [a1],
    }, K * g.outH * g.outW);
    cur = act(push({ type: 'add', inputs: [a1, c2] }, K * g.outH * g.outW));
    n = K * g.outH * g.outW;
    linears = 2;
    skip = cur;
    skipSize = n;
  }
  while (linears < o.depth - 1) {
    const lin = push({ type: 'linear', weight: rnd(o.width * n, (1.7 * scale) / Math.sqrt(n)), shape: [o.width, n], bias: rnd(o.width, 0.5), inputs: [cur] }, o.width);
    cur = act(lin);
    if (skipSize === o.width && u() < 0.7) cur = push({ type: u() < 0.5 ? 'add' : 'sub', inputs: [cur, skip] }, o.width);
    if (u() < 0.2) cur = push({ type: 'identity', inputs: [cur] }, o.width);
    if (u() < 0.2) push({ type: 'linear', weight: rnd(2 * o.width, 1), shape: [2, o.width], inputs: [cur] }, 2); // dead
    skip = cur;
    skipSize = n = o.width;
    linears++;
  }
  push({ type: 'linear', weight: rnd(o.out * n, (1.7 * scale) / Math.sqrt(n)), shape: [o.out, n], bias: rnd(o.out, 0.5), inputs: [cur] }, o.out);
  return { input: o.input, layers };
}

/** A fresh copy of the 2 → 3 (ReLU) → 2 network the API, range and conventions tests call every bounds function with. */
export const smallSpec = (): NetworkSpec =>
  ({
    input: 2,
    layers: [
      { type: 'linear', weight: [[1, -1], [0.5, 2], [-1, 1]], bias: [0, 0.1, -0.1] },
      { type: 'relu' },
      { type: 'linear', weight: [[1, -1, 0.5], [-0.5, 1, 1]], bias: [0, 0] },
    ],
  }) as NetworkSpec;
