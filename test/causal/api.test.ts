/** The bad-input sweep (test/fuzz.ts) over the causal family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, proximalDoseResponse, proximalTrueCurve, simulateProximal } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

describe('causal: every bad argument gives a typed error, no leak, module usable', () => {
  it('simulateProximal', () => expect(fuzzArguments('simulateProximal', simulateProximal, [{ n: 6, seed: 1, misspecify: 'outcome' }], { optionalFrom: 0, accept: ['arg0.seed=a bigint'] })).toEqual([]));
  it('proximalTrueCurve', () => expect(fuzzArguments('proximalTrueCurve', proximalTrueCurve, [[0, 1, 2]])).toEqual([]));
  it('proximalDoseResponse', () => {
    const s = simulateProximal({ n: 8, seed: 2 });
    const data = { a: Array.from(s.data.a), y: Array.from(s.data.y), z: Array.from(s.data.z), w: Array.from(s.data.w), x: Array.from(s.data.x) };
    // the ridge weights, bandwidth and length-scale are reals given as non-integers already; a huge
    // bandwidth or length-scale is valid (a flat kernel)
    expect(fuzzArguments('proximalDoseResponse', proximalDoseResponse, [data, {
      grid: [0, 0.5], bandwidth: 0.7, lengthScale: 0.5, lambda: 0.01, lambdaTest: 0.01, outcomeCovariates: Array.from(s.data.x), treatmentCovariates: Array.from(s.data.x), treatmentRange: [-2, 2],
    }], { optionalFrom: 1, accept: ['arg1.bandwidth=1e12', 'arg1.lengthScale=1e12', 'arg1.lambda=1e12', 'arg1.lambdaTest=1e12', 'arg1.bandwidth=2^29 + 1', 'arg1.lengthScale=2^29 + 1', 'arg1.lambda=2^29 + 1', 'arg1.lambdaTest=2^29 + 1'] })).toEqual([]);
  });
});
