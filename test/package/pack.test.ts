// The published artefact, as a user gets it: `npm pack` the project (dist/ must already be built;
// npm test builds it first), install the tarball into an empty ESM project without the registry, then
// import the library and its proxkit/onnx entry, require() it, load the wasm the ways the README
// shows, run the `proxkit` binary, bundle three consumers with esbuild (sizes and the budget), and
// typecheck a strict consumer (lib ES2022 only, skipLibCheck false, with and without @types/node).
// publint and @arethetypeswrong/cli lint the tarball.
//
// No registry: the tarball's own dependencies (commander, cli-progress, d3-scale and theirs) are
// copied from this project's node_modules into the consumer first, so `npm install <tarball>
// --offline` finds every dependency satisfied; the install runs with the registry pointed at a closed
// port to prove it.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version: string = pkg.version;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const bin = (name: string) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

/**
 * Budget for consumer bundle (a), `softThreshold` only, minified + gzip, JavaScript only (proxkit.wasm
 * is a separate file): 8 KiB. It was 5.5 KB when set, leaving room for the runtime to grow; another
 * family leaking into it costs more (d3's scales and formats alone are ~9 KB gzip, ONNX ~35 KB), and the
 * old single-file entry with its inlined wasm was 73 KB.
 */
const BUDGET_SOFT_THRESHOLD_GZIP = 8 * 1024;

// The nested npm runs must behave as in a user's fresh shell: under `npm test`/`npx vitest` the
// environment carries npm_package_* / npm_lifecycle_* of *this* project. Drop them.
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(k)),
);
// The install must not need the registry: a closed port instead of it, and offline mode.
const offlineEnv: NodeJS.ProcessEnv = { ...cleanEnv, npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' };

type Result = { stdout: string; stderr: string };

/** Runs a command; on a non-zero exit (or a spawn error) throws with the command, status and both streams. */
function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): Result {
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
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The README's fenced block of language `lang` whose code contains `marker` ("as written" checks). */
function readmeBlock(lang: string, marker: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```(\S*)[^\n]*\n([\s\S]*?)^```\s*$/gm)].filter((m) => m[1] === lang && m[2]!.includes(marker));
  if (blocks.length !== 1) throw new Error(`README.md: expected one \`\`\`${lang} block containing ${marker}, found ${blocks.length}`);
  return blocks[0]![2]!;
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

// proxkit/onnx from the installed package: a two-layer network written and read back.
const consumerOnnx = `
import { init, evaluateNetwork, parseNetwork } from 'proxkit';
import { exportOnnx, loadOnnx, ONNX_OPS } from 'proxkit/onnx';
await init();
const spec = { input: 2, layers: [{ type: 'linear', weight: [[1, -1], [2, 0.5]], bias: [0.5, -1] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] }] };
const net = loadOnnx(exportOnnx(spec, { dtype: 'float64' }));
console.log(JSON.stringify({ ops: ONNX_OPS.length, y: Array.from(evaluateNetwork(net, [1, 2])), ref: Array.from(evaluateNetwork(parseNetwork(spec), [1, 2])) }));
`;

/** Three consumers bundled as a user would: esbuild, minified ESM for the browser, from the installed package. */
const bundles = {
  a: { label: 'softThreshold only', code: "import { init, softThreshold } from 'proxkit';\nawait init();\nconsole.log(softThreshold([1, -2], 0.5));\n" },
  b: { label: 'sinkhorn only', code: "import { init, sinkhorn } from 'proxkit';\nawait init();\nconsole.log(sinkhorn);\n" },
  c: {
    label: 'computeBounds + loadOnnx',
    code: "import { init, computeBounds } from 'proxkit';\nimport { loadOnnx } from 'proxkit/onnx';\nawait init();\nconsole.log(computeBounds, loadOnnx);\n",
  },
} as const;

describe('npm package', { timeout: 180_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'proxkit-pack-'));
  const app = join(tmp, 'app');
  let tarball = '';
  let entries: string[] = [];
  let installLog: Result = { stdout: '', stderr: '' };

  beforeAll(() => {
    for (const f of ['dist/index.js', 'dist/onnx.js', 'dist/index.d.ts', 'dist/proxkit.wasm', 'dist/cli.js']) {
      if (!existsSync(join(root, f))) {
        throw new Error(`${f} is missing: build first with \`node scripts/build.mjs\` (npm test does this)`);
      }
    }
    // --ignore-scripts: prepack (a build if sources changed) is not what this test is about.
    const packed = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: root }).stdout);
    tarball = join(tmp, packed[0].filename);
    entries = run('tar', ['-tzf', tarball]).stdout.split('\n').filter(Boolean);
    rmSync(app, { recursive: true, force: true });
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'proxkit-consumer', private: true, type: 'module' }));
    // The production dependency tree of this project, as installed here, placed where npm looks first.
    const prod = run(npm, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root }).stdout.split('\n').filter(Boolean);
    for (const dir of prod) {
      const rel = relative(join(root, 'node_modules'), dir);
      if (rel === '' || rel.startsWith('..') || rel.includes(`${sep}node_modules${sep}`)) continue; // root, or nested (copied with its parent)
      cpSync(dir, join(app, 'node_modules', rel), { recursive: true, dereference: true });
    }
    installLog = run(npm, ['install', tarball, '--offline', '--no-audit', '--no-fund'], { cwd: app, env: offlineEnv });
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs offline, with no warning about proxkit scripts', () => {
    expect(existsSync(join(app, 'node_modules/proxkit/dist/index.js'))).toBe(true);
    expect(`${installLog.stdout}\n${installLog.stderr}`).not.toMatch(/prepare|prepack|install script|ERR/i);
    // The scripts that ran on a tarball install before: none (prepack runs only on pack/publish).
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.preinstall ?? pkg.scripts.install ?? pkg.scripts.postinstall).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/--if-needed/);
  });

  it('ships the entries, their chunks, the wasm once and the licences; no sources, no CLI/demo declarations', () => {
    for (const f of ['package.json', 'LICENSE', 'dist/index.js', 'dist/onnx.js', 'dist/index.d.ts', 'dist/onnx.d.ts', 'dist/proxkit.wasm', 'dist/cli.js', 'dist/THIRD_PARTY_LICENSES.txt']) {
      expect(entries).toContain(`package/${f}`);
    }
    if (existsSync(join(root, 'README.md'))) expect(entries).toContain('package/README.md');
    const sources = /^package\/(assembly|bindings|test|bench|scripts|build|data|node_modules|seeds|\.ci)\//;
    expect(entries.filter((e) => sources.test(e))).toEqual([]);
    expect(entries.filter((e) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$)/.test(e))).toEqual([]);
    // Declarations only for what can be imported: nothing of the CLI or the demo.
    expect(entries.filter((e) => /^package\/dist\/(cli|demo)\/.*\.d\.ts$/.test(e))).toEqual([]);
    expect(entries.filter((e) => /\.d\.ts$/.test(e)).length).toBeGreaterThan(10);
    // The wasm exists once: one .wasm file, and no JavaScript file carries it inlined (as bytes or base64).
    expect(entries.filter((e) => e.endsWith('.wasm'))).toEqual(['package/dist/proxkit.wasm']);
    const wasm = readFileSync(join(app, 'node_modules/proxkit/dist/proxkit.wasm'));
    const probe = wasm.subarray(wasm.length - 96, wasm.length - 32);
    for (const e of entries.filter((x) => x.endsWith('.js'))) {
      const text = readFileSync(join(app, 'node_modules/proxkit', e.slice('package/'.length)), 'latin1');
      expect(text.includes('AGFzbQ'), `${e} contains a base64 wasm header`).toBe(false);
      expect(text.includes(probe.toString('base64').slice(4, 40)), `${e} contains the wasm as base64`).toBe(false);
    }
  });

  it('ships the licences of the bundled third-party code, with their texts', () => {
    const licences = readFileSync(join(app, 'node_modules/proxkit/dist/THIRD_PARTY_LICENSES.txt'), 'utf8');
    for (const [name, spdx, text] of [
      ['protobufjs', 'BSD-3-Clause', 'Redistribution and use in source and binary forms'],
      ['onnx-proto', 'MIT', 'Permission is hereby granted, free of charge'],
      ['@assemblyscript/loader', 'Apache-2.0', 'Apache License'],
    ] as const) {
      const at = licences.indexOf(`\n${name} `);
      expect(at, `${name} is not listed`).toBeGreaterThan(0);
      expect(licences.slice(at, at + 200)).toContain(`(${spdx})`);
      expect(licences.slice(at)).toContain(text);
    }
    // The banner that survives a consumer's minifier points to that file.
    expect(readFileSync(join(app, 'node_modules/proxkit/dist/index.js'), 'utf8').slice(0, 300)).toMatch(/^\/\*! proxkit .*THIRD_PARTY_LICENSES\.txt/);
  });

  it('is importable as ESM from a fresh project and computes', () => {
    writeFileSync(join(app, 'check.mjs'), consumerEsm);
    const out = JSON.parse(run(process.execPath, ['check.mjs'], { cwd: app }).stdout);
    expect(out.ready).toBe(true);
    expect(out.soft).toEqual([2, 0, -1]);
    expect(out.simplex).toEqual([0, 1, 0]);
    expect(out.simplex3).toEqual([1, 1, 1]);
    expect(out.demoDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is loadable with require() (no top-level await in the entry)', () => {
    writeFileSync(join(app, 'check.cjs'), consumerCjs);
    expect(JSON.parse(run(process.execPath, ['check.cjs'], { cwd: app }).stdout)).toEqual([2, 0, -1]);
  });

  it('proxkit/onnx: loadOnnx(exportOnnx(net)) computes what the network computes', () => {
    writeFileSync(join(app, 'onnx.mjs'), consumerOnnx);
    const out = JSON.parse(run(process.execPath, ['onnx.mjs'], { cwd: app }).stdout);
    expect(out.ops).toBeGreaterThan(10);
    expect(out.y).toEqual(out.ref);
    // relu([1 - 2 + 0.5, 2 + 1 - 1]) summed = 0 + 2.
    expect(out.y).toEqual([2]);
  });

  it('scale.workerPool runs from the installed package (its worker entry, dist/scale-worker.js, loads the package) and matches the sequential run', () => {
    expect(entries).toContain('package/dist/scale-worker.js');
    writeFileSync(join(app, 'pool.mjs'), [
      "import { init, federated, scale } from 'proxkit';",
      'await init();',
      'const data = federated.fedproxSynthetic({ clients: 6, dim: 4, classes: 3, seed: 1 });',
      'const o = { rounds: 2, clientsPerRound: 4, epochs: 1, rule: federated.fedSpeed({ lambda: 2 }), seed: 3 };',
      'const pool = await scale.workerPool({ workers: 2 });',
      'const par = await federated.simulateFederatedAsync(data, { ...o, executor: pool });',
      'await pool.close();',
      'const seq = federated.simulateFederated(data, o);',
      'console.log(JSON.stringify({ same: par.params.every((v, i) => Object.is(v, seq.params[i])), rounds: par.iterations }));',
    ].join('\n'));
    const out = JSON.parse(run(process.execPath, ['pool.mjs'], { cwd: app }).stdout);
    expect(out).toEqual({ same: true, rounds: 2 });
  });

  it("serves the wasm yourself in Node: the README's snippet as written, a file: URL, a path, and a missing file", () => {
    writeFileSync(join(app, 'readme-wasm.mjs'), readmeBlock('js', "import.meta.resolve('proxkit/wasm')"));
    run(process.execPath, ['readme-wasm.mjs'], { cwd: app });
    const wasmFile = join(app, 'node_modules/proxkit/dist/proxkit.wasm');
    const variants = {
      url: `new URL(${JSON.stringify(new URL(`file://${wasmFile}`).href)})`,
      string: JSON.stringify(new URL(`file://${wasmFile}`).href),
      path: JSON.stringify(wasmFile),
      bytes: `(await import('node:fs')).readFileSync(${JSON.stringify(wasmFile)})`,
    };
    for (const [name, source] of Object.entries(variants)) {
      writeFileSync(join(app, `wasm-${name}.mjs`), `import { init, softThreshold } from 'proxkit';\nawait init({ wasm: ${source} });\nconsole.log(JSON.stringify(Array.from(softThreshold([3, -0.25, -2], 1))));\n`);
      expect(JSON.parse(run(process.execPath, [`wasm-${name}.mjs`], { cwd: app }).stdout), name).toEqual([2, 0, -1]);
    }
    writeFileSync(
      join(app, 'wasm-missing.mjs'),
      "import { init } from 'proxkit';\nawait init({ wasm: './no-such.wasm' }).then(() => console.log('resolved'), (e) => console.log(JSON.stringify([e.name, e.code, e.message])));\n",
    );
    const [name, code, message] = JSON.parse(run(process.execPath, ['wasm-missing.mjs'], { cwd: app }).stdout);
    expect([name, code]).toEqual(['WasmInitError', 'ERR_WASM_INIT']);
    expect(message).toMatch(/^init: could not read the WebAssembly module from \.\/no-such\.wasm \(ENOENT/);
  });

  it('installs the proxkit binary: --version and a demo section', () => {
    // `--no`: never fetch a registry package of that name; `--`: without it npx takes `--version` as its own.
    expect(run(npx, ['--no', '--', 'proxkit', '--version'], { cwd: app, env: offlineEnv }).stdout.trim()).toBe(version);
    const demo = run(join(app, 'node_modules', '.bin', 'proxkit'), ['demo', 'prox'], { cwd: app }).stdout;
    const line = demo.split('\n').find((l) => l.includes('SHA-256'));
    expect(line, `no SHA-256 line in the demo output:\n${demo}`).toBeDefined();
    // The demo's default seed is 42: its digest is the one the ESM check computed for the same chain.
    const esm = JSON.parse(run(process.execPath, ['check.mjs'], { cwd: app }).stdout);
    expect(line).toContain(`SHA-256 ${esm.demoDigest}`);
  });

  it(`consumer bundles: softThreshold alone stays under ${BUDGET_SOFT_THRESHOLD_GZIP / 1024} KB gzip and none but the ONNX one carries protobuf`, async () => {
    const sizes: Record<string, { min: number; gzip: number; text: string }> = {};
    for (const [key, { code }] of Object.entries(bundles)) {
      writeFileSync(join(app, `bundle-${key}.mjs`), code);
      const r = await esbuild.build({
        absWorkingDir: app,
        entryPoints: [join(app, `bundle-${key}.mjs`)],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      });
      const text = r.outputFiles[0]!.text;
      sizes[key] = { min: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length, text };
    }
    const wasm = readFileSync(join(app, 'node_modules/proxkit/dist/proxkit.wasm'));
    const table = Object.entries(bundles).map(([k, { label }]) => `(${k}) ${label}: ${sizes[k]!.min} B min, ${sizes[k]!.gzip} B gzip`);
    console.log(`[proxkit bundle sizes] ${table.join('; ')}; proxkit.wasm ${wasm.length} B, ${gzipSync(wasm, { level: 9 }).length} B gzip`);

    // The protobuf runtime (its ModelProto type name and protobufjs's Reader) is only in (c).
    const protobuf = /onnx\.ModelProto|protobuf/;
    expect(sizes.a!.text).not.toMatch(protobuf);
    expect(sizes.b!.text).not.toMatch(protobuf);
    expect(sizes.c!.text).toMatch(protobuf);
    // The wasm stays a separate file that init() finds beside the runtime.
    for (const s of Object.values(sizes)) expect(s.text).toContain('proxkit.wasm');
    expect(sizes.a!.gzip).toBeLessThan(BUDGET_SOFT_THRESHOLD_GZIP);
    expect(sizes.a!.gzip).toBeLessThan(sizes.c!.gzip);
  });

  it('a minified esbuild bundle (sideEffects: false honoured, wasm copied beside it) computes what the package computes', async () => {
    // The browser spec's seeded workload (prox, ot, bounds and tucker families), importing only the
    // names it uses, bundled and run in Node; then the same workload on the installed package unbundled.
    const workloadSource = readFileSync(join(root, 'test/browser/workload.mjs'), 'utf8');
    const destructured = [...workloadSource.matchAll(/const \{([^}]*)\} = lib;/g)].flatMap((m) => m[1]!.split(',').map((n) => n.split(':')[0]!.trim()));
    const names = [...new Set([...destructured, ...[...workloadSource.matchAll(/\blib\.(\w+)/g)].map((m) => m[1]!)])].sort();
    expect(names).toContain('sinkhorn');
    writeFileSync(join(app, 'workload.mjs'), workloadSource);
    const program = (lib: string) =>
      `${lib}\nimport { createHash } from 'node:crypto';\nimport { workload } from './workload.mjs';\n` +
      `const sha256 = async (b) => createHash('sha256').update(b).digest('hex');\nconsole.log(JSON.stringify(await workload(lib, sha256)));\n`;
    writeFileSync(join(app, 'workload-bundle-entry.mjs'), program(`import { ${names.join(', ')} } from 'proxkit';\nconst lib = { ${names.join(', ')} };`));
    writeFileSync(join(app, 'workload-direct.mjs'), program("import * as lib from 'proxkit';"));
    mkdirSync(join(app, 'bundled'), { recursive: true });
    await esbuild.build({
      absWorkingDir: app,
      entryPoints: [join(app, 'workload-bundle-entry.mjs')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      outfile: join(app, 'bundled/workload.mjs'),
      logLevel: 'silent',
    });
    // esbuild leaves new URL('./proxkit.wasm', import.meta.url) as it is: the file goes beside the bundle.
    cpSync(join(app, 'node_modules/proxkit/dist/proxkit.wasm'), join(app, 'bundled/proxkit.wasm'));
    const bundled = JSON.parse(run(process.execPath, ['bundled/workload.mjs'], { cwd: app }).stdout);
    const direct = JSON.parse(run(process.execPath, ['workload-direct.mjs'], { cwd: app }).stdout);
    expect(Object.keys(bundled.digests).length).toBeGreaterThan(10);
    expect(bundled).toEqual(direct);
  });

  it('the declarations typecheck in a strict consumer: lib ES2022 only, skipLibCheck false, with and without @types/node', () => {
    const consumer = join(app, 'types');
    mkdirSync(consumer, { recursive: true });
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { init, softThreshold, sinkhorn, fista, normL1, type AbortSignalLike, type WasmSource } from 'proxkit';",
        "import { loadOnnx, type ExportOnnxOptions } from 'proxkit/onnx';",
        'const signal: AbortSignalLike = { aborted: false };',
        "const source: WasmSource = 'https://example.org/proxkit.wasm';",
        "const options: ExportOnnxOptions = { dtype: 'float64' };",
        'export async function use(bytes: Uint8Array): Promise<number> {',
        '  await init({ wasm: source });',
        '  const x: Float64Array = softThreshold([1, -2], 0.5);',
        '  void [sinkhorn, fista, normL1, loadOnnx, options, signal, bytes];',
        '  return x.length;',
        '}',
        '',
      ].join('\n'),
    );
    const base = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], strict: true, skipLibCheck: false, noEmit: true };
    const variants = {
      'no @types': { ...base, types: [] },
      '@types/node': { ...base, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
    };
    for (const [name, compilerOptions] of Object.entries(variants)) {
      const file = join(consumer, `tsconfig.${name.replace(/\W/g, '')}.json`);
      writeFileSync(file, JSON.stringify({ compilerOptions, files: ['use.ts'] }));
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', file], { cwd: consumer, encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`, name).toBe('');
      expect(r.status, name).toBe(0);
    }
  });

  it('passes publint (strict) and @arethetypeswrong/cli (ESM-only profile) on the tarball', () => {
    const lint = run(bin('publint'), ['run', tarball, '--strict'], { cwd: tmp });
    expect(lint.stdout).toMatch(/All good/);
    // ./wasm is a binary asset for import.meta.resolve / bundler URLs, not a module with types.
    run(bin('attw'), [tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm', '--format', 'ascii', '--no-color'], { cwd: tmp });
  });
});

// Keeps the README's claim about the packed files honest when the layout changes.
describe('dist layout', () => {
  it('every chunk the entries import sits in dist/ itself, beside proxkit.wasm', () => {
    const dist = join(root, 'dist');
    expect(existsSync(join(dist, 'index.js')), 'dist/index.js is missing: build first').toBe(true);
    for (const entry of ['index.js', 'onnx.js']) {
      const imports = [...readFileSync(join(dist, entry), 'utf8').matchAll(/from\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, `${entry} imports ${spec}`).toMatch(/^\.\/[^/]+\.js$/);
    }
    expect(readdirSync(dist).filter((f) => f.endsWith('.wasm'))).toEqual(['proxkit.wasm']);
  });
});
