// `proxkit verify` / `proxkit bounds` as users run them: the built dist/cli.js on files in a temp folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type NetworkSpec } from '../../bindings/index.js';
import { exportOnnx } from '../../bindings/onnx.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'proxkit-verify-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
const file = (name: string, content: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

// y0 = relu(x0 − x1) + relu(x0 + x1) = max(2·x0, x0 + x1) and y1 = relu(x0 − x1) − relu(x0 + x1) = −min(2·x1, x0 + x1)
// on [0, 1]²: y0 ∈ [0, 2], y1 ∈ [−2, 0] (both ranges attained at corners).
const net: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, -1], [1, 1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1], [1, -1]] }] };
const head = ['(declare-const X_0 Real)', '(declare-const X_1 Real)', '(declare-const Y_0 Real)', '(declare-const Y_1 Real)', '(assert (>= X_0 0))', '(assert (<= X_0 1))', '(assert (>= X_1 0))', '(assert (<= X_1 1))'].join('\n');
let model = '';
let unsat = '';
let sat = '';

beforeAll(async () => {
  await init();
  model = file('net.onnx', exportOnnx(net));
  unsat = file('unsat.vnnlib', `${head}\n; y0 never exceeds 2\n(assert (>= Y_0 2.5))\n`);
  sat = file('sat.vnnlib', `${head}\n; y0 − y1 ≥ 3.5 near (1, 1), where it reaches 4\n(assert (>= (- Y_0 Y_1) 3.5))\n`);
});

describe('proxkit verify', () => {
  it('prints exactly one verdict line: unsat and sat', () => {
    const u = run('verify', model, unsat);
    expect([u.status, u.stdout, u.stderr]).toEqual([0, 'unsat\n', '']);
    const s = run('verify', model, sat, '--method', 'ibp', '--timeout', '5');
    expect([s.status, s.stdout, s.stderr]).toEqual([0, 'sat\n', '']);
  });

  it('reads the JSON network format when the model file ends in .json', () => {
    const json = file('net.json', JSON.stringify(net));
    expect(run('verify', json, unsat).stdout).toBe('unsat\n');
    expect(run('verify', json, sat).stdout).toBe('sat\n');
  });

  it('--json gives the verdict, a counterexample that satisfies the property, and statistics', () => {
    const r = run('verify', model, sat, '--json', '--method', 'alpha-crown');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!) as { verdict: string; counterexample: { inputs: number[]; outputs: number[] }; statistics: { nodes: number; timeMs: number } };
    expect(o.verdict).toBe('sat');
    const [x0, x1] = o.counterexample.inputs as [number, number];
    expect(x0 >= 0 && x0 <= 1 && x1 >= 0 && x1 <= 1).toBe(true);
    // The closed forms above, evaluated here, not by the CLI.
    const y = [Math.max(2 * x0, x0 + x1), -Math.min(2 * x1, x0 + x1)];
    expect(o.counterexample.outputs[0]).toBeCloseTo(y[0]!, 6);
    expect(o.counterexample.outputs[1]).toBeCloseTo(y[1]!, 6);
    expect(y[0]! - y[1]!).toBeGreaterThanOrEqual(3.5 - 1e-6);
    expect(o.statistics.nodes).toBeGreaterThanOrEqual(1);
    expect(o.statistics.timeMs).toBeGreaterThanOrEqual(0);
    const u = JSON.parse(run('verify', model, unsat, '--json').stdout) as { verdict: string; counterexample: unknown };
    expect(u).toMatchObject({ verdict: 'unsat', counterexample: null });
  });

  it('bad files and options: a typed error on stderr and exit code 1', () => {
    const junk = file('junk.onnx', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff));
    const a = run('verify', junk, unsat);
    expect([a.status, a.stdout]).toEqual([1, '']);
    expect(a.stderr).toContain('OnnxError: loadOnnx: bytes are not an ONNX ModelProto');
    const b = run('verify', join(dir, 'missing.onnx'), unsat);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain(`ParameterError: proxkit verify: cannot read the model file ${join(dir, 'missing.onnx')} (ENOENT)`);
    const c = run('verify', model, file('bad.vnnlib', '(declare-const X_0 Real)\n(assert (>= X_0 0)'));
    expect(c.status).toBe(1);
    expect(c.stderr).toContain("VnnlibError: parseVnnlib: line 2, column 1: unbalanced parentheses: '(' is never closed");
    const d = run('verify', model, file('three.vnnlib', '(declare-const X_0 Real)(declare-const Y_0 Real)(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= Y_0 0))'));
    expect(d.status).toBe(1);
    expect(d.stderr).toContain('ShapeError: proxkit verify: the property declares 1 inputs X_i but the model has 2');
    const e = run('verify', model, unsat, '--method', 'deeppoly');
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('verify: --method must be one of ibp, crown, crown-ibp, alpha-crown (got deeppoly)');
    const f = run('verify', model, unsat, '--timeout', '-1');
    expect(f.status).toBe(1);
    expect(f.stderr).toContain('verify: --timeout must be a number of seconds > 0 (got -1)');
  });
});

describe('proxkit bounds', () => {
  it('prints a table of per-output bounds for every method, enclosing the true ranges', () => {
    const r = run('bounds', model, unsat);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['output', 'ibp', 'crown', 'crown-ibp', 'alpha-crown']);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['output', 'Y_0', 'Y_1']);
    const j = JSON.parse(run('bounds', model, unsat, '--json').stdout) as Record<string, { lower: number[]; upper: number[] }>;
    expect(Object.keys(j)).toEqual(['ibp', 'crown', 'crown-ibp', 'alpha-crown']);
    for (const { lower, upper } of Object.values(j)) {
      // True ranges: y0 ∈ [0, 2], y1 ∈ [−2, 0].
      expect(lower[0]).toBeLessThanOrEqual(0);
      expect(upper[0]).toBeGreaterThanOrEqual(2);
      expect(lower[1]).toBeLessThanOrEqual(-2);
      expect(upper[1]).toBeGreaterThanOrEqual(0);
    }
    // IBP by hand: relu(x0 − x1) ∈ [0, 1], relu(x0 + x1) ∈ [0, 2] → y0 ∈ [0, 3], y1 ∈ [−2, 1].
    expect(j.ibp).toEqual({ lower: [0, -2], upper: [3, 1] });
    // The table shows the same numbers.
    expect(lines[1]).toContain('[0.000000, 3.000000]');
    expect(lines[2]).toContain('[-2.000000, 1.000000]');
  });
});
