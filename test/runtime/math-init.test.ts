// Runs in its own module graph (vitest isolates files), so the instance starts uninitialised here.
// The power iteration behind ‖K‖₂ and Lipschitz estimates takes its start vector's sin from WASM: before
// init() it must fail with the public function's name, not with an internal one.
import { describe, expect, it } from 'vitest';
import { WasmInitError, bilinearCoupling, init, leastSquares, matrixOperator, operatorNorm } from '../../bindings/index.js';

describe('scalar WASM math before init()', () => {
  it('operatorNorm, leastSquares(…).lipschitz and bilinearCoupling name themselves in the WasmInitError', async () => {
    const K = matrixOperator([[2, 0], [0, 1], [1, 0]]);
    expect(() => operatorNorm(K)).toThrowError(new WasmInitError('operatorNorm: proxkit is not initialised; await init() first'));
    const f = leastSquares([[2, 0], [0, 1], [1, 0]], [1, 2, 3]);
    expect(() => f.lipschitz).toThrowError(new WasmInitError('leastSquares: proxkit is not initialised; await init() first'));
    expect(() => bilinearCoupling(K)).toThrowError(new WasmInitError('bilinearCoupling: proxkit is not initialised; await init() first'));
    await init();
    expect(Math.abs(operatorNorm(K) - Math.sqrt(5))).toBeLessThan(1e-9); // KᵀK = diag(5, 1)
    expect(Math.abs(f.lipschitz - 5)).toBeLessThan(1e-8);
  });
});
