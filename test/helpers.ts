/** Test-only helpers: a small independent PRNG for inputs (not the library's own), and bit equality. */

/** mulberry32: a tiny seeded uniform generator on [0, 1) for test inputs. */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n standard-normal-ish values (Box–Muller on mulberry32), scaled. */
export function randomVector(seed: number, n: number, scale = 1): Float64Array {
  const u = uniforms(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/**
 * Index of the first element whose bits differ (so +0 and −0 differ), or -1. Arrays of different
 * element types (a Float32Array against a Float64Array) differ at 0.
 */
export function firstBitDifference(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number {
  if (a.constructor !== b.constructor) return 0;
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const bits = (t: Float64Array | Float32Array): BigInt64Array | Int32Array => (t instanceof Float64Array ? new BigInt64Array(t.buffer, t.byteOffset, t.length) : new Int32Array(t.buffer, t.byteOffset, t.length));
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}
