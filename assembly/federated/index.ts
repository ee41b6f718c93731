// federated family kernels: the local step of softmax regression, the hot loop of a simulated round
// (hundreds of thousands of 10-row minibatches per run; one nn tape per step costs ~100 µs, this ~5 µs).

/**
 * Mean softmax cross-entropy of the rows idx[0..b) of X (row-major, d columns) with labels y, for the
 * logits z = xW + bias (w holds W as d×C row-major, then the C biases), and its gradient in g (same
 * layout): ∂/∂W = Σ_r x_r (p_r − e_{y_r})ᵀ / b, ∂/∂bias = Σ_r (p_r − e_{y_r}) / b with p_r = softmax(z_r).
 * scratch holds C doubles. Returns the mean loss.
 */
export function fedSoftmaxRegressionGrad(X: usize, y: usize, idx: usize, b: i32, d: i32, C: i32, w: usize, g: usize, scratch: usize): f64 {
  const P = <usize>(d * C + C);
  const bias = w + (<usize>(d * C) << 3);
  const gBias = g + (<usize>(d * C) << 3);
  memory.fill(g, 0, P << 3);
  let loss = 0.0;
  for (let r = 0; r < b; r++) {
    const row = <usize>load<i32>(idx + (<usize>r << 2));
    const x = X + ((row * <usize>d) << 3);
    const label = load<i32>(y + (row << 2));
    for (let c = 0; c < C; c++) store<f64>(scratch + (<usize>c << 3), load<f64>(bias + (<usize>c << 3)));
    for (let j = 0; j < d; j++) {
      const xj = load<f64>(x + (<usize>j << 3));
      const wr = w + (<usize>(j * C) << 3);
      for (let c = 0; c < C; c++) {
        const p = scratch + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + xj * load<f64>(wr + (<usize>c << 3)));
      }
    }
    const zy = load<f64>(scratch + (<usize>label << 3));
    let m = load<f64>(scratch);
    for (let c = 1; c < C; c++) m = Math.max(m, load<f64>(scratch + (<usize>c << 3)));
    let s = 0.0;
    for (let c = 0; c < C; c++) {
      const p = scratch + (<usize>c << 3);
      const e = Math.exp(load<f64>(p) - m);
      store<f64>(p, e);
      s += e;
    }
    loss += Math.log(s) + (m - zy);
    const inv = 1.0 / s;
    for (let c = 0; c < C; c++) {
      const p = scratch + (<usize>c << 3);
      let q = load<f64>(p) * inv;
      if (c == label) q -= 1.0;
      store<f64>(p, q);
      const gb = gBias + (<usize>c << 3);
      store<f64>(gb, load<f64>(gb) + q);
    }
    for (let j = 0; j < d; j++) {
      const xj = load<f64>(x + (<usize>j << 3));
      const gr = g + (<usize>(j * C) << 3);
      for (let c = 0; c < C; c++) {
        const p = gr + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + xj * load<f64>(scratch + (<usize>c << 3)));
      }
    }
  }
  const scale = 1.0 / <f64>b;
  for (let i: usize = 0; i < P; i++) {
    const p = g + (i << 3);
    store<f64>(p, load<f64>(p) * scale);
  }
  return loss * scale;
}

/**
 * One gossip round over n node vectors of length d stored one after the other at X (row-major n × d):
 * out_i = Σ_j W_ij x_j, W row-major n × n. Terms with W_ij = 0 are skipped and the rest added in
 * increasing j, one rounding for the product and one for the sum per term (no fused multiply-add),
 * exactly as the plain-TS loop does, so both give the same bits. f64x2 lanes run along the vector.
 */
export function fedGossip(W: usize, X: usize, n: i32, d: i32, out: usize): void {
  const len = <usize>d;
  const bytes = len << 3;
  const even = len & ~(<usize>1);
  for (let i = 0; i < n; i++) {
    const o = out + <usize>i * bytes;
    memory.fill(o, 0, bytes);
    for (let j = 0; j < n; j++) {
      const w = load<f64>(W + ((<usize>i * <usize>n + <usize>j) << 3));
      if (w == 0) continue;
      const x = X + <usize>j * bytes;
      const wv = f64x2.splat(w);
      let k: usize = 0;
      for (; k < even; k += 2) {
        const p = o + (k << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(wv, v128.load(x + (k << 3)))));
      }
      if (k < len) {
        const p = o + (k << 3);
        store<f64>(p, load<f64>(p) + w * load<f64>(x + (k << 3)));
      }
    }
  }
}
