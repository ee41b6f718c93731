/**
 * Every operator's hooks on their own, called through the registry with a Scope: the interval rule
 * contains f(x) for sampled x in the input boxes, and the backward rule gives linear bounds that hold
 * at every sampled point (Λ·f(x) ≤ Σ_q Λ_q·x_q + c for the upper side, ≥ for the lower side). The
 * outputs f(x) come from plain-TS definitions, not from the ops' forward hooks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BOUND_OPS, init, memoryStats, parseNetwork, type LayerSpec, type NetworkLayer } from '../../bindings/index.js';
import { f64View, withScope, type Scope } from '../../bindings/runtime/memory.js';
import { uniforms } from '../helpers.js';
import { erfRef, toeplitz } from './reference.js';

beforeAll(() => init());

const N = 6;
const conv: Extract<LayerSpec, { type: 'conv2d' }> = {
  type: 'conv2d', inShape: [1, 2, 3], outChannels: 2, kernel: [2, 2], padding: [1, 0, 0, 1],
  weight: [0.5, -1, 2, 0.3, -0.7, 0.2, 1.1, -0.4], bias: [0.1, -0.2],
};
const convT = toeplitz(conv);

/** Each op as a one-layer JSON spec and its definition (two-input ops: f(x, y) of two independent inputs). */
const CASES: { spec: LayerSpec; arity: 1 | 2; f: (x: number[], y: number[]) => number[] }[] = [
  { spec: { type: 'linear', weight: Array.from({ length: 4 }, (_, i) => Array.from({ length: N }, (_, j) => Math.sin(3 * i + j))), bias: [0.1, 0, -0.3, 1] }, arity: 1,
    f: (x) => Array.from({ length: 4 }, (_, i) => x.reduce((s, v, j) => s + Math.sin(3 * i + j) * v, [0.1, 0, -0.3, 1][i]!)) },
  { spec: { type: 'relu' }, arity: 1, f: (x) => x.map((v) => Math.max(v, 0)) },
  { spec: { type: 'leaky-relu', alpha: 0.2 }, arity: 1, f: (x) => x.map((v) => (v > 0 ? v : 0.2 * v)) },
  { spec: { type: 'sigmoid' }, arity: 1, f: (x) => x.map((v) => 1 / (1 + Math.exp(-v))) },
  { spec: { type: 'tanh' }, arity: 1, f: (x) => x.map(Math.tanh) },
  { spec: { type: 'softplus' }, arity: 1, f: (x) => x.map((v) => Math.log(1 + Math.exp(v))) },
  { spec: { type: 'elu', alpha: 0.7 }, arity: 1, f: (x) => x.map((v) => (v > 0 ? v : 0.7 * (Math.exp(v) - 1))) },
  { spec: { type: 'elu', alpha: 1.8 }, arity: 1, f: (x) => x.map((v) => (v > 0 ? v : 1.8 * (Math.exp(v) - 1))) }, // not convex: the grid lines
  { spec: { type: 'softsign' }, arity: 1, f: (x) => x.map((v) => v / (1 + Math.abs(v))) },
  { spec: { type: 'erf' }, arity: 1, f: (x) => x.map(erfRef) },
  { spec: { type: 'gelu' }, arity: 1, f: (x) => x.map((v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2))) },
  { spec: { type: 'affine', scale: [2, -1, 0, 0.5, -3, 1], shift: [1, 0, 0, -2, 0.5, 0] }, arity: 1, f: (x) => x.map((v, j) => [2, -1, 0, 0.5, -3, 1][j]! * v + [1, 0, 0, -2, 0.5, 0][j]!) },
  { spec: { type: 'identity' }, arity: 1, f: (x) => x.slice() },
  { spec: { type: 'add', inputs: [-1, 0] }, arity: 2, f: (x, y) => x.map((v, j) => v + y[j]!) },
  { spec: { type: 'sub', inputs: [-1, 0] }, arity: 2, f: (x, y) => x.map((v, j) => v - y[j]!) },
  { spec: { type: 'mul', inputs: [-1, 0] }, arity: 2, f: (x, y) => x.map((v, j) => v * y[j]!) },
  { spec: conv, arity: 1, f: (x) => Array.from({ length: convT.m }, (_, i) => x.reduce((s, v, j) => s + convT.T[i * N + j]! * v, convT.bias[i]!)) },
];

function layerOf(spec: LayerSpec): NetworkLayer {
  // Two-input ops consume the input (-1) and a same-size identity node (0); the hooks get both boxes explicitly.
  const layers: LayerSpec[] = spec.inputs ? [{ type: 'identity' }, spec] : [spec];
  const net = parseNetwork({ input: N, layers });
  return net.layers[net.layers.length - 1]!;
}

function put(s: Scope, v: ArrayLike<number>): number {
  const p = s.f64(v.length);
  f64View(s.x, p, v.length).set(Array.from(v));
  return p;
}

describe('operator registry: interval and backward rules against sampling', () => {
  it.each(CASES.map((c) => [c.spec.type, c] as const))('%s', (_, c) => {
    const before = memoryStats().allocatedBytes;
    const layer = layerOf(c.spec);
    const op = BOUND_OPS[layer.type]!;
    expect(op.arity).toBe(c.arity);
    const u = uniforms(layer.type.length * 7 + 1);
    const K = 3;
    const bad: string[] = [];
    let checks = 0;
    for (let trial = 0; trial < 20; trial++) {
      // Input boxes straddling 0 (unstable ReLUs), tight boxes and wide ones.
      const boxes = Array.from({ length: c.arity }, () => {
        const mid = Array.from({ length: N }, () => 3 * (2 * u() - 1));
        const rad = Array.from({ length: N }, () => (trial % 5 === 0 ? 1e-3 : 2.5) * u());
        return { l: mid.map((m, j) => m - rad[j]!), u: mid.map((m, j) => m + rad[j]!) };
      });
      const m = layer.outSize;
      const lam = Array.from({ length: K * m }, () => 2 * u() - 1);
      withScope('ops.test', (s) => {
        const placed = boxes.map((b) => ({ l: put(s, b.l), u: put(s, b.u), n: N }));
        const out = op.interval(s, layer, placed);
        const [ol, ou] = [f64View(s.x, out.l, m).slice(), f64View(s.x, out.u, m).slice()];
        const sides = [false, true].map((upper) => {
          const c0 = put(s, new Array(K).fill(0));
          const B = { lam: put(s, lam), c: c0, k: K, n: m };
          const res = op.backward(s, layer, B, placed, upper);
          expect(res.length).toBe(c.arity);
          return { upper, lams: res.map((r) => f64View(s.x, r.lam, K * N).slice()), c: f64View(s.x, c0, K).slice() };
        });
        for (let t = 0; t < 300; t++) {
          const xs = boxes.map((b) => b.l.map((l, j) => (t < 4 ? ((t >> j) & 1 ? b.u[j]! : l) : l + u() * (b.u[j]! - l))));
          const y = c.f(xs[0]!, xs[1] ?? []);
          checks++;
          y.forEach((v, j) => {
            if (!(v >= ol[j]! - 1e-12 * (1 + Math.abs(v)) && v <= ou[j]! + 1e-12 * (1 + Math.abs(v)))) bad.push(`interval ${j}: ${v} ∉ [${ol[j]}, ${ou[j]}]`);
          });
          for (const side of sides) {
            for (let r = 0; r < K; r++) {
              const exact = y.reduce((a, v, j) => a + lam[r * m + j]! * v, 0);
              let lin = side.c[r]!;
              side.lams.forEach((L, q) => xs[q]!.forEach((v, j) => (lin += L[r * N + j]! * v)));
              if (side.upper ? exact > lin + 1e-9 : exact < lin - 1e-9) bad.push(`backward ${side.upper ? 'upper' : 'lower'} row ${r}: ${exact} vs ${lin}`);
            }
          }
        }
      });
    }
    expect(bad).toEqual([]);
    expect(checks).toBe(20 * 300);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('linear, affine, add, sub, identity and conv2d are exact: both backward sides give the same linear map', () => {
    for (const c of CASES.filter((q) => !BOUND_OPS[q.spec.type]!.nonlinear)) {
      const layer = layerOf(c.spec);
      const m = layer.outSize;
      const lam = Array.from({ length: 2 * m }, (_, i) => Math.cos(i));
      withScope('ops.test', (s) => {
        const box = { l: put(s, new Array(N).fill(-1)), u: put(s, new Array(N).fill(1)), n: N };
        const [lo, hi] = [false, true].map((upper) => {
          const c0 = put(s, [0, 0]);
          const res = BOUND_OPS[layer.type]!.backward(s, layer, { lam: put(s, lam), c: c0, k: 2, n: m }, [box, box], upper);
          return [...res.flatMap((r) => Array.from(f64View(s.x, r.lam, 2 * N))), ...f64View(s.x, c0, 2)];
        });
        expect(lo).toEqual(hi);
      });
    }
  });
});
