// Convolution kernels for bound propagation (group-1 Conv2d, stride, zero padding, dilation): the
// exact forward pass, the interval (IBP) image W⁺l + W⁻u + b / W⁺u + W⁻l + b, and the backward
// CROWN step Λ·W_conv (the transposed convolution of every row of Λ). One direct (im2col-free) loop
// nest serves all three: for each weight w[k, c, ky, kx] and output row oy it streams the valid
// output columns, f64x2 along the row when the horizontal stride is 1 (sparse rows of Λ in the
// backward step are scattered per non-zero instead). Pointers are byte offsets;
// tensors are flattened row-major C×H×W (input) and K×outH×outW (output); no allocation.
//
// geo: 14 doubles C, H, W, K, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW (integers).

@inline function gi(geo: usize, i: i32): i32 {
  return <i32>load<f64>(geo + (<usize>i << 3));
}

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/**
 * transpose = 0: dst[k, oy, ox] += w·src[c, iy, ix]; transpose = 1: dst[c, iy, ix] += w·src[k, oy, ox],
 * with iy = oy·sh − pt + ky·dh, ix = ox·sw − pl + kx·dw inside the image. sign > 0 uses only the
 * positive weights, sign < 0 only the negative ones, 0 all of them.
 */
function convAccumulate(geo: usize, Wt: usize, sign: i32, src: usize, dst: usize, transpose: i32): void {
  const C = gi(geo, 0), H = gi(geo, 1), W = gi(geo, 2), K = gi(geo, 3), kh = gi(geo, 4), kw = gi(geo, 5);
  const sh = gi(geo, 6), sw = gi(geo, 7), pt = gi(geo, 8), pl = gi(geo, 9), dh = gi(geo, 10), dw = gi(geo, 11);
  const outH = gi(geo, 12), outW = gi(geo, 13);
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const w = load<f64>(at(Wt, ((k * C + c) * kh + ky) * kw + kx));
          if (w == 0 || (sign > 0 && w < 0) || (sign < 0 && w > 0)) continue;
          const offX = kx * dw - pl; // ix = ox·sw + offX
          const ox0 = offX >= 0 ? 0 : (-offX + sw - 1) / sw;
          const last = W - 1 - offX;
          if (last < 0) continue;
          let ox1 = last / sw; // inclusive
          if (ox1 > outW - 1) ox1 = outW - 1;
          if (ox0 > ox1) continue;
          const wv = f64x2.splat(w);
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            const irow = (transpose != 0 ? dst : src) + (<usize>((c * H + iy) * W) << 3);
            const orow = (transpose != 0 ? src : dst) + (<usize>((k * outH + oy) * outW) << 3);
            let ox = ox0;
            if (sw == 1) {
              if (transpose != 0) {
                for (; ox + 1 <= ox1; ox += 2) {
                  const p = at(irow, ox + offX);
                  v128.store(p, f64x2.add(v128.load(p), f64x2.mul(wv, v128.load(at(orow, ox)))));
                }
              } else {
                for (; ox + 1 <= ox1; ox += 2) {
                  const p = at(orow, ox);
                  v128.store(p, f64x2.add(v128.load(p), f64x2.mul(wv, v128.load(at(irow, ox + offX)))));
                }
              }
            }
            for (; ox <= ox1; ox++) {
              const ip = at(irow, ox * sw + offX);
              const op = at(orow, ox);
              if (transpose != 0) store<f64>(ip, load<f64>(ip) + w * load<f64>(op));
              else store<f64>(op, load<f64>(op) + w * load<f64>(ip));
            }
          }
        }
      }
    }
  }
}

/** out[k, ·] = b[k] (or 0 when b = 0) over the K·outH·outW output. */
function fillBias(geo: usize, b: usize, out: usize): void {
  const K = gi(geo, 3), plane = gi(geo, 12) * gi(geo, 13);
  for (let k = 0; k < K; k++) {
    const v = b != 0 ? load<f64>(at(b, k)) : 0.0;
    for (let i = 0; i < plane; i++) store<f64>(at(out, k * plane + i), v);
  }
}

/** 1 when some of the n doubles at p is NaN or ±Inf. */
function nonFinite(p: usize, n: i32): i32 {
  let bad: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(at(p, i));
    bad += v - v;
  }
  return i32(bad != 0);
}

/** out = conv(W, x) + b (exact forward pass). Returns 1 when an output is non-finite. */
export function boundConvForward(geo: usize, Wt: usize, b: usize, x: usize, out: usize): i32 {
  fillBias(geo, b, out);
  convAccumulate(geo, Wt, 0, x, out, 0);
  return nonFinite(out, gi(geo, 3) * gi(geo, 12) * gi(geo, 13));
}

/**
 * IBP through the convolution: outL = W⁺∗l + W⁻∗u + b, outU = W⁺∗u + W⁻∗l + b (∗ the convolution).
 * Returns 1 when a bound is non-finite.
 */
export function boundConvInterval(geo: usize, Wt: usize, b: usize, l: usize, u: usize, outL: usize, outU: usize): i32 {
  fillBias(geo, b, outL);
  fillBias(geo, b, outU);
  convAccumulate(geo, Wt, 1, l, outL, 0);
  convAccumulate(geo, Wt, -1, u, outL, 0);
  convAccumulate(geo, Wt, 1, u, outU, 0);
  convAccumulate(geo, Wt, -1, l, outU, 0);
  const m = gi(geo, 3) * gi(geo, 12) * gi(geo, 13);
  return nonFinite(outL, m) | nonFinite(outU, m);
}

/**
 * One row of Λ·T by scattering each non-zero Λ[k, oy, ox] times the kernel w[k, ·, ·, ·] into the
 * input patch it came from: O(nnz · C·kh·kw), for the sparse rows of the first backward steps
 * (an identity Λ when bounding an intermediate node).
 */
function convScatterRow(geo: usize, Wt: usize, lrow: usize, orow: usize): void {
  const C = gi(geo, 0), H = gi(geo, 1), W = gi(geo, 2), K = gi(geo, 3), kh = gi(geo, 4), kw = gi(geo, 5);
  const sh = gi(geo, 6), sw = gi(geo, 7), pt = gi(geo, 8), pl = gi(geo, 9), dh = gi(geo, 10), dw = gi(geo, 11);
  const outH = gi(geo, 12), outW = gi(geo, 13);
  const plane = outH * outW;
  for (let o = 0; o < K * plane; o++) {
    const a = load<f64>(at(lrow, o));
    if (a == 0) continue;
    const k = o / plane, oy = (o % plane) / outW, ox = o % outW;
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - pl + kx * dw;
          if (ix < 0 || ix >= W) continue;
          const p = at(orow, (c * H + iy) * W + ix);
          store<f64>(p, load<f64>(p) + a * load<f64>(at(Wt, ((k * C + c) * kh + ky) * kw + kx)));
        }
      }
    }
  }
}

/**
 * Backward CROWN step through the convolution: out = Λ·T (Λ k × K·outH·outW, T the convolution's
 * Toeplitz matrix, out k × C·H·W: the transposed convolution of each row) and c[r] += Σ Λ[r, kk, ·]·b[kk]
 * (b may be 0). out must not alias Λ.
 */
export function boundConvBackward(geo: usize, lam: usize, k: i32, Wt: usize, b: usize, out: usize, c: usize): void {
  const n = gi(geo, 0) * gi(geo, 1) * gi(geo, 2);
  const K = gi(geo, 3), plane = gi(geo, 12) * gi(geo, 13);
  const m = K * plane;
  for (let r = 0; r < k; r++) {
    const orow = out + (<usize>r * <usize>n << 3);
    const lrow = lam + (<usize>r * <usize>m << 3);
    memory.fill(orow, 0, <usize>n << 3);
    let nnz = 0;
    for (let o = 0; o < m; o++) nnz += i32(load<f64>(at(lrow, o)) != 0);
    // Sparse rows: scatter per non-zero; dense rows: the row-streaming loop nest (SIMD when sw = 1).
    if (nnz * 2 < m) convScatterRow(geo, Wt, lrow, orow);
    else convAccumulate(geo, Wt, 0, lrow, orow, 1);
    if (b != 0) {
      let acc: f64 = 0;
      for (let kk = 0; kk < K; kk++) {
        let sum: f64 = 0;
        for (let i = 0; i < plane; i++) sum += load<f64>(at(lrow, kk * plane + i));
        acc += sum * load<f64>(at(b, kk));
      }
      store<f64>(at(c, r), load<f64>(at(c, r)) + acc);
    }
  }
}

/** y += a·x over n doubles (accumulating Λ contributions at a fan-out node; also a − b with a = −1). */
export function boundAxpy(n: i32, a: f64, x: usize, y: usize): void {
  const av = f64x2.splat(a);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = at(y, i);
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(av, v128.load(at(x, i)))));
  }
  if (n2 < n) store<f64>(at(y, n2), load<f64>(at(y, n2)) + a * load<f64>(at(x, n2)));
}
