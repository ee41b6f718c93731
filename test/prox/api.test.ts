/**
 * The bad-input sweep (test/fuzz.ts) over the prox family's public surface: softThreshold,
 * projectSimplex, every operator factory of the catalogue and the methods of what they return.
 *
 * Prefixes: a factory reports under its own name (`normL1: `). The methods of a returned operator
 * report under the operator's `name`, parameters included (`normL1(0.5).prox: `,
 * `klSimplex(mu = 0.5, reference [3]).step: `), as defineOperator, the calculus rules and klSimplex
 * all do: that name is what a user sees in `op.name`, and it tells two operators of one factory
 * apart. Hence the `prefix` option on every method sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocF64,
  conjugate,
  elasticNet,
  huberLoss,
  indBallL1,
  indBallL2,
  indBallLinf,
  indBox,
  indHalfspace,
  indHyperplane,
  indNonnegative,
  indSimplex,
  init,
  klSimplex,
  lossProx,
  moreauEnvelope,
  nmSparsity,
  normL1,
  normL2,
  normL21,
  normLinf,
  nuclearNorm,
  indPsd,
  indSoc,
  indBallL0,
  normL0,
  indSphereL2,
  indRank,
  indStiefel,
  indExpCone,
  indAffine,
  quadratic,
  ParameterError,
  projectSimplex,
  proxSparse,
  scaled,
  separableSum,
  ShapeError,
  softThreshold,
  sqrNormL2,
  totalVariation1D,
  totalVariation1DStrided,
  translated,
  precomposed,
  tilted,
  tv1dScratchLength,
  type F64Buffer,
  type ProxOperator,
} from '../../bindings/index.js';
import { countEntries, fuzzArguments, type FuzzOptions } from '../fuzz.js';

/** Every argument has a default (λ = 1, radius = 1, …). */
const ALL_OPTIONAL: FuzzOptions = { optionalFrom: 0 };
/** A name is free text (calculus rules read it only to name their result). */
const FREE_NAME = (site: string): string => `${site}.name=a string`;

beforeAll(() => init());

type Factory = (...a: any[]) => ProxOperator;
type AnyFn = (...a: any[]) => unknown;

/** What a factory's sweep compares: the operator's name and declared properties (methods are swept apart). */
const summary = (op: ProxOperator) => ({ name: op.name, properties: { ...op.properties } });

/**
 * Sweeps a factory from `args` (with `factory`: its optional arguments, real-valued sites and accepted
 * pairs, each explained at the call), then prox (v, t, out; t and out optional) and value (x) of the
 * operator it builds.
 */
function sweepOperator(label: string, make: Factory, args: unknown[], v: number[], factory: FuzzOptions = {}): void {
  expect(fuzzArguments(label, (...a) => summary(make(...a)), args, factory)).toEqual([]);
  const op = make(...args);
  const prox = (w: unknown, t?: unknown, out?: unknown) => op.prox(w as number[], t as number, out as Float64Array);
  expect(fuzzArguments(`${label}.prox`, prox, [v, 0.5, new Float64Array(v.length)], { prefix: `${op.name}.prox: `, optionalFrom: 1 })).toEqual([]);
  expect(fuzzArguments(`${label}.value`, (x: unknown) => op.value(x as number[]), [v], { prefix: `${op.name}.value: ` })).toEqual([]);
}

describe('prox: every bad argument gives a typed error, no leak, module usable', () => {
  it('softThreshold and projectSimplex', () => {
    // t = Infinity is valid (the prox of λ‖·‖₁ with an infinite step is 0); out is optional
    expect(fuzzArguments('softThreshold', softThreshold as AnyFn, [[1, -2, 3], 0.5, new Float64Array(3)], { optionalFrom: 2, accept: ['arg1=Infinity'] })).toEqual([]);
    // the radius (default 1) is a real > 0; out is optional
    expect(fuzzArguments('projectSimplex', projectSimplex as AnyFn, [[0.2, 0.5, 0.9], 1, new Float64Array(3)], { optionalFrom: 1, kinds: { arg1: 'real' } })).toEqual([]);
  });

  it('softThreshold and an operator prox on the zero-copy path (F64Buffer in and out)', () => {
    const v = allocF64([1, -2, 3]);
    const out = allocF64(3);
    try {
      const copy = (f: AnyFn) => (...a: unknown[]) => {
        const r = f(...a);
        return r && typeof (r as F64Buffer).toArray === 'function' ? (r as F64Buffer).toArray() : r;
      };
      expect(fuzzArguments('softThreshold', copy(softThreshold), [v, 0.5, out], { optionalFrom: 2, accept: ['arg1=Infinity'] })).toEqual([]);
      const op = normL2(0.5);
      expect(fuzzArguments('normL2.prox', copy(op.prox), [v, 0.5, out], { prefix: `${op.name}.prox: `, optionalFrom: 1 })).toEqual([]);
    } finally {
      v.free();
      out.free();
    }
  });

  it('norms and regularizers', () => {
    const v = [1, -2, 3];
    sweepOperator('normL1', normL1, [0.5], v, ALL_OPTIONAL);
    sweepOperator('normL1', normL1, [0.5, [1, 0, 2]], v, ALL_OPTIONAL);
    sweepOperator('normL2', normL2, [0.5], v, ALL_OPTIONAL);
    sweepOperator('sqrNormL2', sqrNormL2, [0.5], v, ALL_OPTIONAL);
    sweepOperator('elasticNet', elasticNet, [0.5, 0.25], v, ALL_OPTIONAL);
    sweepOperator('normLinf', normLinf, [0.5], v, ALL_OPTIONAL);
    // groups may have different sizes (ragged is valid); λ and the weights are optional
    // group entries are indices (counts)
    const groups = { optionalFrom: 1, accept: ['arg0=[[1, 2], [3]]'], kinds: countEntries('arg0[0][0]', 'arg0[0][1]') };
    sweepOperator('normL21', normL21, [[[0, 1], [2]], 0.5, [1, 2]], v, groups);
    sweepOperator('normL21', normL21, [[[2, 0]], 0.5], v, groups);
    sweepOperator('huberLoss', huberLoss, [0.5], v, ALL_OPTIONAL);
  });

  it('indicators of sets', () => {
    const v = [0.2, -0.5, 0.9];
    // A bound is a real or a vector (its length is checked against x later); lo may be −Infinity and
    // hi Infinity (no bound), not the other way round (an empty box).
    const box: FuzzOptions = {
      kinds: { arg0: 'real', arg1: 'real' },
      accept: ['arg0=numeric arrays', 'arg1=numeric arrays', 'arg0=-Infinity', 'arg1=Infinity', 'arg1=[Infinity, 1]'],
    };
    sweepOperator('indBox', indBox, [0, 1], v, box);
    const boxes: FuzzOptions = {
      accept: ['arg0=finite numbers', 'arg0=-Infinity', 'arg0[0]=-Infinity', 'arg0[2]=-Infinity', 'arg1=finite numbers', 'arg1=Infinity', 'arg1=[Infinity, 1]', 'arg1[0]=Infinity', 'arg1[2]=Infinity'],
    };
    sweepOperator('indBox', indBox, [[0, -1, 0], [1, 1, Infinity]], v, boxes);
    sweepOperator('indNonnegative', indNonnegative, [], v);
    // radii are reals > 0 (default 1)
    sweepOperator('indSimplex', indSimplex, [1], v, { optionalFrom: 0, kinds: { arg0: 'real' } });
    sweepOperator('indBallL1', indBallL1, [1], v, { optionalFrom: 0, kinds: { arg0: 'real' } });
    sweepOperator('indBallL2', indBallL2, [1], v, { optionalFrom: 0, kinds: { arg0: 'real' } });
    sweepOperator('indBallLinf', indBallLinf, [0.5], v, ALL_OPTIONAL);
    // the offset b is any real
    sweepOperator('indHyperplane', indHyperplane, [[1, 2, 3], 1], v, { kinds: { arg1: 'real' } });
    sweepOperator('indHalfspace', indHalfspace, [[1, 2, 3], 1], v, { kinds: { arg1: 'real' } });
  });

  it('total variation, N:M sparsity, proxSparse, loss proxes, nuclear norm, cones, nonconvex sets', () => {
    sweepOperator('totalVariation1D', totalVariation1D, [0.5], [1, 3, 2], ALL_OPTIONAL);
    sweepOperator('totalVariation1D', totalVariation1D, [0.5, [1, 2]], [1, 3, 2], ALL_OPTIONAL);
    sweepOperator('nmSparsity', nmSparsity, [2, 4], [1, -2, 3, 0.5], ALL_OPTIONAL);
    sweepOperator('proxSparse', proxSparse, [0.5], [1, -2, 3, 0.5], ALL_OPTIONAL);
    // the target b is optional (0) and a real (a label ±1 for 'logistic')
    sweepOperator('lossProx', lossProx, ['squared', [1, 2, 3], 0.5], [1, -2, 3], { optionalFrom: 2 });
    sweepOperator('lossProx', lossProx, ['logistic', [1, 2, 3], 1], [1, -2, 3], { optionalFrom: 2, kinds: { arg2: 'real' } });
    sweepOperator('nuclearNorm', nuclearNorm, [0.5, 2, 2], [1, 2, 3, 4]);
    sweepOperator('indPsd', indPsd, [2], [1, 2, 3, 4]);
    sweepOperator('indSoc', indSoc, [], [1, 2, 3]);
    sweepOperator('indBallL0', indBallL0, [1], [1, -2, 3], { kinds: countEntries('arg0') });
    sweepOperator('normL0', normL0, [0.5], [1, -2, 3], ALL_OPTIONAL);
    sweepOperator('indSphereL2', indSphereL2, [1], [1, -2, 3], { optionalFrom: 0, kinds: { arg0: 'real' } });
    sweepOperator('indRank', indRank, [1, 2, 2], [1, 2, 3, 4], { kinds: countEntries('arg0') });
    sweepOperator('indStiefel', indStiefel, [2, 2], [1, 2, 3, 4]);
    sweepOperator('indExpCone', indExpCone, [], [1, 2, 3]);
    sweepOperator('indAffine', indAffine, [[[1, 2, 0], [0, 1, 1]], [1, 2]], [1, -2, 3]);
    sweepOperator('quadratic', quadratic, [[[2, 1], [1, 2]], [1, -1]], [1, -2], { optionalFrom: 1 });
  });

  it('tv1dScratchLength', () => {
    expect(fuzzArguments('tv1dScratchLength', tv1dScratchLength as AnyFn, [5])).toEqual([]);
  });

  describe('totalVariation1DStrided', () => {
    const data = [1, 9, 3, 9, 2, 9];
    let buf: F64Buffer;
    let other: F64Buffer;
    beforeAll(() => {
      buf = allocF64(data.length);
      other = allocF64(data.length);
    });
    afterAll(() => {
      buf.free();
      other.free();
    });
    /** Restores the input first (the call works in place), returns a copy of the result. */
    const strided = (d: unknown, o: unknown) => {
      buf.set(data);
      other.set(new Float64Array(data.length));
      return totalVariation1DStrided(d as F64Buffer, o as never).toArray();
    };
    it('in place, scalar lambda', () => {
      // lambda may also be per edge (length − 1 = 2 entries)
      const perEdge = { accept: ['arg1.lambda=numeric arrays'] };
      expect(fuzzArguments('totalVariation1DStrided', strided, [buf, { offset: 0, length: 3, stride: 2, lambda: 0.5 }], perEdge)).toEqual([]);
    });
    it('into out, per-edge lambda', () => {
      expect(
        // lambda may also be one scalar for every edge
        fuzzArguments('totalVariation1DStrided', strided, [buf, { offset: 2, length: 2, stride: 2, lambda: [0.5], out: other, outOffset: 1, outStride: 3 }], { accept: ['arg1.lambda=finite numbers'] }),
      ).toEqual([]);
    });
  });

  it('klSimplex and its methods', () => {
    const options = { reference: [0.2, 0.3, 0.5], mu: 0.5 };
    expect(fuzzArguments('klSimplex', (o: unknown) => klSimplex(o as never).name, [options], ALL_OPTIONAL)).toEqual([]);
    for (const op of [klSimplex(options), klSimplex()]) {
      const p = `${op.name}.`;
      const step = (x0: unknown, g: unknown, t?: unknown, out?: unknown) => op.step(x0 as number[], g as number[], t as number, out as Float64Array);
      expect(fuzzArguments('klSimplex.step', step, [[0.2, 0.3, 0.5], [1, 0, -1], 0.5, new Float64Array(3)], { prefix: `${p}step: `, optionalFrom: 2 })).toEqual([]);
      const prox = (v: unknown, t?: unknown, out?: unknown) => op.prox(v as number[], t as number, out as Float64Array);
      // prox(v, t) is step(v, 0, t): it reports under step for what it hands over.
      expect(fuzzArguments('klSimplex.prox', prox, [[0.2, 0.3, 0.5], 0.5, new Float64Array(3)], { prefix: [`${p}prox: `, `${p}step: `], optionalFrom: 1 })).toEqual([]);
      expect(fuzzArguments('klSimplex.value', (x: unknown) => op.value(x as number[]), [[0.2, 0.3, 0.5]], { prefix: `${p}value: ` })).toEqual([]);
    }
  });

  it('prox calculus', () => {
    const v = [1, -2, 3];
    // the scale is a real > 0
    sweepOperator('scaled', scaled, [normL1(0.5), 2], v, { kinds: { arg1: 'real' }, accept: [FREE_NAME('arg0')] });
    sweepOperator('translated', translated, [indBox(0, 1), [1, 2, 3]], v, { accept: [FREE_NAME('arg0')] });
    sweepOperator('tilted', tilted, [normL1(0.5), [1, 2, 3]], v, { accept: [FREE_NAME('arg0')] });
    sweepOperator('precomposed', precomposed, [normL1(0.5), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]], v, { accept: [FREE_NAME('arg0')] });
    sweepOperator('separableSum', separableSum, [[[normL1(0.5), 2], [indBox(0, 1), 1]]], v, { accept: [FREE_NAME('arg0[0][0]')] });
    // conjugate(f).value throws by design (not computable from the prox): sweep factory and prox only.
    expect(fuzzArguments('conjugate', (f: unknown) => summary(conjugate(f as ProxOperator)), [normL1(0.5)], { accept: [FREE_NAME('arg0')] })).toEqual([]);
    const dual = conjugate(normL1(0.5));
    const prox = (w: unknown, t?: unknown, out?: unknown) => dual.prox(w as number[], t as number, out as Float64Array);
    expect(fuzzArguments('conjugate.prox', prox, [v, 0.5, new Float64Array(3)], { prefix: `${dual.name}.prox: `, optionalFrom: 1 })).toEqual([]);
  });

  it('entries the sweep does not reach (it replaces only the first element of an array of arrays)', () => {
    expect(fuzzArguments('normL21', (i: unknown) => normL21([[0, i as number], [2]]).name, [1])).toEqual([]);
    expect(fuzzArguments('separableSum', (n: unknown) => separableSum([[normL1(0.5), n as number], [indBox(0, 1), 1]]).name, [2])).toEqual([]);
  });

  it('values the sweep cannot flag because they used to be accepted', () => {
    const buf = allocF64(4);
    try {
      const cases: [() => unknown, string][] = [
        [() => klSimplex([1, 2, 3] as never), 'klSimplex: options must be an object (got array of length 3)'],
        [() => nuclearNorm(1, 1e12, 2), 'nuclearNorm: rows·cols must be at most 2^28 (got 1000000000000 × 2)'],
        [() => scaled({ ...normL1(1), properties: {} } as never, 2), 'scaled: f.properties.convex must be a boolean (got undefined)'],
        [() => conjugate({ ...normL1(1), properties: { ...normL1(1).properties, convex: 1 } } as never), 'conjugate: f.properties.convex must be a boolean (got 1)'],
        [() => tv1dScratchLength(NaN), 'tv1dScratchLength: n must be an integer >= 0 (got NaN)'],
        // A non-buffer out used to reach the kernel as address NaN → 0: a write at the start of WASM memory.
        [() => totalVariation1DStrided(buf, { length: 2, lambda: 1, out: 0 as never }), 'totalVariation1DStrided: out must be an F64Buffer (got 0)'],
      ];
      for (const [call, message] of cases) expect(call).toThrow(new ParameterError(message));
      expect(() => klSimplex({ reference: [] })).toThrow(new ShapeError('klSimplex: reference must have length >= 1 (got 0)'));
    } finally {
      buf.free();
    }
  });

  it('calculus rules blame their own call when a derived step or shift overflows', () => {
    const cases: [() => unknown, string][] = [
      [() => scaled(normL1(1), 1e300).prox([1], 1e12), 'scaled(normL1(1), 1e+300).prox: t must give normL1(1) a finite step > 0 (got t = 1000000000000, step Infinity)'],
      [() => conjugate(normL1(1)).prox([1], 1e-310), 'conjugate(normL1(1)).prox: t must give normL1(1) a finite step > 0 (got t = 1e-310, step Infinity)'],
      [() => conjugate(normL1(1)).prox([1e10], 1e-300), 'conjugate(normL1(1)).prox: t must keep v/t finite (got t = 1e-300)'],
      [() => translated(normL1(1), [-1e308]).prox([1e308]), 'translated(normL1(1), [1]).prox: v − z must be finite (overflows at index 0)'],
      [() => translated(normL1(1), [-1e308]).value([1e308]), 'translated(normL1(1), [1]).value: x − z must be finite (overflows at index 0)'],
    ];
    for (const [call, message] of cases) expect(call).toThrow(new ParameterError(message));
  });

  it('moreauEnvelope and its methods', () => {
    const f = normL1(0.5);
    // t is optional (1)
    const envelope = (g: unknown, t?: unknown) => typeof moreauEnvelope(g as ProxOperator, t as number).value;
    expect(fuzzArguments('moreauEnvelope', envelope, [f, 0.5], { optionalFrom: 1, accept: [FREE_NAME('arg0')] })).toEqual([]);
    const env = moreauEnvelope(f, 0.5);
    const p = `moreauEnvelope(${f.name}, 0.5).`;
    expect(fuzzArguments('moreauEnvelope.value', (x: unknown) => env.value(x as number[]), [[1, -2, 3]], { prefix: `${p}value: ` })).toEqual([]);
    expect(fuzzArguments('moreauEnvelope.gradient', (x: unknown) => env.gradient(x as number[]), [[1, -2, 3]], { prefix: `${p}gradient: ` })).toEqual([]);
  });
});
