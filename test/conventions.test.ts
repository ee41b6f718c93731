/**
 * The API conventions of the README ("Conventions") that hold across families, checked over the
 * exports themselves rather than family by family:
 * - every exported function is classified: it takes an options object (and has a valid call in
 *   WITH_OPTIONS) or it does not (NO_OPTIONS, with the reason) — a new export fails here until it is
 *   added to one of the two;
 * - every options object (and every nested one, and the object arguments read like options) refuses
 *   an unknown key with a ParameterError naming the function and the key, and suggests the known key
 *   for a near-typo.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as api from '../bindings/index.js';
import * as onnx from '../bindings/onnx.js';
import { NN_NO_OPTIONS, NN_WITH_OPTIONS } from './nn/conventions.js';
import { SADDLE_NO_OPTIONS, SADDLE_WITH_OPTIONS } from './saddle/conventions.js';
import { CAUSAL_NO_OPTIONS, CAUSAL_WITH_OPTIONS } from './causal/conventions.js';
import { CONSTRAINED_NO_OPTIONS, CONSTRAINED_WITH_OPTIONS } from './constrained/conventions.js';
import { FRACTIONAL_NO_OPTIONS, FRACTIONAL_WITH_OPTIONS } from './fractional/conventions.js';
import { FAIR_NO_OPTIONS, FAIR_WITH_OPTIONS } from './fair/conventions.js';
import { POLICY_NO_OPTIONS, POLICY_WITH_OPTIONS } from './policy/conventions.js';
import { smallSpec } from './bounds/reference.js';

beforeAll(() => api.init());

/** One valid call per function, with `extra` merged into the options object under test. */
interface Entry {
  /** The function's name as it appears in error messages. */
  fn: string;
  /** The options object's name in messages ('options', 'options.alpha', 'input', 'property'). */
  name?: string;
  /** A known key of that object (≥ 3 characters), from which a near-typo is made. */
  key: string;
  /** The valid call, with `extra` spread into the object under test. */
  call: (extra: Record<string, unknown>) => unknown;
}

// Small inputs: every call below runs in a few milliseconds.
const A = [2, 0.5, 0.5, 1];
const b = [1, -1];
const a2 = [0.5, 0.5];
const b2 = [0.25, 0.75];
const M2 = [0, 1, 1, 0];
const rows = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9]];
const ys = [1.2, 0.3, -0.8, 1.5, -1.1, 0.9];
const tensor = () => ({ data: Float64Array.from({ length: 8 }, (_, i) => Math.sin(i + 1)), shape: [2, 2, 2] });
const spec = smallSpec;
const box = () => ({ lower: [-1, -1], upper: [1, 1] });
const VNNLIB = [
  '(declare-const X_0 Real)', '(declare-const X_1 Real)', '(declare-const Y_0 Real)', '(declare-const Y_1 Real)',
  '(assert (>= X_0 -1))', '(assert (<= X_0 1))', '(assert (>= X_1 -1))', '(assert (<= X_1 1))',
  '(assert (>= Y_0 100))',
].join('\n');
const bcdBlocks = () => [
  { x0: [0], update: (t: readonly Float64Array[], c: number, out: Float64Array) => void (out[0] = (2 - 2 * t[1]![0]! + c * t[0]![0]!) / (4 + c)) },
  { x0: [0], update: (t: readonly Float64Array[], c: number, out: Float64Array) => void (out[0] = (-2 * t[0]![0]! + c * t[1]![0]!) / (2 + c)) },
];
const bcdObjective = (x: readonly Float64Array[]) => (x[0]![0]! - 1) ** 2 + (x[1]![0]! + x[0]![0]!) ** 2;
const cvarProblem = () => ({ name: 'tiny', X: { data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2 }, y: Float64Array.from(ys), loss: 'squared' as const });
const sweep = (extra: Record<string, unknown>, problemExtra: Record<string, unknown> = {}) =>
  api.cvarSweep({ problems: [{ ...cvarProblem(), ...problemExtra }], stepSizes: [0.1], seeds: 1, epochs: 1, betas: [0.5], methods: ['sgm'], ...extra });
const stridedTv = (extra: Record<string, unknown>) => {
  const buf = api.allocF64([1, 3, 2]);
  try {
    return api.totalVariation1DStrided(buf, { length: 3, lambda: 0.5, ...extra }).view().slice();
  } finally {
    buf.free();
  }
};

/** Functions taking an options object (top level, and nested objects read like options). */
const WITH_OPTIONS: Record<string, Entry[]> = {
  // nn namespace: its rows live with the nn tests (test/nn/conventions.ts)
  ...NN_WITH_OPTIONS,
  // saddle family: its rows live with its tests (test/saddle/conventions.ts)
  ...SADDLE_WITH_OPTIONS,
  ...CAUSAL_WITH_OPTIONS,
  ...CONSTRAINED_WITH_OPTIONS,
  ...FRACTIONAL_WITH_OPTIONS,
  ...FAIR_WITH_OPTIONS,
  ...POLICY_WITH_OPTIONS,
  // runtime
  init: [{ fn: 'init', key: 'wasm', call: (o) => api.init({ ...o }) }],
  // prox
  klSimplex: [{ fn: 'klSimplex', key: 'reference', call: (o) => api.klSimplex({ ...o }) }],
  totalVariation1DStrided: [{ fn: 'totalVariation1DStrided', key: 'lambda', call: stridedTv }],
  totalVariation2D: [{ fn: 'totalVariation2D', key: 'maxIter', call: (o) => api.totalVariation2D(0.5, 2, 3, { maxIter: 5, ...o }) }],
  proximalGradient: [{ fn: 'proximalGradient', key: 'lipschitz', call: (o) => api.proximalGradient(api.leastSquares(A, b), api.normL1(0.1), { maxIter: 3, ...o }) }],
  fista: [{ fn: 'fista', key: 'restart', call: (o) => api.fista(api.leastSquares(A, b), api.normL1(0.1), { maxIter: 3, ...o }) }],
  panoc: [{ fn: 'panoc', key: 'memory', call: (o) => api.panoc(api.leastSquares(A, b), api.normL1(0.1), { maxIter: 3, ...o }) }],
  lasso: [{ fn: 'lasso', key: 'maxIter', call: (o) => api.lasso(A, b, 0.1, { maxIter: 3, ...o }) }],
  admm: [{ fn: 'admm', key: 'relaxation', call: (o) => api.admm(api.normL1(1), api.indBox(-1, 1), { dimension: 2, maxIter: 3, ...o }) }],
  davisYin: [{ fn: 'davisYin', key: 'relaxation', call: (o) => api.davisYin(api.normL1(1), api.indBox(-1, 1), api.leastSquares(A, b), { maxIter: 3, ...o }) }],
  vuCondat: [{ fn: 'vuCondat', key: 'lipschitz', call: (o) => api.vuCondat(api.normL1(1), api.indBox(-1, 1), api.leastSquares(A, b), api.matrixOperator(A, 2, 2), { maxIter: 3, ...o }) }],
  douglasRachford: [{ fn: 'douglasRachford', key: 'gamma', call: (o) => api.douglasRachford(api.normL1(1), api.indBox(-1, 1), { dimension: 2, maxIter: 3, ...o }) }],
  pdhg: [{ fn: 'pdhg', key: 'sigma', call: (o) => api.pdhg(api.normL1(1), api.indBox(-1, 1), api.matrixOperator(A, 2, 2), { maxIter: 3, ...o }) }],
  chambollePock: [{ fn: 'chambollePock', key: 'opNorm', call: (o) => api.chambollePock(api.normL1(1), api.indBox(-1, 1), api.matrixOperator(A, 2, 2), { maxIter: 3, ...o }) }],
  bcdProx: [{ fn: 'bcdProx', key: 'maxIter', call: (o) => api.bcdProx(bcdObjective, bcdBlocks(), { maxIter: 2, ...o }) }],
  // cvar
  cvarStep: [{ fn: 'cvarStep', name: 'input', key: 'stepSize', call: (o) => api.cvarStep({ theta: [1], eta: 0, loss: 1, grad: [1], beta: 0.5, stepSize: 0.1, method: 'sgm', ...o }) }],
  minimizeCvar: [{ fn: 'minimizeCvar', key: 'epochs', call: (o) => api.minimizeCvar({ X: rows, y: ys, epochs: 1, ...o }) }],
  cvarReference: [{ fn: 'cvarReference', key: 'beta', call: (o) => api.cvarReference({ X: rows, y: ys, beta: 0.5, ...o }) }],
  cvar: [{ fn: 'cvar', key: 'weights', call: (o) => api.cvar([1, 2, 3], 0.5, o) }],
  valueAtRisk: [{ fn: 'valueAtRisk', key: 'weights', call: (o) => api.valueAtRisk([1, 2, 3], 0.5, o) }],
  cvarWeights: [{ fn: 'cvarWeights', key: 'weights', call: (o) => api.cvarWeights([1, 2, 3], 0.5, undefined, o) }],
  projectCvarSet: [{ fn: 'projectCvarSet', key: 'weights', call: (o) => api.projectCvarSet([1, 2, 3], 0.5, 0, undefined, o) }],
  projectCvarSetInfo: [{ fn: 'projectCvarSetInfo', key: 'weights', call: (o) => api.projectCvarSetInfo([1, 2, 3], 0.5, 0, undefined, o) }],
  cvarQp: [
    { fn: 'cvarQp', key: 'maxIter', call: (o) => api.cvarQp({ A: rows, beta: 0.5, kappa: 10 }, { maxIter: 2, ...o }) },
    { fn: 'cvarQp', name: 'problem', key: 'kappa', call: (o) => api.cvarQp({ A: rows, beta: 0.5, kappa: 10, ...o }, { maxIter: 2 }) },
  ],
  cvarSweep: [
    { fn: 'cvarSweep', key: 'epochs', call: (o) => sweep(o) },
    { fn: 'cvarSweep', name: 'problems[0]', key: 'loss', call: (o) => sweep({}, o) },
  ],
  // ot
  sinkhorn: [{ fn: 'sinkhorn', key: 'checkEvery', call: (o) => api.sinkhorn(a2, b2, M2, { reg: 0.5, ...o }) }],
  sinkhorn2: [{ fn: 'sinkhorn2', key: 'method', call: (o) => api.sinkhorn2(a2, b2, M2, { reg: 0.5, ...o }) }],
  sinkhornBatch: [{ fn: 'sinkhornBatch', key: 'maxIter', call: (o) => api.sinkhornBatch([a2], [b2], M2, { reg: 0.5, ...o }) }],
  sinkhornUnbalanced: [{ fn: 'sinkhornUnbalanced', key: 'regM', call: (o) => api.sinkhornUnbalanced(a2, b2, M2, { reg: 0.5, regM: 1, ...o }) }],
  barycenter: [{ fn: 'barycenter', key: 'weights', call: (o) => api.barycenter([a2, b2], M2, { reg: 0.5, ...o }) }],
  convolutionalBarycenter: [{ fn: 'convolutionalBarycenter', key: 'method', call: (o) => api.convolutionalBarycenter([[0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]], 2, 2, { reg: 0.5, maxIter: 20, ...o }) }],
  classBasedOt: [{ fn: 'classBasedOt', key: 'smoothing', call: (o) => api.classBasedOt(a2, b2, M2, [0, 1], { reg: 0.5, maxIter: 20, ...o }) }],
  gromovWasserstein: [{ fn: 'gromovWasserstein', key: 'restarts', call: (o) => api.gromovWasserstein(M2, M2, a2, a2, { ...o }) }],
  fusedGromovWasserstein: [{ fn: 'fusedGromovWasserstein', key: 'alpha', call: (o) => api.fusedGromovWasserstein(M2, M2, M2, a2, a2, { ...o }) }],
  entropicGromovWasserstein: [{ fn: 'entropicGromovWasserstein', key: 'maxIter', call: (o) => api.entropicGromovWasserstein(M2, M2, a2, a2, { reg: 0.5, ...o }) }],
  sinkhornDivergence: [{ fn: 'sinkhornDivergence', key: 'objective', call: (o) => api.sinkhornDivergence([0, 1], [0, 2], { reg: 0.5, ...o }) }],
  sinkhornLazy: [{ fn: 'sinkhornLazy', key: 'checkEvery', call: (o) => api.sinkhornLazy([0, 1], [0, 2], { reg: 0.5, ...o }) }],
  otMapping: [{ fn: 'otMapping', key: 'metric', call: (o) => api.otMapping([0, 1], [0, 2], { ...o }) }],
  otLoss: [{ fn: 'otLoss', key: 'metric', call: (o) => api.otLoss([0, 1], [0, 2], { ...o }) }],
  partialGromovWasserstein: [{ fn: 'partialGromovWasserstein', key: 'mass', call: (o) => api.partialGromovWasserstein(M2, M2, a2, a2, { ...o }) }],
  gromovBarycenter: [{ fn: 'gromovBarycenter', key: 'lambdas', call: (o) => api.gromovBarycenter([M2], [a2], 2, { maxIter: 2, ...o }) }],
  costMatrix: [{ fn: 'costMatrix', key: 'metric', call: (o) => api.costMatrix([0, 1], [0, 2], { ...o }) }],
  slicedWasserstein: [{ fn: 'slicedWasserstein', key: 'projections', call: (o) => api.slicedWasserstein([0, 1], [0, 2], { projections: 3, ...o }) }],
  slicedWassersteinDetails: [{ fn: 'slicedWassersteinDetails', key: 'weightsX', call: (o) => api.slicedWassersteinDetails([0, 1], [0, 2], { projections: 3, ...o }) }],
  wassersteinCpDictionary: [{
    fn: 'wassersteinCpDictionary', key: 'rank',
    call: (o) => api.wassersteinCpDictionary([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]], { rank: 1, reg: 0.5, maxIter: 1, innerIter: 2, ...o }),
  }],
  // tucker
  hooi: [{ fn: 'hooi', key: 'maxIter', call: (o) => api.hooi(tensor(), [1, 1, 1], { maxIter: 2, ...o }) }],
  selectCoreShape: [
    { fn: 'selectCoreShape', key: 'evaluate', call: (o) => api.selectCoreShape(tensor(), 12, { evaluate: false, ...o }) },
    { fn: 'selectCoreShape', name: 'options.hooi', key: 'maxIter', call: (o) => api.selectCoreShape(tensor(), 12, { hooi: { maxIter: 2, ...o } }) },
  ],
  solveTuckerPacking: [{ fn: 'solveTuckerPacking', key: 'epsilon', call: (o) => api.solveTuckerPacking(api.modeSpectra(tensor()), 12, { ...o }) }],
  multiModeProduct: [{ fn: 'multiModeProduct', key: 'modes', call: (o) => api.multiModeProduct(tensor(), [[1, 0]], { modes: [1], ...o }) }],
  cp: [{ fn: 'cp', key: 'maxIter', call: (o) => api.cp(tensor(), 2, { maxIter: 2, ...o }) }],
  parafac: [{ fn: 'cp', key: 'maxIter', call: (o) => api.parafac(tensor(), 2, { maxIter: 2, ...o }) }],
  nonNegativeTucker: [{ fn: 'nonNegativeTucker', key: 'maxIter', call: (o) => api.nonNegativeTucker({ data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2] }, [1, 1, 1], { maxIter: 2, ...o }) }],
  partialTucker: [{ fn: 'partialTucker', key: 'modes', call: (o) => api.partialTucker(tensor(), [1], { modes: [0], ...o }) }],
  tensorTrain: [{ fn: 'tensorTrain', key: 'rank', call: (o) => api.tensorTrain(tensor(), { tol: 0.1, ...o }) }],
  // bounds
  computeBounds: [
    { fn: 'computeBounds', key: 'method', call: (o) => api.computeBounds(spec(), box(), { method: 'ibp', ...o }) },
    { fn: 'computeBounds', name: 'options.alpha', key: 'iterations', call: (o) => api.computeBounds(spec(), box(), { method: 'alpha-crown', alpha: { iterations: 1, ...o } }) },
  ],
  localLipschitz: [{ fn: 'localLipschitz', key: 'samples', call: (o) => api.localLipschitz(spec(), box(), { samples: 4, searchSteps: 2, patternSteps: 2, branch: 1, ...o }) }],
  trainMlp: [{ fn: 'trainMlp', key: 'epochs', call: (o) => api.trainMlp(rows, [0, 1, 0, 1, 0, 1], { hidden: [3], epochs: 1, ...o }) }],
  certifiedAccuracy: [
    { fn: 'certifiedAccuracy', key: 'radii', call: (o) => api.certifiedAccuracy(spec(), rows, [0, 1, 0, 1, 0, 1], { radii: [0], methods: ['ibp'], attack: false, ...o }) },
    { fn: 'certifiedAccuracy', name: 'options.attack', key: 'restarts', call: (o) => api.certifiedAccuracy(spec(), rows, [0, 1, 0, 1, 0, 1], { radii: [0], methods: ['ibp'], attack: { steps: 1, ...o } }) },
  ],
  verify: [{ fn: 'verify', key: 'timeout', call: (o) => api.verify(spec(), VNNLIB, { timeout: 5, ...o }) }],
  verifyVnnlib: [{ fn: 'verifyVnnlib', key: 'maxNodes', call: (o) => api.verifyVnnlib(spec(), VNNLIB, { maxNodes: 50, ...o }) }],
  verifyNetwork: [
    { fn: 'verifyNetwork', key: 'reluSplitAfter', call: (o) => api.verifyNetwork(api.parseNetwork(spec()), box(), { C: [[1, 0]], d: [100] }, { maxNodes: 50, ...o }) },
    { fn: 'verifyNetwork', name: 'options.pgd', key: 'restarts', call: (o) => api.verifyNetwork(api.parseNetwork(spec()), box(), { C: [[1, 0]], d: [100] }, { maxNodes: 50, pgd: { steps: 2, ...o } }) },
    { fn: 'verifyNetwork', name: 'options.beta', key: 'candidates', call: (o) => api.verifyNetwork(api.parseNetwork(spec()), box(), { C: [[1, 0]], d: [100] }, { maxNodes: 50, reluSplitAfter: 0, beta: { iterations: 2, ...o } }) },
    { fn: 'verifyNetwork', name: 'property', key: 'mode', call: (o) => api.verifyNetwork(api.parseNetwork(spec()), box(), { C: [[1, 0]], d: [100], ...o }, { maxNodes: 50 }) },
  ],
  // sparse
  barsTest: [{ fn: 'barsTest', key: 'sigma', call: (o) => api.barsTest({ N: 4, size: 2, ...o }) }],
  binarySparseCoding: [
    { fn: 'binarySparseCoding', key: 'Hprime', call: (o) => api.binarySparseCoding(api.barsTest({ N: 4, size: 2 }).Y, { H: 2, maxIter: 1, ...o }) },
    { fn: 'binarySparseCoding', name: 'options.init', key: 'sigma', call: (o) => api.binarySparseCoding(api.barsTest({ N: 4, size: 2 }).Y, { H: 2, maxIter: 1, init: { sigma: 1, ...o } }) },
  ],
  maximalCausesAnalysis: [
    { fn: 'maximalCausesAnalysis', key: 'gamma', call: (o) => api.maximalCausesAnalysis(api.barsTest({ N: 4, size: 2 }).Y, { H: 2, maxIter: 1, ...o }) },
    { fn: 'maximalCausesAnalysis', name: 'options.init', key: 'sigma', call: (o) => api.maximalCausesAnalysis(api.barsTest({ N: 4, size: 2 }).Y, { H: 2, maxIter: 1, init: { sigma: 1, ...o } }) },
  ],
  trainLearnedProx: [{ fn: 'trainLearnedProx', key: 'gammas', call: (o) => withLpn((n) => n, { ...o }) }],
  learnedProx: [
    { fn: 'learnedProx', key: 'image', call: (o) => withLpn((n) => api.learnedProx(n, { ...o })) },
    { fn: 'learnedProx', name: 'options.image', key: 'patch', call: (o) => withLpn((n) => api.learnedProx(n, { image: { rows: 2, cols: 2, patch: 1, ...o } })) },
  ],
  // forecast
  fft: [{ fn: 'fft', key: 'inverse', call: (o) => api.fft([1, 2, 3], [0, 0, 0], { ...o }) }],
  fitRLinear: [{ fn: 'fitRLinear', key: 'horizon', call: (o) => api.fitRLinear([1, 2, 3, 4, 5, 6, 7, 8], { lookback: 4, horizon: 2, ...o }) }],
  fitHoltWinters: [{ fn: 'fitHoltWinters', key: 'alphas', call: (o) => api.fitHoltWinters([1, 2, 3, 1, 2, 3, 1, 2, 3], { period: 3, ...o }) }],
  pretrainSuperLinear: [{ fn: 'pretrainSuperLinear', key: 'horizon', call: (o) => api.pretrainSuperLinear({ lookback: 16, horizon: 2, periods: [4, 8], samplesPerExpert: 4, gateEpochs: 1, ...o }) }],
  fineTuneSuperLinear: [{ fn: 'fineTuneSuperLinear', key: 'prior', call: (o) => api.fineTuneSuperLinear(api.pretrainSuperLinear({ lookback: 16, horizon: 2, periods: [4, 8], samplesPerExpert: 4, gateEpochs: 1 }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9], { ...o }) }],
  fullShotSuperLinear: [{ fn: 'fullShotSuperLinear', key: 'epochs', call: (o) => api.fullShotSuperLinear(api.pretrainSuperLinear({ lookback: 16, horizon: 2, periods: [4, 8], samplesPerExpert: 4, gateEpochs: 1 }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9], { epochs: 1, ...o }) }],
  simulateImageRegression: [{ fn: 'simulateImageRegression', key: 'channels', call: (o) => api.simulateImageRegression({ n: 4, size: 8, ...o }) }],
  fitTensorGp: [{ fn: 'fitTensorGp', key: 'maxIter', call: (o) => { const d = api.simulateImageRegression({ n: 6, size: 8 }); return api.fitTensorGp(d.X, d.y, { maxIter: 1, ...o }); } }],
  learnPro2Projection: [{ fn: 'learnPro2Projection', key: 'heads', call: (o) => api.learnPro2Projection(rows, [0, 1, 0, 1, 0, 1], { heads: 1, epochs: 1, ...o }) }],
  fitLinearProbe: [{ fn: 'fitLinearProbe', key: 'epochs', call: (o) => api.fitLinearProbe(rows, [0, 1, 0, 1, 0, 1], { epochs: 1, ...o }) }],
  // onnx subpath
  exportOnnx: [{ fn: 'exportOnnx', key: 'dtype', call: (o) => onnx.exportOnnx(spec(), { ...o }) }],
  // federated namespace
  fedproxSynthetic: [{ fn: 'fedproxSynthetic', key: 'alpha', call: (o) => fed.fedproxSynthetic({ clients: 2, dim: 3, classes: 2, ...o }) }],
  partitionClients: [{ fn: 'partitionClients', key: 'split', call: (o) => fed.partitionClients([0, 1, 2, 3], [0, 1, 0, 1], 1, { clients: 2, ...o }) }],
  softmaxRegression: [{ fn: 'softmaxRegression', key: 'kernel', call: (o) => fed.softmaxRegression(3, 2, { ...o }) }],
  mlpClassifier: [{ fn: 'mlpClassifier', key: 'activation', call: (o) => fed.mlpClassifier([3, 4, 2], { ...o }) }],
  fedProx: [{ fn: 'fedProx', key: 'stragglers', call: (o) => fed.fedProx({ ...o }) }],
  fedSpeed: [{ fn: 'fedSpeed', key: 'lambda', call: (o) => fed.fedSpeed({ ...o }) }],
  simulateFederated: [{ fn: 'simulateFederated', key: 'rounds', call: (o) => fed.simulateFederated(fedData(), { rounds: 1, epochs: 1, ...o }) }],
  decentralizedTrain: [{ fn: 'decentralizedTrain', key: 'tracking', call: (o) => fed.decentralizedTrain(fedData(), { steps: 2, ...o }) }],
  fedproxStragglerExperiment: [{ fn: 'fedproxStragglerExperiment', key: 'rounds', call: (o) => fed.fedproxStragglerExperiment({ rounds: 1, seeds: [0], mus: [], ...o }) }],
  decentralizedExperiment: [{ fn: 'decentralizedExperiment', key: 'steps', call: (o) => fed.decentralizedExperiment(fedData(), { steps: 2, seeds: [0], ...o }) }],
  labelSkewExperiment: [{ fn: 'labelSkewExperiment', key: 'clientsPerRound', call: (o) => fed.labelSkewExperiment([0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 0, 1, 0, 1, 0, 1], 1, { clients: 2, rounds: 1, epochs: 1, seeds: [0], ...o }) }],
  simulateFederatedAsync: [{ fn: 'simulateFederatedAsync', key: 'rounds', call: (o) => fed.simulateFederatedAsync(fedData(), { rounds: 1, epochs: 1, executor: api.scale.inProcessExecutor(), ...o }) }],
  workerPool: [{ fn: 'workerPool', key: 'workers', call: (o) => api.scale.workerPool({ workers: 1, worker: 'unused-when-the-options-are-refused.js', ...o }).then((p) => p.close()) }],
  // one round on one thread of the built package's worker (npm test builds dist/ first)
  federatedOnWorkers: [{ fn: 'federatedOnWorkers', key: 'workers', call: (o) => api.scale.federatedOnWorkers(fedData(), { rounds: 1, epochs: 1, workers: 1, worker: new URL('../dist/scale-worker.js', import.meta.url), ...o }) }],
  cvarSweepOn: [{ fn: 'cvarSweepOn', key: 'epochs', call: (o) => api.scale.cvarSweepOn(api.scale.inProcessExecutor(), { problems: [cvarProblem()], stepSizes: [0.1], betas: [0.9], methods: ['spl+'], seeds: 1, epochs: 1, ...o }) }],
  // no Redis is needed: the executor connects on its first batch
  queueExecutor: [{ fn: 'queueExecutor', key: 'pollMs', call: (o) => api.scale.queueExecutor({ url: 'redis://127.0.0.1:1', ...o }).then((q) => q.close()) }],
  // options are checked before it connects; with no Redis on port 1 it then gives up after connectMs (that refusal is expected here)
  queueWorker: [{ fn: 'queueWorker', key: 'concurrency', call: (o) => api.scale.queueWorker({ url: 'redis://127.0.0.1:1', connectMs: 300, worker: new URL('../dist/scale-worker.js', import.meta.url), ...o }).then((w) => w.close(), (e: Error) => {
    if (!/did not answer within 300 ms/.test(e.message)) throw e;
  }) }],
  lisaTrain: [{ fn: 'lisaTrain', key: 'finetuneSteps', call: (o) => fed.lisaTrain(lisaData(), { cycles: 1, alignSteps: 1, finetuneSteps: 1, ...o }) }],
  lisaExperiment: [{ fn: 'lisaExperiment', key: 'harmfulFraction', call: (o) => fed.lisaExperiment([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 1, { seeds: [0], cycles: 1, alignSteps: 1, finetuneSteps: 1, sourceLabel: 1, targetLabel: 2, harmfulFraction: 0.4, alignmentFraction: 0.3, testFraction: 0.3, alignEpochs: 1, ...o }) }],
};

/** Exported functions that take no options object, and why. */
const NO_OPTIONS: Record<string, string> = {
  jobId: 'scale: a job description in, its queue id out',
  ...NN_NO_OPTIONS,
  ...SADDLE_NO_OPTIONS,
  ...CAUSAL_NO_OPTIONS,
  ...CONSTRAINED_NO_OPTIONS,
  ...FRACTIONAL_NO_OPTIONS,
  ...FAIR_NO_OPTIONS,
  ...POLICY_NO_OPTIONS,
  matchFields: 'two matrices',
  rfft: 'a vector',
  periodogram: 'a vector',
  seasonalNaive: 'series, period, steps: all positional',
  // federated namespace
  fedAvg: 'no arguments',
  ringGraph: 'a node count',
  randomRegularGraph: 'a node count, a degree and a seed',
  clientUpdate: 'a job description and its seed',
  inProcessExecutor: 'no arguments',
  torusGraph: 'rows and columns',
  mixingMatrix: 'a graph',
  gossip: 'the mixing matrix and the vectors',
  topK: 'a fraction',
  randomK: 'a fraction',
  qsgd: 'a number of levels',
  errorFeedback: 'a compressor',
  isReady: 'no arguments',
  memoryStats: 'no arguments',
  allocF64: 'a length or the data',
  rng: 'a seed',
  softThreshold: 'vector, threshold, out: all positional',
  projectSimplex: 'vector, radius, out: all positional',
  ...Object.fromEntries(
    ['normL1', 'normL2', 'sqrNormL2', 'elasticNet', 'normLinf', 'normL21', 'huberLoss', 'indBox', 'indNonnegative', 'indSimplex',
      'indBallL1', 'indBallL2', 'indBallLinf', 'indHyperplane', 'indHalfspace', 'totalVariation1D', 'nmSparsity', 'proxSparse', 'lossProx', 'nuclearNorm',
      'indPsd', 'indSoc', 'indBallL0', 'normL0', 'indSphereL2', 'indRank', 'indStiefel', 'indExpCone', 'indAffine', 'quadratic']
      .map((k) => [k, 'an operator factory: its parameters are positional scalars / vectors (the math of f)']),
  ),
  tv1dScratchLength: 'a length',
  scaled: 'calculus on operators: an operator and a scalar/vector',
  translated: 'calculus on operators: an operator and a scalar/vector',
  tilted: 'calculus on operators: an operator and a vector',
  precomposed: 'calculus on operators: an operator and a matrix',
  separableSum: 'calculus on operators: a list of [operator, length]',
  conjugate: 'calculus on operators: one operator',
  moreauEnvelope: 'calculus on operators: an operator and t',
  leastSquares: 'the data (A, b) of a smooth term',
  matrixOperator: 'a matrix and its shape',
  operatorNorm: 'a linear operator',
  lassoDualityGap: 'λ',
  cvarAndVar: 'losses and β',
  tailCount: 'n and β',
  formatSweepTable: 'takes a cvarSweep result (data passed back, not options)',
  sweepSvg: 'takes a cvarSweep result (data passed back, not options)',
  symmetricEigen: 'a matrix (and its order)',
  svd: 'a matrix (and its shape)',
  modeGram: 'a tensor and a mode',
  modeProduct: 'a tensor, a matrix and a mode',
  frobeniusNorm: 'a tensor',
  modeSpectra: 'a tensor',
  hosvd: 'a tensor and a core shape',
  tuckerParameterCount: 'dims and a core shape',
  tuckerReconstruct: 'a decomposition { core, factors } (data, not options)',
  unfold: 'a tensor and a mode',
  fold: 'a matrix, a mode and a shape',
  khatriRao: 'a list of matrices',
  cpReconstruct: 'a CP model { factors, weights } (data, not options)',
  ttReconstruct: 'a tensor train { cores } (data, not options)',
  uniformCoreShape: 'dims and a budget',
  parseNetwork: 'a network spec (data, validated layer by layer)',
  evaluateNetwork: 'a network and an input',
  parseVnnlib: 'VNNLIB text',
  seededSplit: 'n, test size, seed',
  classificationAccuracy: 'a network and labelled data',
  emd: 'two histograms and a cost matrix',
  emd2: 'two histograms and a cost matrix',
  barycentricProjection: 'a plan, target points and their dimension',
  wasserstein1d: 'two samples, their weights and p',
  classPurity: 'a plan, its shape and labels',
  loadOnnx: 'ONNX bytes',
  onnxToSpec: 'ONNX bytes',
};

/** A near-typo of `key`: its 2nd and 3rd letters swapped (one transposition). */
function typo(key: string): string {
  const t = key[0]! + key[2]! + key[1]! + key.slice(3);
  if (t === key) throw new Error(`the table's key ${key} has equal 2nd and 3rd letters: pick another`);
  return t;
}

/** The error `call` throws or rejects with (undefined if it returns normally). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (e) {
    return e;
  }
}

function isClass(v: unknown): boolean {
  return typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));
}

/** The exported plain functions of a module namespace. */
function functionsOf(ns: Record<string, unknown>): string[] {
  return Object.keys(ns).filter((k) => typeof ns[k] === 'function' && !isClass(ns[k]));
}

// namespaces whose functions are classified here with the top-level ones (names do not collide)
const fed = api.federated;
const fedData = () => fed.fedproxSynthetic({ clients: 3, dim: 3, classes: 2, seed: 1 });
/** A tiny learned proximal network (1-D, 4 pairs), passed to `use` and freed afterwards. */
const withLpn = (use: (n: api.LearnedProxNetwork) => unknown, options: Record<string, unknown> = {}): unknown => {
  const { network } = api.trainLearnedProx([[0.1], [0.5], [-0.3], [1.2]], [[0], [0.4], [0], [1]], { hidden: [2], epochs: 1, batchSize: 4, gammas: [0.5], ...options });
  try {
    return use(network);
  } finally {
    network.free();
  }
};
const lisaData = () => ({ dim: 1, classes: 2, alignment: { X: Float64Array.of(0, 1), y: Int32Array.of(0, 1) }, finetune: { X: Float64Array.of(1, 0), y: Int32Array.of(0, 1) } });
const COVERED_NAMESPACES = ['federated', 'nn', 'scale'];
const exported = [...new Set([...functionsOf(api), ...functionsOf(onnx), ...functionsOf(fed), ...functionsOf(api.nn), ...functionsOf(api.scale)])].sort();

/**
 * Namespace exports (`export * as x`) whose functions this table does not classify yet, and why. A
 * new namespace fails the test until it is either covered here or listed.
 */
const PENDING_NAMESPACES: Record<string, string> = {};

describe('conventions: every exported function is classified', () => {
  it('each exported function is either in WITH_OPTIONS (with a valid call) or in NO_OPTIONS (with a reason)', () => {
    const unclassified = exported.filter((k) => !(k in WITH_OPTIONS) && !(k in NO_OPTIONS));
    expect(unclassified).toEqual([]);
    const both = Object.keys(WITH_OPTIONS).filter((k) => k in NO_OPTIONS);
    expect(both).toEqual([]);
    const stale = [...Object.keys(WITH_OPTIONS), ...Object.keys(NO_OPTIONS)].filter((k) => !exported.includes(k));
    expect(stale).toEqual([]);
  });

  it('every namespace export is covered or listed as pending (with the reason)', () => {
    // a module namespace object (export * as x) is tagged 'Module'; constants such as BOUND_OPS are not
    const namespaces = Object.keys(api).filter((k) => Object.prototype.toString.call((api as Record<string, unknown>)[k]) === '[object Module]');
    expect(namespaces.filter((k) => !(k in PENDING_NAMESPACES) && !COVERED_NAMESPACES.includes(k))).toEqual([]);
    expect(Object.keys(PENDING_NAMESPACES).filter((k) => !namespaces.includes(k))).toEqual([]);
  });

  it('no nn function shares its name with a top-level or federated export (the tables are keyed by bare name)', () => {
    const others = new Set([...functionsOf(api), ...functionsOf(onnx), ...functionsOf(fed)]);
    const nnFunctions = functionsOf(api.nn);
    expect(nnFunctions.length).toBeGreaterThan(90);
    expect(nnFunctions.filter((k) => others.has(k))).toEqual([]);
  });

  it('no function listed without options declares a parameter named options (a cross-check of NO_OPTIONS)', () => {
    const ns = { ...api, ...onnx, ...fed, ...api.nn, ...api.scale } as Record<string, unknown>;
    const takesOptions = (k: string): boolean => {
      const src = Function.prototype.toString.call(ns[k]);
      const params = src.slice(src.indexOf('(') + 1, src.indexOf(')'));
      return /\b(options|opts)\b/.test(params);
    };
    expect(Object.keys(NO_OPTIONS).filter(takesOptions)).toEqual([]);
    // the check can see a parameter named options: most of WITH_OPTIONS have one
    expect(Object.keys(WITH_OPTIONS).filter(takesOptions).length).toBeGreaterThan(30);
  });
});

describe('conventions: an unknown option key is a ParameterError naming it', () => {
  const entries = Object.values(WITH_OPTIONS).flat();

  it.each(entries.map((e) => [`${e.fn} ${e.name ?? 'options'}`, e] as const))('%s', async (_label, e) => {
    const name = e.name ?? 'options';
    // the table's call itself is valid
    expect(await failure(() => e.call({}))).toBeUndefined();
    // a key no function knows: named, with the function's name, and no suggestion
    const unknown = await failure(() => e.call({ zzNotAnOption: 1 }));
    expect(unknown).toBeInstanceOf(api.ParameterError);
    expect((unknown as Error).message).toMatch(new RegExp(`^${e.fn}: ${name.replace(/[.[\]]/g, '\\$&')}\\.zzNotAnOption is not a known option; known: .*\\b${e.key}\\b`));
    // a transposition of a known key: the suggestion names the key
    const near = await failure(() => e.call({ [typo(e.key)]: 1 }));
    expect(near).toBeInstanceOf(api.ParameterError);
    expect((near as Error).message).toContain(`${name}.${typo(e.key)} is not a known option (did you mean ${name}.${e.key}?)`);
  });

  it('a renamed 0.2.0 key points at its new name, and a distant key gets no suggestion', () => {
    expect(() => api.cvarSweep({ problems: [cvarProblem()], tolerance: 0.1 } as never)).toThrow(/options\.tolerance is not a known option \(did you mean options\.tol\?\)/);
    expect(() => api.selectCoreShape(tensor(), 12, { hooiTol: 1e-6 } as never)).toThrow(/options\.hooiTol is not a known option \(did you mean options\.hooi\?\)/);
    expect(() => api.computeBounds(spec(), box(), { methd: 'ibp' } as never)).toThrow('computeBounds: options.methd is not a known option (did you mean options.method?); known: method, alpha, C, splits');
    expect(() => api.sinkhorn(a2, b2, M2, { reg: 0.5, x: 1 } as never)).toThrow(/options\.x is not a known option; known:/);
  });
});

describe('conventions: a matrix is { data, rows, cols }, and an array of rows is accepted wherever a matrix is', () => {
  // 3 × 2, given three ways (the flat form where the function also takes the shape or implies it)
  const rows3x2 = [[1, 2], [0.5, -1], [3, 0.25]];
  const flat3x2 = rows3x2.flat();
  const obj3x2 = () => ({ data: Float64Array.from(flat3x2), rows: 3, cols: 2 });
  const same = (results: unknown[]): void => results.slice(1).forEach((r) => expect(r).toEqual(results[0]));

  it('linalg: svd and symmetricEigen', () => {
    same([api.svd(flat3x2, 3, 2), api.svd(rows3x2), api.svd(obj3x2())]);
    const S = [[2, 1], [1, 3]];
    same([api.symmetricEigen(S.flat(), 2), api.symmetricEigen(S), api.symmetricEigen({ data: S.flat(), rows: 2, cols: 2 })]);
    expect(() => api.symmetricEigen(rows3x2)).toThrow(new api.ShapeError('symmetricEigen: A must be square (got 3 × 2)'));
  });

  it('prox: leastSquares, lasso and matrixOperator', () => {
    const y = [1, -1, 0.5];
    const x = Float64Array.of(0.3, -0.7);
    const ls = (A: unknown) => {
      const f = api.leastSquares(A as never, y);
      const g = new Float64Array(2);
      f.gradient(x, g);
      return [f.value(x), Array.from(g)];
    };
    same([ls(flat3x2), ls(rows3x2), ls(obj3x2())]);
    const lassoX = (A: unknown) => Array.from(api.lasso(A as never, y, 0.1, { maxIter: 50 }).x);
    same([lassoX(flat3x2), lassoX(rows3x2), lassoX(obj3x2())]);
    const op = (K: api.LinearOperator) => {
      const out = new Float64Array(3);
      K.apply(x, out);
      return [K.rows, K.cols, Array.from(out)];
    };
    same([op(api.matrixOperator(flat3x2, 3, 2)), op(api.matrixOperator(rows3x2)), op(api.matrixOperator(obj3x2()))]);
  });

  it('ot: cost matrices and point sets', () => {
    const M = [[0, 1, 2], [1, 0, 1]];
    const plan = (m: unknown) => Array.from(api.sinkhorn(a2, [0.2, 0.3, 0.5], m as never, { reg: 0.5 }).plan);
    same([plan(M.flat()), plan(M), plan({ data: M.flat(), rows: 2, cols: 3 })]);
    same([api.emd2(a2, [0.2, 0.3, 0.5], M.flat()), api.emd2(a2, [0.2, 0.3, 0.5], M)]);
    const cost = (X: unknown, Y: unknown, o?: object) => Array.from(api.costMatrix(X as never, Y as never, o));
    same([cost(flat3x2, [0, 0, 1, 1], { dim: 2 }), cost(rows3x2, [[0, 0], [1, 1]]), cost(obj3x2(), { data: [0, 0, 1, 1], rows: 2, cols: 2 })]);
  });

  it('tucker, cvar and bounds: mode products, features and training data', () => {
    const U = [[1, 0], [0.5, 2], [1, 1]]; // 3 × 2: maps mode 0 (size 2) to size 3
    const X = tensor();
    same([api.modeProduct(X, U.flat(), 0), api.modeProduct(X, U, 0), api.modeProduct(X, { data: U.flat(), rows: 3, cols: 2 }, 0)]);
    const fit = (Xm: unknown) => Array.from(api.minimizeCvar({ X: Xm as never, y: ys, epochs: 2 }).weights);
    same([fit(rows), fit({ data: rows.flat(), rows: rows.length, cols: 2 })]);
    const labels = [0, 1, 0, 1, 0, 1];
    const net = (Xm: unknown) => api.trainMlp(Xm as never, labels, { hidden: [3], epochs: 2 }).network;
    same([net(rows), net({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2 })]);
    const C = [[1, -1], [0.5, 2]];
    const bounds = (c: unknown) => api.computeBounds(spec(), box(), { method: 'crown', C: c as never });
    same([bounds(C.flat()), bounds(C), bounds({ data: C.flat(), rows: 2, cols: 2 })]);
    expect(() => bounds({ data: [1, 2, 3], rows: 1, cols: 3 })).toThrow(new api.ShapeError("computeBounds: C must have the network's output size = 2 columns (got 1 × 3)"));
  });
});
