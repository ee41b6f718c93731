/**
 * Learned proximal networks (Fang, Buchanan & Sulam, ICLR 2024): a denoiser f = ∇ψ with ψ an
 * input-convex network (nn.icnn) plus α/2·‖y‖², so f is the gradient of a convex function and hence
 * the proximal operator of some (possibly nonconvex) regulariser. Trained on pairs (x, y = x + noise)
 * with the proximal-matching loss 1 − exp(−‖f(y) − x‖²/(d·γ²)) (γ annealed towards 0, which makes f
 * approach the MAP denoiser, i.e. the prox of −log p) or with the squared error (which makes it
 * approach the MMSE denoiser E[x | y]). Internal to the experiments (scripts/sparse-experiment.ts)
 * and the tests.
 */
import * as nn from '../nn/index.js';
import { ParameterError, ShapeError } from '../runtime/errors.js';
import type { ProxOperator } from '../prox/operator.js';
import { readFinite } from '../prox/operators/define.js';
import type { F64Buffer, VectorInput } from '../runtime/memory.js';

/** An LPN: ψ(y) = icnn(y) + α/2·‖y‖², or with `symmetric` ψ(y) = ½(icnn(y) + icnn(−y)) + α/2·‖y‖² (still convex; f is then odd). */
export interface Lpn {
  /** The input-convex part ψ₀ (nn.icnn parameters; the weights on the previous layer enter through softplus, so they act as non-negative). */
  icnn: nn.IcnnParams;
  /** Weight α of the strongly convex term α/2‖y‖² of ψ. */
  alpha: number;
  /** Dimension d of the vectors f maps (f: ℝᵈ → ℝᵈ). */
  dim: number;
  /** ψ(y) = ½(ψ₀(y) + ψ₀(−y)) + α/2‖y‖² (f odd). */
  symmetric: boolean;
  /** The ICNN sees s·y (a fixed scale: softplus kinks s times sharper in y, convexity unchanged). */
  inputScale: number;
  /** The ICNN part of ψ is multiplied by this fixed c > 0 (convexity unchanged); see {@link initLpn}'s `calibrate`. */
  outputScale: number;
  /**
   * For image patches: ψ(y) = d/2·mean(y)² + ψ₀(y − mean(y)·1), so f passes each row's mean through and
   * the network only sees (and returns) the zero-mean part. Still the gradient of a convex function
   * (a convex function of a linear map of y plus a convex quadratic).
   */
  centre?: boolean;
}

/**
 * A fresh LPN on ℝ^dim with the given hidden widths. A freshly initialised ICNN's gradient is tens of
 * times larger than the data (every skip layer adds its slope), which costs Adam thousands of steps to
 * undo; with `calibrate` (noisy inputs, rows of dim) the output scale c is set so that at the start
 * mean‖f(y)‖² = mean‖y‖² over those rows, i.e. f starts at the size of the identity.
 */
export function initLpn(dim: number, hidden: readonly number[], seed: number, alpha = 1e-3, symmetric = false, inputScale = 1, calibrate?: Float64Array, centre = false): Lpn {
  const icnn = nn.initIcnn(dim, hidden, { seed });
  if (calibrate !== undefined && centre) calibrate = centreRows(calibrate, dim);
  if (calibrate !== undefined && calibrate.length >= dim) {
    // nn.initLinear starts biases at 0, which puts every first-layer softplus kink through y = 0; f is
    // then a sum of sigmoids all centred there and cannot bend where the data need it (±1 for the
    // soft-threshold). Put unit k's kink through a calibration row instead (rows spread evenly).
    const L0 = icnn.input[0]!;
    const h = hidden[0]!;
    const W0 = L0.W.data();
    const m = Math.floor(calibrate.length / dim);
    const b = new Float64Array(h);
    // on ℝ¹ the kinks are spread evenly over the calibration range (the tails get as many as the centre)
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of calibrate) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    for (let k = 0; k < h; k++) {
      if (dim === 1) {
        b[k] = -inputScale * W0[k]! * (lo + ((k + 0.5) * (hi - lo)) / h);
        continue;
      }
      const j = Math.floor(((k + 0.5) * m) / h);
      let v = 0;
      for (let i = 0; i < dim; i++) v += calibrate[j * dim + i]! * W0[i * h + k]!;
      b[k] = -inputScale * v;
    }
    L0.b?.free();
    L0.b = nn.tensor(b, { shape: [h] });
  }
  const leaves = [...icnn.input.flatMap((L) => (L.b ? [L.W, L.b] : [L.W])), ...icnn.hidden];
  nn.keep(leaves);
  const net: Lpn = { icnn, alpha, dim, symmetric, inputScale, outputScale: 1, centre };
  if (calibrate !== undefined && calibrate.length > 0) {
    const f = lpnApply({ ...net, alpha: 0 }, calibrate);
    let ff = 0;
    let yy = 0;
    for (let i = 0; i < f.length; i++) {
      ff += f[i]! * f[i]!;
      yy += calibrate[i]! * calibrate[i]!;
    }
    if (ff > 0 && yy > 0) net.outputScale = Math.sqrt(yy / ff);
  }
  return net;
}

/** Each row of Y (rows of d) minus its mean. */
function centreRows(Y: Float64Array, d: number): Float64Array {
  const out = new Float64Array(Y.length);
  for (let r = 0; r < Y.length; r += d) {
    let m = 0;
    for (let i = 0; i < d; i++) m += Y[r + i]!;
    m /= d;
    for (let i = 0; i < d; i++) out[r + i] = Y[r + i]! - m;
  }
  return out;
}

/** ψ summed over the rows of y ([n, dim]). */
function psiSum(p: nn.IcnnParams, alpha: number, y0: nn.Tensor, symmetric: boolean, s: number, c: number, centre = false): nn.Tensor {
  const m = centre ? nn.mean(y0, 1, true) : undefined;
  const y = m ? nn.sub(y0, m) : y0;
  const ys = s === 1 ? y : nn.scale(y, s);
  const v = symmetric ? nn.scale(nn.add(nn.sum(nn.icnn(p, ys)), nn.sum(nn.icnn(p, nn.neg(ys)))), 0.5 * c) : nn.scale(nn.sum(nn.icnn(p, ys)), c);
  const psi = nn.add(v, nn.scale(nn.sum(nn.square(y)), alpha / 2));
  return m ? nn.add(psi, nn.scale(nn.sum(nn.square(m)), y0.shape[1]! / 2)) : psi;
}

/** f(y) = ∇ψ(y), row by row ([n, dim] → [n, dim]); differentiable in the parameters (reverse over reverse). */
export function lpnForward(p: nn.IcnnParams, alpha: number, y: nn.Tensor, symmetric = false, inputScale = 1, outputScale = 1, centre = false): nn.Tensor {
  return nn.grad((t: nn.Tensor) => psiSum(p, alpha, t, symmetric, inputScale, outputScale, centre), { argnums: 0 })(y) as nn.Tensor;
}

/** f applied to the rows of Y (n × dim, row-major), in chunks; plain numbers out. */
export function lpnApply(net: Lpn, Y: Float64Array, chunk = 4096): Float64Array {
  const d = net.dim;
  const n = Y.length / d;
  if (!Number.isInteger(n)) throw new ParameterError(`lpnApply: Y must hold whole rows of ${d} values (got ${Y.length})`);
  const out = new Float64Array(Y.length);
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    nn.scope(() => {
      const f = lpnForward(net.icnn, net.alpha, nn.tensor(Y.subarray(s * d, (s + m) * d), { shape: [m, d] }), net.symmetric, net.inputScale, net.outputScale, net.centre === true);
      out.set(f.data(), s * d);
    });
  }
  return out;
}

/** Options of {@link trainLpn}. */
export interface TrainLpnOptions {
  /** 'pm': proximal matching with the γ schedule; 'l2': mean squared error; 'l1': mean absolute error. */
  loss: 'pm' | 'l2' | 'l1';
  /** Epochs per stage; for 'pm' one stage per entry of gammas. */
  epochs: number;
  /** γ of each proximal-matching stage (relative to √d), largest first. */
  gammas?: readonly number[];
  learningRate: number;
  /** The step of stage k is learningRate·decay^k (default 1). */
  decay?: number;
  batchSize?: number;
  seed: number;
  /**
   * Targets per input (default 1): X holds, for each row of Y, `draws` clean values (rows of
   * dim·draws; only for dim = 1), and the loss is the mean over all of them. Several draws of x for the
   * same y average the noise of x given y out of each gradient for the price of one evaluation of f(y);
   * see {@link laplacePosteriorDraws}.
   */
  draws?: number;
}

/**
 * The regulariser an LPN is the prox of, at the points it reaches: f = ∇ψ is the prox of R with
 * R(f(y)) = ⟨y, f(y)⟩ − ½‖f(y)‖² − ψ(y) (up to one additive constant), since f(y) minimises
 * ½‖x − y‖² + R(x) exactly when y ∈ x + ∂R(x), i.e. when R(x) + ½‖x‖² is the convex conjugate of ψ
 * at x = ∇ψ(y) (Fenchel–Young with equality). Returns f(y) and R(f(y)) for each row of Y.
 */
export function lpnRegulariser(net: Lpn, Y: Float64Array): { x: Float64Array; R: Float64Array } {
  const d = net.dim;
  const n = Y.length / d;
  const x = lpnApply(net, Y);
  const R = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const psi = nn.scope(() => psiSum(net.icnn, net.alpha, nn.tensor(Y.subarray(r * d, (r + 1) * d), { shape: [1, d] }), net.symmetric, net.inputScale, net.outputScale, net.centre === true).item());
    let yx = 0;
    let xx = 0;
    for (let i = 0; i < d; i++) [yx, xx] = [yx + Y[r * d + i]! * x[r * d + i]!, xx + x[r * d + i]! * x[r * d + i]!];
    R[r] = yx - 0.5 * xx - psi;
  }
  return { x, R };
}

/**
 * R(x) for a network on ℝ¹ at given points x (not outputs): y with f(y) = x is found by bisection
 * (f is increasing, with slope ≥ α > 0), then R(x) = y·x − ½x² − ψ(y) as in {@link lpnRegulariser},
 * shifted so that R(f(0)) = 0. Returns R for each entry of X.
 */
export function lpnRegulariserAt(net: Lpn, X: Float64Array): Float64Array {
  if (net.dim !== 1) throw new ParameterError(`lpnRegulariserAt: the network must act on ℝ¹ (got dim ${net.dim})`);
  const n = X.length;
  const lo = X.map((x) => x - 4);
  const hi = X.map((x) => x + 4);
  // widen each bracket until f(lo) ≤ x ≤ f(hi) (f(y) − y is bounded for a trained net, so rarely needed)
  for (let k = 0; k < 60; k++) {
    const fl = lpnApply(net, lo);
    const fh = lpnApply(net, hi);
    let done = true;
    for (let i = 0; i < n; i++) {
      if (fl[i]! > X[i]!) [lo[i], done] = [X[i]! - 2 * (X[i]! - lo[i]!), false];
      if (fh[i]! < X[i]!) [hi[i], done] = [X[i]! + 2 * (hi[i]! - X[i]!), false];
    }
    if (done) break;
  }
  for (let k = 0; k < 60; k++) {
    const mid = lo.map((a, i) => 0.5 * (a + hi[i]!));
    const fm = lpnApply(net, mid);
    for (let i = 0; i < n; i++) {
      if (fm[i]! < X[i]!) lo[i] = mid[i]!;
      else hi[i] = mid[i]!;
    }
  }
  const Y = lo.map((a, i) => 0.5 * (a + hi[i]!));
  const { x, R } = lpnRegulariser(net, Float64Array.of(0, ...Y));
  // R(x) = max_y y·x − ψ(y) − ½x² (the conjugate of ψ minus ½x²), attained at f(y) = x: evaluated at the
  // bisection's y with the given x, y·x − ½x² − ψ(y), whose error is second order in y's error
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fx = x[i + 1]!;
    out[i] = R[i + 1]! + Y[i]! * (X[i]! - fx) - 0.5 * (X[i]! * X[i]! - fx * fx) - R[0]!;
  }
  return out;
}

/** Trains f = ∇ψ on pairs (X clean, Y noisy), rows of `net.dim`, in place. Returns the mean loss of the last epoch of each stage. */
export function trainLpn(net: Lpn, X: Float64Array, Y: Float64Array, o: TrainLpnOptions): number[] {
  const d = net.dim;
  const K = o.draws ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new ParameterError(`trainLpn: options.draws must be a positive integer (got ${K})`);
  if (K > 1 && d !== 1) throw new ParameterError(`trainLpn: options.draws > 1 needs a network on ℝ¹ (got dim ${d})`);
  const n = Y.length / d;
  if (!Number.isInteger(n) || X.length !== n * d * K) throw new ShapeError(`trainLpn: X must hold ${K} target row(s) of ${d} per row of Y (Y has ${Y.length} values, X ${X.length})`);
  const stages = o.loss === 'pm' ? (o.gammas ?? [1, 0.5, 0.25, 0.1]) : [0];
  const rows = { data: Y, rows: n, cols: d };
  const targets = { data: X, rows: n, cols: d * K };
  const optimizer = nn.adam({ learningRate: o.learningRate });
  const last: number[] = [];
  stages.forEach((gamma, k) => {
    optimizer.learningRate = o.learningRate * (o.decay ?? 1) ** k;
    const loss = (p: nn.IcnnParams, y: nn.Tensor, x: nn.Targets): nn.Tensor => {
      const e = nn.sub(lpnForward(p, net.alpha, y, net.symmetric, net.inputScale, net.outputScale, net.centre === true), x as nn.Tensor);
      if (o.loss === 'l2') return nn.mean(nn.square(e));
      if (o.loss === 'l1') return nn.mean(nn.sqrt(nn.add(nn.square(e), 1e-8)));
      // proximal matching: per row 1 − exp(−‖e‖²/(d γ²)); with draws (d = 1) e is [b, K], one term per draw
      const r = K > 1 ? nn.square(e) : nn.sum(nn.square(e), 1);
      return nn.mean(nn.sub(1, nn.exp(nn.scale(r, -1 / (d * gamma * gamma)))));
    };
    const r = nn.train({ params: net.icnn, loss }, { X: rows, y: targets }, { epochs: o.epochs, batchSize: o.batchSize ?? 256, seed: o.seed + k, optimizer });
    last.push(r.history[r.history.length - 1]?.loss ?? NaN);
  });
  return last;
}

/** Frees the network's tensors. */
export function freeLpn(net: Lpn): void {
  for (const L of net.icnn.input) {
    L.W.free();
    L.b?.free();
  }
  for (const t of net.icnn.hidden) t.free();
}

/** The soft-threshold at 1 (the MAP denoiser of x ~ Laplace(1) under unit Gaussian noise). */
export const softThreshold1 = (y: number): number => Math.sign(y) * Math.max(0, Math.abs(y) - 1);

/**
 * E[x | y] for x ~ Laplace(b) (density e^{−|x|/b}/(2b)) and y = x + N(0, σ²), by the trapezoid rule on
 * [y − 12σ − 12b, y + 12σ + 12b] with `steps` intervals (the reference of the squared-error network).
 */
export function laplaceMmse(y: number, b = 1, sigma = 1, steps = 20000): number {
  const lo = y - 12 * sigma - 12 * b;
  const hi = y + 12 * sigma + 12 * b;
  const h = (hi - lo) / steps;
  let num = 0;
  let den = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const w = (i === 0 || i === steps ? 0.5 : 1) * Math.exp(-Math.abs(x) / b - ((y - x) * (y - x)) / (2 * sigma * sigma));
    num += w * x;
    den += w;
  }
  return num / den;
}

/**
 * n pairs (x, y) of the Laplacian toy with y spread uniformly over [−R, R] and x drawn from the exact
 * posterior p(x | y) ∝ e^{−|x|}·e^{−(x−y)²/2} (x ~ Laplace(1), unit Gaussian noise), by rejection:
 * x = y + N(0, 1) is kept with probability e^{−|x|}. Every y has the conditional law of x it has under
 * the model, so the per-y minimisers of a training loss (the MAP as γ → 0 for proximal matching, the
 * MMSE for the squared error) are unchanged; only the weight of each y in the loss is, which puts as
 * many pairs at |y| = 4 as at 0 (under the model's own law of y, 50 times fewer). `draw(k)` returns k
 * uniforms on [0, 1) and `normal(k)` k standard normals.
 */
export function laplacePosteriorPairs(n: number, R: number, draw: (k: number) => Float64Array, normal: (k: number) => Float64Array): { X: Float64Array; Y: Float64Array } {
  const X = new Float64Array(n);
  const Y = new Float64Array(n);
  const uy = draw(n);
  for (let i = 0; i < n; i++) Y[i] = R * (2 * uy[i]! - 1);
  let todo = Array.from({ length: n }, (_, i) => i);
  while (todo.length > 0) {
    const z = normal(todo.length);
    const u = draw(todo.length);
    const next: number[] = [];
    todo.forEach((i, k) => {
      const x = Y[i]! + z[k]!;
      if (u[k]! < Math.exp(-Math.abs(x))) X[i] = x;
      else next.push(i);
    });
    todo = next;
  }
  return { X, Y };
}

// erfc with relative error < 1.2e-7 on all of ℝ (the Chebyshev fit in Numerical Recipes, 2nd ed., §6.2):
// relative accuracy in the far tail is what the posterior's small piece below needs.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
/** Φ⁻¹(p) by bisection on [−13, 13] (Φ(−13) ≈ 6e-39; 50 halvings leave 2e-14). */
function normalQuantile(p: number): number {
  let lo = -13;
  let hi = 13;
  for (let i = 0; i < 50; i++) {
    const m = 0.5 * (lo + hi);
    if (normalCdf(m) < p) lo = m;
    else hi = m;
  }
  return 0.5 * (lo + hi);
}

/**
 * The u-quantile of the Laplacian toy's posterior p(x | y) ∝ e^{−|x|}·e^{−(x−y)²/2}. It is a mixture of
 * two cut normals: on x < 0 weight B = e^{y}·Φ(−y − 1) and the normal N(y + 1, 1), on x ≥ 0 weight
 * A = e^{−y}·Φ(y − 1) and N(y − 1, 1); the quantile inverts the piece u·(A + B) falls in.
 */
export function laplacePosteriorQuantile(y: number, u: number): number {
  const A = Math.exp(-y) * normalCdf(y - 1);
  const B = Math.exp(y) * normalCdf(-y - 1);
  const s = u * (A + B);
  if (s < B) return y + 1 + normalQuantile(s * Math.exp(-y));
  return y - 1 + normalQuantile(Math.min(1, normalCdf(1 - y) + (s - B) * Math.exp(y)));
}

/**
 * n noisy values y of the Laplacian toy, each with K draws from its exact posterior p(x | y) ∝
 * e^{−|x|}·e^{−(x−y)²/2}. With `yLaw` 'model' y = x₀ + N(0, 1) with x₀ ~ Laplace(1) (the toy's own law
 * of y), with 'uniform' y is uniform on [−R, R]. X holds the K draws of row i at i·K … i·K + K − 1.
 * Independent draws come from the rejection step of {@link laplacePosteriorPairs}; `stratified` draws
 * the k-th of them at the posterior quantile of (k + U)/K with U uniform on [0, 1) (stratified
 * sampling: each draw still has the posterior's law, so a mean over the K draws is an unbiased
 * estimate of E[· | y], with far less variance than K independent draws for a smooth integrand).
 */
export function laplacePosteriorDraws(n: number, K: number, yLaw: 'model' | 'uniform', R: number, draw: (k: number) => Float64Array, normal: (k: number) => Float64Array, stratified = false): { X: Float64Array; Y: Float64Array } {
  const Y = new Float64Array(n);
  if (yLaw === 'uniform') {
    const uy = draw(n);
    for (let i = 0; i < n; i++) Y[i] = R * (2 * uy[i]! - 1);
  } else {
    // Laplace(1) as the difference of two unit exponentials, plus unit noise
    const u = draw(2 * n);
    const z = normal(n);
    for (let i = 0; i < n; i++) Y[i] = -Math.log(1 - u[2 * i]!) + Math.log(1 - u[2 * i + 1]!) + z[i]!;
  }
  const X = new Float64Array(n * K);
  if (stratified) {
    const u = draw(n * K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) X[i * K + k] = laplacePosteriorQuantile(Y[i]!, (k + u[i * K + k]!) / K);
    return { X, Y };
  }
  let todo = Array.from({ length: n * K }, (_, j) => j);
  while (todo.length > 0) {
    const z = normal(todo.length);
    const u = draw(todo.length);
    const next: number[] = [];
    todo.forEach((j, k) => {
      const x = Y[Math.floor(j / K)]! + z[k]!;
      if (u[k]! < Math.exp(-Math.abs(x))) X[j] = x;
      else next.push(j);
    });
    todo = next;
  }
  return { X, Y };
}

/** The top-left corners of p × p patches with the given stride, the last row and column flush with the edge. */
function patchCorners(len: number, p: number, stride: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + p <= len; i += stride) out.push(i);
  if (out[out.length - 1] !== len - p) out.push(len - p);
  return out;
}

/** All p × p patches of a rows × cols image (row-major), as rows of p² values. */
export function imagePatches(img: ArrayLike<number>, rows: number, cols: number, p: number, stride: number): Float64Array {
  const rs = patchCorners(rows, p, stride);
  const cs = patchCorners(cols, p, stride);
  const out = new Float64Array(rs.length * cs.length * p * p);
  let k = 0;
  for (const r of rs) for (const c of cs) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[k++] = img[(r + i) * cols + c + j]!;
  return out;
}

/**
 * The LPN applied to every p × p patch of the image (stride `stride`), each pixel the average of its
 * patches' outputs. Per patch f is a prox; the average over overlapping patches is the usual
 * plug-and-play denoiser, not itself the prox of a known function.
 */
export function lpnDenoiseImage(net: Lpn, img: ArrayLike<number>, rows: number, cols: number, p: number, stride: number): Float64Array {
  const rs = patchCorners(rows, p, stride);
  const cs = patchCorners(cols, p, stride);
  const f = lpnApply(net, imagePatches(img, rows, cols, p, stride));
  const acc = new Float64Array(rows * cols);
  const cnt = new Float64Array(rows * cols);
  let k = 0;
  for (const r of rs) {
    for (const c of cs) {
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          acc[(r + i) * cols + c + j]! += f[k++]!;
          cnt[(r + i) * cols + c + j]! += 1;
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! / cnt[i]!;
  return acc;
}

/**
 * The patch LPN denoiser as a ProxOperator on images of rows × cols (row-major), for plug-and-play
 * use inside proxkit's splitting algorithms (admm, pdhg, …) in place of a regulariser's prox. The
 * step t is ignored: the network was trained for one noise level. `value` is NaN (the implied
 * regulariser is not evaluated), so an algorithm's reported objective is NaN.
 */
export function patchProx(net: Lpn, rows: number, cols: number, p: number, stride: number): ProxOperator {
  const n = rows * cols;
  return {
    name: `learnedProx(${p}×${p} patches, stride ${stride})`,
    properties: { convex: false, separable: false, prox: 'closed-form', indicator: false },
    value: () => NaN,
    prox(v: VectorInput, _t?: number, out?: Float64Array | F64Buffer): never {
      const x = readFinite('learnedProx', 'v', v);
      if (x.length !== n) throw new ShapeError(`learnedProx: v must have rows · cols = ${n} entries (got ${x.length})`);
      const r = lpnDenoiseImage(net, x, rows, cols, p, stride);
      if (out === undefined) return r as never;
      if (out.length !== n) throw new ShapeError(`learnedProx: out must have ${n} entries (got ${out.length})`);
      out.set(r);
      return out as never;
    },
  } as ProxOperator;
}
