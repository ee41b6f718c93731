/** The bad-input sweep (test/fuzz.ts) over the OT family's GW, divergence, lazy and mapping functions. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  barycentricProjection, entropicGromovWasserstein, fusedGromovWasserstein, gromovBarycenter, gromovWasserstein, init, otLoss, partialGromovWasserstein, otMapping, sinkhornDivergence, sinkhornLazy,
} from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const p = [0.5, 0.5];
const C = () => ({ data: [0, 1, 1, 0], rows: 2, cols: 2 });
const X = () => ({ data: [0, 0, 1, 1], rows: 2, cols: 2 });
const Y = () => ({ data: [0, 1, 2, 0], rows: 2, cols: 2 });
/** tol = Infinity is a valid tolerance: a run stops at its first check. */
const looseTol = (i: number): string => `arg${i}.tol=Infinity`;

describe('ot geometry: every bad argument gives a typed error, no leak, module usable', () => {
  it('gromovWasserstein, fusedGromovWasserstein, gromovBarycenter, partialGromovWasserstein, entropicGromovWasserstein', () => {
    // restarts = 1e12 is a valid count that only runs long; a bigint seed is valid
    expect(fuzzArguments('gromovWasserstein', gromovWasserstein, [C(), C(), p, p, { loss: 'square', maxIter: 20, tol: 1e-9, restarts: 1, seed: 1, spectral: 2 }], { accept: [looseTol(4), 'arg4.seed=a bigint'], skip: ['arg4.restarts=1e12'], optionalFrom: 4 })).toEqual([]);
    expect(fuzzArguments('fusedGromovWasserstein', fusedGromovWasserstein, [C(), C(), C(), p, p, { alpha: 0.5, maxIter: 20 }], { kinds: { 'arg5.alpha': 'real' }, optionalFrom: 5 })).toEqual([]);
    expect(fuzzArguments('gromovBarycenter', gromovBarycenter, [[C(), C()], [p, p], 2, { lambdas: p, p, maxIter: 3, tol: 1e-9, seed: 1, gw: { spectral: 1, maxIter: 20 } }], { accept: [looseTol(3), 'arg3.seed=a bigint'], optionalFrom: 3 })).toEqual([]);
    expect(fuzzArguments('partialGromovWasserstein', partialGromovWasserstein, [C(), C(), p, [1, 1], { mass: 0.5, maxIter: 20, tol: 1e-9, restarts: 1, seed: 1 }], { accept: [looseTol(4), 'arg4.seed=a bigint'], skip: ['arg4.restarts=1e12'], optionalFrom: 4 })).toEqual([]);
    expect(fuzzArguments('entropicGromovWasserstein', entropicGromovWasserstein, [C(), C(), p, p, { reg: 0.5, maxIter: 5, innerMaxIter: 50 }])).toEqual([]);
  });

  it('sinkhornDivergence, otLoss, sinkhornLazy', () => {
    expect(fuzzArguments('sinkhornDivergence', sinkhornDivergence, [X(), Y(), { reg: 0.5, metric: 'euclidean', maxIter: 100, tol: 1e-6, gradient: true, a: p, b: p }], { accept: [looseTol(2)] })).toEqual([]);
    expect(fuzzArguments('otLoss', otLoss, [X(), Y(), { metric: 'euclidean', a: p, b: p }], { optionalFrom: 2 })).toEqual([]);
    expect(fuzzArguments('otLoss', otLoss, [X(), Y(), { reg: 0.5, maxIter: 100, tol: 1e-6 }], { accept: [looseTol(2)], optionalFrom: 2 })).toEqual([]);
    expect(fuzzArguments('sinkhornLazy', sinkhornLazy, [X(), Y(), { reg: 0.5, maxIter: 50, tol: 1e-6, checkEvery: 5, a: p, b: p }], { accept: [looseTol(2)] })).toEqual([]);
  });

  it('otMapping, barycentricProjection', () => {
    expect(fuzzArguments('otMapping', otMapping, [X(), Y(), { reg: 0.5, metric: 'sqeuclidean' }], { kinds: { 'arg2.reg': 'real' }, optionalFrom: 2, same: (a, b) => expect([(b as { plan: unknown }).plan, (b as { mapped: unknown }).mapped]).toEqual([(a as { plan: unknown }).plan, (a as { mapped: unknown }).mapped]) })).toEqual([]);
    expect(fuzzArguments('barycentricProjection', barycentricProjection, [{ data: [0.5, 0, 0, 0.5], rows: 2, cols: 2 }, Y()], { optionalFrom: 2 })).toEqual([]);
  });
});
