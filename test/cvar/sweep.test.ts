import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cvar, cvarSweep, formatSweepTable, init, minimizeCvar, sweepSvg } from '../../bindings/index.js';
import { breastCancerProblem, diabetesProblem } from '../../bindings/cvar/data.js';

beforeAll(() => init());

describe('cvarSweep (a tiny configuration)', () => {
  const small = diabetesProblem(1);
  const rows = 80;
  const problem = { ...small, name: 'diabetes head', X: { data: small.X.data.slice(0, rows * 10), rows, cols: 10 }, y: small.y.slice(0, rows) };

  it('records the suboptimality of every run against the reference, medians, good flags and ranges', () => {
    const stepSizes = [1e-3, 1e-1, 10];
    const r = cvarSweep({ problems: [problem], stepSizes, seeds: 3, epochs: 3, betas: [0.9], tol: 0.2 });
    expect(r.panels).toHaveLength(1);
    const panel = r.panels[0]!;
    expect(panel.lowerBound).toBeLessThanOrEqual(panel.optimum);
    expect(panel.optimum - panel.lowerBound).toBeLessThan(1e-8 * panel.optimum);
    expect(panel.methods.map((m) => m.method)).toEqual(['spl+', 'spl', 'sgm']);
    for (const m of panel.methods) {
      expect(m.suboptimality).toHaveLength(3);
      m.suboptimality.forEach((seeds, i) => {
        const sorted = [...seeds].sort((a, b) => a - b);
        expect(m.median[i]).toBe(sorted[1]);
        expect(m.good[i]).toBe(sorted[1]! <= 0.2);
        for (const s of seeds) expect(s).toBeGreaterThanOrEqual(0);
      });
      const good = stepSizes.filter((_, i) => m.good[i]);
      expect(m.goodCount).toBe(good.length);
      expect(m.range).toEqual(good.length ? [good[0], good[good.length - 1]] : null);
    }
    // one cell recomputed independently: run minimizeCvar, evaluate CVaR of its losses from scratch
    // the sweep's defaults: constant step, last iterate
    const run = minimizeCvar({ X: problem.X, y: problem.y, loss: 'squared', beta: 0.9, method: 'spl+', stepSize: 1e-3, schedule: 'constant', averaging: 'none', epochs: 3, seed: 1 });
    const losses = Array.from({ length: rows }, (_, i) => {
      let p = run.intercept;
      for (let j = 0; j < 10; j++) p += problem.X.data[i * 10 + j]! * run.weights[j]!;
      return 0.5 * (p - problem.y[i]!) ** 2;
    });
    const sub = (cvar(losses, 0.9) - panel.optimum) / panel.optimum;
    expect(panel.methods[0]!.suboptimality[0]![1]).toBeCloseTo(sub, 10);

    const table = formatSweepTable(r);
    expect(table.split('\n')).toHaveLength(2 + 3);
    const svg = sweepSvg(r);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // One marker per (method, step size): in the plot, or as × in the band above it for a blow-up.
    for (const m of panel.methods) {
      const group = svg.match(new RegExp(`<g data-series="${m.method.toUpperCase().replace('+', '\\+')}">(.*?)</g>\n`))?.[1] ?? '';
      expect([...group.matchAll(/data-x="([^"]+)"/g)].map((g) => Number(g[1]))).toEqual(stepSizes);
      expect((group.match(/data-overflow/g) ?? []).length).toBe(m.median.filter((v) => !(v <= 100)).length);
    }
  });

  it("takes the runs' averaging and schedule and the absolute loss: a cell equals minimizeCvar's run, its CVaR recomputed", () => {
    const absolute = { ...problem, name: 'diabetes head, absolute loss', loss: 'absolute' as const };
    const r = cvarSweep({ problems: [absolute], stepSizes: [0.01, 0.3], seeds: 2, epochs: 20, betas: [0.8], methods: ['spl+'], schedule: 'sqrt', averaging: 'tail', tol: 0.05 });
    expect([r.schedule, r.averaging]).toEqual(['sqrt', 'tail']);
    const panel = r.panels[0]!;
    // the absolute loss's reference: the LP bracket
    expect(panel.lowerBound).toBeLessThanOrEqual(panel.optimum);
    expect(panel.optimum - panel.lowerBound).toBeLessThan(1e-4 * panel.optimum);
    const run = minimizeCvar({ X: absolute.X, y: absolute.y, loss: 'absolute', beta: 0.8, method: 'spl+', stepSize: 0.3, schedule: 'sqrt', averaging: 'tail', epochs: 20, seed: 1 });
    const losses = Array.from({ length: rows }, (_, i) => {
      let p = run.intercept;
      for (let j = 0; j < 10; j++) p += absolute.X.data[i * 10 + j]! * run.weights[j]!;
      return Math.abs(p - absolute.y[i]!);
    });
    expect(panel.methods[0]!.suboptimality[1]![1]).toBeCloseTo(Math.max(0, (cvar(losses, 0.8) - panel.optimum) / panel.optimum), 10);
    // the last iterate of the same run is another number: the option reached the runs
    const last = minimizeCvar({ X: absolute.X, y: absolute.y, loss: 'absolute', beta: 0.8, method: 'spl+', stepSize: 0.3, schedule: 'sqrt', averaging: 'none', epochs: 20, seed: 1 });
    expect(last.objective).not.toBe(run.objective);
    expect(formatSweepTable(r).split('\n')[0]).toBe('median relative suboptimality after 20 epochs (2 seeds, sqrt step, mean of the second half of the iterates); * = within 5 %');
    // the title (wrapped over several text lines) names the averaging
    expect(sweepSvg(r).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).toContain('mean of the second half of the iterates');
    // a result saved before sweeps took averaging reads as the last iterate
    const { averaging: _, ...old } = r;
    expect(formatSweepTable(old as never).split('\n')[0]).toContain('sqrt step, last iterate)');
    expect(() => cvarSweep({ problems: [problem], averaging: 'last' as never })).toThrow("cvarSweep: averaging must be 'none', 'all' or 'tail' (got \"last\")");
    expect(() => formatSweepTable({ ...r, averaging: 'mean' as never })).toThrow("formatSweepTable: result.averaging must be 'none', 'all' or 'tail' (got \"mean\")");
    expect(() => cvarSweep({ problems: [{ ...problem, loss: 'hinge' as never }] })).toThrow("cvarSweep: problems[0].loss must be 'squared', 'logistic' or 'absolute' (got \"hinge\")");
  });

  it('the embedded breast-cancer data load with the documented shape and labels', () => {
    const b = breastCancerProblem();
    expect([b.X.rows, b.X.cols]).toEqual([569, 30]);
    expect(new Set(b.y)).toEqual(new Set([1, -1]));
    expect(b.y.filter((v) => v === 1)).toHaveLength(357); // benign
  });
});

describe('proxkit cvar-sweep and demo cvar (the built CLI)', () => {
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  it.runIf(existsSync(cli))('runs a quick sweep, writes the SVG and rejects bad options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvar-sweep-'));
    try {
      const svg = join(dir, 'out.svg');
      const r = run('cvar-sweep', '--quick', '--epochs', '2', '--seeds', '1', '--svg', svg, '--no-progress');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/median relative suboptimality after 2 epochs/);
      expect(r.stdout).toMatch(/diabetes \(y × 100\), β = 0\.9: within 1 %: SPL\+ \d+, SPL \d+, SGM \d+ \(SPL\+ vs SGM [a-z]+, vs SPL [a-z]+\); within 10 %: .*; blows up at: SPL\+ /);
      expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
      const bad = run('cvar-sweep', '--epochs', '0');
      expect(bad.status).toBe(2); // a usage error (test/cli.test.ts has the whole contract)
      expect(bad.stderr).toContain('proxkit cvar-sweep: --epochs must be a positive integer (got 0)');
      const tail = run('cvar-sweep', '--quick', '--epochs', '2', '--seeds', '1', '--svg', svg, '--no-progress', '--schedule', 'sqrt', '--averaging', 'tail', '--loss', 'absolute');
      expect(tail.status).toBe(0);
      expect(tail.stdout).toContain('median relative suboptimality after 2 epochs (1 seed, sqrt step, mean of the second half of the iterates)');
      expect(tail.stdout).toMatch(/^diabetes \(y × 100\), absolute loss +0\.9 +spl\+ /m);
      const badAveraging = run('cvar-sweep', '--averaging', 'last');
      expect(badAveraging.status).toBe(2);
      expect(badAveraging.stderr).toContain("proxkit cvar-sweep: option '--averaging <a>' argument 'last' is invalid. Allowed choices are none, all, tail");
      const demo = run('demo', 'cvar');
      expect(demo.status).toBe(0);
      expect(demo.stdout).toContain('[3, 1, 4, 1, 5, 9, 2, 6] → [3, 1, 4, 1, 4, 6, 2, 4]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
