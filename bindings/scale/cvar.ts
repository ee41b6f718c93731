/**
 * cvar.cvarSweep with its runs on any executor: each (problem, β, method, step size, seed) run is a
 * 'cvar.minimize' job; the plan and the assembly of the result are cvarSweep's own (sweepSteps).
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { sweepSteps, type SweepPlan } from '../cvar/sweep.js';
import type { CvarSweepOptions, CvarSweepResult } from '../cvar/index.js';
import type { CvarRunArgs } from './commands.js';
import type { Job, JobExecutor, JobSignal } from './types.js';

/** The plan's runs as 'cvar.minimize' jobs, in plan order. */
export function cvarSweepJobs(plan: SweepPlan): Job[] {
  // each problem's data converted once; the jobs share the arrays (they are serialised per job anyway)
  const data = plan.problems.map((p) => ({ X: { data: Array.from(p.X.data), rows: p.X.rows, cols: p.X.cols }, y: Array.from(p.y), loss: p.loss }));
  return plan.runs.map((r) => {
    const p = data[r.problem]!;
    const args: CvarRunArgs = { ...p, beta: r.beta, method: r.method, stepSize: r.stepSize, schedule: plan.schedule, averaging: plan.averaging, epochs: plan.epochs };
    return { command: 'cvar.minimize', args, seed: String(r.seed) };
  });
}

/**
 * cvarSweep with every run executed by `executor` (a worker pool, the queue, or in process): the
 * same result bit for bit as cvarSweep with the same options (timeMs aside), whatever the executor and
 * its number of workers, because each run is the same pure function of its job. `onProgress` is called
 * as runs finish (in any order), `signal` cancels the runs not yet finished.
 *
 * @throws what cvarSweep throws for bad options (before any job is sent); ParameterError when
 *   `executor` is not a JobExecutor.
 */
export async function cvarSweepOn(executor: JobExecutor, options: CvarSweepOptions): Promise<CvarSweepResult> {
  const fn = 'cvarSweepOn';
  if (executor === null || typeof executor !== 'object' || typeof executor.run !== 'function') throw parameterError(fn, 'executor', 'a JobExecutor (scale.workerPool, scale.queueExecutor, scale.inProcessExecutor)', executor);
  const steps = sweepSteps(fn, options);
  const plan = steps.next().value as SweepPlan;
  const { runs, onProgress, signal } = plan;
  const results = await executor.run(cvarSweepJobs(plan), {
    ...(signal ? { signal: signal as unknown as JobSignal } : {}),
    ...(onProgress ? { onProgress: ({ done, total }: { done: number; total: number }) => onProgress(done, total, `${done} of ${total} runs`) } : {}),
  });
  const objectives = results.map((r, i) => {
    const f = (r as { objective?: unknown } | null)?.objective;
    if (f === null) return Infinity;
    if (typeof f !== 'number') throw new ParameterError(`${fn}: run ${i} (${runs[i]!.label}) returned no objective (got ${JSON.stringify(r)})`);
    return f;
  });
  return steps.next(objectives).value as CvarSweepResult;
}
