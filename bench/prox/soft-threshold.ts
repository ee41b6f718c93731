/**
 * softThreshold (t = 1) on standard normal data from rng(seed): the public API with copies, the
 * zero-copy path, the raw SIMD and scalar kernels on WASM pointers, and the plain-TS reference.
 * GB/s counts 16 bytes per element (one f64 read, one written); the copies of the public API are
 * extra traffic on top.
 */
import { softThreshold } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { softThresholdRef } from '../../test/prox/reference.js';
import { flagOk, forEachSize, onJs, onWasm, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const SOFT_THRESHOLD_SEEDS: Record<number, number> = { 1e3: 1003, 1e5: 1005, 1e6: 1006 };

export function benchSoftThreshold(ctx: BenchContext): CaseResult[] {
  const t = 1;
  const x = wasm('bench');
  const ok = flagOk('softThreshold');
  return forEachSize(ctx, SOFT_THRESHOLD_SEEDS, ({ n, seed, inputs, buf }) => {
    const references = inputs.map((v) => softThresholdRef(v, t));
    const bufIns = inputs.map((v) => buf(v));
    const zeroOut = buf(n);
    const simdOut = buf(n);
    const scalarOut = buf(n);
    const publicOut = new Float64Array(n);
    const refOut = new Float64Array(n);
    // Pointers are stable; only views are invalidated by memory.grow.
    const pIns = bufIns.map((b) => b.ptr);
    const [pSimd, pScalar] = [simdOut.ptr, scalarOut.ptr];
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'public API, Float64Array (copies)', call: (i) => softThreshold(inputs[i]!, t, publicOut), ...onJs(publicOut) },
      { key: 'zeroCopy', name: 'public API, F64Buffer (zero-copy)', call: (i) => softThreshold(bufIns[i]!, t, zeroOut), ...onWasm(zeroOut) },
      { key: 'simd', name: 'raw WASM kernel, SIMD', call: (i) => ok(x.softThreshold(pIns[i]!, n, t, pSimd)), ...onWasm(simdOut) },
      { key: 'scalar', name: 'raw WASM kernel, scalar', call: (i) => ok(x.softThresholdScalar(pIns[i]!, n, t, pScalar)), ...onWasm(scalarOut) },
      { key: 'plainTS', name: 'plain TS (softThresholdRef)', call: (i) => softThresholdRef(inputs[i]!, t, refOut), ...onJs(refOut) },
    ];
    return runCase(
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
    );
  });
}
