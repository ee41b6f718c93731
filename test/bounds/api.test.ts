/** The bad-input sweep (test/fuzz.ts) over the bounds family's public API, on a 2-3-2 ReLU MLP. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  certifiedAccuracy, classificationAccuracy, computeBounds, evaluateNetwork, init, localLipschitz,
  parseNetwork, parseVnnlib, seededSplit, trainMlp, verify, verifyNetwork, verifyVnnlib,
} from '../../bindings/index.js';
import { exportOnnx, loadOnnx, onnxToSpec } from '../../bindings/onnx.js';
import { countEntries, fuzzArguments } from '../fuzz.js';
import { smallSpec } from './reference.js';

beforeAll(() => init());

const spec = smallSpec;
const box = () => ({ lower: [-1, -1], upper: [1, 1] });
const ball = () => ({ center: [0.2, -0.1], radius: 0.5, norm: 2 });
const X = () => [[0, 0], [1, 0], [0, 1], [1, 1]];
const Y = () => [0, 1, 1, 0];
const VNNLIB = [
  '(declare-const X_0 Real)', '(declare-const X_1 Real)', '(declare-const Y_0 Real)', '(declare-const Y_1 Real)',
  '(assert (>= X_0 -1))', '(assert (<= X_0 1))', '(assert (>= X_1 -1))', '(assert (<= X_1 1))',
  '(assert (or (>= Y_0 100) (>= (- Y_1 Y_0) 100)))',
].join('\n');
/** A model argument is a JSON spec, validated by parseNetwork, which reports under its own name. */
const MODEL = 'parseNetwork: ';
/**
 * Accepted on purpose: a timeout (seconds, a real) of Infinity means no time limit; reluSplitAfter =
 * Infinity never splits ReLUs (documented); a bigint PGD seed is valid (seeds are integers in
 * [0, 2^53) or bigints in [0, 2^64)). Options are optional.
 */
const verifyOptions = (i: number) => ({
  optionalFrom: i,
  kinds: { [`arg${i}.timeout`]: 'real' } as Record<string, 'real'>,
  accept: [`arg${i}.timeout=Infinity`, `arg${i}.reluSplitAfter=Infinity`, `arg${i}.pgd.seed=a bigint`],
});
/** A bigint seed is valid. */
const bigSeed = (site: string): string => `${site}=a bigint`;
/** 1e12 PGD restarts or steps are valid: they just run until the timeout. */
const longPgd = (i: number): string[] => [`arg${i}.pgd.restarts=1e12`, `arg${i}.pgd.steps=1e12`];
/** Results that carry wall-clock times: compare everything else. */
const untimed = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'elapsedMs' || k === 'timeMs' ? undefined : x)));
const sameUntimed = (a: unknown, b: unknown): void => expect(untimed(b)).toEqual(untimed(a));

describe('bounds: every bad argument gives a typed error, no leak, module usable', () => {
  it('parseNetwork', () => {
    expect(fuzzArguments('parseNetwork', parseNetwork, [spec()])).toEqual([]);
    expect(fuzzArguments('parseNetwork', parseNetwork, [JSON.stringify(spec())])).toEqual([]);
  });

  it('computeBounds', () => {
    const prefix = ['computeBounds: ', MODEL];
    for (const method of ['ibp', 'crown', 'crown-ibp', 'alpha-crown']) {
      const options = { method, alpha: { iterations: 2, lr: 0.5 }, C: [[1, -1]], splits: [{ layer: 1, neuron: 0, active: true }] };
      // alpha-crown only: 1e12 projected-gradient iterations are valid, just long.
      const skip = method === 'alpha-crown' ? ['arg2.alpha.iterations=1e12'] : [];
      expect(fuzzArguments('computeBounds', computeBounds, [spec(), box(), options], { prefix, skip, optionalFrom: 2 })).toEqual([]);
      expect(fuzzArguments('computeBounds', computeBounds, [spec(), ball(), { method, alpha: { iterations: 2 } }], { prefix, skip, optionalFrom: 2 })).toEqual([]);
    }
  });

  it('evaluateNetwork', () => {
    expect(fuzzArguments('evaluateNetwork', evaluateNetwork, [spec(), [0.5, -0.5]], { prefix: ['evaluateNetwork: ', MODEL] })).toEqual([]);
  });

  it('verifyNetwork', () => {
    const options = { method: 'crown', timeout: 5, maxNodes: 50, pgd: { restarts: 1, steps: 2, seed: 0 }, reluSplitAfter: 2 };
    for (const d of [[5], [-0.5]]) {
      const args = [spec(), box(), { C: [[1, -1]], d, mode: 'all' }, options];
      expect(fuzzArguments('verifyNetwork', verifyNetwork, args, { prefix: ['verifyNetwork: ', MODEL], skip: longPgd(3), same: sameUntimed, ...verifyOptions(3) })).toEqual([]);
    }
  });

  it('parseVnnlib', () => {
    expect(fuzzArguments('parseVnnlib', parseVnnlib, [VNNLIB])).toEqual([]);
  });

  it('verifyVnnlib', () => {
    const options = { method: 'ibp', timeout: 5, maxNodes: 20, pgd: { restarts: 1, steps: 2, seed: 0 } };
    // VNNLIB text is read by parseVnnlib, which reports under its own name.
    const prefix = ['verifyVnnlib: ', MODEL, 'parseVnnlib: '];
    expect(fuzzArguments('verifyVnnlib', verifyVnnlib, [spec(), VNNLIB, options], { prefix, skip: longPgd(2), same: sameUntimed, ...verifyOptions(2) })).toEqual([]);
    expect(fuzzArguments('verifyVnnlib', verifyVnnlib, [spec(), parseVnnlib(VNNLIB), options], { prefix, skip: longPgd(2), same: sameUntimed, ...verifyOptions(2) })).toEqual([]);
  });

  it('exportOnnx, loadOnnx, onnxToSpec', () => {
    // options are optional; the graph's name is free text
    expect(fuzzArguments('exportOnnx', exportOnnx, [spec(), { dtype: 'float64', name: 'tiny' }], { prefix: ['exportOnnx: ', MODEL], optionalFrom: 1, accept: ['arg1.name=a string'] })).toEqual([]);
    const bytes = exportOnnx(spec());
    expect(fuzzArguments('loadOnnx', loadOnnx, [bytes])).toEqual([]);
    expect(fuzzArguments('onnxToSpec', onnxToSpec, [bytes])).toEqual([]);
  });

  it('verify', () => {
    const options = { method: 'alpha-crown', timeout: 5, maxNodes: 20, pgd: { restarts: 1, steps: 2, seed: 0 } };
    // ONNX bytes are read by loadOnnx, VNNLIB text by parseVnnlib: each reports under its own name.
    const prefix = ['verify: ', MODEL, 'parseVnnlib: ', 'loadOnnx: '];
    expect(fuzzArguments('verify', verify, [spec(), VNNLIB, options], { prefix, skip: longPgd(2), same: sameUntimed, ...verifyOptions(2) })).toEqual([]);
    expect(fuzzArguments('verify', verify, [loadOnnx(exportOnnx(spec(), { dtype: 'float64' })), parseVnnlib(VNNLIB), { ...options, method: 'crown' }], { prefix, skip: longPgd(2), same: sameUntimed, ...verifyOptions(2) })).toEqual([]);
  });

  it('trainMlp', () => {
    const options = {
      hidden: [3], epochs: 2, learningRate: 0.01, batchSize: 2, seed: 1, weightDecay: 1e-3, classes: 2,
      testX: X(), testY: Y(), float32: false, onProgress: () => true, signal: new AbortController().signal,
    };
    // 1e12 epochs are valid, just long.
    // hidden widths are sizes; the labels are class indices
    const kinds = countEntries('arg2.hidden[0]', 'arg1[0]', 'arg1[3]');
    expect(fuzzArguments('trainMlp', trainMlp, [X(), Y(), options], { skip: ['arg2.epochs=1e12'], optionalFrom: 2, accept: [bigSeed('arg2.seed')], kinds })).toEqual([]);
  });

  it('seededSplit', () => {
    // the seed is optional
    expect(fuzzArguments('seededSplit', seededSplit, [10, 3, 1], { optionalFrom: 2, accept: [bigSeed('arg2')] })).toEqual([]);
  });

  it('classificationAccuracy', () => {
    expect(fuzzArguments('classificationAccuracy', classificationAccuracy, [spec(), X(), Y()], { prefix: ['classificationAccuracy: ', MODEL] })).toEqual([]);
  });

  it('certifiedAccuracy', () => {
    const options = {
      radii: [0, 0.05], methods: ['ibp', 'crown', 'alpha-crown'], norm: 'inf', clip: [0, 1], alpha: { iterations: 2, lr: 0.5 },
      attack: { steps: 2, restarts: 1, seed: 0 }, onProgress: () => true, signal: new AbortController().signal,
    };
    // 1e12 α-CROWN iterations or PGD steps / restarts are valid, just long.
    const skip = ['arg3.alpha.iterations=1e12', 'arg3.attack.steps=1e12', 'arg3.attack.restarts=1e12'];
    const prefix = ['certifiedAccuracy: ', MODEL];
    expect(fuzzArguments('certifiedAccuracy', certifiedAccuracy, [spec(), X(), Y(), options], { prefix, skip, same: sameUntimed, optionalFrom: 3, accept: [bigSeed('arg3.attack.seed')] })).toEqual([]);
  });

  it('localLipschitz', () => {
    const options = { C: [[1, -1]], boundsMethod: 'crown', branch: 2, samples: 5, searchSteps: 5, patternSteps: 5, seed: 1, norm: 'inf' };
    // 1e12 samples or search steps are valid, just long.
    const skip = ['arg2.samples=1e12', 'arg2.searchSteps=1e12', 'arg2.patternSteps=1e12'];
    const prefix = ['localLipschitz: ', MODEL];
    const o = { prefix, skip, optionalFrom: 2, accept: [bigSeed('arg2.seed')] };
    expect(fuzzArguments('localLipschitz', localLipschitz, [spec(), box(), options], o)).toEqual([]);
    expect(fuzzArguments('localLipschitz', localLipschitz, [spec(), ball(), { samples: 3, searchSteps: 3, patternSteps: 3 }], o)).toEqual([]);
  });
});
