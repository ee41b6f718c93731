// The `proxkit` command as users run it: the built dist/cli.js (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { ParameterError, ShapeError } from '../bindings/index.js';
import { FileError, UsageError, describeFailure, isProxkitError, oneLine } from '../bindings/cli/io.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
// In a scratch folder: demo sections write their files to the working directory by default.
const cwd = mkdtempSync(join(tmpdir(), 'proxkit-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, env: { ...process.env, PROXKIT_DEBUG: '' } });

/** The failure contract: nothing on stdout, exactly one line on stderr that starts with `prefix`, no stack. */
function expectOneLineError(r: ReturnType<typeof run>, status: number, prefix: string): string {
  expect(r.status).toBe(status);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(prefix), `${JSON.stringify(lines[0])} starts with ${JSON.stringify(prefix)}`).toBe(true);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe('proxkit CLI', () => {
  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists the commands and the exit codes', () => {
    const r = run('--help');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/Usage: proxkit/);
    expect(r.stdout).toMatch(/demo \[options\] \[sections\.\.\.\]/);
    expect(r.stdout).toMatch(/cvar-sweep \[options\]/);
    expect(r.stdout).toMatch(/verify \[options\] <model> <spec>/);
    expect(r.stdout).toMatch(/Exit codes: 0 .*; 1 .*; 2 a usage error/s);
    // `help <command>` is the same as `<command> --help`.
    expect(run('help', 'demo').stdout).toBe(run('demo', '--help').stdout);
  });

  it('--help of each command says what each output option writes, with its default', () => {
    const flat = (s: string) => s.replace(/\s+/g, ' ');
    const demo = flat(run('demo', '--help').stdout);
    expect(demo).toMatch(/--figures <dir> folder for every file the sections write: figures \(SVG and PNG\), the digits network \(ONNX\) and its robustness properties \(VNNLIB\); created when missing \(default: the working directory\)/);
    expect(demo).toContain('--seed <n> seed for the random parts of every section (default: 42)');
    const sweep = flat(run('cvar-sweep', '--help').stdout);
    expect(sweep).toMatch(/--svg <file> where to write the figure \(SVG\).*created when missing \(default: cvar-sweep\.svg\)/);
    expect(sweep).toMatch(/--json <file> also write every number of the sweep \(JSON\).*\(default: no JSON\)/);
    expect(flat(run('verify', '--help').stdout)).toMatch(/on stdout; writes no file/);
    expect(flat(run('bounds', '--help').stdout)).toMatch(/on stdout; writes no file/);
    const fed = flat(run('fed', '--help').stdout);
    expect(fed).toMatch(/--svg <file> where to write the figure \(SVG\).*created when missing \(default: fed\.svg\)/);
    expect(fed).toMatch(/--json <file> where to write every number of the runs \(JSON\).*\(default: fed\.json\)/);
    const policy = flat(run('policy', '--help').stdout);
    expect(policy).toMatch(/--svg <file> where to write the figure \(SVG\).*created when missing \(default: policy\.svg\)/);
    expect(policy).toMatch(/--json <file> where to write every number of the runs \(JSON\).*\(default: policy\.json\)/);
    expect(policy).toMatch(/experiment the experiment \(nash, bandit, sampled, lm\)/);
  });

  it('demo prox runs on the embedded data and reproduces the published lasso order', () => {
    const r = run('demo', 'prox');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('features enter in the order 3, 9, 4, 7, 2, 10, 5, 8, 6, 1');
    expect(r.stdout).toMatch(/899 test digits: argmax accuracy \d+\.\d %/);
    expect(r.stdout).toMatch(/SHA-256 [0-9a-f]{64}/);
  });

  it('a different seed changes only the seeded part', () => {
    const a = run('demo', 'prox', '--seed', '1').stdout.match(/SHA-256 ([0-9a-f]{64})/)![1];
    const b = run('demo', 'prox', '--seed', '2').stdout.match(/SHA-256 ([0-9a-f]{64})/)![1];
    expect(a).not.toBe(b);
  });
});

describe('proxkit CLI: usage errors exit with 2 and one line naming the command', () => {
  it.each([
    [['demo', '--bogus'], "proxkit demo: unknown option '--bogus'"],
    [['demo', '--sed', '3'], "proxkit demo: unknown option '--sed' (Did you mean --seed?)"],
    [['demo', 'nope'], 'proxkit demo: unknown section nope (sections: '],
    [['demo', '--seed', '-3'], 'proxkit demo: --seed must be a non-negative integer (got -3)'],
    [['demo', '--seed', '1.5'], 'proxkit demo: --seed must be a non-negative integer (got 1.5)'],
    [['demo', '--figures'], "proxkit demo: option '--figures <dir>' argument missing"],
    [['cvar-sweep', '--epochs'], "proxkit cvar-sweep: option '--epochs <n>' argument missing"],
    [['cvar-sweep', '--epochs', '0'], 'proxkit cvar-sweep: --epochs must be a positive integer (got 0)'],
    [['cvar-sweep', '--seeds', 'two'], 'proxkit cvar-sweep: --seeds must be a positive integer (got two)'],
    [['cvar-sweep', '--tolerance', 'abc'], 'proxkit cvar-sweep: --tolerance must be a finite number > 0 (got abc)'],
    [['cvar-sweep', '--schedule', 'linear'], "proxkit cvar-sweep: option '--schedule <s>' argument 'linear' is invalid. Allowed choices are constant, sqrt"],
    [['verify'], "proxkit verify: missing required argument 'model'"],
    [['verify', 'm.onnx', 's.vnnlib', '--method', 'deeppoly'], "proxkit verify: option '--method <method>' argument 'deeppoly' is invalid"],
    [['verify', 'm.onnx', 's.vnnlib', '--timeout', '-1'], 'proxkit verify: --timeout must be a finite number of seconds > 0 (got -1)'],
    [['bounds', 'm.onnx'], "proxkit bounds: missing required argument 'spec'"],
    [['bounds', 'm.onnx', 's.vnnlib', 'extra'], 'proxkit bounds: too many arguments'],
    [['demo', '--figures', ''], 'proxkit demo: --figures needs a path (got an empty string)'],
    [['fed'], "proxkit fed: missing required argument 'experiment'"],
    [['fed', 'nope'], 'proxkit fed: unknown experiment nope (experiments: synthetic, decentralized, dirichlet, lisa)'],
    [['fed', 'synthetic', '--svg', ''], 'proxkit fed: --svg needs a path (got an empty string)'],
    [['cvar-sweep', '--json', ' '], 'proxkit cvar-sweep: --json needs a path (got an empty string)'],
    [['lm-experiments', '--only', 'glu,nope'], 'proxkit lm-experiments: --only must list experiments among glu, linearity, prollama, psft (got glu,nope)'],
    [['lm-experiments', '--dmodel', '30'], 'proxkit lm-experiments: --dmodel must be a multiple of 4 (the models have 4 heads; got 30)'],
    [['lm-experiments', '--seeds', '0'], 'proxkit lm-experiments: --seeds must be a positive integer (got 0)'],
    [['policy'], "proxkit policy: missing required argument 'experiment'"],
    [['policy', 'nope'], 'proxkit policy: unknown experiment nope (experiments: nash, bandit, sampled, lm)'],
    [['policy', 'nash', '--json', ''], 'proxkit policy: --json needs a path (got an empty string)'],
    [['nope'], "proxkit: unknown command 'nope' (commands: demo, cvar-sweep, verify, bounds"],
    [['help', 'nope'], "proxkit: unknown command 'nope' (commands: demo, cvar-sweep, verify, bounds"],
    [['--bogus'], "proxkit: unknown option '--bogus'"],
    [[], 'proxkit: missing command (commands: demo, cvar-sweep, verify, bounds'],
  ])('proxkit %j', (args, prefix) => {
    expectOneLineError(run(...args), 2, prefix);
  });
});

describe('proxkit CLI: output folders are created, or refused before the work starts', () => {
  it('demo --figures into a folder that does not exist creates it (parents too) and writes there', () => {
    const figures = join(cwd, 'new', 'nested', 'figures');
    const r = run('demo', 'tv', '--figures', figures);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(readdirSync(figures).some((f) => f.endsWith('.svg'))).toBe(true);
  });

  it('demo --figures under a file, or naming a file: exit 1, one line, no section started', () => {
    const file = join(cwd, 'a-file.txt');
    writeFileSync(file, 'not a folder\n');
    const under = expectOneLineError(run('demo', 'prox', '--figures', join(file, 'figures')), 1, 'proxkit demo: --figures ');
    expect(under).toContain(`cannot create the output folder: ${file} is a file, not a folder`);
    const itself = expectOneLineError(run('demo', 'prox', '--figures', file), 1, 'proxkit demo: --figures ');
    expect(itself).toContain('it is a file, not a folder');
  });

  it('cvar-sweep --svg / --json into missing folders: both folders created and both files written', () => {
    const svg = join(cwd, 'sweep', 'svg', 'plot.svg');
    const json = join(cwd, 'sweep', 'json', 'numbers.json');
    const r = run('cvar-sweep', '--quick', '--seeds', '1', '--epochs', '3', '--no-progress', '--svg', svg, '--json', json);
    expect(r.status).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ epochs: 3, seeds: 1 });
    expect(r.stdout).toContain(`wrote ${svg}`);
    expect(r.stdout).toContain(`wrote ${json}`);
  });

  it('cvar-sweep --json under a file, or --svg naming a folder: exit 1 before the sweep, nothing written', () => {
    const file = join(cwd, 'blocker');
    writeFileSync(file, '');
    const svg = join(cwd, 'never.svg');
    const a = expectOneLineError(run('cvar-sweep', '--quick', '--svg', svg, '--json', join(file, 'x.json')), 1, 'proxkit cvar-sweep: --json ');
    expect(a).toContain(`cannot create its folder: ${file} is a file, not a folder`);
    expect(existsSync(svg)).toBe(false);
    const b = expectOneLineError(run('cvar-sweep', '--quick', '--svg', cwd), 1, 'proxkit cvar-sweep: --svg ');
    expect(b).toContain('this is a folder; give a file name inside it');
  });
});

describe('proxkit CLI: how a failure maps to an exit code and a line (bindings/cli/io.ts)', () => {
  it('usage 2, files and library errors 1, system errors 1 with their path, anything else an internal error 1', () => {
    expect(describeFailure(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toEqual({ exitCode: 2, message: "unknown option '--x'", internal: false });
    expect(describeFailure(new UsageError('--seed must be …'))).toEqual({ exitCode: 2, message: '--seed must be …', internal: false });
    expect(describeFailure(new FileError('--svg x: …'))).toEqual({ exitCode: 1, message: '--svg x: …', internal: false });
    expect(describeFailure(new ShapeError('f: v must have length 3 (got 2)'))).toEqual({ exitCode: 1, message: 'f: v must have length 3 (got 2)', internal: false });
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/out/a.svg' });
    expect(describeFailure(enospc)).toEqual({ exitCode: 1, message: 'cannot write /out/a.svg: no space left on the device (ENOSPC)', internal: false });
    expect(describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      exitCode: 1, message: "internal error: TypeError: Cannot read properties of undefined (reading 'x')", internal: true,
    });
    expect(describeFailure('thrown string')).toEqual({ exitCode: 1, message: 'internal error: thrown string', internal: true });
  });

  it('a ProxkitError from a second copy of the classes still counts as one; messages fold to one line', () => {
    expect(isProxkitError(new ParameterError('p'))).toBe(true);
    // What a separately bundled entry would throw: same class names, different identities.
    class ProxkitError extends Error {}
    class OnnxError extends ProxkitError {}
    expect(isProxkitError(new OnnxError('o'))).toBe(true);
    expect(isProxkitError(new RangeError('r'))).toBe(false);
    expect(isProxkitError(null)).toBe(false);
    expect(isProxkitError({ name: 'ProxkitError' })).toBe(false);
    expect(oneLine("unknown option '--sed'\n(Did you mean --seed?)\n")).toBe("unknown option '--sed' (Did you mean --seed?)");
  });
});
