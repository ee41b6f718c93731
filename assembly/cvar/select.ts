// In-place selection and sorting of f64 ranges in linear memory (ascending order), used by the CVaR
// kernels on a scratch copy of the caller's data. Hoare-style quickselect with a median-of-three
// pivot and three-way (Dutch-flag) partitioning, so runs of equal values cost O(n), not O(n²).
// Expected O(n) for selection, O(n log n) for sorting; no allocation.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline function swap(p: usize, i: i32, j: i32): void {
  const a = at(p, i);
  put(p, i, at(p, j));
  put(p, j, a);
}

/** Median of p[lo], p[mid], p[hi−1] (values). */
@inline function pivotOf(p: usize, lo: i32, hi: i32): f64 {
  const a = at(p, lo);
  const b = at(p, lo + ((hi - lo) >> 1));
  const c = at(p, hi - 1);
  return max(min(a, b), min(max(a, b), c));
}

// Three-way partition of p[lo..hi) around x: afterwards p[lo..lt) < x, p[lt..gt) == x, p[gt..hi) > x.
// The two bounds are returned through these globals (a kernel has no allocation to return a pair).
let lt: i32 = 0;
let gt: i32 = 0;

function partition3(p: usize, lo: i32, hi: i32, x: f64): void {
  let a = lo;
  let i = lo;
  let b = hi;
  while (i < b) {
    const v = at(p, i);
    if (v < x) {
      swap(p, a, i);
      a++;
      i++;
    } else if (v > x) {
      b--;
      swap(p, i, b);
    } else {
      i++;
    }
  }
  lt = a;
  gt = b;
}

function insertionSort(p: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = at(p, i);
    let j = i - 1;
    while (j >= lo && at(p, j) > v) {
      put(p, j + 1, at(p, j));
      j--;
    }
    put(p, j + 1, v);
  }
}

/**
 * Rearranges p[lo..hi) so that p[k] holds the value of rank k (0-based within the whole array),
 * everything in p[lo..k) is ≤ it and everything in p[k+1..hi) is ≥ it. lo ≤ k < hi. Finite input.
 */
export function selectRank(p: usize, lo: i32, hi: i32, k: i32): f64 {
  while (hi - lo > 16) {
    partition3(p, lo, hi, pivotOf(p, lo, hi));
    if (k < lt) hi = lt;
    else if (k >= gt) lo = gt;
    else return at(p, k);
  }
  insertionSort(p, lo, hi);
  return at(p, k);
}

/** Sorts p[lo..hi) ascending (quicksort with three-way partitioning; recursion on the smaller side). */
export function sortRange(p: usize, lo: i32, hi: i32): void {
  while (hi - lo > 16) {
    partition3(p, lo, hi, pivotOf(p, lo, hi));
    const l = lt;
    const g = gt;
    if (l - lo < hi - g) {
      sortRange(p, lo, l);
      lo = g;
    } else {
      sortRange(p, g, hi);
      hi = l;
    }
  }
  insertionSort(p, lo, hi);
}

/**
 * Copies x[0..n) into s with every value negated (so ascending order of s is descending order of
 * x) and returns 1 if x holds NaN or ±Inf.
 */
export function copyNegated(x: usize, n: i32, s: usize): i32 {
  let bad = v128.splat<i64>(0);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const q = <usize>i << 3;
    const a = v128.load(x + q);
    v128.store(s + q, f64x2.neg(a));
    bad = v128.or(bad, f64x2.sub(a, a));
  }
  let flag = 0.0;
  if (n2 < n) {
    const a = at(x, n2);
    put(s, n2, -a);
    flag = a - a;
  }
  return i32(v128.any_true(bad) || flag != 0);
}
