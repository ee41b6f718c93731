/** One stochastic CVaR step (SGM, SPL, SPL+) for a sample, exposed for users and tests. */
import { parameterError } from '../runtime/errors.js';
import { f64View, withScope } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { checkBeta, finiteNumber } from './cvar.js';
import { finiteArray } from '../runtime/memory.js';
import { checkMethod, checkStepSize } from './minimize.js';

/** Input of {@link cvarStep}: the current iterate and one sample's loss and gradient. */
export interface CvarStepInput {
  /** The current parameters θ_t. */
  theta: ArrayLike<number>;
  /** The current η_t. */
  eta: number;
  /** The sample's loss ℓ(θ_t) (≥ 0 for 'spl+'). */
  loss: number;
  /** The sample's gradient ∇ℓ(θ_t), same length as theta. */
  grad: ArrayLike<number>;
  /** The CVaR level β in [0, 1). */
  beta: number;
  /** γ > 0. */
  stepSize: number;
  /** 'spl+' (truncated prox-linear; needs loss ≥ 0), 'spl' (prox-linear) or 'sgm' (subgradient). */
  method: 'spl+' | 'spl' | 'sgm';
}

/** Result of {@link cvarStep}: the next iterate and the step's multipliers. */
export interface CvarStepResult {
  /** The next parameters θ_{t+1}. */
  theta: Float64Array;
  /** The next η_{t+1}. */
  eta: number;
  /** The multipliers: θ⁺ = θ − γα·lambda·∇ℓ, η⁺ = η − γ + γα·s (α = 1/(1 − β)). */
  lambda: number;
  /** The η multiplier (see `lambda`). */
  s: number;
}

const CODES = { sgm: 0, spl: 1, 'spl+': 2 } as const;

/**
 * One step on f(θ, η) = η + α(ℓ(θ) − η)₊, α = 1/(1 − β), from (θ_t, η_t) (the model-based steps
 * compared by Meng & Gower 2023; 'spl+' is our truncated-model reconstruction of their SPL+):
 * - 'sgm': (θ, η) − γ·∂f;
 * - 'spl': argmin η + α(ℓ + ⟨g, θ − θ_t⟩ − η)₊ + (‖θ − θ_t‖² + (η − η_t)²)/(2γ);
 * - 'spl+': argmin η + α(max{ℓ + ⟨g, θ − θ_t⟩, 0} − η)₊ + (‖θ − θ_t‖² + (η − η_t)²)/(2γ) (truncated model).
 * Closed forms in assembly/cvar/step.ts.
 * @throws ParameterError for a bad input object, β (in [0, 1)), method, step size, eta or loss (finite,
 *   and >= 0 for 'spl+'); NonFiniteError for NaN/±Inf in theta or grad.
 */
export function cvarStep(input: CvarStepInput): CvarStepResult {
  const fn = 'cvarStep';
  const { eta, loss, beta, stepSize, method } = readOptions(fn, input, optionKeys<CvarStepInput>({ theta: true, eta: true, loss: true, grad: true, beta: true, stepSize: true, method: true }), 'input');
  checkBeta(fn, beta);
  checkMethod(fn, method);
  checkStepSize(fn, stepSize);
  finiteNumber(fn, 'eta', eta);
  finiteNumber(fn, 'loss', loss);
  // SPL+ truncates the linear model at 0, the lower bound of a loss: a negative loss breaks that model.
  if (method === 'spl+' && loss < 0) throw parameterError(fn, 'loss', ">= 0 for method 'spl+'", loss);
  const theta = finiteArray(fn, 'theta', input.theta);
  if (theta.length !== input.grad?.length) throw parameterError(fn, 'grad', `of length ${theta.length}`, input.grad);
  const grad = finiteArray(fn, 'grad', input.grad);
  let g2 = 0;
  for (let j = 0; j < grad.length; j++) g2 += grad[j]! * grad[j]!;
  const alpha = 1 / (1 - beta);
  const [lambda, s] = withScope(fn, (sc) => {
    const out = sc.f64(2);
    sc.x.cvarStepCoef(CODES[method], loss, g2, eta, stepSize, alpha, out);
    const v = f64View(sc.x, out, 2);
    return [v[0]!, v[1]!];
  });
  const c = stepSize * alpha;
  return { theta: Float64Array.from(theta, (t, j) => t - c * lambda * grad[j]!), eta: eta - stepSize + c * s, lambda, s };
}
