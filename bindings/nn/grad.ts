/**
 * Reverse-mode differentiation on the tape: grad, valueAndGrad, vjp and Hessian-vector products.
 */
import { optionKeys, readOptions } from '../runtime/validate.js';
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { add, copy, mul, sum } from './ops.js';
import { Tape, backpropagate, recording, withTape } from './tape.js';
import { Tensor, checkTensor, ones, runScope, shapeText, zeros } from './tensor.js';

/** Which arguments to differentiate. */
export interface GradOptions {
  /**
   * Argument positions: one number (the gradient is returned alone) or a list (an array is
   * returned, in this order). Default: every Tensor argument, as an array.
   */
  argnums?: number | readonly number[];
}

/** A function to differentiate: any arguments (the Tensor ones selected by `argnums` get gradients), returning a Tensor. */
export type Fn = (...args: never[]) => unknown;

function positions(fn: string, args: readonly unknown[], argnums: unknown): { idx: number[]; single: boolean } {
  if (argnums === undefined) {
    const idx = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    if (idx.length === 0) throw new ParameterError(`${fn}: at least one argument must be a Tensor to differentiate (got ${args.length === 0 ? 'no arguments' : args.map((a) => describe(a)).join(', ')})`);
    return { idx, single: false };
  }
  const single = typeof argnums === 'number';
  const list = single ? [argnums] : argnums;
  if (!Array.isArray(list) || list.length === 0) throw parameterError(fn, 'options.argnums', 'an argument index or a non-empty list of them', argnums);
  const idx = list.map((i, j) => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= args.length) throw parameterError(fn, single ? 'options.argnums' : `options.argnums[${j}]`, `an argument index in [0, ${args.length - 1}]`, i);
    checkTensor(fn, `argument ${i}`, args[i]);
    return i as number;
  });
  return { idx, single };
}

/**
 * Runs f with fresh copies of the differentiated arguments tracked by a new tape. The copies are
 * recorded by any enclosing tape, which links this computation to the outer one.
 */
function trace(fn: string, f: Fn, args: readonly unknown[], idx: readonly number[]): { out: Tensor; tape: Tape; xs: Tensor[] } {
  const xs = idx.map((i) => copy(checkTensor(fn, `argument ${i}`, args[i])));
  const tape = new Tape();
  for (const x of xs) tape.tracked.add(x);
  const callArgs = [...args];
  idx.forEach((i, j) => (callArgs[i] = xs[j]));
  const out = withTape(tape, () => (f as (...a: unknown[]) => unknown)(...callArgs));
  if (!(out instanceof Tensor)) throw parameterError(fn, 'f', 'a function returning a Tensor', out);
  return { out, tape, xs };
}

/** Cotangents of xs, zeros where none flowed; distinct tensor objects (one may not alias another). */
function cotangents(tape: Tape, out: Tensor, seed: Tensor, xs: readonly Tensor[]): Tensor[] {
  const gs = backpropagate(tape, out, seed, xs, add);
  const seen = new Set<Tensor>();
  return gs.map((g, j) => {
    let r = g ?? zeros(xs[j]!.shape, xs[j]!.dtype);
    if (seen.has(r)) r = copy(r);
    seen.add(r);
    return r;
  });
}

function checkF(fn: string, f: unknown): void {
  if (typeof f !== 'function') throw parameterError(fn, 'f', 'a function', f);
}

function scalarOut(fn: string, out: Tensor): void {
  if (out.size !== 1) throw new ShapeError(`${fn}: f must return a tensor with one element (got shape ${shapeText(out.shape)}); use vjp for other outputs`);
}

/**
 * The gradient of a scalar-valued f: `grad(f)(...args)` returns ∂f/∂x for each Tensor argument
 * (an array), or for `options.argnums`. Non-Tensor arguments (labels, numbers) pass through.
 *
 * Memory: every tensor made while f and the backward pass run is freed before the call returns,
 * except the gradients. Inside another grad (reverse-over-reverse), they are kept instead until the
 * outer one finishes, because the outer tape differentiates the inner backward pass.
 */
export function grad<F extends Fn>(f: F, options: GradOptions = {}): (...args: Parameters<F>) => Tensor | Tensor[] {
  checkF('nn.grad', f);
  return (...args) => valueAndGradImpl('nn.grad', f, args, options, false).grad;
}

/** Like grad, but also returns f's value: `{ value, grad }` (value: the Tensor f returned). */
export function valueAndGrad<F extends Fn>(
  f: F,
  options: GradOptions = {},
): (...args: Parameters<F>) => {
  /** The Tensor f returned. */
  value: Tensor;
  /** The gradient alone when `argnums` is one number; otherwise an array (one per selected argument, in order). */
  grad: Tensor | Tensor[];
} {
  checkF('nn.valueAndGrad', f);
  return (...args) => valueAndGradImpl('nn.valueAndGrad', f, args, options, true) as { value: Tensor; grad: Tensor | Tensor[] };
}

function valueAndGradImpl(fn: string, f: Fn, args: readonly unknown[], options: GradOptions, withValue: boolean): { value?: Tensor; grad: Tensor | Tensor[] } {
  readOptions(fn, options, optionKeys<GradOptions>({ argnums: true }));
  const { idx, single } = positions(fn, args, options.argnums);
  return runScope(
    () => {
      const { out, tape, xs } = trace(fn, f, args, idx);
      scalarOut(fn, out);
      const gs = cotangents(tape, out, ones(out.shape, out.dtype), xs);
      // without the value in the result, the scope frees it with the tape
      return withValue ? { value: out, grad: single ? gs[0]! : gs } : { grad: single ? gs[0]! : gs };
    },
    () => recording(),
  );
}

/** The value of f and its pullback (vector–Jacobian product). */
export interface Vjp {
  /** f(...args). */
  value: Tensor;
  /**
   * wᵀ·∂f/∂x for each Tensor argument x of f, where w has the shape and dtype of `value`. May be
   * called several times; each call frees its own intermediates.
   */
  pullback(w: Tensor): Tensor[];
}

/**
 * Evaluates f(...args) once on a tape and returns the value and the pullback w ↦ Jᵀw for every
 * Tensor argument. The forward tensors stay alive as long as the enclosing scope (call vjp inside
 * `scope()` to free them).
 */
export function vjp(f: Fn, ...args: unknown[]): Vjp {
  const fn = 'nn.vjp';
  checkF(fn, f);
  const { idx } = positions(fn, args, undefined);
  const { out, tape, xs } = trace(fn, f, args, idx);
  return {
    value: out,
    pullback(w: Tensor): Tensor[] {
      checkTensor('nn.vjp pullback', 'w', w);
      if (w.dtype !== out.dtype || w.shape.length !== out.shape.length || w.shape.some((d, i) => d !== out.shape[i])) {
        throw new ShapeError(`nn.vjp pullback: w must have the shape and dtype of the value, ${shapeText(out.shape)} ${out.dtype} (got ${shapeText(w.shape)} ${w.dtype})`);
      }
      return runScope(() => cotangents(tape, out, w, xs), () => recording());
    },
  };
}

/**
 * Hessian-vector product H(x)·v of a scalar f at x: the gradient of ⟨∇f(x), v⟩, by reverse over
 * reverse. v must have x's shape and dtype.
 */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  const fn = 'nn.hvp';
  checkF(fn, f);
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'v', v);
  if (v.dtype !== x.dtype || v.size !== x.size || v.rank !== x.rank) {
    throw new ParameterError(`${fn}: v must have the shape and dtype of x, ${shapeText(x.shape)} ${x.dtype} (got ${shapeText(v.shape)} ${v.dtype})`);
  }
  // f's result is checked here so that a wrong one is reported under hvp's name
  const checked = (y: Tensor): Tensor => {
    const r = f(y);
    if (!(r instanceof Tensor)) throw parameterError(fn, 'f', 'a function returning a Tensor', r);
    scalarOut(fn, r);
    return r;
  };
  const inner = grad(checked, { argnums: 0 }) as (x: Tensor) => Tensor;
  return grad((y: Tensor) => sum(mul(inner(y), v)), { argnums: 0 })(x) as Tensor;
}
