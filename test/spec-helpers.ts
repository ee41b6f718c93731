// Raw-memory helpers shared by the as-pect specs (AssemblyScript, compiled into each spec by asc).
// Not a spec itself: as-pect's entries glob is test/**/*.spec.ts, and tsconfig.check.json leaves it out.

/** A fresh f64 buffer of n elements (at least one, so n = 0 still gets a valid pointer); heap.free it. */
export function vec(n: i32): usize {
  return heap.alloc(<usize>max(n, 1) << 3);
}
/** Element i of the f64 buffer at p. */
export function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
/** Sets element i of the f64 buffer at p to x. */
export function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
/**
 * A deterministic spread of values with repeats and exact ties: ((7919·i) mod 23 − 11)·step, small
 * multiples of step (0.25 by default, so ±t = ±1 is hit exactly).
 */
export function sample(i: i32, step: f64 = 0.25): f64 {
  return <f64>((i * 7919) % 23 - 11) * step;
}
