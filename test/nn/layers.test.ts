/**
 * Layers (bindings/nn/layers.ts) against plain-TS definitions: linear / MLP forward passes, the GLU
 * variants of Shazeer (2020), convexity of the input-convex network (midpoint inequality and
 * Hessian-vector products), the coupling layer's exact inverse and log-determinant, LoRA's frozen base.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ParameterError, rng, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import {
  coupling, couplingInverse, couplingLogDet, glu, icnn, initCoupling, initGlu, initIcnn, initLinear, initLora, initMlp, linear, loraLinear, mlp,
  type GluVariant,
} from '../../bindings/nn/layers.js';
import { sgd } from '../../bindings/nn/optim.js';
import { train } from '../../bindings/nn/train.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

/** Rows of a [n, d] tensor-shaped Float64Array. */
const rowsOf = (a: ArrayLike<number>, n: number, d: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => a[i * d + j]!));
/** x·W + b in plain TS (W [in, out] row-major). */
function affineRef(x: number[][], W: Float64Array, b: Float64Array | null, out: number): number[][] {
  return x.map((r) => Array.from({ length: out }, (_, j) => r.reduce((s, v, i) => s + v * W[i * out + j]!, b ? b[j]! : 0)));
}

describe('linear and mlp', () => {
  it('compute xW + b and the ReLU chain exactly as plain TS does (to rounding)', () => {
    nn.scope(() => {
      const p = initMlp([5, 7, 3], { seed: 4 });
      const xs = randomVector(1, 4 * 5);
      const x = nn.tensor(xs, { shape: [4, 5] });
      const h = affineRef(rowsOf(xs, 4, 5), p.layers[0]!.W.data(), p.layers[0]!.b!.data(), 7).map((r) => r.map((v) => Math.max(0, v)));
      const ref = affineRef(h, p.layers[1]!.W.data(), p.layers[1]!.b!.data(), 3);
      const got = mlp(p, x).data();
      ref.flat().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 13));
      const l = linear(p.layers[0]!, x).data();
      affineRef(rowsOf(xs, 4, 5), p.layers[0]!.W.data(), p.layers[0]!.b!.data(), 7).flat().forEach((v, i) => expect(l[i]).toBeCloseTo(v, 13));
    });
  });

  it('initialisation is seeded: same seed same bits, He bound respected, a generator advances', () => {
    nn.scope(() => {
      const a = initLinear(10, 20, { seed: 3 }).W.data();
      const b = initLinear(10, 20, { seed: 3 }).W.data();
      const c = initLinear(10, 20, { seed: 4 }).W.data();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 10));
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0.5 * Math.sqrt(6 / 10));
      const R = rng(9);
      const first = initLinear(3, 3, { seed: R }).W.data(), second = initLinear(3, 3, { seed: R }).W.data();
      expect(Array.from(first)).not.toEqual(Array.from(second));
      expect(initLinear(3, 3, { dtype: 'f32' }).W.dtype).toBe('f32');
      expect(initLinear(3, 2, { bias: false }).b).toBeUndefined();
    });
  });

  it('typed errors', () => {
    expect(() => initLinear(0, 3)).toThrow('initLinear: inputs must be a positive integer (got 0)');
    expect(() => initLinear(3, 3, { init: 'lecun' as never })).toThrow(ParameterError);
    expect(() => initMlp([3])).toThrow('initMlp: sizes must be an array of at least two positive integers (got array of length 1)');
    nn.scope(() => {
      const p = initLinear(3, 2);
      expect(() => linear(p, nn.zeros([4, 5]))).toThrow(ShapeError);
      expect(() => linear(p, nn.zeros([4, 5]))).toThrow('linear: x must have shape [n, 3] (got [4,5])');
      expect(() => mlp({ layers: [p] }, nn.zeros([1, 3]), { activation: 'swish' as never })).toThrow(ParameterError);
    });
  });
});

describe('GLU variants (Shazeer 2020): (act(xW) ⊙ xV)W₂', () => {
  const sig = (z: number): number => 1 / (1 + Math.exp(-z));
  const acts: Record<GluVariant, (z: number) => number> = {
    glu: sig,
    bilinear: (z) => z,
    reglu: (z) => Math.max(0, z),
    geglu: (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3))),
    swiglu: (z) => z * sig(z),
  };
  for (const variant of Object.keys(acts) as GluVariant[]) {
    it(`${variant} matches its definition`, () => {
      nn.scope(() => {
        const p = initGlu(4, 6, { seed: 2 });
        const xs = randomVector(3, 3 * 4);
        const x = rowsOf(xs, 3, 4);
        const a = affineRef(x, p.W.data(), null, 6), v = affineRef(x, p.V.data(), null, 6);
        const h = a.map((r, i) => r.map((z, j) => acts[variant](z) * v[i]![j]!));
        const ref = affineRef(h, p.W2.data(), null, 4).flat();
        const got = glu(p, nn.tensor(xs, { shape: [3, 4] }), variant).data();
        ref.forEach((r, i) => expect(got[i]).toBeCloseTo(r, 12));
      });
    });
  }
});

describe('input-convex network', () => {
  it('is convex in x: midpoint inequality on 300 random segments, also for arbitrary (trained-looking) raw weights', () => {
    nn.scope(() => {
      const p = initIcnn(3, [8, 8], { seed: 5 });
      // scramble the raw z-path weights far from the initialisation: convexity must not depend on it
      p.hidden.forEach((h, k) => h.view().set(randomVector(40 + k, h.size, 3)));
      const f = (x: Float64Array): Float64Array => icnn(p, nn.tensor(x, { shape: [x.length / 3, 3] })).data();
      const A = randomVector(6, 300 * 3, 2), B = randomVector(7, 300 * 3, 2);
      const mid = A.map((a, i) => 0.5 * (a + B[i]!));
      const fa = f(A), fb = f(B), fm = f(mid);
      for (let i = 0; i < 300; i++) expect(fm[i]!).toBeLessThanOrEqual(0.5 * (fa[i]! + fb[i]!) + 1e-12);
    });
  });

  it('has a positive semidefinite Hessian: vᵀ(∇²f)v ≥ 0 by reverse-over-reverse at random points', () => {
    nn.scope(() => {
      const p = initIcnn(4, [6], { seed: 8 });
      p.hidden[0]!.view().set(randomVector(9, p.hidden[0]!.size, 2));
      for (let t = 0; t < 50; t++) {
        const x = nn.tensor(randomVector(100 + t, 4, 2), { shape: [1, 4] });
        const v = nn.tensor(randomVector(200 + t, 4), { shape: [1, 4] });
        const Hv = nn.hvp((z: nn.Tensor) => nn.sum(icnn(p, z)), x, v).data();
        const q = Hv.reduce((s, h, i) => s + h * v.data()[i]!, 0);
        expect(q).toBeGreaterThanOrEqual(-1e-12);
      }
    });
  });
});

describe('affine coupling layer', () => {
  it('inverse(forward(x)) = x and forward(inverse(y)) = y to 1e-12 in f64, for both halves conditioning', () => {
    nn.scope(() => {
      for (const [dim, flip] of [[2, false], [5, false], [5, true], [8, true]] as const) {
        const p = initCoupling(dim, { seed: dim, flip, hidden: [16, 16], outputGain: 1 });
        const x = nn.tensor(randomVector(dim, 50 * dim, 2), { shape: [50, dim] });
        const y = coupling(p, x);
        const back = couplingInverse(p, y).data();
        const xd = x.data();
        let moved = 0;
        xd.forEach((v, i) => {
          expect(Math.abs(back[i]! - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
          moved = Math.max(moved, Math.abs(y.data()[i]! - v));
        });
        expect(moved).toBeGreaterThan(0.1); // the layer is not the identity
        const fwd = coupling(p, couplingInverse(p, y)).data();
        y.data().forEach((v, i) => expect(Math.abs(fwd[i]! - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
      }
    });
  });

  it('log|det J| equals the log-determinant of the central-difference Jacobian', () => {
    nn.scope(() => {
      const dim = 3;
      const p = initCoupling(dim, { seed: 11, hidden: [8], outputGain: 1 });
      const x0 = randomVector(12, dim);
      const J: number[][] = [];
      const h = 1e-6;
      for (let j = 0; j < dim; j++) {
        const xp = x0.slice(), xm = x0.slice();
        xp[j] = xp[j]! + h;
        xm[j] = xm[j]! - h;
        const yp = coupling(p, nn.tensor(xp, { shape: [1, dim] })).data(), ym = coupling(p, nn.tensor(xm, { shape: [1, dim] })).data();
        J.push(Array.from(yp, (v, i) => (v - ym[i]!) / (2 * h)));
      }
      const det = J[0]![0]! * (J[1]![1]! * J[2]![2]! - J[1]![2]! * J[2]![1]!) - J[0]![1]! * (J[1]![0]! * J[2]![2]! - J[1]![2]! * J[2]![0]!) + J[0]![2]! * (J[1]![0]! * J[2]![1]! - J[1]![1]! * J[2]![0]!);
      expect(couplingLogDet(p, nn.tensor(x0, { shape: [1, dim] })).item()).toBeCloseTo(Math.log(Math.abs(det)), 7);
    });
  });
});

describe('LoRA', () => {
  it('starts equal to the base layer; training updates only A and B; the merged weight W + (α/r)AB reproduces it', () => {
    const before = memoryStats().allocatedBytes;
    const base = initLinear(6, 3, { seed: 1 });
    const adapter = initLora(6, 3, 2, { seed: 2 });
    const W0 = base.W.data().slice(), b0 = base.b!.data().slice();
    const xs = randomVector(3, 40 * 6);
    const x = nn.tensor(xs, { shape: [40, 6] });
    nn.scope(() => expect(Array.from(loraLinear(base, adapter, x, { alpha: 4 }).data())).toEqual(Array.from(linear(base, x).data())));
    const beforeTraining = memoryStats().allocatedBytes;
    // targets from a perturbed layer: the adapter has something to learn
    const target = affineRef(rowsOf(xs, 40, 6), W0.map((w, i) => w + (i % 5 === 0 ? 0.5 : 0)), b0, 3);
    const r = train(
      { params: adapter, loss: (p, xb, yb) => nn.mean(nn.square(nn.sub(loraLinear(base, p, xb, { alpha: 4 }), yb as nn.Tensor))) },
      { X: rowsOf(xs, 40, 6), y: target },
      { epochs: 30, batchSize: 8, optimizer: sgd({ learningRate: 0.05 }) },
    );
    expect(memoryStats().allocatedBytes).toBe(beforeTraining); // every step's scope was freed
    expect(r.history[29]!.loss).toBeLessThan(0.5 * r.history[0]!.loss);
    expect(Array.from(base.W.data())).toEqual(Array.from(W0));
    expect(Array.from(base.b!.data())).toEqual(Array.from(b0));
    expect(adapter.B.data().some((v) => v !== 0)).toBe(true);
    // merged: W + (α/r)·A·B
    const A = adapter.A.data(), B = adapter.B.data();
    const merged = W0.map((w, k) => {
      const i = Math.floor(k / 3), j = k % 3;
      return w + 2 * (A[i * 2]! * B[j]! + A[i * 2 + 1]! * B[3 + j]!);
    });
    const got = nn.scope(() => loraLinear(base, adapter, x, { alpha: 4 }).data());
    affineRef(rowsOf(xs, 40, 6), merged, b0, 3).flat().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    for (const t of [base.W, base.b!, adapter.A, adapter.B, x]) t.free();
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
