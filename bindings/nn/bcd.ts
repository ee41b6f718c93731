/**
 * Block coordinate descent for ReLU MLPs (Zeng, Lau, Lin & Yao, "Global Convergence of Block
 * Coordinate Descent in Deep Learning", ICML 2019): the three-splitting formulation, in which every
 * block update is an exact minimisation — closed-form ridge regressions for the weights and the
 * layer outputs, and a two-candidate prox for the ReLU coupling. No gradients, no step size.
 */
import { ParameterError, NonFiniteError, parameterError } from '../runtime/errors.js';
import { seededRng } from '../rng.js';
import { nonNegativeInteger, optionKeys, positiveFinite, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { stopAfterReport, type StopState } from '../runtime/stop.js';
import { readLabels, readRows, type Rows } from '../runtime/rows.js';
import { dense, matmul, spdInverse, sqDist, type Dense } from './dense.js';

export type { Rows } from '../runtime/rows.js';

/** Options of {@link bcdMlp}. */
export interface BcdMlpOptions {
  /**
   * Hidden layer widths (default [256, 256]); each hidden layer is linear + ReLU, the last layer is linear.
   * BCD fits each layer by a ridge regression, which needs wide layers to fit well.
   */
  hidden?: readonly number[];
  /** Full sweeps over all blocks (default 30). */
  iterations?: number;
  /** γ > 0: weight of the output couplings (γ/2)‖Vᵢ − σ(Uᵢ)‖² (default 1). */
  gamma?: number;
  /** ρ > 0: weight of the linear couplings (ρ/2)‖Uᵢ − WᵢVᵢ₋₁ − bᵢ‖² (default 1). */
  rho?: number;
  /** α > 0: weight of the proximal term (α/2)‖block − previous block‖² added to every update (default 1). */
  alpha?: number;
  /**
   * Stop when a sweep decreased the objective by less than tol·F₀, F₀ the objective at the start (default 1e-7;
   * 0 runs every sweep). Relative to F₀ rather than to the current F, which can tend to 0 geometrically.
   */
  tol?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** Standard deviation of the normal initial weights (default 0.1). */
  initScale?: number;
  /** Initial value of every bias (default 0.1: small weights and a positive bias start every ReLU active, so no unit begins dead). */
  initBias?: number;
  /** Number of classes K (default max(y) + 1). */
  classes?: number;
  /** Held-out rows for the test-accuracy history (optional). */
  testX?: Rows;
  /** Labels of `testX` (integers in [0, classes)). */
  testY?: ArrayLike<number>;
  /** Called after every sweep; return false to stop. */
  onProgress?: (info: BcdProgress) => boolean | void;
  /** Stops after the current sweep when aborted. */
  signal?: AbortSignalLike;
}

/** Progress of {@link bcdMlp} after one sweep (passed to `onProgress` and kept in `history`). */
export interface BcdProgress {
  /** Sweeps done (1-based). */
  iteration: number;
  /** The three-splitting objective F (see {@link bcdMlp}). */
  objective: number;
  /** Mean squared error ½‖σ-free network output − one-hot(y)‖² / n of the forward pass with the current weights. */
  loss: number;
  /** Accuracy of the current weights' forward pass on the training set. */
  trainAccuracy: number;
  /** NaN without a test set. */
  testAccuracy: number;
  /** Milliseconds since the start of the run. */
  elapsedMs: number;
}

/** Weights of a dense MLP: W[l] is sizes[l+1] × sizes[l] row-major, b[l] has sizes[l+1] entries. */
export interface MlpWeights {
  /** Layer widths [inputs, hidden…, classes]. */
  sizes: number[];
  /** W[l]: sizes[l+1] × sizes[l], row-major. */
  W: Float64Array[];
  /** b[l]: sizes[l+1] entries. */
  b: Float64Array[];
}

/** Result of {@link bcdMlp}. */
export interface BcdMlpResult {
  /** The trained weights. */
  params: MlpWeights;
  /** Sweeps run. */
  iterations: number;
  /** True when a sweep's objective decrease fell below tol·F₀. */
  converged: boolean;
  /** Why the run ended: 'converged' (tol), 'maxIter' (every sweep ran), 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** One entry per sweep. */
  history: BcdProgress[];
}

/**
 * The minimiser of h(u) = (γ/2)(v − max(u, 0))² + (β/2)(u − c)² over u ∈ ℝ: on u ≥ 0 h is a
 * quadratic with minimiser max(0, (γv + βc)/(γ + β)); on u ≤ 0 it is (β/2)(u − c)² + const with
 * minimiser min(0, c). The smaller of the two candidates is the global minimiser (ties: the first).
 */
export function reluProx(v: number, c: number, gamma: number, beta: number): number {
  const u1 = Math.max(0, (gamma * v + beta * c) / (gamma + beta));
  const u2 = Math.min(0, c);
  const h = (u: number): number => {
    const r = v - (u > 0 ? u : 0);
    return 0.5 * gamma * r * r + 0.5 * beta * (u - c) * (u - c);
  };
  return h(u2) < h(u1) ? u2 : u1;
}

/**
 * The state of three-splitting BCD on n examples (columns): V[0] = Xᵀ (d × n), and for layers
 * i = 1…L: U[i] = pre-activations, V[i] = outputs (sizes[i] × n), W[i], b[i]. The objective is
 *
 *   F = ½‖V_L − Y‖² + (γ/2)‖V_L − U_L‖² + Σ_{i<L} (γ/2)‖V_i − relu(U_i)‖² + Σ_{i≤L} (ρ/2)‖U_i − W_i V_{i−1} − b_i 1ᵀ‖²
 *
 * with Y the one-hot labels (K × n). Every update method replaces one block by the exact minimiser of
 * F + (α/2)‖block − block_old‖², so F never increases (F_new + (α/2)‖Δ‖² ≤ F_old).
 */
export class BcdState {
  readonly L: number;
  readonly n: number;
  readonly V: Dense[];
  readonly U: Dense[];
  readonly W: Dense[];
  readonly b: Float64Array[];

  constructor(
    readonly sizes: number[],
    X: Dense,
    readonly Y: Dense,
    W: Dense[],
    b: Float64Array[],
    readonly gamma: number,
    readonly rho: number,
    readonly alpha: number,
  ) {
    this.L = sizes.length - 1;
    this.n = X.cols;
    // index 0 of U, W, b is unused so that layer i uses U[i], W[i], b[i] as in the formulas
    this.W = [dense(0, 0), ...W];
    this.b = [new Float64Array(0), ...b];
    this.V = [X];
    this.U = [dense(0, 0)];
    for (let i = 1; i <= this.L; i++) {
      const u = this.affine(i);
      this.U.push(u);
      this.V.push(i < this.L ? relu(u) : dense(u.rows, u.cols, u.data.slice()));
    }
  }

  /** W_i V_{i−1} + b_i 1ᵀ. */
  affine(i: number): Dense {
    const z = matmul(this.W[i]!, this.V[i - 1]!);
    const b = this.b[i]!, n = this.n;
    for (let r = 0; r < z.rows; r++) for (let j = 0; j < n; j++) z.data[r * n + j] = z.data[r * n + j]! + b[r]!;
    return z;
  }

  objective(): number {
    const L = this.L, g = this.gamma, rho = this.rho;
    let F = 0.5 * sqDist(this.V[L]!.data, this.Y.data) + 0.5 * g * sqDist(this.V[L]!.data, this.U[L]!.data);
    for (let i = 1; i < L; i++) F += 0.5 * g * sqDist(this.V[i]!.data, relu(this.U[i]!).data);
    for (let i = 1; i <= L; i++) F += 0.5 * rho * sqDist(this.U[i]!.data, this.affine(i).data);
    return F;
  }

  /** V_L = argmin ½‖V − Y‖² + (γ/2)‖V − U_L‖² + (α/2)‖V − V_old‖² = (Y + γU_L + αV_old)/(1 + γ + α). */
  updateOutput(): void {
    const V = this.V[this.L]!.data, U = this.U[this.L]!.data, Y = this.Y.data;
    const { gamma: g, alpha: a } = this;
    for (let k = 0; k < V.length; k++) V[k] = (Y[k]! + g * U[k]! + a * V[k]!) / (1 + g + a);
  }

  /**
   * U_i: for the last layer (identity activation) (γV_L + ρA + αU_old)/(γ + ρ + α) with A = W_L V_{L−1} + b_L;
   * for a hidden layer the entrywise ReLU prox of c = (ρA + αU_old)/(ρ + α) with β = ρ + α.
   */
  updatePre(i: number): void {
    const A = this.affine(i).data, U = this.U[i]!.data, V = this.V[i]!.data;
    const { gamma: g, rho, alpha: a } = this;
    if (i === this.L) {
      for (let k = 0; k < U.length; k++) U[k] = (g * V[k]! + rho * A[k]! + a * U[k]!) / (g + rho + a);
      return;
    }
    const beta = rho + a;
    for (let k = 0; k < U.length; k++) U[k] = reluProx(V[k]!, (rho * A[k]! + a * U[k]!) / beta, g, beta);
  }

  /**
   * [W_i b_i] = argmin (ρ/2)‖U_i − W V_{i−1} − b 1ᵀ‖² + (α/2)‖[W b] − [W b]_old‖²: with Ṽ = [V_{i−1}; 1ᵀ],
   * [W b](ρṼṼᵀ + αI) = ρU_iṼᵀ + α[W b]_old, through the inverse of the symmetric positive definite matrix.
   */
  updateWeights(i: number): void {
    const Vp = this.V[i - 1]!, U = this.U[i]!, W = this.W[i]!, b = this.b[i]!;
    const p = Vp.rows, m = U.rows, n = this.n;
    const { rho, alpha: a } = this;
    const G = matmul(Vp, Vp, false, true); // p × p
    const UV = matmul(U, Vp, false, true); // m × p
    const M = dense(p + 1, p + 1);
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++) M.data[r * (p + 1) + c] = rho * G.data[r * p + c]!;
      let s = 0;
      for (let j = 0; j < n; j++) s += Vp.data[r * n + j]!;
      M.data[r * (p + 1) + p] = M.data[p * (p + 1) + r] = rho * s;
    }
    M.data[p * (p + 1) + p] = rho * n;
    for (let r = 0; r <= p; r++) M.data[r * (p + 1) + r] = M.data[r * (p + 1) + r]! + a;
    // right-hand side, transposed: (p + 1) × m
    const R = dense(p + 1, m);
    for (let q = 0; q < m; q++) {
      for (let r = 0; r < p; r++) R.data[r * m + q] = rho * UV.data[q * p + r]! + a * W.data[q * p + r]!;
      let s = 0;
      for (let j = 0; j < n; j++) s += U.data[q * n + j]!;
      R.data[p * m + q] = rho * s + a * b[q]!;
    }
    const T = matmul(spdInverse('bcdMlp', M), R); // (p + 1) × m: [W b]ᵀ
    for (let q = 0; q < m; q++) {
      for (let r = 0; r < p; r++) W.data[q * p + r] = T.data[r * m + q]!;
      b[q] = T.data[p * m + q]!;
    }
  }

  /**
   * Hidden output V_i (1 ≤ i < L) = argmin (γ/2)‖V − relu(U_i)‖² + (ρ/2)‖U_{i+1} − W_{i+1}V − b_{i+1}1ᵀ‖² + (α/2)‖V − V_old‖²:
   * (ρWᵀW + (γ + α)I) V = γ relu(U_i) + ρWᵀ(U_{i+1} − b_{i+1}1ᵀ) + αV_old.
   */
  updateHidden(i: number): void {
    const W = this.W[i + 1]!, U1 = this.U[i + 1]!, b1 = this.b[i + 1]!, V = this.V[i]!, U = this.U[i]!;
    const { gamma: g, rho, alpha: a } = this;
    const h = V.rows, n = this.n;
    const M = matmul(W, W, true, false);
    for (let k = 0; k < M.data.length; k++) M.data[k] = M.data[k]! * (rho);
    for (let r = 0; r < h; r++) M.data[r * h + r] = M.data[r * h + r]! + g + a;
    const D = dense(U1.rows, n, U1.data.slice());
    for (let r = 0; r < U1.rows; r++) for (let j = 0; j < n; j++) D.data[r * n + j] = D.data[r * n + j]! - (b1[r]!);
    const R = matmul(W, D, true, false);
    for (let k = 0; k < R.data.length; k++) {
      const u = U.data[k]!;
      R.data[k] = rho * R.data[k]! + g * (u > 0 ? u : 0) + a * V.data[k]!;
    }
    // M⁻¹ (h³) then one kernel product, instead of 2h²n flops of triangular solves in TypeScript.
    V.data.set(matmul(spdInverse('bcdMlp', M), R).data);
  }

  /** One backward sweep, layer L down to 1: V_L, then per layer U_i, (W_i, b_i), V_{i−1} (Zeng et al., Algorithm 1). */
  sweep(): void {
    this.updateOutput();
    for (let i = this.L; i >= 1; i--) {
      this.updatePre(i);
      this.updateWeights(i);
      if (i > 1) this.updateHidden(i - 1);
    }
  }

  weights(): MlpWeights {
    return { sizes: this.sizes.slice(), W: this.W.slice(1).map((w) => w.data.slice()), b: this.b.slice(1).map((v) => v.slice()) };
  }
}

function relu(A: Dense): Dense {
  const out = new Float64Array(A.data.length);
  for (let k = 0; k < out.length; k++) out[k] = A.data[k]! > 0 ? A.data[k]! : 0;
  return dense(A.rows, A.cols, out);
}

/** Logits of every row of X (n × d row-major) through the ReLU MLP, as a K × n matrix. */
export function mlpForwardColumns(w: MlpWeights, X: Float64Array, n: number): Dense {
  const d = w.sizes[0]!;
  const Xt = dense(d, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xt.data[j * n + i] = X[i * d + j]!;
  let A = Xt;
  const L = w.W.length;
  for (let l = 0; l < L; l++) {
    const Z = matmul(dense(w.sizes[l + 1]!, w.sizes[l]!, w.W[l]), A);
    const b = w.b[l]!;
    for (let r = 0; r < Z.rows; r++) for (let j = 0; j < n; j++) Z.data[r * n + j] = Z.data[r * n + j]! + b[r]!;
    A = l < L - 1 ? relu(Z) : Z;
  }
  return A;
}

/** Fraction of columns whose argmax (first maximum) equals the label. */
export function columnAccuracy(Z: Dense, y: Int32Array): number {
  let hits = 0;
  for (let j = 0; j < Z.cols; j++) {
    let best = 0;
    for (let r = 1; r < Z.rows; r++) if (Z.data[r * Z.cols + j]! > Z.data[best * Z.cols + j]!) best = r;
    if (best === y[j]) hits++;
  }
  return hits / Math.max(1, Z.cols);
}

/**
 * Trains a ReLU MLP classifier x ↦ W_L relu(… relu(W_1 x + b_1) …) + b_L by three-splitting block
 * coordinate descent (Zeng et al. 2019) on the squared loss ½‖output − one-hot(y)‖² over the whole
 * training set (full batch). The auxiliary variables U_i (pre-activations) and V_i (layer outputs)
 * relax the network equations into penalties, and every block is minimised exactly with a proximal
 * term: weights by a ridge regression, hidden outputs by a linear solve of the
 * layer's width, pre-activations by the closed-form ReLU prox. The objective never
 * increases from one block update to the next.
 *
 * Defaults: hidden [256, 256], iterations 30, γ = 1, ρ = 1, α = 1, tol 1e-7, seed 0, weights
 * N(0, 0.1²) and biases 0.1 (every ReLU starts active). Memory: the
 * auxiliaries take Σ sizes · n doubles. Returns the weights, the per-sweep history (objective, squared
 * loss of the network's own forward pass, train/test accuracy, elapsed ms) and why the run ended.
 */
export function bcdMlp(X: Rows, y: ArrayLike<number>, options?: BcdMlpOptions): BcdMlpResult {
  const fn = 'bcdMlp';
  const { data, n, d } = readRows(fn, 'X', X);
  options = readOptions(fn, options, optionKeys<BcdMlpOptions>({
    hidden: true, iterations: true, gamma: true, rho: true, alpha: true, tol: true, seed: true, initScale: true, initBias: true,
    classes: true, testX: true, testY: true, onProgress: true, signal: true,
  }));
  const hidden = options.hidden ?? [256, 256];
  if (!Array.isArray(hidden)) throw parameterError(fn, 'options.hidden', 'an array of positive integers', hidden);
  hidden.forEach((h, i) => positiveInteger(fn, `options.hidden[${i}]`, h));
  const iterations = nonNegativeInteger(fn, 'options.iterations', options.iterations ?? 30);
  const gamma = positiveFinite(fn, 'options.gamma', options.gamma ?? 1);
  const rho = positiveFinite(fn, 'options.rho', options.rho ?? 1);
  const alpha = positiveFinite(fn, 'options.alpha', options.alpha ?? 1);
  const tol = options.tol ?? 1e-7;
  if (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol)) throw parameterError(fn, 'options.tol', 'a finite number >= 0', tol);
  const K = options.classes === undefined ? readLabels(fn, 'y', y, n, 2 ** 31 - 1).reduce((m, v) => Math.max(m, v), 0) + 1 : positiveInteger(fn, 'options.classes', options.classes);
  if (K < 2) throw new ParameterError(`${fn}: y must contain at least two classes (got only class 0)`);
  const labels = readLabels(fn, 'y', y, n, K);
  let test: { X: Float64Array; y: Int32Array; n: number } | null = null;
  if (options.testX !== undefined || options.testY !== undefined) {
    const t = readRows(fn, 'options.testX', options.testX, d);
    test = { X: t.data, y: readLabels(fn, 'options.testY', options.testY, t.n, K), n: t.n };
  }
  const R = seededRng(fn, options.seed ?? 0, 'options.seed');
  const onProgress = readCallback(fn, 'options.onProgress', options.onProgress);
  const signal = readSignal(fn, options.signal);

  const initScale = positiveFinite(fn, 'options.initScale', options.initScale ?? 0.1);
  const initBias = options.initBias ?? 0.1;
  if (typeof initBias !== 'number' || !Number.isFinite(initBias)) throw parameterError(fn, 'options.initBias', 'a finite number', initBias);
  const sizes = [d, ...hidden, K];
  const W: Dense[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fin, m] = [sizes[l]!, sizes[l + 1]!];
    const u = R.normal(m * fin);
    W.push(dense(m, fin, u.map((v) => v * initScale)));
    b.push(new Float64Array(m).fill(initBias));
  }
  const Xt = dense(d, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xt.data[j * n + i] = data[i * d + j]!;
  const Y = dense(K, n);
  for (let i = 0; i < n; i++) Y.data[labels[i]! * n + i] = 1;
  const state = new BcdState(sizes, Xt, Y, W, b, gamma, rho, alpha);

  const t0 = performance.now();
  const history: BcdProgress[] = [];
  let previous = state.objective();
  const F0 = previous;
  let converged = false;
  let stopped: BcdMlpResult['stopped'] = 'maxIter';
  let it = 0;
  while (it < iterations) {
    state.sweep();
    it++;
    const objective = state.objective();
    if (!Number.isFinite(objective)) throw new NonFiniteError(fn, 'objective', it, objective);
    const w = state.weights();
    const Z = mlpForwardColumns(w, data, n);
    const info: BcdProgress = {
      iteration: it,
      objective,
      loss: (0.5 * sqDist(Z.data, Y.data)) / n,
      trainAccuracy: columnAccuracy(Z, labels),
      testAccuracy: test ? columnAccuracy(mlpForwardColumns(w, test.X, test.n), test.y) : NaN,
      elapsedMs: performance.now() - t0,
    };
    history.push(info);
    converged = previous - objective <= tol * F0;
    previous = objective;
    const stop = stopAfterReport(info, onProgress, signal, converged);
    if (stop !== null) {
      stopped = stop;
      break;
    }
  }
  return { params: state.weights(), iterations: it, converged, stopped, history };
}
