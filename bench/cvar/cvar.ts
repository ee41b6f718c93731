/**
 * The cvar family: `cvar` (quickselect in WASM) against a sort-based plain-TS CVaR; `projectCvarSet`
 * against the plain-TS projection (full sort + the same breakpoint walk); one SPL+ epoch in WASM
 * against the same epoch written in plain TS. Every candidate is checked against the plain-TS
 * result before and after timing.
 */
import { cvar, projectCvarSet, rng } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { breastCancerProblem } from '../../bindings/cvar/data.js';
import { cvarSortRef, projectCvarSortRef } from '../../test/cvar/reference.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const CVAR_SEEDS: Record<number, number> = { 1e3: 4003, 1e5: 4005, 1e6: 4006 };
const BETA = 0.99;

/** cvar at β = 0.99 on standard normal losses. */
export function benchCvar(ctx: BenchContext): CaseResult[] {
  return forEachSize(ctx, CVAR_SEEDS, ({ n, seed, inputs, buf }) => {
    const references = inputs.map((v) => [cvarSortRef(v, BETA)]);
    const bufIns = inputs.map((v) => buf(v));
    const outs = { public: new Float64Array(1), zeroCopy: new Float64Array(1), sort: new Float64Array(1) };
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'public API, Float64Array (copy + select)', call: (i) => (outs.public[0] = cvar(inputs[i]!, BETA)), ...onJs(outs.public) },
      { key: 'zeroCopy', name: 'public API, F64Buffer (select on a scratch copy)', call: (i) => (outs.zeroCopy[0] = cvar(bufIns[i]!, BETA)), ...onJs(outs.zeroCopy) },
      { key: 'sort', name: 'plain TS, Float64Array sort (cvarSortRef)', call: (i) => (outs.sort[0] = cvarSortRef(inputs[i]!, BETA)), ...onJs(outs.sort) },
    ];
    return runCase(
      { kernel: 'cvar', n, seed, params: { beta: BETA } },
      candidates,
      references,
      { 'public API vs sort-based': ['sort', 'public'], 'zero-copy vs sort-based': ['sort', 'zeroCopy'] },
      ctx.timer,
    );
  });
}

/** projectCvarSet at β = 0.99, κ = CVaR(v) − 0.5. */
export function benchProjectCvarSet(ctx: BenchContext): CaseResult[] {
  return forEachSize(ctx, { 1e3: 4103, 1e5: 4105, 1e6: 4106 }, ({ n, seed, inputs }) => {
    const kappas = inputs.map((v) => cvarSortRef(v, BETA) - 0.5);
    const references = inputs.map((v, i) => projectCvarSortRef(v, BETA, kappas[i]!));
    const publicOut = new Float64Array(n);
    const plainOut = new Float64Array(n);
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'public API (select + partial sort + walk)', call: (i) => projectCvarSet(inputs[i]!, BETA, kappas[i]!, publicOut), ...onJs(publicOut) },
      { key: 'plainTS', name: 'plain TS, full sort + walk (projectCvarSortRef)', call: (i) => projectCvarSortRef(inputs[i]!, BETA, kappas[i]!, plainOut), ...onJs(plainOut) },
    ];
    return runCase(
      { kernel: 'projectCvarSet', n, seed, params: { beta: BETA, kappaBelowCvar: 0.5 } },
      candidates,
      references,
      { 'public API vs plain-TS': ['plainTS', 'public'] },
      ctx.timer,
    );
  });
}

/**
 * One SPL+ epoch (batch 1, logistic loss, constant γ = 0.1, β = 0.9, intercept, fixed permutation).
 * n = 1e3 → the breast-cancer data (569 × 30, standardised); n = 1e5, 1e6 → synthetic designs of
 * n/30 rows × 30 (rng(seed) normal entries, labels from a random hyperplane). Output: w, b, η.
 */
export function benchSplEpoch(ctx: BenchContext): CaseResult[] {
  return forEachSize(ctx, { 1e3: 4203, 1e5: 4205, 1e6: 4206 }, ({ n, seed, buf }) => {
    let X: Float64Array;
    let y: Float64Array;
    const d = 30;
    if (n === 1e3) {
      const p = breastCancerProblem('logistic');
      X = p.X.data;
      y = p.y;
    } else {
      const g = rng(seed);
      const rows = Math.round(n / d);
      X = g.normal(rows * d);
      const w = g.normal(d);
      y = Float64Array.from({ length: rows }, (_, i) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += X[i * d + j]! * w[j]!;
        return s >= 0 ? 1 : -1;
      });
    }
    const rows = y.length;
    const u = rng(seed + 1).uniform(rows);
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(u[i]! * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const gamma = 0.1;
    const alpha = 1 / (1 - 0.9);
    const x = wasm('bench');
    const bX = buf(X);
    const bY = buf(y);
    const bOrder = buf(Math.ceil(rows / 2));
    new Int32Array(x.memory.buffer, bOrder.ptr, rows).set(order);
    const bTheta = buf(d + 1);
    const bState = buf(2);
    const bG = buf(d + 3);
    const wasmOut = new Float64Array(d + 2);
    const tsOut = new Float64Array(d + 2);
    const wasmEpoch = (): void => {
      bTheta.view().fill(0);
      bState.view().fill(0);
      x.cvarEpoch(bX.ptr, d, bY.ptr, bOrder.ptr, rows, 1, 2, 2, gamma, 0, 0, alpha, bTheta.ptr, 1, bState.ptr, bG.ptr, 0, 0);
      wasmOut.set(bTheta.view());
      wasmOut[d + 1] = bState.view()[0]!;
    };
    const reference = splPlusEpochRef(X, y, d, order, gamma, alpha, new Float64Array(d + 2));
    const candidates: CaseCandidate[] = [
      { key: 'wasm', name: 'WASM epoch (cvarEpoch, as minimizeCvar runs it)', call: wasmEpoch, ...onJs(wasmOut) },
      { key: 'plainTS', name: 'plain TS epoch (splPlusEpochRef)', call: () => splPlusEpochRef(X, y, d, order, gamma, alpha, tsOut), ...onJs(tsOut) },
    ];
    return runCase(
      { kernel: 'splPlusEpoch', n: rows * d, seed, params: { rows, d, gamma, beta: 0.9 } },
      candidates,
      [reference],
      { 'WASM vs plain-TS': ['plainTS', 'wasm'] },
      ctx.timer,
    );
  });
}

/** One SPL+ epoch (truncated prox-linear, logistic loss, intercept) in plain TS, from w = 0, b = 0, η = 0; out = [w, b, η]. */
export function splPlusEpochRef(X: Float64Array, y: Float64Array, d: number, order: Int32Array, gamma: number, alpha: number, out: Float64Array): Float64Array {
  const th = out.fill(0);
  let eta = 0;
  const c = gamma * alpha;
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    let p = th[d]!;
    let xx = 1;
    for (let j = 0; j < d; j++) {
      p += X[i * d + j]! * th[j]!;
      xx += X[i * d + j]! ** 2;
    }
    const m = y[i]! * p;
    const e = Math.exp(-Math.abs(m));
    const ell = (m < 0 ? -m : 0) + Math.log1p(e);
    const dphi = m >= 0 ? (-y[i]! * e) / (1 + e) : -y[i]! / (1 + e);
    const g2 = dphi * dphi * xx;
    const spl = Math.min(Math.max((ell - eta + gamma) / (c * (g2 + 1)), 0), 1);
    const free = ell <= 0 ? 0 : g2 > 0 ? ell / (c * g2) : Infinity;
    const s = Math.min(Math.max((gamma - eta) / c, 0), 1);
    const [l1, S] = free <= s ? [free, s] : [spl, spl];
    const step = c * l1 * dphi;
    for (let j = 0; j < d; j++) th[j]! -= step * X[i * d + j]!;
    th[d]! -= step;
    eta += -gamma + c * S;
  }
  out[d + 1] = eta;
  return out;
}
