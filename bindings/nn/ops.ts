/**
 * The differentiable ops of the nn family. Each op validates its arguments, runs one WASM kernel
 * into a fresh tensor, checks the output for NaN/±Infinity (when the check is on) and records a
 * backward rule on the active tapes. Backward rules use these same ops, so they can be
 * differentiated again (reverse-over-reverse).
 */
import { optionKeys, readOptions } from '../runtime/validate.js';
import { MemoryError, ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { BinaryOp, ReduceOp, UnaryOp, nnWasm, type NnKernels } from './kernels.js';
import { opContext, record, type BackwardRule } from './tape.js';
import {
  Tensor, bytesOf, checkDtype, checkShape, checkTensor, checksEnabled, empty, nonFiniteIn, shapeText, sizeOf, zeros, type DType,
} from './tensor.js';
import type { ProxkitExports } from '../runtime/instance.js';

type Kernels = ProxkitExports & NnKernels;

/** Checks the output (names the op), records it, returns it. */
function finish(op: string, out: Tensor, inputs: readonly (Tensor | null)[], backward: BackwardRule): Tensor {
  if (checksEnabled()) {
    const err = nonFiniteIn(opContext(op), out);
    if (err) {
      out.free();
      throw err;
    }
  }
  record(op, out, inputs, backward);
  return out;
}

/** Temporary WASM bytes for one kernel call, freed however the call ends. */
function withScratch<T>(k: Kernels, op: string, bytes: number, body: (ptr: number) => T): T {
  const ptr = bytes <= 2 ** 31 ? k.alloc(Math.max(16, bytes)) : 0;
  if (ptr === 0) throw new MemoryError(`${op}: cannot allocate ${(bytes / 2 ** 20).toFixed(1)} MiB of WebAssembly scratch memory`);
  try {
    return body(ptr);
  } finally {
    k.free(ptr);
  }
}

/** Copies an int list into WASM scratch (i32) and runs body with its address. */
function withInt32<T>(k: Kernels, op: string, values: Int32Array, body: (ptr: number) => T): T {
  return withScratch(k, op, values.length * 4, (ptr) => {
    new Int32Array(k.memory.buffer, ptr, values.length).set(values);
    return body(ptr);
  });
}

function sameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new ParameterError(`${op}: dtypes ${a.dtype} and ${b.dtype} do not match (shapes ${shapeText(a.shape)} and ${shapeText(b.shape)}); convert one with nn.cast`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Normalises an axis (negative counts from the end) or throws naming the op. */
function normAxis(op: string, axis: unknown, rank: number, name = 'axis'): number {
  if (!Number.isSafeInteger(axis) || (axis as number) < -rank || (axis as number) >= rank) {
    throw parameterError(op, name, `an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}`, axis);
  }
  return (axis as number) < 0 ? (axis as number) + rank : (axis as number);
}

/** outer × len × inner view of `shape` around the axis range [a0, a1]. */
function split3(shape: readonly number[], a0: number, a1: number): [number, number, number] {
  return [sizeOf(shape.slice(0, a0)), sizeOf(shape.slice(a0, a1 + 1)), sizeOf(shape.slice(a1 + 1))];
}

function copyInto(k: Kernels, src: Tensor, dst: Tensor): void {
  k.nnStridedCopy(src.ptr, dst.ptr, 1, src.size * bytesOf(src.dtype), 0, 0);
}

// ------------------------------------------------------------------ unary

function unary(op: string, code: number, x: Tensor, alpha: number, rule: ((x: Tensor, y: Tensor, g: Tensor) => Tensor | null) | null): Tensor {
  checkTensor(op, 'x', x);
  const k = nnWasm(op);
  const y = empty(op, x.shape, x.dtype);
  (x.dtype === 'f64' ? k.nnUnaryF64 : k.nnUnaryF32)(code, x.ptr, y.ptr, x.size, alpha);
  return finish(op, y, [x], rule === null ? () => [null] : (g) => [rule(x, y, g)]);
}

/** −x. */
export function neg(x: Tensor): Tensor {
  return unary('nn.neg', UnaryOp.neg, x, 0, (_x, _y, g) => neg(g));
}

/** eˣ, elementwise. d/dx = eˣ. */
export function exp(x: Tensor): Tensor {
  return unary('nn.exp', UnaryOp.exp, x, 0, (_x, y, g) => mul(g, y));
}

/** Natural logarithm, elementwise (NaN for x < 0: reported by the finite check). d/dx = 1/x. */
export function log(x: Tensor): Tensor {
  return unary('nn.log', UnaryOp.log, x, 0, (x, _y, g) => div(g, x));
}

/** √x, elementwise. d/dx = 1/(2√x). */
export function sqrt(x: Tensor): Tensor {
  return unary('nn.sqrt', UnaryOp.sqrt, x, 0, (_x, y, g) => div(g, scale(y, 2)));
}

/** x², elementwise. */
export function square(x: Tensor): Tensor {
  return unary('nn.square', UnaryOp.square, x, 0, (x, _y, g) => mul(g, scale(x, 2)));
}

/** 1/x, elementwise. d/dx = −1/x². */
export function reciprocal(x: Tensor): Tensor {
  return unary('nn.reciprocal', UnaryOp.reciprocal, x, 0, (_x, y, g) => neg(mul(g, square(y))));
}

/** xᵖ for a constant exponent p (AssemblyScript's Math.pow; x·x for p = 2). d/dx = p·xᵖ⁻¹. */
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== 'number' || !Number.isFinite(p)) throw parameterError('nn.pow', 'p', 'a finite number', p);
  return unary('nn.pow', UnaryOp.pow, x, p, p === 0 ? null : (x, _y, g) => mul(g, scale(pow(x, p - 1), p)));
}

/** max(x, 0). Its derivative is taken as 0 at x = 0. */
export function relu(x: Tensor): Tensor {
  return unary('nn.relu', UnaryOp.relu, x, 0, (x, _y, g) => mul(g, step(x)));
}

/** x for x > 0, slope·x otherwise (slope default 0.01). */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  if (typeof slope !== 'number' || !Number.isFinite(slope)) throw parameterError('nn.leakyRelu', 'slope', 'a finite number', slope);
  return unary('nn.leakyRelu', UnaryOp.leakyRelu, x, slope, (x, _y, g) => mul(g, addScalar(scale(step(x), 1 - slope), slope)));
}

/** log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) (no overflow). d/dx = σ(x). */
export function softplus(x: Tensor): Tensor {
  return unary('nn.softplus', UnaryOp.softplus, x, 0, (x, _y, g) => mul(g, sigmoid(x)));
}

/** σ(x) = 1/(1 + e^−x), evaluated without overflow in both tails. d/dx = σ(1 − σ). */
export function sigmoid(x: Tensor): Tensor {
  return unary('nn.sigmoid', UnaryOp.sigmoid, x, 0, (_x, y, g) => mul(g, mul(y, addScalar(neg(y), 1))));
}

/** tanh x. d/dx = 1 − tanh² x. */
export function tanh(x: Tensor): Tensor {
  return unary('nn.tanh', UnaryOp.tanh, x, 0, (_x, y, g) => mul(g, addScalar(neg(square(y)), 1)));
}

const GELU_C = 0.7978845608028654; // √(2/π)
const GELU_K = 0.044715;

/**
 * GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (as GPT-2 and BERT use; not
 * the erf form). d/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²) with t the tanh above.
 */
export function gelu(x: Tensor): Tensor {
  return unary('nn.gelu', UnaryOp.gelu, x, 0, (x, _y, g) => {
    const t = tanh(scale(add(x, scale(pow(x, 3), GELU_K)), GELU_C));
    const inner = scale(addScalar(scale(square(x), 3 * GELU_K), 1), GELU_C);
    const d = add(scale(addScalar(t, 1), 0.5), mul(scale(x, 0.5), mul(addScalar(neg(square(t)), 1), inner)));
    return mul(g, d);
  });
}

/** SiLU (swish): x·σ(x). d/dx = σ + xσ(1 − σ). */
export function silu(x: Tensor): Tensor {
  return unary('nn.silu', UnaryOp.silu, x, 0, (x, _y, g) => {
    const s = sigmoid(x);
    return mul(g, add(s, mul(x, mul(s, addScalar(neg(s), 1)))));
  });
}

/** 1 where x > 0, else 0. A constant for differentiation (its derivative is 0 almost everywhere). */
export function step(x: Tensor): Tensor {
  return unary('nn.step', UnaryOp.step, x, 0, null);
}

/** x + c for a number c (`op` names the public op in errors). */
function addScalar(x: Tensor, c: number, op = 'nn.add'): Tensor {
  return unary(op, UnaryOp.addScalar, x, c, (_x, _y, g) => g);
}

/** c·x for a number c (`op` names the public op in errors). */
function scaleAs(op: string, x: Tensor, c: number): Tensor {
  return unary(op, UnaryOp.mulScalar, x, c, (_x, _y, g) => scale(g, c));
}

/** c·x for a finite number c. */
export function scale(x: Tensor, c: number): Tensor {
  if (typeof c !== 'number' || !Number.isFinite(c)) throw parameterError('nn.scale', 'c', 'a finite number', c);
  return scaleAs('nn.scale', x, c);
}

// ------------------------------------------------------------------ broadcasting and binary ops

/** The broadcast shape of two shapes (NumPy rules), or a ShapeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${shapeText(a)} and ${shapeText(b)} cannot be broadcast together (axis ${i}: ${da} and ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * x repeated along the axes where it has size 1 (or is missing on the left) to `shape`. Returns x
 * itself when the shapes are equal. The backward rule sums over the repeated axes.
 */
export function broadcastTo(x: Tensor, shape: readonly number[], op = 'nn.broadcastTo'): Tensor {
  checkTensor(op, 'x', x);
  checkShape(op, 'shape', shape);
  if (sameShape(x.shape, shape)) return x;
  const nd = shape.length;
  const lead = nd - x.rank;
  const ok = lead >= 0 && x.shape.every((d, i) => d === 1 || d === shape[lead + i]);
  if (!ok) throw new ShapeError(`${op}: shape ${shapeText(x.shape)} cannot be broadcast to ${shapeText(shape)}`);
  const k = nnWasm(op);
  const out = empty(op, shape, x.dtype);
  const ints = new Int32Array(2 * nd);
  let stride = 1;
  for (let d = nd - 1; d >= 0; d--) {
    ints[d] = shape[d]!;
    const xd = d - lead >= 0 ? x.shape[d - lead]! : 1;
    ints[nd + d] = xd === 1 ? 0 : stride;
    stride *= xd;
  }
  withScratch(k, op, 12 * nd, (p) => {
    new Int32Array(k.memory.buffer, p, 2 * nd).set(ints);
    k.nnBroadcast(x.ptr, out.ptr, nd, p, p + 4 * nd, p + 8 * nd, bytesOf(x.dtype));
  });
  return finish('nn.broadcastTo', out, [x], (g) => [sumTo(g, x.shape)]);
}

/** Sums g over the axes along which a tensor of `shape` was broadcast to g's shape. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.rank; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  return reshape(sum(g, axes, true), shape);
}

/** An operand of add/sub/mul/div: a Tensor, or a number applied as a scalar (at least one operand must be a Tensor). */
export type Operand = Tensor | number;

function binary(op: string, code: number, a: Tensor, b: Tensor, rule: (A: Tensor, B: Tensor, y: Tensor, g: Tensor) => [Tensor, Tensor]): Tensor {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  sameDtype(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const A = broadcastTo(a, shape, op);
  const B = broadcastTo(b, shape, op);
  const k = nnWasm(op);
  const y = empty(op, shape, a.dtype);
  (a.dtype === 'f64' ? k.nnBinaryF64 : k.nnBinaryF32)(code, A.ptr, B.ptr, y.ptr, y.size);
  return finish(op, y, [A, B], (g) => rule(A, B, y, g));
}

function operands(op: string, a: unknown, b: unknown): void {
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (v instanceof Tensor) checkTensor(op, name, v);
    else if (typeof v !== 'number') throw parameterError(op, name, 'a Tensor or a number', v);
    else if (!Number.isFinite(v)) throw parameterError(op, name, 'a finite number', v);
  }
  if (typeof a === 'number' && typeof b === 'number') throw new ParameterError(`${op}: at least one operand must be a Tensor (got two numbers)`);
}

/** a + b with broadcasting; either may be a number. */
export function add(a: Operand, b: Operand): Tensor {
  operands('nn.add', a, b);
  if (typeof b === 'number') return addScalar(a as Tensor, b);
  if (typeof a === 'number') return addScalar(b, a);
  return binary('nn.add', BinaryOp.add, a, b, (_A, _B, _y, g) => [g, g]);
}

/** a − b with broadcasting; either may be a number. */
export function sub(a: Operand, b: Operand): Tensor {
  operands('nn.sub', a, b);
  if (typeof b === 'number') return addScalar(a as Tensor, -b, 'nn.sub');
  if (typeof a === 'number') return addScalar(neg(b), a, 'nn.sub');
  return binary('nn.sub', BinaryOp.sub, a, b, (_A, _B, _y, g) => [g, neg(g)]);
}

/** a · b elementwise with broadcasting; either may be a number. */
export function mul(a: Operand, b: Operand): Tensor {
  operands('nn.mul', a, b);
  if (typeof b === 'number') return scaleAs('nn.mul', a as Tensor, b);
  if (typeof a === 'number') return scaleAs('nn.mul', b, a);
  return binary('nn.mul', BinaryOp.mul, a, b, (A, B, _y, g) => [mul(g, B), mul(g, A)]);
}

/** a / b elementwise with broadcasting; either may be a number (x / c is computed as x · (1/c)). */
export function div(a: Operand, b: Operand): Tensor {
  operands('nn.div', a, b);
  if (typeof b === 'number') return scaleAs('nn.div', a as Tensor, 1 / b);
  if (typeof a === 'number') return scaleAs('nn.div', unary('nn.div', UnaryOp.reciprocal, b, 0, (_x, y, g) => neg(mul(g, square(y)))), a);
  return binary('nn.div', BinaryOp.div, a, b, (_A, B, y, g) => [div(g, B), neg(div(mul(g, y), B))]);
}

// ------------------------------------------------------------------ reductions

/** Reduction axes: undefined = all; a number or a list (negative counts from the end), sorted unique. */
function reductionAxes(op: string, axis: unknown, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const axes = list.map((a, i) => normAxis(op, a, rank, Array.isArray(axis) ? `axis[${i}]` : 'axis'));
  return [...new Set(axes)].sort((p, q) => p - q);
}

/** Contiguous runs [a0, a1] of sorted axes. */
function runsOf(axes: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  return runs;
}

function reduceRun(op: string, code: number, x: Tensor, a0: number, a1: number): Tensor {
  const k = nnWasm(op);
  const [outer, len, inner] = split3(x.shape, a0, a1);
  const shape = x.shape.map((d, i) => (i >= a0 && i <= a1 ? 1 : d));
  if (code !== ReduceOp.sum && len === 0) throw new ShapeError(`${op}: cannot reduce an empty axis (shape ${shapeText(x.shape)})`);
  const y = empty(op, shape, x.dtype);
  withScratch(k, op, 16 * inner, (s) => (x.dtype === 'f64' ? k.nnReduceF64 : k.nnReduceF32)(code, x.ptr, y.ptr, outer, len, inner, s));
  let rule: BackwardRule;
  if (code === ReduceOp.sum) rule = (g) => [broadcastTo(g, x.shape)];
  else if (code === ReduceOp.max) {
    rule = (g) => {
      // the subgradient that puts all of g on the first maximum of each slice (a constant mask)
      const mask = empty(op, x.shape, x.dtype);
      (x.dtype === 'f64' ? k.nnMaxMaskF64 : k.nnMaxMaskF32)(x.ptr, mask.ptr, outer, len, inner);
      return [mul(mask, broadcastTo(g, x.shape))];
    };
  } else rule = (g) => [mul(broadcastTo(g, x.shape), exp(sub(x, broadcastTo(y, x.shape))))];
  return finish(op, y, [x], rule);
}

function reduce(op: string, code: number, x: Tensor, axis: unknown, keepdims: unknown): Tensor {
  checkTensor(op, 'x', x);
  if (typeof keepdims !== 'boolean') throw parameterError(op, 'keepdims', 'a boolean', keepdims);
  const axes = reductionAxes(op, axis, x.rank);
  let y = x;
  // highest run first, so the axis numbers of the remaining runs do not move (keepdims shapes)
  for (const [a0, a1] of runsOf(axes).reverse()) y = reduceRun(op, code, y, a0, a1);
  return keepdims ? y : reshape(y, x.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Σ over `axis` (a number, a list, or all axes when omitted); `keepdims` keeps reduced axes as 1.
 * Sums run in f64 in index order (for f32 data too, rounded once).
 */
export function sum(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  return reduce('nn.sum', ReduceOp.sum, x, axis, keepdims);
}

/** Arithmetic mean over `axis` (all axes when omitted). */
export function mean(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  checkTensor('nn.mean', 'x', x);
  if (typeof keepdims !== 'boolean') throw parameterError('nn.mean', 'keepdims', 'a boolean', keepdims);
  const axes = reductionAxes('nn.mean', axis, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  return scaleAs('nn.mean', sum(x, axes, keepdims), 1 / count);
}

/**
 * Maximum over `axis` (all axes when omitted). The gradient goes to the first maximal entry of
 * each slice (a subgradient; ties are measure-zero for continuous data).
 */
export function max(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  return reduce('nn.max', ReduceOp.max, x, axis, keepdims);
}

/**
 * log Σ exp x over `axis` (all axes when omitted), stabilised by subtracting the max (no overflow
 * for large x). Gradient: softmax of x along the axis.
 */
export function logSumExp(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  return reduce('nn.logSumExp', ReduceOp.logSumExp, x, axis, keepdims);
}

/** x − logSumExp(x) along `axis` (default the last), in one fused, stable kernel. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const op = 'nn.logSoftmax';
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(`${op}: x must have at least one axis (got shape [])`);
  const a = normAxis(op, axis, x.rank);
  const [outer, len, inner] = split3(x.shape, a, a);
  const k = nnWasm(op);
  const y = empty(op, x.shape, x.dtype);
  if (len > 0) withScratch(k, op, 24 * inner, (s) => (x.dtype === 'f64' ? k.nnLogSoftmaxF64 : k.nnLogSoftmaxF32)(x.ptr, y.ptr, outer, len, inner, s));
  // d/dx: g − softmax(x)·Σ g along the axis, with softmax = exp(y)
  return finish(op, y, [x], (g) => [sub(g, mul(exp(y), broadcastTo(sum(g, a, true), x.shape)))]);
}

/** exp(x − logSumExp(x)) along `axis` (default the last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/** Integer labels validated against a class count. */
function labelArray(op: string, labels: unknown, rows: number, classes: number): Int32Array {
  if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) throw parameterError(op, 'labels', 'an array of integer class indices', labels);
  const l = labels as ArrayLike<unknown>;
  if (l.length !== rows) throw new ShapeError(`${op}: labels must have one entry per row of logits (${rows}; got ${l.length})`);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = l[i];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= classes) throw parameterError(op, `labels[${i}]`, `an integer in [0, ${classes - 1}]`, v);
    out[i] = v as number;
  }
  return out;
}

/**
 * Mean softmax cross-entropy of logits [N, C] against integer labels (N entries in [0, C)):
 * (1/N) Σᵢ (logΣ_c exp zᵢc − z_{i,yᵢ}), fused and stabilised by each row's max. Returns shape [].
 * Gradient: (softmax(z) − onehot(y)) / N.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>): Tensor {
  const op = 'nn.softmaxCrossEntropy';
  checkTensor(op, 'logits', logits);
  if (logits.rank !== 2) throw new ShapeError(`${op}: logits must have shape [N, C] (got ${shapeText(logits.shape)})`);
  const [rows, classes] = logits.shape as [number, number];
  if (rows === 0 || classes === 0) throw new ShapeError(`${op}: logits must have at least one row and one class (got ${shapeText(logits.shape)})`);
  const y = labelArray(op, labels, rows, classes);
  const k = nnWasm(op);
  const total = withInt32(k, op, y, (p) => (logits.dtype === 'f64' ? k.nnCrossEntropyF64 : k.nnCrossEntropyF32)(logits.ptr, p, rows, classes));
  const out = empty(op, [], logits.dtype);
  out.view()[0] = total / rows;
  return finish(op, out, [logits], (g) => {
    const onehot = zeros(logits.shape, logits.dtype);
    const v = onehot.view();
    for (let i = 0; i < rows; i++) v[i * classes + y[i]!] = 1;
    return [mul(broadcastTo(g, logits.shape), scale(sub(softmax(logits, -1), onehot), 1 / rows))];
  });
}

// ------------------------------------------------------------------ linear algebra

/** Options of matmul. */
export interface MatmulOptions {
  /** Use Aᵀ (a is stored k×m). Default false. */
  transposeA?: boolean;
  /** Use Bᵀ (b is stored n×k). Default false. */
  transposeB?: boolean;
}

/**
 * op(A)·op(B) (op = identity or transpose of the last two axes, see options), by the blocked SIMD
 * kernel (f64x2 / f32x4, no FMA; sums in a fixed order). Shapes: op(A) m×k, op(B) k×n → m×n.
 * Batched: a and b may carry the same leading batch axes ([..., m, k] · [..., k, n]), or only one
 * of them does and the 2-D other is shared by every batch entry (a sequence times a weight matrix).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const op = 'nn.matmul';
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  readOptions(op, options, optionKeys<MatmulOptions>({ transposeA: true, transposeB: true }));
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  if (typeof ta !== 'boolean') throw parameterError(op, 'options.transposeA', 'a boolean', ta);
  if (typeof tb !== 'boolean') throw parameterError(op, 'options.transposeB', 'a boolean', tb);
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`${op}: both operands must have at least 2 axes (got shapes ${shapeText(a.shape)} and ${shapeText(b.shape)})`);
  }
  sameDtype(op, a, b);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (batchA.length > 0 && batchB.length > 0 && !sameShape(batchA, batchB)) {
    throw new ShapeError(`${op}: shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} have different batch axes ${shapeText(batchA)} and ${shapeText(batchB)}`);
  }
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const [m, k] = ta ? [ca, ra] : [ra, ca];
  const [k2, n] = tb ? [cb, rb] : [rb, cb];
  if (k !== k2) {
    const how = ta || tb ? ` with ${[ta ? 'transposeA' : '', tb ? 'transposeB' : ''].filter(Boolean).join(' and ')}` : '';
    throw new ShapeError(`${op}: shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} do not match${how} (inner dimensions ${k} and ${k2})`);
  }
  const batch = batchA.length > 0 ? batchA : batchB;
  const count = sizeOf(batch);
  const kx = nnWasm(op);
  const c = empty(op, [...batch, m, n], a.dtype);
  const e = bytesOf(a.dtype);
  const kernel = a.dtype === 'f64' ? kx.nnMatmulF64 : kx.nnMatmulF32;
  if (count > 0) {
    if (batchB.length === 0 && !ta) {
      // a batch of row blocks against one shared B: a single product with count·m rows
      withScratch(kx, op, kx.nnMatmulScratchBytes(count * m, k, n, e), (s) => kernel(a.ptr, b.ptr, c.ptr, count * m, k, n, 0, tb ? 1 : 0, s));
    } else {
      const strideA = batchA.length > 0 ? m * k * e : 0;
      const strideB = batchB.length > 0 ? k * n * e : 0;
      withScratch(kx, op, kx.nnMatmulScratchBytes(m, k, n, e), (s) => {
        for (let i = 0; i < count; i++) kernel(a.ptr + i * strideA, b.ptr + i * strideB, c.ptr + i * m * n * e, m, k, n, ta ? 1 : 0, tb ? 1 : 0, s);
      });
    }
  }
  // the same products for the cotangents; a shared 2-D operand sums its cotangent over the batch
  return finish(op, c, [a, b], (g) => [
    sumTo(ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb }), a.shape),
    sumTo(tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta }), b.shape),
  ]);
}

// ------------------------------------------------------------------ shape ops

/** The same data with another shape (one entry may be −1: inferred). Returns x when unchanged. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'nn.reshape';
  checkTensor(op, 'x', x);
  if (!Array.isArray(shape)) throw parameterError(op, 'shape', 'an array of integers', shape);
  let infer = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1 && infer < 0) infer = i;
    else if (!Number.isSafeInteger(d) || d < 0) throw parameterError(op, `shape[${i}]`, 'a non-negative integer (or one −1)', d);
    else known *= d;
  });
  const target = [...shape];
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) throw new ShapeError(`${op}: cannot reshape ${shapeText(x.shape)} (${x.size} elements) to ${shapeText(shape)}`);
    target[infer] = x.size / known;
  }
  if (sizeOf(target) !== x.size) throw new ShapeError(`${op}: cannot reshape ${shapeText(x.shape)} (${x.size} elements) to ${shapeText(shape)} (${sizeOf(target)} elements)`);
  if (sameShape(target, x.shape)) return x;
  const k = nnWasm(op);
  const y = empty(op, target, x.dtype);
  copyInto(k, x, y);
  return finish(op, y, [x], (g) => [reshape(g, x.shape)]);
}

/** Swaps the last two axes (a matrix transpose, batched over leading axes). */
export function transpose(x: Tensor): Tensor {
  const op = 'nn.transpose';
  checkTensor(op, 'x', x);
  if (x.rank < 2) throw new ShapeError(`${op}: x must have at least 2 axes (got shape ${shapeText(x.shape)})`);
  const r = x.shape[x.rank - 2]!;
  const c = x.shape[x.rank - 1]!;
  const batch = sizeOf(x.shape.slice(0, -2));
  const k = nnWasm(op);
  const y = empty(op, [...x.shape.slice(0, -2), c, r], x.dtype);
  k.nnTranspose(x.ptr, y.ptr, batch, r, c, bytesOf(x.dtype));
  return finish(op, y, [x], (g) => [transpose(g)]);
}

/** Entries start ≤ i < end of `axis` (end default: the axis length). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const op = 'nn.slice';
  checkTensor(op, 'x', x);
  const a = normAxis(op, axis, x.rank);
  const dim = x.shape[a]!;
  const stop = end === undefined ? dim : end;
  if (!Number.isSafeInteger(start) || start < 0 || start > dim) throw parameterError(op, 'start', `an integer in [0, ${dim}]`, start);
  if (!Number.isSafeInteger(stop) || stop < start || stop > dim) throw parameterError(op, 'end', `an integer in [${start}, ${dim}]`, stop);
  const [outer, , inner] = split3(x.shape, a, a);
  const e = bytesOf(x.dtype);
  const k = nnWasm(op);
  const y = empty(op, x.shape.map((d, i) => (i === a ? stop - start : d)), x.dtype);
  if (y.size > 0) k.nnStridedCopy(x.ptr + start * inner * e, y.ptr, outer, (stop - start) * inner * e, dim * inner * e, (stop - start) * inner * e);
  return finish(op, y, [x], (g) => [pad(g, a, start, dim - stop)]);
}

/** Zeros added along `axis`: `before` entries in front, `after` behind (the adjoint of slice). */
export function pad(x: Tensor, axis: number, before: number, after: number): Tensor {
  const op = 'nn.pad';
  checkTensor(op, 'x', x);
  const a = normAxis(op, axis, x.rank);
  if (!Number.isSafeInteger(before) || before < 0) throw parameterError(op, 'before', 'a non-negative integer', before);
  if (!Number.isSafeInteger(after) || after < 0) throw parameterError(op, 'after', 'a non-negative integer', after);
  const len = x.shape[a]!;
  const dim = before + len + after;
  const [outer, , inner] = split3(x.shape, a, a);
  const e = bytesOf(x.dtype);
  const k = nnWasm(op);
  const y = empty(op, x.shape.map((d, i) => (i === a ? dim : d)), x.dtype);
  y.view().fill(0);
  if (x.size > 0) k.nnStridedCopy(x.ptr, y.ptr + before * inner * e, outer, len * inner * e, len * inner * e, dim * inner * e);
  return finish(op, y, [x], (g) => [slice(g, a, before, before + len)]);
}

/** Joins tensors along `axis` (default 0); all other axes must agree, and the dtypes. */
export function concat(list: readonly Tensor[], axis = 0): Tensor {
  const op = 'nn.concat';
  if (!Array.isArray(list) || list.length === 0) throw parameterError(op, 'xs', 'a non-empty array of Tensors', list);
  const xs: readonly Tensor[] = [...(list as Tensor[])];
  xs.forEach((t, i) => checkTensor(op, `xs[${i}]`, t));
  const first = xs[0]!;
  const a = normAxis(op, axis, first.rank);
  for (let i = 1; i < xs.length; i++) {
    const t = xs[i]!;
    sameDtype(op, first, t);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new ShapeError(`${op}: shapes ${shapeText(first.shape)} and ${shapeText(t.shape)} (xs[${i}]) differ outside axis ${a}`);
    }
  }
  const dim = xs.reduce((s, t) => s + t.shape[a]!, 0);
  const [outer, , inner] = split3(first.shape, a, a);
  const e = bytesOf(first.dtype);
  const k = nnWasm(op);
  const y = empty(op, first.shape.map((d, i) => (i === a ? dim : d)), first.dtype);
  const offsets: number[] = [];
  let at = 0;
  for (const t of xs) {
    offsets.push(at);
    const len = t.shape[a]!;
    if (t.size > 0) k.nnStridedCopy(t.ptr, y.ptr + at * inner * e, outer, len * inner * e, len * inner * e, dim * inner * e);
    at += len;
  }
  return finish(op, y, xs, (g) => xs.map((t, i) => slice(g, a, offsets[i]!, offsets[i]! + t.shape[a]!)));
}

/** Row indices validated against a row count. */
function indexArray(op: string, indices: unknown, rows: number): Int32Array {
  if (!Array.isArray(indices) && !ArrayBuffer.isView(indices)) throw parameterError(op, 'indices', 'an array of integer row indices', indices);
  const l = indices as ArrayLike<unknown>;
  const out = new Int32Array(l.length);
  for (let i = 0; i < l.length; i++) {
    const v = l[i];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= rows) throw parameterError(op, `indices[${i}]`, `an integer in [0, ${rows - 1}]`, v);
    out[i] = v as number;
  }
  return out;
}

/**
 * Rows of `table` by index (an embedding lookup): out[i] = table[indices[i]], shape
 * [indices.length, ...table.shape.slice(1)]. Gradient: the rows of g added back at their indices.
 */
export function gather(table: Tensor, indices: ArrayLike<number>): Tensor {
  const op = 'nn.gather';
  checkTensor(op, 'table', table);
  if (table.rank < 1) throw new ShapeError(`${op}: table must have at least one axis (got shape [])`);
  const rows = table.shape[0]!;
  const idx = indexArray(op, indices, rows);
  return gatherRows(table, idx);
}

function gatherRows(table: Tensor, idx: Int32Array): Tensor {
  const op = 'nn.gather';
  const rows = table.shape[0]!;
  const rowLen = rows === 0 ? 0 : table.size / rows;
  const k = nnWasm(op);
  const y = empty(op, [idx.length, ...table.shape.slice(1)], table.dtype);
  if (y.size > 0) withInt32(k, op, idx, (p) => k.nnGatherRows(table.ptr, p, y.ptr, idx.length, rowLen * bytesOf(table.dtype)));
  return finish(op, y, [table], (g) => [scatterAddRows(g, idx, rows)]);
}

/** out[idx[r]] += g[r] into `rows` zero rows (the adjoint of gather). */
function scatterAddRows(g: Tensor, idx: Int32Array, rows: number): Tensor {
  const op = 'nn.scatterAdd';
  const rowLen = idx.length === 0 ? sizeOf(g.shape.slice(1)) : g.size / idx.length;
  const k = nnWasm(op);
  const y = empty(op, [rows, ...g.shape.slice(1)], g.dtype);
  y.view().fill(0);
  if (g.size > 0) withInt32(k, op, idx, (p) => (g.dtype === 'f64' ? k.nnScatterAddRowsF64 : k.nnScatterAddRowsF32)(g.ptr, p, y.ptr, idx.length, rowLen));
  return finish(op, y, [g], (h) => [gatherRows(h, idx)]);
}

/** The values converted to another dtype (round to nearest). Returns x when it has that dtype. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const op = 'nn.cast';
  checkTensor(op, 'x', x);
  checkDtype(op, dtype);
  if (x.dtype === dtype) return x;
  const k = nnWasm(op);
  const y = empty(op, x.shape, dtype);
  (dtype === 'f32' ? k.nnCastF64ToF32 : k.nnCastF32ToF64)(x.ptr, y.ptr, x.size);
  return finish(op, y, [x], (g) => [cast(g, x.dtype)]);
}

/** A copy of x that the tapes treat as a constant (no gradient flows through it). */
export function stopGradient(x: Tensor): Tensor {
  const op = 'nn.stopGradient';
  checkTensor(op, 'x', x);
  const y = empty(op, x.shape, x.dtype);
  copyInto(nnWasm(op), x, y);
  return y;
}

/** A copy of x through which gradients flow unchanged. */
export function copy(x: Tensor): Tensor {
  const op = 'nn.copy';
  checkTensor(op, 'x', x);
  const y = empty(op, x.shape, x.dtype);
  copyInto(nnWasm(op), x, y);
  return finish(op, y, [x], (g) => [g]);
}

// ------------------------------------------------------------------ normalisation (composites)

/** Options of {@link layerNorm} and {@link rmsNorm}. */
export interface NormOptions {
  /** Added to the variance (layerNorm, default 1e-5) or to the mean square (rmsNorm, default 1e-6) before the square root; finite, ≥ 0. */
  eps?: number;
}

function optionalEps(op: string, options: NormOptions | undefined, fallback: number): number {
  if (options === undefined) return fallback;
  readOptions(op, options, optionKeys<NormOptions>({ eps: true }));
  const eps = options.eps ?? fallback;
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw parameterError(op, 'options.eps', 'a finite number >= 0', eps);
  return eps;
}

function affineParam(op: string, name: string, p: Tensor | undefined, x: Tensor): void {
  if (p === undefined) return;
  checkTensor(op, name, p);
  sameDtype(op, x, p);
  const d = x.shape[x.rank - 1];
  if (p.rank !== 1 || p.shape[0] !== d) throw new ShapeError(`${op}: ${name} must have shape [${d}], the last axis of x ${shapeText(x.shape)} (got ${shapeText(p.shape)})`);
}

/**
 * Layer normalisation over the last axis: (x − μ)/√(σ² + eps) · gamma + beta, with μ, σ² the mean
 * and (biased) variance of each row. gamma, beta: shape [d] (optional). eps default 1e-5.
 * Built from differentiable ops, so every derivative order is exact.
 */
export function layerNorm(x: Tensor, gamma?: Tensor, beta?: Tensor, options?: NormOptions): Tensor {
  const op = 'nn.layerNorm';
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(`${op}: x must have at least one axis (got shape [])`);
  affineParam(op, 'gamma', gamma, x);
  affineParam(op, 'beta', beta, x);
  const eps = optionalEps(op, options, 1e-5);
  const xc = sub(x, mean(x, -1, true));
  const variance = mean(square(xc), -1, true);
  let y = mul(xc, pow(addScalar(variance, eps), -0.5));
  if (gamma) y = mul(y, gamma);
  if (beta) y = add(y, beta);
  return y;
}

/**
 * RMS normalisation over the last axis: x/√(mean(x²) + eps) · gamma (Zhang & Sennrich). gamma:
 * shape [d] (optional). eps default 1e-6.
 */
export function rmsNorm(x: Tensor, gamma?: Tensor, options?: NormOptions): Tensor {
  const op = 'nn.rmsNorm';
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(`${op}: x must have at least one axis (got shape [])`);
  affineParam(op, 'gamma', gamma, x);
  const eps = optionalEps(op, options, 1e-6);
  let y = mul(x, pow(addScalar(mean(square(x), -1, true), eps), -0.5));
  if (gamma) y = mul(y, gamma);
  return y;
}
