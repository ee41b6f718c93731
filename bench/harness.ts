/**
 * A small interleaved timer. For one case (one kernel, one size) every candidate is warmed up and
 * given a batch size so that one batch lasts at least `minBatchMs`; then, round after round, each
 * candidate runs one batch in turn, the order rotated by one each round, so that slow drifts of the
 * machine (frequency, a noisy neighbour, GC) hit all candidates alike. One sample = one batch's time
 * divided by its calls; the report is the median over rounds. No randomness anywhere.
 */
import { allocF64, rng, type F64Buffer } from '../bindings/index.js';
import { rate, type RoofSpec, type RooflineProbes, type RooflineRating } from './roofline.js';

export interface Candidate {
  name: string;
  fn: () => unknown;
}

export interface TimerOptions {
  /** A batch lasts at least this long (ms): far above the timer's resolution and call overhead. */
  minBatchMs: number;
  /** Each candidate runs for at least this long (and at least 3 calls) before it is calibrated. */
  warmupMs: number;
  minRounds: number;
  maxRounds: number;
  /** After `minRounds`, no new round starts that would end after this much time (ms) in the rounds. */
  budgetMs: number;
  /**
   * 'wall' (default): performance.now(). 'cpu': the process's CPU time (user + system,
   * process.cpuUsage), which on a shared machine leaves out the time other processes hold the core;
   * only for single-threaded candidates (worker threads' time would be added).
   */
  clock?: 'wall' | 'cpu';
}

export interface Timing {
  name: string;
  /** Calls per batch. */
  batch: number;
  /** Seconds per call: median, quartiles and minimum over the rounds. */
  median: number;
  p25: number;
  p75: number;
  min: number;
  /** Seconds per call, one per round, in round order. */
  samples: number[];
}

const now = (): number => performance.now();
const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function timeBatch(fn: () => unknown, calls: number, clock: () => number): number {
  const t0 = clock();
  for (let i = 0; i < calls; i++) fn();
  return clock() - t0;
}

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function measure(candidates: readonly Candidate[], o: TimerOptions): { rounds: number; timings: Timing[] } {
  const clock = o.clock === 'cpu' ? cpuNow : now;
  const batch = candidates.map(({ fn }) => {
    const t0 = now();
    for (let calls = 0; calls < 3 || now() - t0 < o.warmupMs; calls++) fn();
    // Calibrate: grow the batch until one lasts minBatchMs (aim 25 % above, so noise stays above it).
    let b = 1;
    for (let ms = timeBatch(fn, b, clock); ms < o.minBatchMs; ms = timeBatch(fn, b, clock)) {
      b = Math.ceil(b * Math.min(100, Math.max(1.25, (1.25 * o.minBatchMs) / Math.max(ms, 1e-3))));
    }
    return b;
  });
  const k = candidates.length;
  const samples: number[][] = candidates.map(() => []);
  const start = now();
  let rounds = 0;
  while (rounds < o.maxRounds) {
    const elapsed = now() - start;
    if (rounds > 0 && rounds >= o.minRounds && elapsed + elapsed / rounds > o.budgetMs) break;
    for (let j = 0; j < k; j++) {
      const i = (j + rounds) % k;
      samples[i]!.push(timeBatch(candidates[i]!.fn, batch[i]!, clock) / batch[i]! / 1000);
    }
    rounds++;
  }
  const timings = candidates.map(({ name }, i) => {
    const s = samples[i]!;
    const sorted = [...s].sort((a, b) => a - b);
    return { name, batch: batch[i]!, median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), min: sorted[0]!, samples: s };
  });
  return { rounds, timings };
}

/** Throws unless `got` equals `want` elementwise within `tol` (absolute): a broken fast path cannot report a good time. */
export function assertClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= tol)) throw new Error(`${what}: wrong output at index ${i}: ${got[i]} vs reference ${want[i]} (|diff| ${d} > ${tol})`);
  }
}

/**
 * Inputs per case: at small n the same vector called again and again lets the branch predictor learn
 * its pattern (a 1e3-element branchy loop ran 3-6× faster than on fresh data), which flatters the
 * branchy baselines. Each candidate therefore cycles through a pool of distinct vectors of at least
 * POOL_ELEMENTS elements in all (one vector from n = 1e5 on).
 */
export const POOL_ELEMENTS = 1e5;
export const poolSize = (n: number): number => Math.max(1, Math.ceil(POOL_ELEMENTS / n));

/** One benchmarked candidate of a case: how to call it on input i and where its output is. */
export interface CaseCandidate {
  name: string;
  /** Stable identifier in the JSON and the ratios. */
  key: string;
  /** One call on input number i of the pool (inputs prepared beforehand; nothing allocated here by the bench). */
  call: (i: number) => unknown;
  /** Fills the candidate's output with NaN, so that the check sees what one call writes. */
  poison: () => void;
  /** The output of the last call (a fresh view for WASM buffers). */
  output: () => ArrayLike<number>;
}

export interface CandidateResult extends Timing {
  key: string;
  elementsPerSec: number;
  /** Bytes moved per second (GB/s), for memory-bound kernels that declare their bytes per element. */
  gbPerSec?: number;
  /** Share of the roofline (bench/roofline.ts), for the candidates the case's `roof` spec names. */
  roofline?: RooflineRating;
}

export interface CaseResult {
  kernel: string;
  n: number;
  seed: number;
  /** Distinct input vectors cycled through (all drawn from rng(seed)). */
  inputs: number;
  params: Record<string, number>;
  rounds: number;
  candidates: CandidateResult[];
  /** Speed-ups: time of the slower path divided by time of the faster one (> 1: the first-named path is faster). */
  ratios: Record<string, number>;
}

export interface BenchContext {
  sizes: readonly number[];
  timer: TimerOptions;
}

/** The probes of this process (set once by bench/index.ts before the cases; null: no roofline column). */
let probes: RooflineProbes | null = null;
export function setRooflineProbes(p: RooflineProbes | null): void {
  probes = p;
}

/**
 * Checks every candidate's output on every input against `references` (within 1e-12), times them
 * interleaved, and checks once more after timing. `bytesPerElement` adds a GB/s column; `ratios`
 * names speed-ups as [slower key, faster key].
 */
export function runCase(
  c: {
    kernel: string; n: number; seed: number; params: Record<string, number>; bytesPerElement?: number; /** absolute tolerance of the output check (default 1e-12) */ tol?: number;
    /** What one call must move and compute, to rate candidates against the roofline probes (bench/roofline.ts); several specs for candidates that move different bytes (each candidate: the first spec naming it). */
    roof?: RoofSpec | RoofSpec[];
  },
  candidates: readonly CaseCandidate[],
  references: readonly ArrayLike<number>[],
  ratios: Record<string, [slower: string, faster: string]>,
  timer: TimerOptions,
): CaseResult {
  const check = (cand: CaseCandidate, i: number, when: string): void => {
    cand.poison();
    cand.call(i);
    assertClose(`${c.kernel} n=${c.n} input ${i} ${cand.name}${when}`, cand.output(), references[i]!, c.tol);
  };
  const k = references.length;
  for (const cand of candidates) for (let i = 0; i < k; i++) check(cand, i, '');
  // An elementwise case that declares its bytes per element is rated as a read-and-write pass over its
  // inputs (k vectors cycled) and one output.
  const roofs: RoofSpec[] = c.roof ? [c.roof].flat() : c.bytesPerElement ? [{ bytes: c.n * c.bytesPerElement, workingSet: (k + 1) * c.n * 8, pattern: 'triad' }] : [];
  const roofOf = (key: string): RoofSpec | undefined => roofs.find((r) => r.keys === undefined || r.keys.includes(key));
  const { rounds, timings } = measure(
    candidates.map(({ name, call }) => {
      let next = 0;
      return { name, fn: () => call(next++ % k) };
    }),
    timer,
  );
  for (const cand of candidates) check(cand, 0, ' (after timing)');
  const results: CandidateResult[] = timings.map((t, i) => {
    const roof = roofOf(candidates[i]!.key);
    return {
      key: candidates[i]!.key,
      ...t,
      elementsPerSec: c.n / t.median,
      ...(c.bytesPerElement ? { gbPerSec: (c.n * c.bytesPerElement) / t.median / 1e9 } : {}),
      ...(roof && probes ? { roofline: rate(roof, t.median, probes) } : {}),
    };
  });
  const median = (key: string): number => {
    const r = results.find((x) => x.key === key);
    if (!r) throw new Error(`ratio names unknown candidate ${key}`);
    return r.median;
  };
  const r: Record<string, number> = {};
  for (const [name, [slower, faster]] of Object.entries(ratios)) r[name] = median(slower) / median(faster);
  return { kernel: c.kernel, n: c.n, seed: c.seed, inputs: k, params: c.params, rounds, candidates: results, ratios: r };
}

/** What a family's bench gets for one size: the seeded input pool and a way to allocate WASM buffers. */
export interface SizeSetup {
  n: number;
  seed: number;
  /** poolSize(n) vectors of rng(seed).normal(n). */
  inputs: Float64Array[];
  /** A WASM workspace buffer (zero-filled, or a copy of data), freed when the size is done. */
  buf(data: number | Float64Array): F64Buffer;
}

/**
 * Runs `body` once per size of the context with its inputs and a buffer pool freed afterwards.
 * `seeds` maps a size to its seed (fixed per kernel, so that runs are comparable).
 */
export function forEachSize(
  ctx: BenchContext,
  seeds: Record<number, number>,
  body: (setup: SizeSetup) => CaseResult,
): CaseResult[] {
  return ctx.sizes.map((n) => {
    const seed = seeds[n] ?? n;
    const g = rng(seed);
    const inputs = Array.from({ length: poolSize(n) }, () => g.normal(n));
    const buffers: F64Buffer[] = [];
    const buf = (data: number | Float64Array): F64Buffer => {
      const b = allocF64(data);
      buffers.push(b);
      return b;
    };
    try {
      return body({ n, seed, inputs, buf });
    } finally {
      for (const b of buffers) b.free();
    }
  });
}

/** Output accessors for a candidate writing into a JS array or a WASM buffer. */
export const onJs = (out: Float64Array) => ({ poison: () => out.fill(NaN), output: () => out });
export const onWasm = (out: F64Buffer) => ({ poison: () => out.view().fill(NaN), output: () => out.view() });

/** Wraps a raw kernel's non-finite flag: finite bench data must never be flagged. */
export const flagOk = (kernel: string) => (flag: number): void => {
  if (flag !== 0) throw new Error(`${kernel} kernel flagged finite input as non-finite`);
};
