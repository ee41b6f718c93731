/**
 * Two parts of the OT section of `proxkit demo` that need no data files:
 *  (d) a gradient flow: a cloud of points moves to a target shape by gradient descent on the Sinkhorn
 *      divergence (the gradient from `sinkhornDivergence(…, { gradient: true })`);
 *  (e) Gromov–Wasserstein matching of a spiral and a rotated, rescaled-free, noisy copy of it sitting in
 *      another position: GW sees only the distances inside each shape, and the colours show that the
 *      matched points keep their place along the spiral.
 * Figures: proxkit-ot-flow.svg and proxkit-ot-gw.svg.
 */
import { gromovWasserstein, rng, sinkhornDivergence } from '../index.js';
import { writeOutput, type DemoContext } from './context.js';
import { lineFigure, type Series } from '../plot/svg.js';

/** n points spread evenly on a heart curve (the target shape), in [0, 1]². */
function heart(n: number): Float64Array {
  const P = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    P[2 * i] = 0.5 + 0.028 * 16 * Math.sin(t) ** 3;
    P[2 * i + 1] = 0.5 + 0.028 * (13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t));
  }
  return P;
}

function xy(P: Float64Array): { x: Float64Array; y: Float64Array } {
  const n = P.length / 2;
  return { x: Float64Array.from({ length: n }, (_, i) => P[2 * i]!), y: Float64Array.from({ length: n }, (_, i) => P[2 * i + 1]!) };
}

/** (d) points flowing to a heart shape by gradient descent on S_ε. */
export function gradientFlow(ctx: DemoContext): void {
  ctx.log('Gradient flow: a square cloud flows to a heart by gradient descent on the Sinkhorn divergence');
  // The quick tour: fewer points and steps, and a larger ε (fewer Sinkhorn iterations per step).
  const n = ctx.quick ? 50 : 200;
  const steps = ctx.quick ? 10 : 60;
  const reg = ctx.quick ? 0.01 : 0.002;
  const target = heart(n);
  const X = rng(ctx.seed).uniform(2 * n).map((u) => 0.1 + 0.3 * u); // a square blob in the lower left
  // ∂S/∂x_i carries the point's weight 1/n and the cost gradient 2(x_i − y): a step of η·n·∂S/∂x_i with
  // η = 0.25 moves a point about half-way to where the entropic plan sends it.
  const eta = 0.25;
  const values: number[] = [];
  const snapshots: { step: number; P: Float64Array }[] = [{ step: 0, P: X.slice() }];
  for (let k = 0; k < steps; k++) {
    const r = sinkhornDivergence({ data: X, rows: n, cols: 2 }, { data: target, rows: n, cols: 2 }, { reg, gradient: true, tol: 1e-5 });
    values.push(r.value);
    for (let c = 0; c < 2 * n; c++) X[c] = X[c]! - eta * n * r.grad!.X[c]!;
    if (k + 1 === Math.round(steps / 3) || k + 1 === steps) snapshots.push({ step: k + 1, P: X.slice() });
  }
  const final = sinkhornDivergence({ data: X, rows: n, cols: 2 }, { data: target, rows: n, cols: 2 }, { reg }).value;
  values.push(final);
  ctx.log(`  S_ε (ε = ${reg}) from ${values[0]!.toExponential(3)} to ${final.toExponential(3)} in ${steps} steps of ${n} points`);
  const T = xy(target);
  const panels = snapshots.map(({ step, P }) => {
    const p = xy(P);
    const series: Series[] = [
      { name: 'target (heart)', x: T.x, y: T.y, markersOnly: true },
      { name: 'moving points', x: p.x, y: p.y, markersOnly: true },
    ];
    return { title: `step ${step}`, x: { label: 'x', domain: [0, 1] as [number, number] }, y: { label: 'y', domain: [0, 1] as [number, number] }, series };
  });
  panels.push({
    title: 'divergence along the flow',
    x: { label: 'step', domain: [0, steps] as [number, number] },
    y: { label: 'S_ε (log scale)', scale: 'log' } as never,
    series: [{ name: 'S_ε', x: Float64Array.from(values, (_, i) => i), y: Float64Array.from(values, (v) => Math.max(v, 1e-12)) } as Series],
  });
  writeOutput(ctx, 'proxkit-ot-flow.svg', lineFigure({
    title: `Gradient flow of ${n} points on the Sinkhorn divergence to a heart (ε = ${reg})${ctx.quick ? ' (quick tour)' : ''}`,
    panels,
    columns: 2,
    width: 720,
    plotHeight: 260,
    styles: { 'target (heart)': { color: '#bbbbbb', marker: 'circle', filled: true, size: 2.5 }, 'moving points': { color: '#c0392b', marker: 'circle', filled: true, size: 2.5 } },
    caption: `Each step moves every point against its gradient ∂S_ε/∂x_i (envelope theorem on the Sinkhorn potentials, ` +
      `checked against finite differences in the tests), scaled by n·${eta} so that a point moves about half-way to where the entropic plan sends it. ` +
      `The debiased divergence is 0 only when the two clouds coincide, so the points spread over the whole curve instead of collapsing to its centre.`,
  }), 'figure: the gradient flow');
}

/** (e) GW matching of a 2-D spiral and a noisy spiral rotated in 3-D. */
export function gwMatching(ctx: DemoContext): void {
  ctx.log('Gromov–Wasserstein: matching a 2-D spiral to a noisy copy rotated into 3-D (no common coordinates)');
  const n = ctx.quick ? 40 : 100;
  const t = Float64Array.from({ length: n }, (_, i) => 1 + (3 * Math.PI * i) / n);
  const A = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) { A[2 * i] = 0.1 * t[i]! * Math.cos(t[i]!); A[2 * i + 1] = 0.1 * t[i]! * Math.sin(t[i]!); }
  // B: the same spiral, points shuffled, rotated about the x axis into 3-D, with small noise
  const R = rng(ctx.seed + 1);
  const noise = R.normal(3 * n);
  const order = Array.from({ length: n }, (_, i) => i);
  const u = R.uniform(n);
  order.sort((i, j) => u[i]! - u[j]!);
  const c = Math.cos(1), s = Math.sin(1);
  const B = new Float64Array(3 * n);
  order.forEach((src, i) => {
    const x = A[2 * src]!, y = A[2 * src + 1]!;
    B[3 * i] = x + 0.01 * noise[3 * i]!;
    B[3 * i + 1] = c * y + 0.01 * noise[3 * i + 1]!;
    B[3 * i + 2] = s * y + 0.01 * noise[3 * i + 2]!;
  });
  const dist = (P: Float64Array, d: number, k: number): Float64Array => {
    const D = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let q = 0;
      for (let e = 0; e < d; e++) q += (P[i * d + e]! - P[j * d + e]!) ** 2;
      D[i * k + j] = Math.sqrt(q);
    }
    return D;
  };
  const w = new Float64Array(n).fill(1 / n);
  const r = gromovWasserstein(dist(A, 2, n), dist(B, 3, n), w, w, { restarts: ctx.quick ? 0 : 4, seed: ctx.seed });
  // match of each B point: the A point with the largest plan entry in its column
  let correct = 0;
  const matched = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (r.plan[i * n + j]! > r.plan[best * n + j]!) best = i;
    matched[j] = best;
    if (best === order[j]) correct++;
  }
  ctx.log(`  GW value ${r.value.toExponential(3)} after ${r.iterations} iterations (best of ${r.startValues.length} starts); ${correct} of ${n} points matched to their true counterpart`);
  const groups = 4;
  const colourOf = (i: number): number => Math.min(groups - 1, Math.floor((groups * i) / n));
  const names = ['first quarter of the spiral', 'second quarter', 'third quarter', 'last quarter'];
  const sa: Series[] = names.map((name, g) => {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => colourOf(i) === g);
    return { name, x: idx.map((i) => A[2 * i]!), y: idx.map((i) => A[2 * i + 1]!), markersOnly: true };
  });
  // B drawn in its (x, z) plane, coloured by the quarter of its GW match in A
  const sb: Series[] = names.map((name, g) => {
    const idx = Array.from({ length: n }, (_, j) => j).filter((j) => colourOf(matched[j]!) === g);
    return { name, x: idx.map((j) => B[3 * j]!), y: idx.map((j) => B[3 * j + 2]!), markersOnly: true };
  });
  writeOutput(ctx, 'proxkit-ot-gw.svg', lineFigure({
    title: `Gromov–Wasserstein matching of a spiral (2-D) and a shuffled, noisy copy rotated into 3-D${ctx.quick ? ' (quick tour)' : ''}`,
    panels: [
      { title: 'A (2-D), by place on the spiral', x: { label: 'x' }, y: { label: 'y' }, series: sa },
      { title: 'B (3-D, side view), by GW match', x: { label: 'x' }, y: { label: 'z' }, series: sb },
    ],
    caption: `Left: A coloured by the quarter of the spiral a point lies on. Right: B seen in its (x, z) plane, each point coloured like its GW match in A. ` +
      `GW compares only the distance matrices inside each shape: B has other coordinates, another dimension and its points in another order. ` +
      `${correct} of ${n} points of B are matched to their true counterpart in A; GW value ${r.value.toExponential(2)}.`,
  }), 'figure: GW matching');
}
