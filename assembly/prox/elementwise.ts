// Elementwise and reduction kernels shared by the operator catalogue (bindings/prox/operators/).
// Every map kernel accepts out == v and returns 1 when v holds NaN or ±Inf (x − x is then NaN), so
// the bindings validate in the same pass that computes. Reductions return NaN/±Inf in that case.
// f64x2 bodies (two vectors per iteration where the loop is latency-bound) with scalar tails.
import { dot } from "../linalg/blas";

/** out = c·v (+0, never −0, where c = 0). */
export function scaleVec(v: usize, n: i32, c: f64, out: usize): i32 {
  const cv = f64x2.splat(c);
  const zero = f64x2.splat(0);
  let bad = zero;
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.add(f64x2.mul(x, cv), zero));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, x * c + 0.0);
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** out = c·(v − clamp(v, −t, t)): soft-threshold then scale (elastic net; c = 1 gives plain L1). */
export function shrinkScale(v: usize, n: i32, t: f64, c: f64, out: usize): i32 {
  const hi = f64x2.splat(t);
  const lo = f64x2.splat(-t);
  const cv = f64x2.splat(c);
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.mul(cv, f64x2.sub(x, f64x2.pmax(lo, f64x2.pmin(x, hi)))));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, c * (x - max(-t, min(x, t))));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** out = v − clamp(v, −t·wᵢ, t·wᵢ): the weighted soft-threshold (prox of t·Σ wᵢ|xᵢ|), wᵢ ≥ 0. */
export function weightedShrink(v: usize, w: usize, n: i32, t: f64, out: usize): i32 {
  const tv = f64x2.splat(t);
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    const hi = f64x2.mul(tv, v128.load(w + p));
    v128.store(out + p, f64x2.sub(x, f64x2.pmax(f64x2.neg(hi), f64x2.pmin(x, hi))));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    const hi = t * load<f64>(w + p);
    store<f64>(out + p, x - max(-hi, min(x, hi)));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** out = clamp(v, lo, hi) with scalar bounds (lo ≤ hi, ±Infinity allowed): box, orthant, L∞ ball. */
export function clampScalar(v: usize, n: i32, lo: f64, hi: f64, out: usize): i32 {
  const lv = f64x2.splat(lo);
  const hv = f64x2.splat(hi);
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.pmax(lv, f64x2.pmin(x, hv)));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, max(lo, min(x, hi)));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** out = clamp(v, lo, hi) with vector bounds lo[i] ≤ hi[i]. */
export function clampVector(v: usize, lo: usize, hi: usize, n: i32, out: usize): i32 {
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.pmax(v128.load(lo + p), f64x2.pmin(x, v128.load(hi + p))));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, max(load<f64>(lo + p), min(x, load<f64>(hi + p))));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/**
 * Elementwise Huber prox, f(x) = Σ h_δ(xᵢ) with h_δ(x) = x²/2 for |x| ≤ δ, δ(|x| − δ/2) beyond:
 * out = v − clamp(v·t/(1 + t), −tδ, tδ)  (= v/(1 + t) inside, v − tδ·sign(v) outside).
 */
export function huberShrink(v: usize, n: i32, t: f64, delta: f64, out: usize): i32 {
  const c = f64x2.splat(t / (1 + t));
  const hi = f64x2.splat(t * delta);
  const lo = f64x2.splat(-t * delta);
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.sub(x, f64x2.pmax(lo, f64x2.pmin(f64x2.mul(x, c), hi))));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, x - max(-t * delta, min(x * (t / (1 + t)), t * delta)));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** out = v + c·a (hyperplane and half-space projections). */
export function axpyInto(v: usize, a: usize, n: i32, c: f64, out: usize): i32 {
  const cv = f64x2.splat(c);
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(v + p);
    v128.store(out + p, f64x2.add(x, f64x2.mul(cv, v128.load(a + p))));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(v + p);
    store<f64>(out + p, x + c * load<f64>(a + p));
    flag |= i32(x - x != 0);
  }
  return flag;
}

/** Σ aᵢbᵢ (the shared level-1 dot of assembly/linalg/blas.ts, exported for the bindings; NaN/±Inf propagate). */
export function dotF64(a: usize, b: usize, n: i32): f64 {
  return dot(a, b, n);
}

/** out = |v|, returns Σ|vᵢ| (NaN/+Inf when v holds a non-finite value). */
export function absInto(v: usize, n: i32, out: usize): f64 {
  const mask = i64x2.splat(0x7fffffffffffffff);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = <usize>i << 3;
    const x = v128.and(v128.load(v + p), mask);
    const y = v128.and(v128.load(v + p, 16), mask);
    v128.store(out + p, x);
    v128.store(out + p, y, 16);
    s0 = f64x2.add(s0, x);
    s1 = f64x2.add(s1, y);
  }
  const s = f64x2.add(s0, s1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let i = n4; i < n; i++) {
    const x = abs<f64>(load<f64>(v + (<usize>i << 3)));
    store<f64>(out + (<usize>i << 3), x);
    sum += x;
  }
  return sum;
}
