/**
 * The bounds family: IBP, CROWN, CROWN-IBP and α-CROWN through `computeBounds` (WASM kernels)
 * against the same propagation written in plain TS on Float64Arrays (test/bounds/reference.ts), on
 * seeded ReLU MLPs, and a conv + residual network against its dense twin (every conv replaced by its
 * Toeplitz matrix as a linear layer). Size key → network: 1e3 → 5-50×6-3 (the 6 × 50 MLP
 * with 5 inputs), 1e5 → 100-128-128-10, 1e6 → 784-256-256-10; L∞ box of radius 0.01 around a
 * seeded point. The header's params give bounds per second (outputs bounded, lower and upper counted
 * once, per second of median time) for each candidate.
 */
import { computeBounds, parseNetwork, type BoundsNetwork, type LayerSpec, type NetworkSpec } from '../../bindings/index.js';
import { convAsLinear, crownRef, flatten, ibpRef, randomNet } from '../../test/bounds/reference.js';
import { uniforms } from '../../test/helpers.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const NETS: Record<number, number[]> = { 1e3: [5, 50, 50, 50, 50, 50, 50, 3], 1e5: [100, 128, 128, 10], 1e6: [784, 256, 256, 10] };
const RADIUS = 0.01;
type Method = 'ibp' | 'crown' | 'crown-ibp' | 'alpha-crown';
const KERNEL: Record<Method, string> = { ibp: 'boundsIbp', crown: 'boundsCrown', 'crown-ibp': 'boundsCrownIbp', 'alpha-crown': 'boundsAlphaCrown' };

/** Adds "bounds/s <candidate>" = outputs / median seconds to the case's params (printed in its header). */
function withRates(r: CaseResult, outputs: number): CaseResult {
  for (const c of r.candidates) r.params[`bounds/s ${c.key}`] = Math.round(outputs / c.median);
  return r;
}

/** A candidate calling computeBounds and copying [lower, upper] into a JS array. */
function publicCandidate(key: string, name: string, net: BoundsNetwork, boxes: { lower: Float64Array; upper: Float64Array }[], method: Method, k: number): CaseCandidate {
  const out = new Float64Array(2 * k);
  return {
    key, name, ...onJs(out),
    call: (i) => { const r = computeBounds(net, boxes[i]!, { method }); out.set(r.lower); out.set(r.upper, k); },
  };
}

function benchMethod(ctx: BenchContext, method: Method, seeds: Record<number, number>): CaseResult[] {
  return forEachSize(ctx, seeds, ({ n, seed, inputs }) => {
    const widths = NETS[n]!;
    const spec = randomNet(seed, widths);
    const net = parseNetwork(spec);
    const flat = flatten(spec);
    const d = widths[0]!;
    const k = widths[widths.length - 1]!;
    const boxes = inputs.slice(0, 2).map((v) => ({ lower: v.subarray(0, d).map((x) => x - RADIUS), upper: v.subarray(0, d).map((x) => x + RADIUS) }));
    const candidates = [publicCandidate('public', `computeBounds ${method} (WASM kernels)`, net, boxes, method, k)];
    const ratios: Record<string, [string, string]> = {};
    let references: Float64Array[];
    if (method === 'alpha-crown') {
      // No plain-TS α-CROWN: the reference is the first call's output (a determinism check), and the
      // ratio is α-CROWN's cost over CROWN's (20 projected-gradient steps per output and side).
      references = boxes.map((b) => { const r = computeBounds(net, b, { method }); return Float64Array.from([...r.lower, ...r.upper]); });
      const crownOut = new Float64Array(2 * k);
      let last = 0;
      candidates.push({
        key: 'crown', name: 'computeBounds crown (timing only; its output is not checked)', poison: () => crownOut.fill(NaN), output: () => references[last]!,
        call: (i) => { last = i; const r = computeBounds(net, boxes[i]!, { method: 'crown' }); crownOut.set(r.lower); crownOut.set(r.upper, k); },
      });
      ratios['crown vs alpha-crown (cost of α)'] = ['public', 'crown'];
    } else {
      const ref = (b: { lower: Float64Array; upper: Float64Array }) => (method === 'ibp' ? ibpRef(flat, b.lower, b.upper) : crownRef(flat, b.lower, b.upper, method === 'crown-ibp'));
      references = boxes.map((b) => { const r = ref(b); return Float64Array.from([...r.lower, ...r.upper]); });
      const outJ = new Float64Array(2 * k);
      candidates.push({
        key: 'plainTS', name: `plain TS ${method} (Float64Array loops)`, ...onJs(outJ),
        call: (i) => { const r = ref(boxes[i]!); outJ.set(r.lower); outJ.set(r.upper, k); },
      });
      ratios['public API vs plain-TS'] = ['plainTS', 'public'];
    }
    const weights = widths.slice(1).reduce((s, m, i) => s + m * widths[i]!, 0);
    const r = runCase({ kernel: KERNEL[method], n, seed, params: { weights, layers: widths.length - 1, radius: RADIUS } }, candidates, references, ratios, ctx.timer);
    return withRates(r, k);
  });
}

/** IBP on the three MLPs. */
export const benchBoundsIbp = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'ibp', { 1e3: 7003, 1e5: 7005, 1e6: 7006 });
/** CROWN on the three MLPs. */
export const benchBoundsCrown = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'crown', { 1e3: 7103, 1e5: 7105, 1e6: 7106 });
/** CROWN-IBP on the three MLPs. */
export const benchBoundsCrownIbp = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'crown-ibp', { 1e3: 7203, 1e5: 7205, 1e6: 7206 });
/** α-CROWN on the three MLPs. */
export const benchBoundsAlphaCrown = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'alpha-crown', { 1e3: 7303, 1e5: 7305, 1e6: 7306 });

/** Image side per size key of the conv + residual case. */
const SIDE: Record<number, number> = { 1e3: 8, 1e5: 12, 1e6: 16 };

/** A seeded conv + residual net on a 1×H×H image: conv 3×3 (6 ch, pad 1) → relu → conv 3×3 → add → relu → conv 3×3 stride 2 (8 ch) → relu → linear 10. */
function convResNet(seed: number, H: number): NetworkSpec {
  const u = uniforms(seed);
  const w = (len: number, fan: number): number[] => Array.from({ length: len }, () => ((2 * u() - 1) * 1.7) / Math.sqrt(fan));
  const conv = (C: number, H: number, K: number, stride = 1): Extract<LayerSpec, { type: 'conv2d' }> =>
    ({ type: 'conv2d', inShape: [C, H, H], outChannels: K, kernel: [3, 3], padding: [1, 1, 1, 1], stride: [stride, stride], weight: w(K * C * 9, C * 9), bias: w(K, 4) });
  return {
    input: [1, H, H],
    layers: [
      conv(1, H, 6), { type: 'relu' }, { ...conv(6, H, 6), inputs: [1] }, { type: 'add', inputs: [1, 2] }, { type: 'relu' },
      conv(6, H, 8, 2), { type: 'relu' }, { type: 'linear', weight: w((10 * 8 * H * H) / 4, (8 * H * H) / 4), shape: [10, (8 * H * H) / 4], bias: w(10, 4) },
    ],
  };
}

/**
 * IBP and CROWN on the conv + residual net (8×8, 12×12, 16×16 images for n = 1e3, 1e5, 1e6) vs the
 * same net with dense (Toeplitz) layers (up to 12×12: CROWN's dense twin at 16×16 costs seconds per
 * call); L∞ radius 0.01.
 */
function benchConv(ctx: BenchContext, method: Method, seed: number): CaseResult[] {
  return forEachSize(ctx, { 1e3: seed, 1e5: seed + 2, 1e6: seed + 3 }, ({ n, seed: sd, inputs }) => {
    const H = SIDE[n]!;
    const spec = convResNet(sd, H);
    const twin: NetworkSpec = { ...spec, layers: spec.layers.map((L) => (L.type === 'conv2d' ? convAsLinear(L) : L)) };
    const [net, dense] = [parseNetwork(spec), parseNetwork(twin)];
    const boxes = inputs.slice(0, 2).map((v) => {
      const x = Float64Array.from({ length: H * H }, (_, j) => v[j % v.length]!);
      return { lower: x.map((t) => t - RADIUS), upper: x.map((t) => t + RADIUS) };
    });
    const references = boxes.map((b) => { const r = computeBounds(dense, b, { method }); return Float64Array.from([...r.lower, ...r.upper]); });
    const withDense = H <= 12;
    const candidates = [
      publicCandidate('conv', `computeBounds ${method}, conv2d kernels`, net, boxes, method, 10),
      ...(withDense ? [publicCandidate('dense', `computeBounds ${method}, convs as dense Toeplitz layers`, dense, boxes, method, 10)] : []),
    ];
    const ratios: Record<string, [string, string]> = withDense ? { 'conv kernels vs dense': ['dense', 'conv'] } : {};
    const r = runCase({ kernel: `${KERNEL[method]}ConvRes`, n, seed: sd, params: { pixels: H * H, layers: spec.layers.length, radius: RADIUS } }, candidates, references, ratios, ctx.timer);
    return withRates(r, 10);
  });
}

/** IBP on the conv + residual net. */
export const benchBoundsConvIbp = (ctx: BenchContext): CaseResult[] => benchConv(ctx, 'ibp', 7403);
/** CROWN on the conv + residual net. */
export const benchBoundsConvCrown = (ctx: BenchContext): CaseResult[] => benchConv(ctx, 'crown', 7503);
