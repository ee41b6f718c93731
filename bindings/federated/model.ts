/**
 * Models of the federated family: a classifier whose parameters travel as one flat Float64Array (what
 * a client uploads and the server averages), evaluated and differentiated with nn's ops.
 */
import * as nn from '../nn/index.js';
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';

/** A classifier over flat parameters: the blocks' shapes, an initial point and the logits. */
export interface FedModel {
  /** e.g. 'softmaxRegression(60→10)'. */
  readonly name: string;
  /** Shapes of the parameter blocks, laid out one after the other in the flat vector. */
  readonly shapes: readonly (readonly number[])[];
  /** Total number of parameters (the flat vector's length). */
  readonly size: number;
  /** The initial flat parameters (a fresh array). */
  init(): Float64Array;
  /** Logits [b, classes] of a batch x [b, dim], from the parameter blocks as tensors. */
  logits(blocks: readonly nn.Tensor[], x: nn.Tensor): nn.Tensor;
  /**
   * Set by softmaxRegression (unless `{ kernel: false }`): the simulator then takes the minibatch
   * gradients from a WASM kernel instead of nn's tape (same math, ~20× faster, a different
   * summation order, so the last bits differ).
   */
  readonly kernel?: 'softmaxRegression';
  /** The model as data (set by softmaxRegression and mlpClassifier): how a worker thread rebuilds it. */
  readonly spec?: FedModelSpec;
}

/** softmaxRegression(dim, classes, options) as data. */
export interface SoftmaxRegressionSpec {
  /** The constructor. */
  kind: 'softmaxRegression';
  /** Its inputs. */
  dim: number;
  /** Its outputs. */
  classes: number;
  /** Its options. */
  options: SoftmaxRegressionOptions;
}
/** mlpClassifier(sizes, options) as data. */
export interface MlpClassifierSpec {
  /** The constructor. */
  kind: 'mlpClassifier';
  /** The layer widths. */
  sizes: number[];
  /** Its options. */
  options: MlpClassifierOptions;
}
/** A built-in model as JSON-safe data: its constructor's name and arguments. */
export type FedModelSpec = SoftmaxRegressionSpec | MlpClassifierSpec;

/** The model a spec describes (softmaxRegression(...) or mlpClassifier(...)). */
export function modelFromSpec(spec: FedModelSpec): FedModel {
  if (spec !== null && typeof spec === 'object') {
    if (spec.kind === 'softmaxRegression') return softmaxRegression(spec.dim, spec.classes, spec.options);
    if (spec.kind === 'mlpClassifier') return mlpClassifier(spec.sizes, spec.options);
  }
  throw parameterError('modelFromSpec', 'spec', "{ kind: 'softmaxRegression' | 'mlpClassifier', … }", spec);
}

const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Options of {@link softmaxRegression}. */
export interface SoftmaxRegressionOptions {
  /** Compute the simulator's minibatch gradients with the WASM kernel (default true); false: nn's reverse mode. */
  kernel?: boolean;
}

/**
 * Multinomial logistic regression (the "mclr" model of FedProx's synthetic experiments):
 * logits = xW + b with W [dim, classes] and b [classes], both starting at zero; loss: mean softmax
 * cross-entropy.
 *
 * Defaults: kernel true.
 */
export function softmaxRegression(dim: number, classes: number, options?: SoftmaxRegressionOptions): FedModel {
  const fn = 'softmaxRegression';
  const o = readOptions(fn, options, optionKeys<SoftmaxRegressionOptions>({ kernel: true }));
  const kernel = o.kernel ?? true;
  if (typeof kernel !== 'boolean') throw parameterError(fn, 'options.kernel', 'a boolean', kernel);
  const d = positiveInteger(fn, 'dim', dim);
  const C = positiveInteger(fn, 'classes', classes);
  if (d * C > 1e8) throw parameterError(fn, 'dim', 'dim · classes at most 1e8', dim);
  const shapes = [[d, C], [C]] as const;
  return {
    name: `softmaxRegression(${d}→${C}${kernel ? '' : ', nn tape'})`,
    shapes,
    size: d * C + C,
    init: () => new Float64Array(d * C + C),
    logits: (p, x) => nn.linear({ W: p[0]!, b: p[1]! }, x),
    ...(kernel ? { kernel: 'softmaxRegression' as const } : {}),
    spec: { kind: 'softmaxRegression', dim: d, classes: C, options: { kernel } },
  };
}

/** Options of {@link mlpClassifier}. */
export interface MlpClassifierOptions {
  /** Seed of the He-uniform initial weights (default 0). */
  seed?: number;
  /** Hidden activation (default 'relu'). */
  activation?: 'relu' | 'tanh' | 'gelu' | 'silu';
}

/**
 * A multilayer perceptron classifier with layer widths `sizes` = [dim, hidden…, classes], initialised
 * by nn.initMlp (He-uniform weights, zero biases) from `seed`.
 *
 * Defaults: seed 0, activation 'relu'.
 */
export function mlpClassifier(sizes: readonly number[], options?: MlpClassifierOptions): FedModel {
  const fn = 'mlpClassifier';
  if (!Array.isArray(sizes) || sizes.length < 2) throw parameterError(fn, 'sizes', 'an array of at least two positive integers', sizes);
  sizes.forEach((s, i) => positiveInteger(fn, `sizes[${i}]`, s));
  const o = readOptions(fn, options, optionKeys<MlpClassifierOptions>({ seed: true, activation: true }));
  const act = o.activation ?? 'relu';
  if (!['relu', 'tanh', 'gelu', 'silu'].includes(act)) throw parameterError(fn, 'options.activation', "'relu', 'tanh', 'gelu' or 'silu'", act);
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw parameterError(fn, 'options.seed', 'a non-negative safe integer', seed);
  const shapes: number[][] = [];
  for (let l = 1; l < sizes.length; l++) shapes.push([sizes[l - 1]!, sizes[l]!], [sizes[l]!]);
  const size = shapes.reduce((a, s) => a + sizeOf(s), 0);
  if (size > 1e8) throw new ParameterError(`${fn}: sizes must give at most 1e8 parameters (got ${size})`);
  return {
    name: `mlpClassifier(${sizes.join('→')})`,
    shapes,
    size,
    spec: { kind: 'mlpClassifier', sizes: [...sizes], options: { seed, activation: act } },
    init: () => {
      const out = new Float64Array(size);
      let at = 0;
      nn.scope(() => {
        for (const L of nn.initMlp(sizes, { seed }).layers) {
          for (const t of [L.W, L.b!]) {
            const v = t.toArray();
            out.set(v, at);
            at += v.length;
          }
        }
      });
      return out;
    },
    logits: (p, x) => {
      const layers: nn.LinearParams[] = [];
      for (let l = 0; l < p.length; l += 2) layers.push({ W: p[l]!, b: p[l + 1]! });
      return nn.mlp({ layers }, x, { activation: act });
    },
  };
}

/** The flat vector's blocks as tensors (copies), in `model.shapes` order. */
export function blocksOf(model: FedModel, w: Float64Array): nn.Tensor[] {
  const out: nn.Tensor[] = [];
  let at = 0;
  for (const s of model.shapes) {
    const n = sizeOf(s);
    out.push(nn.tensor(w.subarray(at, at + n), { shape: [...s] }));
    at += n;
  }
  return out;
}

/**
 * Mean cross-entropy of the rows `rows` of (X, y) at w and its gradient, flat (nn's reverse mode).
 * `rows` lists row indices into X (row-major with `dim` columns).
 */
export function lossAndGrad(model: FedModel, w: Float64Array, X: Float64Array, y: Int32Array, dim: number, rows: Int32Array): { loss: number; grad: Float64Array } {
  return nn.scope(() => {
    const b = rows.length;
    const xb = new Float64Array(b * dim);
    const yb = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const r = rows[i]!;
      xb.set(X.subarray(r * dim, r * dim + dim), i * dim);
      yb[i] = y[r]!;
    }
    const x = nn.tensor(xb, { shape: [b, dim] });
    const blocks = blocksOf(model, w);
    const argnums = blocks.map((_, i) => i);
    const f = (...p: nn.Tensor[]) => nn.softmaxCrossEntropy(model.logits(p, x), yb);
    const { value, grad } = nn.valueAndGrad(f, { argnums })(...blocks);
    const g = new Float64Array(w.length);
    let at = 0;
    for (const t of grad as nn.Tensor[]) {
      const v = t.view();
      g.set(v, at);
      at += v.length;
    }
    return { loss: value.item(), grad: g };
  });
}

/** Sum of per-row cross-entropies and count of correct argmax predictions of (X, y) at w. */
export function evaluateRows(model: FedModel, w: Float64Array, X: Float64Array, y: Int32Array, dim: number): { lossSum: number; correct: number } {
  const n = y.length;
  let lossSum = 0, correct = 0;
  const chunk = 2048;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    nn.scope(() => {
      const x = nn.tensor(X.subarray(s * dim, e * dim), { shape: [e - s, dim] });
      const yb = y.subarray(s, e);
      const logits = model.logits(blocksOf(model, w), x);
      lossSum += nn.softmaxCrossEntropy(logits, yb).item() * (e - s);
      const L = logits.view();
      const C = logits.shape[1]!;
      for (let i = 0; i < e - s; i++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (L[i * C + c]! > L[i * C + best]!) best = c;
        if (best === yb[i]) correct++;
      }
    });
  }
  return { lossSum, correct };
}
