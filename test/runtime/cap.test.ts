// The memory cap (asconfig maximumMemory: 32768 pages = 2 GiB). Own file: it leaves a large memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryError, allocF64, init, memoryStats, softThreshold } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';

beforeAll(() => init());

describe('memory cap', () => {
  it('a request above the cap is a MemoryError and the module keeps working', () => {
    expect(() => allocF64(300_000_000)).toThrowError(MemoryError);
    expect(() => allocF64(300_000_000)).toThrowError('allocF64: cannot allocate 2288.8 MiB of WebAssembly memory (the 2 GiB cap is reached)');
    expect(() => softThreshold({ length: 300_000_000 } as unknown as number[], 1)).toThrowError(); // not array-like enough: ParameterError
    expect(Array.from(softThreshold([2], 1))).toEqual([1]);
    expect(memoryStats().allocatedBytes).toBe(0);
  });

  it('growth that would pass the cap fails cleanly (alloc returns 0, no trap)', () => {
    const x = wasm();
    const a = x.alloc(1.5 * 2 ** 30); // grows memory (pages stay untouched, so little real RAM)
    expect(a).not.toBe(0);
    expect(x.alloc(0.75 * 2 ** 30)).toBe(0);
    x.free(a);
    expect(memoryStats().allocatedBytes).toBe(0);
    expect(Array.from(softThreshold([-3], 1))).toEqual([-2]);
  });
});
