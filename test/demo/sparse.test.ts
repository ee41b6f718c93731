// The sparse demo section's quick version: binary sparse coding on a small bars test, its report line
// and the figure of true and learned fields (10 true bars + 10 learned fields as embedded PNGs).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../bindings/demo/index.js';

describe('demo sparse (quick)', () => {
  it('learns bars, reports how many were found, π̂ and σ̂, and writes its figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-sparse-'));
    try {
      const lines: string[] = [];
      await runDemo(['sparse'], { seed: 42, log: (l) => lines.push(l), figures: dir, quick: true });
      const m = lines.map((l) => /BSC .* (\d+) of 10 bars found .* π̂ = ([\d.]+) .* σ̂ = ([\d.]+)/.exec(l)).find(Boolean);
      expect(m).toBeTruthy();
      // seed 42, 200 images, 30 iterations (the tour since it was cut to fit its 2 s budget): passes with ≥ 9 bars
      expect(Number(m![1])).toBeGreaterThanOrEqual(9);
      expect(Math.abs(Number(m![2]) - 0.2)).toBeLessThan(0.05);
      expect(Math.abs(Number(m![3]) - 2)).toBeLessThan(0.2);
      expect(readdirSync(dir)).toEqual(['proxkit-sparse-bars.svg']);
      const svg = readFileSync(join(dir, 'proxkit-sparse-bars.svg'), 'utf8');
      expect(svg.match(/data:image\/png;base64,/g)).toHaveLength(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
