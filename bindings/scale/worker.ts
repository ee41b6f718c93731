/**
 * The worker-thread entry of scale.workerPool (built to dist/scale-worker.js): it loads the package
 * entry beside it, so every worker thread has its own module instance and WASM instance, and runs each
 * job it is given by its registered command.
 */
import { init, federated, minimizeCvar, verify, evaluateNetwork, parseVnnlib } from '../index.js';
import { commandTable, runCommand } from './commands.js';
import { packValue, unpackValue } from './transport.js';
import type { Job } from './types.js';

const ready = init();
const commands = commandTable({
  federated, minimizeCvar, verify, evaluateNetwork, parseVnnlib,
  loadOnnx: async () => (await import('../onnx.js')).loadOnnx,
});

/** piscina calls the default export with each task. */
export default async function runJob(job: Job): Promise<unknown> {
  await ready;
  // the pool sends long number arrays as Float64Arrays: the command gets plain arrays back, and its
  // result's long arrays travel packed the same way (transport.ts)
  return packValue(await runCommand(commands, unpackValue(job) as Job));
}
