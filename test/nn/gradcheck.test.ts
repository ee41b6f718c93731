/**
 * Every differentiable op, checked two ways:
 * - in f64, the tape's gradient of L = Σ w ⊙ op(x) against fourth-order central differences of L
 *   (relative error < 1e-7 per input; inputs kept away from kinks and ties by more than the stencil);
 * - in f32, output and gradients against the f64 run on the same (f32-rounded) inputs, to f32
 *   precision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { numericGrad, relErr, uniformArray, type T } from './helpers.js';

beforeAll(() => init());

type Gen = (seed: number, n: number) => Float64Array;
const uniform = (lo: number, hi: number): Gen => (seed, n) => uniformArray(seed, n, lo, hi);
const sym = uniform(-1.5, 1.5);
const positive = uniform(0.3, 2);
/** |x| in [0.2, 1.5] with random sign: clear of the kink at 0. */
const awayFromZero: Gen = (seed, n) => {
  const m = uniformArray(seed, n, 0.2, 1.5);
  const s = uniformArray(seed + 1, n);
  return m.map((v, i) => (s[i]! < 0 ? -v : v));
};
/** Distinct values at least 0.25 apart (a shuffled grid plus small noise): no ties for max. */
const distinct: Gen = (seed, n) => {
  const u = uniformArray(seed, n, 0, 1);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]!);
  const noise = uniformArray(seed + 7, n, -0.05, 0.05);
  return Float64Array.from(order, (r, i) => (r - n / 2) * 0.3 + noise[i]!);
};

interface Input {
  shape: number[];
  gen?: Gen;
}

interface Case {
  name: string;
  inputs: Input[];
  f: (...xs: T[]) => T;
}

const s = (shape: number[], gen: Gen = sym): Input => ({ shape, gen });
const LABELS = [3, 0, 4, 4];
const INDICES = [0, 2, 2, 4];

const CASES: Case[] = [
  { name: 'neg', inputs: [s([2, 3])], f: (x) => nn.neg(x) },
  { name: 'exp', inputs: [s([2, 3])], f: (x) => nn.exp(x) },
  { name: 'log', inputs: [s([2, 3], positive)], f: (x) => nn.log(x) },
  { name: 'sqrt', inputs: [s([2, 3], positive)], f: (x) => nn.sqrt(x) },
  { name: 'square', inputs: [s([2, 3])], f: (x) => nn.square(x) },
  { name: 'reciprocal', inputs: [s([2, 3], awayFromZero)], f: (x) => nn.reciprocal(x) },
  { name: 'pow 3', inputs: [s([2, 3])], f: (x) => nn.pow(x, 3) },
  { name: 'pow -0.5', inputs: [s([2, 3], positive)], f: (x) => nn.pow(x, -0.5) },
  { name: 'pow 2.5', inputs: [s([2, 3], positive)], f: (x) => nn.pow(x, 2.5) },
  { name: 'relu', inputs: [s([2, 3], awayFromZero)], f: (x) => nn.relu(x) },
  { name: 'leakyRelu', inputs: [s([2, 3], awayFromZero)], f: (x) => nn.leakyRelu(x, 0.1) },
  { name: 'softplus', inputs: [s([2, 3], uniform(-4, 4))], f: (x) => nn.softplus(x) },
  { name: 'sigmoid', inputs: [s([2, 3], uniform(-4, 4))], f: (x) => nn.sigmoid(x) },
  { name: 'tanh', inputs: [s([2, 3])], f: (x) => nn.tanh(x) },
  { name: 'gelu', inputs: [s([2, 3], uniform(-3, 3))], f: (x) => nn.gelu(x) },
  { name: 'silu', inputs: [s([2, 3], uniform(-3, 3))], f: (x) => nn.silu(x) },
  { name: 'scale', inputs: [s([2, 3])], f: (x) => nn.scale(x, -1.7) },
  { name: 'add number', inputs: [s([2, 3])], f: (x) => nn.add(x, 2) },
  { name: 'number minus tensor', inputs: [s([2, 3])], f: (x) => nn.sub(3, x) },
  { name: 'tensor / number', inputs: [s([2, 3])], f: (x) => nn.div(x, 3) },
  { name: 'number / tensor', inputs: [s([2, 3], awayFromZero)], f: (x) => nn.div(2, x) },
  { name: 'add', inputs: [s([2, 3]), s([2, 3])], f: (a, b) => nn.add(a, b) },
  { name: 'add broadcast row', inputs: [s([2, 3]), s([3])], f: (a, b) => nn.add(a, b) },
  { name: 'sub outer broadcast', inputs: [s([2, 1]), s([1, 3])], f: (a, b) => nn.sub(a, b) },
  { name: 'mul broadcast column', inputs: [s([2, 3]), s([2, 1])], f: (a, b) => nn.mul(a, b) },
  { name: 'mul by scalar tensor', inputs: [s([4]), s([])], f: (a, b) => nn.mul(a, b) },
  { name: 'div broadcast', inputs: [s([2, 3]), s([3], positive)], f: (a, b) => nn.div(a, b) },
  { name: 'broadcastTo', inputs: [s([3])], f: (x) => nn.broadcastTo(x, [2, 3]) },
  { name: 'broadcastTo middle', inputs: [s([2, 1, 3])], f: (x) => nn.broadcastTo(x, [4, 2, 2, 3]) },
  { name: 'sum all', inputs: [s([2, 3, 4])], f: (x) => nn.sum(x) },
  { name: 'sum axis 1', inputs: [s([2, 3, 4])], f: (x) => nn.sum(x, 1) },
  { name: 'sum axes [0,2] keepdims', inputs: [s([2, 3, 4])], f: (x) => nn.sum(x, [0, 2], true) },
  { name: 'mean last axis', inputs: [s([2, 3, 4])], f: (x) => nn.mean(x, -1) },
  { name: 'max axis 1', inputs: [s([2, 5, 3], distinct)], f: (x) => nn.max(x, 1) },
  { name: 'max all', inputs: [s([3, 4], distinct)], f: (x) => nn.max(x) },
  { name: 'logSumExp axis 0', inputs: [s([4, 3], uniform(-3, 3))], f: (x) => nn.logSumExp(x, 0) },
  { name: 'logSumExp all keepdims', inputs: [s([4, 3], uniform(-3, 3))], f: (x) => nn.logSumExp(x, undefined, true) },
  { name: 'logSoftmax last', inputs: [s([3, 5], uniform(-3, 3))], f: (x) => nn.logSoftmax(x) },
  { name: 'logSoftmax axis 0', inputs: [s([3, 2, 4], uniform(-3, 3))], f: (x) => nn.logSoftmax(x, 0) },
  { name: 'softmax', inputs: [s([3, 5], uniform(-3, 3))], f: (x) => nn.softmax(x, 1) },
  { name: 'softmaxCrossEntropy', inputs: [s([4, 5], uniform(-3, 3))], f: (x) => nn.softmaxCrossEntropy(x, LABELS) },
  { name: 'matmul', inputs: [s([3, 4]), s([4, 5])], f: (a, b) => nn.matmul(a, b) },
  { name: 'matmul transposeA', inputs: [s([4, 3]), s([4, 5])], f: (a, b) => nn.matmul(a, b, { transposeA: true }) },
  { name: 'matmul transposeB', inputs: [s([3, 4]), s([5, 4])], f: (a, b) => nn.matmul(a, b, { transposeB: true }) },
  { name: 'matmul both transposed', inputs: [s([4, 3]), s([5, 4])], f: (a, b) => nn.matmul(a, b, { transposeA: true, transposeB: true }) },
  { name: 'matmul batched', inputs: [s([2, 3, 4]), s([2, 4, 2])], f: (a, b) => nn.matmul(a, b) },
  { name: 'matmul batched × shared, transposeB', inputs: [s([2, 3, 4]), s([5, 4])], f: (a, b) => nn.matmul(a, b, { transposeB: true }) },
  { name: 'matmul batched transposeA × shared', inputs: [s([2, 4, 3]), s([4, 2])], f: (a, b) => nn.matmul(a, b, { transposeA: true }) },
  { name: 'matmul shared × batched, both transposed', inputs: [s([4, 3]), s([2, 2, 5, 4])], f: (a, b) => nn.matmul(a, b, { transposeA: true, transposeB: true }) },
  { name: 'reshape', inputs: [s([2, 6])], f: (x) => nn.reshape(x, [3, -1]) },
  { name: 'transpose batched', inputs: [s([2, 3, 4])], f: (x) => nn.transpose(x) },
  { name: 'slice', inputs: [s([3, 5])], f: (x) => nn.slice(x, 1, 1, 4) },
  { name: 'pad', inputs: [s([2, 3])], f: (x) => nn.pad(x, 0, 1, 2) },
  { name: 'concat', inputs: [s([2, 1]), s([2, 3]), s([2, 2])], f: (a, b, c) => nn.concat([a, b, c], 1) },
  { name: 'gather (repeated rows)', inputs: [s([5, 3])], f: (x) => nn.gather(x, INDICES) },
  { name: 'layerNorm', inputs: [s([3, 4]), s([4]), s([4])], f: (x, g, b) => nn.layerNorm(x, g, b) },
  { name: 'layerNorm plain', inputs: [s([2, 5])], f: (x) => nn.layerNorm(x) },
  { name: 'rmsNorm', inputs: [s([3, 4]), s([4])], f: (x, g) => nn.rmsNorm(x, g) },
  { name: 'copy', inputs: [s([2, 2])], f: (x) => nn.copy(x) },
  {
    name: 'two-layer tanh MLP',
    inputs: [s([4, 3]), s([3, 5]), s([5]), s([5, 2])],
    f: (X, W1, b1, W2) => nn.matmul(nn.tanh(nn.add(nn.matmul(X, W1), b1)), W2),
  },
];

/** Scalar loss Σ w ⊙ f(x) as a tensor, for fixed weights w (a tensor of f's output shape). */
const lossOf = (c: Case, w: T) => (...xs: T[]): T => nn.sum(nn.mul(c.f(...xs), w));

function run(c: Case, dtype: nn.DType, data: Float64Array[], wData: Float64Array, outShape: readonly number[]) {
  return nn.scope(() => {
    const xs = c.inputs.map((inp, i) => nn.tensor(data[i]!, { shape: inp.shape, dtype }));
    const w = nn.tensor(wData, { shape: [...outShape], dtype });
    const y = c.f(...xs).data();
    const g = (nn.grad(lossOf(c, w))(...xs) as T[]).map((t) => t.data());
    return { y, g };
  });
}

describe('nn gradient checks (f64, central differences)', () => {
  for (const [k, c] of CASES.entries()) {
    it(c.name, () => {
      const data = c.inputs.map((inp, i) => (inp.gen ?? sym)(1000 * k + 17 * i + 1, inp.shape.reduce((p, d) => p * d, 1)));
      const outShape = nn.scope(() => c.f(...c.inputs.map((inp, i) => nn.tensor(data[i]!, { shape: inp.shape }))).shape);
      const wData = uniformArray(5000 + k, outShape.reduce((p, d) => p * d, 1), 0.5, 1.5);
      const { g } = run(c, 'f64', data, wData, outShape);
      for (let i = 0; i < data.length; i++) {
        const L = (xi: Float64Array): number =>
          nn.scope(() => {
            const xs = c.inputs.map((inp, j) => nn.tensor(j === i ? xi : data[j]!, { shape: inp.shape }));
            return lossOf(c, nn.tensor(wData, { shape: [...outShape] }))(...xs).item();
          });
        const numeric = numericGrad(L, data[i]!);
        expect(relErr(g[i]!, numeric, 1e-3), `${c.name}: input ${i}`).toBeLessThan(1e-7);
      }
    });
  }
});

describe('nn f32 path agrees with f64 to f32 precision', () => {
  for (const [k, c] of CASES.entries()) {
    it(c.name, () => {
      const data = c.inputs.map((inp, i) => (inp.gen ?? sym)(1000 * k + 17 * i + 1, inp.shape.reduce((p, d) => p * d, 1)).map(Math.fround));
      const outShape = nn.scope(() => c.f(...c.inputs.map((inp, i) => nn.tensor(data[i]!, { shape: inp.shape }))).shape);
      const wData = uniformArray(5000 + k, outShape.reduce((p, d) => p * d, 1), 0.5, 1.5).map(Math.fround);
      const r64 = run(c, 'f64', data, wData, outShape);
      const r32 = run(c, 'f32', data, wData, outShape);
      // f32 precision: within a few units of 2⁻²⁴ of the largest magnitude (the ops are short chains)
      const close = (a: Float64Array, b: Float64Array, what: string): void => {
        const scale = Math.max(1e-30, ...Array.from(b, Math.abs));
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / scale, `${c.name} ${what}[${i}]`).toBeLessThan(2e-6);
      };
      close(r32.y, r64.y, 'output');
      r32.g.forEach((g, i) => close(g, r64.g[i]!, `gradient ${i}`));
    });
  }
});

describe('non-differentiable pieces', () => {
  it('step and stopGradient pass no gradient; cast passes it through in the other dtype', () => {
    nn.scope(() => {
      const x = nn.tensor([0.5, -2, 3]);
      const [g1] = nn.grad((x: T) => nn.sum(nn.mul(nn.step(x), x)))(x) as T[];
      expect(Array.from(g1!.data())).toEqual([1, 0, 1]); // only the x factor contributes
      const [g2] = nn.grad((x: T) => nn.sum(nn.mul(nn.stopGradient(x), x)))(x) as T[];
      expect(Array.from(g2!.data())).toEqual([0.5, -2, 3]);
      const [g3] = nn.grad((x: T) => nn.sum(nn.mul(nn.cast(x, 'f32'), nn.tensor([1.5, 2, 4], { dtype: 'f32' }))))(x) as T[];
      expect(g3!.dtype).toBe('f64');
      expect(Array.from(g3!.data())).toEqual([1.5, 2, 4]);
    });
  });
  it('an input f does not use gets a zero gradient', () => {
    nn.scope(() => {
      const [ga, gb] = nn.grad((a: T, _b: T) => nn.sum(nn.exp(a)))(nn.tensor([0, 1]), nn.tensor([[1, 2]])) as T[];
      expect(ga!.data()[0]).toBe(1);
      expect(Math.abs(ga!.data()[1]! - Math.E)).toBeLessThan(1e-15);
      expect(gb!.shape).toEqual([1, 2]);
      expect(Array.from(gb!.data())).toEqual([0, 0]);
    });
  });
});
