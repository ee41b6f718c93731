// Bandwidth probes for the bench's roofline column (bench/roofline.ts): the simplest loops that move
// the most bytes per second through WebAssembly SIMD on this machine, so that a kernel's achieved
// GB/s can be stated as a share of what any loop reaches here. Compute peaks come from
// nnPeakProbeF64/F32 (assembly/nn/matmul.ts). No allocation, no state.

/**
 * Read probe: Σ of the f64 entries of p[0 .. n) (n a multiple of 8), `reps` times, with four
 * independent f64x2 accumulators (one add chain would be latency-bound, not bandwidth-bound).
 * Returns the sum (so the loads cannot be optimised away).
 */
export function rooflineRead(p: usize, n: i32, reps: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  const end = p + (<usize>n << 3);
  for (let r = 0; r < reps; r++) {
    for (let q = p; q < end; q += 64) {
      a0 = f64x2.add(a0, v128.load(q));
      a1 = f64x2.add(a1, v128.load(q, 16));
      a2 = f64x2.add(a2, v128.load(q, 32));
      a3 = f64x2.add(a3, v128.load(q, 48));
    }
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * Triad probe (STREAM's triad): a[i] = b[i] + s·c[i] for i < n (n a multiple of 4), `reps` times;
 * 24 bytes per entry by STREAM's count (two reads, one write).
 */
export function rooflineTriad(a: usize, b: usize, c: usize, n: i32, s: f64, reps: i32): void {
  const sv = f64x2.splat(s);
  const len = <usize>n << 3;
  for (let r = 0; r < reps; r++) {
    for (let o: usize = 0; o < len; o += 32) {
      v128.store(a + o, f64x2.add(v128.load(b + o), f64x2.mul(sv, v128.load(c + o))));
      v128.store(a + o, f64x2.add(v128.load(b + o, 16), f64x2.mul(sv, v128.load(c + o, 16))), 16);
    }
  }
}
