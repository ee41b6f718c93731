/** The bad-input sweep (test/fuzz.ts) over the linalg family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, svd, symmetricEigen } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

describe('linalg: every bad argument gives a typed error, no leak, module usable', () => {
  it('symmetricEigen', () => {
    expect(fuzzArguments('symmetricEigen', symmetricEigen, [[2, 1, 1, 3], 2])).toEqual([]);
    expect(fuzzArguments('symmetricEigen', symmetricEigen, [new Float64Array([4]), 1])).toEqual([]);
  });

  it('svd', () => {
    expect(fuzzArguments('svd', svd, [[1, 2, 3, 4, 5, 6], 2, 3])).toEqual([]);
    expect(fuzzArguments('svd', svd, [new Float64Array([1, 2, 3]), 3, 1])).toEqual([]);
  });
});
