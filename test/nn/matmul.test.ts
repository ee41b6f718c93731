/** nn.matmul against a plain-TS triple loop: every transposition, f64 and f32, edge shapes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { uniformArray } from './helpers.js';

beforeAll(() => init());

/** C = op(A)·op(B) by the textbook triple loop, in f64. */
function reference(A: ArrayLike<number>, B: ArrayLike<number>, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = s;
    }
  return C;
}

// 0 and 1, odd sizes that are not multiples of the SIMD widths (2, 4) or of the register tile
// (4×4 in f64, 4×8 in f32), and sizes beyond one cache block (k > 256, n > 512, m > 64).
const SHAPES: [number, number, number][] = [
  [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [5, 1, 3], [3, 5, 7], [4, 4, 4], [4, 4, 8],
  [9, 13, 11], [17, 3, 33], [65, 257, 5], [7, 300, 530], [70, 33, 9],
];

describe('nn.matmul vs a triple loop', () => {
  for (const dtype of ['f64', 'f32'] as const) {
    for (const [m, k, n] of SHAPES) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`${dtype} ${m}×${k}·${k}×${n} transposeA=${ta} transposeB=${tb}`, () => {
          const seed = m * 10007 + k * 101 + n + (ta ? 1e6 : 0) + (tb ? 2e6 : 0);
          let A = uniformArray(seed, m * k);
          let B = uniformArray(seed + 1, k * n);
          if (dtype === 'f32') {
            A = A.map(Math.fround);
            B = B.map(Math.fround);
          }
          const want = reference(A, B, m, k, n, ta, tb);
          const got = nn.scope(() =>
            nn.matmul(nn.tensor(A, { shape: ta ? [k, m] : [m, k], dtype }), nn.tensor(B, { shape: tb ? [n, k] : [k, n], dtype }), { transposeA: ta, transposeB: tb }).data(),
          );
          expect(got.length).toBe(m * n);
          // f64: rounding of a k-term sum of products bounded by 1 in magnitude; f32: the same in f32
          const eps = dtype === 'f64' ? 2 ** -52 : 2 ** -23;
          const tol = 2 * Math.max(1, k) * eps;
          for (let i = 0; i < m * n; i++) expect(Math.abs(got[i]! - want[i]!), `entry ${i}`).toBeLessThanOrEqual(tol);
        });
      }
    }
  }

  it('batched products equal one product per batch entry, with a shared operand on either side', () => {
    nn.scope(() => {
      const A = uniformArray(11, 3 * 5 * 6);
      const B = uniformArray(12, 3 * 6 * 7);
      const W = uniformArray(13, 6 * 7);
      const batched = nn.matmul(nn.tensor(A, { shape: [3, 5, 6] }), nn.tensor(B, { shape: [3, 6, 7] })).data();
      const shared = nn.matmul(nn.tensor(A, { shape: [3, 5, 6] }), nn.tensor(W, { shape: [6, 7] })).data();
      const left = nn.matmul(nn.tensor(W, { shape: [6, 7] }), nn.tensor(B, { shape: [3, 7, 6] }), { transposeA: true, transposeB: true }).data();
      for (let i = 0; i < 3; i++) {
        const Ai = A.subarray(i * 30, (i + 1) * 30);
        const want = reference(Ai, B.subarray(i * 42, (i + 1) * 42), 5, 6, 7, false, false);
        const wantShared = reference(Ai, W, 5, 6, 7, false, false);
        // op(A) = Wᵀ (W stored 6×7) and op(B) = B_iᵀ (B_i stored 7×6): a 7×7 product
        const wantLeft = reference(W, B.subarray(i * 42, (i + 1) * 42), 7, 6, 7, true, true);
        for (let j = 0; j < 35; j++) {
          expect(Math.abs(batched[i * 35 + j]! - want[j]!)).toBeLessThan(1e-14);
          expect(Math.abs(shared[i * 35 + j]! - wantShared[j]!)).toBeLessThan(1e-14);
        }
        for (let j = 0; j < 49; j++) expect(Math.abs(left[i * 49 + j]! - wantLeft[j]!)).toBeLessThan(1e-14);
      }
    });
  });

  it('is deterministic: the same call twice gives the same bits', () => {
    nn.scope(() => {
      const a = nn.tensor(uniformArray(1, 40 * 300), { shape: [40, 300] });
      const b = nn.tensor(uniformArray(2, 300 * 50), { shape: [300, 50] });
      expect(nn.matmul(a, b).toArray()).toEqual(nn.matmul(a, b).toArray());
    });
  });
});
