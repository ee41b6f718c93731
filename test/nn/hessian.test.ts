/**
 * Reverse over reverse: Hessian-vector products (the gradient of ⟨∇f(x), v⟩, taken by a tape that
 * records the inner backward pass) against fourth-order central differences of the gradient along v.
 * The functions between them use every op's backward rule as a differentiable function.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { numericDirectional, relErr, uniformArray, type T } from './helpers.js';

beforeAll(() => init());

const SHAPE = [3, 4];
const N = 12;
const C = (seed: number, shape: number[], lo = -1, hi = 1): T => nn.tensor(uniformArray(seed, shape.reduce((p, d) => p * d, 1), lo, hi), { shape });

/** Scalar functions of a 3×4 tensor (constants made inside, so each call is self-contained). */
const FUNCTIONS: [string, (x: T) => T][] = [
  ['gelu ⊙ silu + logSumExp', (x) => nn.add(nn.sum(nn.mul(nn.gelu(x), nn.silu(x))), nn.logSumExp(x))],
  [
    'tanh MLP + softmax cross-entropy',
    (x) => {
      const X = C(1, [5, 3]);
      const W2 = C(2, [4, 3]);
      return nn.softmaxCrossEntropy(nn.matmul(nn.tanh(nn.matmul(X, x)), W2), [0, 2, 1, 1, 0]);
    },
  ],
  ['sigmoid / (softplus + 1) + mean √(x² + 1)', (x) => nn.add(nn.sum(nn.div(nn.sigmoid(x), nn.add(nn.softplus(x), 1))), nn.mean(nn.sqrt(nn.add(nn.square(x), 1))))],
  ['layerNorm³ + rmsNorm ⊙ w', (x) => nn.add(nn.sum(nn.pow(nn.layerNorm(x, C(3, [4]), C(4, [4])), 3)), nn.sum(nn.mul(nn.rmsNorm(x, C(5, [4])), C(6, [3, 4]))))],
  ['logSoftmax(axis 0) ⊙ W + softmax² + max²', (x) => nn.add(nn.add(nn.sum(nn.mul(nn.logSoftmax(x, 0), C(7, [3, 4]))), nn.sum(nn.square(nn.softmax(x)))), nn.sum(nn.square(nn.max(x, 1))))],
  [
    'shape ops: exp of slices, transpose, concat, pad, gather, reshape',
    (x) => {
      const parts = nn.concat([nn.slice(x, 1, 0, 2), nn.reshape(nn.reshape(nn.transpose(nn.slice(x, 0, 1, 3)), [2, 4]), [4, 2])], 0);
      const padded = nn.pad(nn.gather(parts, [0, 3, 3, 6, 1]), 1, 1, 0);
      return nn.sum(nn.exp(nn.scale(padded, 0.7)));
    },
  ],
  ['relu² + leakyRelu ⊙ x (piecewise quadratic)', (x) => nn.add(nn.sum(nn.square(nn.relu(x))), nn.sum(nn.mul(nn.leakyRelu(x, 0.2), x)))],
  ['1/x, log, x^-½ with broadcasting', (x) => nn.sum(nn.add(nn.mul(nn.reciprocal(nn.add(x, 2)), nn.log(nn.add(x, C(8, [4], 2, 3)))), nn.pow(nn.add(x, 3), -0.5)))],
];

/** x with every entry at least 0.1 from 0 (the kinks of relu and leakyRelu). */
const point = (seed: number): Float64Array => {
  const x = uniformArray(seed, N, -1, 1);
  return x.map((v) => (Math.abs(v) < 0.1 ? v + 0.2 * Math.sign(v || 1) : v));
};

const gradient = (f: (x: T) => T) => (x: Float64Array): Float64Array =>
  nn.scope(() => (nn.grad(f, { argnums: 0 })(nn.tensor(x, { shape: SHAPE })) as T).data());

describe('reverse over reverse equals finite differences of gradients', () => {
  for (const [k, [name, f]] of FUNCTIONS.entries()) {
    it(name, () => {
      const x = point(100 + k);
      const v = uniformArray(200 + k, N);
      const hv = nn.scope(() => nn.hvp(f, nn.tensor(x, { shape: SHAPE }), nn.tensor(v, { shape: SHAPE })).data());
      const numeric = numericDirectional(gradient(f), x, v, 1e-3);
      expect(relErr(hv, numeric, 1e-6)).toBeLessThan(1e-7);
    });
  }

  it('grad(x => sum(grad(f)(x))) is the Hessian times ones', () => {
    const f = FUNCTIONS[0]![1];
    const x = point(7);
    const inner = nn.grad(f, { argnums: 0 }) as (x: T) => T;
    const h1 = nn.scope(() => (nn.grad((y: T) => nn.sum(inner(y)), { argnums: 0 })(nn.tensor(x, { shape: SHAPE })) as T).data());
    const numeric = numericDirectional(gradient(f), x, new Float64Array(N).fill(1), 1e-3);
    expect(relErr(h1, numeric, 1e-6)).toBeLessThan(1e-7);
  });

  it('three tapes deep: the gradient of ⟨H(x)v, u⟩ against differences of Hessian-vector products', () => {
    const f = FUNCTIONS[2]![1];
    const x = point(9);
    const v = nn.tensor(uniformArray(10, N), { shape: SHAPE });
    const u = nn.tensor(uniformArray(11, N), { shape: SHAPE });
    const third = nn.scope(() => (nn.grad((y: T) => nn.sum(nn.mul(nn.hvp(f, y, v), u)), { argnums: 0 })(nn.tensor(x, { shape: SHAPE })) as T).data());
    // d/dx ⟨H(x)v, u⟩ along e_i, by differences of the (exact) Hessian-vector products
    const hvpAt = (y: Float64Array): Float64Array => nn.scope(() => nn.hvp(f, nn.tensor(y, { shape: SHAPE }), v).data());
    const numeric = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const e = new Float64Array(N);
      e[i] = 1;
      const d = numericDirectional(hvpAt, x, e, 1e-3);
      numeric[i] = d.reduce((s, di, j) => s + di * u.view()[j]!, 0);
    }
    expect(relErr(third, numeric, 1e-6)).toBeLessThan(1e-7);
    v.free();
    u.free();
  });
});
