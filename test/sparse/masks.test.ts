/**
 * 2:4 masks of the digits MLP: the magnitude mask against brute force over the six pairs of each group,
 * and a short ProxSparse run whose frozen masks are exactly 2:4 with every pruned weight zero.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { digitsData } from '../../bindings/demo/bounds.js';
import { accuracyOf, fitMaskedMlp, freeMaskedMlp, freeze24, initMaskedMlp, isExactly24, magnitudeMask24, share24 } from '../../bindings/sparse/masks.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

describe('2:4 masks', () => {
  it('the magnitude mask keeps the pair of largest total |w| in every group (brute force over the 6 pairs)', () => {
    const [rows, cols] = [7, 12];
    const W = randomVector(41, rows * cols, 1);
    const M = magnitudeMask24(W, rows, cols);
    expect(isExactly24(M)).toBe(true);
    for (let g = 0; g < rows * cols; g += 4) {
      let best = -1;
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) best = Math.max(best, Math.abs(W[g + i]!) + Math.abs(W[g + j]!));
      let kept = 0;
      for (let i = 0; i < 4; i++) if (M[g + i]) kept += Math.abs(W[g + i]!);
      expect(kept).toBe(best);
    }
  });

  it('isExactly24 refuses groups with one or three kept weights and non-0/1 entries', () => {
    expect(isExactly24(Uint8Array.of(1, 1, 0, 0, 0, 1, 0, 1))).toBe(true);
    expect(isExactly24(Uint8Array.of(1, 1, 1, 0))).toBe(false);
    expect(isExactly24(Uint8Array.of(1, 0, 0, 0))).toBe(false);
    expect(isExactly24(Uint8Array.of(2, 0, 0, 0))).toBe(false);
    expect(isExactly24(Uint8Array.of(1, 1, 0))).toBe(false);
  });

  it('ProxSparse steps drive groups towards 2:4; the frozen masks are exactly 2:4 and the forward pass uses them', () => {
    const { train, test } = digitsData();
    const small = { X: train.X.slice(0, 300), y: train.y.slice(0, 300) };
    const net = initMaskedMlp([64, 16, 8, 10], 3);
    fitMaskedMlp(net, small, { epochs: 5, learningRate: 5e-3, seed: 1 });
    const before = share24(net);
    fitMaskedMlp(net, small, { epochs: 5, learningRate: 0.05, seed: 2, lambda: 2, optimizer: 'sgd' });
    expect(share24(net)).toBeGreaterThan(before);
    freeze24(net);
    net.masks.forEach((M, l) => {
      expect(M).not.toBeNull();
      expect(isExactly24(M!)).toBe(true);
      const v = net.layers[l]!.W.view();
      for (let i = 0; i < v.length; i++) if (!M![i]) expect(v[i]).toBe(0);
    });
    // retraining leaves pruned weights at zero and the masks exactly 2:4
    fitMaskedMlp(net, small, { epochs: 2, learningRate: 1e-3, seed: 3 });
    net.masks.forEach((M, l) => {
      const v = net.layers[l]!.W.view();
      for (let i = 0; i < v.length; i++) if (!M![i]) expect(v[i]).toBe(0);
    });
    // accuracy against a plain-TS forward pass of the stored (masked) weights
    const X = test.X.slice(0, 60);
    const y = test.y.slice(0, 60);
    let ok = 0;
    X.forEach((x, n) => {
      let h = x.slice();
      net.layers.forEach((L, l) => {
        const [out, inp] = L.W.shape as [number, number];
        const w = L.W.data();
        const b = L.b.data();
        const z = Array.from({ length: out }, (_, o) => b[o]! + h.reduce((s, v, i) => s + v * w[o * inp + i]!, 0));
        h = l < net.layers.length - 1 ? z.map((v) => Math.max(0, v)) : z;
      });
      if (h.indexOf(Math.max(...h)) === y[n]) ok++;
    });
    expect(accuracyOf(net, X, y)).toBeCloseTo(ok / 60, 12);
    freeMaskedMlp(net);
  });
});
