// AssemblyScript specs for the unbalanced/barycenter kernels against scalar definitions.
import { otScalePow, otExpVec } from "../../assembly/ot/unbalanced";
import { vec, at, put } from "../spec-helpers";

describe("otScalePow", () => {
  test("(num/den)^p, zero where num = 0, flags a zero denominator", () => {
    const a = vec(4);
    const d = vec(4);
    const o = vec(4);
    put(a, 0, 2.0); put(a, 1, 0.0); put(a, 2, 0.5); put(a, 3, 9.0);
    put(d, 0, 8.0); put(d, 1, 0.0); put(d, 2, 2.0); put(d, 3, 1.0);
    expect(otScalePow(a, d, 4, 0.5, o)).toBe(0);
    expect(at(o, 0)).toBe(0.5);
    expect(at(o, 1)).toBe(0.0);
    expect(at(o, 2)).toBe(0.5);
    expect(at(o, 3)).toBe(3.0);
    put(d, 2, 0.0);
    expect(otScalePow(a, d, 4, 0.5, o)).toBe(1);
    heap.free(a); heap.free(d); heap.free(o);
  });
});

describe("otExpVec", () => {
  test("exp entrywise, exp(-inf) = 0, in place", () => {
    const x = vec(3);
    put(x, 0, 0.0); put(x, 1, -Infinity); put(x, 2, 1.0);
    otExpVec(x, 3, x);
    expect(at(x, 0)).toBe(1.0);
    expect(at(x, 1)).toBe(0.0);
    expect(at(x, 2)).toBe(Math.E);
    heap.free(x);
  });
});
