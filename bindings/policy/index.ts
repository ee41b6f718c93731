/**
 * policy: preference and policy optimisation. Nash learning from preferences by Mirror Prox (Nash-MP)
 * with Nash-MD and online mirror descent as baselines, tabular and sampled; LOOP, PPO with k samples
 * per prompt and a leave-one-out baseline, with REINFORCE and value-baseline PPO as comparisons.
 *
 * @module
 */
export {
  nashMirrorProx, nashMirrorDescent, nashOnlineMirrorDescent, nashResidual, randomPreferenceMatrix, rockPaperScissors,
  type NashOptions, type NashResult, type NashProgress, type NashResidualOptions, type RandomPreferenceOptions, type NashCertificate,
  type PreferenceMatrix,
} from './nash.js';
export {
  leaveOneOutAdvantages, loopLoss, reinforceLoss, contextualBandit, banditTrain,
  type LoopLossOptions, type ContextualBandit, type ContextualBanditOptions, type BanditTrainOptions, type BanditTrainResult, type BanditProgress,
} from './loop.js';
export { loopTrainLm, type LoopLmOptions, type LoopLmResult, type LoopLmProgress } from './lm.js';
export {
  preferenceTask, nashPolicyTrain,
  type PreferenceTask, type PreferenceTaskOptions, type NashPolicyOptions, type NashPolicyResult, type NashPolicyProgress,
} from './sampled.js';
