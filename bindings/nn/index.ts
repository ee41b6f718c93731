/**
 * nn: tensors in WASM memory, a reverse-mode tape and differentiable ops on SIMD kernels.
 *
 * ```ts
 * import { init, nn } from 'proxkit';
 * await init();
 * const W = nn.tensor([[0.5, -1], [2, 0.25]]);
 * const X = nn.tensor([[1, 2], [3, 4], [5, 6]]);
 * const loss = (W: nn.Tensor, X: nn.Tensor) => nn.mean(nn.square(nn.relu(nn.matmul(X, W))));
 * const [gW] = nn.scope(() => nn.grad(loss, { argnums: [0] })(W, X)) as nn.Tensor[];
 * gW.toArray(); // ∂loss/∂W, a Float64Array in row-major order
 * gW.free();
 * ```
 *
 * **Tensors.** `Tensor` is a row-major block of `'f64'` or `'f32'` values in WASM memory with a
 * `shape` (shape `[]` is a scalar). Make one with `tensor(data, { dtype, shape })` from a number,
 * nested arrays or a typed array, or with `zeros` / `ones` / `full`. `view()` is a zero-copy typed
 * array rebuilt on every call (any allocation may detach an older view); `toArray()`, `data()`,
 * `toNested()` and `item()` copy out. Ops never mix dtypes: f64 with f32 is a ParameterError (use
 * `cast`).
 *
 * **Memory rules.**
 * - A tensor made inside `scope(fn)` is freed when `fn` returns, unless `fn` returns it (alone or
 *   inside an array, Map or plain object); returned tensors move to the enclosing scope. On throw,
 *   everything the scope made is freed.
 * - `grad`/`valueAndGrad` free their tape (the copies of the inputs, every intermediate of f and of
 *   the backward pass) before returning, keeping only the value and the gradients. Nested inside
 *   another grad, they keep them until the outer grad returns (the outer tape needs them).
 *   Likewise a `scope()` inside a function being differentiated frees nothing: the tape still
 *   reads its tensors, and the grad that records frees them when it returns.
 * - A tensor made outside every scope is yours: call `free()` (or `keep()` one made inside a scope
 *   to take it out). Parameters that live across steps are made outside the step's scope; update
 *   them in place through `view()` or replace them and free the old ones.
 * - One `scope()` around each training step keeps `memoryStats().allocatedBytes` flat.
 *
 * **Differentiation.** `grad(f, { argnums })(...args)` differentiates a scalar-valued f (a tensor
 * with one element) with respect to its Tensor arguments; other arguments (labels, numbers) pass
 * through. `valueAndGrad` also returns the value; `vjp(f, ...args)` returns the value and a pullback
 * w ↦ Jᵀw for any output shape; `hvp(f, x, v)` is a Hessian-vector product. Every backward rule is
 * written with these same ops, so `grad` of a function that calls `grad` (reverse over reverse)
 * works. `stopGradient(x)` is a constant copy.
 *
 * **Ops.** matmul (blocked f64x2 / f32x4 kernel, with transposeA / transposeB, batched); add, sub, mul, div
 * (NumPy broadcasting, or a number operand), scale, neg, exp, log, sqrt, square, reciprocal, pow
 * (constant exponent); sum, mean, max, logSumExp over axes; relu, leakyRelu, softplus, sigmoid, tanh,
 * gelu (tanh approximation), silu; softmax, logSoftmax, softmaxCrossEntropy (integer labels, fused
 * and stable); gather (embedding rows); layerNorm, rmsNorm; concat, slice, pad, reshape, transpose,
 * broadcastTo, cast. All transcendental math runs in WASM (AssemblyScript's Math), so results are
 * bit-identical across engines; no FMA, no relaxed SIMD.
 *
 * **Errors.** Shape mismatches are ShapeErrors naming the op and both shapes
 * (`nn.matmul: shapes [2,3] and [4,5] do not match (inner dimensions 3 and 4)`). With the finite
 * check on (the default; `configure({ checkFinite: false })` turns it off), an op whose output holds
 * NaN or ±Infinity throws a NonFiniteError naming that op (and, in a backward pass, the op whose rule
 * ran), e.g. `nn.log: produced NaN at index 0 of its output of shape [2]`. An options object with a
 * key the function does not know is a ParameterError naming the key and the nearest known one
 * (`initLinear: options.gian is not a known option (did you mean options.gain?); …`).
 *
 * @module
 */
export {
  Tensor, tensor, zeros, ones, full, scope, keep, configure,
  type DType, type TensorOptions, type NnConfig,
} from './tensor.js';
export {
  neg, exp, log, sqrt, square, reciprocal, pow, relu, leakyRelu, softplus, sigmoid, tanh, gelu, silu, step, scale,
  add, sub, mul, div, broadcastTo, broadcastShapes, sumTo,
  sum, mean, max, logSumExp, logSoftmax, softmax, softmaxCrossEntropy,
  matmul, reshape, transpose, slice, pad, concat, gather, cast, stopGradient, copy, layerNorm, rmsNorm,
  type MatmulOptions, type NormOptions, type Operand,
} from './ops.js';
export { grad, valueAndGrad, vjp, hvp, type GradOptions, type Vjp, type Fn } from './grad.js';
// Models: layers as functions of seeded parameter objects, optimizers, the training loop, BCD.
export {
  initLinear, linear, initMlp, mlp, initIcnn, icnn, initCoupling, coupling, couplingInverse, couplingLogDet,
  initGlu, glu, initLora, loraLinear,
  type LinearParams, type MlpParams, type IcnnParams, type CouplingParams, type GluParams, type GluVariant, type LoraParams,
  type InitOptions, type LinearInitOptions, type MlpOptions, type IcnnInitOptions, type CouplingInitOptions, type LoraOptions,
  type Activation, type SeedLike,
} from './layers.js';
export { sgd, adam, adamw, clipGradNorm, type Optimizer, type ParamSet, type ParamArray, type ProxHook, type SgdOptions, type AdamOptions } from './optim.js';
export { train, type Model, type TrainData, type TrainOptions, type TrainProgress, type TrainResult, type ParamTree, type Targets } from './train.js';
export { bcdMlp, type BcdMlpOptions, type BcdMlpResult, type BcdProgress, type MlpWeights, type Rows } from './bcd.js';
export {
  initFlow, flow, flowInverse, initLinearizer, linearizer, linearizerWith, inducedAdd, inducedScale, linearizerSvd, linearizerPinv, freeLinearizer,
  type FlowParams, type LinearizerParams, type LinearizerSvd, type FlowInitOptions, type LinearizerInitOptions,
} from './linearizer.js';
// Language models: a decoder-only transformer, a character tokenizer, training, sampling, perplexity.
export {
  initTransformer, transformerForward, transformerParamCount, lmLoss, causalSelfAttention, causalMask, feedForward, ffnWidth,
  type TransformerConfig, type TransformerOptions, type TransformerParams, type TransformerOutput, type BlockParams,
  type AttentionParams, type FfnParams, type NormParams, type FfnVariant,
} from './transformer.js';
export { charTokenizer, type CharTokenizer } from './tokenizer.js';
export { trainLm, sampleLm, lmPerplexity, type TrainLmOptions, type TrainLmResult, type LmProgress, type LmPerplexity, type SampleLmOptions, type PsftTrainOptions } from './lm.js';
export { procrustesLinearity, lmLayerLinearity, type LayerLinearity } from './procrustes.js';
export { psftLoss, labelLogProbs, type PsftOptions } from './psft.js';
export { addLora, mergeLora, loraOnly, loraParamCount, freeTransformer, type AddLoraOptions, type LoraTarget, type BlockLora, type TransformerLora } from './lora-lm.js';
