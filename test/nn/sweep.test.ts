/** The bad-input sweep (test/fuzz.ts) over the nn core: tensors, ops, differentiation, scopes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { countEntries, fuzzArguments, type FuzzOptions } from '../fuzz.js';

type T = nn.Tensor;
let x: T, y: T, m: T, w: T, row: T, labelsLogits: T, v: T;

beforeAll(async () => {
  await init();
  x = nn.tensor([[0.5, -1, 2], [1.5, 0.25, -0.75]]);
  y = nn.tensor([[1, 2, 3], [4, 5, 6]]);
  m = nn.tensor([[1, 0], [0, 1], [1, 1]]);
  w = nn.tensor([0.5, 1, 2]);
  row = nn.tensor([0.1, 0.2, 0.3]);
  labelsLogits = nn.tensor([[1, 2, 3], [3, 2, 1]]);
  v = nn.tensor([[1, 1, 1], [1, 1, 1]]);
});
afterAll(() => {
  for (const t of [x, y, m, w, row, labelsLogits, v]) t.free();
});

/** Runs `op` in a scope and returns plain data, so that every call leaves WASM memory as it found it. */
const wrap = (op: (...a: any[]) => unknown) => (...a: unknown[]): unknown =>
  nn.scope(() => {
    const r = op(...a);
    return r instanceof nn.Tensor ? r.data() : Array.isArray(r) ? r.map((t) => (t instanceof nn.Tensor ? t.data() : t)) : r;
  });

const check = (name: string, op: (...a: any[]) => unknown, args: unknown[], options: FuzzOptions = {}): void => {
  expect(fuzzArguments(name, wrap(op), args, options)).toEqual([]);
};

// A number where a Tensor operand is expected is a scalar operand, by design.
const SCALAR_OPERAND = ['arg0=finite numbers', 'arg1=finite numbers'];
// Negative axes count from the end.
const NEGATIVE_AXIS = (site: string): string => `${site}=-1`;

describe('nn: every bad argument gives a typed error naming the op, no leak, module usable', () => {
  it('tensor constructors', () => {
    // a number is the data of a scalar tensor (shape [])
    const scalarData = { accept: ['arg0=finite numbers'] };
    check('nn.tensor', nn.tensor, [[[1, 2], [3, 4]], { dtype: 'f64', shape: [2, 2] }], { optionalFrom: 1, kinds: countEntries('arg1.shape[0]', 'arg1.shape[1]'), ...scalarData });
    check('nn.tensor', nn.tensor, [new Float64Array([1, 2, 3])], { optionalFrom: 1, ...scalarData });
    check('nn.full', nn.full, [[2, 3], 1.5, 'f32'], { optionalFrom: 2, kinds: countEntries('arg0[0]', 'arg0[1]') });
  });

  it('elementwise ops', () => {
    for (const [name, op] of [
      ['nn.neg', nn.neg], ['nn.exp', nn.exp], ['nn.square', nn.square], ['nn.relu', nn.relu], ['nn.softplus', nn.softplus],
      ['nn.sigmoid', nn.sigmoid], ['nn.tanh', nn.tanh], ['nn.gelu', nn.gelu], ['nn.silu', nn.silu], ['nn.step', nn.step],
    ] as const) check(name, op, [x]);
    check('nn.log', nn.log, [w]);
    check('nn.sqrt', nn.sqrt, [w]);
    check('nn.reciprocal', nn.reciprocal, [w]);
    check('nn.pow', nn.pow, [w, 1.5]);
    check('nn.leakyRelu', nn.leakyRelu, [x, 0.1], { optionalFrom: 1 });
    check('nn.scale', nn.scale, [x, 2.5]);
  });

  it('binary ops and broadcasting', () => {
    for (const [name, op] of [['nn.add', nn.add], ['nn.sub', nn.sub], ['nn.mul', nn.mul]] as const) check(name, op, [x, row], { accept: SCALAR_OPERAND });
    check('nn.div', nn.div, [x, w], { accept: SCALAR_OPERAND });
    check('nn.broadcastTo', nn.broadcastTo, [row, [2, 3]], { kinds: countEntries('arg1[0]', 'arg1[1]') });
  });

  it('reductions and softmax', () => {
    for (const [name, op] of [['nn.sum', nn.sum], ['nn.mean', nn.mean], ['nn.max', nn.max], ['nn.logSumExp', nn.logSumExp]] as const) {
      // [] is the empty list of axes (a sum over no axis)
      check(name, op, [x, 1, true], { optionalFrom: 1, accept: [NEGATIVE_AXIS('arg1'), 'arg1=[]'] });
    }
    check('nn.logSoftmax', nn.logSoftmax, [x, 1], { optionalFrom: 1, accept: [NEGATIVE_AXIS('arg1')] });
    check('nn.softmaxCrossEntropy', nn.softmaxCrossEntropy, [labelsLogits, [2, 0]], { kinds: countEntries('arg1[0]', 'arg1[1]') });
  });

  it('matmul and shape ops', () => {
    check('nn.matmul', nn.matmul, [x, m, { transposeA: false, transposeB: false }], { optionalFrom: 2 });
    check('nn.reshape', nn.reshape, [x, [3, 2]], { kinds: countEntries('arg1[0]', 'arg1[1]'), accept: ['arg1[0]=-1', 'arg1[1]=-1'] });
    check('nn.transpose', nn.transpose, [x]);
    check('nn.slice', nn.slice, [x, 1, 1, 2], { optionalFrom: 3, accept: [NEGATIVE_AXIS('arg1')] });
    check('nn.pad', nn.pad, [x, 0, 1, 2], { accept: [NEGATIVE_AXIS('arg1')] });
    check('nn.concat', nn.concat, [[x, y], 1], { optionalFrom: 1, accept: [NEGATIVE_AXIS('arg1')] });
    check('nn.gather', nn.gather, [m, [2, 0, 2]], { kinds: countEntries('arg1[0]', 'arg1[2]') });
    check('nn.cast', nn.cast, [x, 'f32']);
    check('nn.stopGradient', nn.stopGradient, [x]);
    check('nn.copy', nn.copy, [x]);
  });

  it('normalisation', () => {
    check('nn.layerNorm', nn.layerNorm, [x, w, row, { eps: 1e-5 }], { optionalFrom: 1 });
    check('nn.rmsNorm', nn.rmsNorm, [x, w, { eps: 1e-6 }], { optionalFrom: 1 });
  });

  it('differentiation', () => {
    const f = (t: T): T => nn.sum(nn.tanh(t));
    const gradOf = (fn: (t: T) => T, options: nn.GradOptions, t: T) => nn.grad(fn, options)(t);
    check('nn.grad', gradOf, [f, { argnums: 0 }, x], { optionalFrom: 1 });
    const vg = (fn: (t: T) => T, options: nn.GradOptions, t: T) => (nn.valueAndGrad(fn, options)(t) as { grad: T }).grad;
    check('nn.valueAndGrad', vg, [f, { argnums: 0 }, x], { optionalFrom: 1 });
    check('nn.hvp', nn.hvp, [f, x, v]);
    const pullback = (fn: (t: T) => T, t: T, cot: T) => nn.vjp(fn, t).pullback(cot);
    // a bad cotangent is reported by the pullback, under its own name
    check('nn.vjp', pullback, [(t: T) => nn.tanh(t), x, v], { prefix: ['nn.vjp: ', 'nn.vjp pullback: '] });
  });

  it('scopes and settings', () => {
    check('nn.scope', nn.scope, [() => nn.sum(x).item()]);
    check('nn.configure', (o: unknown) => nn.configure(o as Partial<nn.NnConfig>), [{ checkFinite: true }], { optionalFrom: 0 });
  });
});
