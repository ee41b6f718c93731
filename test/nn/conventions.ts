/**
 * The nn namespace's rows of test/conventions.test.ts: one valid call per nn function that takes an
 * options object (so that test fails when an nn option reader accepts an unknown key), and the reason
 * for every nn function that takes none. Kept here so the nn family's table lives with its tests.
 */
import * as api from '../../bindings/index.js';

const nn = api.nn;

/** One row of the conventions table (same shape as test/conventions.test.ts's Entry). */
export interface NnEntry {
  /** The function's name as it appears in error messages. */
  fn: string;
  /** The options object's name in messages (default 'options'). */
  name?: string;
  /** A known key of that object (≥ 3 characters, 2nd and 3rd letters differ). */
  key: string;
  /** A valid call, with `extra` spread into the object under test. */
  call: (extra: Record<string, unknown>) => unknown;
}

const rows = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9]];
const labels = [0, 1, 0, 1, 0, 1];

/** Runs `body` in a memory scope and drops its result, so the table's calls leave no tensors behind. */
const scoped = (body: () => unknown): void => nn.scope(() => void body());

/** A tiny language model: 5 tokens, context 4, one block of width 4. */
const lm = () => nn.initTransformer(5, { contextLength: 4, dModel: 4, heads: 1, layers: 1, dFF: 4 });
const tokens = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1];

/** nn functions taking an options object: a valid call each. */
export const NN_WITH_OPTIONS: Record<string, NnEntry[]> = {
  // tensors and engine
  tensor: [{ fn: 'nn.tensor', key: 'dtype', call: (o) => scoped(() => nn.tensor([1, 2, 3, 4], { shape: [2, 2], ...o })) }],
  configure: [{ fn: 'nn.configure', key: 'checkFinite', call: (o) => nn.configure({ ...o }) }],
  // ops
  matmul: [{ fn: 'nn.matmul', key: 'transposeA', call: (o) => scoped(() => nn.matmul(nn.tensor([[1, 2], [3, 4]]), nn.tensor([[1, 0], [0, 1]]), { transposeB: true, ...o })) }],
  layerNorm: [{ fn: 'nn.layerNorm', key: 'eps', call: (o) => scoped(() => nn.layerNorm(nn.tensor(rows), undefined, undefined, { eps: 1e-5, ...o })) }],
  rmsNorm: [{ fn: 'nn.rmsNorm', key: 'eps', call: (o) => scoped(() => nn.rmsNorm(nn.tensor(rows), undefined, { eps: 1e-6, ...o })) }],
  // differentiation
  grad: [{ fn: 'nn.grad', key: 'argnums', call: (o) => scoped(() => nn.grad((x: api.nn.Tensor) => nn.sum(nn.square(x)), { argnums: 0, ...o })(nn.tensor([1, 2]))) }],
  valueAndGrad: [{ fn: 'nn.valueAndGrad', key: 'argnums', call: (o) => scoped(() => nn.valueAndGrad((x: api.nn.Tensor) => nn.sum(nn.square(x)), { ...o })(nn.tensor([1, 2]))) }],
  // optimizers and training
  sgd: [{ fn: 'sgd', key: 'momentum', call: (o) => nn.sgd({ learningRate: 0.1, ...o }) }],
  adam: [{ fn: 'adam', key: 'beta1', call: (o) => nn.adam({ learningRate: 0.1, ...o }) }],
  adamw: [{ fn: 'adamw', key: 'epsilon', call: (o) => nn.adamw({ learningRate: 0.1, ...o }) }],
  train: [{
    fn: 'train', key: 'batchSize',
    call: (o) => scoped(() => nn.train(
      { params: nn.initLinear(2, 2), loss: (p, x, y) => nn.softmaxCrossEntropy(nn.linear(p, x), y as Int32Array) },
      { X: rows, y: labels },
      { epochs: 1, ...o },
    )),
  }],
  bcdMlp: [{ fn: 'bcdMlp', key: 'gamma', call: (o) => nn.bcdMlp(rows, labels, { hidden: [3], iterations: 1, ...o }) }],
  // layers
  initLinear: [{ fn: 'initLinear', key: 'gain', call: (o) => scoped(() => nn.initLinear(2, 3, { ...o })) }],
  initMlp: [{ fn: 'initMlp', key: 'init', call: (o) => scoped(() => nn.initMlp([2, 3, 1], { seed: 1, ...o })) }],
  mlp: [{ fn: 'mlp', key: 'activation', call: (o) => scoped(() => nn.mlp(nn.initMlp([2, 3, 1]), nn.tensor(rows), { ...o })) }],
  initIcnn: [{ fn: 'initIcnn', key: 'outputs', call: (o) => scoped(() => nn.initIcnn(2, [3], { ...o })) }],
  initCoupling: [{ fn: 'initCoupling', key: 'scaleBound', call: (o) => scoped(() => nn.initCoupling(2, { hidden: [3], ...o })) }],
  initGlu: [{ fn: 'initGlu', key: 'dtype', call: (o) => scoped(() => nn.initGlu(2, 3, { ...o })) }],
  initLora: [{ fn: 'initLora', key: 'dtype', call: (o) => scoped(() => nn.initLora(2, 3, 1, { ...o })) }],
  loraLinear: [{ fn: 'loraLinear', key: 'alpha', call: (o) => scoped(() => nn.loraLinear(nn.initLinear(2, 3), nn.initLora(2, 3, 1), nn.tensor(rows), { ...o })) }],
  initFlow: [{ fn: 'initFlow', key: 'layers', call: (o) => scoped(() => nn.initFlow(2, { layers: 1, hidden: [2], ...o })) }],
  initLinearizer: [{ fn: 'initLinearizer', key: 'shared', call: (o) => scoped(() => nn.initLinearizer(2, 2, { layers: 1, hidden: [2], ...o })) }],
  // language models
  initTransformer: [{ fn: 'initTransformer', key: 'heads', call: (o) => scoped(() => nn.initTransformer(5, { contextLength: 4, dModel: 4, layers: 1, ...o })) }],
  transformerForward: [{ fn: 'transformerForward', key: 'hidden', call: (o) => scoped(() => nn.transformerForward(lm(), [0, 1, 2], { ...o })) }],
  charTokenizer: [{ fn: 'charTokenizer', key: 'unknown', call: (o) => nn.charTokenizer('abc', { ...o }) }],
  trainLm: [
    { fn: 'trainLm', key: 'steps', call: (o) => scoped(() => nn.trainLm(lm(), tokens, { steps: 1, batchSize: 1, ...o })) },
    { fn: 'trainLm', name: 'options.psft', key: 'stepsPerBatch', call: (o) => scoped(() => nn.trainLm(lm(), tokens, { steps: 1, batchSize: 1, psft: { stepsPerBatch: 1, ...o } })) },
  ],
  lmPerplexity: [{ fn: 'lmPerplexity', key: 'contextLength', call: (o) => scoped(() => nn.lmPerplexity(lm(), tokens, { ...o })) }],
  sampleLm: [{ fn: 'sampleLm', key: 'temperature', call: (o) => scoped(() => nn.sampleLm(lm(), [0], { length: 2, ...o })) }],
  psftLoss: [{ fn: 'psftLoss', key: 'epsilon', call: (o) => scoped(() => nn.psftLoss(nn.tensor([[0.5, -1], [2, 0.25]]), [0, 1], [-0.5, -1], { epsilon: 0.2, ...o })) }],
  addLora: [{ fn: 'addLora', key: 'rank', call: (o) => scoped(() => nn.addLora(lm(), { rank: 1, ...o })) }],
};

const elementwise = 'a tensor (and, for some, a positional scalar): the math of the op';
const reduction = 'a tensor, axes and keepdims: positional, as in NumPy';
const layerApply = 'parameters and an input tensor (the layer itself; its settings live in the parameters)';

/** nn functions taking no options object, and why. */
export const NN_NO_OPTIONS: Record<string, string> = {
  ...Object.fromEntries(
    ['neg', 'exp', 'log', 'sqrt', 'square', 'reciprocal', 'pow', 'relu', 'leakyRelu', 'softplus', 'sigmoid', 'tanh', 'gelu', 'silu', 'step', 'scale', 'stopGradient', 'copy']
      .map((k) => [k, elementwise]),
  ),
  ...Object.fromEntries(['add', 'sub', 'mul', 'div'].map((k) => [k, 'two operands (tensors or numbers), broadcast'])),
  ...Object.fromEntries(['sum', 'mean', 'max', 'logSumExp'].map((k) => [k, reduction])),
  logSoftmax: 'a tensor and an axis',
  softmax: 'a tensor and an axis',
  softmaxCrossEntropy: 'logits and integer labels',
  broadcastShapes: 'two shapes (and the op name for messages)',
  broadcastTo: 'a tensor and a shape',
  sumTo: 'a gradient and a shape',
  reshape: 'a tensor and a shape',
  transpose: 'a tensor',
  slice: 'a tensor, an axis and a range',
  pad: 'a tensor, an axis and two widths',
  concat: 'a list of tensors and an axis',
  gather: 'a table and indices',
  cast: 'a tensor and a dtype',
  full: 'a shape, a value and a dtype',
  zeros: 'a shape and a dtype',
  ones: 'a shape and a dtype',
  scope: 'a function',
  keep: 'tensors',
  vjp: 'a function and its arguments',
  hvp: 'a function, a point and a direction',
  clipGradNorm: 'gradients and a norm bound',
  linear: layerApply,
  icnn: layerApply,
  coupling: layerApply,
  couplingInverse: layerApply,
  couplingLogDet: layerApply,
  glu: 'parameters, an input and the variant name',
  flow: layerApply,
  flowInverse: layerApply,
  linearizer: layerApply,
  linearizerWith: 'parameters, a matrix tensor and an input',
  inducedAdd: 'a flow and two points',
  inducedScale: 'a flow, a scalar and a point',
  linearizerSvd: 'parameters and a rank tolerance',
  linearizerPinv: 'parameters, an input and an optional precomputed SVD (data, not options)',
  freeLinearizer: 'parameters',
  transformerParamCount: 'parameters',
  lmLoss: 'parameters and token sequences',
  causalSelfAttention: 'parameters, an input, the batch and head counts and an optional mask',
  causalMask: 'a length and a dtype',
  feedForward: 'a variant, parameters and an input',
  ffnWidth: 'a variant and a width',
  procrustesLinearity: 'two matrices',
  lmLayerLinearity: 'parameters and token sequences',
  labelLogProbs: 'logits and labels',
  mergeLora: 'parameters',
  loraOnly: 'a parameter path (a predicate for trainLm options.trainable)',
  loraParamCount: 'parameters',
  freeTransformer: 'parameters',
};
