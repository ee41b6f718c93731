/**
 * federated: seeded federated learning simulation (FedAvg, FedProx, FedSpeed) on nn models, decentralized
 * proximal training and Lisa's bi-state safety fine-tuning.
 *
 * @module
 */
export {
  fedproxSynthetic, partitionClients,
  type FedClient, type FedDataset, type FedproxSyntheticOptions, type FedproxSyntheticTruth, type FedproxSyntheticData, type PartitionOptions,
} from './data.js';
export { softmaxRegression, mlpClassifier, type FedModel, type FedModelSpec, type SoftmaxRegressionSpec, type MlpClassifierSpec, type MlpClassifierOptions, type SoftmaxRegressionOptions } from './model.js';
export { fedAvg, fedProx, fedSpeed, type FedRule, type FedRuleSpec, type FedAvgSpec, type FedProxSpec, type FedSpeedSpec, type FedProxOptions, type FedSpeedOptions } from './rules.js';
export { simulateFederated, type SimulateFederatedOptions, type SimulateFederatedResult, type FedRoundInfo } from './simulate.js';
export { clientUpdate, simulateFederatedAsync, type ClientUpdateArgs, type ClientUpdateResult, type SimulateFederatedAsyncOptions } from './jobs.js';
export {
  ringGraph, torusGraph, randomRegularGraph, mixingMatrix, gossip, topK, randomK, qsgd, errorFeedback, decentralizedTrain,
  type Graph, type Compressor, type ErrorFeedback, type DecentralizedOptions, type DecentralizedResult, type DecentralizedProgress,
} from './decentralized.js';
export {
  fedproxStragglerExperiment, decentralizedExperiment, labelSkewExperiment,
  type LabelSkewOptions, type LabelSkewResult, type LabelSkewRunRecord, type LabelSkewFinalMetrics,
  type FedproxStragglerOptions, type FedproxStragglerResult, type FedRunRecord, type FedFinalMetrics, type FedproxStragglerSettings,
  type DecentralizedExperimentOptions, type DecentralizedExperimentResult, type DecentralizedRunRecord,
  type DecentralizedExperimentSettings, type DecentralizedFinalMetrics,
} from './experiments.js';
export {
  lisaTrain, lisaExperiment,
  type LabelledRows, type LisaData, type LisaOptions, type LisaProgress, type LisaResult,
  type LisaExperimentOptions, type LisaExperimentResult, type LisaRunRecord, type LisaFinalMetrics, type LisaRowCounts, type LisaMetrics,
} from './lisa.js';
