// Scale-out bench on the built package (node scripts/build.mjs first):
//   node bench/scale/scale.mjs [--quick] [--json out.json]
// 1. Speed-up of the worker pool: the same batch of 'cvar.minimize' jobs (the cvar-sweep's runs on the
//    diabetes data) in process, on 1 and on 2 worker threads; wall time and the 1 → 2 ratio.
// 2. Overhead per job: many tiny jobs (1 epoch on 20 rows), in process, on a 1-thread pool, and through
//    the Redis queue (a redis-server started here on a free 127.0.0.1 port, one `proxkit worker`
//    process); (wall time − in-process time) / jobs.
// Every batch is checked against the in-process results (same bits) before its time counts.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadavg } from 'node:os';
import * as proxkit from '../../dist/index.js';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const jsonOut = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
await proxkit.init();
const { scale } = proxkit;

/** Deterministic regression data of the diabetes data set's shape (rows × 10), made here. */
function data(rows) {
  const cols = 10;
  const X = new Array(rows * cols);
  const y = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let t = 0;
    for (let j = 0; j < cols; j++) {
      X[i * cols + j] = Math.sin(1 + i * 0.37 + j * 1.91);
      t += X[i * cols + j] * (j - 4.5);
    }
    y[i] = t + Math.cos(i);
  }
  return { X: { data: X, rows, cols }, y };
}

function jobs(n, rows, epochs) {
  const { X, y } = data(rows);
  return Array.from({ length: n }, (_, k) => ({
    command: 'cvar.minimize', seed: String(k),
    args: { X, y, loss: 'squared', beta: 0.9, method: ['spl+', 'spl', 'sgm'][k % 3], stepSize: 10 ** (-4 + (k % 7)), schedule: 'constant', epochs },
  }));
}

async function timed(executor, batch, reference) {
  const t0 = performance.now();
  const r = await executor.run(batch);
  const ms = performance.now() - t0;
  if (reference && !isDeepStrictEqual(r, reference)) throw new Error('bench/scale: results differ from the in-process run');
  return { ms, results: r };
}

const out = { command: `node bench/scale/scale.mjs${quick ? ' --quick' : ''}`, date: new Date().toISOString(), cores: (await import('node:os')).availableParallelism(), loadAverageAtStart: loadavg()[0] };

// 1. speed-up
{
  const batch = jobs(quick ? 16 : 32, 442, quick ? 300 : 1000);
  const inProc = await timed(scale.inProcessExecutor(), batch);
  const row = { jobs: batch.length, epochs: batch[0].args.epochs, rows: 442, inProcessMs: inProc.ms, repeats: 3 };
  // both pools live at once, their runs interleaved (1, 2, 1, 2, …), medians: the machine's other load shifts both alike
  const pools = { 1: await scale.workerPool({ workers: 1 }), 2: await scale.workerPool({ workers: 2 }) };
  const times = { 1: [], 2: [] };
  try {
    for (const w of [1, 2]) await pools[w].run(batch.slice(0, w)); // threads started, the package loaded in each
    for (let r = 0; r < row.repeats; r++) for (const w of [1, 2]) times[w].push((await timed(pools[w], batch, inProc.results)).ms);
  } finally {
    await pools[1].close();
    await pools[2].close();
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  row.pool1RunsMs = times[1];
  row.pool2RunsMs = times[2];
  row.pool1Ms = median(times[1]);
  row.pool2Ms = median(times[2]);
  row.speedup1to2 = row.pool1Ms / row.pool2Ms;
  out.speedup = row;
  console.log(`pool speed-up: ${row.jobs} jobs of ${row.epochs} epochs: in process ${row.inProcessMs.toFixed(0)} ms, 1 thread ${row.pool1Ms.toFixed(0)} ms, 2 threads ${row.pool2Ms.toFixed(0)} ms: ${row.speedup1to2.toFixed(2)}×`);
}

// 2. overhead per job
{
  const batch = jobs(quick ? 60 : 200, 20, 1);
  const inProc = await timed(scale.inProcessExecutor(), batch);
  const row = { jobs: batch.length, inProcessMs: inProc.ms };
  const pool = await scale.workerPool({ workers: 1 });
  try {
    await pool.run(batch.slice(0, 1));
    row.poolMs = (await timed(pool, batch, inProc.results)).ms;
  } finally {
    await pool.close();
  }
  row.poolOverheadMsPerJob = (row.poolMs - row.inProcessMs) / batch.length;
  const redisBin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (redisBin) {
    const port = await new Promise((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const redis = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => redis.stdout.on('data', (d) => /Ready to accept/.test(String(d)) && resolve()));
    const url = `redis://127.0.0.1:${port}`;
    const worker = spawn(process.execPath, [cli, 'worker', '--redis', url, '--queue', 'bench'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => worker.stdout.on('data', (d) => /taking jobs/.test(String(d)) && resolve()));
    const producer = await scale.queueExecutor({ url, queue: 'bench', pollMs: 5 });
    try {
      // a fresh Redis: every job runs; the repeat is answered from the job records
      row.queueMs = (await timed(producer, batch, inProc.results)).ms;
      const t0 = performance.now();
      await producer.run(batch);
      row.queueRepeatMs = performance.now() - t0;
    } finally {
      await producer.close();
      worker.kill('SIGTERM');
      redis.kill('SIGTERM');
    }
    row.queueOverheadMsPerJob = (row.queueMs - row.inProcessMs) / batch.length;
  } else row.queue = 'redis-server not installed: not measured';
  out.overhead = row;
  console.log(`overhead per job (${row.jobs} tiny jobs): in process ${(row.inProcessMs / row.jobs).toFixed(2)} ms/job; pool +${row.poolOverheadMsPerJob.toFixed(2)} ms/job; queue ${row.queueOverheadMsPerJob === undefined ? '—' : `+${row.queueOverheadMsPerJob.toFixed(2)} ms/job (a repeated batch answered from the records: ${(row.queueRepeatMs / row.jobs).toFixed(2)} ms/job)`}`);
}
out.loadAverageAtEnd = loadavg()[0];
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 1) + '\n');
process.exit(0);
