// AssemblyScript specs for the federated kernels: softmax regression's minibatch loss and gradient
// against the definition of the mean cross-entropy (a plain scalar loop here) and against central
// finite differences of that definition, with the bias gradient summing to zero, repeated and
// reordered rows, and logits of size 1000 (the max shift); the gossip kernel against Σ_j W_ij x_j.
import { fedSoftmaxRegressionGrad, fedGossip } from "../../assembly/federated/index";
import { vec, at, put, sample } from "../spec-helpers";

function ivec(n: i32): usize {
  return heap.alloc(<usize>max(n, 1) << 2);
}
function iput(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

/** Mean cross-entropy by its definition: (1/b) Σ_r [log Σ_c exp(z_rc − m_r) + m_r − z_{r,y_r}], z = x·W + bias. */
function lossByDefinition(X: usize, y: usize, idx: usize, b: i32, d: i32, C: i32, w: usize): f64 {
  let total = 0.0;
  for (let r = 0; r < b; r++) {
    const row = load<i32>(idx + (<usize>r << 2));
    const label = load<i32>(y + (<usize>row << 2));
    const z = new Array<f64>(C);
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = at(w, d * C + c);
      for (let j = 0; j < d; j++) s += at(X, row * d + j) * at(w, j * C + c);
      z[c] = s;
      if (s > m) m = s;
    }
    let e = 0.0;
    for (let c = 0; c < C; c++) e += Math.exp(z[c] - m);
    total += Math.log(e) + m - z[label];
  }
  return total / <f64>b;
}

describe("fedSoftmaxRegressionGrad", () => {
  test("loss equals the definition and the gradient equals central differences of it", () => {
    const n = 7, d = 5, C = 4, P = d * C + C;
    const X = vec(n * d); const y = ivec(n); const w = vec(P); const g = vec(P); const scratch = vec(C); const wp = vec(P);
    for (let i = 0; i < n * d; i++) put(X, i, sample(i + 3));
    for (let r = 0; r < n; r++) iput(y, r, (r * 3 + 1) % C);
    for (let i = 0; i < P; i++) put(w, i, sample(2 * i + 1, 0.1));
    // rows in a scrambled order, one of them twice
    const b = 6; const idx = ivec(b);
    const rows: i32[] = [4, 0, 6, 2, 4, 1];
    for (let r = 0; r < b; r++) iput(idx, r, rows[r]);
    const loss = fedSoftmaxRegressionGrad(X, y, idx, b, d, C, w, g, scratch);
    expect(Math.abs(loss - lossByDefinition(X, y, idx, b, d, C, w))).toBeLessThan(1e-13);
    const h = 1e-5;
    for (let i = 0; i < P; i++) {
      for (let k = 0; k < P; k++) put(wp, k, at(w, k));
      put(wp, i, at(w, i) + h);
      const up = lossByDefinition(X, y, idx, b, d, C, wp);
      put(wp, i, at(w, i) - h);
      const down = lossByDefinition(X, y, idx, b, d, C, wp);
      expect(Math.abs(at(g, i) - (up - down) / (2 * h))).toBeLessThan(1e-8);
    }
    // Σ_c ∂/∂bias_c = mean over rows of Σ_c (p_c − e_y) = 0
    let sum = 0.0;
    for (let c = 0; c < C; c++) sum += at(g, d * C + c);
    expect(Math.abs(sum)).toBeLessThan(1e-15);
    heap.free(X); heap.free(y); heap.free(w); heap.free(g); heap.free(scratch); heap.free(wp); heap.free(idx);
  });

  test("stays finite with logits near 1000 (the max shift) and matches the closed form", () => {
    const d = 1, C = 3, P = d * C + C;
    const X = vec(1); const y = ivec(1); const idx = ivec(1); const w = vec(P); const g = vec(P); const scratch = vec(C);
    put(X, 0, 1.0);
    iput(y, 0, 2); iput(idx, 0, 0);
    // logits 1000, 0, 1005: without the shift exp(1005) overflows; the loss is log(1 + e^−5 + e^−1005)
    put(w, 0, 1000.0); put(w, 1, 0.0); put(w, 2, 1005.0);
    put(w, 3, 0.0); put(w, 4, 0.0); put(w, 5, 0.0);
    const loss = fedSoftmaxRegressionGrad(X, y, idx, 1, d, C, w, g, scratch);
    const e5 = Math.exp(-5.0);
    expect(Math.abs(loss - Math.log(1.0 + e5))).toBeLessThan(1e-15);
    // ∂/∂W = x (p − e_y): p = (e^−5, ~0, 1) / (1 + e^−5)
    expect(Math.abs(at(g, 0) - e5 / (1.0 + e5))).toBeLessThan(1e-15);
    expect(Math.abs(at(g, 1))).toBeLessThan(1e-300);
    expect(Math.abs(at(g, 2) + e5 / (1.0 + e5))).toBeLessThan(1e-15);
    for (let c = 0; c < C; c++) expect(at(g, 3 + c)).toBe(at(g, c)); // x = 1: the bias gradient equals W's
    heap.free(X); heap.free(y); heap.free(idx); heap.free(w); heap.free(g); heap.free(scratch);
  });
});

describe("fedGossip", () => {
  test("equals Σ_j W_ij x_j on odd and even lengths, skipping zero weights", () => {
    for (let t = 0; t < 4; t++) {
      const n = 3 + (t & 1), d = 5 + t;
      const W = vec(n * n); const X = vec(n * d); const out = vec(n * d);
      for (let i = 0; i < n * n; i++) put(W, i, i % 4 == 1 ? 0.0 : sample(i + t, 0.125));
      for (let i = 0; i < n * d; i++) put(X, i, sample(3 * i + t, 0.5));
      fedGossip(W, X, n, d, out);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) {
        let s = 0.0;
        for (let j = 0; j < n; j++) s += at(W, i * n + j) * at(X, j * d + k);
        expect(Math.abs(at(out, i * d + k) - s)).toBeLessThan(1e-14);
      }
      heap.free(W); heap.free(X); heap.free(out);
    }
  });
});
