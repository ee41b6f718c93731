// Determinism across engines: the built package (dist/index.js, its chunks and dist/proxkit.wasm,
// which init() fetches from beside them) runs a fixed seeded workload (./workload.mjs) in headless
// Chromium and in Node; the SHA-256 digests of every output must be identical. A second page runs the
// README's "serve the wasm yourself" browser snippet as written. Needs a built dist/ (npm test builds it first) and a Chromium binary:
// /usr/bin/chromium (Debian `chromium`) or the path in PROXKIT_CHROMIUM. Without one the spec is
// skipped with a one-line notice.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Result = { digests: Record<string, string>; summary: Record<string, number> };

const chromiumPath = process.env.PROXKIT_CHROMIUM || '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  console.warn(
    `[proxkit browser spec] SKIPPED: no Chromium at ${chromiumPath} ` +
      `(apt-get install chromium, or set PROXKIT_CHROMIUM to a Chromium binary)`,
  );
}

const distIndex = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));
const readmeFile = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The README's ```html block that passes `wasm` to init: the browser half of "serve the wasm yourself". */
function readmeServeWasmSnippet(): string {
  const readme = readFileSync(readmeFile, 'utf8');
  const blocks = [...readme.matchAll(/^```html[^\n]*\n([\s\S]*?)^```\s*$/gm)].map((m) => m[1]!).filter((b) => b.includes('init({ wasm:'));
  if (blocks.length !== 1) throw new Error(`README.md: expected one \`\`\`html block calling init({ wasm: … }), found ${blocks.length}`);
  return blocks[0]!;
}
const JS = 'text/javascript; charset=utf-8';
const WASM = 'application/wasm';
const workloadFile = fileURLToPath(new URL('./workload.mjs', import.meta.url));

const page = `<!doctype html>
<meta charset="utf-8">
<title>proxkit determinism</title>
<link rel="icon" href="data:,">
<script type="module">
  import * as lib from '/index.js';
  import { workload } from '/workload.js';
  const sha256 = async (bytes) =>
    Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
  window.__proxkit = workload(lib, sha256).then(
    (result) => ({ ok: true, result }),
    (e) => ({ ok: false, error: String(e && e.stack ? e.stack : e) }),
  );
</script>
`;

describe.skipIf(!haveChromium)('determinism: Chromium and Node give bit-identical outputs', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    if (!existsSync(distIndex)) {
      throw new Error(`${distIndex} is missing: build it first with \`node scripts/build.mjs\` (npm test does this)`);
    }
    const routes: Record<string, { type: string; body: () => Buffer | string }> = {
      '/': { type: 'text/html; charset=utf-8', body: () => page },
      '/workload.js': { type: 'text/javascript; charset=utf-8', body: () => readFileSync(workloadFile) },
      // The README snippet's page: the package under /node_modules/proxkit/dist/ *without* proxkit.wasm
      // beside it (so only the URL the snippet passes can work), and the wasm under /static/.
      '/serve-wasm.html': { type: 'text/html; charset=utf-8', body: () => `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n${readmeServeWasmSnippet()}` },
      '/static/proxkit.wasm': { type: WASM, body: () => readFileSync(`${distDir}proxkit.wasm`) },
      // A page that passes a URL the server does not have, then the right one: the typed error, then a retry.
      '/missing-wasm.html': {
        type: 'text/html; charset=utf-8',
        body: () => `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script type="module">
  import { init, softThreshold } from '/index.js';
  window.__proxkit = (async () => {
    const error = await init({ wasm: '/no-such.wasm' }).then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message }));
    await init();
    return { error, retry: Array.from(softThreshold([3, -0.5, -2], 1)) };
  })();
</script>`,
      },
    };
    // dist/ as the package ships it, at the root (the determinism page) and where the snippet imports it.
    for (const f of readdirSync(distDir).filter((n) => /\.(js|wasm)$/.test(n))) {
      const route = { type: f.endsWith('.wasm') ? WASM : JS, body: () => readFileSync(`${distDir}${f}`) };
      routes[`/${f}`] = route;
      if (!f.endsWith('.wasm')) routes[`/node_modules/proxkit/dist/${f}`] = route;
    }
    server = createServer((req, res) => {
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body());
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, '127.0.0.1', resolve);
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  });

  /** Runs the workload in a fresh page; collects page errors, console errors and failed requests. */
  async function inChromium(): Promise<{ result: Result; problems: string[] }> {
    const context = await browser!.newContext();
    try {
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
      tab.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
      });
      tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
      tab.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await tab.goto(`${origin}/`);
      await tab.waitForFunction(() => (window as unknown as { __proxkit?: unknown }).__proxkit !== undefined);
      const outcome = await tab.evaluate(
        () => (window as unknown as { __proxkit: Promise<{ ok: boolean; result?: Result; error?: string }> }).__proxkit,
      );
      if (!outcome.ok) throw new Error(`the page threw:\n${outcome.error}\n${problems.join('\n')}`);
      return { result: outcome.result!, problems };
    } finally {
      await context.close();
    }
  }

  async function inNode(): Promise<Result> {
    // The very same files, imported as Node ESM (not the bindings/ sources).
    const lib = await import(/* @vite-ignore */ pathToFileURL(distIndex).href);
    const { workload } = await import(/* @vite-ignore */ pathToFileURL(workloadFile).href);
    const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    return workload(lib, sha256) as Promise<Result>;
  }

  it("runs the README's serve-the-wasm-yourself snippet as written: the wasm comes from the URL given to init", async () => {
    const context = await browser!.newContext();
    try {
      const tab = await context.newPage();
      const problems: string[] = [];
      const requested: string[] = [];
      tab.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
      tab.on('request', (r) => requested.push(new URL(r.url()).pathname));
      tab.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      const logged = new Promise<unknown>((resolve) => {
        tab.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
          else void m.args()[0]?.evaluate((v) => (ArrayBuffer.isView(v) ? [v.constructor.name, Array.from(v as Float64Array)] : String(v))).then(resolve);
        });
      });
      await tab.goto(`${origin}/serve-wasm.html`);
      const value = await Promise.race([logged, new Promise((resolve) => setTimeout(() => resolve('no console output within 20 s'), 20_000))]);
      expect(problems).toEqual([]);
      // The snippet logs softThreshold([3, -0.5, -2], 1).
      expect(value).toEqual(['Float64Array', [2, 0, -1]]);
      expect(requested).toContain('/static/proxkit.wasm');
      expect(requested).not.toContain('/node_modules/proxkit/dist/proxkit.wasm');
    } finally {
      await context.close();
    }
  });

  it('a wasm URL that 404s rejects with a WasmInitError naming the URL and the status; init() works afterwards', async () => {
    const context = await browser!.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${origin}/missing-wasm.html`);
      await tab.waitForFunction(() => (window as unknown as { __proxkit?: unknown }).__proxkit !== undefined);
      const out = await tab.evaluate(() => (window as unknown as { __proxkit: Promise<unknown> }).__proxkit);
      expect(out).toEqual({
        error: {
          name: 'WasmInitError',
          code: 'ERR_WASM_INIT',
          message: `init: could not fetch the WebAssembly module from ${origin}/no-such.wasm (HTTP 404); pass init({ wasm }) with the URL where proxkit.wasm is served`,
        },
        retry: [2, 0, -1],
      });
    } finally {
      await context.close();
    }
  });

  it('runs the seeded workload in the page without errors and matches Node digest for digest', async () => {
    const [browserRun, node] = await Promise.all([inChromium(), inNode()]);
    const { result: web, problems } = browserRun;
    expect(problems).toEqual([]);

    // Same set of outputs, then each digest equal (toEqual on the records names the differing key).
    expect(Object.keys(web.digests).sort()).toEqual(Object.keys(node.digests).sort());
    expect(Object.keys(web.digests)).toHaveLength(47);
    expect(web.digests).toEqual(node.digests);
    expect(web.summary).toEqual(node.summary);

    // Non-trivial: every digest is a SHA-256 and all 13 outputs differ (seeds, kernels).
    for (const d of Object.values(web.digests)) expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(web.digests)).size).toBe(47);
    for (const seed of [1, 2, 3]) {
      // |N(0,1)| > 0.5 for ~61.7 % of draws; the simplex support is a small part of 1e5.
      expect(web.summary[`softThreshold/${seed}/nonzero`]).toBeGreaterThan(55_000);
      expect(web.summary[`softThreshold/${seed}/nonzero`]).toBeLessThan(68_000);
      expect(web.summary[`projectSimplex/${seed}/support`]).toBeGreaterThan(1);
      expect(web.summary[`projectSimplex/${seed}/support`]).toBeLessThan(100_000);
      expect(web.summary[`projectSimplex/${seed}/sum`]).toBeCloseTo(3, 9);
      expect(web.summary[`uniform/${seed}/distinct`]).toBe(1000);
    }
    // the nn training runs learned something (their loss fell over the 5 epochs)
    for (const dtype of ['f64', 'f32']) expect(web.summary[`nn/train-${dtype}/loss-drop`]).toBeGreaterThan(0.05);
    // and the 20 trainLm steps of the transformer lowered its loss (from about log 25 = 3.2 nats)
    for (const dtype of ['f64', 'f32']) expect(web.summary[`nn/trainLm-${dtype}/loss-drop`]).toBeGreaterThan(0.3);
    expect(web.summary['policy/nashMirrorProx/iterations']).toBeGreaterThan(10);
    expect(web.summary['policy/banditTrain/regret-drop']).toBeGreaterThan(0);
    // the logistic CVaR optimum is away from θ = 0 (where every loss is ln 2), the cone projection moved
    // most points, and the baryconvex prox iterated
    expect(web.summary['cvar/cvarReference-logistic/objective']).toBeLessThan(Math.LN2 - 0.01);
    expect(Math.abs(web.summary['cvar/cvarReference-logistic/weight0']!)).toBeGreaterThan(0.1);
    expect(web.summary['prox/indExpCone/moved']).toBeGreaterThan(300);
    expect(web.summary['saddle/bregmanBaryconvexProx-kl/iterations']).toBeGreaterThan(1);
    // the paths whose pow/log/sin/cos moved into WASM ran: β-CROWN split ReLUs, cp tried line-search
    // steps, W_1.5 and ‖K‖₂ are positive, LV-HBA ran its 300 steps, the federated clients hold data
    expect(web.summary['bounds/beta-crown/reluSplits']).toBeGreaterThan(0);
    expect(web.summary['tucker/cp/lineSearchTried']).toBeGreaterThan(0);
    expect(web.summary['ot/wasserstein-p/w1d']).toBeGreaterThan(0);
    expect(web.summary['prox/klSimplex-operatorNorm/norm']).toBeGreaterThan(1);
    expect(web.summary['saddle/lvhba/iterations']).toBe(300);
    expect(web.summary['federated/fedproxSynthetic-fedProx/samples']).toBeGreaterThan(100);
  });
});
