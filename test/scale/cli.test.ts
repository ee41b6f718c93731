/**
 * scale through the CLI, as users run it (the built dist/cli.js): `cvar-sweep --quick` and a
 * 20-instance `verify-batch` give the same numbers and verdicts in the main thread, on 1 worker thread
 * and on 2; the sweep run through scale.cvarSweepOn equals cvar.cvarSweep bit for bit.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as src from '../../bindings/index.js';
import { exportOnnx } from '../../bindings/onnx.js';
import { diabetesProblem } from '../../bindings/cvar/data.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const distEntry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'proxkit-scale-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI without blocking the test's event loop (the pool's threads need it). */
function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, PROXKIT_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A seeded 2-hidden-layer ReLU network, its weights uniform in [-1, 1]. */
function randomNet(seed: number, sizes: number[]): src.NetworkSpec {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  const layers: src.LayerSpec[] = [];
  for (let l = 1; l < sizes.length; l++) {
    layers.push({ type: 'linear', weight: Array.from({ length: sizes[l]! }, () => Array.from({ length: sizes[l - 1]! }, next)), bias: Array.from({ length: sizes[l]! }, next) });
    if (l < sizes.length - 1) layers.push({ type: 'relu' });
  }
  return { input: sizes[0]!, layers };
}

/** "output 0 stays the largest" around `centre` with radius eps, as a VNNLIB property (unsafe when some Y_j ≥ Y_0). */
function robustness(centre: number[], eps: number, outputs: number): string {
  const lines = [...centre.map((_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: outputs }, (_, j) => `(declare-const Y_${j} Real)`)];
  centre.forEach((c, i) => lines.push(`(assert (>= X_${i} ${c - eps}))`, `(assert (<= X_${i} ${c + eps}))`));
  lines.push(`(assert (or ${Array.from({ length: outputs - 1 }, (_, j) => `(and (>= Y_${j + 1} Y_0))`).join(' ')}))`);
  return `${lines.join('\n')}\n`;
}

const bench = join(dir, 'bench20');

beforeAll(async () => {
  await src.init();
  mkdirSync(bench, { recursive: true });
  // 4 networks × 5 properties (radii from tiny to large): a mix of unsat, sat and harder instances
  const rows: string[] = [];
  for (let n = 0; n < 4; n++) {
    writeFileSync(join(bench, `net${n}.onnx`), exportOnnx(randomNet(11 + n, [3, 8, 8, 3])));
    for (let k = 0; k < 5; k++) {
      const eps = [0.001, 0.01, 0.05, 0.2, 1][k]!;
      writeFileSync(join(bench, `p${n}_${k}.vnnlib`), robustness([0.1 * n, -0.2, 0.3], eps, 3));
      rows.push(`net${n}.onnx,p${n}_${k}.vnnlib,20`);
    }
  }
  writeFileSync(join(bench, 'instances.csv'), `${rows.join('\n')}\n`);
});

describe('scale: batch commands on worker threads', () => {
  it('verify-batch on 20 instances: the same verdicts and counterexamples in the main thread, on 1 and on 2 worker threads', async () => {
    const outs: unknown[] = [];
    for (const flags of [[], ['--workers', '1'], ['--workers', '2']]) {
      const r = await run('verify-batch', join(bench, 'instances.csv'), '--out', `r${flags.join('')}.csv`, '--json', ...flags);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const { results } = JSON.parse(r.stdout) as { results: { onnx: string; vnnlib: string; result: string; counterexample?: unknown; error?: string }[] };
      expect(results).toHaveLength(20);
      // the CSV lists the instances in csv order whatever order they finished in
      const csv = readFileSync(join(dir, `r${flags.join('')}.csv`), 'utf8').trim().split('\n').map((l) => l.split(',')[2]);
      expect(csv).toEqual(results.map((x) => x.vnnlib));
      outs.push(results.map(({ onnx, vnnlib, result, counterexample, error }) => ({ onnx, vnnlib, result, counterexample, error })));
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    // not a degenerate batch: both kinds of verdict occur, and no instance failed
    const verdicts = (outs[0] as { result: string }[]).map((x) => x.result);
    expect(verdicts).toContain('unsat');
    expect(verdicts).toContain('sat');
    expect(verdicts).not.toContain('error');
  });

  it('cvar-sweep --quick: every number of the sweep is the same in the main thread, on 1 and on 2 worker threads', async () => {
    const sweeps: unknown[] = [];
    for (const flags of [[], ['--workers', '1'], ['--workers', '2']]) {
      const json = `sweep${flags.join('')}.json`;
      const r = await run('cvar-sweep', '--quick', '--epochs', '20', '--seeds', '3', '--svg', 'sweep.svg', '--json', json, '--no-progress', ...flags);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const { timeMs, ...rest } = JSON.parse(readFileSync(join(dir, json), 'utf8')) as { timeMs: number };
      expect(timeMs).toBeGreaterThan(0);
      sweeps.push(rest);
    }
    expect(sweeps[1]).toEqual(sweeps[0]);
    expect(sweeps[2]).toEqual(sweeps[0]);
    const panels = (sweeps[0] as { panels: { methods: { goodCount: number }[] }[] }).panels;
    expect(panels).toHaveLength(2);
    expect(panels.flatMap((p) => p.methods.map((m) => m.goodCount)).some((c) => c > 0)).toBe(true);
  });

  it('scale.cvarSweepOn on a pool of 2 threads equals cvar.cvarSweep bit for bit, and --workers with --redis is a usage error', async () => {
    const dist = (await import(distEntry)) as typeof src;
    await dist.init();
    const options = { problems: [diabetesProblem(1)], stepSizes: [1e-3, 1e-1, 10], betas: [0.9], seeds: 2, epochs: 5 };
    const seq = src.cvarSweep(options);
    const pool = await dist.scale.workerPool({ workers: 2 });
    try {
      const progress: number[] = [];
      const par = await dist.scale.cvarSweepOn(pool, { ...options, onProgress: (done) => progress.push(done) });
      expect({ ...par, timeMs: 0 }).toEqual({ ...seq, timeMs: 0 });
      expect(progress.sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
      // a diverged run (γ = 10) is Infinity in both
      expect(par.panels[0]!.methods.some((m) => m.suboptimality.flat().includes(Infinity))).toBe(seq.panels[0]!.methods.some((m) => m.suboptimality.flat().includes(Infinity)));
    } finally {
      await pool.close();
    }
    await expect(dist.scale.cvarSweepOn(dist.scale.inProcessExecutor(), { ...options, seeds: 0 })).rejects.toThrow(/cvarSweepOn: seeds/);
    await expect(dist.scale.cvarSweepOn({} as never, options)).rejects.toThrow(/cvarSweepOn: executor/);
    const r = await run('cvar-sweep', '--quick', '--workers', '2', '--redis', 'redis://127.0.0.1:1', '--svg', 'x.svg');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers and --redis exclude each other/);
  });
});
