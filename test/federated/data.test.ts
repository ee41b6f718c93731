/**
 * federated data: the FedProx synthetic(α, β) generator's statistics on seeded samples (sample-size law,
 * feature covariance diag(j^−1.2), α and β as standard deviations, argmax labels, the 90/10 split), the
 * Gamma sampler behind the Dirichlet split, and the partitions (every row used once, skew grows as α falls).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { fedproxSynthetic, partitionClients } from '../../bindings/federated/index.js';
import { gammaSamples } from '../../bindings/federated/data.js';
import { Rng } from '../../bindings/rng.js';

beforeAll(() => init());

/** Upper tail of N(0, 1) from erfc (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

const sd = (a: number[]): number => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};

describe('fedproxSynthetic', () => {
  it('sample sizes follow n = floor(exp(Z)) + 50, Z ~ N(4, 2²); α and β are standard deviations', () => {
    const K = 400;
    const { truth } = fedproxSynthetic({ clients: K, dim: 2, classes: 2, alpha: 3, beta: 2, seed: 1 });
    const n = Array.from(truth.sizes);
    expect(Math.min(...n)).toBeGreaterThanOrEqual(50);
    for (const m of [1, 20, 55, 400, 3000]) {
      const p = normalTail((Math.log(m) - 4) / 2);
      const emp = n.filter((v) => v - 50 >= m).length / K;
      expect(Math.abs(emp - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / K));
    }
    // device means of W_k entries scatter with sd ≈ sqrt(α² + 1/(d·C)); of v_k with sqrt(β² + 1/d)
    const wMeans = truth.weights.map((W) => W.reduce((s, v) => s + v, 0) / W.length);
    const vMeans = truth.featureMeans.map((v) => v.reduce((s, x) => s + x, 0) / v.length);
    expect(Math.abs(sd(wMeans) - Math.sqrt(9 + 1 / 4))).toBeLessThan(0.45);
    expect(Math.abs(sd(vMeans) - Math.sqrt(4 + 1 / 2))).toBeLessThan(0.35);
    // b_k shares u_k with W_k: their device means correlate strongly
    const bMeans = truth.biases.map((b) => (b[0]! + b[1]!) / 2);
    const corr = wMeans.reduce((s, w, k) => s + (w - 0) * (bMeans[k]! - 0), 0) / Math.sqrt(wMeans.reduce((s, w) => s + w * w, 0) * bMeans.reduce((s, b) => s + b * b, 0));
    expect(corr).toBeGreaterThan(0.9);
  });

  it('features have covariance diag(j^−1.2) around each device mean; labels are argmax(xW + b); 90/10 split', () => {
    const data = fedproxSynthetic({ seed: 2 });
    const { truth } = data;
    const d = 60, C = 10;
    expect(data.clients.length).toBe(30);
    for (let j = 0; j < d; j++) expect(Math.abs(truth.variances[j]! / Math.pow(j + 1, -1.2) - 1)).toBeLessThan(1e-14);
    const sum = new Float64Array(d), sq = new Float64Array(d);
    let cross01 = 0, cross5_9 = 0, N = 0;
    data.clients.forEach((c, k) => {
      const n = truth.sizes[k]!;
      expect(c.y.length).toBe(Math.floor(0.9 * n));
      expect(c.testY.length).toBe(n - Math.floor(0.9 * n));
      const v = truth.featureMeans[k]!, W = truth.weights[k]!, b = truth.biases[k]!;
      for (const [X, y] of [[c.X, c.y], [c.testX, c.testY]] as const) {
        for (let i = 0; i < y.length; i++) {
          const r = X.subarray(i * d, i * d + d);
          for (let j = 0; j < d; j++) {
            const z = r[j]! - v[j]!;
            sum[j] = sum[j]! + z;
            sq[j] = sq[j]! + z * z;
          }
          cross01 += (r[0]! - v[0]!) * (r[1]! - v[1]!) / Math.sqrt(truth.variances[0]! * truth.variances[1]!);
          cross5_9 += (r[5]! - v[5]!) * (r[9]! - v[9]!) / Math.sqrt(truth.variances[5]! * truth.variances[9]!);
          N++;
          let best = -1, bestS = -Infinity;
          for (let cl = 0; cl < C; cl++) {
            let s = b[cl]!;
            for (let j = 0; j < d; j++) s += r[j]! * W[j * C + cl]!;
            if (s > bestS) [best, bestS] = [cl, s];
          }
          expect(y[i]).toBe(best);
        }
      }
    });
    expect(N).toBeGreaterThan(3000);
    const tol = 5 * Math.sqrt(2 / N); // relative standard error of a variance estimate, ×5
    for (let j = 0; j < d; j++) {
      const target = Math.pow(j + 1, -1.2);
      expect(Math.abs(sq[j]! / N / target - 1)).toBeLessThan(tol);
      expect(Math.abs(sum[j]! / N) / Math.sqrt(target)).toBeLessThan(5 / Math.sqrt(N));
    }
    expect(Math.abs(cross01 / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(cross5_9 / N)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('is reproducible; iid shares one model and zero feature means', () => {
    const a = fedproxSynthetic({ clients: 3, dim: 4, classes: 3, seed: 9 });
    const b = fedproxSynthetic({ clients: 3, dim: 4, classes: 3, seed: 9 });
    expect(Array.from(a.clients[2]!.X)).toEqual(Array.from(b.clients[2]!.X));
    const iid = fedproxSynthetic({ clients: 3, dim: 4, classes: 3, iid: true, seed: 9 });
    expect(Array.from(iid.truth.weights[0]!)).toEqual(Array.from(iid.truth.weights[2]!));
    expect(Array.from(iid.truth.featureMeans[1]!)).toEqual([0, 0, 0, 0]);
  });
});

describe('partitionClients and the Gamma sampler', () => {
  it('Gamma(a) samples have mean a and variance a', () => {
    for (const a of [0.3, 0.6, 1, 4]) {
      const g = Array.from(gammaSamples(new Rng(3), a, 40000));
      const m = g.reduce((s, v) => s + v, 0) / g.length;
      const v = sd(g) ** 2;
      expect(Math.abs(m - a)).toBeLessThan(5 * Math.sqrt(a / g.length));
      // relative standard error of a sample variance: sqrt((kurtosis − 1)/n), kurtosis of Gamma(a) = 3 + 6/a
      expect(Math.abs(v / a - 1)).toBeLessThan(5 * Math.sqrt((2 + 6 / a) / g.length));
      expect(Math.min(...g)).toBeGreaterThan(0);
    }
  });

  it('uses every row once; the Dirichlet split is skewed for small α and near-uniform for large α', () => {
    const n = 3000, C = 5;
    const X = Float64Array.from({ length: n }, (_, i) => i);
    const y = Int32Array.from({ length: n }, (_, i) => i % C);
    const skew = (alpha: number) => {
      const data = partitionClients(X, y, 1, { clients: 10, split: 'dirichlet', alpha, seed: 4 });
      const seen = new Uint8Array(n);
      let maxShare = 0;
      for (const c of data.clients) {
        const counts = new Array(C).fill(0);
        for (const [xs, ys] of [[c.X, c.y], [c.testX, c.testY]] as const) {
          ys.forEach((lab, i) => {
            const r = xs[i]!;
            seen[r] = seen[r]! + 1;
            expect(lab).toBe(r % C);
            counts[lab]++;
          });
        }
        const tot = counts.reduce((s, v) => s + v, 0);
        if (tot > 0) maxShare += Math.max(...counts) / tot / data.clients.length;
      }
      expect(Array.from(seen).every((v) => v === 1)).toBe(true);
      return maxShare;
    };
    const tight = skew(0.1), loose = skew(100);
    expect(tight).toBeGreaterThan(0.6);
    expect(loose).toBeLessThan(0.3);
    const iid = partitionClients(X, y, 1, { clients: 7, seed: 1 });
    const sizes = iid.clients.map((c) => c.y.length + c.testY.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(n);
  });
});
