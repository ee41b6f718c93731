/**
 * federated: seeded federated learning simulation (FedAvg, FedProx, FedSpeed) on nn models.
 *
 * @module
 */
export {
  fedproxSynthetic, partitionClients,
  type FedClient, type FedDataset, type FedproxSyntheticOptions, type FedproxSyntheticTruth, type PartitionOptions,
} from './data.js';
export { softmaxRegression, mlpClassifier, type FedModel, type MlpClassifierOptions, type SoftmaxRegressionOptions } from './model.js';
export { fedAvg, fedProx, fedSpeed, type FedRule, type FedProxOptions, type FedSpeedOptions } from './rules.js';
export { simulateFederated, type SimulateFederatedOptions, type SimulateFederatedResult, type FedRoundInfo } from './simulate.js';
