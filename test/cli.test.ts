// The `proxkit` command as users run it: the built dist/cli.js (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
// In a scratch folder: demo sections write their figures (SVG) to the working directory.
const cwd = mkdtempSync(join(tmpdir(), 'proxkit-cli-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });

describe('proxkit CLI', () => {
  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists the demo command', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: proxkit/);
    expect(r.stdout).toMatch(/demo \[options\] \[sections\.\.\.\]/);
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

  it('rejects an unknown section and a bad seed with a message and exit code 1', () => {
    const unknown = run('demo', 'nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/demo: unknown section nope \(sections: [a-z0-9, -]*prox[a-z0-9, -]*\)/);
    const seed = run('demo', '--seed', '-3');
    expect(seed.status).toBe(1);
    expect(seed.stderr).toContain('demo: --seed must be a non-negative integer (got -3)');
  });
});
