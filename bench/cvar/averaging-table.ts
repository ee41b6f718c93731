/**
 * The step-size experiment with iterate averaging: relative suboptimality of minimizeCvar against a
 * certified lower bound (cvarReference), for every step size of DEFAULT_STEP_SIZES (10⁻⁴ … 10²), on
 * diabetes (absolute and squared loss) and breast cancer (squared loss), β = 0.9.
 *
 * node bench/cvar/run.mjs averaging-table [--quick] [--out docs/experiments]
 *   --quick: 50 epochs, one seed.
 *
 * Variants (method / schedule / averaging): SPL+ constant none, SPL+ constant tail, SPL+ √ none,
 * SPL+ √ tail (minimizeCvar's defaults), SPL √ tail, SGM √ tail ('√': γ_t = γ/√(t + 1); 'tail': the
 * mean of the second half of the iterates). 300 epochs; the median over 3 seeds of (CVaR − LB)/LB.
 * Writes cvar-averaging.{json,svg} and prints a Markdown table per problem.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STEP_SIZES, cvarReference, init, minimizeCvar, type CvarAveraging, type CvarMethod } from '../../bindings/index.js';
import { breastCancerProblem, diabetesProblem } from '../../bindings/cvar/data.js';
import { lineFigure } from '../../bindings/plot/svg.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
const epochs = quick ? 50 : 300;
const seeds = quick ? [0] : [0, 1, 2];
const beta = 0.9;
const tol = 0.005;

await init();

interface Variant { label: string; method: CvarMethod; schedule: 'constant' | 'sqrt'; averaging: CvarAveraging }
const variants: Variant[] = [
  { label: 'SPL+ constant, last iterate', method: 'spl+', schedule: 'constant', averaging: 'none' },
  { label: 'SPL+ constant, tail mean', method: 'spl+', schedule: 'constant', averaging: 'tail' },
  { label: 'SPL+ γ/√t, last iterate', method: 'spl+', schedule: 'sqrt', averaging: 'none' },
  { label: 'SPL+ γ/√t, tail mean (the defaults)', method: 'spl+', schedule: 'sqrt', averaging: 'tail' },
  { label: 'SPL γ/√t, tail mean', method: 'spl', schedule: 'sqrt', averaging: 'tail' },
  { label: 'SGM γ/√t, tail mean', method: 'sgm', schedule: 'sqrt', averaging: 'tail' },
];
const diabetes = diabetesProblem(1);
const problems = [
  { name: 'diabetes, absolute loss', X: diabetes.X, y: diabetes.y, loss: 'absolute' as const },
  { name: 'diabetes, squared loss', X: diabetes.X, y: diabetes.y, loss: 'squared' as const },
  { ...breastCancerProblem(), name: 'breast cancer, squared loss', loss: 'squared' as const },
];
const steps = [...DEFAULT_STEP_SIZES];

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); const h = s.length >> 1; return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2; };
/** The widest run of consecutive step sizes with every value ≤ tol, as [lo, hi] (null if none). */
function range(values: number[]): [number, number] | null {
  let best: [number, number] | null = null;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! <= tol)) continue;
    let j = i;
    while (j + 1 < values.length && values[j + 1]! <= tol) j++;
    if (!best || j - i > best[1] - best[0]) best = [i, j];
    i = j;
  }
  return best && [steps[best[0]]!, steps[best[1]]!];
}

const started = performance.now();
const panels = problems.map((p) => {
  const ref = cvarReference({ X: p.X, y: p.y, loss: p.loss, beta });
  const rows = variants.map((v) => {
    const subopt = steps.map((stepSize) => median(seeds.map((seed) => {
      const r = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta, method: v.method, schedule: v.schedule, averaging: v.averaging, stepSize, epochs, seed });
      return Number.isFinite(r.objective) ? (r.objective - ref.lowerBound) / ref.lowerBound : Infinity;
    })));
    return { ...v, subopt, within: range(subopt) };
  });
  process.stderr.write(`${p.name}: optimum in [${ref.lowerBound.toFixed(6)}, ${ref.objective.toFixed(6)}] (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  return { problem: p.name, optimum: ref.objective, lowerBound: ref.lowerBound, rows };
});

const pct = (v: number): string => (!Number.isFinite(v) ? '∞' : v >= 10 ? '> 1000' : (100 * v).toFixed(v < 0.1 ? 2 : 1));
const fmtStep = (g: number): string => (g >= 1 ? String(Math.round(g * 10) / 10) : g.toPrecision(2));
for (const panel of panels) {
  const lines = [
    `**${panel.problem}** (optimum in [${panel.lowerBound.toFixed(6)}, ${panel.optimum.toFixed(6)}]): % above the lower bound; bold = within ${100 * tol} %`,
    '',
    `| variant | ${steps.map(fmtStep).join(' | ')} | within ${100 * tol} % |`,
    `|---|${steps.map(() => '---:').join('|')}|---|`,
    ...panel.rows.map((r) => `| ${r.label} | ${r.subopt.map((v) => (v <= tol ? `**${pct(v)}**` : pct(v))).join(' | ')} | ${r.within ? `${fmtStep(r.within[0])} … ${fmtStep(r.within[1])}` : 'none'} |`),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const svg = lineFigure({
  title: `minimizeCvar with iterate averaging, β = ${beta}: relative suboptimality after ${epochs} epochs against the step size`,
  columns: 3,
  width: 1200,
  panels: panels.map((panel) => ({
    title: panel.problem,
    x: { label: 'step size γ', scale: 'log' as const },
    y: { label: '(CVaR − LB)/LB', scale: 'log' as const },
    // Capped at 1 (100 % above the optimum): diverged runs (10⁴⁵ and beyond) would flatten every other curve.
    series: panel.rows.map((r) => ({ name: r.label, x: steps, y: r.subopt.map((v) => (Number.isFinite(v) ? Math.min(Math.max(v, 1e-6), 1) : 1)) })),
    rules: [{ label: `${100 * tol} %`, y: tol }],
  })),
  caption: `Median over ${seeds.length} seed${seeds.length > 1 ? 's' : ''}; LB is cvarReference's certified lower bound (the LP for the absolute loss). 'tail mean': the mean of the iterates of the second half of the run; γ/√t: γ_t = γ/√(t + 1). Values above 1, diverged runs included, are drawn at 1.`,
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'cvar-averaging.json'), JSON.stringify({ command: `node bench/cvar/run.mjs averaging-table${quick ? ' --quick' : ''}`, beta, epochs, seeds, tol, steps, panels }, null, 1) + '\n');
writeFileSync(join(outDir, 'cvar-averaging.svg'), svg);
process.stderr.write(`wrote ${join(outDir, 'cvar-averaging.json')} and .svg (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
