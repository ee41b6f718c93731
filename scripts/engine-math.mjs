// How often JavaScript's Math transcendentals differ between Node and headless Chromium, against
// the WebAssembly module's own scalar kernels (assembly/math.ts) on the same arguments. Both engines
// run the very same function on the same pseudo-random arguments; the script counts the results whose
// bits differ. Writes docs/experiments/engine-math.json and prints a Markdown table.
//
//   node scripts/build.mjs && node scripts/engine-math.mjs [--n 20000] [--json FILE]
//
// Needs Chromium (/usr/bin/chromium or PROXKIT_CHROMIUM) and playwright-core (a dev dependency).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : fallback;
};
const n = Number(opt('--n', '20000'));
const jsonOut = opt('--json', join(root, 'docs/experiments/engine-math.json'));
const chromiumPath = process.env.PROXKIT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Runs in both engines (serialised with toString, so self-contained): arguments from a 64-bit LCG,
 * then every case as an array of doubles. `bytes` is the wasm module.
 */
async function probe(bytes, n) {
  let s = 0x9e3779b97f4a7c15n;
  const next = () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
  const u = Array.from({ length: n }, next);
  const v = Array.from({ length: n }, next);
  const module = await WebAssembly.compile(new Uint8Array(bytes));
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = () => {
      throw new Error(`${imp.module}.${imp.name} called`);
    };
  }
  const w = (await WebAssembly.instantiate(module, imports)).exports;
  // argument ranges: e^{±40}; (1 + t)·2^k for log (2^±43) and log1p (2^−44 … 2); ±2 for expm1; ±60 rad.
  // Built with exact arithmetic only (powers of two), so both engines get the same arguments.
  const X = {
    exp: u.map((t) => 80 * t - 40),
    log: u.map((t, i) => (1 + t) * 2 ** Math.floor(86 * v[i] - 43)),
    log1p: u.map((t, i) => t * 2 ** -Math.floor(44 * v[i])),
    expm1: u.map((t) => (t - 0.5) * 4),
    sin: u.map((t) => 120 * t - 60),
    base: u.map((t) => 20 * t),
    power: v.map((t) => 10 * t - 5),
  };
  const cases = {
    exp: [X.exp, Math.exp, w.mathExp],
    log: [X.log, Math.log, w.mathLog],
    log1p: [X.log1p, Math.log1p, w.mathLog1p],
    expm1: [X.expm1, Math.expm1, w.mathExpm1],
    sin: [X.sin, Math.sin, w.mathSin],
    cos: [X.sin, Math.cos, w.mathCos],
  };
  const out = {};
  for (const [name, [xs, js, wasm]] of Object.entries(cases)) {
    out[`js ${name}`] = xs.map((x) => js(x));
    out[`wasm ${name}`] = xs.map((x) => wasm(x));
  }
  out['js pow'] = X.base.map((b, i) => Math.pow(b, X.power[i]));
  out['wasm pow'] = X.base.map((b, i) => w.mathPow(b, X.power[i]));
  out['js pow, integer exponent'] = u.map((t, i) => Math.pow(0.9 + t / 5, Math.floor(40 * v[i])));
  out['wasm pow, integer exponent'] = u.map((t, i) => w.mathPow(0.9 + t / 5, Math.floor(40 * v[i])));
  out['js x ** 2'] = X.exp.map((x) => x ** 2);
  out['js x ** 3'] = X.exp.map((x) => x ** 3);
  out['js 2 ** k'] = u.map((t) => 2 ** Math.floor(2000 * t - 1000));
  out['js tanh'] = X.expm1.map((x) => Math.tanh(x));
  out['js atan'] = X.sin.map((x) => Math.atan(x));
  out['js cbrt'] = X.log.map((x) => Math.cbrt(x));
  out['js log2'] = X.log.map((x) => Math.log2(x));
  out['js log10'] = X.log.map((x) => Math.log10(x));
  out['js hypot'] = X.sin.map((x, i) => Math.hypot(x, X.power[i], x * X.power[i]));
  out['js sqrt'] = X.log.map((x) => Math.sqrt(x));
  return out;
}

const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');
const bytes = Array.from(readFileSync(join(root, 'build/proxkit.wasm')));
const node = await probe(bytes, n);
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let web;
let chromiumVersion;
try {
  chromiumVersion = browser.version();
  const page = await (await browser.newContext()).newPage();
  web = await page.evaluate(`(${probe.toString()})(${JSON.stringify(bytes)}, ${n})`);
} finally {
  await browser.close();
}
const rows = Object.keys(node).map((name) => {
  let differ = 0;
  for (let i = 0; i < n; i++) if (!Object.is(node[name][i], web[name][i])) differ++;
  return { case: name, arguments: n, differ };
});
const result = { command: `node scripts/engine-math.mjs --n ${n}`, node: process.version, v8: process.versions.v8, chromium: chromiumVersion, rows };
writeFileSync(jsonOut, `${JSON.stringify(result, null, 1)}\n`);
console.log(`Node ${process.version} (V8 ${process.versions.v8}) vs headless Chromium ${chromiumVersion}, ${n} arguments per case\n`);
console.log('| case | results that differ |');
console.log('|---|---|');
for (const r of rows) console.log(`| ${r.case} | ${r.differ} (${((100 * r.differ) / n).toFixed(2)} %) |`);
console.log(`\nwrote ${jsonOut}`);
