// The published artefact, as a user gets it: `npm pack` the project (dist/ must already be built;
// npm test builds it first), install the tarball into an empty ESM project (commander comes from
// the registry), then import the library, require() it, and run the `proxkit` binary there.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

// The nested npm runs must behave as in a user's fresh shell. Under `npm test`/`npx vitest` the
// environment carries npm_package_* / npm_lifecycle_* of *this* project, and PATH starts with
// node_modules/.bin — which holds an npm 6 (@as-pect/cli → glob-promise → npm-install-peers → npm@6)
// that would shadow the real npm. Drop both.
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(k)),
);
for (const key of Object.keys(cleanEnv).filter((k) => k.toUpperCase() === 'PATH')) {
  cleanEnv[key] = cleanEnv[key]!.split(delimiter)
    .filter((dir) => !/[\\/]node_modules[\\/]\.bin[\\/]?$/.test(dir))
    .join(delimiter);
}

/** Runs a command; on a non-zero exit (or a spawn error) throws with the command, status and both streams. */
function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv, maxBuffer: 64 << 20, ...options });
  if (r.error || r.status !== 0) {
    throw new Error(
      [
        `command failed: ${cmd} ${args.join(' ')} (cwd ${options.cwd ?? process.cwd()})`,
        `exit status ${r.status}${r.signal ? `, signal ${r.signal}` : ''}${r.error ? `, ${r.error.message}` : ''}`,
        `--- stdout ---\n${r.stdout ?? ''}`,
        `--- stderr ---\n${r.stderr ?? ''}`,
      ].join('\n'),
    );
  }
  return String(r.stdout);
}

const consumerEsm = `
import { createHash } from 'node:crypto';
import { init, isReady, projectSimplex, rng, softThreshold } from 'proxkit';
await init();
const x = projectSimplex(softThreshold(rng(42).normal(100000), 1), 10);
console.log(JSON.stringify({
  ready: isReady(),
  soft: Array.from(softThreshold([3, -0.25, -2], 1)),
  simplex: Array.from(projectSimplex([0.5, 2, -1])),
  simplex3: Array.from(projectSimplex(new Float64Array([1, 1, 1]), 3)),
  demoDigest: createHash('sha256').update(new Uint8Array(x.buffer)).digest('hex'),
}));
`;

// CommonJS consumers: Node 20.19+ loads the ESM entry through require() (no top-level await in it).
const consumerCjs = `
const { init, softThreshold } = require('proxkit');
init().then(() => console.log(JSON.stringify(Array.from(softThreshold([3, -0.25, -2], 1)))));
`;

describe('npm package', { timeout: 120_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'proxkit-pack-'));
  const app = join(tmp, 'app');
  let tarball = '';

  beforeAll(() => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/proxkit.wasm', 'dist/cli.js']) {
      if (!existsSync(join(root, f))) {
        throw new Error(`${f} is missing: build first with \`node scripts/build.mjs\` (npm test does this)`);
      }
    }
    const packed = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: root }));
    tarball = join(tmp, packed[0].filename);
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'proxkit-consumer', private: true, type: 'module' }));
    run(npm, ['install', tarball, '--no-audit', '--no-fund'], { cwd: app });
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('ships dist (bundle, types, wasm, CLI) and none of the sources', () => {
    const entries = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
    for (const f of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/proxkit.wasm', 'dist/cli.js']) {
      expect(entries).toContain(`package/${f}`);
    }
    if (existsSync(join(root, 'README.md'))) expect(entries).toContain('package/README.md');
    const sources = /^package\/(assembly|bindings|test|bench|scripts|build|data|node_modules|seeds|\.ci)\//;
    expect(entries.filter((e) => sources.test(e))).toEqual([]);
    expect(entries.filter((e) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE)/.test(e))).toEqual([]);
  });

  it('is importable as ESM from a fresh project and computes', () => {
    writeFileSync(join(app, 'check.mjs'), consumerEsm);
    const out = JSON.parse(run(process.execPath, ['check.mjs'], { cwd: app }));
    expect(out.ready).toBe(true);
    expect(out.soft).toEqual([2, 0, -1]);
    expect(out.simplex).toEqual([0, 1, 0]);
    expect(out.simplex3).toEqual([1, 1, 1]);
    expect(out.demoDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is loadable with require() (no top-level await in the entry)', () => {
    writeFileSync(join(app, 'check.cjs'), consumerCjs);
    const out = run(process.execPath, ['check.cjs'], { cwd: app });
    expect(JSON.parse(out)).toEqual([2, 0, -1]);
  });

  it('installs the proxkit binary: --version and demo', () => {
    // `--no`: never fetch a registry package of that name; `--`: without it npx takes `--version` as its own.
    expect(run(npx, ['--no', '--', 'proxkit', '--version'], { cwd: app }).trim()).toBe(version);
    const demo = run(join(app, 'node_modules', '.bin', 'proxkit'), ['demo'], { cwd: app });
    const line = demo.split('\n').find((l) => l.includes('SHA-256'));
    expect(line, `no SHA-256 line in the demo output:\n${demo}`).toBeDefined();
    // The demo's default seed is 42: its digest is the one the ESM check computed for the same chain.
    const esm = JSON.parse(run(process.execPath, ['check.mjs'], { cwd: app }));
    expect(line).toContain(`SHA-256 ${esm.demoDigest}`);
  });
});
