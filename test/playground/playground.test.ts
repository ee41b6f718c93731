// The playground (playground/, built by scripts/playground.mjs) in headless Chromium: the page loads
// from a local static server with no request leaving it, every panel runs to a non-empty figure without
// a console error, and each panel's digest (SHA-256 of its numbers) equals the digest of the same
// computation in Node, on the parameters the page reports — first for the defaults, then after drawing
// and dragging like a visitor, then at a second seed or setting for every panel. Cancelling a run leaves
// the panel usable. The panels below the first screen wait in a queue that a panel scrolled to jumps.
// A phone-size viewport must not scroll sideways. A screenshot of each panel (and of both whole pages)
// goes to build/test-output/playground/
// (or PROXKIT_PLAYGROUND_SHOTS), with the measured load times in timings.json (recorded, not asserted).
// Needs Chromium (/usr/bin/chromium or PROXKIT_CHROMIUM); skipped with a one-line notice without it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { DATA_FILES as SITE_FILES, buildPlayground, servePlayground } from '../../scripts/playground.mjs';
import { DATA_FILES, loadData, type PlaygroundData } from '../../playground/data.js';
import { PANELS, digest, runPanel, type PanelName } from '../../playground/compute.js';

const chromiumPath = process.env.PROXKIT_CHROMIUM || '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  console.warn(`[proxkit playground spec] SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium, or set PROXKIT_CHROMIUM to a Chromium binary)`);
}

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shots = process.env.PROXKIT_PLAYGROUND_SHOTS || join(repo, 'build/test-output/playground');
const NAMES = Object.keys(PANELS) as PanelName[];

interface PanelState {
  name: PanelName;
  state: string;
  params: unknown;
  digest: string;
  figure: { width: number; height: number; marks: number; images: number; decoded: boolean };
}

/** Every panel's state, parameters, digest and what its figure holds (visible marks and decoded pictures). */
async function panelStates(page: Page): Promise<PanelState[]> {
  return page.$$eval('section.panel', async (sections) => Promise.all(sections.map(async (s) => {
    const svg = s.querySelector('.figure svg');
    const box = svg?.getBoundingClientRect();
    const marks = svg ? Array.from(svg.querySelectorAll('path, circle, rect, polyline, line')).filter((m) => {
      const b = m.getBoundingClientRect();
      return b.width > 0 || b.height > 0;
    }).length : 0;
    const images = svg ? Array.from(svg.querySelectorAll('image')) : [];
    const decoded = await Promise.all(images.map((im) => {
      const probe = new Image();
      probe.src = im.getAttribute('href') ?? '';
      return probe.decode().then(() => probe.naturalWidth > 0, () => false);
    }));
    const el = s as HTMLElement;
    return {
      name: el.dataset.panel,
      state: el.dataset.state ?? '',
      params: el.dataset.params ? JSON.parse(el.dataset.params) : null,
      digest: el.dataset.digest ?? '',
      figure: { width: box?.width ?? 0, height: box?.height ?? 0, marks, images: images.length, decoded: decoded.every(Boolean) },
    };
  }))) as Promise<PanelState[]>;
}

/** Waits until every panel (or the named ones) is done or failed. */
async function settled(page: Page, names: readonly string[] = NAMES, timeout = 120_000): Promise<void> {
  await page.waitForFunction((ns) => ns.every((n) => {
    const s = document.querySelector<HTMLElement>(`section[data-panel="${n}"]`)?.dataset.state;
    return s === 'done' || s === 'error';
  }), names, { timeout });
}

describe.skipIf(!haveChromium)('playground: every panel in Chromium, digests equal to Node', () => {
  let site = '';
  let server: Server | undefined;
  let url = '';
  let browser: Browser | undefined;
  let data: PlaygroundData;
  // Node's digest of a panel on the given parameters, computed once per (panel, parameters).
  const nodeDigests = new Map<string, Promise<string>>();
  const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
    (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
  const nodeDigest = (name: PanelName, params: unknown): Promise<string> => {
    const key = `${name} ${canonical(params)}`;
    let d = nodeDigests.get(key);
    if (!d) nodeDigests.set(key, (d = digest(runPanel(name, params, data).values)));
    return d;
  };
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    await init();
    data = await loadData(async (f) => new Uint8Array(readFileSync(join(repo, f))));
    site = mkdtempSync(join(tmpdir(), 'proxkit-playground-'));
    await buildPlayground(site);
    ({ server, url } = await servePlayground(site, 0));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    if (site) rmSync(site, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) writeFileSync(join(shots, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });

  /** A fresh page that records console errors, page errors and every request that leaves the local server. */
  async function open(viewport: { width: number; height: number }, mobile = false) {
    const context = await browser!.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    // Main-thread tasks over 50 ms (the browser's "long task"): recorded for the report, not asserted.
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    context.on('request', (r) => {
      if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
    });
    context.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    const t0 = Date.now();
    await page.goto(url);
    const load = Date.now() - t0;
    return { page, errors, foreign, load, close: () => context.close() };
  }

  it('the data files the site carries are the ones the panels read', () => {
    expect(SITE_FILES.filter((f) => !f.endsWith('README.md')).sort()).toEqual([...DATA_FILES].sort());
  });

  it('the page itself computes nothing: proxkit and its WebAssembly live in worker.js only, so no computation can block the page', () => {
    const main = readFileSync(join(site, 'main.js'), 'utf8');
    const worker = readFileSync(join(site, 'worker.js'), 'utf8');
    expect(worker).toContain('WebAssembly.instantiate');
    expect(main).not.toMatch(/WebAssembly\.(instantiate|compile|Module|Instance)/);
    expect(main).toContain('new Worker(');
    // (Each worker loads only the data its panel declares in \`needs\`: the browser test below finds a missing entry.)
  });

  it('desktop 1280 × 800: every panel runs, its figure is drawn, its digest equals Node\'s; drawing and dragging too; cancel works', async () => {
    const { page, errors, foreign, load, close } = await open({ width: 1280, height: 800 });
    try {
      // Node computes the default panels while the page does (the comparisons below use the
      // parameters the page reports; these are reused only where those are the same).
      for (const name of NAMES) await nodeDigest(name, JSON.parse(JSON.stringify(PANELS[name].defaults(data, 42))));
      await settled(page);
      timings.desktopLoadEventMs = load;
      timings.desktopFirstPanelMs = await page.evaluate(() => Math.min(...Array.from(document.querySelectorAll<HTMLElement>('section.panel'), (s) => Number(s.dataset.firstDoneMs))));
      timings.desktopFirstScreenMs = Number(await page.evaluate(() => document.body.dataset.firstScreen ?? NaN));
      timings.desktopAllPanelsMs = Number(await page.evaluate(() => document.body.dataset.ready ?? NaN));
      const states = await panelStates(page);
      expect(states.map((s) => s.name)).toEqual(NAMES);
      for (const s of states) {
        expect(s.state, `${s.name}: ${await page.locator(`#panel-${s.name} .what`).textContent()}`).toBe('done');
        expect(s.figure.width, `${s.name}: figure width`).toBeGreaterThan(200);
        expect(s.figure.height, `${s.name}: figure height`).toBeGreaterThan(100);
        expect(s.figure.marks + s.figure.images, `${s.name}: marks in the figure`).toBeGreaterThan(2);
        expect(s.figure.decoded, `${s.name}: pictures decode`).toBe(true);
        expect(s.digest, `${s.name}: digest`).toMatch(/^[0-9a-f]{64}$/);
        expect(s.digest, `${s.name}: Chromium vs Node on ${JSON.stringify(s.params).slice(0, 120)}`).toBe(await nodeDigest(s.name, s.params));
        await page.locator(`#panel-${s.name}`).screenshot({ path: join(shots, `desktop-${s.name}.png`) });
      }
      // The defaults are the Node defaults (the page asked its worker for them with seed 42).
      const defaults = states.find((s) => s.name === 'prox')!.params;
      expect(defaults).toEqual(JSON.parse(JSON.stringify(PANELS.prox.defaults(data, 42))));
      // The footer shows each digest.
      for (const s of states) expect(await page.locator(`#digest-${s.name}`).textContent()).toBe(s.digest.slice(0, 16));

      // A visitor: draws on the prox pad, moves λ, draws a digit for the bounds panel and on a barycenter pad.
      const before = Object.fromEntries(states.map((s) => [s.name, s.digest]));
      const stroke = async (selector: string, points: [number, number][]) => {
        const box = (await page.locator(selector).boundingBox())!;
        await page.mouse.move(box.x + points[0]![0] * box.width, box.y + points[0]![1] * box.height);
        await page.mouse.down();
        for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 6 });
        await page.mouse.up();
      };
      await stroke('#panel-prox canvas.signal', [[0.1, 0.2], [0.3, 0.8], [0.5, 0.3]]);
      await page.locator('#panel-prox input[type="range"]').first().fill('1.2');
      await page.locator('#panel-bounds button', { hasText: 'Clear' }).click();
      await stroke('#panel-bounds canvas.pad', [[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]); // a 1
      await page.locator('#panel-ot-barycenter button', { hasText: 'Clear the pads' }).click();
      await stroke('#panel-ot-barycenter canvas.pad >> nth=0', [[0.3, 0.2], [0.7, 0.2], [0.7, 0.8]]);
      await stroke('#panel-ot-barycenter canvas.pad >> nth=1', [[0.2, 0.5], [0.8, 0.5]]);
      const changed = ['prox', 'bounds', 'ot-barycenter'] as const;
      await page.waitForFunction((b) => Object.entries(b).every(([n, d]) => {
        const s = document.querySelector<HTMLElement>(`section[data-panel="${n}"]`)!;
        return s.dataset.state === 'done' && s.dataset.digest !== d;
      }), { prox: before.prox, bounds: before.bounds, 'ot-barycenter': before['ot-barycenter'] }, { timeout: 90_000 });
      await page.waitForTimeout(300); // a last queued run of a live panel
      await settled(page, changed);
      const after = await panelStates(page);
      for (const name of changed) {
        const s = after.find((x) => x.name === name)!;
        expect(s.state).toBe('done');
        expect(s.digest, `${name} after drawing`).not.toBe(before[name]);
        expect(s.digest, `${name} after drawing: Chromium vs Node`).toBe(await nodeDigest(name, s.params));
        await page.locator(`#panel-${name}`).screenshot({ path: join(shots, `desktop-${name}-drawn.png`) });
      }
      expect((after.find((x) => x.name === 'prox')!.params as { lambda: number }).lambda).toBe(1.2);
      expect((after.find((x) => x.name === 'bounds')!.params as { pixels: number[] }).pixels.some((v) => v > 0)).toBe(true);

      // Cancel: start a long training run (300 steps of the language model, many seconds even on an idle
      // machine), cancel it, then run the default one again to the same digest.
      const steps = page.locator('#panel-lm input[type="range"]').first();
      await steps.fill('300');
      await page.locator('#panel-lm button.run').click();
      await page.locator('#panel-lm button.cancel').click();
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#panel-lm')!.dataset.state === 'cancelled');
      expect(await page.locator('#panel-lm .what').textContent()).toBe('cancelled');
      await steps.fill('40');
      await page.locator('#panel-lm button.run').click();
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#panel-lm')!.dataset.state === 'done', undefined, { timeout: 90_000 });
      expect((await panelStates(page)).find((x) => x.name === 'lm')!.digest).toBe(before.lm);

      // Settings other than the defaults, for every panel: a second seed in the footer (each panel that
      // draws from it runs again), and one control moved on each of the others (ot-barycenter and bounds
      // were drawn on above). Every digest changes and still equals Node's on the parameters shown.
      const t1 = Date.now();
      // Smaller sizes first, so that the second runs stay short (set silently: the seed change runs them).
      await page.evaluate((sizes) => {
        for (const [panel, value] of sizes) document.querySelector<HTMLInputElement>(`#panel-${panel} input[type="range"]`)!.value = value;
        // The saddle panel's defaults use the logistic loss; its second run uses the hinge.
        document.querySelector<HTMLSelectElement>('#panel-saddle select')!.value = 'hinge';
      }, [['lm', '10'], ['federated', '40'], ['saddle', '100'], ['sparse', '0.5'], ['causal', '150'], ['constrained', '10']] as [string, string][]);
      await page.locator('#seed').fill('7');
      await page.locator('#seed').dispatchEvent('change');
      await page.locator('#panel-cvar select').selectOption('0.99');
      await page.locator('#panel-cvar button.run').click();
      await page.locator('#panel-tucker select').selectOption('canyon');
      await page.locator('#panel-policy input[type="range"]').first().fill('0.5');
      await page.locator('#panel-forecast select').selectOption('28');
      const moved = NAMES.filter((n) => !changed.includes(n as (typeof changed)[number]));
      // Node computes each panel as soon as the page has it (while the page computes the others).
      const pending = new Set(moved);
      const deadline = Date.now() + 150_000;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`playground: no second run of ${[...pending].join(', ')} within 150 s`);
        const ready = await page.evaluate((ns) => ns.map((n) => {
          const s = document.querySelector<HTMLElement>(`section[data-panel="${n}"]`)!;
          return { n, state: s.dataset.state, digest: s.dataset.digest, params: s.dataset.params };
        }), [...pending]);
        const fresh = ready.filter((r) => r.state === 'done' && r.digest !== before[r.n]);
        for (const r of fresh) {
          await nodeDigest(r.n as PanelName, JSON.parse(r.params!));
          pending.delete(r.n as PanelName);
        }
        if (fresh.length === 0) await page.waitForTimeout(200);
      }
      await page.waitForTimeout(300); // a last queued run of a live panel
      await settled(page);
      const second = await panelStates(page);
      for (const name of moved) {
        const s = second.find((x) => x.name === name)!;
        expect(s.state).toBe('done');
        const seeded = Object.hasOwn(s.params as object, 'seed');
        if (seeded) expect((s.params as { seed: number }).seed, `${name}: the second seed`).toBe(7);
        expect(s.digest, `${name} at non-default settings`).not.toBe(before[name]);
        expect(s.digest, `${name} at non-default settings (${JSON.stringify(s.params).slice(0, 120)}): Chromium vs Node`).toBe(await nodeDigest(name, s.params));
      }
      // The prox signal is drawn again from the new seed (its parameters carry the signal, not the seed),
      // and the prox panel, drawn on above, runs on it at λ = 1.2: again Node's digest.
      const prox = second.find((x) => x.name === 'prox')!;
      expect((prox.params as { signal: number[] }).signal).toEqual(PANELS.prox.defaults(data, 7).signal);
      expect(prox.digest, 'prox at the second seed: Chromium vs Node').toBe(await nodeDigest('prox', prox.params));
      timings.desktopSecondSettingsMs = Date.now() - t1;

      const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
      timings.desktopLongTasks = longTasks.length;
      timings.desktopLongestMainThreadTaskMs = Math.round(Math.max(0, ...longTasks));
      await page.screenshot({ path: join(shots, 'desktop-page.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await close();
    }
  }, 240_000); // about 20 s on an idle machine; several times that when the cores are shared

  it('the first screen starts at once; the panels below wait in a queue, and one scrolled to jumps it', async () => {
    const { page, errors, close } = await open({ width: 1280, height: 800 });
    try {
      const last = NAMES[NAMES.length - 1]!;
      const middle = NAMES[Math.floor(NAMES.length / 2) + 2]!;
      await page.locator(`#panel-${last}`).scrollIntoViewIfNeeded();
      await page.waitForFunction((n) => document.querySelector<HTMLElement>(`#panel-${n}`)!.dataset.state !== 'idle', last, { timeout: 60_000 });
      // The last panel runs while one in the middle of the page, neither on the first screen nor
      // scrolled to, has not started yet.
      expect(await page.locator(`#panel-${middle}`).getAttribute('data-state')).toBe('idle');
      await page.waitForFunction(() => document.body.dataset.firstScreen !== undefined, undefined, { timeout: 60_000 });
      const first = (await page.evaluate(() => document.body.dataset.firstScreenPanels ?? '')).split(' ');
      expect(first[0]).toBe('prox');
      expect(first).not.toContain(middle);
      expect(first).not.toContain(last);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('phone 390 × 844: the page fits the width, every panel runs and shows its figure', async () => {
    const { page, errors, foreign, load, close } = await open({ width: 390, height: 844 }, true);
    try {
      await settled(page);
      timings.phoneLoadEventMs = load;
      const states = await panelStates(page);
      for (const s of states) {
        expect(s.state, s.name).toBe('done');
        expect(s.figure.width, `${s.name}: figure fits`).toBeLessThanOrEqual(390);
        expect(s.figure.height, `${s.name}: figure height`).toBeGreaterThan(50);
        await page.locator(`#panel-${s.name}`).screenshot({ path: join(shots, `phone-${s.name}.png`) });
      }
      const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(width.scroll, 'no sideways scrolling').toBeLessThanOrEqual(width.inner);
      await page.screenshot({ path: join(shots, 'phone-page.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
