/**
 * projectSimplex on standard normal data from rng(seed), radius 1 (a sparse result: a handful of
 * nonzeros) and radius n/4 (a dense one: ~37 % nonzeros): the public API with copies, the zero-copy
 * path, the raw kernel with its SIMD final pass and with the scalar one, Condat's Algorithm 1 alone
 * in WASM (projectSimplexCondat: no block skipping, no Newton stage, the same final pass), the plain-TS linear-time
 * reference (Condat's Algorithm 1 throughout) and the plain-TS sort-based one. Every candidate is
 * checked against the sort-based reference (an independent algorithm) before timing.
 */
import { projectSimplex } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { projectSimplexLinearRef, projectSimplexSortRef } from '../../test/prox/reference.js';
import { flagOk, forEachSize, onJs, onWasm, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const SIMPLEX_SEEDS: Record<number, number> = { 1e3: 2003, 1e5: 2005, 1e6: 2006 };

export function benchSimplex(ctx: BenchContext): CaseResult[] {
  return simplexCases(ctx, 'projectSimplex', () => 1);
}

/** The dense regime: radius n/4 on the same inputs (named apart so that both cases run per size). */
export function benchSimplexDense(ctx: BenchContext): CaseResult[] {
  return simplexCases(ctx, 'projectSimplexDense', (n) => n / 4);
}

function simplexCases(ctx: BenchContext, kernel: string, radiusOf: (n: number) => number): CaseResult[] {
  const x = wasm('bench');
  const ok = flagOk('projectSimplex');
  return forEachSize(ctx, SIMPLEX_SEEDS, ({ n, seed, inputs, buf }) => {
    const radius = radiusOf(n);
    const references = inputs.map((v) => projectSimplexSortRef(v, radius));
    const bufIns = inputs.map((v) => buf(v));
    const zeroOut = buf(n);
    const simdOut = buf(n);
    const scalarOut = buf(n);
    const condatOut = buf(n);
    const scratch = buf(n); // the kernels' workspace w (n doubles), shared by the two raw candidates
    const publicOut = new Float64Array(n);
    const linearOut = new Float64Array(n);
    const sortOut = new Float64Array(n);
    const pIns = bufIns.map((b) => b.ptr);
    const [pW, pSimd, pScalar, pCondat] = [scratch.ptr, simdOut.ptr, scalarOut.ptr, condatOut.ptr];
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'public API, Float64Array (copies)', call: (i) => projectSimplex(inputs[i]!, radius, publicOut), ...onJs(publicOut) },
      { key: 'zeroCopy', name: 'public API, F64Buffer (zero-copy)', call: (i) => projectSimplex(bufIns[i]!, radius, zeroOut), ...onWasm(zeroOut) },
      { key: 'simd', name: 'raw WASM kernel, SIMD final pass', call: (i) => ok(x.projectSimplex(pIns[i]!, n, radius, pW, pSimd)), ...onWasm(simdOut) },
      { key: 'scalar', name: 'raw WASM kernel, scalar final pass', call: (i) => ok(x.projectSimplexScalar(pIns[i]!, n, radius, pW, pScalar)), ...onWasm(scalarOut) },
      { key: 'condat', name: 'raw WASM, Condat Algorithm 1 only (same final pass)', call: (i) => ok(x.projectSimplexCondat(pIns[i]!, n, radius, pW, pCondat)), ...onWasm(condatOut) },
      { key: 'plainTS', name: 'plain TS, linear (projectSimplexLinearRef)', call: (i) => projectSimplexLinearRef(inputs[i]!, radius, linearOut), ...onJs(linearOut) },
      { key: 'sort', name: 'plain TS, sort (projectSimplexSortRef)', call: (i) => projectSimplexSortRef(inputs[i]!, radius, sortOut), ...onJs(sortOut) },
    ];
    return runCase(
      // Roofline: the least traffic any projection needs (v read once, the result written once), in the
      // working set of the cycled inputs, the output and the workspace w.
      { kernel, n, seed, params: { radius }, roof: { bytes: 16 * n, workingSet: (inputs.length + 2) * 8 * n, pattern: 'triad', keys: ['zeroCopy', 'simd', 'scalar', 'condat'] } },
      candidates,
      references,
      {
        'public API vs plain-TS': ['plainTS', 'public'],
        'zero-copy vs plain-TS': ['plainTS', 'zeroCopy'],
        'SIMD vs scalar WASM': ['scalar', 'simd'],
        'kernel vs Condat-only kernel': ['condat', 'simd'],
        'public API vs sort-based': ['sort', 'public'],
        'zero-copy vs sort-based': ['sort', 'zeroCopy'],
        'plain-TS linear vs sort-based': ['sort', 'plainTS'],
      },
      ctx.timer,
    );
  });
}
