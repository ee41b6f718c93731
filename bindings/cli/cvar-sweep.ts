/** `proxkit cvar-sweep`: the step-size experiment on the embedded data, with a progress bar. */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { cvarSweep, formatSweepTable, init, scale, sweepSvg, type CvarAveraging, type CvarSweepOptions, type CvarSweepResult } from '../index.js';
import { diabetesProblem, sweepProblems } from '../cvar/data.js';

export interface CvarSweepCliOptions {
  /** Where to write the SVG plot. */
  svg: string;
  /** Also write every number as JSON here. */
  json?: string;
  epochs: number;
  seeds: number;
  /** Quick mode: β = 0.9 only, diabetes only, 7 step sizes. */
  quick: boolean;
  schedule: 'constant' | 'sqrt';
  /** What each run returns: the last iterate ('none') or a mean of the iterates. */
  averaging: CvarAveraging;
  /** The loss of every data set. */
  loss: 'squared' | 'absolute';
  tolerance: number;
  /** Show a progress bar (default: when stderr is a terminal). */
  progress: boolean;
  /** Runs the sweep's runs as jobs on it (a worker pool or the queue); default: in this thread. */
  executor?: scale.JobExecutor;
  log(line: string): void;
}

/**
 * One line per panel: the number of step sizes within the tolerance and within 10× it for each
 * method, whether SPL+'s count is larger, and from which γ each method blows up (median
 * suboptimality > 100, or the iterates overflowed).
 */
export function summarizeSweep(r: CvarSweepResult): string[] {
  const fmt = (g: number) => g.toExponential(0);
  return r.panels.map((p) => {
    const count = (m: string, tol: number) => p.methods.find((x) => x.method === m)?.median.filter((v) => v <= tol).length ?? 0;
    const blowUp = (m: string) => {
      const row = p.methods.find((x) => x.method === m);
      const i = row ? row.median.findIndex((v) => !(v <= 100)) : -1;
      return i < 0 ? 'never' : `γ ≥ ${fmt(r.stepSizes[i]!)}`;
    };
    const verdict = (tol: number) => {
      const [a, b, c] = [count('spl+', tol), count('spl', tol), count('sgm', tol)];
      const cmp = (o: number) => (a > o ? 'wider' : a === o ? 'same' : 'narrower');
      return `SPL+ ${a}, SPL ${b}, SGM ${c} (SPL+ vs SGM ${cmp(c)}, vs SPL ${cmp(b)})`;
    };
    return `${p.problem}, β = ${p.beta}: within ${r.tol * 100} %: ${verdict(r.tol)}; within ${r.tol * 1000} %: ${verdict(10 * r.tol)}; ` +
      `blows up at: SPL+ ${blowUp('spl+')}, SPL ${blowUp('spl')}, SGM ${blowUp('sgm')}`;
  });
}

export async function runCvarSweepCli(o: CvarSweepCliOptions): Promise<CvarSweepResult> {
  await init();
  const problems = o.quick ? [diabetesProblem(1, o.loss), diabetesProblem(100, o.loss)] : sweepProblems(o.loss);
  const stepSizes = o.quick ? Array.from({ length: 7 }, (_, i) => 10 ** (-4 + i)) : undefined;
  const bar = o.progress ? new cliProgress.SingleBar({ format: 'cvar-sweep [{bar}] {percentage}% | {value}/{total} runs | {label}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let started = false;
  const options: CvarSweepOptions = {
    problems,
    stepSizes,
    betas: o.quick ? [0.9] : [0.9, 0.99],
    epochs: o.epochs,
    seeds: o.seeds,
    schedule: o.schedule,
    averaging: o.averaging,
    tol: o.tolerance,
    onProgress: (done, total, label) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      bar.update(done, { label });
    },
  };
  // the same result bit for bit either way (the runs are pure functions of their jobs); timeMs aside
  const result = o.executor ? await scale.cvarSweepOn(o.executor, options) : cvarSweep(options);
  bar?.stop();
  o.log(formatSweepTable(result));
  o.log('');
  for (const line of summarizeSweep(result)) o.log(line);
  writeFileSync(o.svg, sweepSvg(result));
  o.log(`\nwrote ${o.svg} (${(result.timeMs / 1000).toFixed(1)} s)`);
  if (o.json) {
    writeFileSync(o.json, JSON.stringify(result, (_, v) => (v === Infinity ? 'Infinity' : v), 1) + '\n');
    o.log(`wrote ${o.json}`);
  }
  return result;
}
