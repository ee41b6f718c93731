// The saddle demo section's quick version: its report lines (ALPD fewer ∇f calls than LPD, the proxy
// method fewer true gradients than gradient descent, the implicit online updates' smaller regret spread)
// and its figure; the quick version stays within the tour's 2 s budget per section (checked loosely
// here, as timings are not unit-tested: the tour test owns the budget).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../bindings/demo/index.js';

describe('demo saddle (quick)', () => {
  it('reports the comparisons and writes its figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-saddle-'));
    try {
      const lines: string[] = [];
      await runDemo(['saddle'], { seed: 42, log: (l) => lines.push(l), figures: dir, quick: true });
      const alpd = lines.map((l) => /L_f = (\d+)\s+ALPD\s+(\d+)\s+LPD\s+(\d+)/.exec(l)).filter(Boolean);
      expect(alpd.length).toBe(1);
      for (const m of alpd) expect(Number(m![2])).toBeLessThan(Number(m![3]));
      const proxy = lines.find((l) => l.includes('diabetes ridge'))!;
      const gd = Number(/gradient descent (\d+)/.exec(proxy)![1]);
      const pp = [...proxy.matchAll(/point (\d+) \(|, (\d+) \(/g)].map((m) => Number(m[1] ?? m[2]));
      expect(pp.length).toBe(2);
      for (const c of pp) expect(c).toBeLessThan(gd);
      expect(lines.some((l) => /Bregman baryconvex prox .* w⁺ = \(0\.\d+, 0\.\d+\)/.test(l))).toBe(true);
      expect(readdirSync(dir)).toEqual(['proxkit-saddle-online.svg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
