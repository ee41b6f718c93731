/**
 * The clipped trust-region fine-tuning loss of Proximal Supervised Fine-Tuning (PSFT, 2025): supervised
 * fine-tuning written as a PPO objective whose advantage is 1 on every demonstration token.
 */
import { ShapeError, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { Tensor, checkTensor, scope, shapeText, tensor } from './tensor.js';
import { exp, logSoftmax, mean, mul, neg, relu, sub, sum } from './ops.js';

/** Options of {@link psftLoss}. */
export interface PsftOptions {
  /** Lower clip ε: the ratio is clipped to [1 − ε, 1 + ε'] (default 0.2). */
  epsilon?: number;
  /** Upper clip ε' (default: epsilon). */
  epsilonHigh?: number;
}

/** Per-row log-probabilities of the labels, log softmax(z)[i, yᵢ], as a plain array (no gradient): the old policy's. */
export function labelLogProbs(logits: Tensor, labels: ArrayLike<number>): Float64Array {
  const fn = 'labelLogProbs';
  const z = checkTensor(fn, 'logits', logits);
  if (z.rank !== 2) throw new ShapeError(`${fn}: logits must have shape [N, C] (got ${shapeText(z.shape)})`);
  const [N, C] = z.shape as [number, number];
  if (labels === null || typeof labels !== 'object' || labels.length !== N) throw parameterError(fn, 'labels', `an array of ${N} class indices`, labels);
  const v = scope(() => logSoftmax(z, -1).toArray());
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= C) throw parameterError(fn, `labels[${i}]`, `an integer in [0, ${C - 1}]`, y);
    out[i] = v[i * C + y]!;
  }
  return out;
}

/**
 * The PSFT loss of logits [N, C] on demonstration tokens `labels` (N class indices), against the old
 * policy's log-probabilities of the same tokens `oldLogProbs` (N values, e.g. from
 * {@link labelLogProbs} of the model before the update):
 *
 *   L = −(1/N) Σᵢ min(rᵢ·A, clip(rᵢ, 1 − ε, 1 + ε')·A),  rᵢ = exp(log πθ(yᵢ) − log π_old(yᵢ)),  A = 1.
 *
 * With A = 1 the minimum is min(rᵢ, 1 + ε'): a token whose probability already rose by more than the
 * factor 1 + ε' contributes no gradient (the trust region), and below that the gradient is rᵢ times
 * the SFT (cross-entropy) gradient — equal to it where the ratio is 1. Returns shape [].
 */
export function psftLoss(logits: Tensor, labels: ArrayLike<number>, oldLogProbs: ArrayLike<number>, options?: PsftOptions): Tensor {
  const fn = 'psftLoss';
  const z = checkTensor(fn, 'logits', logits);
  if (z.rank !== 2) throw new ShapeError(`${fn}: logits must have shape [N, C] (got ${shapeText(z.shape)})`);
  const [N, C] = z.shape as [number, number];
  if (N === 0) throw new ShapeError(`${fn}: logits must have at least one row (got ${shapeText(z.shape)})`);
  const o = readOptions(fn, options, optionKeys<PsftOptions>({ epsilon: true, epsilonHigh: true }));
  const eps = o.epsilon ?? 0.2;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) throw parameterError(fn, 'options.epsilon', 'a number in [0, 1)', eps);
  const epsHigh = o.epsilonHigh ?? eps;
  if (typeof epsHigh !== 'number' || !(epsHigh >= 0) || !Number.isFinite(epsHigh)) throw parameterError(fn, 'options.epsilonHigh', 'a finite number >= 0', epsHigh);
  if (labels === null || typeof labels !== 'object' || labels.length !== N) throw parameterError(fn, 'labels', `an array of ${N} class indices (one per row of logits)`, labels);
  if (oldLogProbs === null || typeof oldLogProbs !== 'object' || oldLogProbs.length !== N) throw parameterError(fn, 'oldLogProbs', `an array of ${N} log-probabilities`, oldLogProbs);
  const onehot = new Float64Array(N * C);
  const old = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= C) throw parameterError(fn, `labels[${i}]`, `an integer in [0, ${C - 1}]`, y);
    onehot[i * C + y] = 1;
    const l = oldLogProbs[i]!;
    if (typeof l !== 'number' || !(l <= 0)) throw parameterError(fn, `oldLogProbs[${i}]`, 'a log-probability (a number <= 0)', l);
    old[i] = l;
  }
  // log πθ(yᵢ) by a one-hot mask (a constant), so the tape differentiates through logSoftmax only
  const logp = sum(mul(logSoftmax(z, -1), tensor(onehot, { shape: [N, C], dtype: z.dtype })), 1);
  const r = exp(sub(logp, tensor(old, { dtype: z.dtype })));
  // min(r, 1 + ε') = r − relu(r − (1 + ε')): its derivative is 0 above the clip (the lower clip never binds with A = 1)
  const clipped = sub(r, relu(sub(r, 1 + epsHigh)));
  return neg(mean(clipped));
}
