/**
 * The ONNX operators loadOnnx rewrites into exact layer graphs (grouped Conv, MaxPool, Pad, Clip, PRelu,
 * Slice / Split / Concat of computed tensors, ReduceMean / ReduceSum, ConvTranspose) and FLOAT16
 * initializers. Each model is checked twice against a plain reference written here from the ONNX
 * operator definitions: the exact forward pass on random inputs, and every bounding method's bounds
 * against the reference outputs of 10⁴ sampled inputs of a box.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeBounds, evaluateNetwork, init, verifyNetwork } from '../../bindings/index.js';
import { OnnxError, exportOnnx, loadOnnx, onnxToSpec } from '../../bindings/onnx.js';
import { randomVector, uniforms } from '../helpers.js';
import { build, type Build, type Init } from './onnxbuild.js';
import { erfRef } from './reference.js';

beforeAll(() => init());

type Vec = number[];
type Shape3 = [number, number, number];

const rand = (seed: number, n: number, scale = 1): Vec => Array.from(randomVector(seed, n), (v) => v * scale);

// ------------------------------------------------------------------------------------------------
// Plain references (flat row-major tensors without the batch axis).

/** Grouped 2-D convolution: y[k, i, j] = b[k] + Σ_{c in k's group} Σ_{p, q} W[k, c − c0, p, q]·x[c, i·s + p·d − pad, j·s + q·d − pad]. */
function convRef(x: Vec, [C, H, W]: Shape3, w: Vec, b: Vec, K: number, [kh, kw]: [number, number], s: [number, number], pads: number[], d: [number, number], group = 1): { y: Vec; shape: Shape3 } {
  const oH = Math.floor((H + pads[0]! + pads[2]! - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const oW = Math.floor((W + pads[1]! + pads[3]! - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const cg = C / group, kg = K / group;
  const y: Vec = [];
  for (let k = 0; k < K; k++) {
    const c0 = Math.floor(k / kg) * cg;
    for (let i = 0; i < oH; i++) {
      for (let j = 0; j < oW; j++) {
        let v = b[k] ?? 0;
        for (let c = 0; c < cg; c++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
          const ii = i * s[0] + p * d[0] - pads[0]!, jj = j * s[1] + q * d[1] - pads[1]!;
          if (ii >= 0 && ii < H && jj >= 0 && jj < W) v += w[((k * cg + c) * kh + p) * kw + q]! * x[((c0 + c) * H + ii) * W + jj]!;
        }
        y.push(v);
      }
    }
  }
  return { y, shape: [K, oH, oW] };
}

/** MaxPool: the maximum over the window positions inside the input (padding never wins). */
function maxPoolRef(x: Vec, [C, H, W]: Shape3, [kh, kw]: [number, number], s: [number, number], pads: number[], d: [number, number] = [1, 1]): { y: Vec; shape: Shape3 } {
  const oH = Math.floor((H + pads[0]! + pads[2]! - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const oW = Math.floor((W + pads[1]! + pads[3]! - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const y: Vec = [];
  for (let c = 0; c < C; c++) for (let i = 0; i < oH; i++) for (let j = 0; j < oW; j++) {
    let m = -Infinity;
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const ii = i * s[0] + p * d[0] - pads[0]!, jj = j * s[1] + q * d[1] - pads[1]!;
      if (ii >= 0 && ii < H && jj >= 0 && jj < W) m = Math.max(m, x[(c * H + ii) * W + jj]!);
    }
    y.push(m);
  }
  return { y, shape: [C, oH, oW] };
}

/** y = W·x + b with W given as ONNX Gemm's B with transB = 1 ([m, n] row-major). */
const gemmRef = (x: Vec, W: Vec, b: Vec): Vec => b.map((bi, i) => x.reduce((s, xj, j) => s + W[i * x.length + j]! * xj, bi));
const relu = (v: Vec): Vec => v.map((z) => Math.max(0, z));

// ------------------------------------------------------------------------------------------------
// The harness: a model = nodes ending in 'h' (any shape), then Flatten and a Gemm to 3 outputs.

interface Case {
  input: number[];
  nodes: Build['nodes'];
  inits?: Init[];
  opset?: number;
  /** The reference of the nodes up to 'h', flattened. */
  ref: (x: Vec) => Vec;
  /** Size of 'h'. */
  hidden: number;
  /** The nodes are linear (CROWN is then exact, like IBP, and cannot be tighter). */
  linear?: boolean;
  /** CROWN need not beat IBP anywhere (a product's McCormick planes through a long chain). */
  noTightness?: boolean;
}

function model(c: Case, seed: number): { bytes: Uint8Array; f: (x: Vec) => Vec; n: number } {
  const G = rand(seed, 3 * c.hidden, 1 / Math.sqrt(c.hidden)), gb = rand(seed + 1, 3);
  const bytes = build({
    input: ['x', c.input],
    nodes: [...c.nodes, { op: 'Flatten', in: ['h'], out: ['f'] }, { op: 'Gemm', in: ['f', 'G', 'gb'], out: ['y'], attrs: { transB: 1 } }],
    inits: [...(c.inits ?? []), { name: 'G', dims: [3, c.hidden], values: G, type: 'double' }, { name: 'gb', dims: [3], values: gb, type: 'double' }],
    opset: c.opset,
  });
  const n = c.input.slice(1).reduce((a, b) => a * b, 1);
  return { bytes, f: (x) => gemmRef(c.ref(x), G, gb), n };
}

/** Forward pass = reference on 20 inputs; the bounds of every method hold on 10⁴ samples of a box (reference outputs). */
function check(c: Case, seed: number, radius = 0.4): void {
  const { bytes, f, n } = model(c, seed);
  const net = loadOnnx(bytes);
  for (let t = 0; t < 20; t++) {
    const x = rand(seed + 10 + t, n);
    const want = f(x);
    const got = evaluateNetwork(net, x);
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(v))));
  }
  const centre = rand(seed + 50, n);
  const lower = centre.map((v) => v - radius), upper = centre.map((v) => v + radius);
  const bounds = (['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const).map((method) => computeBounds(net, { lower, upper }, { method }));
  const u = uniforms(seed + 51);
  let worst = Infinity;
  for (let s = 0; s < 10_000; s++) {
    // Half the samples on a random corner-ish point (each coordinate at an end with probability 1/2), where maxima tend to sit.
    const x = lower.map((l, i) => (s % 2 && u() < 0.5 ? (u() < 0.5 ? l : upper[i]!) : l + u() * (upper[i]! - l)));
    const y = f(x);
    for (const b of bounds) {
      y.forEach((v, i) => {
        worst = Math.min(worst, v - b.lower[i]!, b.upper[i]! - v);
      });
    }
  }
  expect(worst).toBeGreaterThanOrEqual(-1e-9);
  // CROWN is tighter than IBP somewhere: the relaxation is used, not only intervals.
  if (!c.linear && !c.noTightness) expect(bounds[1]!.upper.some((v, i) => v < bounds[0]!.upper[i]! - 1e-9)).toBe(true);
}

// ------------------------------------------------------------------------------------------------

describe('loadOnnx: operators rewritten into exact layer graphs, sound by sampling', () => {
  it('grouped and depthwise Conv (block weights, zero across groups)', () => {
    const w = rand(1, 6 * 2 * 3 * 3), b = rand(2, 6);
    check({
      input: [1, 4, 5, 5], hidden: 6 * 2 * 2,
      nodes: [{ op: 'Conv', name: 'g2', in: ['x', 'w', 'b'], out: ['h'], attrs: { group: 2, pads: [1, 0, 0, 1], strides: [2, 2], kernel_shape: [3, 3] } }],
      inits: [{ name: 'w', dims: [6, 2, 3, 3], values: w, type: 'double' }, { name: 'b', dims: [6], values: b, type: 'double' }],
      ref: (x) => convRef(x, [4, 5, 5], w, b, 6, [3, 3], [2, 2], [1, 0, 0, 1], [1, 1], 2).y,
    }, 100);
    const dw = rand(3, 4 * 1 * 2 * 2);
    check({
      input: [1, 4, 4, 4], hidden: 4 * 3 * 3,
      nodes: [{ op: 'Conv', in: ['x', 'w'], out: ['c'], attrs: { group: 4 } }, { op: 'Relu', in: ['c'], out: ['h'] }],
      inits: [{ name: 'w', dims: [4, 1, 2, 2], values: dw, type: 'double' }],
      ref: (x) => relu(convRef(x, [4, 4, 4], dw, [], 4, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1], 4).y),
    }, 200);
  });

  it('MaxPool: overlapping windows on signed values, and padded windows after a Relu', () => {
    const w = rand(4, 3 * 2 * 2 * 2), b = rand(5, 3);
    const conv = (x: Vec) => convRef(x, [2, 5, 6], w, b, 3, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1]).y; // [3, 4, 5]
    check({
      input: [1, 2, 5, 6], hidden: 3 * 1 * 4,
      nodes: [{ op: 'Conv', in: ['x', 'w', 'b'], out: ['c'] }, { op: 'MaxPool', in: ['c'], out: ['h'], attrs: { kernel_shape: [3, 2], strides: [2, 1] } }],
      inits: [{ name: 'w', dims: [3, 2, 2, 2], values: w, type: 'double' }, { name: 'b', dims: [3], values: b, type: 'double' }],
      ref: (x) => maxPoolRef(conv(x), [3, 4, 5], [3, 2], [2, 1], [0, 0, 0, 0]).y,
    }, 300);
    check({
      input: [1, 2, 5, 6], hidden: 3 * 2 * 3,
      nodes: [{ op: 'Conv', in: ['x', 'w', 'b'], out: ['c'] }, { op: 'Relu', in: ['c'], out: ['r'] }, { op: 'MaxPool', in: ['r'], out: ['h'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }],
      inits: [{ name: 'w', dims: [3, 2, 2, 2], values: w, type: 'double' }, { name: 'b', dims: [3], values: b, type: 'double' }],
      ref: (x) => maxPoolRef(relu(conv(x)), [3, 4, 5], [3, 3], [2, 2], [1, 1, 1, 1]).y,
    }, 400);
    // Zero padding equals ONNX's −∞ padding only for values ≥ 0: refused elsewhere, naming the node.
    const e = (() => {
      try {
        loadOnnx(build({ input: ['x', [1, 1, 3, 3]], nodes: [{ op: 'MaxPool', name: 'mp', in: ['x'], out: ['y'], attrs: { kernel_shape: [2, 2], pads: [1, 1, 0, 0] } }] }));
      } catch (err) {
        return err as OnnxError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(OnnxError);
    expect(e!.reason).toBe('unsupported');
    expect(e!.message).toContain('node "mp" (MaxPool): padding is supported only on the output of a Relu');
  });

  it('Pad: constant (zero through a convolution, nonzero through a linear layer), reflect, edge and wrap, opset 2 and 13 forms', () => {
    const [C, H, W] = [2, 3, 4];
    const padRef = (x: Vec, lo: number[], hi: number[], mode: string, value: number): Vec => {
      const y: Vec = [];
      const dims = [C, H, W];
      const out = dims.map((d, a) => d + lo[a]! + hi[a]!);
      for (let c = 0; c < out[0]!; c++) for (let i = 0; i < out[1]!; i++) for (let j = 0; j < out[2]!; j++) {
        const src = [c - lo[0]!, i - lo[1]!, j - lo[2]!].map((v, a) => {
          const d = dims[a]!;
          if (v >= 0 && v < d) return v;
          if (mode === 'edge') return v < 0 ? 0 : d - 1;
          if (mode === 'reflect') return v < 0 ? -v : 2 * (d - 1) - v;
          if (mode === 'wrap') return (v + d) % d;
          return -1;
        });
        y.push(src.includes(-1) ? value : x[(src[0]! * H + src[1]!) * W + src[2]!]!);
      }
      return y;
    };
    const size = (lo: number[], hi: number[]) => [C, H, W].reduce((s, d, a) => s * (d + lo[a]! + hi[a]!), 1);
    const cases: [string, number[], number[], number][] = [['constant', [0, 1, 2], [0, 2, 0], 0], ['constant', [1, 0, 1], [0, 1, 1], 0.5], ['reflect', [0, 2, 1], [0, 1, 3], 0], ['edge', [0, 1, 0], [1, 2, 2], 0], ['wrap', [0, 1, 2], [0, 0, 1], 0]];
    cases.forEach(([mode, lo, hi, value], k) => {
      const pads = [0, ...lo, 0, ...hi];
      check({
        input: [1, C, H, W], hidden: size(lo, hi), opset: 19, linear: true,
        nodes: [{ op: 'Pad', in: ['x', 'pads', 'cv'], out: ['h'], attrs: { mode } }],
        inits: [{ name: 'pads', dims: [8], values: pads, type: 'int64' }, { name: 'cv', dims: [], values: [value], type: 'double' }],
        ref: (x) => padRef(x, lo, hi, mode, value),
      }, 500 + 10 * k);
    });
    // The opset-2 form (pads and value as attributes), with the zero-padding convolution path.
    const spec = onnxToSpec(build({ input: ['x', [1, C, H, W]], opset: 2, nodes: [{ op: 'Pad', in: ['x'], out: ['h'], attrs: { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: { float: 0 } } }, { op: 'Flatten', in: ['h'], out: ['y'] }] }));
    expect(spec.layers.map((l) => l.type)).toEqual(['conv2d']);
    check({
      input: [1, C, H, W], hidden: C * (H + 2) * (W + 2), opset: 2, linear: true,
      nodes: [{ op: 'Pad', in: ['x'], out: ['h'], attrs: { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: { float: -1.5 } } }],
      ref: (x) => padRef(x, [0, 1, 1], [0, 1, 1], 'constant', -1.5),
    }, 600);
  });

  it('Clip (both ends, one end, legacy attributes) and PRelu (per-channel slopes outside [0, 1], a scalar slope)', () => {
    const w = rand(6, 5 * 4), b = rand(7, 5);
    const lin = (x: Vec) => gemmRef(x, w, b);
    const gemm = { op: 'Gemm', in: ['x', 'w', 'b'], out: ['z'], attrs: { transB: 1 } };
    const inits: Init[] = [{ name: 'w', dims: [5, 4], values: w, type: 'double' }, { name: 'b', dims: [5], values: b, type: 'double' }];
    check({
      input: [1, 4], hidden: 5, nodes: [gemm, { op: 'Clip', in: ['z', 'lo', 'hi'], out: ['h'] }],
      inits: [...inits, { name: 'lo', dims: [], values: [-0.5], type: 'double' }, { name: 'hi', dims: [], values: [0.7], type: 'double' }],
      ref: (x) => lin(x).map((v) => Math.min(Math.max(v, -0.5), 0.7)),
    }, 700, 1);
    check({
      input: [1, 4], hidden: 5, nodes: [gemm, { op: 'Clip', in: ['z', '', 'hi'], out: ['h'] }],
      inits: [...inits, { name: 'hi', dims: [], values: [0.3], type: 'double' }],
      ref: (x) => lin(x).map((v) => Math.min(v, 0.3)),
    }, 710, 1);
    check({
      input: [1, 4], hidden: 5, opset: 6, nodes: [gemm, { op: 'Clip', in: ['z'], out: ['h'], attrs: { min: { float: 0 }, max: { float: 6 } } }],
      inits, ref: (x) => lin(x).map((v) => Math.min(Math.max(v, 0), 6)),
    }, 720, 4);
    const cw = rand(8, 3 * 1 * 2 * 2), slope = [-0.5, 0.25, 1.5];
    check({
      input: [1, 1, 4, 4], hidden: 3 * 3 * 3,
      nodes: [{ op: 'Conv', in: ['x', 'cw'], out: ['c'] }, { op: 'PRelu', in: ['c', 's'], out: ['h'] }],
      inits: [{ name: 'cw', dims: [3, 1, 2, 2], values: cw, type: 'double' }, { name: 's', dims: [3, 1, 1], values: slope, type: 'double' }],
      ref: (x) => convRef(x, [1, 4, 4], cw, [], 3, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1]).y.map((v, i) => (v >= 0 ? v : slope[Math.floor(i / 9)]! * v)),
    }, 730);
    const scalar = onnxToSpec(build({ input: ['x', [1, 4]], nodes: [gemm, { op: 'PRelu', in: ['z', 's'], out: ['y'] }], inits: [...inits, { name: 's', dims: [1], values: [0.25], type: 'double' }] }));
    expect(scalar.layers.map((l) => l.type)).toEqual(['linear', 'leaky-relu']);
  });

  it('Slice (steps, negative steps, clamped ends), Split (one output unused), Concat of computed values and a constant', () => {
    const w = rand(9, 2 * 1 * 2 * 2), b = rand(10, 2);
    const conv = (x: Vec) => convRef(x, [1, 5, 6], w, b, 2, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1]).y; // [2, 4, 5]
    const at = (v: Vec, c: number, i: number, j: number) => v[(c * 4 + i) * 5 + j]!;
    const cinit: Init[] = [{ name: 'w', dims: [2, 1, 2, 2], values: w, type: 'double' }, { name: 'b', dims: [2], values: b, type: 'double' }];
    const convNode = { op: 'Conv', in: ['x', 'w', 'b'], out: ['c'] };
    // c[:, 3:0:-2, 1:100] → [2, 2, 4]
    check({
      input: [1, 1, 5, 6], hidden: 2 * 2 * 4, linear: true,
      nodes: [convNode, { op: 'Slice', in: ['c', 'st', 'en', 'ax', 'sp'], out: ['h'] }],
      inits: [...cinit, ...([['st', [3, 1]], ['en', [0, 100]], ['ax', [2, -1]], ['sp', [-2, 1]]] as const).map(([name, values]) => ({ name, dims: [2], values: [...values], type: 'int64' as const }))],
      ref: (x) => {
        const v = conv(x), y: Vec = [];
        for (let c = 0; c < 2; c++) for (const i of [3, 1]) for (let j = 1; j < 5; j++) y.push(at(v, c, i, j));
        return y;
      },
    }, 800);
    // Split the 5 columns into [2, 1, 2]; the middle part is not used; the two others are concatenated with a constant along the rows.
    const k = rand(11, 2 * 1 * 2);
    check({
      input: [1, 1, 5, 6], hidden: 2 * 9 * 2, linear: true,
      nodes: [convNode, { op: 'Split', in: ['c', 'parts'], out: ['p0', 'p1', 'p2'], attrs: { axis: 3 } }, { op: 'Concat', in: ['p2', 'k', 'p0'], out: ['h'], attrs: { axis: -2 } }],
      inits: [...cinit, { name: 'parts', dims: [3], values: [2, 1, 2], type: 'int64' }, { name: 'k', dims: [1, 2, 1, 2], values: k, type: 'double' }],
      ref: (x) => {
        const v = conv(x), y: Vec = [];
        for (let c = 0; c < 2; c++) {
          for (let i = 0; i < 4; i++) for (let j = 3; j < 5; j++) y.push(at(v, c, i, j));
          y.push(k[c * 2]!, k[c * 2 + 1]!);
          for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) y.push(at(v, c, i, j));
        }
        return y;
      },
    }, 810);
  });

  it('ReduceMean over the spatial axes (keepdims) and ReduceSum over channels (axes input, no keepdims)', () => {
    const w = rand(12, 3 * 2 * 2 * 2), b = rand(13, 3);
    const conv = (x: Vec) => relu(convRef(x, [2, 4, 4], w, b, 3, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1]).y); // [3, 3, 3]
    const cinit: Init[] = [{ name: 'w', dims: [3, 2, 2, 2], values: w, type: 'double' }, { name: 'b', dims: [3], values: b, type: 'double' }];
    const nodes = [{ op: 'Conv', in: ['x', 'w', 'b'], out: ['c'] }, { op: 'Relu', in: ['c'], out: ['r'] }];
    check({
      input: [1, 2, 4, 4], hidden: 3, nodes: [...nodes, { op: 'ReduceMean', in: ['r'], out: ['h'], attrs: { axes: [2, 3] } }], inits: cinit,
      ref: (x) => {
        const v = conv(x);
        return [0, 1, 2].map((c) => v.slice(c * 9, c * 9 + 9).reduce((s, z) => s + z, 0) / 9);
      },
    }, 900);
    check({
      input: [1, 2, 4, 4], hidden: 9, nodes: [...nodes, { op: 'ReduceSum', in: ['r', 'ax'], out: ['h'], attrs: { keepdims: 0 } }],
      inits: [...cinit, { name: 'ax', dims: [1], values: [1], type: 'int64' }],
      ref: (x) => {
        const v = conv(x);
        return Array.from({ length: 9 }, (_, p) => v[p]! + v[9 + p]! + v[18 + p]!);
      },
    }, 910);
  });

  it('ConvTranspose: stride 2, pads, output_padding, two groups', () => {
    const [C, H, W, Kg, kh, kw] = [2, 3, 2, 2, 3, 2];
    const wt = rand(14, C * Kg * kh * kw), bt = rand(15, 2 * Kg);
    const [s, pads, op] = [[2, 2], [1, 0, 0, 1], [1, 0]];
    const oH = s[0]! * (H - 1) + op[0]! + kh - pads[0]! - pads[2]!, oW = s[1]! * (W - 1) + op[1]! + kw - pads[1]! - pads[3]!;
    // y[k, i·s + p − pad, j·s + q − pad] += W[c, k − g·Kg, p, q]·x[c, i, j] over the input channels c of k's group (one channel per group here).
    const ref = (x: Vec): Vec => {
      const y = Array.from({ length: 2 * Kg * oH * oW }, (_, o) => bt[Math.floor(o / (oH * oW))]!);
      for (let c = 0; c < C; c++) for (let kk = 0; kk < Kg; kk++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
        const oi = i * s[0]! + p - pads[0]!, oj = j * s[1]! + q - pads[1]!;
        if (oi >= 0 && oi < oH && oj >= 0 && oj < oW) y[((c * Kg + kk) * oH + oi) * oW + oj]! += wt[((c * Kg + kk) * kh + p) * kw + q]! * x[(c * H + i) * W + j]!;
      }
      return relu(y);
    };
    check({
      input: [1, C, H, W], hidden: 2 * Kg * oH * oW,
      nodes: [{ op: 'ConvTranspose', in: ['x', 'wt', 'bt'], out: ['t'], attrs: { strides: s, pads, output_padding: op, group: 2 } }, { op: 'Relu', in: ['t'], out: ['h'] }],
      inits: [{ name: 'wt', dims: [C, Kg, kh, kw], values: wt, type: 'double' }, { name: 'bt', dims: [2 * Kg], values: bt, type: 'double' }],
      ref,
    }, 1000);
  });

  it('Softplus, Elu (α = 0.5 convex, α = 2 not), Softsign, Erf and Gelu: TS relaxations; exportOnnx writes them back', () => {
    const w = rand(18, 6 * 4), b = rand(19, 6);
    const gemm = { op: 'Gemm', in: ['x', 'w', 'b'], out: ['z'], attrs: { transB: 1 } };
    const inits: Init[] = [{ name: 'w', dims: [6, 4], values: w, type: 'double' }, { name: 'b', dims: [6], values: b, type: 'double' }];
    const defs: [string, Record<string, { float: number }>, (v: number) => number][] = [
      ['Softplus', {}, (v) => Math.log(1 + Math.exp(v))],
      ['Elu', { alpha: { float: 0.5 } }, (v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))],
      ['Elu', { alpha: { float: 2 } }, (v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))],
      ['Softsign', {}, (v) => v / (1 + Math.abs(v))],
      ['Erf', {}, erfRef],
      ['Gelu', {}, (v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2))],
    ];
    defs.forEach(([op, attrs, f], k) => {
      const c: Case = { input: [1, 4], hidden: 6, nodes: [gemm, { op, in: ['z'], out: ['h'], attrs }], inits, ref: (x) => gemmRef(x, w, b).map(f) };
      // erf is nearly flat beyond ±2: on a wide box its two parallel lines are no tighter than the interval, so a narrower one
      check(c, 1200 + 10 * k, op === 'Erf' ? 0.25 : 1);
      if (op === 'Gelu') {
        // PyTorch's export of GELU: x·0.5·(1 + erf(x/√2)), a Mul of two computed values.
        check({
          input: [1, 4], hidden: 6, inits: [...inits, { name: 'r2', dims: [], values: [Math.SQRT2], type: 'double' }, { name: 'one', dims: [], values: [1], type: 'double' }, { name: 'half', dims: [], values: [0.5], type: 'double' }],
          nodes: [gemm, { op: 'Div', in: ['z', 'r2'], out: ['d'] }, { op: 'Erf', in: ['d'], out: ['e'] }, { op: 'Add', in: ['e', 'one'], out: ['a'] }, { op: 'Mul', in: ['z', 'a'], out: ['m'] }, { op: 'Mul', in: ['m', 'half'], out: ['h'] }],
          ref: (x) => gemmRef(x, w, b).map(f), noTightness: true,
        }, 1290, 1);
      }
      const spec = onnxToSpec(model(c, 1200 + 10 * k).bytes);
      const again = onnxToSpec(exportOnnx(spec, { dtype: 'float64' }));
      expect(again.layers.map((l) => [l.type, 'alpha' in l ? l.alpha : null])).toEqual(spec.layers.map((l) => [l.type, 'alpha' in l ? l.alpha : null]));
    });
  });

  it('Mul and MatMul of two computed values (McCormick planes), exported back as Mul', () => {
    const w = rand(20, 6 * 4), b = rand(21, 6), v = rand(22, 6 * 4), c = rand(23, 6);
    const inits: Init[] = [{ name: 'w', dims: [6, 4], values: w, type: 'double' }, { name: 'b', dims: [6], values: b, type: 'double' }, { name: 'v', dims: [6, 4], values: v, type: 'double' }, { name: 'c', dims: [6], values: c, type: 'double' }];
    const two = [{ op: 'Gemm', in: ['x', 'w', 'b'], out: ['p'], attrs: { transB: 1 } }, { op: 'Gemm', in: ['x', 'v', 'c'], out: ['q'], attrs: { transB: 1 } }];
    const mulCase: Case = { input: [1, 4], hidden: 6, nodes: [...two, { op: 'Mul', in: ['p', 'q'], out: ['h'] }], inits, ref: (x) => gemmRef(x, w, b).map((z, j) => z * gemmRef(x, v, c)[j]!) };
    check(mulCase, 1300, 0.5);
    const spec = onnxToSpec(model(mulCase, 1300).bytes);
    expect(onnxToSpec(exportOnnx(spec, { dtype: 'float64' })).layers.map((l) => l.type)).toEqual(spec.layers.map((l) => l.type));
    // p reshaped to [1, 2, 3], q to [1, 3, 2]: (P·Q)_ik = Σ_j P_ij·Q_jk.
    check({
      input: [1, 4], hidden: 4,
      nodes: [...two, { op: 'Reshape', in: ['p', 's23'], out: ['P'] }, { op: 'Reshape', in: ['q', 's32'], out: ['Q'] }, { op: 'MatMul', in: ['P', 'Q'], out: ['h'] }],
      inits: [...inits, { name: 's23', dims: [3], values: [1, 2, 3], type: 'int64' }, { name: 's32', dims: [3], values: [1, 3, 2], type: 'int64' }],
      ref: (x) => {
        const [P, Q] = [gemmRef(x, w, b), gemmRef(x, v, c)];
        return [0, 1].flatMap((i) => [0, 1].map((k) => [0, 1, 2].reduce((s, j) => s + P[i * 3 + j]! * Q[j * 2 + k]!, 0)));
      },
    }, 1310, 0.5);
  });

  it('FLOAT16 initializers (int32_data bits and raw bytes), subnormals and the largest finite value included', () => {
    const values = [0.5, -1.25, 3 * 2 ** -24, 65504, -0, 2 ** -14, 1 / 1024 + 1, -7.5];
    for (const type of ['half', 'rawhalf'] as const) {
      const spec = onnxToSpec(build({ input: ['x', [1, 4]], nodes: [{ op: 'Gemm', in: ['x', 'W'], out: ['y'], attrs: { transB: 1 } }], inits: [{ name: 'W', dims: [2, 4], values, type }] }));
      expect(Array.from(spec.layers[0]!.type === 'linear' ? spec.layers[0]!.weight as ArrayLike<number> : [])).toEqual(values);
    }
  });

  it('β-CROWN branch and bound on a MaxPool + Clip network: a bound from 10⁴ samples is never refuted, a sampled violation is found', () => {
    const w = rand(16, 4 * 1 * 2 * 2), b = rand(17, 4);
    const c: Case = {
      input: [1, 1, 5, 5], hidden: 4 * 2 * 2,
      nodes: [{ op: 'Conv', in: ['x', 'w', 'b'], out: ['c'] }, { op: 'Clip', in: ['c', 'lo', 'hi'], out: ['k'] }, { op: 'MaxPool', in: ['k'], out: ['h'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }],
      inits: [{ name: 'w', dims: [4, 1, 2, 2], values: w, type: 'double' }, { name: 'b', dims: [4], values: b, type: 'double' }, { name: 'lo', dims: [], values: [-0.5], type: 'double' }, { name: 'hi', dims: [], values: [1], type: 'double' }],
      ref: (x) => maxPoolRef(convRef(x, [1, 5, 5], w, b, 4, [2, 2], [1, 1], [0, 0, 0, 0], [1, 1]).y.map((v) => Math.min(Math.max(v, -0.5), 1)), [4, 4, 4], [2, 2], [2, 2], [0, 0, 0, 0]).y,
    };
    const { bytes, f, n } = model(c, 1100);
    const net = loadOnnx(bytes);
    const lower = rand(1101, n).map((v) => v - 0.3), upper = lower.map((v) => v + 0.6);
    const u = uniforms(1102);
    let lo = Infinity;
    for (let s = 0; s < 10_000; s++) lo = Math.min(lo, f(lower.map((l, i) => l + u() * (upper[i]! - l)))[0]!);
    const crownLower = computeBounds(net, { lower, upper }, { method: 'crown' }).lower[0]!;
    expect(crownLower).toBeLessThanOrEqual(lo + 1e-9);
    // "y0 ≥ t" with t a quarter of the way from CROWN's bound to the sampled minimum: never falsified with a wrong point.
    const t = crownLower + 0.25 * (lo - crownLower);
    const r = verifyNetwork(net, { lower, upper }, { C: [[1, 0, 0]], d: [-t] }, { timeout: 20, maxNodes: 400 });
    expect(r.verdict).not.toBe('falsified');
    // "y0 ≥ lo + 0.01 · spread" is violated by a sampled point: it must be falsified, the counterexample checked by the reference.
    const bad = verifyNetwork(net, { lower, upper }, { C: [[1, 0, 0]], d: [-(lo + 1e-3)] }, { timeout: 20 });
    expect(bad.verdict).toBe('falsified');
    const x = Array.from(bad.counterexample!.x);
    x.forEach((v, i) => expect(v >= lower[i]! && v <= upper[i]!).toBe(true));
    expect(f(x)[0]!).toBeLessThan(lo + 1e-3);
  });
});
