/** The bad-input sweep (test/fuzz.ts) over the cvar family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cvar,
  cvarAndVar,
  cvarQp,
  cvarReference,
  cvarStep,
  cvarSweep,
  cvarWeights,
  formatSweepTable,
  init,
  minimizeCvar,
  projectCvarSet,
  projectCvarSetInfo,
  sweepSvg,
  tailCount,
  valueAtRisk,
  type CvarSweepResult,
  type MinimizeCvarResult,
} from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const losses = [1, 5, 2, 8, 3];
// 8 samples, 2 features: every run below takes well under a millisecond.
const rows = [
  [1, 0.5],
  [-0.3, 1],
  [0.2, -0.7],
  [1.1, 0.1],
  [-1, -0.4],
  [0.6, 0.9],
  [-0.5, 0.3],
  [0.4, -1.2],
];
const y = [1.2, 0.3, -0.8, 1.5, -1.1, 0.9, -0.2, -0.6];
const matrix = () => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2 });
const problem = () => ({ name: 'tiny', X: matrix(), y: Float64Array.from(y), loss: 'squared' as const });
const sweepOptions = () => ({
  problems: [problem()],
  stepSizes: [0.1, 1],
  seeds: 1,
  epochs: 1,
  betas: [0.75],
  methods: ['sgm' as const],
  schedule: 'constant' as const,
  tol: 0.01,
  onProgress: () => {},
  signal: new AbortController().signal,
});
// Run counts that are valid but would run for days: not bad input.
const LONG = ['arg0.epochs=1e12'];
// The two valid calls agree up to their timings.
const untimed = (r: MinimizeCvarResult) => ({ ...r, timeMs: 0, history: r.history.map((h) => ({ ...h, elapsedMs: 0 })) });
const sameRun = (a: unknown, b: unknown) => expect(untimed(b as MinimizeCvarResult)).toEqual(untimed(a as MinimizeCvarResult));

describe('cvar: every bad argument gives a typed error, no leak, module usable', () => {
  it('cvar', () => expect(fuzzArguments('cvar', cvar, [losses, 0.6])).toEqual([]));
  it('valueAtRisk', () => expect(fuzzArguments('valueAtRisk', valueAtRisk, [losses, 0.6])).toEqual([]));
  it('cvarAndVar', () => expect(fuzzArguments('cvarAndVar', cvarAndVar, [losses, 0.6])).toEqual([]));
  // out and the options are optional (a new array when undefined; equal weights)
  it('cvarWeights', () => expect(fuzzArguments('cvarWeights', cvarWeights, [losses, 0.6, new Float64Array(5), { weights: [1, 2, 0, 1, 3] }], { optionalFrom: 2 })).toEqual([]));
  // κ, the CVaR bound, is any finite real (given as 2 here); out is optional
  const kappa = { kinds: { arg2: 'real' as const }, optionalFrom: 3 };
  it('projectCvarSet', () => expect(fuzzArguments('projectCvarSet', projectCvarSet, [losses, 0.6, 2, new Float64Array(5)], kappa)).toEqual([]));
  it('projectCvarSetInfo', () => expect(fuzzArguments('projectCvarSetInfo', projectCvarSetInfo, [losses, 0.6, 2, new Float64Array(5)], kappa)).toEqual([]));
  it('tailCount', () => expect(fuzzArguments('tailCount', tailCount, [10, 0.9])).toEqual([]));

  it('cvarStep', () => {
    for (const method of ['spl+', 'spl', 'sgm'] as const) {
      const input = { theta: [1, 2], eta: 0.5, loss: 1, grad: [0.5, -1], beta: 0.9, stepSize: 0.1, method };
      // the loss is a real (>= 0 only for 'spl+', which refuses -1 itself)
      expect(fuzzArguments('cvarStep', cvarStep, [input], { kinds: { 'arg0.loss': 'real' } })).toEqual([]);
    }
  });

  it('minimizeCvar (rows, built-in loss)', () => {
    const options = {
      X: rows, y, loss: 'squared', beta: 0.75, method: 'spl+', stepSize: 0.1, schedule: 'constant', epochs: 2, batchSize: 2,
      fitIntercept: true, seed: 1, eta0: 0, onProgress: () => true, signal: new AbortController().signal,
    };
    // eta0 (the starting η) is any real; a bigint seed is valid (seeds are integers in [0, 2^53) or bigints in [0, 2^64))
    const kinds = { 'arg0.eta0': 'real' as const };
    expect(fuzzArguments('minimizeCvar', minimizeCvar, [options], { skip: LONG, same: sameRun, kinds, accept: ['arg0.seed=a bigint'] })).toEqual([]);
  });

  it('minimizeCvar (matrix, custom loss)', () => {
    const loss = { value: (p: number, t: number) => (p - t) ** 2 / 2, derivative: (p: number, t: number) => p - t };
    const options = { X: matrix(), y: Float64Array.from(y), loss, beta: 0.75, method: 'sgm', stepSize: 0.1, epochs: 1 };
    expect(fuzzArguments('minimizeCvar', minimizeCvar, [options], { skip: LONG, same: sameRun })).toEqual([]);
  });

  it('cvarQp', () => {
    const problem = {
      P: { data: [2, 0.5, 0.5, 1], rows: 2, cols: 2 }, q: [1, -1], A: rows, beta: 0.5, kappa: 0.3,
      B: [[1, 1], [1, 0]], l: [-1, -Infinity], u: [1, 2],
    };
    const options = {
      rho: 0.1, adaptiveRho: true, alpha: 1.6, sigma: 1e-6, maxIter: 30, absTol: 1e-7, relTol: 1e-6,
      warmStart: { x: [0, 0] }, onProgress: () => true, signal: new AbortController().signal,
    };
    // κ is any real and relTol may be 0; a lower bound may be −Infinity and an upper one +Infinity (no bound)
    const kinds = { 'arg0.kappa': 'real', 'arg1.relTol': 'real' } as const;
    const accept = ['arg0.l[0]=-Infinity', 'arg0.l[1]=-Infinity', 'arg0.u[0]=Infinity', 'arg0.u[1]=Infinity', 'arg0.u=[Infinity, 1]'];
    expect(fuzzArguments('cvarQp', cvarQp, [problem, options], { skip: ['arg1.maxIter=1e12'], kinds, accept, optionalFrom: 1, same: (a, b) => expect((a as { x: Float64Array }).x).toEqual((b as { x: Float64Array }).x) })).toEqual([]);
  });

  it('cvarReference', () => {
    expect(fuzzArguments('cvarReference', cvarReference, [{ X: rows, y, loss: 'squared', beta: 0.75, fitIntercept: true }])).toEqual([]);
    const labels = y.map((v) => (v > 0 ? 1 : -1));
    expect(fuzzArguments('cvarReference', cvarReference, [{ X: matrix(), y: labels, loss: 'logistic', beta: 0.75 }])).toEqual([]);
  });

  it('cvarSweep', () => {
    // timeMs differs between the two valid calls.
    const same = (a: unknown, b: unknown) => expect((b as CvarSweepResult).panels).toEqual((a as CvarSweepResult).panels);
    // a problem's name is free text; tol = Infinity is documented (every step size counts as good)
    const accept = ['arg0.problems[0].name=a string', 'arg0.tol=Infinity'];
    expect(fuzzArguments('cvarSweep', cvarSweep, [sweepOptions()], { skip: LONG, same, accept })).toEqual([]);
  });

  it('formatSweepTable and sweepSvg', () => {
    const r = cvarSweep({ ...sweepOptions(), methods: ['spl+', 'sgm'] });
    // Fields neither reads (checked by cvarSweep when it made them), free text, and the documented tol = Infinity.
    const accept = ['arg0.timeMs', 'arg0.panels[0].optimum', 'arg0.panels[0].lowerBound', 'arg0.panels[0].problem=a string', 'arg0.tol=Infinity'];
    expect(fuzzArguments('formatSweepTable', formatSweepTable, [r], { accept })).toEqual([]);
    expect(fuzzArguments('sweepSvg', sweepSvg, [r], { accept })).toEqual([]);
  });
});
