import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { gradientFlow, gwMatching } from '../../bindings/demo/ot-geometry.js';

beforeAll(() => init());

describe('ot demo: gradient flow and GW matching (quick versions)', () => {
  it('the flow lowers the divergence and GW recovers the shuffled correspondence; both write their figures', () => {
    const figures = mkdtempSync(join(tmpdir(), 'proxkit-ot-geometry-'));
    const lines: string[] = [];
    const ctx = { seed: 1, quick: true, figures, log: (l: string) => lines.push(l) };
    gradientFlow(ctx);
    gwMatching(ctx);
    const flow = /S_ε \(ε = [\d.]+\) from ([\d.e+-]+) to ([\d.e+-]+)/.exec(lines.join('\n'))!;
    expect(Number(flow[2])).toBeLessThan(Number(flow[1]) / 100);
    const gw = /(\d+) of (\d+) points matched/.exec(lines.join('\n'))!;
    expect(Number(gw[1])).toBeGreaterThanOrEqual(0.9 * Number(gw[2]));
    for (const f of ['proxkit-ot-flow.svg', 'proxkit-ot-gw.svg']) expect(readFileSync(join(figures, f), 'utf8')).toMatch(/^<svg/);
  }, 60000);
});
