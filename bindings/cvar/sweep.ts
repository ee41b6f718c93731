/**
 * The step-size experiment in the spirit of Meng & Gower (ICML 2023): for each problem, level β,
 * method and step size on a log grid, several seeds of a fixed number of epochs; the final suboptimality relative
 * to a certified reference optimum (reference.ts), the range of step sizes that reach within a
 * tolerance (default 1 %), a text table and an SVG plot. `proxkit cvar-sweep` runs it.
 */
import { cvarReference } from './reference.js';
import { minimizeCvar, type CvarMethod } from './minimize.js';

export interface CvarSweepOptions {
  /** Step sizes γ. Default 13 values 10^{-4}, 10^{-3.5}, …, 10^{2}. */
  stepSizes?: number[];
  /** Seeds per setting (0, 1, …). Default 5. */
  seeds?: number;
  /** Epochs per run. Default 20. */
  epochs?: number;
  /** CVaR levels. Default [0.9, 0.99]. */
  betas?: number[];
  /** Default ['spl+', 'spl', 'sgm']. */
  methods?: CvarMethod[];
  /** Step-size schedule of every run. Default 'constant'. */
  schedule?: 'constant' | 'sqrt';
  /** The data sets (the CLI uses diabetes, diabetes with targets × 100 and breast cancer: bindings/cvar/data.ts). */
  problems: CvarProblem[];
  /** A step size is "good" when the median over seeds of the relative suboptimality is ≤ this. Default 0.01. */
  tolerance?: number;
  /** Called after every run. */
  onProgress?: (done: number, total: number, label: string) => void;
  signal?: AbortSignal;
}

export interface CvarSweepMethod {
  method: CvarMethod;
  /** Relative suboptimality (objective − opt)/opt, [step][seed]; Infinity for a diverged run. */
  suboptimality: number[][];
  /** Median over seeds, per step size. */
  median: number[];
  good: boolean[];
  /** Smallest and largest good step size (null if none) and the number of good grid points. */
  range: [number, number] | null;
  goodCount: number;
}

export interface CvarSweepPanel {
  problem: string;
  beta: number;
  /** Reference optimum (upper bound), its certified lower bound, and their gap. */
  optimum: number;
  lowerBound: number;
  methods: CvarSweepMethod[];
}

export interface CvarSweepResult {
  stepSizes: number[];
  epochs: number;
  seeds: number;
  tolerance: number;
  schedule: 'constant' | 'sqrt';
  panels: CvarSweepPanel[];
  timeMs: number;
}

/** 10^{-4}, 10^{-3.5}, …, 10^{2}: 13 values. */
export const DEFAULT_STEP_SIZES = Array.from({ length: 13 }, (_, i) => 10 ** (-4 + i / 2));

/** One data set of the sweep: a row-major X, targets and a smooth loss. */
export interface CvarProblem {
  name: string;
  X: { data: Float64Array; rows: number; cols: number };
  y: Float64Array;
  loss: 'squared' | 'logistic';
}

/** Runs the sweep (synchronously; a few seconds at the defaults). */
export function cvarSweep(options: CvarSweepOptions): CvarSweepResult {
  const started = performance.now();
  const {
    stepSizes = DEFAULT_STEP_SIZES, seeds = 5, epochs = 20, betas = [0.9, 0.99], methods = ['spl+', 'spl', 'sgm'],
    schedule = 'constant', tolerance = 0.01, onProgress, signal,
  } = options;
  const problems = options.problems;
  const total = problems.length * betas.length * methods.length * stepSizes.length * seeds;
  let done = 0;
  const panels: CvarSweepPanel[] = [];
  for (const p of problems) {
    for (const beta of betas) {
      const ref = cvarReference({ X: p.X, y: p.y, loss: p.loss, beta });
      const opt = ref.objective;
      const rows: CvarSweepMethod[] = methods.map((method) => {
        const suboptimality = stepSizes.map((stepSize) =>
          Array.from({ length: seeds }, (_, seed) => {
            if (signal?.aborted) throw new Error('cvarSweep: aborted');
            const r = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta, method, stepSize, schedule, epochs, seed });
            onProgress?.(++done, total, `${p.name} β=${beta} ${method} γ=${stepSize.toExponential(1)}`);
            return Number.isFinite(r.objective) ? Math.max(0, (r.objective - opt) / Math.abs(opt)) : Infinity;
          }),
        );
        const median = suboptimality.map((s) => {
          const sorted = [...s].sort((a, b) => a - b);
          const m = sorted.length >> 1;
          return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
        });
        const good = median.map((m) => m <= tolerance);
        const idx = good.flatMap((g, i) => (g ? [i] : []));
        return {
          method,
          suboptimality,
          median,
          good,
          range: idx.length ? [stepSizes[idx[0]!]!, stepSizes[idx[idx.length - 1]!]!] : null,
          goodCount: idx.length,
        };
      });
      panels.push({ problem: p.name, beta, optimum: opt, lowerBound: ref.lowerBound, methods: rows });
    }
  }
  return { stepSizes, epochs, seeds, tolerance, schedule, panels, timeMs: performance.now() - started };
}

const fmtSub = (v: number): string => (v === Infinity ? 'div' : v < 1e-3 ? '<1e-3' : v >= 100 ? '>100' : v.toPrecision(2));

/** The table of median final suboptimality (rows: problem, β, method; columns: step sizes) and the good ranges. */
export function formatSweepTable(r: CvarSweepResult): string {
  const head = ['problem', 'β', 'method', ...r.stepSizes.map((g) => g.toExponential(0)), 'good range'];
  const body = r.panels.flatMap((p) =>
    p.methods.map((m) => [
      p.problem,
      String(p.beta),
      m.method,
      ...m.median.map((v, i) => (m.good[i] ? '*' : '') + fmtSub(v)),
      m.range ? `${m.range[0].toExponential(1)}..${m.range[1].toExponential(1)} (${m.goodCount})` : 'none',
    ]),
  );
  const width = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j < 3 ? c.padEnd(width[j]!) : c.padStart(width[j]!))).join('  ');
  return [
    `median relative suboptimality after ${r.epochs} epochs (${r.seeds} seeds, ${r.schedule} step); * = within ${r.tolerance * 100} %`,
    line(head),
    ...body.map(line),
  ].join('\n');
}

const COLORS: Record<string, string> = { 'spl+': '#1b7837', spl: '#2166ac', sgm: '#b2182b' };

/**
 * An SVG with one panel per (problem, β): per method, the grid of step sizes (filled where the median
 * suboptimality is within the tolerance, lightly filled within 10× it, × where the runs diverged) and
 * the good range as a bar.
 */
export function sweepSvg(r: CvarSweepResult): string {
  const W = 820;
  const left = 190;
  const right = 30;
  const rowH = 22;
  const panelH = 34 + r.panels[0]!.methods.length * rowH + 8;
  const axisH = 40;
  const H = 40 + r.panels.length * panelH + axisH;
  const lo = Math.log10(Math.min(...r.stepSizes));
  const hi = Math.log10(Math.max(...r.stepSizes));
  const xOf = (g: number) => left + ((Math.log10(g) - lo) / (hi - lo || 1)) * (W - left - right);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Step sizes reaching within ${r.tolerance * 100} % of the CVaR optimum (median of ${r.seeds} seeds, ${r.epochs} epochs)</text>`,
  ];
  r.panels.forEach((p, k) => {
    const y0 = 40 + k * panelH;
    out.push(`<text x="10" y="${y0 + 16}" font-weight="bold">${esc(p.problem)}, β = ${p.beta}</text>`);
    for (const g of r.stepSizes) out.push(`<line x1="${xOf(g)}" y1="${y0 + 24}" x2="${xOf(g)}" y2="${y0 + panelH - 8}" stroke="#eee"/>`);
    p.methods.forEach((m, j) => {
      const y = y0 + 34 + j * rowH;
      const color = COLORS[m.method] ?? 'black';
      out.push(`<text x="${left - 60}" y="${y + 4}" text-anchor="end">${esc(m.method.toUpperCase())}</text>`);
      if (m.range) out.push(`<rect x="${xOf(m.range[0]) - 6}" y="${y - 6}" width="${xOf(m.range[1]) - xOf(m.range[0]) + 12}" height="12" rx="6" fill="${color}" opacity="0.25"/>`);
      m.median.forEach((v, i) => {
        const g = r.stepSizes[i]!;
        const cx = xOf(g);
        const tip = `<title>${m.method} γ=${g.toExponential(1)}: median suboptimality ${fmtSub(v)}</title>`;
        if (v === Infinity) {
          out.push(`<path d="M${cx - 4},${y - 4}L${cx + 4},${y + 4}M${cx - 4},${y + 4}L${cx + 4},${y - 4}" stroke="${color}" stroke-width="1.5">${tip}</path>`);
          return;
        }
        const opacity = m.good[i] ? 1 : v <= 10 * r.tolerance ? 0.35 : 0;
        out.push(`<circle cx="${cx}" cy="${y}" r="4.5" fill="${color}" fill-opacity="${opacity}" stroke="${color}">${tip}</circle>`);
      });
      out.push(`<text x="${left - 50}" y="${y + 4}" font-size="10" fill="#555">${m.goodCount}/${r.stepSizes.length}</text>`);
    });
  });
  const ya = 40 + r.panels.length * panelH + 6;
  out.push(`<line x1="${left}" y1="${ya}" x2="${W - right}" y2="${ya}" stroke="black"/>`);
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    out.push(`<line x1="${xOf(10 ** e)}" y1="${ya}" x2="${xOf(10 ** e)}" y2="${ya + 5}" stroke="black"/>`);
    out.push(`<text x="${xOf(10 ** e)}" y="${ya + 18}" text-anchor="middle">1e${e}</text>`);
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${ya + 34}" text-anchor="middle">step size γ (log scale); filled: within ${r.tolerance * 100} %, light: within ${r.tolerance * 1000} %, hollow: worse, ×: diverged; bar: good range</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
