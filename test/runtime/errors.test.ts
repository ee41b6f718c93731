import { describe, expect, it } from 'vitest';
import { MemoryError, NonFiniteError, ParameterError, ProxkitError, ShapeError, WasmInitError } from '../../bindings/index.js';

describe('error classes', () => {
  it('carry a stable code, their own name, and derive from ProxkitError and Error', () => {
    const cases: [ProxkitError, string, string][] = [
      [new ShapeError('m'), 'ERR_SHAPE', 'ShapeError'],
      [new ParameterError('m'), 'ERR_PARAMETER', 'ParameterError'],
      [new NonFiniteError('f', 'v', 3, NaN), 'ERR_NON_FINITE', 'NonFiniteError'],
      [new MemoryError('m'), 'ERR_MEMORY', 'MemoryError'],
      [new WasmInitError('m'), 'ERR_WASM_INIT', 'WasmInitError'],
    ];
    for (const [err, code, name] of cases) {
      expect(err).toBeInstanceOf(ProxkitError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
    }
  });

  it('NonFiniteError names the argument, the index and the value', () => {
    const err = new NonFiniteError('softThreshold', 'v', 7, -Infinity);
    expect(err.message).toBe('softThreshold: v must be finite (got -Infinity at index 7)');
    expect([err.argument, err.index, err.value]).toEqual(['v', 7, -Infinity]);
  });
});
