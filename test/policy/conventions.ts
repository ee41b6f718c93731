/** The policy family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const rps = () => api.rockPaperScissors();
const bandit = () => api.contextualBandit({ dim: 2, arms: 3, evalContexts: 4, seed: 1 });
const task = () => api.preferenceTask({ dim: 2, responses: 3, evalPrompts: 2, seed: 1 });
const lm = () => api.nn.initTransformer(4, { contextLength: 6, dModel: 8, heads: 2, layers: 1, seed: 1 });
const lp = () => api.nn.tensor([-1, -0.5]);

export const POLICY_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  nashMirrorProx: [{ fn: 'nashMirrorProx', key: 'beta', call: (o) => api.nashMirrorProx(rps(), { maxIter: 2, ...o }) }],
  nashMirrorDescent: [{ fn: 'nashMirrorDescent', key: 'reference', call: (o) => api.nashMirrorDescent(rps(), { maxIter: 2, ...o }) }],
  nashOnlineMirrorDescent: [{ fn: 'nashOnlineMirrorDescent', key: 'maxIter', call: (o) => api.nashOnlineMirrorDescent(rps(), { maxIter: 2, ...o }) }],
  nashResidual: [{ fn: 'nashResidual', key: 'beta', call: (o) => api.nashResidual(rps(), [0.2, 0.3, 0.5], { ...o }) }],
  randomPreferenceMatrix: [{ fn: 'randomPreferenceMatrix', key: 'kind', call: (o) => api.randomPreferenceMatrix(3, { ...o }) }],
  loopLoss: [{ fn: 'loopLoss', key: 'epsilon', call: (o) => api.nn.scope(() => api.loopLoss(lp(), [-1, -0.4], [0.5, -0.5], { ...o }).item()) }],
  contextualBandit: [{ fn: 'contextualBandit', key: 'arms', call: (o) => api.contextualBandit({ dim: 2, arms: 3, evalContexts: 4, ...o }) }],
  banditTrain: [{ fn: 'banditTrain', key: 'samples', call: (o) => api.banditTrain(bandit(), { samples: 8, batchSize: 8, ...o }) }],
  preferenceTask: [{ fn: 'preferenceTask', key: 'responses', call: (o) => api.preferenceTask({ dim: 2, responses: 3, evalPrompts: 2, ...o }) }],
  nashPolicyTrain: [{ fn: 'nashPolicyTrain', key: 'learningRate', call: (o) => api.nashPolicyTrain(task(), { iterations: 1, innerSteps: 1, batchSize: 4, ...o }) }],
  loopTrainLm: [{ fn: 'loopTrainLm', key: 'steps', call: (o) => api.loopTrainLm(lm(), [[0, 1]], (c) => c[0]!, { steps: 1, k: 2, promptsPerStep: 1, length: 2, ...o }) }],
};

export const POLICY_NO_OPTIONS: Record<string, string> = {
  rockPaperScissors: 'no arguments',
  leaveOneOutAdvantages: 'rewards and k',
  reinforceLoss: 'log-probabilities and advantages',
};
