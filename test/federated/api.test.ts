/** The bad-input sweep (test/fuzz.ts) over the federated family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, normL1 } from '../../bindings/index.js';
import {
  decentralizedTrain, errorFeedback, fedProx, fedSpeed, fedproxSynthetic, gossip, mixingMatrix, mlpClassifier, partitionClients, qsgd,
  randomK, ringGraph, simulateFederated, softmaxRegression, topK, torusGraph, labelSkewExperiment, type FedDataset,
} from '../../bindings/federated/index.js';
import { Rng } from '../../bindings/rng.js';
import { countEntries, fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

/** A small data set, without the generator's `truth` (a field the simulators do not read). */
const data = (): FedDataset => {
  const { dim, classes, clients } = fedproxSynthetic({ clients: 3, dim: 3, classes: 2, seed: 1 });
  return { dim, classes, clients };
};
/** A bigint seed is valid (seeds are integers in [0, 2^53) or bigints in [0, 2^64)). */
const bigSeed = (site: string): string => `${site}=a bigint`;
const onProgress = (): undefined => undefined;
/** Rules and models hold functions: compare what the call computes, not the objects. */
const sameParams = (a: unknown, b: unknown) => expect(Array.from((a as { params: Float64Array }).params)).toEqual(Array.from((b as { params: Float64Array }).params));
const sameName = (a: unknown, b: unknown) => expect((a as { name: string }).name).toBe((b as { name: string }).name);
/** Free-text fields (a rule's or compressor's name, a citation): any string is valid. */
const freeText = (...sites: string[]) => sites.map((s) => `${s}=a string`);
/** The prox operator's own fields are swept by the prox family's tests; decentralizedTrain reads only prox and value. */
const operatorFields = (site: string) => ['name', 'properties', 'properties.convex', 'properties.separable', 'properties.indicator', 'properties.prox'].map((k) => `${site}.${k}`);
/** Counts that are valid but make a run long (1e12 rounds, steps, …) are left out. */
const longCounts = (...sites: string[]) => sites.map((s) => `${s}=1e12`);

describe('federated: every bad argument gives a typed error, no leak, module usable', () => {
  it('fedproxSynthetic', () => {
    const o = { alpha: 1, beta: 0.5, iid: false, clients: 2, dim: 3, classes: 2, trainFraction: 0.9, seed: 2 };
    // alpha and beta are standard deviations: any finite value ≥ 0; clients/dim/classes beyond the caps are refused
    expect(fuzzArguments('fedproxSynthetic', fedproxSynthetic, [o], { optionalFrom: 0, accept: [bigSeed('arg0.seed')], kinds: { 'arg0.alpha': 'real', 'arg0.beta': 'real', 'arg0.trainFraction': 'real' }, skip: longCounts('arg0.clients') })).toEqual([]);
  });

  it('partitionClients', () => {
    const X = [0, 1, 2, 3, 4, 5], y = [0, 1, 0, 1, 0, 1];
    expect(fuzzArguments('partitionClients', partitionClients, [X, y, 1, { clients: 2, split: 'dirichlet', alpha: 0.5, trainFraction: 0.5, seed: 1 }], {
      kinds: { 'arg3.alpha': 'real', 'arg3.trainFraction': 'real' }, accept: [bigSeed('arg3.seed')], optionalFrom: 3,
    })).toEqual([]);
  });

  it('models and rules', () => {
    expect(fuzzArguments('softmaxRegression', softmaxRegression, [3, 2, { kernel: true }], { same: sameName, optionalFrom: 2 })).toEqual([]);
    expect(fuzzArguments('mlpClassifier', mlpClassifier, [[3, 4, 2], { seed: 1, activation: 'tanh' }], { same: sameName, kinds: countEntries('arg0.0', 'arg0.1', 'arg0.2'), optionalFrom: 1 })).toEqual([]);
    expect(fuzzArguments('fedProx', fedProx, [{ mu: 0.5, stragglers: 'drop' }], { same: sameName, kinds: { 'arg0.mu': 'real' }, optionalFrom: 0 })).toEqual([]);
    expect(fuzzArguments('fedSpeed', fedSpeed, [{ lambda: 2, rho: 0.1, alpha: 0.5 }], { same: sameName, kinds: { 'arg0.lambda': 'real', 'arg0.rho': 'real', 'arg0.alpha': 'real' }, optionalFrom: 0 })).toEqual([]);
  });

  it('simulateFederated', () => {
    const o = { rule: fedProx({ mu: 0.1 }), rounds: 1, clientsPerRound: 2, epochs: 1, batchSize: 4, learningRate: 0.1, dropPercent: 0.5, shuffle: true, seed: 1, evalEvery: 1, onProgress };
    expect(fuzzArguments('simulateFederated', simulateFederated, [data(), o], {
      same: sameParams,
      kinds: { 'arg1.learningRate': 'real', 'arg1.dropPercent': 'real' }, accept: [bigSeed('arg1.seed'), ...freeText('arg1.rule.name', 'arg1.rule.reference')], optionalFrom: 1,
      skip: longCounts('arg1.rounds', 'arg1.epochs'),
    })).toEqual([]);
  });

  it('graphs, mixing, gossip, compressors', () => {
    expect(fuzzArguments('ringGraph', ringGraph, [4])).toEqual([]);
    expect(fuzzArguments('torusGraph', torusGraph, [2, 3])).toEqual([]);
    expect(fuzzArguments('mixingMatrix', mixingMatrix, [ringGraph(3)], { kinds: countEntries('arg0.neighbors.0.0', 'arg0.neighbors.0.1') })).toEqual([]);
    const W = mixingMatrix(ringGraph(3));
    expect(fuzzArguments('gossip', gossip, [W, [Float64Array.of(1, 2), Float64Array.of(0, 1), Float64Array.of(3, 3)]])).toEqual([]);
    expect(fuzzArguments('topK', topK, [0.5], { same: sameName, kinds: { arg0: 'real' } })).toEqual([]);
    expect(fuzzArguments('randomK', randomK, [0.5], { same: sameName, kinds: { arg0: 'real' } })).toEqual([]);
    expect(fuzzArguments('qsgd', qsgd, [4], { same: sameName })).toEqual([]);
    expect(fuzzArguments('errorFeedback', errorFeedback, [topK(0.5)], { same: () => undefined, accept: freeText('arg0.name') })).toEqual([]);
    expect(errorFeedback(qsgd(2)).compress(Float64Array.of(1, -2), new Rng(1)).length).toBe(2);
  });

  it('labelSkewExperiment', () => {
    const X = [0, 1, 2, 3, 4, 5, 6, 7], y = [0, 1, 0, 1, 0, 1, 0, 1];
    const o = { seeds: [0], clients: 2, alpha: 0.6, rounds: 1, clientsPerRound: 2, epochs: 1, batchSize: 2, learningRate: 0.1, mu: 0.1, fedSpeed: { lambda: 10, rho: 0.05, alpha: 0.5 } };
    expect(fuzzArguments('labelSkewExperiment', labelSkewExperiment, [X, y, 1, o], {
      kinds: { 'arg3.alpha': 'real', 'arg3.learningRate': 'real', 'arg3.mu': 'real', 'arg3.fedSpeed.lambda': 'real', 'arg3.fedSpeed.rho': 'real', 'arg3.fedSpeed.alpha': 'real', ...countEntries('arg3.seeds.0') },
      skip: longCounts('arg3.rounds', 'arg3.epochs', 'arg3.clients'),
      optionalFrom: 3,
    })).toEqual([]);
  });

  it('decentralizedTrain', () => {
    const o = { graph: ringGraph(3), steps: 2, batchSize: 4, learningRate: 0.1, tracking: true, prox: normL1(0.01), compressor: topK(0.5), gamma: 0.5, seed: 1, evalEvery: 1, onProgress };
    expect(fuzzArguments('decentralizedTrain', decentralizedTrain, [data(), o], {
      same: (a, b) => expect(Array.from((a as { average: Float64Array }).average)).toEqual(Array.from((b as { average: Float64Array }).average)),
      kinds: { 'arg1.learningRate': 'real', 'arg1.gamma': 'real', ...countEntries('arg1.graph.neighbors.0.0', 'arg1.graph.neighbors.0.1') },
      accept: [bigSeed('arg1.seed'), ...freeText('arg1.compressor.name')], optionalFrom: 1,
      skip: [...longCounts('arg1.steps'), ...operatorFields('arg1.prox')],
    })).toEqual([]);
  });
});
