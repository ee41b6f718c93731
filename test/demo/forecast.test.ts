// The forecast demo section's quick version (the tour): the gate picks the weekly expert on the births,
// Super-Linear beats seasonal naive on the held-out part, and the figure is written.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { forecastDemo } from '../../bindings/demo/forecast.js';

beforeAll(() => init());

describe('demo forecast (quick)', () => {
  it('reports the weekly expert first, an MSE below seasonal naive, and writes the figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-forecast-'));
    try {
      const lines: string[] = [];
      const t0 = performance.now();
      await forecastDemo.run({ seed: 42, log: (l) => lines.push(l), figures: dir, quick: true });
      console.log(`forecast quick demo: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      const gate = lines.find((l) => l.includes('gate at the end'))!;
      expect(gate).toMatch(/gate at the end of the training part: period 7 \(/);
      const mse = lines.find((l) => l.includes('held-out MSE'))!;
      const sl = Number(/Super-Linear (\d+\.\d+)/.exec(mse)![1]);
      const naive = Number(/seasonal naive \(7\) (\d+\.\d+)/.exec(mse)![1]);
      expect(sl).toBeLessThan(naive);
      expect(readdirSync(dir)).toEqual(['proxkit-forecast-births.svg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
