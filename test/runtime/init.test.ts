// Runs in its own module graph (vitest isolates files), so the instance starts uninitialised here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WasmInitError, init, isReady, projectSimplex, softThreshold } from '../../bindings/index.js';

describe('init', () => {
  it('refuses kernel calls before init() with a WasmInitError naming the function', () => {
    expect(isReady()).toBe(false);
    expect(() => softThreshold([1], 0.5)).toThrowError(WasmInitError);
    expect(() => projectSimplex([1])).toThrowError('projectSimplex: proxkit is not initialised; await init() first');
  });

  it('reports a bad module as WasmInitError and can still be initialised afterwards', async () => {
    const err = await init({ wasm: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WasmInitError);
    expect((err as Error).message).toMatch(/^init: the WebAssembly module could not be instantiated/);
    expect(isReady()).toBe(false);
    // Accepts a precompiled WebAssembly.Module (for users who serve proxkit.wasm themselves).
    const module = new WebAssembly.Module(readFileSync(new URL('../../build/proxkit.wasm', import.meta.url)));
    await init({ wasm: module });
    expect(isReady()).toBe(true);
    await init(); // idempotent
    expect(Array.from(softThreshold([3, -0.25, -2], 1))).toEqual([2, 0, -1]);
  });
});

describe('init sources', () => {
  it('accepts bytes, a Response, a promise of a Response and a compiled Module', async () => {
    const { instantiate } = await import('../../bindings/runtime/instance.js');
    const bytes = readFileSync(new URL('../../build/proxkit.wasm', import.meta.url));
    const response = () => new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
    for (const source of [new Uint8Array(bytes), response(), Promise.resolve(response()), new WebAssembly.Module(bytes)]) {
      const x = await instantiate(source);
      expect(typeof x.softThreshold).toBe('function');
      expect(x.allocatedBytes()).toBe(0);
    }
  });
});
