/**
 * scale's transport between threads: long arrays of numbers travel as Float64Arrays and come back as
 * the same JSON-safe values (checked through a real structured clone with the buffers transferred).
 */
import { describe, expect, it } from 'vitest';
import { PACK_MIN_LENGTH, packValue, unpackValue } from '../../bindings/scale/transport.js';

const roundTrip = (v: unknown): { back: unknown; packed: unknown; transfer: unknown[] } => {
  const transfer: unknown[] = [];
  const packed = packValue(v, transfer);
  const cloned = structuredClone(packed, { transfer: transfer as Transferable[] });
  return { back: unpackValue(cloned), packed, transfer };
};

describe('scale transport (packValue / unpackValue)', () => {
  it('a job with long number arrays comes back with the same values, -0 and extremes included', () => {
    const n = PACK_MIN_LENGTH + 3;
    const X = Array.from({ length: n }, (_, i) => (i === 0 ? -0 : i === 1 ? Number.MIN_VALUE : i === 2 ? -Number.MAX_VALUE : Math.sin(i) * 1e-300 * i));
    const job = { command: 'federated.clientUpdate', seed: '18446744073709551615', args: { X, y: Array.from({ length: n }, (_, i) => i % 10), dim: 1, rule: { name: 'fedProx', mu: 0.5 }, state: null } };
    const { back, packed, transfer } = roundTrip(job);
    // the two long arrays were packed and their buffers listed for transfer
    expect((packed as { args: { X: unknown } }).args.X).toBeInstanceOf(Float64Array);
    expect(transfer).toHaveLength(2);
    expect(back).toEqual(job);
    const bx = (back as typeof job).args.X;
    expect(Array.isArray(bx)).toBe(true);
    expect(Object.is(bx[0], -0)).toBe(true);
    bx.forEach((v, i) => expect(Object.is(v, X[i])).toBe(true));
    // the caller's arrays are untouched (only fresh buffers are moved)
    expect(Array.isArray(job.args.X) && job.args.X.length === n).toBe(true);
  });

  it('short arrays, arrays with a non-number, nested arrays of objects and an own __proto__ key stay as they are', () => {
    const long = Array.from({ length: PACK_MIN_LENGTH }, (_, i) => i);
    const mixed = [...long, 'x'];
    const value = { short: [1, 2, 3], mixed, nested: [{ a: long }, [long]], text: 'é', flag: true, none: null, ...JSON.parse('{"__proto__": {"k": 1}}') };
    const { back, packed, transfer } = roundTrip(value);
    expect(Array.isArray((packed as { short: unknown }).short)).toBe(true);
    expect(Array.isArray((packed as { mixed: unknown }).mixed)).toBe(true);
    expect(transfer).toHaveLength(2); // the two copies of `long` inside `nested`
    expect(back).toEqual(value);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back as object)).toContain('__proto__');
  });

  it('an array one shorter than the threshold is not packed, one of exactly the threshold is', () => {
    expect(packValue(new Array(PACK_MIN_LENGTH - 1).fill(1.5))).toBeInstanceOf(Array);
    expect(packValue(new Array(PACK_MIN_LENGTH).fill(1.5))).toBeInstanceOf(Float64Array);
    expect(packValue(new Array(PACK_MIN_LENGTH))).toBeInstanceOf(Array); // holes are not numbers
  });
});
