/**
 * The public face of learned proximal networks (bindings/sparse/lpn.ts): train f = ∇ψ on pairs of
 * clean and noisy vectors, and use it as a ProxOperator in proxkit's algorithms.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { nonNegativeInteger, positiveFinite, positiveInteger, readOptions, optionKeys } from '../runtime/validate.js';
import type { ProxOperator } from '../prox/operator.js';
import { readFinite } from '../prox/operators/define.js';
import type { F64Buffer, VectorInput } from '../runtime/memory.js';
import { finiteCopy } from './util.js';
import { freeLpn, initLpn, lpnApply, lpnRegulariserAt, patchProx, trainLpn, type Lpn } from './lpn.js';

/**
 * A trained learned proximal network f = ∇ψ on ℝᵈ (from {@link trainLearnedProx}). Its weights live
 * in WebAssembly memory: call {@link LearnedProxNetwork.free} when done with it.
 */
export class LearnedProxNetwork {
  /** @internal */
  readonly lpn: Lpn;
  /** @internal */
  freed = false;
  /** @internal */
  constructor(lpn: Lpn) {
    this.lpn = lpn;
  }

  /** Dimension d of the vectors f maps (f: ℝᵈ → ℝᵈ). */
  get dim(): number {
    return this.lpn.dim;
  }

  /** Releases the network's weights; using it afterwards is a ParameterError. Calling free twice does nothing. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    freeLpn(this.lpn);
  }
}

/** The network behind a LearnedProxNetwork argument, or a ParameterError. */
function lpnOf(fn: string, network: unknown): Lpn {
  if (!(network instanceof LearnedProxNetwork)) throw parameterError(fn, 'network', 'a LearnedProxNetwork (from trainLearnedProx)', network);
  if (network.freed) throw new ParameterError(`${fn}: network was freed (LearnedProxNetwork.free)`);
  return network.lpn;
}

/** Options of {@link trainLearnedProx}. */
export interface TrainLearnedProxOptions {
  /** Widths of the input-convex network's hidden layers (default [64, 64]). */
  hidden?: readonly number[];
  /**
   * The training loss (default 'pm'): 'pm' proximal matching 1 − exp(−‖f(y) − x‖²/(d·γ²)), which
   * tends to the MAP denoiser (the prox of −log p) as γ → 0; 'l2' the squared error (tends to the
   * MMSE denoiser E[x | y]); 'l1' the absolute error (per coordinate, the posterior median).
   */
  loss?: 'pm' | 'l2' | 'l1';
  /**
   * γ of the proximal-matching stages, largest first. The loss divides ‖f(y) − x‖² by d·γ², so γ is a
   * root-mean-square distance per coordinate, in the units of x (default [0.5, 0.25, 0.15, 0.1, 0.07,
   * 0.07], chosen for noise of standard deviation 1). Ignored for 'l2' and 'l1'.
   */
  gammas?: readonly number[];
  /** With 'pm': one stage of the absolute error before the γ stages, so f starts near the posterior median (default true). */
  warmup?: boolean;
  /** Passes over the pairs per stage (default 2). */
  epochs?: number;
  /** Adam's step in the first stage (default 1e-2). */
  learningRate?: number;
  /** The step of stage k is learningRate·decay^k (default 0.6). */
  decay?: number;
  /** Pairs per minibatch (default 512). */
  batchSize?: number;
  /** Clean rows per noisy row (default 1): X has d·draws columns, and the loss averages over the draws. */
  draws?: number;
  /** ψ(y) = ½(ψ₀(y) + ψ₀(−y)) + α/2‖y‖², which makes f odd (for priors and noise symmetric about 0; default false). */
  symmetric?: boolean;
  /** ψ(y) = d/2·mean(y)² + ψ₀(y − mean(y)): f passes each row's mean through (for image patches; default false). */
  centre?: boolean;
  /** The network sees s·y: its softplus kinks are s times sharper in y (default 1). */
  inputScale?: number;
  /** Weight of the strongly convex term α/2‖y‖² in ψ (default 1e-3). */
  alpha?: number;
  /** Seed of the initial network and the minibatch orders, an integer ≥ 0 (default 1). */
  seed?: number;
}

/** Result of {@link trainLearnedProx}. */
export interface LearnedProxTraining {
  /** The trained network (its weights live in WebAssembly memory: release them with its `free()`). */
  network: LearnedProxNetwork;
  /** Mean loss of the last epoch of each stage (the warm-up first, when there is one). */
  losses: number[];
}

/**
 * Trains a learned proximal network (Fang, Buchanan & Sulam, ICLR 2024): f = ∇ψ with
 * ψ(y) = c·icnn(s·y) + α/2‖y‖², icnn an input-convex network (nn.icnn), so f is the gradient of a convex
 * function and hence exactly the proximal operator of some (possibly nonconvex) regulariser R:
 * f(y) = argmin_x ½‖x − y‖² + R(x). Trained with Adam on pairs (x clean, y noisy), one stage per γ,
 * on the loss chosen by `options.loss`.
 *
 * @param Y - The noisy rows (n × d; a `{ data, rows, cols }` matrix or an array of rows).
 * @param X - The clean rows (n × d·draws): row i holds `draws` clean vectors for noisy row i.
 * @returns The network and the loss per stage.
 * @throws ParameterError for bad options, ShapeError when X does not have n rows of d·draws, NonFiniteError for NaN/∞ entries.
 */
export function trainLearnedProx(Y: MatrixInput, X: MatrixInput, options?: TrainLearnedProxOptions): LearnedProxTraining {
  const fn = 'trainLearnedProx';
  const o = readOptions(fn, options, optionKeys<TrainLearnedProxOptions>({
    hidden: true, loss: true, gammas: true, warmup: true, epochs: true, learningRate: true, decay: true, batchSize: true,
    draws: true, symmetric: true, centre: true, inputScale: true, alpha: true, seed: true,
  }));
  const Ym = readMatrix(fn, 'Y', Y);
  if (Ym.rows < 1 || Ym.cols < 1) throw new ShapeError(`${fn}: Y must have at least one row and one column (got ${Ym.rows} × ${Ym.cols})`);
  const d = Ym.cols;
  const draws = positiveInteger(fn, 'options.draws', o.draws ?? 1);
  if (draws > 1 && d !== 1) throw parameterError(fn, 'options.draws', '1 unless Y has one column', draws);
  const Xm = readMatrix(fn, 'X', X, { rows: Ym.rows, cols: d * draws, label: 'Y.rows × Y.cols·draws' });
  const Yd = finiteCopy(fn, 'Y', Ym.data);
  const Xd = finiteCopy(fn, 'X', Xm.data);
  const hidden = o.hidden ?? [64, 64];
  if (!Array.isArray(hidden) || hidden.length === 0) throw parameterError(fn, 'options.hidden', 'a non-empty array of positive integers', hidden);
  hidden.forEach((h, i) => positiveInteger(fn, `options.hidden[${i}]`, h));
  const loss = o.loss ?? 'pm';
  if (loss !== 'pm' && loss !== 'l2' && loss !== 'l1') throw parameterError(fn, 'options.loss', "'pm', 'l2' or 'l1'", loss);
  const gammas = o.gammas ?? [0.5, 0.25, 0.15, 0.1, 0.07, 0.07];
  if (!Array.isArray(gammas) || gammas.length === 0) throw parameterError(fn, 'options.gammas', 'a non-empty array of numbers > 0', gammas);
  gammas.forEach((g, i) => positiveFinite(fn, `options.gammas[${i}]`, g));
  const warmup = o.warmup ?? true;
  if (typeof warmup !== 'boolean') throw parameterError(fn, 'options.warmup', 'a boolean', warmup);
  const epochs = positiveInteger(fn, 'options.epochs', o.epochs ?? 2);
  const learningRate = positiveFinite(fn, 'options.learningRate', o.learningRate ?? 1e-2);
  const decay = positiveFinite(fn, 'options.decay', o.decay ?? 0.6);
  const batchSize = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 512);
  const symmetric = o.symmetric ?? false;
  if (typeof symmetric !== 'boolean') throw parameterError(fn, 'options.symmetric', 'a boolean', symmetric);
  const centre = o.centre ?? false;
  if (typeof centre !== 'boolean') throw parameterError(fn, 'options.centre', 'a boolean', centre);
  const inputScale = positiveFinite(fn, 'options.inputScale', o.inputScale ?? 1);
  const alpha = o.alpha ?? 1e-3;
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha)) throw parameterError(fn, 'options.alpha', 'a finite number >= 0', alpha);
  const seed = nonNegativeInteger(fn, 'options.seed', o.seed ?? 1);
  // the first-layer kinks are spread over (and the output scale calibrated on) up to 1000 noisy rows
  const calibrate = Yd.subarray(0, Math.min(Ym.rows, 1000) * d);
  const net = initLpn(d, hidden, seed, alpha, symmetric, inputScale, calibrate, centre);
  const losses: number[] = [];
  // a batch larger than the data is the whole data (nn.train sizes its batch buffers by batchSize)
  const common = { epochs, batchSize: Math.min(batchSize, Ym.rows), draws };
  try {
    if (loss !== 'pm') losses.push(...trainLpn(net, Xd, Yd, { ...common, loss, learningRate, seed }));
    else {
      if (warmup) losses.push(...trainLpn(net, Xd, Yd, { ...common, loss: 'l1', learningRate, seed }));
      gammas.forEach((g, k) => {
        losses.push(...trainLpn(net, Xd, Yd, { ...common, loss: 'pm', gammas: [g], learningRate: learningRate * decay ** k, seed: seed + 1 + k }));
      });
    }
  } catch (e) {
    freeLpn(net);
    throw e;
  }
  return { network: new LearnedProxNetwork(net), losses };
}

/** Options of {@link learnedProx}. */
export interface LearnedProxOptions {
  /**
   * Apply the network to the patches of an image instead of to blocks of v: v is a rows × cols image
   * (row-major), the network's d must be patch², and each pixel is the mean of the outputs of the
   * patches that cover it.
   */
  image?: {
    /** Image height in pixels. */
    rows: number;
    /** Image width in pixels. */
    cols: number;
    /** Side of the square patches (the network's d = patch²). */
    patch: number;
    /** Step between patch corners (default 1: every position); the last row and column of patches sit flush with the edge. */
    stride?: number;
  };
}

/**
 * A learned proximal network as a ProxOperator, for use in proxkit's algorithms in place of a
 * regulariser's prox (plug-and-play). Without `image`, prox(v) applies f to each block of d consecutive
 * entries of v (for d = 1 entrywise); that is exactly the prox of Σ R(blocks) for the R f is the prox
 * of. With `image`, f runs on every patch and the overlaps are averaged (the usual plug-and-play
 * denoiser, not itself the prox of a known function). The step t is ignored: the network was trained
 * for one noise level. For d = 1, `value(x)` is Σᵢ R(xᵢ) with the implied regulariser
 * R(x) = max_y (x·y − ψ(y)) − ½x² (the y with f(y) = x found by bisection), fixed up to its constant
 * by R(f(0)) = 0; for d > 1 and for images it is NaN, so an algorithm's reported objective is NaN.
 *
 * @param network - A network from {@link trainLearnedProx}.
 * @throws ParameterError for bad options or a patch size that does not match the network's d.
 */
export function learnedProx(network: LearnedProxNetwork, options?: LearnedProxOptions): ProxOperator {
  const fn = 'learnedProx';
  const net = lpnOf(fn, network);
  const o = readOptions(fn, options, optionKeys<LearnedProxOptions>({ image: true }));
  const d = net.dim;
  if (o.image !== undefined) {
    const im = readOptions(fn, o.image, optionKeys<NonNullable<LearnedProxOptions['image']>>({ rows: true, cols: true, patch: true, stride: true }), 'options.image');
    const rows = positiveInteger(fn, 'options.image.rows', im.rows);
    const cols = positiveInteger(fn, 'options.image.cols', im.cols);
    const p = positiveInteger(fn, 'options.image.patch', im.patch);
    const stride = positiveInteger(fn, 'options.image.stride', im.stride ?? 1);
    if (p * p !== d) throw new ParameterError(`${fn}: options.image.patch² must equal the network's dimension ${d} (got ${p}² = ${p * p})`);
    if (p > rows || p > cols) throw new ParameterError(`${fn}: options.image.patch must fit in the image, ≤ min(rows, cols) = ${Math.min(rows, cols)} (got ${p})`);
    const P = patchProx(net, rows, cols, p, stride);
    // a freed network is refused at every call, as in the block form below
    const prox = (v: VectorInput, t?: number, out?: Float64Array | F64Buffer): never => {
      lpnOf(fn, network);
      return P.prox(v, t, out as never) as never;
    };
    return { ...P, dimension: rows * cols, prox } as ProxOperator;
  }
  return {
    name: `learnedProx(ℝ^${d} blocks)`,
    properties: { convex: false, separable: d === 1, prox: 'closed-form', indicator: false },
    // for d = 1: Σᵢ R(vᵢ), R found by inverting f (bisection); for blocks of d > 1 inverting f would need
    // a convex solve per block, which is not done
    value: (v: VectorInput): number => {
      lpnOf(fn, network);
      const x = readFinite(fn, 'x', v);
      if (d !== 1) return NaN;
      return lpnRegulariserAt(net, x).reduce((a, r) => a + r, 0);
    },
    prox(v: VectorInput, _t?: number, out?: Float64Array | F64Buffer): never {
      lpnOf(fn, network);
      const x = readFinite(fn, 'v', v);
      if (x.length % d !== 0) throw new ShapeError(`${fn}: v must hold whole blocks of the network's dimension ${d} (got ${x.length} entries)`);
      const r = lpnApply(net, x);
      if (out === undefined) return r as never;
      if (out.length !== x.length) throw new ShapeError(`${fn}: out must have ${x.length} entries (got ${out.length})`);
      out.set(r);
      return out as never;
    },
  } as ProxOperator;
}
