/**
 * Executors of serialisable jobs: a worker-thread pool on piscina (Node), each worker with its own
 * proxkit module and WASM instance, and an in-process executor with the same interface (the reference
 * the pool is tested against, and a fallback where threads are unavailable).
 */
import { ParameterError, ProxkitError, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import * as federated from '../federated/index.js';
import { minimizeCvar } from '../cvar/index.js';
import { evaluateNetwork, parseVnnlib, verify } from '../bounds/index.js';
import { commandTable, runCommand, type Command } from './commands.js';
import { packValue, unpackValue } from './transport.js';
import type { Job, JobExecutor, JobSignal, RunJobsOptions } from './types.js';

/** A `URL` object, as far as the pool reads it. */
export interface WorkerUrl {
  /** The absolute address (file: URL). */
  readonly href: string;
}

/** Options of {@link workerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads (default 2). */
  workers?: number;
  /**
   * The worker entry module, a file path or URL (default: `scale-worker.js` beside the package's
   * files in `dist/`, which the package build writes).
   */
  worker?: string | WorkerUrl;
}

// A name, not a literal, so that bundlers leave the Node-only import to run time (browsers never reach it).
const PISCINA = 'piscina';

function throwIfAborted(signal: JobSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new ProxkitError('ERR_PARAMETER', 'the jobs were aborted');
}

function checkJobs(fn: string, jobs: unknown): readonly Job[] {
  if (!Array.isArray(jobs)) throw parameterError(fn, 'jobs', 'an array of jobs { command, args, seed }', jobs);
  jobs.forEach((j, i) => {
    if (j === null || typeof j !== 'object' || typeof (j as Job).command !== 'string' || typeof (j as Job).seed !== 'string') {
      throw parameterError(fn, `jobs[${i}]`, 'a job { command: string, args, seed: decimal string }', j);
    }
  });
  return jobs as readonly Job[];
}

/**
 * A pool of `workers` Node worker threads (piscina) that runs jobs by their registered command. Each
 * worker loads the package entry and calls `init()` once, so it owns a WASM instance; jobs go to idle
 * workers in order, and `run` resolves to the results in job order. Aborting the signal passed to `run`
 * cancels queued jobs and stops workers in the middle of one; `run` then rejects with an AbortError.
 * Call `close()` when done (the threads keep the process alive until then).
 *
 * Defaults: workers 2, worker `scale-worker.js` beside the package.
 */
export async function workerPool(options?: WorkerPoolOptions): Promise<JobExecutor> {
  const fn = 'workerPool';
  const o = readOptions(fn, options, optionKeys<WorkerPoolOptions>({ workers: true, worker: true }));
  const workers = positiveInteger(fn, 'options.workers', o.workers ?? 2);
  if (workers > 256) throw parameterError(fn, 'options.workers', 'at most 256 threads', workers);
  const worker = o.worker ?? new URL('./scale-worker.js', import.meta.url);
  if (typeof worker !== 'string' && (worker === null || typeof worker !== 'object' || typeof worker.href !== 'string')) throw parameterError(fn, 'options.worker', 'a file path or a URL', worker);
  let Piscina: new (o: object) => { run(task: unknown, o?: object): Promise<unknown>; destroy(): Promise<void> };
  try {
    ({ Piscina } = await import(PISCINA));
  } catch (e) {
    throw new ProxkitError('ERR_PARAMETER', `${fn}: the worker pool needs Node's worker threads and the piscina package (${(e as Error).message})`, { cause: e });
  }
  const pool = new Piscina({ filename: typeof worker === 'string' ? worker : worker.href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
  let closed = false;
  return {
    async run(jobs: readonly Job[], runOptions?: RunJobsOptions): Promise<unknown[]> {
      const list = checkJobs('workerPool.run', jobs);
      if (closed) throw new ParameterError('workerPool.run: the pool is closed');
      const { signal, onProgress } = runOptions ?? {};
      throwIfAborted(signal);
      let done = 0;
      return Promise.all(list.map(async (job) => {
        // long number arrays cross as Float64Arrays, moved rather than copied (see transport.ts)
        const transferList: unknown[] = [];
        const task = packValue(job, transferList);
        const r = unpackValue(await pool.run(task, signal ? { signal, transferList } : { transferList }));
        onProgress?.({ done: ++done, total: list.length });
        return r;
      }));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}

/** The command table over the families as this module sees them (the in-process executor, the queue's worker). */
export function localCommands(): Readonly<Record<string, Command>> {
  return commandTable({
    federated, minimizeCvar, verify, evaluateNetwork, parseVnnlib,
    // the ONNX reader is the package's second entry: loaded when a job first needs it
    loadOnnx: async () => (await import('../onnx.js')).loadOnnx,
  });
}

/**
 * An executor that runs jobs one after the other in the calling thread (after `await init()`), with
 * the pool's interface: the sequential reference and a fallback without threads.
 */
export function inProcessExecutor(): JobExecutor {
  const commands = localCommands();
  return {
    async run(jobs: readonly Job[], runOptions?: RunJobsOptions): Promise<unknown[]> {
      const list = checkJobs('inProcessExecutor.run', jobs);
      const { signal, onProgress } = runOptions ?? {};
      const out: unknown[] = [];
      for (const job of list) {
        throwIfAborted(signal);
        out.push(await runCommand(commands, job));
        onProgress?.({ done: out.length, total: list.length });
      }
      return out;
    },
    async close(): Promise<void> {},
  };
}
