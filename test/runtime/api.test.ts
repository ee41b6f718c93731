/** The bad-input sweep (test/fuzz.ts) over the runtime's public surface: allocF64, F64Buffer, rng. */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryError, allocF64, init, memoryStats, rng } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

describe('runtime: every bad argument gives a typed error, no leak, module usable', () => {
  it('allocF64 (the buffer it returns is freed by the wrapper: allocation is its purpose)', () => {
    const alloc = (a: unknown) => {
      const b = allocF64(a as number);
      const out = b.toArray();
      b.free();
      return out;
    };
    // allocF64 takes a length or the numbers to copy. A buffer is storage: it may hold NaN or ±Infinity
    // (a kernel that reads it checks finiteness then), so those entries are accepted here.
    const storage = ['arg0=[NaN]', 'arg0=[Infinity, 1]'];
    expect(fuzzArguments('allocF64', alloc, [3], { accept: ['arg0=numeric arrays', ...storage] })).toEqual([]);
    const entries = ['arg0[0]=NaN', 'arg0[0]=Infinity', 'arg0[0]=-Infinity', 'arg0[2]=NaN', 'arg0[2]=Infinity', 'arg0[2]=-Infinity'];
    expect(fuzzArguments('allocF64', alloc, [[1, 2, 3]], { accept: ['arg0=0', ...storage, ...entries] })).toEqual([]);
    // a copy of another buffer copies its contents (it used to read the F64Buffer as an empty array-like: NaNs)
    const src = allocF64([1, 2, 3]);
    expect(alloc(src)).toEqual(Float64Array.of(1, 2, 3));
    src.free();
  });

  it('F64Buffer.set', () => {
    const set = (data: unknown, offset?: unknown) => {
      const b = allocF64(4);
      try {
        return b.set(data as number[], offset as number).toArray();
      } finally {
        b.free();
      }
    };
    // the offset is optional (0); a buffer may hold NaN or ±Infinity (see allocF64)
    const accept = ['arg0=[NaN]', 'arg0=[Infinity, 1]', ...['arg0[0]', 'arg0[1]'].flatMap((s) => [`${s}=NaN`, `${s}=Infinity`, `${s}=-Infinity`])];
    expect(fuzzArguments('F64Buffer.set', set, [[1, 2], 1], { optionalFrom: 1, accept })).toEqual([]);
  });

  it('rng and its methods', () => {
    // a seed is an integer in [0, 2^53) or a bigint in [0, 2^64)
    expect(fuzzArguments('rng', (s: unknown) => rng(s as number).uniform(2), [7], { accept: ['arg0=a bigint'] })).toEqual([]);
    expect(fuzzArguments('Rng.uniform', (n: unknown, out?: unknown) => rng(7).uniform(n as number, out as Float64Array), [3])).toEqual([]);
    // out is optional
    expect(fuzzArguments('Rng.normal', (n: unknown, out?: unknown) => rng(7).normal(n as number, out as Float64Array), [3, new Float64Array(3)], { optionalFrom: 1 })).toEqual([]);
  });
});

describe('sizes beyond the memory cap', () => {
  it('are a MemoryError before WASM sees them (alloc takes a u32: 2^32 + 8 bytes would wrap to 8)', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => allocF64(2 ** 29 + 1)).toThrow(MemoryError);
    expect(() => rng(1).uniform(2 ** 29 + 1)).toThrow(MemoryError);
    expect(() => rng(1).normal(2 ** 31)).toThrow(MemoryError);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(rng(1).uniform(2)).toEqual(rng(1).uniform(2));
  });
});
