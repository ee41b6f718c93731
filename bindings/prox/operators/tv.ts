/**
 * 1-D total variation, f(x) = λ·Σₖ wₖ|x_{k+1} − x_k|, and its exact prox in O(n) (WASM kernel
 * assembly/prox/tv.ts: Johnson's dynamic programming, 2013 — exact, linear in the worst case, and
 * weights come for free). Also a strided, in-place entry on WASM memory for row/column sweeps (2-D TV).
 */
import { ParameterError, ShapeError, parameterError } from '../../runtime/errors.js';
import { optionKeys, readOptions } from '../../runtime/validate.js';
import { F64Buffer, throwNonFinite, withScope } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, describeParams, isNonNegativeFinite, lengthChecker, nonNegativeFinite, placeArray, vectorParameter } from './define.js';

/** Scratch doubles the tv1d kernel needs for a signal of length n (an integer >= 0). */
export function tv1dScratchLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw parameterError('tv1dScratchLength', 'n', 'an integer >= 0', n);
  return 8 * n + 3;
}

/**
 * f(x) = λ·Σₖ |x_{k+1} − x_k|, or λ·Σₖ wₖ|x_{k+1} − x_k| with `weights` (n − 1 finite values ≥ 0,
 * one per edge; v must then have length weights.length + 1). prox: exact, O(n), in WASM.
 */
export function totalVariation1D(lambda = 1, weights?: ArrayLike<number>): ProxOperator {
  const fn = 'totalVariation1D';
  nonNegativeFinite(fn, 'lambda', lambda);
  const w = weights === undefined ? null : vectorParameter(fn, 'weights', weights, isNonNegativeFinite, 'finite and >= 0');
  const properties = { convex: true, separable: false, prox: 'closed-form', indicator: false } as const;
  return defineOperator({
    name: `totalVariation1D(${describeParams(lambda, w ?? undefined)})`,
    properties,
    value: (x) => {
      let s = 0;
      for (let k = 0; k + 1 < x.length; k++) s += (w ? w[k]! : 1) * Math.abs(x[k + 1]! - x[k]!);
      return lambda * s;
    },
    ...(w ? { checkLength: lengthChecker('weights + 1', w.length + 1) } : {}),
    run: (s, input, out, t) => {
      const n = input.n;
      if (n === 0) return 0;
      const lam = w ? placeArray(s, w.map((wk) => t * lambda * wk)) : placeArray(s, Float64Array.of(t * lambda));
      return s.x.tv1d(input.ptr, n, 1, lam, w ? 1 : 0, out, 1, s.f64(tv1dScratchLength(n)));
    },
  });
}

/** Options of {@link totalVariation1DStrided}: where the signal sits in the buffer, its TV weight and where to write. */
export interface StridedTV1DOptions {
  /** First element (in doubles) of the signal inside `data`. Default 0. */
  offset?: number;
  /** Number of samples. */
  length: number;
  /** Distance in doubles between samples: 1 for a row of a row-major image, `cols` for a column. Default 1. */
  stride?: number;
  /** The TV weight λ (already multiplied by the step t), ≥ 0; or one value per edge (length − 1). */
  lambda: number | ArrayLike<number>;
  /** Where to write (default: `data` itself, in place), with its own offset and stride (defaults: as the input). */
  out?: F64Buffer;
  /** First element (in doubles) of the result inside `out`. Default: `offset`. */
  outOffset?: number;
  /** Distance in doubles between result samples inside `out`. Default: `stride`. */
  outStride?: number;
}

/**
 * The prox of λ·TV on one strided line of a vector held in WASM memory, with no copy in or out: the
 * building block of 2-D (anisotropic) TV by row and column sweeps. Throws NonFiniteError if the line
 * holds NaN/±Inf (the output line is then unspecified); ParameterError if data or out is not a live
 * F64Buffer, or an offset, length, stride or lambda is out of its domain; ShapeError if a line does not
 * fit in its buffer or a per-edge lambda has another length than length − 1.
 */
export function totalVariation1DStrided(data: F64Buffer, options: StridedTV1DOptions): F64Buffer {
  const fn = 'totalVariation1DStrided';
  if (!(data instanceof F64Buffer)) throw parameterError(fn, 'data', 'an F64Buffer', data);
  if (data.freed) throw new ParameterError(`${fn}: data must be a live F64Buffer (got one already freed)`);
  const opts = readOptions(fn, options, optionKeys<StridedTV1DOptions>({ offset: true, length: true, stride: true, lambda: true, out: true, outOffset: true, outStride: true }));
  const { offset = 0, length, stride = 1, lambda } = opts;
  const out = opts.out ?? data;
  // out's ptr and length feed raw addresses to the kernel: anything but a live buffer is refused.
  if (!(out instanceof F64Buffer)) throw parameterError(fn, 'out', 'an F64Buffer', out);
  if (out.freed) throw new ParameterError(`${fn}: out must be a live F64Buffer (got one already freed)`);
  const outOffset = opts.outOffset ?? offset;
  const outStride = opts.outStride ?? stride;
  for (const [name, value, min] of [['offset', offset, 0], ['length', length, 0], ['stride', stride, 1], ['outOffset', outOffset, 0], ['outStride', outStride, 1]] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw parameterError(fn, name, `an integer >= ${min}`, value);
  }
  if (length > 0 && offset + (length - 1) * stride >= data.length) throw new ShapeError(`${fn}: the line (offset ${offset}, length ${length}, stride ${stride}) must fit in data of length ${data.length}`);
  if (length > 0 && outOffset + (length - 1) * outStride >= out.length) throw new ShapeError(`${fn}: the output line must fit in out of length ${out.length}`);
  const lam = typeof lambda === 'number' ? Float64Array.of(nonNegativeFinite(fn, 'lambda', lambda)) : vectorParameter(fn, 'lambda', lambda, isNonNegativeFinite, 'finite and >= 0');
  if (typeof lambda !== 'number' && lam.length !== Math.max(length - 1, 0)) throw new ShapeError(`${fn}: lambda must have length ${Math.max(length - 1, 0)} (got ${lam.length})`);
  if (length === 0) return out;
  return withScope(fn, (s) => {
    const flag = s.x.tv1d(data.ptr + 8 * offset, length, stride, placeArray(s, lam), typeof lambda === 'number' ? 0 : 1, out.ptr + 8 * outOffset, outStride, s.f64(tv1dScratchLength(length)));
    if (flag !== 0) {
      const view = data.view();
      const line = Array.from({ length }, (_, i) => view[offset + i * stride]!);
      throwNonFinite(fn, 'data', line);
    }
    return out;
  });
}
