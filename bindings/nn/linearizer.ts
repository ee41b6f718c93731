/**
 * The Linearizer ("Who said neural networks aren't linear?", 2025): f(x) = g_y⁻¹(A·g_x(x)) with
 * invertible networks g_x: ℝᵈ → ℝᵈ, g_y: ℝᵐ → ℝᵐ (stacks of affine coupling layers) and a matrix A
 * (m × d). f is linear between the vector spaces the networks induce,
 *
 *   a ⊕ b = g⁻¹(g(a) + g(b)),   c ⊙ a = g⁻¹(c·g(a)),
 *
 * so linear algebra applies to it through A: its SVD gives induced singular vectors, A⁺ gives the
 * pseudo-inverse f⁺(y) = g_x⁻¹(A⁺ g_y(y)), and with g_y = g_x and A a projection f is idempotent.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { svd } from '../linalg/index.js';
import { Tensor, checkTensor, shapeText, tensor } from './tensor.js';
import { add, matmul, scale } from './ops.js';
import { coupling, couplingInverse, initCoupling, rngOf, type CouplingParams, type InitOptions } from './layers.js';

/** An invertible network: coupling layers alternating which half conditions the other. */
export interface FlowParams {
  /** The coupling layers, applied in order. */
  layers: CouplingParams[];
  /** The dimension d of the space the flow acts on. */
  dim: number;
}

/** Options of {@link initFlow}. */
export interface FlowInitOptions extends InitOptions {
  /** Number of coupling layers (default 4). */
  layers?: number;
  /** Hidden widths of each layer's conditioner (default [32]). */
  hidden?: readonly number[];
  /** Last-layer gain of each conditioner, as initCoupling (default 0.1). */
  outputGain?: number;
}

/**
 * A stack of `layers` (default 4) affine coupling layers on ℝ^dim (dim ≥ 2) with tanh conditioners of
 * widths `hidden` (default [32]), alternately conditioning on the first and the last half.
 */
export function initFlow(dim: number, options?: FlowInitOptions): FlowParams {
  const fn = 'initFlow';
  positiveInteger(fn, 'dim', dim);
  if (dim < 2) throw parameterError(fn, 'dim', 'an integer >= 2 (a coupling layer splits the coordinates in two)', dim);
  const o = readOptions(fn, options, optionKeys<FlowInitOptions>({ seed: true, dtype: true, layers: true, hidden: true, outputGain: true }));
  const count = positiveInteger(fn, 'options.layers', o.layers ?? 4);
  const R = rngOf(fn, o.seed);
  const layers = Array.from({ length: count }, (_, k) => initCoupling(dim, { seed: R, dtype: o.dtype, hidden: o.hidden ?? [32], flip: k % 2 === 1, outputGain: o.outputGain }));
  return { layers, dim };
}

/** g(x), x of shape [n, dim]. */
export function flow(p: FlowParams, x: Tensor): Tensor {
  let h = x;
  for (const L of p.layers) h = coupling(L, h);
  return h;
}

/** g⁻¹(y): the layers' exact inverses in reverse order. */
export function flowInverse(p: FlowParams, y: Tensor): Tensor {
  let h = y;
  for (let k = p.layers.length - 1; k >= 0; k--) h = couplingInverse(p.layers[k]!, h);
  return h;
}

/** f(x) = g_y⁻¹(A·g_x(x)): A is [m, d]. */
export interface LinearizerParams {
  /** The input flow g_x on ℝᵈ. */
  gx: FlowParams;
  /** The output flow g_y on ℝᵐ (the same object as gx when shared). */
  gy: FlowParams;
  /** The linear map in the induced spaces, shape [m, d]. */
  A: Tensor;
}

/** Options of {@link initLinearizer}. */
export interface LinearizerInitOptions extends InitOptions {
  /** Coupling layers per flow (default 4). */
  layers?: number;
  /** Hidden widths of the conditioners (default [32]). */
  hidden?: readonly number[];
  /** One flow for both sides, g_y = g_x (needs d = m; default false). */
  shared?: boolean;
}

/**
 * Parameters of a Linearizer ℝᵈ → ℝᵐ (d, m ≥ 2): two flows (options.layers, options.hidden as
 * initFlow) and A with entries U(±√(3/d)). `shared: true` uses one flow for both sides (needs d = m;
 * then f maps a space to itself and composes with itself).
 */
export function initLinearizer(d: number, m: number, options?: LinearizerInitOptions): LinearizerParams {
  const fn = 'initLinearizer';
  positiveInteger(fn, 'd', d);
  positiveInteger(fn, 'm', m);
  const o = readOptions(fn, options, optionKeys<LinearizerInitOptions>({ seed: true, dtype: true, layers: true, hidden: true, shared: true }));
  if (o.shared === true && d !== m) throw new ParameterError(`${fn}: options.shared needs d = m (got d = ${d}, m = ${m})`);
  const R = rngOf(fn, o.seed);
  const gx = initFlow(d, { seed: R, dtype: o.dtype, layers: o.layers, hidden: o.hidden });
  const gy = o.shared === true ? gx : initFlow(m, { seed: R, dtype: o.dtype, layers: o.layers, hidden: o.hidden });
  const u = R.uniform(m * d);
  const bound = Math.sqrt(3 / d);
  for (let i = 0; i < u.length; i++) u[i] = (2 * u[i]! - 1) * bound;
  return { gx, gy, A: tensor(u, { shape: [m, d], dtype: o.dtype ?? 'f64' }) };
}

function checkA(fn: string, p: LinearizerParams): Tensor {
  if (p === null || typeof p !== 'object' || !p.gx || !p.gy) throw parameterError(fn, 'params', 'Linearizer parameters { gx, gy, A }', p);
  const A = checkTensor(fn, 'params.A', p.A);
  if (A.rank !== 2 || A.shape[0] !== p.gy.dim || A.shape[1] !== p.gx.dim) {
    throw new ShapeError(`${fn}: params.A must have shape [${p.gy.dim}, ${p.gx.dim}] (got ${shapeText(A.shape)})`);
  }
  return A;
}

/** f(x) = g_y⁻¹(A g_x(x)) for x of shape [n, d] → [n, m]. */
export function linearizer(p: LinearizerParams, x: Tensor): Tensor {
  const A = checkA('linearizer', p);
  return flowInverse(p.gy, matmul(flow(p.gx, x), A, { transposeB: true }));
}

/** f applied with any matrix M [m, d] in place of A: g_y⁻¹(M g_x(x)). */
export function linearizerWith(p: LinearizerParams, M: Tensor, x: Tensor): Tensor {
  return flowInverse(p.gy, matmul(flow(p.gx, x), M, { transposeB: true }));
}

/** The induced addition a ⊕ b = g⁻¹(g(a) + g(b)) of the space a flow defines. */
export function inducedAdd(g: FlowParams, a: Tensor, b: Tensor): Tensor {
  return flowInverse(g, add(flow(g, a), flow(g, b)));
}

/** The induced scalar multiplication c ⊙ a = g⁻¹(c·g(a)). */
export function inducedScale(g: FlowParams, c: number, a: Tensor): Tensor {
  return flowInverse(g, scale(flow(g, a), c));
}

/** SVD of A and the Linearizer's induced singular vectors and pseudo-inverse. */
export interface LinearizerSvd {
  /** Singular values of A, descending (min(m, d) of them). */
  singularValues: Float64Array;
  /** A = U diag(σ) Vᵀ: U (m × r) and V (d × r), row-major. */
  U: Float64Array;
  /** V (d × r), row-major. */
  V: Float64Array;
  /** r = min(m, d). */
  rank: number;
  /** A⁺ = V diag(1/σ) Uᵀ (d × m, row-major), singular values below tol·σ_max treated as 0. */
  pinv: Float64Array;
}

/**
 * The SVD of the Linearizer's A (through the linalg family's `svd`) and A⁺. In the induced spaces,
 * f(g_x⁻¹(v_i)) = σ_i ⊙ g_y⁻¹(u_i), and the pseudo-inverse of f is f⁺(y) = g_x⁻¹(A⁺ g_y(y))
 * ({@link linearizerPinv}).
 */
export function linearizerSvd(p: LinearizerParams, tol = 1e-12): LinearizerSvd {
  const fn = 'linearizerSvd';
  const A = checkA(fn, p);
  const [m, d] = [A.shape[0]!, A.shape[1]!];
  const a = A.data();
  const s = svd(a, m, d);
  const r = s.s.length; // min(m, d): U is m × r, V is d × r
  const sig = s.s.slice();
  const pinv = new Float64Array(d * m);
  const cut = tol * (sig[0] ?? 0);
  for (let k = 0; k < r; k++) {
    if (!(sig[k]! > cut)) continue;
    const inv = 1 / sig[k]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) pinv[i * m + j] = pinv[i * m + j]! + s.V[i * r + k]! * inv * s.U[j * r + k]!;
  }
  return { singularValues: sig, U: s.U, V: s.V, rank: r, pinv };
}

/** f⁺(y) = g_x⁻¹(A⁺ g_y(y)) for y of shape [n, m] → [n, d], with A⁺ from {@link linearizerSvd}. */
export function linearizerPinv(p: LinearizerParams, y: Tensor, svdOfA?: LinearizerSvd): Tensor {
  const A = checkA('linearizerPinv', p);
  const s = svdOfA ?? linearizerSvd(p);
  const P = tensor(s.pinv, { shape: [A.shape[1]!, A.shape[0]!], dtype: A.dtype });
  return flowInverse(p.gx, matmul(flow(p.gy, y), P, { transposeB: true }));
}

/** Frees every tensor of a Linearizer's parameters (a shared flow once). */
export function freeLinearizer(p: LinearizerParams): void {
  const flows = p.gy === p.gx ? [p.gx] : [p.gx, p.gy];
  for (const g of flows) for (const L of g.layers) for (const l of L.net.layers) (l.W.freed || l.W.free(), l.b === undefined || l.b.freed || l.b.free());
  if (!p.A.freed) p.A.free();
}
