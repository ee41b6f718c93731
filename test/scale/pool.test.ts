/**
 * scale: the worker-thread pool (run from the built package in dist/, whose dist/scale-worker.js the
 * workers load) gives the same bits as the sequential simulator; results come back in job order with
 * progress; an aborted signal cancels; bad jobs and bad options are typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as src from '../../bindings/index.js';

const distEntry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
// the worker threads load dist/scale-worker.js and dist/index.js: the pool is tested on the built package
type Api = typeof src;
let dist: Api;

beforeAll(async () => {
  await src.init();
  if (!existsSync(distEntry)) throw new Error(`test/scale needs the built package (${distEntry}): run node scripts/build.mjs`);
  dist = (await import(distEntry)) as Api;
  await dist.init();
});

const options = { rounds: 3, clientsPerRound: 5, epochs: 2, dropPercent: 0.4, seed: 9 };

describe('scale.workerPool', () => {
  it('a federated run on 2 worker threads equals the sequential run bit for bit (fedAvg, fedProx with stragglers, stateful fedSpeed, an MLP)', async () => {
    const { federated, scale } = dist;
    const data = federated.fedproxSynthetic({ clients: 10, dim: 6, classes: 3, seed: 4 });
    const pool = await scale.workerPool({ workers: 2 });
    try {
      const cases: [src.federated.FedRule, src.federated.FedModel | undefined][] = [
        [federated.fedAvg(), undefined],
        [federated.fedProx({ mu: 0.3 }), undefined],
        [federated.fedSpeed({ lambda: 2, rho: 0.05 }), undefined],
        [federated.fedProx({ mu: 0.1 }), federated.mlpClassifier([6, 5, 3], { seed: 2 })],
      ];
      for (const [rule, model] of cases) {
        const o = { ...options, rule, ...(model ? { model } : {}) };
        const seq = federated.simulateFederated(data, o);
        const par = await federated.simulateFederatedAsync(data, { ...o, executor: pool });
        expect(Array.from(par.params)).toEqual(Array.from(seq.params));
        expect(par.history.map((h) => [h.trainLoss, h.testAccuracy, h.aggregated])).toEqual(seq.history.map((h) => [h.trainLoss, h.testAccuracy, h.aggregated]));
        // and the run is not trivially the start
        expect(Math.max(...Array.from(par.params, Math.abs))).toBeGreaterThan(1e-3);
      }
    } finally {
      await pool.close();
    }
  });

  it('returns results in job order whatever order they finish in, and reports progress', async () => {
    const { federated, scale } = dist;
    const data = federated.fedproxSynthetic({ clients: 4, dim: 5, classes: 3, seed: 1 });
    const job = (k: number, epochs: number) => ({
      command: 'federated.clientUpdate', seed: String(100 + k),
      args: {
        rule: { kind: 'fedAvg' }, model: { kind: 'softmaxRegression', dim: 5, classes: 3, options: { kernel: true } }, global: new Array(18).fill(0), state: null,
        X: Array.from(data.clients[k]!.X), y: Array.from(data.clients[k]!.y), dim: 5, classes: 3, epochs, batchSize: 10, learningRate: 0.05, shuffle: true,
      },
    });
    // long jobs first: with two workers the short ones finish earlier
    const jobs = [job(0, 40), job(1, 40), job(2, 1), job(3, 1)];
    const pool = await scale.workerPool({ workers: 2 });
    const seen: number[] = [];
    try {
      const par = await pool.run(jobs, { onProgress: (p) => seen.push(p.done) });
      const seq = await scale.inProcessExecutor().run(jobs);
      expect(par).toEqual(seq);
      expect(seen).toEqual([1, 2, 3, 4]);
      // the in-process command is the federated family's public clientUpdate
      expect(seq[2]).toEqual(federated.clientUpdate(jobs[2]!.args as src.federated.ClientUpdateArgs, jobs[2]!.seed));
    } finally {
      await pool.close();
    }
  });

  it('an aborted signal cancels the jobs: run rejects, and simulateFederatedAsync stops with the last global model', async () => {
    const { federated, scale } = dist;
    const data = federated.fedproxSynthetic({ clients: 10, dim: 6, classes: 3, seed: 4 });
    const pool = await scale.workerPool({ workers: 2 });
    try {
      const ac = new AbortController();
      let rounds = 0;
      const r = await federated.simulateFederatedAsync(data, {
        ...options, rounds: 50, executor: pool, signal: ac.signal,
        onProgress: () => {
          if (++rounds === 2) ac.abort();
        },
      });
      expect(r.stopped).toBe('aborted');
      expect(r.iterations).toBe(2);
      const seq = federated.simulateFederated(data, { ...options, rounds: 2 });
      expect(Array.from(r.params)).toEqual(Array.from(seq.params));
      const ac2 = new AbortController();
      ac2.abort();
      await expect(pool.run([{ command: 'federated.clientUpdate', args: {}, seed: '1' }], { signal: ac2.signal })).rejects.toThrow(/abort/i);
    } finally {
      await pool.close();
    }
  });

  it('typed errors: unknown command, malformed job, custom rule, bad options, closed pool', async () => {
    const { federated, scale } = src;
    await expect(scale.inProcessExecutor().run([{ command: 'nope', args: {}, seed: '1' }])).rejects.toThrow(/runJob: job\.command must be a registered command \(federated\.clientUpdate, cvar\.minimize, bounds\.verifyInstance\)/);
    await expect(scale.inProcessExecutor().run([{ command: 'federated.clientUpdate', args: {}, seed: 1 } as never])).rejects.toThrow(/jobs\[0\] must be a job/);
    const custom = { ...federated.fedAvg(), spec: undefined, name: 'mine' };
    const data = federated.fedproxSynthetic({ clients: 3, dim: 3, classes: 2, seed: 1 });
    await expect(federated.simulateFederatedAsync(data, { rule: custom, rounds: 1, executor: scale.inProcessExecutor() })).rejects.toThrow(/options\.rule must be a rule made by fedAvg\(\), fedProx\(\) or fedSpeed\(\) \(a custom rule cannot travel/);
    await expect(federated.simulateFederatedAsync(data, { rounds: 1 })).rejects.toThrow(/options\.executor must be a JobExecutor/);
    await expect(scale.workerPool({ workers: 0 })).rejects.toThrow(src.ParameterError);
    const pool = await dist.scale.workerPool({ workers: 1 });
    await pool.close();
    await expect(pool.run([])).rejects.toThrow(/the pool is closed/);
  });

  it('federatedOnWorkers (workers: n) makes a pool for the run, gives the sequential bits and closes it', async () => {
    const { federated, scale } = dist;
    const data = federated.fedproxSynthetic({ clients: 8, dim: 4, classes: 3, seed: 7 });
    const o = { ...options, rule: federated.fedProx({ mu: 0.2 }) };
    const seq = federated.simulateFederated(data, o);
    const par = await scale.federatedOnWorkers(data, { ...o, workers: 3 });
    expect(Array.from(par.params)).toEqual(Array.from(seq.params));
    await expect(scale.federatedOnWorkers(data, { ...o, workres: 2 } as never)).rejects.toThrow(/federatedOnWorkers: .*workres/);
    await expect(scale.federatedOnWorkers(data, { ...o, rounds: -1 })).rejects.toThrow(/federatedOnWorkers: options\.rounds/);
    // a bad data set is refused before a pool exists: the worker's address is never read
    let read = false;
    const worker = { get href() { read = true; return 'file:///no-such-worker.js'; } };
    await expect(scale.federatedOnWorkers({ ...data, classes: 0 }, { ...o, worker })).rejects.toThrow(/^federatedOnWorkers: data/);
    expect(read).toBe(false);
  });

  it('the in-process executor runs a federated simulation with the same bits as simulateFederated', async () => {
    const { federated, scale } = src;
    const data = federated.fedproxSynthetic({ clients: 8, dim: 4, classes: 3, seed: 7 });
    const o = { ...options, rule: federated.fedSpeed({ lambda: 4 }) };
    const a = federated.simulateFederated(data, o);
    const b = await federated.simulateFederatedAsync(data, { ...o, executor: scale.inProcessExecutor() });
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });
});
