// `proxkit verify-batch` as users run it: the built dist/cli.js on a small benchmark folder in a temp dir.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type NetworkSpec } from '../../bindings/index.js';
import { exportOnnx } from '../../bindings/onnx.js';
import { forwardRef } from './reference.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'proxkit-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, PROXKIT_DEBUG: '' } });

// y0 = relu(x0 − x1) + relu(x0 + x1), y1 = relu(x0 − x1) − relu(x0 + x1); on [0, 1]²: y0 ∈ [0, 2], y1 ∈ [−2, 0].
const net: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, -1], [1, 1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1], [1, -1]] }] };
const decl = ['(declare-const X_0 Real)', '(declare-const X_1 Real)', '(declare-const Y_0 Real)', '(declare-const Y_1 Real)'].join('\n');
const unitBox = '(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1))';
const bench = join(dir, 'tiny');

beforeAll(async () => {
  await init();
  mkdirSync(join(bench, 'onnx'), { recursive: true });
  mkdirSync(join(bench, 'vnnlib'), { recursive: true });
  writeFileSync(join(bench, 'onnx', 'net.onnx'), exportOnnx(net));
  writeFileSync(join(bench, 'onnx', 'netz.onnx.gz'), gzipSync(exportOnnx(net)));
  writeFileSync(join(bench, 'onnx', 'broken.onnx'), 'not a model');
  writeFileSync(join(bench, 'vnnlib', 'unsat.vnnlib'), `${decl}\n${unitBox}\n(assert (>= Y_0 2.5))\n`);
  // y0 − y1 = 2·relu(x0 + x1) reaches 4 at (1, 1).
  writeFileSync(join(bench, 'vnnlib', 'sat.vnnlib.gz'), gzipSync(`${decl}\n${unitBox}\n(assert (>= (- Y_0 Y_1) 3.5))\n`));
  // For x ≥ 0, y0 = max(2·x0, x0 + x1). Box [0, 0.2] × [0, 0.5] asks y0 ≥ 1: never (y0 ≤ 0.7 there).
  // Box [0.9, 1]² asks y0 ≥ 1.9: reached near (1, 1). So the only counterexamples lie in the second box.
  writeFileSync(
    join(bench, 'vnnlib', 'regions.vnnlib'),
    `${decl}\n(assert (or\n (and (>= X_0 0) (<= X_0 0.2) (>= X_1 0) (<= X_1 0.5) (>= Y_0 1))\n (and (>= X_0 0.9) (<= X_0 1) (>= X_1 0.9) (<= X_1 1) (>= Y_0 1.9))\n))\n`,
  );
  writeFileSync(
    join(bench, 'instances.csv'),
    ['onnx/net.onnx,vnnlib/unsat.vnnlib,10', 'onnx/netz.onnx.gz,vnnlib/sat.vnnlib,10', 'onnx/net.onnx,vnnlib/regions.vnnlib,10', 'onnx/broken.onnx,vnnlib/unsat.vnnlib,10', ''].join('\n'),
  );
});

describe('proxkit verify-batch', () => {
  it('writes the competition results CSV, with .gz files read, a failing model reported as error, and re-checked counterexamples', () => {
    const r = run('verify-batch', join(bench, 'instances.csv'), '--out', 'out/results.csv', '--counterexamples', 'cex');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    const rows = readFileSync(join(dir, 'out', 'results.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(rows.map((c) => [c[0], c[1], c[2], c[4]])).toEqual([
      ['tiny', 'onnx/net.onnx', 'vnnlib/unsat.vnnlib', 'unsat'],
      ['tiny', 'onnx/netz.onnx.gz', 'vnnlib/sat.vnnlib', 'sat'],
      ['tiny', 'onnx/net.onnx', 'vnnlib/regions.vnnlib', 'sat'],
      ['tiny', 'onnx/broken.onnx', 'vnnlib/unsat.vnnlib', 'error'],
    ]);
    for (const c of rows) {
      expect(c).toHaveLength(6);
      expect(Number(c[3])).toBeGreaterThanOrEqual(0);
      expect(Number(c[5])).toBeGreaterThanOrEqual(0);
    }
    // The counterexample files: X and Y values whose Y is the forward pass of X and satisfies the property.
    expect(readdirSync(join(dir, 'cex')).sort()).toEqual(['net_regions.counterexample', 'netz_sat.counterexample']);
    const read = (name: string): Map<string, number> => {
      const text = readFileSync(join(dir, 'cex', name), 'utf8');
      expect(text.startsWith('sat\n')).toBe(true);
      return new Map([...text.matchAll(/\((X_\d+|Y_\d+) ([^)\s]+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
    };
    const a = read('netz_sat.counterexample');
    const ya = forwardRef(net, [a.get('X_0')!, a.get('X_1')!]);
    expect(ya[0]! - ya[1]!).toBeGreaterThanOrEqual(3.5);
    const b = read('net_regions.counterexample');
    const xb = [b.get('X_0')!, b.get('X_1')!];
    expect(xb[0]).toBeGreaterThanOrEqual(0.9);
    expect(xb[1]).toBeGreaterThanOrEqual(0.9);
    expect(forwardRef(net, xb)[0]).toBeGreaterThanOrEqual(1.9);
    expect(b.get('Y_0')).toBeCloseTo(forwardRef(net, xb)[0]!, 12);
  });

  it('--json prints one object with every row; --timeout-scale scales the timeouts', () => {
    const r = run('verify-batch', join(bench, 'instances.csv'), '--out', 'r.csv', '--json', '--timeout-scale', '0.5');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { benchmark: string; results: { result: string; timeout: number; counterexample?: { inputs: number[]; outputs: number[] }; error?: string }[] };
    expect(j.benchmark).toBe('tiny');
    expect(j.results.map((x) => x.result)).toEqual(['unsat', 'sat', 'sat', 'error']);
    expect(j.results.map((x) => x.timeout)).toEqual([5, 5, 5, 5]);
    expect(j.results[3]!.error).toContain('onnx/broken.onnx');
    const ce = j.results[1]!.counterexample!;
    expect(ce.outputs).toEqual(forwardRef(net, ce.inputs).map((v) => expect.closeTo(v, 12)));
  });

  it('usage and file errors: one line on stderr with the exit code', () => {
    const bad = run('verify-batch', join(bench, 'instances.csv'), '--timeout-scale', '0');
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr.trim()).toBe('proxkit verify-batch: --timeout-scale must be a finite number > 0 (got 0)');
    const missing = run('verify-batch', join(dir, 'nope.csv'));
    expect([missing.status, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr.trim()).toMatch(/^proxkit verify-batch: cannot read the instances file .*nope\.csv: no such file or folder \(ENOENT\)$/);
    writeFileSync(join(dir, 'bad.csv'), 'a.onnx,b.vnnlib\n');
    const malformed = run('verify-batch', join(dir, 'bad.csv'));
    expect([malformed.status, malformed.stdout]).toEqual([1, '']);
    expect(malformed.stderr.trim()).toMatch(/bad\.csv line 1: expected onnx,vnnlib,timeout \(got "a\.onnx,b\.vnnlib"\)$/);
  });
});
