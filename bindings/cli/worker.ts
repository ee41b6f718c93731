/** `proxkit worker`: a queue worker process (scale.queueWorker) that runs until SIGINT or SIGTERM. */
import { init, scale } from '../index.js';

export interface WorkerCliOptions {
  url: string;
  concurrency: number;
  queue: string;
  lockMs?: number;
  log(line: string): void;
}

/** Starts the worker, logs one line per finished job, and on SIGINT / SIGTERM closes it (running jobs finish first). */
export async function runWorkerCli(o: WorkerCliOptions): Promise<void> {
  await init();
  const worker = await scale.queueWorker({
    url: o.url, queue: o.queue, concurrency: o.concurrency, ...(o.lockMs !== undefined ? { lockMs: o.lockMs } : {}),
    onJob: (j) => o.log(`${j.ok ? 'done' : 'failed'} ${j.command} ${j.id.slice(0, 12)} in ${j.ms} ms${j.error ? `: ${j.error}` : ''}`),
  });
  o.log(`worker: taking jobs from queue ${o.queue} at ${o.url} (${o.concurrency} at a time; pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      o.log('worker: stopping after the running jobs');
      void worker.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
