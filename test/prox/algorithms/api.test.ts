/**
 * The bad-input sweep (test/fuzz.ts) over the proximal algorithms: every solver, the smooth and linear
 * operator factories and the helpers, each from one small valid call (2 unknowns, a few iterations).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admm,
  bcdProx,
  chambollePock,
  davisYin,
  douglasRachford,
  fista,
  indBox,
  init,
  lasso,
  lassoDualityGap,
  leastSquares,
  matrixOperator,
  normL1,
  operatorNorm,
  panoc,
  pdhg,
  vuCondat,
  proximalGradient,
  totalVariation2D,
} from '../../../bindings/index.js';
import { fuzzArguments } from '../../fuzz.js';

beforeAll(() => init());

const A = [2, 0.5, 0.5, 1];
const b = [1, -1];
/** onProgress and signal are part of the sweep: a listener that lets the run go on, a live signal. */
const common = () => ({ maxIter: 4, tol: 1e-10, historyLength: 4, onProgress: () => undefined, signal: new AbortController().signal });
/** A smooth term as plain callbacks (½‖x − c‖²), so its keys are swept like a user's object. */
const smooth = () => ({
  value: (x: Float64Array) => 0.5 * ((x[0]! - 1) ** 2 + (x[1]! + 1) ** 2),
  gradient: (x: Float64Array, out: Float64Array) => {
    out[0] = x[0]! - 1;
    out[1] = x[1]! + 1;
  },
  dimension: 2,
  lipschitz: 1,
});
/** The run's deterministic part (onProgress timings are not in the result). */
/**
 * Fields of an operator object that a solver never reads, or reads only to name the operator in a
 * message (name, properties, the sizes of a smooth term, plus `fields`: e.g. the prox of a smooth term
 * under a gradient method): may hold anything.
 */
const unread = (i: number, ...fields: string[]): string[] =>
  ['name', 'properties', 'properties.convex', 'properties.separable', 'properties.prox', 'properties.indicator', 'rows', 'cols', ...fields].map((f) => `arg${i}.${f}`);
/** tol = Infinity is a valid stopping tolerance: the run stops at its first check. */
const looseTol = (i: number): string => `arg${i}.tol=Infinity`;
const solve = (f: (...a: any[]) => { x: Float64Array; iterations: number; stopped: string }) => (...a: unknown[]) => {
  const r = f(...a);
  return { x: r.x, iterations: r.iterations, stopped: r.stopped };
};

describe('prox algorithms: every bad argument gives a typed error, no leak, module usable', () => {
  it('proximalGradient and fista', () => {
    for (const [name, fn] of [['proximalGradient', proximalGradient], ['fista', fista]] as const) {
      const run = solve(fn as never);
      const ls = leastSquares(A, b);
      // options are optional; the Lipschitz constants are reals; f.lipschitz is unread when options give the step
      const kinds = { 'arg0.lipschitz': 'real', 'arg2.lipschitz': 'real' } as const;
      const o = (...fields: string[]) => ({ optionalFrom: 2, accept: [...unread(0, 'prox', ...fields), ...unread(1), looseTol(2)], kinds });
      expect(fuzzArguments(name, run, [ls, normL1(0.1), { ...common(), x0: [0, 0], backtrack: 0.5, certificateEvery: 2, dualityGap: lassoDualityGap(0.1) }], o())).toEqual([]);
      expect(fuzzArguments(name, run, [smooth(), indBox(-0.5, 0.5), { ...common(), step: 0.5 }], o('lipschitz'))).toEqual([]);
      expect(fuzzArguments(name, run, [smooth(), normL1(0.1), { maxIter: 3, lipschitz: 1, x0: new Float64Array(2) }], o('lipschitz'))).toEqual([]);
    }
    const o = { optionalFrom: 2, accept: [...unread(0, 'prox'), ...unread(1)], kinds: { 'arg0.lipschitz': 'real' } as const };
    expect(fuzzArguments('fista', solve(fista as never), [smooth(), normL1(0.1), { maxIter: 3, restart: 'function' }], o)).toEqual([]);
  });

  it('panoc', () => {
    const kinds = { 'arg0.lipschitz': 'real', 'arg2.lipschitz': 'real' } as const;
    const o = (...fields: string[]) => ({ optionalFrom: 2, accept: [...unread(0, 'prox', ...fields), ...unread(1), looseTol(2)], kinds });
    expect(fuzzArguments('panoc', solve(panoc as never), [leastSquares(A, b), normL1(0.1), { ...common(), x0: [0, 0], memory: 3 }], o())).toEqual([]);
    expect(fuzzArguments('panoc', solve(panoc as never), [smooth(), indBox(-0.5, 0.5), { ...common(), lipschitz: 2 }], o('lipschitz'))).toEqual([]);
  });

  it('lasso and lassoDualityGap', () => {
    const run = (...a: unknown[]) => {
      const r = (lasso as (...a: unknown[]) => ReturnType<typeof lasso>)(...a);
      return { x: r.x, lambdaMax: r.lambdaMax, iterations: r.iterations };
    };
    expect(fuzzArguments('lasso', run, [A, b, 0.1, { ...common(), restart: 'none', x0: [0, 0] }], { optionalFrom: 3, accept: [looseTol(3)] })).toEqual([]);
    const gap = (lambda: unknown) => (lassoDualityGap as (l: unknown) => (w: Float64Array, g: Float64Array, v: number) => number)(lambda)(new Float64Array([1, 0]), new Float64Array([0.5, -0.2]), 0.3);
    expect(fuzzArguments('lassoDualityGap', gap, [0.1])).toEqual([]);
  });

  it('leastSquares', () => {
    const make = (...a: unknown[]) => {
      const f = (leastSquares as (...a: unknown[]) => ReturnType<typeof leastSquares>)(...a);
      return { rows: f.rows, cols: f.cols, value: f.cols === 2 ? f.value([1, 1]) : null, lipschitz: f.lipschitz };
    };
    expect(fuzzArguments('leastSquares', make, [A, b])).toEqual([]);
    expect(fuzzArguments('leastSquares', make, [new Float64Array(A), new Float64Array(b)])).toEqual([]);
  });

  it('leastSquares(A, b).prox and .value', () => {
    const f = leastSquares(A, b);
    expect(fuzzArguments('leastSquares.prox', f.prox as never, [[1, 0], 0.5, new Float64Array(2)], { optionalFrom: 1 })).toEqual([]);
    expect(fuzzArguments('leastSquares.value', f.value as never, [[1, 0]])).toEqual([]);
  });

  it('admm and douglasRachford', () => {
    const ls = leastSquares(A, b);
    // both terms are used through their prox: a smooth term's gradient and Lipschitz constant are unread;
    // rho and gamma (penalty, step) are reals > 0; options are optional
    const o = { optionalFrom: 2, accept: [...unread(0, 'gradient', 'lipschitz'), ...unread(1), looseTol(2)], kinds: { 'arg2.rho': 'real', 'arg2.gamma': 'real' } as const };
    expect(fuzzArguments('admm', solve(admm as never), [ls, indBox(-0.5, 0.5), { ...common(), rho: 2, relaxation: 1.5, z0: [0, 0], u0: [0, 0], dimension: 2 }], o)).toEqual([]);
    expect(fuzzArguments('admm', solve(admm as never), [normL1(0.1), indBox([-1, -1], [1, 1]), { maxIter: 3, z0: [0.5, 0.5] }], o)).toEqual([]);
    expect(fuzzArguments('douglasRachford', solve(douglasRachford as never), [ls, indBox(-0.5, 0.5), { ...common(), gamma: 2, relaxation: 1.5, z0: [0, 0], dimension: 2 }], o)).toEqual([]);
    expect(fuzzArguments('douglasRachford', solve(douglasRachford as never), [normL1(0.1), indBox([-1, -1], [1, 1]), { maxIter: 3, z0: [0.5, 0.5] }], o)).toEqual([]);
  });

  it('pdhg and chambollePock', () => {
    for (const [name, fn] of [['pdhg', pdhg], ['chambollePock', chambollePock]] as const) {
      const run = solve(fn as never);
      const K = matrixOperator([1, -1, 0, 1], 2, 2);
      const o = { optionalFrom: 3, accept: [...unread(0), ...unread(1), looseTol(3)] };
      // gap () => 0 stops the run at once, so that the sweep's maxIter=1e12 (valid) ends too; the others converge within tol.
      expect(fuzzArguments(name, run, [normL1(1), indBox(-1, 1), K, { ...common(), relaxation: 1.5, x0: [0.5, 0], y0: [0, 0], opNorm: 1.7, gap: () => 0 }], o)).toEqual([]);
      expect(fuzzArguments(name, run, [normL1(1), indBox(-1, 1), matrixOperator([1, -1, 0, 1, 1, 1], 3, 2), { maxIter: 3, tau: 0.3, sigma: 0.3 }], o)).toEqual([]);
      expect(fuzzArguments(name, run, [normL1(1), indBox(-1, 1), K, { maxIter: 3, sigma: 0.3 }], o)).toEqual([]);
    }
  });

  it('davisYin and vuCondat', () => {
    const ls = leastSquares(A, b);
    // f, g are used through their prox; h through value, gradient and lipschitz (its prox is unread)
    const kinds = { 'arg2.lipschitz': 'real', 'arg3.gamma': 'real', 'arg3.lipschitz': 'real' } as const;
    const o = { optionalFrom: 3, accept: [...unread(0, 'gradient', 'lipschitz'), ...unread(1), ...unread(2, 'prox'), looseTol(3)], kinds };
    expect(fuzzArguments('davisYin', solve(davisYin as never), [normL1(0.1), indBox(-0.5, 0.5), ls, { ...common(), gamma: 0.3, relaxation: 1.2, z0: [0, 0], dimension: 2 }], o)).toEqual([]);
    expect(fuzzArguments('davisYin', solve(davisYin as never), [normL1(0.1), indBox([-1, -1], [1, 1]), smooth(), { maxIter: 3, lipschitz: 2 }], o)).toEqual([]);
    const K = matrixOperator([1, -1, 0, 1], 2, 2);
    const ov = { optionalFrom: 4, accept: [...unread(0), ...unread(1), ...unread(2, 'prox'), looseTol(4)], kinds: { 'arg2.lipschitz': 'real', 'arg4.lipschitz': 'real' } as const };
    expect(fuzzArguments('vuCondat', solve(vuCondat as never), [normL1(1), indBox(-1, 1), smooth(), K, { ...common(), relaxation: 1.2, x0: [0.5, 0], y0: [0, 0], opNorm: 1.7, gap: () => 0 }], ov)).toEqual([]);
    expect(fuzzArguments('vuCondat', solve(vuCondat as never), [normL1(1), indBox(-1, 1), ls, K, { maxIter: 3, lipschitz: 4, sigma: 0.3 }], ov)).toEqual([]);
  });

  it('matrixOperator and operatorNorm', () => {
    const make = (...a: unknown[]) => {
      const K = (matrixOperator as (...a: unknown[]) => ReturnType<typeof matrixOperator>)(...a);
      const out = new Float64Array(K.rows);
      K.apply(new Float64Array(K.cols).fill(1), out);
      return { rows: K.rows, cols: K.cols, out };
    };
    expect(fuzzArguments('matrixOperator', make, [[1, 2, 3, 4, 5, 6], 2, 3])).toEqual([]);
    expect(fuzzArguments('operatorNorm', operatorNorm as never, [matrixOperator([1, 2, 3, 4, 5, 6], 3, 2)])).toEqual([]);
  });

  it('bcdProx', () => {
    const objective = (blocks: readonly Float64Array[]) => (blocks[0]![0]! - 1) ** 2 + (blocks[1]![0]! + blocks[0]![0]!) ** 2;
    const blocks = () => [
      { x0: [0], update: (t: readonly Float64Array[], c: number, out: Float64Array) => void (out[0] = (2 - 2 * t[1]![0]! + c * t[0]![0]!) / (4 + c)) },
      { x0: new Float64Array([0]), update: (t: readonly Float64Array[], c: number, out: Float64Array) => void (out[0] = (-2 * t[0]![0]! + c * t[1]![0]!) / (2 + c)) },
    ];
    expect(fuzzArguments('bcdProx', solve(bcdProx as never), [objective, blocks(), { ...common(), c: 0.5 }], { optionalFrom: 2, accept: [looseTol(2)] })).toEqual([]);
  });

  it('totalVariation2D and its prox and value', () => {
    const make = (...a: unknown[]) => {
      const op = (totalVariation2D as (...a: unknown[]) => ReturnType<typeof totalVariation2D>)(...a);
      return { name: op.name, rows: op.rows, cols: op.cols };
    };
    expect(fuzzArguments('totalVariation2D', make, [0.5, 2, 3, { tol: 1e-6, maxIter: 20, certificateEvery: 2 }], { optionalFrom: 3, accept: [looseTol(3)] })).toEqual([]);
    const op = totalVariation2D(0.5, 2, 3, { maxIter: 20 });
    expect(fuzzArguments(op.name + '.prox', op.prox as never, [[1, 0, 2, 3, 0, 1], 0.5, new Float64Array(6)], { optionalFrom: 1 })).toEqual([]);
    expect(fuzzArguments(op.name + '.value', op.value as never, [[1, 0, 2, 3, 0, 1]])).toEqual([]);
  });
});
