/**
 * The distributed executor: jobs go through a BullMQ queue on Redis to `proxkit worker` processes on
 * any machine that reaches the Redis server. The producer (queueExecutor) has the JobExecutor
 * interface of the thread pool; each worker process (queueWorker) runs the jobs it takes on its own
 * thread pool, so a long job never blocks the renewal of its lock.
 *
 * Guarantees and how they are kept:
 * - A job's id is the SHA-256 of its description (command, arguments, seed): the queue holds one
 *   record per distinct job, so a job added twice (a retried batch, a resubmission) runs once and its
 *   result is written once, in that record.
 * - A worker that dies in the middle of a job stops renewing the job's lock; BullMQ's stalled-job check
 *   (on the other workers) moves the job back to the waiting list and another worker runs it.
 * - Redis restarted without its data: the producer keeps every job's description until it has read the
 *   result, and adds again (same id) any job that Redis no longer knows. The batch needs no persistence
 *   on the Redis side; with persistence (RDB or AOF) nothing has to be added again.
 * - A job that throws fails alone: the other jobs go on, and `run` then rejects with a JobFailedError
 *   listing every failed job with its error and carrying the results of the others.
 * - Numbers cross Redis as JSON with -0, NaN and ±Infinity kept (tagged), so results are the same bits
 *   as where they were computed.
 *
 * BullMQ and ioredis are loaded only when a queue is used.
 */
import { ParameterError, ProxkitError, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { workerPool, type WorkerUrl } from './pool.js';
import type { Job, JobExecutor, RunJobsOptions } from './types.js';

/** One failed job of a queue batch. */
export interface JobFailure {
  /** The job's index in the batch. */
  index: number;
  /** Its command. */
  command: string;
  /** The error the worker reported. */
  error: string;
}

/** A batch on the queue in which some jobs failed; the others' results are in `results` (failed ones: undefined). */
export class JobFailedError extends ProxkitError {
  /** Results in job order; undefined where the job failed. */
  readonly results: unknown[];
  /** The failed jobs. */
  readonly failures: JobFailure[];
  constructor(message: string, results: unknown[], failures: JobFailure[]) {
    super('ERR_JOB', message);
    this.name = 'JobFailedError';
    this.results = results;
    this.failures = failures;
  }
}

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  /** The Redis server, `redis://host:port` (or `rediss://`, with an optional user, password and `/db`). */
  url: string;
  /** The queue's name; workers must use the same (default 'proxkit'). */
  queue?: string;
  /** Milliseconds between two looks at the jobs not yet finished (default 50). */
  pollMs?: number;
  /** Milliseconds Redis may stay unreachable during a batch before `run` gives up (default 60000). */
  unreachableMs?: number;
}

/** Options of {@link queueWorker}. */
export interface QueueWorkerOptions {
  /** The Redis server, `redis://host:port`. */
  url: string;
  /** The queue's name (default 'proxkit'). */
  queue?: string;
  /** Jobs run at once, each on its own worker thread (default 1). */
  concurrency?: number;
  /**
   * Milliseconds a job's lock lasts without renewal (default 30000): a worker killed mid-job has its
   * job taken over by another worker after about this long (the check runs every half of it).
   */
  lockMs?: number;
  /** The worker-thread entry module (default: `scale-worker.js` beside the package's files). */
  worker?: string | WorkerUrl;
  /** Milliseconds to wait for Redis at the start before giving up (default 10000). */
  connectMs?: number;
  /** Called when a job finishes or fails (for logs). */
  onJob?: (info: { id: string; command: string; ok: boolean; error?: string; ms: number }) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** Stops taking jobs, lets the running ones finish, closes the connection and the threads; idempotent. */
  close(): Promise<void>;
}

const BULLMQ = 'bullmq';
const TAG = '$proxkitNumber';

/** A JSON-safe copy of `v` in which -0, NaN and ±Infinity are tagged objects (JSON would turn them into 0 and null). */
export function toWire(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { [TAG]: Object.is(v, -0) ? '-0' : String(v) };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, toWire);
  if (Array.isArray(v)) return v.map(toWire);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: toWire((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The inverse of toWire. */
export function fromWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromWire);
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === TAG) return Number((v as Record<string, string>)[TAG]);
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: fromWire((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The job's id: SHA-256 (hex) of its wire form, so equal descriptions share one queue record. */
export async function jobId(job: Job): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(toWire({ command: job.command, args: job.args, seed: job.seed })));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function readUrl(fn: string, url: unknown): string {
  let ok = false;
  if (typeof url === 'string') {
    try {
      const u = new URL(url);
      ok = (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
    } catch {
      ok = false;
    }
  }
  if (!ok) throw parameterError(fn, 'options.url', 'a Redis URL redis://host:port', url);
  return url as string;
}

function readQueueName(fn: string, name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw parameterError(fn, 'options.queue', 'a name of 1 to 100 letters, digits, _ . -', name);
  return name;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Bull = any;

async function loadBullmq(fn: string): Promise<Bull> {
  try {
    return await import(BULLMQ);
  } catch (e) {
    throw new ProxkitError('ERR_PARAMETER', `${fn}: the Redis queue needs Node and the bullmq package (${(e as Error).message})`, { cause: e });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The producer side of the Redis queue: a JobExecutor whose `run` adds the jobs to the BullMQ queue
 * `queue` on the Redis at `url` (each with its content hash as id, see the module notes) and resolves
 * to their results in job order once `proxkit worker` processes have run them. It looks at the jobs
 * not yet finished every `pollMs`, adds again any job that Redis lost (a restart without persistence),
 * and rejects with a JobFailedError after the whole batch has settled when some jobs failed. Aborting
 * the signal removes the jobs still waiting and rejects with the signal's reason.
 *
 * Defaults: queue 'proxkit', pollMs 50, unreachableMs 60000. Finished jobs stay in Redis (that is what
 * makes a repeated batch free); remove them with `redis-cli DEL` on the `bull:<queue>:*` keys or by
 * obliterating the queue.
 */
export async function queueExecutor(options: QueueExecutorOptions): Promise<JobExecutor> {
  const fn = 'queueExecutor';
  const o = readOptions(fn, options, optionKeys<QueueExecutorOptions>({ url: true, queue: true, pollMs: true, unreachableMs: true }));
  const url = readUrl(fn, o.url);
  const name = readQueueName(fn, o.queue ?? 'proxkit');
  const pollMs = positiveInteger(fn, 'options.pollMs', o.pollMs ?? 50);
  const unreachableMs = positiveInteger(fn, 'options.unreachableMs', o.unreachableMs ?? 60_000);
  const { Queue } = await loadBullmq(fn);
  // connected on the first batch, so that making an executor needs no Redis yet
  let queue: Bull = null;
  const connect = (): Bull => {
    if (queue) return queue;
    queue = new Queue(name, { connection: { url, maxRetriesPerRequest: 1, enableOfflineQueue: false } });
    // ioredis reports a lost connection as an 'error' event; the polling loop of run deals with it
    queue.on('error', () => {});
    return queue;
  };
  let closed = false;
  return {
    async run(jobs: readonly Job[], runOptions?: RunJobsOptions): Promise<unknown[]> {
      const list = checkQueueJobs(`${fn}.run`, jobs);
      if (closed) throw new ParameterError(`${fn}.run: the queue executor is closed`);
      const { signal, onProgress } = runOptions ?? {};
      if (signal?.aborted) throw signal.reason ?? new ProxkitError('ERR_PARAMETER', 'the jobs were aborted');
      const queue = connect();
      const ids = await Promise.all(list.map(jobId));
      const unique = new Map<string, Job>();
      list.forEach((j, i) => unique.set(ids[i]!, j));
      const entry = (id: string) => ({ name: unique.get(id)!.command, data: toWire(unique.get(id)), opts: { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false } });
      const outcome = new Map<string, { ok: true; value: unknown } | { ok: false; error: string }>();
      let lastContact = Date.now();
      let added = false;
      while (outcome.size < unique.size) {
        if (signal?.aborted) {
          await Promise.all([...unique.keys()].filter((id) => !outcome.has(id)).map((id) => queue.remove(id).catch(() => 0)));
          throw signal.reason;
        }
        try {
          if (!added) {
            await queue.addBulk([...unique.keys()].map(entry));
            added = true;
          }
          const pending = [...unique.keys()].filter((id) => !outcome.has(id));
          const lost: string[] = [];
          await Promise.all(pending.map(async (id) => {
            const job = await queue.getJob(id);
            if (!job) return void lost.push(id);
            if (!job.finishedOn) return;
            const state = await job.getState();
            if (state === 'completed') outcome.set(id, { ok: true, value: fromWire(job.returnvalue) });
            else if (state === 'failed') outcome.set(id, { ok: false, error: job.failedReason || 'failed without a reason' });
            else return;
            onProgress?.({ done: outcome.size, total: unique.size });
          }));
          // Redis lost them (restarted without its data): add them again, under the same ids
          if (lost.length > 0) await queue.addBulk(lost.map(entry));
          lastContact = Date.now();
        } catch (e) {
          if (Date.now() - lastContact > unreachableMs) {
            throw new ProxkitError('ERR_PARAMETER', `${fn}.run: Redis at ${url} was unreachable for ${unreachableMs} ms with ${unique.size - outcome.size} jobs unfinished (${(e as Error).message})`, { cause: e });
          }
        }
        if (outcome.size < unique.size) await sleep(pollMs);
      }
      const results = ids.map((id) => {
        const r = outcome.get(id)!;
        return r.ok ? r.value : undefined;
      });
      const failures: JobFailure[] = [];
      ids.forEach((id, index) => {
        const r = outcome.get(id)!;
        if (!r.ok) failures.push({ index, command: list[index]!.command, error: r.error });
      });
      if (failures.length > 0) {
        const shown = failures.slice(0, 5).map((f) => `job ${f.index} (${f.command}): ${f.error}`).join('; ');
        throw new JobFailedError(`${fn}.run: ${failures.length} of ${list.length} jobs failed: ${shown}${failures.length > 5 ? '; …' : ''}`, results, failures);
      }
      return results;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue?.close();
    },
  };
}

function checkQueueJobs(fn: string, jobs: unknown): readonly Job[] {
  if (!Array.isArray(jobs)) throw parameterError(fn, 'jobs', 'an array of jobs { command, args, seed }', jobs);
  jobs.forEach((j, i) => {
    if (!isJob(j)) throw parameterError(fn, `jobs[${i}]`, 'a job { command: string, args, seed: decimal string }', j);
  });
  return jobs as readonly Job[];
}

function isJob(j: unknown): j is Job {
  return j !== null && typeof j === 'object' && !Array.isArray(j) && typeof (j as Job).command === 'string' && typeof (j as Job).seed === 'string' && 'args' in j;
}

/**
 * The worker side of the Redis queue (what `proxkit worker` runs): takes jobs from the BullMQ queue
 * `queue` on the Redis at `url`, `concurrency` at a time, each on a thread of its own pool, and writes
 * each result into the job's record. A job whose data is not a job description fails with a
 * ParameterError naming it and the worker goes on; so does one whose command throws. Jobs held by a
 * worker that died are taken over after about `lockMs`.
 *
 * Defaults: queue 'proxkit', concurrency 1, lockMs 30000, connectMs 10000, worker `scale-worker.js` beside the package.
 * @throws ParameterError for bad options (before connecting); ProxkitError when Redis does not answer within `connectMs`.
 */
export async function queueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const fn = 'queueWorker';
  const o = readOptions(fn, options, optionKeys<QueueWorkerOptions>({ url: true, queue: true, concurrency: true, lockMs: true, connectMs: true, worker: true, onJob: true }));
  const url = readUrl(fn, o.url);
  const name = readQueueName(fn, o.queue ?? 'proxkit');
  const concurrency = positiveInteger(fn, 'options.concurrency', o.concurrency ?? 1);
  if (concurrency > 256) throw parameterError(fn, 'options.concurrency', 'at most 256 jobs at once', concurrency);
  const lockMs = positiveInteger(fn, 'options.lockMs', o.lockMs ?? 30_000);
  if (lockMs < 200) throw parameterError(fn, 'options.lockMs', 'at least 200 ms', lockMs);
  const connectMs = positiveInteger(fn, 'options.connectMs', o.connectMs ?? 10_000);
  if (o.onJob !== undefined && typeof o.onJob !== 'function') throw parameterError(fn, 'options.onJob', 'a function', o.onJob);
  const { Worker } = await loadBullmq(fn);
  // the threads start once Redis has answered (autorun off until then), so that a wrong address costs none
  let pool: JobExecutor | null = null;
  const worker = new Worker(
    name,
    async (job: { id: string; name: string; data: unknown }) => {
      const t0 = Date.now();
      const data = fromWire(job.data);
      const command = isJob(data) ? data.command : String(job.name);
      try {
        if (!isJob(data)) throw parameterError(fn, `job ${job.id}: data`, 'a job { command: string, args, seed: decimal string }', data);
        const [result] = await pool!.run([data]);
        o.onJob?.({ id: job.id, command, ok: true, ms: Date.now() - t0 });
        return toWire(result);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        o.onJob?.({ id: job.id, command, ok: false, error, ms: Date.now() - t0 });
        throw e instanceof Error ? e : new ProxkitError('ERR_JOB', error);
      }
    },
    // stalled jobs go back to the waiting list once (a second stall fails them: a job that kills its worker each time)
    { connection: { url, maxRetriesPerRequest: null }, autorun: false, concurrency, lockDuration: lockMs, stalledInterval: Math.max(100, Math.floor(lockMs / 2)), maxStalledCount: 1 },
  );
  worker.on('error', () => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = await Promise.race([
    worker.waitUntilReady().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), connectMs))),
  ]).finally(() => clearTimeout(timer));
  if (!ready) {
    // (disconnect() would wait for the connection that never came)
    await worker.close(true).catch(() => {});
    throw new ProxkitError('ERR_PARAMETER', `${fn}: Redis at ${url} did not answer within ${connectMs} ms`);
  }
  try {
    pool = await workerPool({ workers: concurrency, ...(o.worker !== undefined ? { worker: o.worker } : {}) });
  } catch (e) {
    await worker.close().catch(() => {});
    throw e;
  }
  void worker.run().catch(() => {});
  let closed = false;
  return {
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await worker.close();
      await pool!.close();
    },
  };
}
