// The demo registry: section titles `== name: …`, a time per section and in all, full demos when
// sections are named, the quick tour otherwise, and a clear error for an unknown section.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo, sections } from '../../bindings/demo/index.js';

describe('runDemo', () => {
  it('runs the named sections in registry order with uniform titles and times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-tour-'));
    try {
      const lines: string[] = [];
      await runDemo(['cvar', 'prox'], { seed: 42, log: (l) => lines.push(l), figures: dir });
      const titles = lines.filter((l) => l.startsWith('\n== ')).map((l) => l.slice(1));
      expect(titles.map((t) => t.match(/^== (\w+): /)?.[1])).toEqual(['prox', 'cvar']);
      for (const t of titles) expect(t).not.toContain('quick tour'); // named sections: their full demos
      expect(lines.filter((l) => /^-- (prox|cvar): \d+\.\d s$/.test(l))).toHaveLength(2);
      expect(lines[lines.length - 1]).toMatch(/^\ndemo: prox \d+\.\d s, cvar \d+\.\d s; total \d+\.\d s$/);
      expect(readdirSync(dir)).toEqual([]); // these two sections write no files
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every section has a short name and a title that does not repeat it', () => {
    expect(sections.map((s) => s.name)).toEqual([...new Set(sections.map((s) => s.name))]);
    for (const s of sections) {
      expect(s.name).toMatch(/^[a-z0-9-]+$/);
      expect(s.title.startsWith(`${s.name}:`)).toBe(false);
    }
  });

  it('refuses an unknown section before running anything', async () => {
    const lines: string[] = [];
    await expect(runDemo(['prox', 'nope'], { seed: 1, log: (l) => lines.push(l) })).rejects.toThrow(/^demo: unknown section nope \(sections: prox, /);
    expect(lines).toEqual([]);
  });
});
