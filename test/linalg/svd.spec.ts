// AssemblyScript spec for the one-sided Jacobi SVD and the recomposition kernel, inside WebAssembly:
// closed forms, the wide (transposed) path, the NaN flag and the scratch size.
import { svd, svdCompose, svdWorkBytes } from "../../assembly/linalg/svd";

function mat(values: f64[]): usize {
  const p = heap.alloc(<usize>max(values.length, 1) << 3);
  for (let i = 0; i < values.length; i++) store<f64>(p + (<usize>i << 3), values[i]);
  return p;
}
function el(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

describe("svd", () => {
  test("[[3, 0], [4, 5]] → σ = √45, √5; U·diag(σ)·Vᵀ = A; V's largest entries positive", () => {
    const a = mat([3, 0, 4, 5]);
    const s = heap.alloc(16);
    const u = heap.alloc(32);
    const v = heap.alloc(32);
    const work = heap.alloc(svdWorkBytes(2, 2));
    expect(svd(a, 2, 2, s, u, v, work)).toBeGreaterThanOrEqual(1);
    expect(abs(el(s, 0) - Math.sqrt(45.0))).toBeLessThanOrEqual(4e-15);
    expect(abs(el(s, 1) - Math.sqrt(5.0))).toBeLessThanOrEqual(4e-15);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const x = el(u, i * 2) * el(s, 0) * el(v, j * 2) + el(u, i * 2 + 1) * el(s, 1) * el(v, j * 2 + 1);
        expect(abs(x - el(a, i * 2 + j))).toBeLessThanOrEqual(1e-14);
      }
    }
    // AᵀA = [[25, 20], [20, 25]]: V = [[1, 1], [1, −1]]/√2 (each column signed by its first largest entry).
    expect(abs(el(v, 0) - Math.SQRT1_2)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(v, 2) - Math.SQRT1_2)).toBeLessThanOrEqual(1e-15);
    store<f64>(a, NaN, 8);
    expect(svd(a, 2, 2, s, u, v, work)).toBe(-1);
    store<f64>(a, -Infinity, 8);
    expect(svd(a, 2, 2, s, u, v, work)).toBe(-1);
    heap.free(a); heap.free(s); heap.free(u); heap.free(v); heap.free(work);
  });

  test("wide 1×3 row (3, −4, 12): σ = 13, U = ±1, V = ±row/13 with the 12 positive", () => {
    const a = mat([3, -4, 12]);
    const s = heap.alloc(8);
    const u = heap.alloc(8);
    const v = heap.alloc(24);
    const work = heap.alloc(svdWorkBytes(1, 3));
    expect(svd(a, 1, 3, s, u, v, work)).toBe(1);
    expect(abs(el(s, 0) - 13.0)).toBeLessThanOrEqual(4e-15);
    expect(el(u, 0)).toBe(1.0);
    expect(abs(el(v, 2) - 12.0 / 13.0)).toBeLessThanOrEqual(1e-16);
    expect(abs(el(v, 1) + 4.0 / 13.0)).toBeLessThanOrEqual(1e-16);
    heap.free(a); heap.free(s); heap.free(u); heap.free(v); heap.free(work);
  });

  test("rank 1 (3×2 [[3, 6], [0, 0], [4, 8]], exact QR): σ = (√125, 0); V completes the basis", () => {
    const a = mat([3, 6, 0, 0, 4, 8]);
    const s = heap.alloc(16);
    const u = heap.alloc(48);
    const v = heap.alloc(32);
    const work = heap.alloc(svdWorkBytes(3, 2));
    expect(svd(a, 3, 2, s, u, v, work)).toBeGreaterThanOrEqual(1);
    expect(abs(el(s, 0) - Math.sqrt(125.0))).toBeLessThanOrEqual(1e-14);
    expect(el(s, 1)).toBe(0.0);
    // V = [[1, 2], [2, −1]]/√5 (each column signed by its largest entry); U's first column (3, 0, 4)/5.
    const r5 = Math.sqrt(5.0);
    expect(abs(el(v, 0) - 1.0 / r5)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(v, 2) - 2.0 / r5)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(v, 1) - 2.0 / r5)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(v, 3) + 1.0 / r5)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(u, 0) - 0.6)).toBeLessThanOrEqual(1e-15);
    expect(abs(el(u, 4) - 0.8)).toBeLessThanOrEqual(1e-15);
    heap.free(a); heap.free(s); heap.free(u); heap.free(v); heap.free(work);
  });

  test("scratch: 2·q·p + 2·q·q + 3·q + 3 doubles (q = min, p = max)", () => {
    expect(<i32>svdWorkBytes(5, 3)).toBe((30 + 18 + 9 + 3) * 8);
    expect(<i32>svdWorkBytes(3, 5)).toBe((30 + 18 + 9 + 3) * 8);
  });
});

describe("svdCompose", () => {
  test("first r terms of U·diag(d)·Vᵀ; r = 0 writes zeros", () => {
    // U 2×2 = I, V 3×2 = [[1, 0], [0, 1], [1, 1]], d = (2, 3): out = [[2, 0, 2], [0, 3, 3]].
    const u = mat([1, 0, 0, 1]);
    const v = mat([1, 0, 0, 1, 1, 1]);
    const d = mat([2, 3]);
    const out = heap.alloc(48);
    const tmp = heap.alloc(16);
    svdCompose(u, v, d, 2, 3, 2, 2, out, tmp);
    const want: f64[] = [2, 0, 2, 0, 3, 3];
    for (let i = 0; i < 6; i++) expect(el(out, i)).toBe(want[i]);
    svdCompose(u, v, d, 2, 3, 2, 1, out, tmp);
    const first: f64[] = [2, 0, 2, 0, 0, 0];
    for (let i = 0; i < 6; i++) expect(el(out, i)).toBe(first[i]);
    svdCompose(u, v, d, 2, 3, 2, 0, out, tmp);
    for (let i = 0; i < 6; i++) expect(el(out, i)).toBe(0.0);
    heap.free(u); heap.free(v); heap.free(d); heap.free(out); heap.free(tmp);
  });
});
