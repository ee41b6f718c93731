/**
 * projectSimplex (radius 1) on standard normal data from rng(seed): the public API with copies, the
 * zero-copy path, the raw kernel with its SIMD final pass and with the scalar one, the plain-TS
 * linear-time reference (Condat, the same steps as the kernel) and the plain-TS sort-based one. Every
 * candidate is checked against the sort-based reference (an independent algorithm) before timing.
 */
import { allocF64, projectSimplex, rng, type F64Buffer } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { projectSimplexLinearRef, projectSimplexSortRef } from '../../test/prox/reference.js';
import { poolSize, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const SIMPLEX_SEEDS: Record<number, number> = { 1e3: 2003, 1e5: 2005, 1e6: 2006 };

export function benchSimplex(ctx: BenchContext): CaseResult[] {
  const results: CaseResult[] = [];
  for (const n of ctx.sizes) {
    const seed = SIMPLEX_SEEDS[n] ?? 2000 + n;
    const radius = 1;
    const g = rng(seed);
    const inputs = Array.from({ length: poolSize(n) }, () => g.normal(n));
    const references = inputs.map((v) => projectSimplexSortRef(v, radius));
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
      const scratch = buf(n); // the kernels' workspace w (n doubles), shared by the two raw candidates
      const publicOut = new Float64Array(n);
      const linearOut = new Float64Array(n);
      const sortOut = new Float64Array(n);
      const pIns = bufIns.map((b) => b.ptr);
      const pW = scratch.ptr;
      const pSimd = simdOut.ptr;
      const pScalar = scalarOut.ptr;
      const kernelOk = (flag: number): void => {
        if (flag !== 0) throw new Error('projectSimplex kernel flagged finite input as non-finite');
      };
      const onJs = (out: Float64Array) => ({ poison: () => out.fill(NaN), output: () => out });
      const onWasm = (out: F64Buffer) => ({ poison: () => out.view().fill(NaN), output: () => out.view() });
      const candidates: CaseCandidate[] = [
        { key: 'public', name: 'public API, Float64Array (copies)', call: (i) => projectSimplex(inputs[i]!, radius, publicOut), ...onJs(publicOut) },
        { key: 'zeroCopy', name: 'public API, F64Buffer (zero-copy)', call: (i) => projectSimplex(bufIns[i]!, radius, zeroOut), ...onWasm(zeroOut) },
        { key: 'simd', name: 'raw WASM kernel, SIMD final pass', call: (i) => kernelOk(x.projectSimplex(pIns[i]!, n, radius, pW, pSimd)), ...onWasm(simdOut) },
        { key: 'scalar', name: 'raw WASM kernel, scalar final pass', call: (i) => kernelOk(x.projectSimplexScalar(pIns[i]!, n, radius, pW, pScalar)), ...onWasm(scalarOut) },
        { key: 'plainTS', name: 'plain TS, linear (projectSimplexLinearRef)', call: (i) => projectSimplexLinearRef(inputs[i]!, radius, linearOut), ...onJs(linearOut) },
        { key: 'sort', name: 'plain TS, sort (projectSimplexSortRef)', call: (i) => projectSimplexSortRef(inputs[i]!, radius, sortOut), ...onJs(sortOut) },
      ];
      results.push(
        runCase(
          { kernel: 'projectSimplex', n, seed, params: { radius } },
          candidates,
          references,
          {
            'public API vs plain-TS': ['plainTS', 'public'],
            'zero-copy vs plain-TS': ['plainTS', 'zeroCopy'],
            'SIMD vs scalar WASM': ['scalar', 'simd'],
            'public API vs sort-based': ['sort', 'public'],
            'zero-copy vs sort-based': ['sort', 'zeroCopy'],
            'plain-TS linear vs sort-based': ['sort', 'plainTS'],
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
