/**
 * procrustesLinearity against its definition: exactly 1 for a linear image, ≈ d/n for independent
 * Gaussians and equal to a plain-TS evaluation (least squares by the normal equations); the per-layer
 * scores of a trained transformer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn, rng } from '../../bindings/index.js';

beforeAll(() => init());

/** Plain TS: centre, normalise, solve (XᵀX)A = XᵀY by Gaussian elimination, 1 − ‖XA − Y‖². */
function reference(X: Float64Array, Y: Float64Array, n: number, dx: number, dy: number): number {
  const prep = (M: Float64Array, d: number): Float64Array => {
    const out = Float64Array.from(M);
    for (let j = 0; j < d; j++) {
      let mu = 0;
      for (let i = 0; i < n; i++) mu += out[i * d + j]!;
      for (let i = 0; i < n; i++) out[i * d + j]! -= mu / n;
    }
    const f = Math.sqrt(out.reduce((s, v) => s + v * v, 0));
    return out.map((v) => v / f);
  };
  const x = prep(X, dx), y = prep(Y, dy);
  // normal equations G A = B with G = XᵀX [dx, dx], B = XᵀY [dx, dy]
  const G = new Float64Array(dx * dx), B = new Float64Array(dx * dy);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dx; a++) {
      for (let b = 0; b < dx; b++) G[a * dx + b]! += x[i * dx + a]! * x[i * dx + b]!;
      for (let b = 0; b < dy; b++) B[a * dy + b]! += x[i * dx + a]! * y[i * dy + b]!;
    }
  }
  for (let c = 0; c < dx; c++) {
    let p = c;
    for (let r = c + 1; r < dx; r++) if (Math.abs(G[r * dx + c]!) > Math.abs(G[p * dx + c]!)) p = r;
    for (let k = 0; k < dx; k++) [G[c * dx + k], G[p * dx + k]] = [G[p * dx + k]!, G[c * dx + k]!];
    for (let k = 0; k < dy; k++) [B[c * dy + k], B[p * dy + k]] = [B[p * dy + k]!, B[c * dy + k]!];
    for (let r = 0; r < dx; r++) {
      if (r === c) continue;
      const f = G[r * dx + c]! / G[c * dx + c]!;
      for (let k = 0; k < dx; k++) G[r * dx + k]! -= f * G[c * dx + k]!;
      for (let k = 0; k < dy; k++) B[r * dy + k]! -= f * B[c * dy + k]!;
    }
  }
  for (let c = 0; c < dx; c++) for (let k = 0; k < dy; k++) B[c * dy + k]! /= G[c * dx + c]!;
  let res = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dy; k++) {
      let v = -y[i * dy + k]!;
      for (let a = 0; a < dx; a++) v += x[i * dx + a]! * B[a * dy + k]!;
      res += v * v;
    }
  }
  return 1 - res;
}

describe('procrustesLinearity', () => {
  it('is exactly 1 (to rounding) for Y = XA + c with an invertible A, and for Y = X', () => {
    const n = 200, d = 6;
    const X = rng(1).normal(n * d);
    const A = rng(2).normal(d * d); // a Gaussian matrix is invertible with probability 1
    const Y = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) {
      let v = 3 + k; // a constant row offset: removed by the centring
      for (let a = 0; a < d; a++) v += X[i * d + a]! * A[a * d + k]!;
      Y[i * d + k] = v;
    }
    const M = (data: Float64Array) => ({ data, rows: n, cols: d });
    expect(nn.procrustesLinearity(M(X), M(Y))).toBeCloseTo(1, 12);
    expect(nn.procrustesLinearity(M(X), M(X))).toBeCloseTo(1, 13);
  });

  it('independent Gaussians, n = 1000, d = 10: about d/n and equal to the normal-equation reference', () => {
    const n = 1000, d = 10;
    const scores: number[] = [];
    for (let s = 0; s < 5; s++) {
      const X = rng(10 + s).normal(n * d), Y = rng(100 + s).normal(n * d);
      const got = nn.procrustesLinearity({ data: X, rows: n, cols: d }, { data: Y, rows: n, cols: d });
      expect(Math.abs(got - reference(X, Y, n, d, d))).toBeLessThan(1e-12);
      scores.push(got);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    // E = (d − 0)/(n − 1) ≈ 0.01 for centred data; the spread of one draw is about 0.0015
    expect(mean).toBeGreaterThan(0.007);
    expect(mean).toBeLessThan(0.013);
  });

  it('rank-deficient X (a repeated column) and a tensor input give the reference value', () => {
    const n = 50;
    const base = rng(3).normal(n * 2), Y = rng(4).normal(n * 3);
    const X = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) X.set([base[2 * i]!, base[2 * i + 1]!, base[2 * i]!], 3 * i);
    const ref = reference(base, Y, n, 2, 3); // the span of X is that of its first two columns
    expect(nn.procrustesLinearity({ data: X, rows: n, cols: 3 }, { data: Y, rows: n, cols: 3 })).toBeCloseTo(ref, 12);
    const t = nn.tensor(X, { shape: [n, 3] });
    expect(nn.procrustesLinearity(t, { data: Y, rows: n, cols: 3 })).toBeCloseTo(ref, 12);
    t.free();
  });

  it('refuses mismatched rows and a constant input, naming them', () => {
    expect(() => nn.procrustesLinearity([[1, 2], [3, 4]], [[1], [2], [3]])).toThrow(/procrustesLinearity: X and Y must have the same number of rows \(got 2 and 3\)/);
    expect(() => nn.procrustesLinearity([[1, 2], [1, 2]], [[1], [2]])).toThrow(/procrustesLinearity: X must not be constant/);
  });

  it('lmLayerLinearity: one score per block, in [0, 1], with-residual ones equal procrustesLinearity of the hidden states', () => {
    const P = nn.initTransformer(7, { dModel: 8, heads: 2, layers: 3, contextLength: 12, seed: 2 });
    const seqs = [[0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4], [6, 5, 4, 3, 2, 1, 0, 6, 5, 4, 3, 2]];
    const r = nn.lmLayerLinearity(P, seqs);
    expect(r.withResidual.length).toBe(3);
    expect(r.withoutResidual.length).toBe(3);
    for (const v of [...r.withResidual, ...r.withoutResidual]) expect(v >= 0 && v <= 1).toBe(true);
    const byHand = nn.scope(() => {
      const h = nn.transformerForward(P, seqs, { hidden: true }).hidden!;
      return [nn.procrustesLinearity(h[1]!, h[2]!), nn.procrustesLinearity(h[1]!, nn.sub(h[2]!, h[1]!))];
    });
    expect(r.withResidual[1]).toBe(byHand[0]);
    expect(r.withoutResidual[1]).toBe(byHand[1]);
  });
});
