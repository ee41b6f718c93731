/** The bad-input sweep (test/fuzz.ts) over the sparse family's public API, and the matrix forms. */
import { beforeAll, describe, expect, it } from 'vitest';
import { barsTest, binarySparseCoding, init, learnedProx, matchFields, maximalCausesAnalysis, trainLearnedProx, type ProxOperator } from '../../bindings/index.js';
import { countEntries, fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

// 4 images of 2 × 2 with H = 2: every call runs in well under a millisecond per iteration.
const Y = () => barsTest({ N: 4, size: 2, seed: 3 }).Y;
const W = () => barsTest({ N: 1, size: 2 }).W;

describe('sparse: every bad argument gives a typed error, no leak, module usable', () => {
  // N and size are counts; amplitude and σ are reals given as integers; a bigint seed is valid
  it('barsTest', () => expect(fuzzArguments('barsTest', barsTest, [{ N: 3, size: 2, pi: 0.5, sigma: 1, amplitude: 10, superposition: 'max', seed: 1 }], { optionalFrom: 0, kinds: { 'arg0.amplitude': 'real', 'arg0.sigma': 'real' }, accept: ['arg0.seed=a bigint'] })).toEqual([]));
  it('matchFields', () => expect(fuzzArguments('matchFields', matchFields, [W(), W()], { kinds: countEntries('arg0.rows', 'arg0.cols', 'arg1.rows', 'arg1.cols') })).toEqual([]));
  const em = (init: boolean) => ({
    H: 4, Hprime: 2, gamma: 1, maxIter: 2, temperature: 2, dataTruncation: true, tol: 1e-6, seed: 1,
    onProgress: () => true, signal: new AbortController().signal,
    ...(init ? { init: { W: W(), pi: 0.3, sigma: 1 } } : {}),
  });
  // Y's shape fields are counts, the temperature and init.sigma reals given as integers; tol = Infinity is
  // valid (the run stops at its first check after annealing), and so are a bigint seed and a huge maxIter
  // (it only runs long)
  const REALS = { 'arg1.temperature': 'real', 'arg1.init.sigma': 'real' } as const;
  const sweep = { kinds: { ...countEntries('arg0.rows', 'arg0.cols'), ...REALS }, accept: ['arg1.tol=Infinity', 'arg1.seed=a bigint'], skip: ['arg1.maxIter=1e12'] };
  for (const [name, fn] of [['binarySparseCoding', binarySparseCoding], ['maximalCausesAnalysis', maximalCausesAnalysis]] as const) {
    it(name, () => expect(fuzzArguments(name, fn, [Y(), em(false)], sweep)).toEqual([]));
    it(`${name} (options.init)`, () => expect(fuzzArguments(name, fn, [Y(), em(true)], { ...sweep, kinds: { ...countEntries('arg0.rows', 'arg0.cols', 'arg1.init.W.rows', 'arg1.init.W.cols'), ...REALS } })).toEqual([]));
  }
});

describe('sparse: learned proximal networks, every bad argument gives a typed error, no leak, module usable', () => {
  // 4 pairs in 1-D, a 2-unit network, one epoch per stage: a call takes about a millisecond
  const Yl = [[0.1], [0.5], [-0.3], [1.2]];
  const Xl = [[0], [0.4], [0], [1]];
  // the network is freed inside, so that an accepted call leaves no WASM memory behind
  const train = (Y: unknown, X: unknown, o: unknown) => {
    const r = trainLearnedProx(Y as never, X as never, o as never);
    r.network.free();
    return r.losses;
  };
  it('trainLearnedProx', () => expect(fuzzArguments('trainLearnedProx', train, [Yl, Xl, {
    hidden: [2], loss: 'pm', gammas: [0.5, 0.25], warmup: true, epochs: 1, learningRate: 1e-2, decay: 0.6, batchSize: 4, draws: 1,
    symmetric: true, centre: false, inputScale: 2, alpha: 1e-3, seed: 1,
  }], {
    // hidden widths are counts; inputScale a real given as 2; a huge width would allocate 2^29 units and a
    // huge epoch count only runs long
    kinds: { ...countEntries('arg2.hidden[0]'), 'arg2.inputScale': 'real' },
    skip: ['arg2.hidden[0]=1e12', 'arg2.epochs=1e12'],
    optionalFrom: 2,
  })).toEqual([]));
  it('learnedProx (and its prox)', () => {
    const { network } = trainLearnedProx(Yl, Xl, { hidden: [2], epochs: 1, batchSize: 4, gammas: [0.5] });
    const img = [0.1, 0.4, -0.2, 0.9, 0.3, 0.5, 0, 1, 0.7];
    const same = (a: unknown, b: unknown) => expect((b as ProxOperator).prox(img)).toEqual((a as ProxOperator).prox(img));
    // a huge image is only a promise: nothing is allocated until prox is called. The step t of prox is
    // ignored (one noise level), so any value is accepted there.
    const problems = fuzzArguments('learnedProx', learnedProx, [network, { image: { rows: 3, cols: 3, patch: 1, stride: 2 } }], { optionalFrom: 1, same });
    const P = learnedProx(network);
    problems.push(...fuzzArguments('learnedProx', (v: unknown, t: unknown) => P.prox(v as never, t as never), [img, 1], { optionalFrom: 1, accept: ['arg1'] }));
    problems.push(...fuzzArguments('learnedProx', (v: unknown) => P.value(v as never), [img.slice(0, 3)]));
    network.free();
    expect(problems).toEqual([]);
  });
});

describe('sparse: a matrix is { data, rows, cols } or an array of rows', () => {
  it('binarySparseCoding, maximalCausesAnalysis and matchFields give the same result for both forms', () => {
    const y = Y();
    const rows = Array.from({ length: y.rows }, (_, i) => Array.from(y.data.subarray(i * y.cols, (i + 1) * y.cols)));
    for (const fit of [binarySparseCoding, maximalCausesAnalysis]) {
      expect(fit(rows, { H: 2, maxIter: 3 })).toEqual(fit(y, { H: 2, maxIter: 3 }));
    }
    const w = W();
    const wRows = [Array.from(w.data.subarray(0, 4)), Array.from(w.data.subarray(4, 8)), Array.from(w.data.subarray(8, 12)), Array.from(w.data.subarray(12, 16))];
    expect(matchFields(wRows, w)).toEqual(matchFields(w, w));
  });
});
