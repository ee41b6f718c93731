/**
 * scale: executors for serialisable jobs ({ command, args, seed } in, JSON-safe results out, in job
 * order): a worker-thread pool (Node, piscina) and an in-process executor with the same interface.
 *
 * @module
 */
export { workerPool, inProcessExecutor, type WorkerPoolOptions, type WorkerUrl } from './pool.js';
export { federatedOnWorkers, type FederatedOnWorkersOptions } from './federated.js';
export { cvarSweepOn } from './cvar.js';
export { queueExecutor, queueWorker, jobId, JobFailedError, type JobFailure, type QueueExecutorOptions, type QueueWorkerOptions, type QueueWorker } from './queue.js';
export type { Job, JobExecutor, JobProgress, JobSignal, RunJobsOptions } from './types.js';
