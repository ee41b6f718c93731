import { beforeAll, describe, expect, it } from 'vitest';
import { F64Buffer, ParameterError, ShapeError, allocF64, init, memoryStats, projectSimplex, softThreshold } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { randomVector } from '../helpers.js';
import { projectSimplexSortRef, softThresholdRef } from '../prox/reference.js';

beforeAll(() => init());

describe('arena', () => {
  it('alloc returns 16-byte aligned, disjoint blocks and free returns the arena to its top', () => {
    const x = wasm();
    const { arenaTop: top0, allocatedBytes: used0 } = memoryStats();
    const ptrs = [1, 7, 16, 17, 1000, 3, 0].map((n) => x.alloc(n * 8));
    for (const p of ptrs) expect(p % 16).toBe(0);
    const sorted = [...ptrs].sort((a, b) => a - b);
    const sizes = new Map(ptrs.map((p, i) => [p, [1, 7, 16, 17, 1000, 3, 0][i]! * 8]));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!).toBeGreaterThanOrEqual(sorted[i - 1]! + sizes.get(sorted[i - 1]!)!);
    // Free in a scrambled order: coalescing must still bring the top back.
    for (const i of [3, 0, 5, 1, 6, 4, 2]) x.free(ptrs[i]!);
    expect(memoryStats().arenaTop).toBe(top0);
    expect(memoryStats().allocatedBytes).toBe(used0);
  });

  it('reuses freed holes (first fit) instead of growing the top', () => {
    const x = wasm();
    const a = x.alloc(800);
    const b = x.alloc(800);
    const c = x.alloc(800);
    x.free(b);
    const top = memoryStats().arenaTop;
    const d = x.alloc(400);
    expect(d).toBe(b);
    expect(memoryStats().arenaTop).toBe(top);
    [a, c, d].forEach((p) => x.free(p));
  });
});

describe('no leak', () => {
  it('1e5 calls, a third of them failing, leave allocated bytes, arena top and memory size flat', () => {
    const v = randomVector(1, 257);
    const bad = Float64Array.from(v);
    bad[200] = NaN;
    const out = new Float64Array(257);
    const warm = () => {
      softThreshold(v, 0.5, out);
      projectSimplex(v, 2, out);
    };
    warm();
    const before = memoryStats();
    let thrown = 0;
    for (let i = 0; i < 100_000; i++) {
      try {
        switch (i % 6) {
          case 0: softThreshold(v, 0.5, out); break;
          case 1: projectSimplex(v, 2, out); break;
          case 2: softThreshold(bad, 0.5); break; // NonFiniteError after the kernel ran
          case 3: projectSimplex(bad, 1); break;
          case 4: projectSimplex(v, -1); break; // ParameterError before any allocation
          case 5: softThreshold(v, 0.5, new Float64Array(3)); break; // ShapeError
        }
      } catch {
        thrown++;
      }
    }
    let failing = 0;
    for (let i = 0; i < 100_000; i++) if (i % 6 >= 2) failing++;
    expect(thrown).toBe(failing);
    expect(memoryStats()).toEqual(before);
    expect(before.allocatedBytes).toBe(0);
  });
});

describe('memory.grow in the middle of a call', () => {
  it('a workspace view is rebuilt after growth and still sees the same data', () => {
    const v = randomVector(2, 1000);
    const buf = allocF64(v);
    const stale = buf.view();
    const big = allocF64(Math.ceil(memoryStats().memoryBytes / 8)); // forces memory.grow
    try {
      expect(stale.length).toBe(0); // the old view was detached by memory.grow
      expect(buf.view()).toEqual(v);
      expect(softThreshold(buf, 0.5)).toEqual(softThresholdRef(v, 0.5));
    } finally {
      big.free();
      buf.free();
    }
  });

  it('projectSimplex is correct when its scratch allocation grows memory after its input was copied in', () => {
    const n = 50_000;
    const v = randomVector(3, n);
    allocF64(4 * n).free(); // make sure the free space above the top can hold the input copy
    const { memoryBytes, arenaTop } = memoryStats();
    // Fill the arena so that the input copy (n doubles + header) still fits below the end of memory
    // but the scratch allocation that follows it does not.
    const free = memoryBytes - arenaTop;
    const filler = allocF64(Math.floor((free - (n * 8 + 16) - 64) / 8) - 2);
    try {
      const grown = memoryStats().memoryBytes;
      const x = projectSimplex(v, 3);
      expect(memoryStats().memoryBytes).toBeGreaterThan(grown);
      const ref = projectSimplexSortRef(v, 3);
      let diff = 0;
      for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(x[i]! - ref[i]!));
      expect(diff).toBeLessThanOrEqual(1e-12);
    } finally {
      filler.free();
    }
  });
});

describe('F64Buffer and allocF64', () => {
  it('allocF64(n) is zero-filled; allocF64(data) copies; toArray copies out', () => {
    const z = allocF64(5);
    const d = allocF64([1, 2, 3]);
    try {
      expect(Array.from(z.view())).toEqual([0, 0, 0, 0, 0]);
      const copy = d.toArray();
      d.view()[0] = 9;
      expect(Array.from(copy)).toEqual([1, 2, 3]);
      expect(d.set([7, 8], 1).toArray()).toEqual(new Float64Array([9, 7, 8]));
    } finally {
      z.free();
      d.free();
    }
  });

  it('free() twice is harmless, use after free is a MemoryError', () => {
    const b = allocF64(4);
    b.free();
    b.free();
    expect(b.freed).toBe(true);
    expect(() => b.view()).toThrowError('F64Buffer: used after free()');
  });

  it('validates its arguments', () => {
    expect(() => allocF64(-1)).toThrowError(ParameterError);
    expect(() => allocF64(-1)).toThrowError('allocF64: length must be a non-negative integer (got -1)');
    expect(() => allocF64(1.5)).toThrowError('allocF64: length must be a non-negative integer (got 1.5)');
    const b = allocF64(2);
    try {
      expect(() => b.set([1, 2, 3])).toThrowError(ShapeError);
      expect(() => b.set([1, 2, 3])).toThrowError('F64Buffer.set: data must fit in length 2 at offset 0 (got length 3)');
    } finally {
      b.free();
    }
    expect(b).toBeInstanceOf(F64Buffer);
  });
});
