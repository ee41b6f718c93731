/**
 * First-order optimizers for the nn family: SGD with (Nesterov) momentum, Adam, AdamW, global-norm
 * gradient clipping and a proximal step hook that applies any proxkit {@link ProxOperator} to a
 * parameter after its gradient step (proximal SGD / proximal Adam).
 *
 * Parameters and gradients are plain named typed arrays ({@link ParamSet}); the optimizer keeps its
 * moment estimates in arrays of the same shapes and updates the parameters in place.
 */
import { NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import type { ProxOperator } from '../prox/index.js';

/**
 * A parameter or gradient: a typed array, or anything with a `view()` returning one (an nn `Tensor`:
 * its view is taken afresh right before use, since an allocation may detach an older one).
 */
export type ParamArray =
  | Float64Array
  | Float32Array
  | {
      /** A fresh typed array over the values (no copy). */
      view(): Float64Array | Float32Array;
    };

/** Named parameter (or gradient) arrays, e.g. `{ W1: Float64Array, b1: Float64Array }` or tensors. */
export type ParamSet = Record<string, ParamArray>;

/**
 * Which parameters get a proximal step, and with which operator: a map from parameter name to
 * operator, or a function of the name returning an operator (or undefined for none).
 */
export type ProxHook = Readonly<Record<string, ProxOperator>> | ((name: string) => ProxOperator | undefined);

/** A first-order optimizer made by {@link sgd}, {@link adam} or {@link adamw}; it keeps its state (moments, step count) per parameter name. */
export interface Optimizer {
  /** e.g. `adam(0.001)`. */
  readonly name: string;
  /** Steps taken so far. */
  readonly steps: number;
  /** The step size in use (may be changed between steps, e.g. by a schedule). */
  learningRate: number;
  /**
   * One update of every parameter in `params` from the gradient of the same name, in place; then the
   * proximal hook, if any. Gradients are read only (clip them first with {@link clipGradNorm}).
   */
  step(params: ParamSet, grads: ParamSet): void;
}

interface CommonOptions {
  /** Step size η > 0. */
  learningRate?: number;
  /**
   * Proximal hook: after the gradient step, θ ← prox_{η·g}(θ) for the operator g of that parameter
   * (η the learning rate), e.g. `{ W1: normL1(1e-3) }` for an ℓ1 penalty 1e-3·‖W1‖₁.
   */
  prox?: ProxHook;
}

/** Options of {@link sgd}. */
export interface SgdOptions extends CommonOptions {
  /** Momentum μ ∈ [0, 1) (default 0: plain SGD). */
  momentum?: number;
  /** Use Nesterov's look-ahead form of the momentum (default false). */
  nesterov?: boolean;
  /** L2 penalty λ ≥ 0 added to the gradient as λθ (default 0). */
  weightDecay?: number;
}

/** Options of {@link adam} and {@link adamw}. */
export interface AdamOptions extends CommonOptions {
  /** β₁ ∈ [0, 1) (default 0.9). */
  beta1?: number;
  /** β₂ ∈ [0, 1) (default 0.999). */
  beta2?: number;
  /** ε > 0 added to √v̂ (default 1e-8). */
  epsilon?: number;
  /**
   * Weight decay λ ≥ 0. For `adam` it is an L2 penalty added to the gradient (λθ, then rescaled by
   * the adaptive denominators); for `adamw` it is decoupled: θ ← θ − ηλθ beside the Adam step
   * (Loshchilov & Hutter, ICLR 2019). Defaults: 0 for adam, 0.01 for adamw.
   */
  weightDecay?: number;
}

function unitInterval(fn: string, name: string, v: unknown, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !(x >= 0 && x < 1)) throw parameterError(fn, name, 'a number in [0, 1)', x);
  return x;
}

function positive(fn: string, name: string, v: unknown, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw parameterError(fn, name, 'a finite number > 0', x);
  return x;
}

function nonNegativeFinite(fn: string, name: string, v: unknown, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw parameterError(fn, name, 'a finite number >= 0', x);
  return x;
}

function readHook(fn: string, hook: unknown): ((name: string) => ProxOperator | undefined) | undefined {
  if (hook === undefined) return undefined;
  const isOp = (o: unknown): o is ProxOperator => o !== null && typeof o === 'object' && typeof (o as ProxOperator).prox === 'function';
  if (typeof hook === 'function') {
    return (name) => {
      const op = (hook as (n: string) => unknown)(name);
      if (op !== undefined && !isOp(op)) throw parameterError(fn, `options.prox('${name}')`, 'a ProxOperator or undefined', op);
      return op as ProxOperator | undefined;
    };
  }
  if (hook === null || typeof hook !== 'object' || Array.isArray(hook)) throw parameterError(fn, 'options.prox', 'an object of ProxOperators by parameter name, or a function', hook);
  for (const [k, op] of Object.entries(hook)) if (!isOp(op)) throw parameterError(fn, `options.prox.${k}`, 'a ProxOperator', op);
  const map = hook as Record<string, ProxOperator>;
  return (name) => (Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined);
}

type Typed = Float64Array | Float32Array;

function viewOf(a: ParamArray): Typed | null {
  if (a instanceof Float64Array || a instanceof Float32Array) return a;
  if (a !== null && typeof a === 'object' && typeof (a as { view?: unknown }).view === 'function') {
    const v = (a as { view(): unknown }).view();
    if (v instanceof Float64Array || v instanceof Float32Array) return v;
  }
  return null;
}

/**
 * Checks every parameter against its gradient (names, lengths), then calls `body` per parameter with
 * views taken right before the call (a prox step of the previous parameter may have detached older ones).
 */
function eachPair(fn: string, params: ParamSet, grads: ParamSet, body: (name: string, p: Typed, g: Typed, raw: ParamArray) => void): void {
  if (params === null || typeof params !== 'object') throw parameterError(fn, 'params', 'an object of typed arrays', params);
  if (grads === null || typeof grads !== 'object') throw parameterError(fn, 'grads', 'an object of typed arrays', grads);
  const names = Object.keys(params);
  for (const name of names) {
    const p = viewOf(params[name]!);
    if (p === null) throw parameterError(fn, `params.${name}`, 'a Float64Array or Float32Array', params[name]);
    const g = grads[name] === undefined ? null : viewOf(grads[name]!);
    if (g === null) throw parameterError(fn, `grads.${name}`, `a Float64Array or Float32Array of length ${p.length}`, grads[name]);
    if (g.length !== p.length) throw new ShapeError(`${fn}: grads.${name} must have the length of params.${name}, ${p.length} (got ${g.length})`);
  }
  for (const name of names) body(name, viewOf(params[name]!)!, viewOf(grads[name]!)!, params[name]!);
}

/**
 * Applies the hook's operator (if any) to the parameter with step t. The prox allocates WASM memory,
 * which may detach a view of a tensor parameter, so the result is written through a fresh view.
 */
function applyProx(fn: string, hook: ((name: string) => ProxOperator | undefined) | undefined, name: string, raw: ParamArray, t: number): void {
  const op = hook?.(name);
  if (op === undefined) return;
  try {
    const p = viewOf(raw)!;
    if (p === raw && p instanceof Float64Array) op.prox(p, t, p);
    else {
      const r = op.prox(Float64Array.from(p), t);
      viewOf(raw)!.set(r);
    }
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith(fn)) e.message = `${fn}: proximal step of ${name} (${op.name}): ${e.message}`;
    throw e;
  }
}

/** Moment buffers created on first use per parameter name, in the parameter's precision. */
class Slots {
  private readonly map = new Map<string, Float64Array | Float32Array>();
  get(name: string, like: Float64Array | Float32Array): Float64Array | Float32Array {
    let s = this.map.get(name);
    if (s === undefined || s.length !== like.length) {
      s = like instanceof Float32Array ? new Float32Array(like.length) : new Float64Array(like.length);
      this.map.set(name, s);
    }
    return s;
  }
}

/**
 * Stochastic gradient descent with momentum: v ← μv + (g + λθ); θ ← θ − η·v, or with Nesterov
 * θ ← θ − η·(g + λθ + μv) (the PyTorch form; μ = 0 gives plain SGD, θ ← θ − η(g + λθ)). Then the
 * proximal hook θ ← prox_{ηh}(θ): with μ = 0 this is the proximal gradient method.
 *
 * Defaults: learningRate 0.01, momentum 0, nesterov false, weightDecay 0.
 */
export function sgd(options?: SgdOptions): Optimizer {
  const fn = 'sgd';
  const o = readOptions(fn, options, optionKeys<SgdOptions>({ learningRate: true, momentum: true, nesterov: true, weightDecay: true, prox: true }));
  const lr0 = positive(fn, 'options.learningRate', o.learningRate, 0.01);
  const mu = unitInterval(fn, 'options.momentum', o.momentum, 0);
  const nesterov = o.nesterov ?? false;
  if (typeof nesterov !== 'boolean') throw parameterError(fn, 'options.nesterov', 'a boolean', nesterov);
  if (nesterov && mu === 0) throw new ParameterError(`${fn}: options.nesterov needs options.momentum > 0 (got ${describe(o.momentum)})`);
  const wd = nonNegativeFinite(fn, 'options.weightDecay', o.weightDecay, 0);
  const hook = readHook(fn, o.prox);
  const velocity = new Slots();
  let steps = 0;
  return {
    name: `sgd(${lr0}${mu > 0 ? `, momentum ${mu}` : ''})`,
    get steps() {
      return steps;
    },
    learningRate: lr0,
    step(params: ParamSet, grads: ParamSet) {
      const lr = positive(fn, 'learningRate', this.learningRate, lr0);
      eachPair(`${fn}.step`, params, grads, (name, p, g, raw) => {
        if (mu === 0) {
          for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]!);
        } else {
          const v = velocity.get(name, p);
          for (let i = 0; i < p.length; i++) {
            const gi = g[i]! + wd * p[i]!;
            v[i] = mu * v[i]! + gi;
            p[i] = p[i]! - lr * (nesterov ? gi + mu * v[i]! : v[i]!);
          }
        }
        applyProx(`${fn}.step`, hook, name, raw, lr);
      });
      steps++;
    },
  };
}

function adamFamily(fn: 'adam' | 'adamw', options: AdamOptions | undefined): Optimizer {
  const o = readOptions(fn, options, optionKeys<AdamOptions>({ learningRate: true, beta1: true, beta2: true, epsilon: true, weightDecay: true, prox: true }));
  const lr0 = positive(fn, 'options.learningRate', o.learningRate, 1e-3);
  const b1 = unitInterval(fn, 'options.beta1', o.beta1, 0.9);
  const b2 = unitInterval(fn, 'options.beta2', o.beta2, 0.999);
  const eps = positive(fn, 'options.epsilon', o.epsilon, 1e-8);
  const wd = nonNegativeFinite(fn, 'options.weightDecay', o.weightDecay, fn === 'adamw' ? 0.01 : 0);
  const hook = readHook(fn, o.prox);
  const m1 = new Slots();
  const m2 = new Slots();
  let steps = 0;
  // β₁ᵗ and β₂ᵗ as running products: exact IEEE multiplications give the same bits in every engine,
  // where Math.pow (β ** t) differs between JS engines in the last bit.
  let b1t = 1, b2t = 1;
  return {
    name: `${fn}(${lr0})`,
    get steps() {
      return steps;
    },
    learningRate: lr0,
    step(params: ParamSet, grads: ParamSet) {
      const lr = positive(fn, 'learningRate', this.learningRate, lr0);
      const t = steps + 1;
      const p1 = b1t * b1, p2 = b2t * b2;
      const c1 = 1 - p1, c2 = 1 - p2;
      eachPair(`${fn}.step`, params, grads, (name, p, g, raw) => {
        const m = m1.get(name, p), v = m2.get(name, p);
        for (let i = 0; i < p.length; i++) {
          const gi = fn === 'adam' ? g[i]! + wd * p[i]! : g[i]!;
          m[i] = b1 * m[i]! + (1 - b1) * gi;
          v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
          const update = m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps);
          // AdamW: the decay uses the parameter before this step's update (θ_{t−1}).
          p[i] = fn === 'adamw' ? p[i]! - lr * (update + wd * p[i]!) : p[i]! - lr * update;
        }
        applyProx(`${fn}.step`, hook, name, raw, lr);
      });
      steps = t;
      b1t = p1;
      b2t = p2;
    },
  };
}

/**
 * Adam (Kingma & Ba, ICLR 2015, Algorithm 1): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − η·m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); weightDecay λ adds
 * λθ to g (coupled L2). Then the proximal hook with step η.
 *
 * Defaults: learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0.
 */
export function adam(options?: AdamOptions): Optimizer {
  return adamFamily('adam', options);
}

/**
 * AdamW (Loshchilov & Hutter, ICLR 2019): Adam's step on the raw gradient plus the decoupled decay
 * θ ← θ − η(m̂/(√v̂ + ε) + λθ). Then the proximal hook with step η.
 *
 * Defaults: learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0.01.
 */
export function adamw(options?: AdamOptions): Optimizer {
  return adamFamily('adamw', options);
}

/**
 * Clips gradients by their global ℓ2 norm: with ‖g‖ = √(Σ over all arrays of Σᵢ gᵢ²), every gradient
 * is multiplied by maxNorm/‖g‖ when ‖g‖ > maxNorm (in place). Returns ‖g‖ before clipping.
 */
export function clipGradNorm(grads: ParamSet, maxNorm: number): number {
  const fn = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) throw parameterError(fn, 'maxNorm', 'a number > 0', maxNorm);
  if (grads === null || typeof grads !== 'object') throw parameterError(fn, 'grads', 'an object of typed arrays', grads);
  // Scaled accumulation (as in a BLAS nrm2) so that huge gradients do not overflow to Infinity.
  let scale = 0, ssq = 1;
  for (const [name, raw] of Object.entries(grads)) {
    const g = viewOf(raw);
    if (g === null) throw parameterError(fn, `grads.${name}`, 'a Float64Array or Float32Array', raw);
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      if (a === 0) continue;
      if (!(a < Infinity)) throw new NonFiniteError(fn, `grads.${name}`, i, g[i]!);
      if (scale < a) {
        ssq = 1 + ssq * (scale / a) ** 2;
        scale = a;
      } else ssq += (a / scale) ** 2;
    }
  }
  const norm = scale * Math.sqrt(ssq);
  if (norm > maxNorm) {
    const c = maxNorm / norm;
    for (const raw of Object.values(grads)) {
      const g = viewOf(raw)!;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * c;
    }
  }
  return norm;
}
