/**
 * scale's Redis queue with real parts: a redis-server started here on 127.0.0.1 (a free port, no
 * persistence), `proxkit worker` processes of the built CLI, and the built package's queueExecutor as
 * the producer. Checked: 30 jobs with one worker killed (SIGKILL) in the middle of a job arrive once each
 * and equal the sequential results, the killed job having been run again; Redis killed and restarted
 * empty in the middle of a batch (the producer adds the lost jobs again); a throwing job is reported
 * with its error while the others finish; a malformed payload fails with a typed error and the worker
 * goes on. Skipped (with the reason) only outside CI when redis-server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as src from '../../bindings/index.js';
import { diabetesProblem } from '../../bindings/cvar/data.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const distEntry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const redisBin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const haveRedis = redisBin !== '' && existsSync(redisBin);
if (!haveRedis) {
  if (process.env.CI) throw new Error('test/scale/queue: redis-server is not installed; .ci/run installs the Debian package redis-server');
  console.warn('test/scale/queue.test.ts: skipped, redis-server is not installed (apt-get install redis-server); CI installs it and runs these tests');
}

type Api = typeof src;
let dist: Api;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server on 127.0.0.1:port without persistence; resolves once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--dbfilename', `proxkit-test-${port}.rdb`], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    p.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return p;
}

interface WorkerProc {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `re` (now or later). */
  waitFor(re: RegExp, ms?: number): Promise<string>;
}

function startWorker(url: string, queue: string): WorkerProc {
  const proc = spawn(process.execPath, [cli, 'worker', '--redis', url, '--queue', queue, '--lock', '1000'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PROXKIT_DEBUG: '1' } });
  children.push(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  return {
    proc, lines,
    waitFor: (re, ms = 60_000) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`worker: no line ${re} within ${ms} ms; it printed:\n${lines.join('\n')}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
  };
}

const problem = diabetesProblem(1);
/** n 'cvar.minimize' jobs on the diabetes data (3000 epochs: a few hundred ms each here). */
function jobs(n: number, epochs: number): src.scale.Job[] {
  return Array.from({ length: n }, (_, k) => ({
    command: 'cvar.minimize',
    seed: String(k),
    args: {
      X: { data: Array.from(problem.X.data), rows: problem.X.rows, cols: problem.X.cols }, y: Array.from(problem.y), loss: 'squared',
      beta: 0.9, method: (['spl+', 'spl', 'sgm'] as const)[k % 3], stepSize: 10 ** (-3 + (k % 5)), schedule: 'constant', epochs,
    },
  }));
}

const waitExit = (p: ChildProcess): Promise<void> => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

describe.skipIf(!haveRedis)('scale: the Redis queue (redis-server, proxkit worker processes, queueExecutor)', () => {
  let url = '';
  let redis: ChildProcess;
  let port = 0;

  beforeAll(async () => {
    await src.init();
    dist = (await import(distEntry)) as Api;
    await dist.init();
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = await startRedis(port);
  }, 60_000);

  it('30 jobs, two workers, one killed with SIGKILL in the middle of a job: every result arrives once, equal to the sequential one, and the killed job was run again', async () => {
    const batch = jobs(30, 3000);
    const sequential = await dist.scale.inProcessExecutor().run(batch);
    const a = startWorker(url, 'kill');
    const b = startWorker(url, 'kill');
    await Promise.all([a.waitFor(/^worker: taking jobs/), b.waitFor(/^worker: taking jobs/)]);
    const producer = await dist.scale.queueExecutor({ url, queue: 'kill' });
    try {
      const progress: number[] = [];
      const pending = producer.run(batch, { onProgress: ({ done }) => progress.push(done) });
      // once worker a has finished a job it takes the next one: kill it a moment later, in the middle of that one
      await a.waitFor(/^done cvar\.minimize/);
      await new Promise((r) => setTimeout(r, 100));
      a.proc.kill('SIGKILL');
      await waitExit(a.proc);
      const doneByA = a.lines.filter((l) => l.startsWith('done')).length;
      const results = await pending;
      expect(results).toHaveLength(30);
      expect(results).toEqual(sequential);
      expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // the queue's records: 30 jobs, all completed, and at least one started twice (the one a held when it died)
      const { Queue } = await import('bullmq');
      const q = new Queue('kill', { connection: { url } });
      try {
        const counts = await q.getJobCounts('completed', 'failed', 'active', 'wait');
        expect(counts).toEqual({ completed: 30, failed: 0, active: 0, wait: 0 });
        const records = await q.getJobs(['completed']);
        const retried = records.filter((j) => j.attemptsStarted > 1 || j.stalledCounter > 0);
        expect(retried.length).toBeGreaterThanOrEqual(1);
        // the retried job was finished by worker b
        for (const j of retried) expect(b.lines.some((l) => l.includes(j.id!.slice(0, 12)))).toBe(true);
      } finally {
        await q.close();
      }
      // b did the rest: the jobs a did not finish, the killed one among them
      const doneByB = b.lines.filter((l) => l.startsWith('done')).length;
      expect(doneByB).toBeGreaterThanOrEqual(30 - doneByA);
      // a second identical batch is answered from the records, with no job run again
      const again = await producer.run(batch);
      expect(again).toEqual(sequential);
      expect(b.lines.filter((l) => l.startsWith('done')).length).toBe(doneByB);
    } finally {
      await producer.close();
      b.proc.kill('SIGTERM');
      await waitExit(b.proc);
    }
  }, 240_000);

  it('Redis killed and restarted empty in the middle of a batch: the producer adds the lost jobs again and every result equals the sequential one', async () => {
    const batch = jobs(12, 3000);
    const sequential = await dist.scale.inProcessExecutor().run(batch);
    const w = startWorker(url, 'restart');
    await w.waitFor(/^worker: taking jobs/);
    const producer = await dist.scale.queueExecutor({ url, queue: 'restart' });
    try {
      const pending = producer.run(batch);
      await w.waitFor(/^done cvar\.minimize/);
      redis.kill('SIGKILL');
      await waitExit(redis);
      await new Promise((r) => setTimeout(r, 500));
      redis = await startRedis(port);
      // a new redis-server without persistence: it starts empty, so every unread job is gone from it
      const doneBefore = w.lines.filter((l) => l.startsWith('done')).length;
      const results = await pending;
      expect(results).toEqual(sequential);
      // the same worker process reconnected and ran the jobs the producer added again
      expect(w.lines.filter((l) => l.startsWith('done')).length).toBeGreaterThan(doneBefore);
      expect(w.lines.filter((l) => l.startsWith('done')).length).toBeGreaterThanOrEqual(12);
      expect(w.proc.exitCode).toBe(null);
    } finally {
      await producer.close();
      w.proc.kill('SIGTERM');
      await waitExit(w.proc);
    }
  }, 240_000);

  it('a throwing job is reported with its error while the rest of the batch finishes; a malformed payload fails with a typed error and the worker goes on', async () => {
    const w = startWorker(url, 'errors');
    await w.waitFor(/^worker: taking jobs/);
    const producer = await dist.scale.queueExecutor({ url, queue: 'errors' });
    const { Queue, QueueEvents } = await import('bullmq');
    const q = new Queue('errors', { connection: { url } });
    const events = new QueueEvents('errors', { connection: { url } });
    try {
      const good = jobs(3, 5);
      const bad = { ...good[1]!, args: { ...(good[1]!.args as object), beta: 2 } };
      const sequential = await dist.scale.inProcessExecutor().run([good[0]!, good[2]!]);
      const err = await producer.run([good[0]!, bad, good[2]!]).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(dist.scale.JobFailedError);
      const e = err as src.scale.JobFailedError;
      expect(e.failures).toHaveLength(1);
      expect(e.failures[0]).toMatchObject({ index: 1, command: 'cvar.minimize' });
      expect(e.failures[0]!.error).toMatch(/minimizeCvar: beta/);
      expect(e.message).toMatch(/1 of 3 jobs failed: job 1 \(cvar\.minimize\): minimizeCvar: beta/);
      expect([e.results[0], e.results[2]]).toEqual(sequential);
      expect(e.results[1]).toBeUndefined();

      // payloads that are not job descriptions, sent past the producer's checks
      await events.waitUntilReady();
      for (const [data, reason] of [[{ hello: 'world' }, /queueWorker: job .*: data must be a job/], [{ command: 'no.such', args: {}, seed: '1' }, /runJob: job\.command must be a registered command/], ['text', /queueWorker: job .*: data must be a job/]] as const) {
        const job = await q.add('junk', data, { attempts: 1 });
        const failure = await job.waitUntilFinished(events).then(() => null, (x: Error) => x.message);
        expect(failure).toMatch(reason);
      }
      expect(w.proc.exitCode).toBe(null);
      // and it still runs good jobs
      expect(await producer.run([good[0]!])).toEqual([sequential[0]]);
    } finally {
      await events.close();
      await q.close();
      await producer.close();
      w.proc.kill('SIGTERM');
      await waitExit(w.proc);
    }
  }, 240_000);

  it('proxkit cvar-sweep --redis: the runs go through the queue to a worker process, and the sweep equals the one run in the main thread', async () => {
    const w = startWorker(url, 'proxkit');
    await w.waitFor(/^worker: taking jobs/);
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-queue-cli-'));
    try {
      const sweep = (...flags: string[]) => {
        const r = spawnSync(process.execPath, [cli, 'cvar-sweep', '--quick', '--epochs', '10', '--seeds', '2', '--svg', 's.svg', '--json', 'r.json', '--no-progress', ...flags], { cwd: dir, encoding: 'utf8', env: { ...process.env, PROXKIT_DEBUG: '' } });
        expect([r.status, r.stderr]).toEqual([0, '']);
        const { timeMs, ...rest } = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { timeMs: number };
        expect(timeMs).toBeGreaterThan(0);
        return rest;
      };
      const here = sweep();
      const queued = await new Promise<unknown>((resolve) => setImmediate(() => resolve(sweep('--redis', url))));
      expect(queued).toEqual(here);
      // 2 data sets × 3 methods × 7 step sizes × 2 seeds, all run by the worker (its log is read once this loop is free again)
      const ran = () => w.lines.filter((l) => l.startsWith('done cvar.minimize')).length;
      for (let t = 0; t < 100 && ran() < 84; t++) await new Promise((r) => setTimeout(r, 100));
      expect(ran()).toBe(84);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      w.proc.kill('SIGTERM');
      await waitExit(w.proc);
    }
  }, 240_000);

  it('rejects bad options with typed errors before it connects', async () => {
    await expect(dist.scale.queueExecutor({ url: 'http://127.0.0.1:1' })).rejects.toThrow(/queueExecutor: options\.url must be a Redis URL/);
    await expect(dist.scale.queueExecutor({ url, queue: 'a b' })).rejects.toThrow(/queueExecutor: options\.queue/);
    await expect(dist.scale.queueExecutor({ url, extra: 1 } as never)).rejects.toThrow(/queueExecutor.*extra/);
    await expect(dist.scale.queueWorker({ url, concurrency: 0 })).rejects.toThrow(/queueWorker: options\.concurrency/);
    await expect(dist.scale.queueWorker({ url, lockMs: 10 })).rejects.toThrow(/queueWorker: options\.lockMs/);
  });
});
