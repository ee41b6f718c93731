/**
 * Optimizers (bindings/nn/optim.ts) against plain-TS transcriptions of each update rule from its
 * paper, step by step; gradient clipping against the definition; proximal SGD on a lasso problem
 * against the prox family's FISTA solution.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, lasso, normL1, indBox, NonFiniteError, ParameterError, ShapeError } from '../../bindings/index.js';
import { adam, adamw, clipGradNorm, sgd } from '../../bindings/nn/optim.js';
import { randomVector } from '../helpers.js';

/** The optimizers also take tensors; these tests use plain arrays. */
type ParamSet = Record<string, Float64Array>;

beforeAll(() => init());

const STEPS = 6;

/** A parameter pair and a deterministic sequence of gradients (step k, parameter name). */
function setup(seed: number): { params: () => ParamSet; grad: (k: number) => ParamSet } {
  const W = randomVector(seed, 12), b = randomVector(seed + 1, 3);
  return {
    params: () => ({ W: W.slice(), b: b.slice() }),
    grad: (k) => ({ W: randomVector(100 * seed + k, 12), b: randomVector(100 * seed + k + 50, 3) }),
  };
}

/** Runs an optimizer for STEPS steps on the sequence. */
function run(opt: ReturnType<typeof sgd>, seed: number): ParamSet {
  const { params, grad } = setup(seed);
  const p = params();
  for (let k = 0; k < STEPS; k++) opt.step(p, grad(k));
  return p;
}

/** The reference: the same steps written element by element from the update rule. */
function reference(seed: number, update: (theta: number, g: number, state: number[], t: number) => number): ParamSet {
  const { params, grad } = setup(seed);
  const p = params();
  const states: Record<string, number[][]> = {};
  for (let k = 0; k < STEPS; k++) {
    const g = grad(k);
    for (const name of Object.keys(p)) {
      const st = (states[name] ??= Array.from(p[name]!, () => [0, 0]));
      for (let i = 0; i < p[name]!.length; i++) p[name]![i] = update(p[name]![i]!, g[name]![i]!, st[i]!, k + 1);
    }
  }
  return p;
}

function expectClose(a: ParamSet, b: ParamSet, digits = 14): void {
  for (const name of Object.keys(b)) Array.from(b[name]!).forEach((v, i) => expect(a[name]![i]).toBeCloseTo(v, digits));
}

describe('update rules against element-wise references', () => {
  it('SGD: plain, with weight decay, heavy-ball momentum and Nesterov', () => {
    expectClose(run(sgd({ learningRate: 0.1 }), 1), reference(1, (x, g) => x - 0.1 * g));
    expectClose(run(sgd({ learningRate: 0.1, weightDecay: 0.2 }), 1), reference(1, (x, g) => x - 0.1 * (g + 0.2 * x)));
    // heavy ball (PyTorch convention): v ← μv + g; θ ← θ − ηv
    expectClose(run(sgd({ learningRate: 0.05, momentum: 0.9 }), 2), reference(2, (x, g, s) => ((s[0] = 0.9 * s[0]! + g), x - 0.05 * s[0]!)));
    // Nesterov: θ ← θ − η(g + μv) with the updated v
    expectClose(run(sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }), 3), reference(3, (x, g, s) => ((s[0] = 0.8 * s[0]! + g), x - 0.05 * (g + 0.8 * s[0]!))));
  });

  it('Adam (Kingma & Ba, Algorithm 1) with bias correction, and with coupled L2', () => {
    const adamRef = (lr: number, b1: number, b2: number, eps: number, wd: number) => (x: number, g0: number, s: number[], t: number) => {
      const g = g0 + wd * x;
      s[0] = b1 * s[0]! + (1 - b1) * g;
      s[1] = b2 * s[1]! + (1 - b2) * g * g;
      const mhat = s[0]! / (1 - Math.pow(b1, t));
      const vhat = s[1]! / (1 - Math.pow(b2, t));
      return x - (lr * mhat) / (Math.sqrt(vhat) + eps);
    };
    expectClose(run(adam({ learningRate: 0.01 }), 4), reference(4, adamRef(0.01, 0.9, 0.999, 1e-8, 0)));
    expectClose(run(adam({ learningRate: 0.02, beta1: 0.5, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1 }), 5), reference(5, adamRef(0.02, 0.5, 0.9, 1e-3, 0.1)));
  });

  it('AdamW (Loshchilov & Hutter, Algorithm 2 with schedule multiplier 1): decay decoupled from the moments', () => {
    const ref = reference(6, (x, g, s, t) => {
      s[0] = 0.9 * s[0]! + 0.1 * g;
      s[1] = 0.999 * s[1]! + 0.001 * g * g;
      const mhat = s[0]! / (1 - 0.9 ** t), vhat = s[1]! / (1 - 0.999 ** t);
      return x - 0.01 * (mhat / (Math.sqrt(vhat) + 1e-8) + 0.05 * x);
    });
    expectClose(run(adamw({ learningRate: 0.01, weightDecay: 0.05 }), 6), ref);
    // decoupled ≠ coupled: the same λ through Adam's L2 gives different weights
    const coupled = run(adam({ learningRate: 0.01, weightDecay: 0.05 }), 6);
    expect(Math.abs(coupled.W![0]! - ref.W![0]!)).toBeGreaterThan(1e-6);
  });

  it('float32 parameters are updated in float32 storage; learningRate can change between steps', () => {
    const p = { w: new Float32Array([1, -2, 3]) };
    const opt = sgd({ learningRate: 0.5 });
    opt.step(p, { w: new Float32Array([1, 1, 1]) });
    expect(Array.from(p.w)).toEqual([0.5, -2.5, 2.5]);
    opt.learningRate = 1;
    opt.step(p, { w: new Float32Array([1, 1, 1]) });
    expect(Array.from(p.w)).toEqual([-0.5, -3.5, 1.5]);
    expect(opt.steps).toBe(2);
  });
});

describe('clipGradNorm', () => {
  it('scales to the max norm when above it, leaves it alone below, returns the norm before clipping', () => {
    const g = { a: new Float64Array([3, 0]), b: new Float64Array([4]) };
    expect(clipGradNorm(g, 10)).toBe(5);
    expect(Array.from(g.a)).toEqual([3, 0]);
    expect(clipGradNorm(g, 1)).toBe(5);
    expect(g.a[0]).toBeCloseTo(0.6, 15);
    expect(g.b[0]).toBeCloseTo(0.8, 15);
    // no overflow for huge entries (a naive Σg² is Infinity)
    const big = { a: new Float64Array([3e200, 4e200]) };
    expect(clipGradNorm(big, 1)).toBeCloseTo(5e200, -186);
    expect(Math.hypot(big.a[0]!, big.a[1]!)).toBeCloseTo(1, 14);
    expect(clipGradNorm({ z: new Float64Array(3) }, 1)).toBe(0);
    expect(() => clipGradNorm({ a: new Float64Array([NaN]) }, 1)).toThrow(NonFiniteError);
    expect(() => clipGradNorm(g, 0)).toThrow('clipGradNorm: maxNorm must be a number > 0 (got 0)');
  });
});

describe('proximal hook', () => {
  /** A lasso problem with a sparse truth: m = 60, n = 20, 4 nonzeros. */
  function problem(): { X: Float64Array; y: Float64Array; m: number; n: number } {
    const m = 60, n = 20;
    const X = randomVector(7, m * n);
    const truth = new Float64Array(n);
    truth[2] = 1.5; truth[7] = -2; truth[11] = 0.7; truth[19] = -0.4;
    const noise = randomVector(8, m, 0.05);
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = noise[i]!;
      for (let j = 0; j < n; j++) s += X[i * n + j]! * truth[j]!;
      y[i] = s;
    }
    return { X, y, m, n };
  }
  /** ∇ of ½‖X_B w − y_B‖² over the rows B (all rows by default). */
  function gradient(P: ReturnType<typeof problem>, w: Float64Array, rows?: number[]): Float64Array {
    const g = new Float64Array(P.n);
    for (const i of rows ?? Array.from({ length: P.m }, (_, k) => k)) {
      let r = -P.y[i]!;
      for (let j = 0; j < P.n; j++) r += P.X[i * P.n + j]! * w[j]!;
      for (let j = 0; j < P.n; j++) g[j] = g[j]! + r * P.X[i * P.n + j]!;
    }
    return g;
  }

  it('full-batch proximal SGD (= ISTA) reaches the lasso solution FISTA finds, to 1e-7', () => {
    const P = problem();
    const lambda = 5;
    const ref = lasso(P.X, P.y, lambda, { tol: 1e-12 });
    // step 1/L with L ≥ λmax(XᵀX): the Frobenius norm² is an upper bound
    let fro = 0;
    for (const v of P.X) fro += v * v;
    const opt = sgd({ learningRate: 1 / fro, prox: { w: normL1(lambda) } });
    const p = { w: new Float64Array(P.n) };
    for (let k = 0; k < 40000; k++) opt.step(p, { w: gradient(P, p.w) });
    Array.from(ref.x).forEach((v, j) => expect(p.w[j]).toBeCloseTo(v, 7));
    expect(ref.x.filter((v) => v !== 0).length).toBeLessThan(P.n); // the penalty is active: some exact zeros
    Array.from(ref.x).forEach((v, j) => expect(p.w[j] === 0).toBe(v === 0));
  });

  it('minibatch proximal SGD with a decaying step approaches the same solution and keeps its zeros exact', () => {
    const P = problem();
    const lambda = 5;
    const ref = lasso(P.X, P.y, lambda, { tol: 1e-12 });
    const opt = sgd({ learningRate: 1e-3, prox: (name) => (name === 'w' ? normL1(lambda) : undefined) });
    const p = { w: new Float64Array(P.n) };
    let k = 0;
    for (let epoch = 0; epoch < 400; epoch++) {
      for (let start = 0; start < P.m; start += 10) {
        opt.learningRate = 1e-3 / (1 + k / 500);
        // a minibatch gradient scaled by m/|B| is unbiased for the full gradient; the prox step uses the same η
        const rows = Array.from({ length: 10 }, (_, q) => (start + q + 7 * epoch) % P.m);
        opt.step(p, { w: gradient(P, p.w, rows).map((v) => (v * P.m) / 10) });
        k++;
      }
    }
    Array.from(ref.x).forEach((v, j) => expect(Math.abs(p.w[j]! - v)).toBeLessThan(2e-2));
  });

  it('applies to the named parameters only; a box projection keeps parameters inside', () => {
    const opt = adam({ learningRate: 0.5, prox: { a: indBox(-0.1, 0.1) } });
    const p = { a: new Float64Array([0, 0]), b: new Float64Array([0, 0]) };
    for (let k = 0; k < 5; k++) opt.step(p, { a: new Float64Array([-1, 1]), b: new Float64Array([-1, 1]) });
    expect(Array.from(p.a)).toEqual([0.1, -0.1]);
    expect(Math.abs(p.b[0]!)).toBeGreaterThan(1);
  });
});

describe('typed errors', () => {
  it('name the optimizer, the option and what was received', () => {
    expect(() => sgd({ learningRate: -1 })).toThrow('sgd: options.learningRate must be a finite number > 0 (got -1)');
    expect(() => sgd({ momentum: 1 })).toThrow('sgd: options.momentum must be a number in [0, 1) (got 1)');
    expect(() => sgd({ nesterov: true })).toThrow(ParameterError);
    expect(() => adam({ beta2: 1.5 })).toThrow('adam: options.beta2 must be a number in [0, 1) (got 1.5)');
    expect(() => adamw({ weightDecay: -0.1 })).toThrow('adamw: options.weightDecay must be a finite number >= 0 (got -0.1)');
    expect(() => adam({ prox: { w: 3 as never } })).toThrow('adam: options.prox.w must be a ProxOperator (got 3)');
    const opt = adam();
    expect(() => opt.step({ w: new Float64Array(2) }, { w: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => opt.step({ w: new Float64Array(2) }, { w: new Float64Array(3) })).toThrow('adam.step: grads.w must have the length of params.w, 2 (got 3)');
    expect(() => opt.step({ w: new Float64Array(2) }, {})).toThrow('adam.step: grads.w must be a Float64Array or Float32Array of length 2 (got undefined)');
    expect(() => opt.step({ w: [1, 2] as never }, { w: new Float64Array(2) })).toThrow('adam.step: params.w must be a Float64Array or Float32Array (got array of length 2)');
  });
});
