/**
 * The roofline column's yardsticks, measured once per bench process before the cases (and with the
 * same timer): how many bytes per second the simplest WebAssembly SIMD loops move here, for working
 * sets from 16 KiB (L1) through 256 KiB (L2), 4 and 16 MiB (L3, which is shared: 16 MiB already
 * spills part of the way to DRAM) to 32 and 128 MiB (DRAM), and how many flops per second independent
 * f64x2 / f32x4 mul+add chains reach (WebAssembly without relaxed SIMD has no fused multiply-add).
 *
 * - read: Σ over an f64 buffer, four f64x2 accumulators (assembly/roofline.ts rooflineRead);
 * - triad: a = b + s·c over three f64 buffers, 24 bytes per entry as STREAM counts (rooflineTriad);
 * - peak: nnPeakProbeF64 / nnPeakProbeF32, twelve independent mul+add chains.
 *
 * A case rates a candidate against them with runCase's `roof` spec (bench/harness.ts): the time the
 * roofline model allows for the call — max(bytes / bandwidth, flops / peak), the bandwidth of the probe
 * of the same pattern whose working set is the smallest at least as large as the call's — divided by
 * the measured median. 100 % is the machine's limit for that traffic; the `bound` says which term set it.
 */
import { allocF64, type F64Buffer } from '../bindings/index.js';
import { wasm } from '../bindings/runtime/instance.js';
import { nnWasm } from '../bindings/nn/kernels.js';
import { measure, type TimerOptions } from './harness.js';

/** Working-set sizes of the probes (this machine class: 32 KiB L1d and 1 MiB L2 per core, 32 MiB L3 shared). */
export const PROBE_SIZES: Record<string, number> = { '16 KiB': 16 << 10, '256 KiB': 256 << 10, '4 MiB': 4 << 20, '16 MiB': 16 << 20, '32 MiB': 32 << 20, '128 MiB': 128 << 20 };

/** The probe that rates a call with this working set (bytes): the smallest at least as large (else the largest). */
export function probeFor(workingSet: number): string {
  const sizes = Object.entries(PROBE_SIZES);
  return (sizes.find(([, b]) => b >= workingSet) ?? sizes[sizes.length - 1]!)[0];
}

/** The probes' results: GB/s (1e9 bytes per second) per pattern and working-set size (PROBE_SIZES's labels), GFLOP/s per precision. */
export interface RooflineProbes {
  read: Record<string, number>;
  triad: Record<string, number>;
  peak: { f64: number; f32: number };
}

interface ProbeKernels {
  rooflineRead(p: number, n: number, reps: number): number;
  rooflineTriad(a: number, b: number, c: number, n: number, s: number, reps: number): void;
}

/** Runs every probe with `timer` (read and triad interleaved per size, medians): 14 probes of up to `timer.budgetMs` each. */
export function runProbes(timer: TimerOptions): RooflineProbes {
  const x = wasm('bench') as unknown as ProbeKernels;
  const nn = nnWasm('bench');
  const big: F64Buffer = allocF64(Math.max(...Object.values(PROBE_SIZES)) / 8);
  try {
    big.view().fill(1);
    const read: Record<string, number> = {};
    const triad: Record<string, number> = {};
    for (const [level, bytes] of Object.entries(PROBE_SIZES)) {
      // Each call moves at least ~32 MB, so that call overhead is negligible even in L1.
      const reps = Math.max(1, Math.round((32 << 20) / bytes));
      const nRead = bytes / 8;
      const nTriad = Math.floor(bytes / 24 / 4) * 4;
      const p = big.ptr;
      const t = measure([
        { name: `read ${level}`, fn: () => x.rooflineRead(p, nRead, reps) },
        { name: `triad ${level}`, fn: () => x.rooflineTriad(p, p + nTriad * 8, p + nTriad * 16, nTriad, 0.5, reps) },
      ], timer).timings;
      read[level] = (bytes * reps) / t[0]!.median / 1e9;
      triad[level] = (24 * nTriad * reps) / t[1]!.median / 1e9;
    }
    // The peak probes (bench/nn/matmul.ts uses the same): 12 chains × lanes × 2 flops per step.
    const steps = 1 << 20;
    const t = measure([
      { name: 'peak f64', fn: () => nn.nnPeakProbeF64(steps, 0.999999, 1e-7) },
      { name: 'peak f32', fn: () => nn.nnPeakProbeF32(steps, 0.999999, 1e-7) },
    ], timer).timings;
    return { read, triad, peak: { f64: (steps * 12 * 2 * 2) / t[0]!.median / 1e9, f32: (steps * 12 * 4 * 2) / t[1]!.median / 1e9 } };
  } finally {
    big.free();
  }
}

/** What a case declares about one call of the candidates it rates (see runCase's `roof`). */
export interface RoofSpec {
  /** Bytes one call must move at the least (each input read once, each output written once). */
  bytes: number;
  /** Floating-point operations of one call (0 or absent: rated on bytes only). */
  flops?: number;
  /** Bytes the call keeps touching (picks the probe's working-set size); default `bytes`. */
  workingSet?: number;
  /** 'read' for kernels that mostly read (mat-vecs, reductions), 'triad' for read-and-write passes. */
  pattern: 'read' | 'triad';
  /** Precision of the flops (picks the peak probe); default 'f64'. */
  precision?: 'f64' | 'f32';
  /** Candidate keys to rate; default all. */
  keys?: string[];
}

/** A rated candidate: its share of the roofline and what bounds it. */
export interface RooflineRating {
  /** Roofline time / measured median, in % (100: at the machine's limit). */
  pct: number;
  bound: 'memory' | 'compute';
  /** The probe that set the bound, e.g. '16 MiB read 31.2 GB/s'. */
  probe: string;
  gbPerSec: number;
  gflopPerSec?: number;
}

/** Rates a call of `median` seconds against the probes. */
export function rate(spec: RoofSpec, median: number, probes: RooflineProbes): RooflineRating {
  const level = probeFor(spec.workingSet ?? spec.bytes);
  const bw = probes[spec.pattern][level]!;
  const precision = spec.precision ?? 'f64';
  const peak = probes.peak[precision];
  const tMem = spec.bytes / (bw * 1e9);
  const tFlop = (spec.flops ?? 0) / (peak * 1e9);
  const memory = tMem >= tFlop;
  return {
    pct: (100 * Math.max(tMem, tFlop)) / median,
    bound: memory ? 'memory' : 'compute',
    probe: memory ? `${level} ${spec.pattern} ${bw.toFixed(1)} GB/s` : `${precision} mul+add ${peak.toFixed(1)} GFLOP/s`,
    gbPerSec: spec.bytes / median / 1e9,
    ...(spec.flops ? { gflopPerSec: spec.flops / median / 1e9 } : {}),
  };
}
