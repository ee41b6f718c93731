/**
 * The bad-input sweep (test/fuzz.ts) over the saddle family: every solver from one small valid call,
 * each argument and option replaced by every bad value in turn.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aProxFtrl, alpd, bestInHindsight, bilinearCoupling, bregmanBaryconvexProx, bregmanFirmGap, ftrl, generalizedImplicitFtrl,
  implicitFtrl, inexactAlpd, init, lpd, lvhba, matrixOperator, ogd, penaltyBilevel, proxyProxPoint, sqrNormL2,
} from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const common = () => ({ maxIter: 4, tol: 1e-10, historyLength: 4, onProgress: () => undefined, signal: new AbortController().signal });
const smooth = () => ({
  value: (x: Float64Array) => 0.5 * ((x[0]! - 1) ** 2 + (x[1]! + 1) ** 2),
  gradient: (x: Float64Array, out: Float64Array) => {
    out[0] = x[0]! - 1;
    out[1] = x[1]! + 1;
  },
  dimension: 2,
  lipschitz: 1,
});
/** Fields a solver never reads (an operator's name and properties) may hold anything. */
const unread = (site: string, ...fields: string[]): string[] =>
  ['name', 'properties', 'properties.convex', 'properties.separable', 'properties.prox', 'properties.indicator', ...fields].map((f) => `${site}.${f}`);
const solve = (f: (...a: any[]) => { x: Float64Array; iterations: number; stopped: string }) => (...a: unknown[]) => {
  const r = f(...a);
  return { x: r.x, iterations: r.iterations, stopped: r.stopped };
};
const bilevelFn = (lipschitz: number, c: number) => ({
  lipschitz,
  value: (x: Float64Array, y: Float64Array) => 0.5 * ((x[0]! - c) ** 2 + (y[0]! - x[0]!) ** 2),
  gradX: (x: Float64Array, y: Float64Array, o: Float64Array) => void (o[0] = 2 * x[0]! - c - y[0]!),
  gradY: (x: Float64Array, y: Float64Array, o: Float64Array) => void (o[0] = y[0]! - x[0]!),
});

describe('saddle: every bad argument gives a typed error, no leak, module usable', () => {
  it('lpd, alpd, inexactAlpd', () => {
    for (const [name, fn] of [['lpd', lpd], ['alpd', alpd], ['inexactAlpd', inexactAlpd]] as const) {
      const problem = { f: smooth(), coupling: matrixOperator([1, 0.5, -0.5, 1], 2, 2), g: sqrNormL2(1), mu: 1 };
      const o = { ...common(), x0: [0.1, 0.2], y0: [0, 0], lipschitz: 1, restart: true, inner: { maxIter: 5, tol: 1e-8 } };
      expect(fuzzArguments(name, solve(fn as never), [problem, o], {
        optionalFrom: 1,
        kinds: { 'arg0.f.lipschitz': 'real', 'arg0.mu': 'real', 'arg1.lipschitz': 'real', 'arg1.tol': 'real', 'arg1.inner.tol': 'real' },
        accept: [...unread('arg0.g'), 'arg1.tol=Infinity', 'arg1.inner.tol=Infinity'],
        skip: ['arg1.maxIter=1e12', 'arg1.inner.maxIter=1e12', 'arg1.historyLength=1e12'],
      })).toEqual([]);
    }
  });

  it('bilinearCoupling', () => {
    expect(fuzzArguments('bilinearCoupling', (K: unknown, n: unknown) => bilinearCoupling(K as never, n as never).lipschitzYX, [matrixOperator([1, 0, 0, 2], 2, 2), 2], { optionalFrom: 1, kinds: { arg1: 'real' } })).toEqual([]);
  });

  it('penaltyBilevel and lvhba', () => {
    const problem = () => ({ upper: bilevelFn(2, 1), lower: bilevelFn(2, 0), dimX: 1, dimY: 1 });
    expect(fuzzArguments('penaltyBilevel', solve(penaltyBilevel as never), [problem(), { ...common(), x0: [0], y0: [0], sigma: 0.1, innerSteps: 2, stepX: 0.1, stepY: 0.1 }], {
      optionalFrom: 1,
      kinds: { 'arg0.upper.lipschitz': 'real', 'arg0.lower.lipschitz': 'real', 'arg1.sigma': 'real', 'arg1.stepX': 'real', 'arg1.stepY': 'real', 'arg1.tol': 'real' },
      accept: ['arg1.tol=Infinity'],
      skip: ['arg1.maxIter=1e12', 'arg1.innerSteps=1e12', 'arg1.historyLength=1e12'],
    })).toEqual([]);
    expect(fuzzArguments('lvhba', solve(lvhba as never), [problem(), { ...common(), x0: [0], y0: [0], gamma1: 10, gamma2: 0.01, c0: 10, p: 0.3, alpha: 0.1, beta: 0.01, eta: 0.1 }], {
      optionalFrom: 1,
      kinds: { 'arg0.upper.lipschitz': 'real', 'arg0.lower.lipschitz': 'real', 'arg1.gamma1': 'real', 'arg1.gamma2': 'real', 'arg1.c0': 'real', 'arg1.alpha': 'real', 'arg1.beta': 'real', 'arg1.eta': 'real', 'arg1.tol': 'real' },
      accept: ['arg1.tol=Infinity'],
      skip: ['arg1.maxIter=1e12', 'arg1.historyLength=1e12'],
    })).toEqual([]);
  });

  it('proxyProxPoint', () => {
    const h = { ...smooth(), lipschitz: 2 };
    expect(fuzzArguments('proxyProxPoint', solve(proxyProxPoint as never), [smooth(), h, { ...common(), x0: [0, 0], step: 1, proxyLipschitz: 2, innerSteps: 3, innerTol: 0.1 }], {
      optionalFrom: 2,
      kinds: { 'arg0.lipschitz': 'real', 'arg1.lipschitz': 'real', 'arg2.step': 'real', 'arg2.proxyLipschitz': 'real', 'arg2.innerTol': 'real', 'arg2.tol': 'real' },
      accept: ['arg2.tol=Infinity'],
      skip: ['arg2.maxIter=1e12', 'arg2.innerSteps=1e12', 'arg2.historyLength=1e12'],
    })).toEqual([]);
  });

  it('the online methods and bestInHindsight', () => {
    const X = [[1, 0.5], [-0.3, 1], [0.2, -0.7]];
    const y = [1, -1, 1];
    for (const [name, fn] of [['ogd', ogd], ['ftrl', ftrl], ['implicitFtrl', implicitFtrl], ['aProxFtrl', aProxFtrl], ['generalizedImplicitFtrl', generalizedImplicitFtrl]] as const) {
      const o: Record<string, unknown> = { eta: 0.5, schedule: 'sqrt', comparator: [0.1, 0.2] };
      if (name === 'generalizedImplicitFtrl') o.update = 'aprox';
      expect(fuzzArguments(name, (...a: unknown[]) => (fn as (...b: unknown[]) => { x: Float64Array }).apply(null, a).x, [X, y, 'logistic', o], {
        optionalFrom: 3,
        kinds: { 'arg3.eta': 'real', 'arg1.0': 'entry' },
      })).toEqual([]);
    }
    expect(fuzzArguments('bestInHindsight', (...a: unknown[]) => (bestInHindsight as (...b: unknown[]) => { totalLoss: number }).apply(null, a).totalLoss, [X, y, 'hinge', 2], { kinds: { arg3: 'real' } })).toEqual([]);
  });

  it('bregmanBaryconvexProx and bregmanFirmGap', () => {
    const q = (c: number) => ({ dimension: 1, value: (x: Float64Array) => 0.5 * (x[0]! - c) ** 2, gradient: (x: Float64Array, o: Float64Array) => void (o[0] = x[0]! - c) });
    expect(fuzzArguments('bregmanBaryconvexProx', (...a: unknown[]) => (bregmanBaryconvexProx as (...b: unknown[]) => { x: Float64Array }).apply(null, a).x, [[q(-1), q(2)], [0], [0.5, 0.5], 1, { geometry: 'euclidean', tol: 1e-12, maxIter: 1000 }], {
      optionalFrom: 4,
      kinds: { arg3: 'real', 'arg4.tol': 'real', 'arg2.0': 'entry', 'arg2.1': 'entry' },
      skip: ['arg4.maxIter=1e12'],
      accept: ['arg4.tol=Infinity'],
    })).toEqual([]);
    const p = (x: number[], w: number[]) => ({ x, w });
    expect(fuzzArguments('bregmanFirmGap', bregmanFirmGap as never, [p([0.2], [0.5, 0.5]), p([0.1], [0.4, 0.6]), p([0.3], [0.3, 0.7]), p([0.25], [0.6, 0.4]), 'euclidean'], { optionalFrom: 4 })).toEqual([]);
  });
});
