/** The bad-input sweep (test/fuzz.ts) over the fair family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAllocation, doubleRoundRobin, greedyEfxPo, init, modifiedDoubleRoundRobin } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

// utilities are reals of any sign (given as integers here)
const utilities = () => [[2.5, -1.5, 0.5], [1.5, 1.5, -2.5]];

describe('fair: every bad argument gives a typed error, no leak, module usable', () => {
  it('checkAllocation', () => expect(fuzzArguments('checkAllocation', checkAllocation, [utilities(), [0, 1, 0], { maxNodes: 1000 }], {
    optionalFrom: 2,
    // any finite budget (or a huge one) is valid: 0 or a small one only leaves PO undecided
    kinds: { 'arg2.maxNodes': 'real' },
    accept: ['arg2.maxNodes=1e12', 'arg2.maxNodes=2^29 + 1', 'arg2.maxNodes=0.5', 'arg2.maxNodes=2.5', 'arg2.maxNodes=Infinity'],
  })).toEqual([]));
  for (const [name, fn] of [['doubleRoundRobin', doubleRoundRobin], ['modifiedDoubleRoundRobin', modifiedDoubleRoundRobin], ['greedyEfxPo', greedyEfxPo]] as const) {
    it(name, () => expect(fuzzArguments(name, fn, [utilities()])).toEqual([]));
  }
});
