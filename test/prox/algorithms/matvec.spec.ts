// AssemblyScript specs for the least-squares kernels of the proximal algorithms, run by as-pect
// inside WebAssembly: r = A x − b with ½‖r‖² and Aᵀr against plain scalar loops written from the
// definitions, for every column count that exercises the SIMD tails (n mod 4, n mod 2).
import { lsMatTVec, lsResidual } from "../../../assembly/prox/matvec";
import { vec, at, put, sample } from "../../spec-helpers";

describe("lsResidual and lsMatTVec", () => {
  test("equal the scalar definitions for m = 5 and n = 0..13", () => {
    const m = 5;
    for (let n = 0; n <= 13; n++) {
      const A = vec(m * n);
      const x = vec(n);
      const b = vec(m);
      const r = vec(m);
      const g = vec(n);
      // Small integers and halves: every product and sum below is exact, so any order gives the same bits.
      for (let i = 0; i < m * n; i++) put(A, i, sample(i, 0.5));
      for (let j = 0; j < n; j++) put(x, j, sample(3 * j + 1, 0.5));
      for (let i = 0; i < m; i++) put(b, i, sample(5 * i + 2, 0.5));
      const half = lsResidual(A, m, n, x, b, r);
      let ss = 0.0;
      for (let i = 0; i < m; i++) {
        let s = 0.0;
        for (let j = 0; j < n; j++) s += at(A, i * n + j) * at(x, j);
        const ri = s - at(b, i);
        expect(at(r, i)).toBe(ri);
        ss += ri * ri;
      }
      expect(half).toBe(ss / 2);
      for (let j = 0; j < n; j++) put(g, j, 12345.0); // must be overwritten, not accumulated into
      lsMatTVec(A, m, n, r, g);
      for (let j = 0; j < n; j++) {
        let s = 0.0;
        for (let i = 0; i < m; i++) s += at(A, i * n + j) * at(r, i);
        expect(at(g, j)).toBe(s);
      }
      heap.free(A); heap.free(x); heap.free(b); heap.free(r); heap.free(g);
    }
  });

  test("m = 0 gives ½‖r‖² = 0 and Aᵀr = 0", () => {
    const A = vec(0);
    const x = vec(3);
    const g = vec(3);
    for (let j = 0; j < 3; j++) put(g, j, 1.0);
    expect(lsResidual(A, 0, 3, x, A, A)).toBe(0.0);
    lsMatTVec(A, 0, 3, A, g);
    for (let j = 0; j < 3; j++) expect(at(g, j)).toBe(0.0);
    heap.free(A); heap.free(x); heap.free(g);
  });
});
