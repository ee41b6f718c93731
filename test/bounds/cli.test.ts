// `proxkit verify` / `proxkit bounds` as users run them: the built dist/cli.js on files in a temp folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type NetworkSpec } from '../../bindings/index.js';
import { exportOnnx } from '../../bindings/onnx.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'proxkit-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, PROXKIT_DEBUG: '' } });

/** The failure contract: nothing on stdout, exactly one line `proxkit <command>: …` on stderr, no stack. */
function oneLineError(r: ReturnType<typeof run>, status: number, command: string): string {
  expect([r.status, r.stdout]).toEqual([status, '']);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(`proxkit ${command}: `), lines[0]).toBe(true);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}
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

  it('bad files: one line naming the command and the file, exit code 1', () => {
    const junk = file('junk.onnx', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff));
    expect(oneLineError(run('verify', junk, unsat), 1, 'verify')).toContain(`the model file ${junk} is not a valid ONNX model: loadOnnx: bytes are not an ONNX ModelProto`);
    const missing = join(dir, 'missing.onnx');
    expect(oneLineError(run('verify', missing, unsat), 1, 'verify')).toBe(`proxkit verify: cannot read the model file ${missing}: no such file or folder (ENOENT)`);
    const missingSpec = join(dir, 'missing.vnnlib');
    expect(oneLineError(run('verify', model, missingSpec), 1, 'verify')).toBe(`proxkit verify: cannot read the property file ${missingSpec}: no such file or folder (ENOENT)`);
    const folder = join(dir, 'a-folder.onnx');
    mkdirSync(folder, { recursive: true });
    expect(oneLineError(run('bounds', folder, unsat), 1, 'bounds')).toBe(`proxkit bounds: cannot read the model file ${folder}: it is a folder, not a file (EISDIR)`);
    const bad = file('bad.vnnlib', '(declare-const X_0 Real)\n(assert (>= X_0 0)');
    expect(oneLineError(run('verify', model, bad), 1, 'verify')).toBe(
      `proxkit verify: the property file ${bad} is not a valid VNNLIB property: parseVnnlib: line 2, column 1: unbalanced parentheses: '(' is never closed`,
    );
    const three = file('three.vnnlib', '(declare-const X_0 Real)(declare-const Y_0 Real)(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= Y_0 0))');
    expect(oneLineError(run('verify', model, three), 1, 'verify')).toBe(`proxkit verify: the property ${three} declares 1 inputs X_i but the model ${model} has 2`);
  });

  it('a file of the wrong type says what it is: exit code 1, one line', () => {
    // The arguments swapped: a VNNLIB property where the model goes, an ONNX model where the property goes.
    expect(oneLineError(run('verify', unsat, model), 1, 'verify')).toBe(`proxkit verify: the model file ${unsat} looks like a VNNLIB property, not a network (the arguments are <model> <spec>)`);
    const copy = file('copy.onnx', exportOnnx(net));
    expect(oneLineError(run('bounds', model, copy), 1, 'bounds')).toBe(
      `proxkit bounds: the property file ${copy} is a binary file, not a VNNLIB property (text) (the arguments are <model> <spec>)`,
    );
    // A text file named .onnx, the JSON network format without its .json name, an ONNX model named .json, empty files.
    const text = file('notes.onnx', 'weights: see the paper\n');
    expect(oneLineError(run('verify', text, unsat), 1, 'verify')).toBe(`proxkit verify: the model file ${text} is a text file, not an ONNX model (ONNX is binary protobuf)`);
    const jsonNamedOnnx = file('net-json.onnx', JSON.stringify(net));
    expect(oneLineError(run('verify', jsonNamedOnnx, unsat), 1, 'verify')).toBe(
      `proxkit verify: the model file ${jsonNamedOnnx} looks like the JSON network format, not ONNX: give it a name ending in .json`,
    );
    const onnxNamedJson = file('net-onnx.json', exportOnnx(net));
    expect(oneLineError(run('verify', onnxNamedJson, unsat), 1, 'verify')).toContain(
      `the model file ${onnxNamedJson} is a binary file, not the JSON network format (an ONNX model needs a name that does not end in .json): parseNetwork: `,
    );
    const empty = file('empty.onnx', '');
    expect(oneLineError(run('verify', empty, unsat), 1, 'verify')).toBe(`proxkit verify: the model file ${empty} is empty`);
    const emptySpec = file('empty.vnnlib', '');
    expect(oneLineError(run('bounds', model, emptySpec), 1, 'bounds')).toBe(`proxkit bounds: the property file ${emptySpec} is empty`);
  });

  it('bad options and arguments: exit code 2, one line', () => {
    expect(oneLineError(run('verify', model, unsat, '--method', 'deeppoly'), 2, 'verify')).toContain(
      "option '--method <method>' argument 'deeppoly' is invalid. Allowed choices are ibp, crown, crown-ibp, alpha-crown",
    );
    expect(oneLineError(run('verify', model, unsat, '--timeout', '-1'), 2, 'verify')).toContain('--timeout must be a finite number of seconds > 0 (got -1)');
    expect(oneLineError(run('verify', model, unsat, '--timeout', 'Infinity'), 2, 'verify')).toContain('--timeout must be a finite number of seconds > 0 (got Infinity)');
    expect(oneLineError(run('bounds', model), 2, 'bounds')).toContain("missing required argument 'spec'");
    expect(oneLineError(run('bounds', model, unsat, '--method', 'ibp'), 2, 'bounds')).toContain("unknown option '--method'");
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
