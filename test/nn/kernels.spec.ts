// AssemblyScript spec for the nn kernels, inside WebAssembly: the blocked matmul against a naive
// loop (every transposition, both dtypes, edge tiles), and the numerically delicate corners of the
// elementwise and reduction kernels.
import { nnMatmulF64, nnMatmulF32, nnMatmulScratchBytes } from "../../assembly/nn/matmul";
import { nnUnaryF64, nnReduceF64, nnFirstNonFiniteF64, nnFirstNonFiniteF32, nnCrossEntropyF64 } from "../../assembly/nn/elementwise";

function fill64(n: i32, seed: i32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 3);
  for (let i = 0; i < n; i++) store<f64>(p + (<usize>i << 3), Math.sin(<f64>(i * 7 + seed)));
  return p;
}

function naive(a: usize, b: usize, m: i32, k: i32, n: i32, ta: bool, tb: bool, i: i32, j: i32): f64 {
  let s: f64 = 0;
  for (let p = 0; p < k; p++) {
    const x = ta ? load<f64>(a + (<usize>(p * m + i) << 3)) : load<f64>(a + (<usize>(i * k + p) << 3));
    const y = tb ? load<f64>(b + (<usize>(j * k + p) << 3)) : load<f64>(b + (<usize>(p * n + j) << 3));
    s += x * y;
  }
  return s;
}

describe("nnMatmulF64", () => {
  test("matches a naive loop for every transposition, with edge tiles and several k blocks", () => {
    const shapes: i32[] = [1, 1, 1, 5, 3, 7, 6, 300, 9, 4, 4, 4];
    for (let s = 0; s < shapes.length; s += 3) {
      const m = shapes[s], k = shapes[s + 1], n = shapes[s + 2];
      for (let t = 0; t < 4; t++) {
        const ta = (t & 1) != 0, tb = (t & 2) != 0;
        const a = fill64(m * k, 1);
        const b = fill64(k * n, 2);
        const c = heap.alloc(<usize>max(m * n, 1) << 3);
        const w = heap.alloc(nnMatmulScratchBytes(m, k, n, 8));
        nnMatmulF64(a, b, c, m, k, n, ta ? 1 : 0, tb ? 1 : 0, w);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const d = abs(load<f64>(c + (<usize>(i * n + j) << 3)) - naive(a, b, m, k, n, ta, tb, i, j));
            expect(d).toBeLessThanOrEqual(1e-13);
          }
        }
        heap.free(a); heap.free(b); heap.free(c); heap.free(w);
      }
    }
  });

  test("k = 0 gives zeros", () => {
    const c = heap.alloc(48);
    for (let i = 0; i < 6; i++) store<f64>(c + (<usize>i << 3), 7);
    const w = heap.alloc(nnMatmulScratchBytes(2, 0, 3, 8));
    nnMatmulF64(0, 0, c, 2, 0, 3, 0, 0, w);
    for (let i = 0; i < 6; i++) expect(load<f64>(c + (<usize>i << 3))).toBe(0);
    heap.free(c); heap.free(w);
  });
});

describe("nnMatmulF32", () => {
  test("a 5×3 by 3×9 product (one full and one edge tile per row block) equals the f32 naive sums", () => {
    const m = 5, k = 3, n = 9;
    const a = heap.alloc(<usize>(m * k) << 2);
    const b = heap.alloc(<usize>(k * n) << 2);
    for (let i = 0; i < m * k; i++) store<f32>(a + (<usize>i << 2), <f32>(i % 5) - 2);
    for (let i = 0; i < k * n; i++) store<f32>(b + (<usize>i << 2), <f32>(i % 7) * 0.5);
    const c = heap.alloc(<usize>(m * n) << 2);
    nnMatmulF32(a, b, c, m, k, n, 0, 0, heap.alloc(nnMatmulScratchBytes(m, k, n, 4)));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s: f32 = 0;
        for (let p = 0; p < k; p++) s += load<f32>(a + (<usize>(i * k + p) << 2)) * load<f32>(b + (<usize>(p * n + j) << 2));
        // small integers and halves: every sum is exact, so the order does not matter
        expect(load<f32>(c + (<usize>(i * n + j) << 2))).toBe(s);
      }
    }
  });
});

describe("elementwise and reductions", () => {
  test("softplus and sigmoid do not overflow at ±1000", () => {
    const x = heap.alloc(16);
    const y = heap.alloc(16);
    store<f64>(x, 1000);
    store<f64>(x, -1000, 8);
    nnUnaryF64(6, x, y, 2, 0); // softplus
    expect(load<f64>(y)).toBe(1000);
    expect(load<f64>(y, 8)).toBe(0);
    nnUnaryF64(7, x, y, 2, 0); // sigmoid
    expect(load<f64>(y)).toBe(1);
    expect(load<f64>(y, 8)).toBe(0);
  });

  test("logSumExp is stable for large entries and −∞ for an all −∞ slice", () => {
    const x = heap.alloc(32);
    store<f64>(x, 1000); store<f64>(x, 1000, 8);
    store<f64>(x, -Infinity, 16); store<f64>(x, -Infinity, 24);
    const out = heap.alloc(16);
    const scratch = heap.alloc(16);
    nnReduceF64(2, x, out, 2, 2, 1, scratch);
    expect(abs(load<f64>(out) - (1000 + Math.log(2)))).toBeLessThanOrEqual(1e-12);
    expect(load<f64>(out, 8)).toBe(-Infinity);
  });

  test("cross-entropy of a row with logits (0, 0) is log 2 for either label", () => {
    const z = heap.alloc(32);
    for (let i = 0; i < 4; i++) store<f64>(z + (<usize>i << 3), 0);
    const labels = heap.alloc(8);
    store<i32>(labels, 0); store<i32>(labels, 1, 4);
    expect(abs(nnCrossEntropyF64(z, labels, 2, 2) - 2 * Math.log(2))).toBeLessThanOrEqual(1e-15);
  });

  test("the first non-finite index past the SIMD blocks, and none in a long finite run", () => {
    const n = 37;
    const x = heap.alloc(<usize>n << 3);
    const y = heap.alloc(<usize>n << 2);
    for (let bad = 0; bad <= n; bad++) {
      for (let i = 0; i < n; i++) {
        store<f64>(x + (<usize>i << 3), i == bad ? (bad % 2 == 0 ? Infinity : NaN) : <f64>(i - 18) * 1e300);
        store<f32>(y + (<usize>i << 2), i == bad ? (bad % 2 == 0 ? -Infinity : NaN) : <f32>(i - 18) * <f32>1e37);
      }
      // a second bad value later must not hide the first
      if (bad + 3 < n) { store<f64>(x + (<usize>(bad + 3) << 3), NaN); store<f32>(y + (<usize>(bad + 3) << 2), NaN); }
      expect(nnFirstNonFiniteF64(x, n)).toBe(bad < n ? bad : -1);
      expect(nnFirstNonFiniteF32(y, n)).toBe(bad < n ? bad : -1);
    }
  });

  test("the first non-finite index", () => {
    const x = heap.alloc(32);
    store<f64>(x, 1); store<f64>(x, 2, 8); store<f64>(x, Infinity, 16); store<f64>(x, NaN, 24);
    expect(nnFirstNonFiniteF64(x, 4)).toBe(2);
    expect(nnFirstNonFiniteF64(x, 2)).toBe(-1);
    const y = heap.alloc(8);
    store<f32>(y, 0); store<f32>(y, NaN, 4);
    expect(nnFirstNonFiniteF32(y, 2)).toBe(1);
  });
});
