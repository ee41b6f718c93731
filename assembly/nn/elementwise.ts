// Elementwise, reduction and data-movement kernels of the nn family, for f64 and f32 data.
//
// Every transcendental goes through AssemblyScript's own Math (compiled into this module), so a
// result is bit-identical in every engine. f32 data is widened to f64 for the math and rounded once
// on store: the f32 path is the f64 result correctly rounded, up to the last bit of the f64 math.
// Kernels never allocate; scratch is passed in by the bindings.

// Unary op codes (bindings/nn/kernels.ts mirrors them).
const NEG = 0;
const EXP = 1;
const LOG = 2;
const SQRT = 3;
const RELU = 4;
const LEAKY_RELU = 5; // alpha = negative slope
const SOFTPLUS = 6;
const SIGMOID = 7;
const TANH = 8;
const GELU = 9; // tanh approximation
const SILU = 10;
const POW = 11; // alpha = exponent
const ADD_SCALAR = 12;
const MUL_SCALAR = 13;
const STEP = 14; // 1 where x > 0, else 0
const RECIP = 15;
const SQUARE = 16;

// sqrt(2/π) and the cubic coefficient of the tanh form of GELU (Hendrycks & Gimpel).
const GELU_C: f64 = 0.7978845608028654;
const GELU_K: f64 = 0.044715;

@inline function sigmoid(x: f64): f64 {
  // the branch keeps exp's argument ≤ 0: no overflow, full relative accuracy in both tails
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

@inline function apply(op: i32, x: f64, alpha: f64): f64 {
  switch (op) {
    case NEG: return -x;
    case EXP: return Math.exp(x);
    case LOG: return Math.log(x);
    case SQRT: return Math.sqrt(x);
    case RELU: return x > 0 ? x : 0;
    case LEAKY_RELU: return x > 0 ? x : alpha * x;
    case SOFTPLUS: return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case SIGMOID: return sigmoid(x);
    case TANH: return Math.tanh(x);
    case GELU: return 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_K * x * x * x)));
    case SILU: return x * sigmoid(x);
    case POW: return alpha == 2 ? x * x : Math.pow(x, alpha);
    case ADD_SCALAR: return x + alpha;
    case MUL_SCALAR: return x * alpha;
    case STEP: return x > 0 ? 1 : 0;
    case RECIP: return 1 / x;
    case SQUARE: return x * x;
    default: return NaN;
  }
}

/** out[i] = op(x[i]) for i < n (out may equal x). */
export function nnUnaryF64(op: i32, x: usize, out: usize, n: i32, alpha: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, apply(op, load<f64>(x + o), alpha));
  }
}

/** nnUnaryF64 over float32 data (math in f64, one rounding). */
export function nnUnaryF32(op: i32, x: usize, out: usize, n: i32, alpha: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>apply(op, <f64>load<f32>(x + o), alpha));
  }
}

// Binary op codes: same-shape operands (broadcasting is an explicit op in the bindings).
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

/** out = a (op) b elementwise over n doubles (f64x2; out may equal a or b). */
export function nnBinaryF64(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    let r: v128;
    if (op == ADD) r = f64x2.add(x, y);
    else if (op == SUB) r = f64x2.sub(x, y);
    else if (op == MUL) r = f64x2.mul(x, y);
    else r = f64x2.div(x, y);
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(a + o);
    const y = load<f64>(b + o);
    store<f64>(out + o, op == ADD ? x + y : op == SUB ? x - y : op == MUL ? x * y : x / y);
  }
}

/** nnBinaryF64 over float32 data (f32x4; IEEE f32 arithmetic). */
export function nnBinaryF32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    let r: v128;
    if (op == ADD) r = f32x4.add(x, y);
    else if (op == SUB) r = f32x4.sub(x, y);
    else if (op == MUL) r = f32x4.mul(x, y);
    else r = f32x4.div(x, y);
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    store<f32>(out + o, op == ADD ? x + y : op == SUB ? x - y : op == MUL ? x * y : x / y);
  }
}

/**
 * Broadcast copy: out (shape outShape, ndim dims, row-major) takes x at the position given by
 * `strides` (in elements, 0 along a broadcast axis). `counter` is ndim i32 of scratch. elemBytes 8 or 4.
 */
export function nnBroadcast(x: usize, out: usize, ndim: i32, outShape: usize, strides: usize, counter: usize, elemBytes: i32): void {
  let total: i32 = 1;
  for (let d = 0; d < ndim; d++) {
    total *= load<i32>(outShape + (<usize>d << 2));
    store<i32>(counter + (<usize>d << 2), 0);
  }
  if (total == 0) return;
  if (ndim == 0) {
    if (elemBytes == 8) store<u64>(out, load<u64>(x)); else store<u32>(out, load<u32>(x));
    return;
  }
  const last = ndim - 1;
  const inner = load<i32>(outShape + (<usize>last << 2));
  const innerStride = load<i32>(strides + (<usize>last << 2));
  let src: i32 = 0; // element offset into x of the current row
  let o: usize = out;
  for (let done = 0; done < total; done += inner) {
    if (elemBytes == 8) {
      for (let j = 0; j < inner; j++) store<u64>(o + (<usize>j << 3), load<u64>(x + (<usize>(src + j * innerStride) << 3)));
      o += <usize>inner << 3;
    } else {
      for (let j = 0; j < inner; j++) store<u32>(o + (<usize>j << 2), load<u32>(x + (<usize>(src + j * innerStride) << 2)));
      o += <usize>inner << 2;
    }
    // advance the multi-index over the outer axes (odometer)
    for (let d = last - 1; d >= 0; d--) {
      const cp = counter + (<usize>d << 2);
      const sd = load<i32>(strides + (<usize>d << 2));
      const c = load<i32>(cp) + 1;
      if (c < load<i32>(outShape + (<usize>d << 2))) {
        store<i32>(cp, c);
        src += sd;
        break;
      }
      store<i32>(cp, 0);
      src -= sd * (c - 1);
    }
  }
}

// Reduction op codes over the middle axis of an [outer, len, inner] view.
const R_SUM = 0;
const R_MAX = 1;
const R_LSE = 2; // log Σ exp, stabilised by the max

@inline function ld<T>(p: usize, i: usize): f64 {
  return <f64>load<T>(p + i * sizeof<T>());
}
@inline function st<T>(p: usize, i: usize, v: f64): void {
  store<T>(p + i * sizeof<T>(), <T>v);
}

/**
 * out[o, i] = reduce_l x[o, l, i]. Sums run in f64 in increasing l (for f32 data too, rounded once).
 * `scratch` holds 2·inner doubles.
 */
function reduce<T>(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void {
  const acc = scratch;
  const mx = scratch + (<usize>inner << 3);
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * <usize>inner;
    const ob = <usize>o * <usize>inner;
    if (op == R_SUM) {
      for (let i = 0; i < inner; i++) store<f64>(acc + (<usize>i << 3), 0);
      for (let l = 0; l < len; l++) {
        const row = base + <usize>l * <usize>inner;
        for (let i = 0; i < inner; i++) {
          const p = acc + (<usize>i << 3);
          store<f64>(p, load<f64>(p) + ld<T>(x, row + <usize>i));
        }
      }
      for (let i = 0; i < inner; i++) st<T>(out, ob + <usize>i, load<f64>(acc + (<usize>i << 3)));
      continue;
    }
    // max (first pass of both R_MAX and R_LSE); NaN propagates
    for (let i = 0; i < inner; i++) store<f64>(mx + (<usize>i << 3), -Infinity);
    for (let l = 0; l < len; l++) {
      const row = base + <usize>l * <usize>inner;
      for (let i = 0; i < inner; i++) {
        const p = mx + (<usize>i << 3);
        const v = ld<T>(x, row + <usize>i);
        const m = load<f64>(p);
        if (v > m || v != v) store<f64>(p, v);
      }
    }
    if (op == R_MAX) {
      for (let i = 0; i < inner; i++) st<T>(out, ob + <usize>i, load<f64>(mx + (<usize>i << 3)));
      continue;
    }
    for (let i = 0; i < inner; i++) store<f64>(acc + (<usize>i << 3), 0);
    for (let l = 0; l < len; l++) {
      const row = base + <usize>l * <usize>inner;
      for (let i = 0; i < inner; i++) {
        const m = load<f64>(mx + (<usize>i << 3));
        // an all −∞ slice: exp(−∞ − −∞) would be NaN; its log-sum-exp is −∞
        if (m == -Infinity) continue;
        const p = acc + (<usize>i << 3);
        store<f64>(p, load<f64>(p) + Math.exp(ld<T>(x, row + <usize>i) - m));
      }
    }
    for (let i = 0; i < inner; i++) {
      const m = load<f64>(mx + (<usize>i << 3));
      st<T>(out, ob + <usize>i, m == -Infinity ? m : m + Math.log(load<f64>(acc + (<usize>i << 3))));
    }
  }
}

export function nnReduceF64(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void {
  reduce<f64>(op, x, out, outer, len, inner, scratch);
}
export function nnReduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void {
  reduce<f32>(op, x, out, outer, len, inner, scratch);
}

/** out = 1 at the first maximum of each [o, :, i] slice, 0 elsewhere (the subgradient max uses). */
function maxMask<T>(x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = <usize>o * <usize>len * <usize>inner + <usize>i;
      let best: i32 = 0;
      let bv = ld<T>(x, base);
      st<T>(out, base, 0);
      for (let l = 1; l < len; l++) {
        const at = base + <usize>l * <usize>inner;
        const v = ld<T>(x, at);
        st<T>(out, at, 0);
        if (v > bv) { bv = v; best = l; }
      }
      if (len > 0) st<T>(out, base + <usize>best * <usize>inner, 1);
    }
  }
}
export function nnMaxMaskF64(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { maxMask<f64>(x, out, outer, len, inner); }
export function nnMaxMaskF32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { maxMask<f32>(x, out, outer, len, inner); }

/**
 * out[o, l, i] = x[o, l, i] − logΣ_l' exp x[o, l', i] (log-softmax along the middle axis), with the
 * max subtracted before exp. `scratch`: 2·inner doubles.
 */
function logSoftmax<T>(x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void {
  const lse = scratch + (<usize>inner << 4); // after the reduce's own 2·inner
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * <usize>inner;
    reduce<T>(R_LSE, x + base * sizeof<T>(), lse, 1, len, inner, scratch);
    for (let l = 0; l < len; l++) {
      const row = base + <usize>l * <usize>inner;
      for (let i = 0; i < inner; i++) st<T>(out, row + <usize>i, ld<T>(x, row + <usize>i) - <f64>load<T>(lse + <usize>i * sizeof<T>()));
    }
  }
}
/** scratch: 3·inner doubles. */
export function nnLogSoftmaxF64(x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void { logSoftmax<f64>(x, out, outer, len, inner, scratch); }
export function nnLogSoftmaxF32(x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void { logSoftmax<f32>(x, out, outer, len, inner, scratch); }

/**
 * Σ_r (logΣ_c exp z[r, c] − z[r, label_r]) over rows of a rows×cols logit matrix (labels i32, each in
 * [0, cols)): the summed softmax cross-entropy, stabilised by each row's max. Accumulated in f64.
 */
function crossEntropy<T>(z: usize, labels: usize, rows: i32, cols: i32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>cols;
    let m: f64 = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = ld<T>(z, row + <usize>c);
      if (v > m || v != v) m = v;
    }
    let s: f64 = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(ld<T>(z, row + <usize>c) - m);
    const y = load<i32>(labels + (<usize>r << 2));
    total += m + Math.log(s) - ld<T>(z, row + <usize>y);
  }
  return total;
}
export function nnCrossEntropyF64(z: usize, labels: usize, rows: i32, cols: i32): f64 { return crossEntropy<f64>(z, labels, rows, cols); }
export function nnCrossEntropyF32(z: usize, labels: usize, rows: i32, cols: i32): f64 { return crossEntropy<f32>(z, labels, rows, cols); }

/** out[r, :] = table[idx[r], :] for r < count; rows of rowBytes bytes (dtype-independent). */
export function nnGatherRows(table: usize, idx: usize, out: usize, count: i32, rowBytes: i32): void {
  for (let r = 0; r < count; r++) {
    const k = load<i32>(idx + (<usize>r << 2));
    memory.copy(out + <usize>r * <usize>rowBytes, table + <usize>k * <usize>rowBytes, <usize>rowBytes);
  }
}

/** out[idx[r], :] += g[r, :] for r < count, in increasing r (out zeroed by the caller). */
function scatterAdd<T>(g: usize, idx: usize, out: usize, count: i32, rowLen: i32): void {
  for (let r = 0; r < count; r++) {
    const k = load<i32>(idx + (<usize>r << 2));
    const src = <usize>r * <usize>rowLen;
    const dst = <usize>k * <usize>rowLen;
    for (let j = 0; j < rowLen; j++) store<T>(out + (dst + <usize>j) * sizeof<T>(), load<T>(out + (dst + <usize>j) * sizeof<T>()) + load<T>(g + (src + <usize>j) * sizeof<T>()));
  }
}
export function nnScatterAddRowsF64(g: usize, idx: usize, out: usize, count: i32, rowLen: i32): void { scatterAdd<f64>(g, idx, out, count, rowLen); }
export function nnScatterAddRowsF32(g: usize, idx: usize, out: usize, count: i32, rowLen: i32): void { scatterAdd<f32>(g, idx, out, count, rowLen); }

/**
 * Copies `outer` chunks of `chunkBytes` from src (chunk o at o·srcStride) to dst (at o·dstStride):
 * slice, concat and pad along one axis, for any dtype.
 */
export function nnStridedCopy(src: usize, dst: usize, outer: i32, chunkBytes: i32, srcStride: i32, dstStride: i32): void {
  for (let o = 0; o < outer; o++) {
    memory.copy(dst + <usize>o * <usize>dstStride, src + <usize>o * <usize>srcStride, <usize>chunkBytes);
  }
}

/** out[b] = x[b]ᵀ for batch rows×cols matrices, in 8×8 blocks (cache-friendly); elemBytes 8 or 4. */
export function nnTranspose(x: usize, out: usize, batch: i32, rows: i32, cols: i32, elemBytes: i32): void {
  const mat = <usize>rows * <usize>cols;
  for (let b = 0; b < batch; b++) {
    const xs = x + <usize>b * mat * <usize>elemBytes;
    const os = out + <usize>b * mat * <usize>elemBytes;
    for (let i0 = 0; i0 < rows; i0 += 8) {
      const i1 = min<i32>(rows, i0 + 8);
      for (let j0 = 0; j0 < cols; j0 += 8) {
        const j1 = min<i32>(cols, j0 + 8);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) {
            const s = <usize>i * <usize>cols + <usize>j;
            const d = <usize>j * <usize>rows + <usize>i;
            if (elemBytes == 8) store<u64>(os + (d << 3), load<u64>(xs + (s << 3)));
            else store<u32>(os + (d << 2), load<u32>(xs + (s << 2)));
          }
        }
      }
    }
  }
}

/**
 * Index of the first NaN/±Inf among n values, or −1. A SIMD pass first: x·0 is ±0 for finite x and
 * NaN otherwise, so a block of 8 whose sum of x·0 is not 0 holds the first bad value; then a scalar
 * scan (x − x is 0 exactly for finite x) finds its index from that block on.
 */
export function nnFirstNonFiniteF64(x: usize, n: i32): i32 {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = x + (<usize>i << 3);
    let acc = f64x2.mul(v128.load(o), zero);
    acc = f64x2.add(acc, f64x2.mul(v128.load(o, 16), zero));
    acc = f64x2.add(acc, f64x2.mul(v128.load(o, 32), zero));
    acc = f64x2.add(acc, f64x2.mul(v128.load(o, 48), zero));
    if (f64x2.extract_lane(acc, 0) != 0 || f64x2.extract_lane(acc, 1) != 0) break;
  }
  for (; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (v - v != 0) return i;
  }
  return -1;
}
export function nnFirstNonFiniteF32(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = x + (<usize>i << 2);
    let acc = f32x4.mul(v128.load(o), zero);
    acc = f32x4.add(acc, f32x4.mul(v128.load(o, 16), zero));
    acc = f32x4.add(acc, f32x4.mul(v128.load(o, 32), zero));
    acc = f32x4.add(acc, f32x4.mul(v128.load(o, 48), zero));
    const a = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    if (a != 0) break;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}

/** Converts n values between float64 and float32 (round to nearest even). */
export function nnCastF64ToF32(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(x + (<usize>i << 3)));
}
export function nnCastF32ToF64(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<f32>(x + (<usize>i << 2)));
}
