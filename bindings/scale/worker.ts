/**
 * The worker-thread entry of scale.workerPool (built to dist/scale-worker.js): it loads the package
 * entry beside it, so every worker thread has its own module instance and WASM instance, and runs each
 * job it is given by its registered command.
 */
import { init, federated } from '../index.js';
import { commandTable, runCommand } from './commands.js';
import type { Job } from './types.js';

const ready = init();
const commands = commandTable(federated);

/** piscina calls the default export with each task. */
export default async function runJob(job: Job): Promise<unknown> {
  await ready;
  return runCommand(commands, job);
}
