/**
 * conv2d against its dense Toeplitz matrix built entry by entry in plain TS (test/bounds/reference.ts):
 * the forward kernel, the interval kernel and the backward Λ·W_conv step, through networks in which
 * the conv layer is replaced by the equivalent dense linear layer. Also typed errors of the DAG parser.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, computeBounds, evaluateNetwork, init, memoryStats, parseNetwork, type LayerSpec, type NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { convAsLinear, convShape, toeplitz } from './reference.js';

beforeAll(() => init());

type Conv = Extract<LayerSpec, { type: 'conv2d' }>;

/** A seeded conv layer with random geometry (odd widths exercise the SIMD tails, strides > 1 the scalar path). */
function randomConv(seed: number): Conv {
  const u = uniforms(seed);
  const r = (a: number, b: number): number => a + Math.floor(u() * (b - a + 1));
  for (;;) {
    const C = r(1, 3), H = r(1, 7), W = r(1, 9), K = r(1, 3), kh = r(1, 3), kw = r(1, 4);
    const spec: Conv = {
      type: 'conv2d', inShape: [C, H, W], outChannels: K, kernel: [kh, kw],
      stride: [r(1, 2), r(1, 3)], padding: [r(0, 2), r(0, 2), r(0, 2), r(0, 2)], dilation: [r(1, 2), r(1, 2)],
      weight: Array.from({ length: K * C * kh * kw }, () => 2 * u() - 1),
      ...(u() < 0.8 ? { bias: Array.from({ length: K }, () => u() - 0.5) } : {}),
    };
    const g = convShape(spec);
    if (g.outH >= 1 && g.outW >= 1) return spec;
  }
}

/** The conv by its definition, with explicit index arithmetic (independent of the Toeplitz builder). */
function convDirect(L: Conv, x: number[]): number[] {
  const { C, H, W, K, outH, outW } = convShape(L);
  const [kh, kw] = L.kernel, [sh, sw] = L.stride ?? [1, 1], [pt, pl] = L.padding ?? [0, 0], [dh, dw] = L.dilation ?? [1, 1];
  const y: number[] = [];
  for (let k = 0; k < K; k++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    let s = L.bias?.[k] ?? 0;
    for (let c = 0; c < C; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const iy = oy * sh - pt + a * dh, ix = ox * sw - pl + b * dw;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += L.weight[((k * C + c) * kh + a) * kw + b]! * x[(c * H + iy) * W + ix]!;
    }
    y.push(s);
  }
  return y;
}

describe('conv2d kernels vs the dense Toeplitz matrix', () => {
  it('the Toeplitz builder agrees with the direct definition; forward and IBP kernels agree with T·x + b and T⁺l + T⁻u + b', () => {
    const before = memoryStats().allocatedBytes;
    for (let seed = 1; seed <= 40; seed++) {
      const conv = randomConv(seed);
      const { T, m, n, bias } = toeplitz(conv);
      const net = parseNetwork({ input: conv.inShape, layers: [conv] });
      expect(net.output).toBe(m);
      const u = uniforms(100 + seed);
      const x = Array.from({ length: n }, () => 2 * u() - 1);
      const direct = convDirect(conv, x);
      const y = evaluateNetwork(net, x);
      for (let i = 0; i < m; i++) {
        const ty = x.reduce((s, v, j) => s + T[i * n + j]! * v, bias[i]!);
        expect(ty).toBeCloseTo(direct[i]!, 12);
        expect(y[i]).toBeCloseTo(ty, 12);
      }
      const l = x.map((v) => v - u()), h = x.map((v) => v + u());
      const b = computeBounds(net, { lower: l, upper: h }, { method: 'ibp' });
      for (let i = 0; i < m; i++) {
        let lo = bias[i]!, hi = bias[i]!;
        for (let j = 0; j < n; j++) {
          const w = T[i * n + j]!;
          lo += w > 0 ? w * l[j]! : w * h[j]!;
          hi += w > 0 ? w * h[j]! : w * l[j]!;
        }
        expect(b.lower[i]).toBeCloseTo(lo, 12);
        expect(b.upper[i]).toBeCloseTo(hi, 12);
      }
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('the backward step Λ·W_conv: CROWN / α-CROWN / crown-ibp through conv → relu → conv → linear equal the dense-linear twin', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const c1 = randomConv(300 + seed);
      const g = convShape(c1);
      const u = uniforms(400 + seed);
      const c2: Conv = {
        type: 'conv2d', inShape: [g.K, g.outH, g.outW], outChannels: 2, kernel: [Math.min(2, g.outH), Math.min(3, g.outW)], padding: [0, 1, 0, 1],
        weight: Array.from({ length: 2 * g.K * Math.min(2, g.outH) * Math.min(3, g.outW) }, () => 2 * u() - 1), bias: [0.2, -0.1],
      };
      const m2 = toeplitz(c2).m;
      const tail: LayerSpec[] = [{ type: 'relu' }, { type: 'linear', weight: Array.from({ length: 3 }, () => Array.from({ length: m2 }, () => 2 * u() - 1)) }];
      const convNet: NetworkSpec = { input: c1.inShape, layers: [c1, { type: 'relu' }, c2, ...tail] };
      const dense: NetworkSpec = { input: c1.inShape, layers: [convAsLinear(c1), { type: 'relu' }, convAsLinear(c2), ...tail] };
      const n = toeplitz(c1).n;
      const center = Array.from({ length: n }, () => 2 * u() - 1);
      for (const region of [{ lower: center.map((v) => v - 0.4), upper: center.map((v) => v + 0.4) }, { center, radius: 0.8, norm: 2 as const }]) {
        for (const method of ['crown', 'alpha-crown', 'crown-ibp'] as const) {
          const C = [[1, -1, 0], [0.5, 0.5, 2]];
          const a = computeBounds(convNet, region, { method, C });
          const b = computeBounds(dense, region, { method, C });
          for (let i = 0; i < 2; i++) {
            expect(a.lower[i]).toBeCloseTo(b.lower[i]!, 9);
            expect(a.upper[i]).toBeCloseTo(b.upper[i]!, 9);
          }
        }
      }
    }
  });
});

describe('parseNetwork: typed errors of the DAG format', () => {
  const bad = (layers: unknown[], input: unknown = 4) => () => parseNetwork({ input, layers } as unknown as NetworkSpec);
  const conv = { type: 'conv2d', inShape: [1, 2, 2], outChannels: 1, kernel: [2, 2], weight: [1, 2, 3, 4] };

  it('inputs: forward references, out of range, wrong count', () => {
    expect(bad([{ type: 'relu', inputs: [0] }])).toThrow(new ParameterError('parseNetwork: layers[0].inputs[0] must be an earlier layer index in -1 … -1 (-1 = the network input) (got 0)'));
    expect(bad([{ type: 'relu' }, { type: 'relu', inputs: [2] }])).toThrow('parseNetwork: layers[1].inputs[0] must be an earlier layer index in -1 … 0 (-1 = the network input) (got 2)');
    expect(bad([{ type: 'relu' }, { type: 'relu', inputs: [-2] }])).toThrow(ParameterError);
    expect(bad([{ type: 'relu' }, { type: 'relu', inputs: [0.5] }])).toThrow('parseNetwork: layers[1].inputs[0] must be an earlier layer index in -1 … 0 (-1 = the network input) (got 0.5)');
    expect(bad([{ type: 'relu', inputs: [-1, -1] }])).toThrow('parseNetwork: layers[0] (relu): inputs must list 1 earlier layer (got array of length 2)');
    expect(bad([{ type: 'relu' }, { type: 'add' }])).toThrow(new ParameterError('parseNetwork: layers[1] (add): inputs must list 2 earlier layers (got undefined)'));
    expect(bad([{ type: 'relu' }, { type: 'sub', inputs: [0] }])).toThrow('parseNetwork: layers[1] (sub): inputs must list 2 earlier layers (got array of length 1)');
    expect(bad([{ type: 'relu' }, { type: 'sub', inputs: 'x' }])).toThrow(ParameterError);
  });

  it('size mismatch at add / sub, bad input shapes', () => {
    expect(bad([{ type: 'linear', weight: [[1, 1, 1, 1]] }, { type: 'add', inputs: [-1, 0] }])).toThrow(new ShapeError('parseNetwork: layers[1] (add): inputs must have equal sizes (got 4 and 1)'));
    expect(bad([{ type: 'linear', weight: [[1, 1, 1, 1]] }, { type: 'sub', inputs: [0, -1] }])).toThrow('parseNetwork: layers[1] (sub): inputs must have equal sizes (got 1 and 4)');
    expect(bad([], [2, 0])).toThrow(new ParameterError('parseNetwork: input must be a positive integer or a shape of positive integers (got array of length 2)'));
    expect(bad([], [])).toThrow(ParameterError);
  });

  it('conv2d: shapes that do not fit, bad geometry, non-finite weights', () => {
    expect(parseNetwork({ input: [1, 2, 2], layers: [conv as LayerSpec] }).output).toBe(1);
    expect(bad([{ ...conv, inShape: [1, 3, 2] }])).toThrow(new ShapeError('parseNetwork: layers[0] (conv2d): inShape must have C·H·W = 4, the size of its input (got 1·3·2 = 6)'));
    expect(bad([{ ...conv, weight: [1, 2, 3] }])).toThrow(new ShapeError('parseNetwork: layers[0] (conv2d): weight must have length 4 (got 3)'));
    expect(bad([{ ...conv, bias: [1, 2] }])).toThrow('parseNetwork: layers[0] (conv2d): bias must have length 1 (got 2)');
    expect(bad([{ ...conv, kernel: [3, 2], weight: [1, 2, 3, 4, 5, 6] }])).toThrow(new ShapeError('parseNetwork: layers[0] (conv2d): the dilated kernel (3×2) must fit the padded input (2×2)'));
    expect(bad([{ ...conv, dilation: [2, 1] }])).toThrow('parseNetwork: layers[0] (conv2d): the dilated kernel (3×2) must fit the padded input (2×2)');
    expect(parseNetwork({ input: 4, layers: [{ ...conv, dilation: [2, 1], padding: [1, 0, 0, 0] } as LayerSpec] }).output).toBe(1);
    expect(bad([{ ...conv, stride: [0, 1] }])).toThrow(new ParameterError('parseNetwork: layers[0] (conv2d): stride must be 2 integers >= 1 (got array of length 2)'));
    expect(bad([{ ...conv, padding: [1, 1] }])).toThrow('parseNetwork: layers[0] (conv2d): padding must be 4 integers >= 0 (got array of length 2)');
    expect(bad([{ ...conv, kernel: [2] }])).toThrow('parseNetwork: layers[0] (conv2d): kernel must be 2 integers >= 1 (got array of length 1)');
    expect(bad([{ ...conv, outChannels: 0 }])).toThrow('parseNetwork: layers[0] (conv2d): outChannels must be a positive integer (got 0)');
    expect(bad([{ ...conv, weight: [1, NaN, 3, 4] }])).toThrow(NonFiniteError);
    expect(bad([{ ...conv, weight: [1, NaN, 3, 4] }])).toThrow('parseNetwork: layers[0].weight must be finite (got NaN at index 1)');
  });
});
