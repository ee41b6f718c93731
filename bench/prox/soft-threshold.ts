/**
 * softThreshold (t = 1) on standard normal data from rng(seed): the public API with copies, the
 * zero-copy path, the raw SIMD and scalar kernels on WASM pointers, and the plain-TS reference.
 * GB/s counts 16 bytes per element (one f64 read, one written); the copies of the public API are
 * extra traffic on top.
 */
import { allocF64, rng, softThreshold, type F64Buffer } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { softThresholdRef } from '../../test/prox/reference.js';
import { poolSize, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const SOFT_THRESHOLD_SEEDS: Record<number, number> = { 1e3: 1003, 1e5: 1005, 1e6: 1006 };

export function benchSoftThreshold(ctx: BenchContext): CaseResult[] {
  const results: CaseResult[] = [];
  for (const n of ctx.sizes) {
    const seed = SOFT_THRESHOLD_SEEDS[n] ?? 1000 + n;
    const t = 1;
    const g = rng(seed);
    const inputs = Array.from({ length: poolSize(n) }, () => g.normal(n));
    const references = inputs.map((v) => softThresholdRef(v, t));
    const x = wasm('bench');
    const buffers: F64Buffer[] = [];
    const buf = (data: number | Float64Array): F64Buffer => {
      const b = allocF64(data);
      buffers.push(b);
      return b;
    };
    try {
      const bufIns = inputs.map((v) => buf(v));
      const zeroOut = buf(n);
      const simdOut = buf(n);
      const scalarOut = buf(n);
      const publicOut = new Float64Array(n);
      const refOut = new Float64Array(n);
      // Pointers are stable; only views are invalidated by memory.grow.
      const pIns = bufIns.map((b) => b.ptr);
      const pSimd = simdOut.ptr;
      const pScalar = scalarOut.ptr;
      const kernelOk = (flag: number): void => {
        if (flag !== 0) throw new Error('softThreshold kernel flagged finite input as non-finite');
      };
      const onJs = (out: Float64Array) => ({ poison: () => out.fill(NaN), output: () => out });
      const onWasm = (out: F64Buffer) => ({ poison: () => out.view().fill(NaN), output: () => out.view() });
      const candidates: CaseCandidate[] = [
        { key: 'public', name: 'public API, Float64Array (copies)', call: (i) => softThreshold(inputs[i]!, t, publicOut), ...onJs(publicOut) },
        { key: 'zeroCopy', name: 'public API, F64Buffer (zero-copy)', call: (i) => softThreshold(bufIns[i]!, t, zeroOut), ...onWasm(zeroOut) },
        { key: 'simd', name: 'raw WASM kernel, SIMD', call: (i) => kernelOk(x.softThreshold(pIns[i]!, n, t, pSimd)), ...onWasm(simdOut) },
        { key: 'scalar', name: 'raw WASM kernel, scalar', call: (i) => kernelOk(x.softThresholdScalar(pIns[i]!, n, t, pScalar)), ...onWasm(scalarOut) },
        { key: 'plainTS', name: 'plain TS (softThresholdRef)', call: (i) => softThresholdRef(inputs[i]!, t, refOut), ...onJs(refOut) },
      ];
      results.push(
        runCase(
          { kernel: 'softThreshold', n, seed, params: { t }, bytesPerElement: 16 },
          candidates,
          references,
          {
            'public API vs plain-TS': ['plainTS', 'public'],
            'zero-copy vs plain-TS': ['plainTS', 'zeroCopy'],
            'SIMD vs scalar WASM': ['scalar', 'simd'],
            'raw SIMD vs plain-TS': ['plainTS', 'simd'],
            'raw SIMD vs public API': ['public', 'simd'],
          },
          ctx.timer,
        ),
      );
    } finally {
      for (const b of buffers) b.free();
    }
  }
  return results;
}
