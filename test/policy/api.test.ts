/** The bad-input sweep (test/fuzz.ts) over the policy family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  banditTrain, contextualBandit, init, leaveOneOutAdvantages, loopLoss, nashMirrorDescent, nashMirrorProx, nashOnlineMirrorDescent,
  nashPolicyTrain, nashResidual, nn, preferenceTask, randomPreferenceMatrix, reinforceLoss, rockPaperScissors, loopTrainLm,
} from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const rps = () => [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]];
/** A bigint seed is valid (seeds are integers in [0, 2^53) or bigints in [0, 2^64)). */
const bigSeed = (site: string) => `${site}=a bigint`;
/** Iteration counts and sample budgets: a huge one is valid, it only runs long. */
const long = (...sites: string[]) => sites.map((s) => `${s}=1e12`);

describe('policy: every bad argument gives a typed error, no leak, module usable', () => {
  for (const [name, f] of [['nashMirrorProx', nashMirrorProx], ['nashOnlineMirrorDescent', nashOnlineMirrorDescent]] as const) {
    it(name, () => {
      // beta, eta and tol are reals given as non-integers; a huge β or η is valid (a flat or greedy step)
      expect(fuzzArguments(name, f, [rps(), { beta: 0.3, eta: 1.5, reference: [0.2, 0.3, 0.5], init: [0.5, 0.25, 0.25], maxIter: 3, tol: 1e-9 }], {
        optionalFrom: 1, skip: long('arg1.maxIter'),
        accept: ['arg1.beta=1e12', 'arg1.beta=2^29 + 1', 'arg1.eta=1e12', 'arg1.eta=2^29 + 1', 'arg1.tol=1e12', 'arg1.tol=2^29 + 1', 'arg1.tol=Infinity'],
      })).toEqual([]);
    });
  }
  it('nashMirrorDescent', () => {
    expect(fuzzArguments('nashMirrorDescent', nashMirrorDescent, [rps(), { beta: 0.3, eta: 1.5, maxIter: 3, tol: 1e-9 }], {
      optionalFrom: 1, skip: long('arg1.maxIter'), accept: ['arg1.tol=1e12', 'arg1.tol=2^29 + 1', 'arg1.tol=Infinity'],
    })).toEqual([]);
  });
  it('nashResidual', () => {
    expect(fuzzArguments('nashResidual', nashResidual, [rps(), [0.2, 0.3, 0.5], { beta: 0.3, reference: [1, 2, 3] }], {
      optionalFrom: 2, accept: ['arg2.beta=1e12', 'arg2.beta=2^29 + 1'],
    })).toEqual([]);
  });
  it('randomPreferenceMatrix and rockPaperScissors', () => {
    expect(fuzzArguments('randomPreferenceMatrix', randomPreferenceMatrix, [4, { kind: 'bradleyTerry', seed: 2 }], { optionalFrom: 1, accept: [bigSeed('arg1.seed')] })).toEqual([]);
    expect(fuzzArguments('rockPaperScissors', rockPaperScissors, [])).toEqual([]);
  });
  it('leaveOneOutAdvantages', () => {
    expect(fuzzArguments('leaveOneOutAdvantages', leaveOneOutAdvantages, [[1, 0, 0.5, 2], 2])).toEqual([]);
  });
  it('loopLoss and reinforceLoss', () => {
    const lp = nn.tensor([-1, -0.5]);
    try {
      const run = (f: (...a: never[]) => nn.Tensor) => (...a: unknown[]) => nn.scope(() => (f as (...b: unknown[]) => nn.Tensor)(...a).item());
      expect(fuzzArguments('loopLoss', run(loopLoss as never), [lp, [-1.2, -0.4], [0.5, -0.5], { epsilon: 0.25 }], { optionalFrom: 3 })).toEqual([]);
      expect(fuzzArguments('reinforceLoss', run(reinforceLoss as never), [lp, [0.5, -0.5]])).toEqual([]);
    } finally {
      lp.free();
    }
  });
  it('contextualBandit and banditTrain', () => {
    expect(fuzzArguments('contextualBandit', contextualBandit, [{ dim: 2, arms: 3, sharpness: 2.5, evalContexts: 4, seed: 1 }], {
      optionalFrom: 0, accept: [bigSeed('arg0.seed'), 'arg0.sharpness=1e12', 'arg0.sharpness=2^29 + 1'],
    })).toEqual([]);
    const b = contextualBandit({ dim: 2, arms: 3, evalContexts: 4, seed: 1 });
    const same = (x: unknown, y: unknown) => expect(Array.from((x as { theta: Float64Array }).theta)).toEqual(Array.from((y as { theta: Float64Array }).theta));
    expect(fuzzArguments('banditTrain', banditTrain, [b, { method: 'loop', k: 2, samples: 8, batchSize: 4, epochs: 2, epsilon: 0.25, learningRate: 0.1, seed: 1 }], {
      optionalFrom: 1, same, skip: long('arg1.samples', 'arg1.epochs'),
      // the bandit's fields are checked for type and shape; real-valued ones (any finite sharpness,
      // optimal reward, weights, contexts) are valid data
      kinds: { 'arg0.sharpness': 'real', 'arg0.optimalReward': 'real' },
      accept: [bigSeed('arg1.seed'), 'arg1.learningRate=1e12', 'arg1.learningRate=2^29 + 1', 'arg0.sharpness=1e12', 'arg0.sharpness=2^29 + 1'],
    })).toEqual([]);
  });
  it('preferenceTask and nashPolicyTrain', () => {
    expect(fuzzArguments('preferenceTask', preferenceTask, [{ dim: 2, responses: 3, intransitivity: 1.5, evalPrompts: 2, seed: 1 }], {
      optionalFrom: 0, accept: [bigSeed('arg0.seed'), 'arg0.intransitivity=1e12', 'arg0.intransitivity=2^29 + 1'],
    })).toEqual([]);
    const t = preferenceTask({ dim: 2, responses: 3, evalPrompts: 2, seed: 1 });
    const same = (x: unknown, y: unknown) => expect(Array.from((x as { theta: Float64Array }).theta)).toEqual(Array.from((y as { theta: Float64Array }).theta));
    expect(fuzzArguments('nashPolicyTrain', nashPolicyTrain, [t, { method: 'mp', beta: 0.2, eta: 1.5, iterations: 1, innerSteps: 2, batchSize: 4, learningRate: 0.1, seed: 1 }], {
      optionalFrom: 1, same, skip: long('arg1.iterations', 'arg1.innerSteps', 'arg1.batchSize'),
      kinds: { 'arg0.intransitivity': 'real' },
      accept: [bigSeed('arg1.seed'), 'arg1.beta=1e12', 'arg1.beta=2^29 + 1', 'arg1.eta=1e12', 'arg1.eta=2^29 + 1', 'arg1.learningRate=1e12', 'arg1.learningRate=2^29 + 1', 'arg0.intransitivity=1e12', 'arg0.intransitivity=2^29 + 1'],
    })).toEqual([]);
  });
  it('loopTrainLm', () => {
    const same = (x: unknown, y: unknown) => expect((x as { history: unknown }).history).toEqual((y as { history: unknown }).history);
    // a fresh model per call (the run updates it in place), freed after: the sweep covers prompts, the
    // reward and the options; the model argument is nn's (its tensors are checked by nn's ops)
    const run = (prompts: unknown, reward: unknown, options: unknown) => {
      const q = nn.initTransformer(4, { contextLength: 6, dModel: 8, heads: 2, layers: 1, seed: 1 });
      try {
        return loopTrainLm(q, prompts as never, reward as never, options as never);
      } finally {
        nn.freeTransformer(q);
      }
    };
    expect(fuzzArguments('loopTrainLm', run, [[[0, 1]], (c: Int32Array) => c[0]!, { k: 2, promptsPerStep: 1, steps: 1, length: 2, epochs: 1, epsilon: 0.1, temperature: 0.9, clipNorm: 0.5, seed: 1 }], {
      optionalFrom: 2, same, skip: long('arg2.steps', 'arg2.epochs', 'arg2.promptsPerStep', 'arg2.k'),
      accept: [bigSeed('arg2.seed'), 'arg2.temperature=1e12', 'arg2.temperature=2^29 + 1', 'arg2.clipNorm=1e12', 'arg2.clipNorm=2^29 + 1', 'arg2.clipNorm=Infinity'],
    })).toEqual([]);
  });
});
