/**
 * The federated simulator with its clients on a worker-thread pool made for the run: the `workers: n`
 * convenience over federated.simulateFederatedAsync and workerPool.
 */
import { optionKeys, readOptions } from '../runtime/validate.js';
import * as federated from '../federated/index.js';
import { readRun } from '../federated/simulate.js';
import { workerPool, type WorkerUrl } from './pool.js';

/** Options of {@link federatedOnWorkers}: those of simulateFederated, and the pool's. */
export interface FederatedOnWorkersOptions extends federated.SimulateFederatedOptions {
  /** Worker threads of the pool (default 2). */
  workers?: number;
  /** The worker entry module (default: `scale-worker.js` beside the package's files). */
  worker?: string | WorkerUrl;
}

/**
 * federated.simulateFederated with each round's clients run on a pool of `workers` threads, created
 * for this run and closed after it (also on an error). The result is the same bit for bit as the
 * sequential run with the same options; the rule and the model must be built-in (they travel as data).
 *
 * Defaults: those of simulateFederated; workers 2.
 */
export async function federatedOnWorkers(data: federated.FedDataset, options?: FederatedOnWorkersOptions): Promise<federated.SimulateFederatedResult> {
  const fn = 'federatedOnWorkers';
  // every key is checked before any thread starts
  const o = readOptions(fn, options, optionKeys<FederatedOnWorkersOptions>({
    rule: true, model: true, init: true, rounds: true, clientsPerRound: true, epochs: true, batchSize: true, learningRate: true,
    dropPercent: true, shuffle: true, seed: true, evalEvery: true, onProgress: true, signal: true, workers: true, worker: true,
  }));
  const { workers, worker, ...rest } = o;
  // the data and the run's options too, so that a bad call starts no thread
  readRun(fn, data, rest);
  const pool = await workerPool({ ...(workers !== undefined ? { workers } : {}), ...(worker !== undefined ? { worker } : {}) }).catch((e: Error) => {
    throw Object.assign(e, { message: e.message.replace(/^workerPool: /, `${fn}: `) });
  });
  try {
    return await federated.simulateFederatedAsync(data, { ...rest, executor: pool }).catch((e: Error) => {
      throw Object.assign(e, { message: e.message.replace(/^simulateFederatedAsync: /, `${fn}: `) });
    });
  } finally {
    await pool.close();
  }
}
