/** The `--workers n` and `--redis URL` options of the batch commands: where their jobs run. */
import { scale } from '../index.js';
import { UsageError } from './io.js';

/** What the batch commands were asked for: threads here, a Redis queue, or neither (this thread). */
export interface ExecutorChoice {
  workers?: number;
  redis?: string;
}

/**
 * The executor for a batch command: a pool of `workers` threads, a queue producer on the Redis at
 * `redis` (its jobs run on `proxkit worker` processes), or undefined (the command runs its jobs in
 * this thread). Both flags at once are a usage error.
 */
export async function openExecutor(c: ExecutorChoice): Promise<scale.JobExecutor | undefined> {
  if (c.workers !== undefined && c.redis !== undefined) throw new UsageError('--workers and --redis exclude each other (threads here, or worker processes on the queue)');
  if (c.workers !== undefined) return scale.workerPool({ workers: c.workers });
  if (c.redis !== undefined) return scale.queueExecutor({ url: c.redis });
  return undefined;
}
