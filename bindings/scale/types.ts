/**
 * The executor interface of proxkit's scale-out: a job is a serialisable description, its result is
 * JSON-safe data, and an executor runs a batch of jobs and returns their results in job order. The
 * worker-thread pool implements it; a queue across machines can implement it the same way.
 */

/** A serialisable job: a registered command, its JSON-safe arguments and its seed. */
export interface Job {
  /** The registered command, e.g. 'federated.clientUpdate'. */
  command: string;
  /** JSON-safe arguments (numbers, strings, booleans, null, arrays and plain objects). */
  args: unknown;
  /** The job's seed, as a decimal string (a 64-bit seed does not fit a JSON number). */
  seed: string;
}

/** Progress of a batch of jobs. */
export interface JobProgress {
  /** Jobs finished so far in this batch. */
  done: number;
  /** Jobs in the batch. */
  total: number;
}

/** An `AbortSignal`, as far as an executor reads it (declared structurally: no DOM or Node types needed). */
export interface JobSignal {
  /** True once the jobs should stop. */
  readonly aborted: boolean;
  /** Why it was aborted. */
  readonly reason?: unknown;
  /** Registers the abort listener. */
  addEventListener(type: 'abort', listener: () => void): void;
  /** Removes it. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of {@link JobExecutor.run}. */
export interface RunJobsOptions {
  /** Aborting cancels the jobs not yet finished; `run` then rejects (with the signal's reason). */
  signal?: JobSignal;
  /** Called whenever a job finishes. */
  onProgress?: (info: JobProgress) => void;
}

/** Runs batches of jobs; `run` resolves to the results in the order of `jobs`. */
export interface JobExecutor {
  /** Runs `jobs`; the result array follows their order, whatever order they finish in. */
  run(jobs: readonly Job[], options?: RunJobsOptions): Promise<unknown[]>;
  /** Releases the executor's resources (threads, connections); idempotent. */
  close(): Promise<void>;
}
