// The lm demo section's quick version: it trains, lowers the held-out perplexity, samples text from
// the corpus alphabet and writes its loss figure.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../bindings/demo/index.js';

describe('demo lm (quick)', () => {
  it('trains, reports a lower held-out perplexity, samples and writes its figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-lm-'));
    try {
      const lines: string[] = [];
      await runDemo(['lm'], { seed: 0, log: (l) => lines.push(l), figures: dir, quick: true });
      const ppl = lines.map((l) => /perplexity per character: ([\d.]+) before, ([\d.]+) after/.exec(l)).find(Boolean);
      expect(ppl).toBeTruthy();
      expect(Number(ppl![2])).toBeLessThan(Number(ppl![1]) * 0.6);
      expect(lines.some((l) => l.startsWith('    And God said'))).toBe(true);
      expect(readdirSync(dir)).toEqual(['proxkit-lm-loss.svg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
