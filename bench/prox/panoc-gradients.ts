/**
 * Gradient evaluations of panoc and fista to the same fixed-point residual (tol 1e-8), counted
 * through one wrapper around leastSquares: the LASSO on diabetes (standardised, 442 × 10) at
 * λmax/10, /100, /1000 for L-BFGS memories 5, 10 (default) and 20, and an L0-regularised least squares
 * (80 × 40 normal design, 4 planted non-zeros, λ = 0.5, tol 1e-9). A count, not a timing: run with
 *   node --expose-gc <bundle of this file> docs/experiments/panoc-gradients
 * which writes <prefix>.json and <prefix>.svg.
 */
import { writeFileSync } from 'node:fs';
import { fista, init, leastSquares, normL0, normL1, panoc, rng, type ProxOperator } from '../../bindings/index.js';
import { diabetesProblem } from '../../test/prox/algorithms/reference.js';

interface Row { problem: string; memory: number; panoc: number; fista: number; panocIterations: number; fistaIterations: number; objectiveGap: number }

function counted(A: Float64Array, b: Float64Array, m: number, n: number) {
  const ls = leastSquares({ data: A, rows: m, cols: n }, b);
  const f = { calls: 0, dimension: n, lipschitz: ls.lipschitz, value: (x: Float64Array) => ls.value(x), gradient: (x: Float64Array, o: Float64Array) => { f.calls++; return ls.gradient(x, o); } };
  return f;
}

function compare(problem: string, A: Float64Array, b: Float64Array, m: number, n: number, g: ProxOperator, tol: number, memory: number, restart: 'gradient' | 'function'): Row {
  const fp = counted(A, b, m, n);
  const rp = panoc(fp, g, { tol, memory });
  const ff = counted(A, b, m, n);
  const rf = fista(ff, g, { tol, restart });
  if (!rp.converged || !rf.converged) throw new Error(`${problem}: a solver did not converge`);
  return { problem, memory, panoc: fp.calls, fista: ff.calls, panocIterations: rp.iterations, fistaIterations: rf.iterations, objectiveGap: rp.objective - rf.objective };
}

export async function panocGradients(): Promise<Row[]> {
  await init();
  const rows: Row[] = [];
  const P = diabetesProblem();
  for (const div of [10, 100, 1000]) {
    for (const memory of [5, 10, 20]) rows.push(compare(`LASSO diabetes λmax/${div}`, P.X, P.y, P.m, P.n, normL1(P.lambdaMax / div), 1e-8, memory, 'gradient'));
  }
  const [m, n] = [80, 40];
  const g = rng(7);
  const A = g.normal(m * n);
  const noise = g.normal(m);
  const truth = new Float64Array(n);
  for (const [j, v] of [[3, 2], [11, -1.5], [20, 1], [33, -2.5]] as const) truth[j] = v;
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0.05 * noise[i]!;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * truth[j]!;
    b[i] = s;
  }
  for (const memory of [5, 10, 20]) rows.push(compare('L0 least squares 80×40, λ = 0.5', A, b, m, n, normL0(0.5), 1e-9, memory, 'function'));
  return rows;
}

function svg(rows: Row[]): string {
  const shown = rows.filter((r) => r.memory === 10);
  const max = Math.max(...shown.flatMap((r) => [r.panoc, r.fista]));
  const W = 640;
  const barH = 14;
  const left = 230;
  const scale = (W - left - 60) / max;
  let y = 40;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${40 + shown.length * 44 + 20}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14">Gradient evaluations to the same fixed-point residual (panoc memory 10)</text>`];
  for (const r of shown) {
    parts.push(`<text x="10" y="${y + 18}">${r.problem.replace('&', '&amp;')}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${r.panoc * scale}" height="${barH}" fill="#1f77b4"/><text x="${left + r.panoc * scale + 4}" y="${y + 11}">panoc ${r.panoc}</text>`);
    parts.push(`<rect x="${left}" y="${y + barH + 2}" width="${r.fista * scale}" height="${barH}" fill="#ff7f0e"/><text x="${left + r.fista * scale + 4}" y="${y + barH + 13}">fista ${r.fista}</text>`);
    y += 44;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

const prefix = process.argv[2];
if (prefix) {
  const rows = await panocGradients();
  console.table(rows);
  writeFileSync(`${prefix}.json`, JSON.stringify({ command: 'node <esbuild bundle of bench/prox/panoc-gradients.ts> docs/experiments/panoc-gradients', rows }, null, 2));
  writeFileSync(`${prefix}.svg`, svg(rows));
}
