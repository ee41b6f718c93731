// AssemblyScript spec for the symmetric eigensolver: closed forms inside WebAssembly.
import { symmetricEigen, symmetricEigenWorkBytes } from "../../assembly/linalg/eigen";

describe("symmetricEigen", () => {
  test("[[2, 1], [1, 2]] → 3, 1 with vectors (1, ±1)/√2; NaN flagged", () => {
    const a = heap.alloc(32);
    store<f64>(a, 2.0); store<f64>(a, 1.0, 8); store<f64>(a, 1.0, 16); store<f64>(a, 2.0, 24);
    const w = heap.alloc(16);
    const v = heap.alloc(32);
    const work = heap.alloc(symmetricEigenWorkBytes(2));
    expect(symmetricEigen(a, 2, w, v, work)).toBe(0);
    expect(abs(load<f64>(w) - 3.0)).toBeLessThanOrEqual(1e-15);
    expect(abs(load<f64>(w, 8) - 1.0)).toBeLessThanOrEqual(1e-15);
    expect(abs(load<f64>(v) - Math.SQRT1_2)).toBeLessThanOrEqual(1e-15);
    expect(abs(load<f64>(v, 16) - Math.SQRT1_2)).toBeLessThanOrEqual(1e-15);
    expect(abs(load<f64>(v, 8) * load<f64>(v, 24) + 0.5)).toBeLessThanOrEqual(1e-15);
    store<f64>(a, NaN, 16);
    expect(symmetricEigen(a, 2, w, v, work)).toBe(1);
    heap.free(a); heap.free(w); heap.free(v); heap.free(work);
  });
});
