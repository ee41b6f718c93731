/**
 * The playground page: one panel per family, each with its controls, a progress line with a cancel
 * button, and the figure its worker returns. Every computation runs in the panel's own Web Worker
 * (worker.ts), so the page stays responsive; cancelling terminates that worker and starts a fresh one.
 * The footer shows the seed and each panel's digest (SHA-256 of its numbers), which the test compares
 * with the same computation in Node. Each panel element carries its last parameters and digest as
 * data attributes (data-params, data-digest, data-state) for that test.
 */
import type { Job, Reply } from './worker.js';
import type { PanelName } from './compute.js';

const $ = <T extends Element>(sel: string, root: ParentNode = document): T => {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`playground: no element ${sel}`);
  return el;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

// ------------------------------------------------------------------------------------- worker runner

/** Runs one panel's jobs in its own worker; a new run or a cancel terminates a job still running. */
class Runner {
  private worker: Worker | null = null;
  private id = 0;
  private busy = false;
  private pending = new Map<number, { resolve: (r: Reply) => void; onProgress: (f: number, what: string) => void }>();

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<Reply>) => {
      const m = e.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') p.onProgress(m.fraction, m.what);
      else {
        this.pending.delete(m.id);
        p.resolve(m);
      }
    };
    w.onerror = (e) => {
      e.preventDefault();
      for (const [id, p] of this.pending) p.resolve({ id, kind: 'error', message: `worker failed: ${e.message}` });
      this.pending.clear();
    };
    return w;
  }

  /** Posts a job; resolves with the reply, or with null when cancelled. */
  request(message: Omit<Job, 'id'>, onProgress: (f: number, what: string) => void = () => {}): Promise<Reply | null> {
    if (this.busy) this.cancel();
    this.worker ??= this.spawn();
    const id = ++this.id;
    this.busy = true;
    return new Promise((resolve) => {
      this.pending.set(id, {
        resolve: (r) => {
          if (id === this.id) this.busy = false;
          resolve(r);
        },
        onProgress,
      });
      this.worker!.postMessage({ ...message, id });
    }).then((r) => r as Reply | null);
  }

  /** Stops the running job (if any): its promise resolves with null. */
  cancel(): void {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.busy = false;
    for (const [, p] of this.pending) (p.resolve as (r: Reply | null) => void)(null);
    this.pending.clear();
  }
}

// ------------------------------------------------------------------------------------ drawing pads

/** An 8 × 8 drawing grid (values in [0, 1], 1 = ink), painted with a soft brush by mouse, pen or touch. */
class DigitPad {
  readonly canvas: HTMLCanvasElement;
  values = new Array<number>(64).fill(0);
  constructor(size: number, private onDone: () => void) {
    this.canvas = el('canvas', { width: String(size), height: String(size), class: 'pad', 'aria-label': 'drawing pad, 8 × 8 pixels' });
    let down = false;
    const paint = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      const cx = ((e.clientX - r.left) / r.width) * 8 - 0.5;
      const cy = ((e.clientY - r.top) / r.height) * 8 - 0.5;
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          const d2 = (i - cy) ** 2 + (j - cx) ** 2;
          if (d2 < 1.6) this.values[i * 8 + j] = Math.min(1, this.values[i * 8 + j]! + (d2 < 0.3 ? 0.5 : 0.2));
        }
      }
      this.draw();
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      down = true;
      this.canvas.setPointerCapture(e.pointerId);
      paint(e);
    });
    this.canvas.addEventListener('pointermove', (e) => down && paint(e));
    const up = () => {
      if (!down) return;
      down = false;
      this.onDone();
    };
    this.canvas.addEventListener('pointerup', up);
    this.canvas.addEventListener('pointercancel', up);
  }
  set(values: number[]): void {
    this.values = values.slice();
    this.draw();
  }
  clear(): void {
    this.set(new Array<number>(64).fill(0));
  }
  draw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const s = this.canvas.width / 8;
    for (let t = 0; t < 64; t++) {
      const g = Math.round(255 * (1 - this.values[t]!));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect((t % 8) * s, Math.floor(t / 8) * s, s, s);
    }
  }
}

/** A 1-D signal drawn by dragging across a canvas: each column's value follows the pointer. */
class SignalPad {
  readonly canvas: HTMLCanvasElement;
  values: number[] = [];
  static readonly RANGE = 3;
  constructor(private onChange: () => void) {
    this.canvas = el('canvas', { width: '640', height: '160', class: 'signal', 'aria-label': 'signal pad: drag to draw' });
    let last: [number, number] | null = null;
    const at = (e: PointerEvent): [number, number] => {
      const r = this.canvas.getBoundingClientRect();
      const n = this.values.length;
      const i = Math.max(0, Math.min(n - 1, Math.round(((e.clientX - r.left) / r.width) * (n - 1))));
      const v = SignalPad.RANGE * (1 - (2 * (e.clientY - r.top)) / r.height);
      return [i, Math.max(-SignalPad.RANGE, Math.min(SignalPad.RANGE, v))];
    };
    const paint = (e: PointerEvent) => {
      const [i, v] = at(e);
      const [i0, v0] = last ?? [i, v];
      const steps = Math.abs(i - i0);
      for (let k = 0; k <= steps; k++) {
        const j = i0 + Math.sign(i - i0) * k;
        this.values[j] = steps === 0 ? v : v0 + ((v - v0) * k) / steps;
      }
      last = [i, v];
      this.draw();
      this.onChange();
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      last = null;
      paint(e);
    });
    this.canvas.addEventListener('pointermove', (e) => last && paint(e));
    const up = () => (last = null);
    this.canvas.addEventListener('pointerup', up);
    this.canvas.addEventListener('pointercancel', up);
  }
  set(values: number[]): void {
    this.values = values.slice();
    this.draw();
  }
  draw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width: w, height: h } = this.canvas;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#ccc';
    ctx.beginPath();
    ctx.moveTo(0, h / 2);
    ctx.lineTo(w, h / 2);
    ctx.stroke();
    ctx.fillStyle = '#0072B2';
    const n = this.values.length;
    this.values.forEach((v, i) => {
      ctx.beginPath();
      ctx.arc((i / (n - 1)) * (w - 8) + 4, (h / 2) * (1 - v / SignalPad.RANGE), 3, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
}

// ------------------------------------------------------------------------------------------ panels

interface PanelUi {
  name: PanelName;
  section: HTMLElement;
  runner: Runner;
  /** Current parameters (JSON), read from the controls. */
  params(): unknown;
  /** Sets the controls from the panel's default parameters. */
  reset(defaults: unknown): void;
  /** Whether the panel runs by itself on every change (fast) or waits for its Run button. */
  live: boolean;
}

let seed = 42;
const panels: PanelUi[] = [];
const started = performance.now();

function slider(label: string, min: number, max: number, step: number, value: number, format: (v: number) => string = String): { root: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { type: 'range', min: String(min), max: String(max), step: String(step), value: String(value) });
  const out = el('output', {}, format(value));
  input.addEventListener('input', () => (out.textContent = format(Number(input.value))));
  return { root: el('label', { class: 'slider' }, `${label} `, input, out), input };
}

function select(label: string, options: [string, string][], value: string): { root: HTMLElement; input: HTMLSelectElement } {
  const input = el('select', {}, ...options.map(([v, text]) => el('option', { value: v }, text)));
  input.value = value;
  return { root: el('label', {}, `${label} `, input), input };
}

function panelSection(name: PanelName, title: string, blurb: string, controls: HTMLElement[], runButton: boolean): HTMLElement {
  const status = el('div', { class: 'status' },
    el('progress', { max: '1', value: '0' }),
    el('span', { class: 'what' }, 'waiting'),
    el('button', { type: 'button', class: 'cancel', disabled: '' }, 'Cancel'));
  const section = el('section', { class: 'panel', id: `panel-${name}`, 'data-panel': name, 'data-state': 'idle' },
    el('h2', {}, title),
    el('p', { class: 'blurb' }, blurb),
    el('div', { class: 'controls' }, ...controls, ...(runButton ? [el('button', { type: 'button', class: 'run' }, 'Run')] : [])),
    status,
    el('div', { class: 'figure' }),
    el('p', { class: 'summary' }));
  $('#panels').append(section);
  return section;
}

async function run(p: PanelUi): Promise<void> {
  const s = p.section;
  const params = p.params();
  s.dataset.state = 'running';
  s.dataset.params = JSON.stringify(params);
  const bar = $<HTMLProgressElement>('progress', s);
  const what = $('.what', s);
  const cancel = $<HTMLButtonElement>('.cancel', s);
  bar.removeAttribute('value');
  what.textContent = 'computing…';
  cancel.disabled = false;
  // Figures for a phone-size screen are laid out in one column (the numbers are the same).
  const reply = await p.runner.request({ panel: p.name, params, narrow: window.innerWidth < 700 }, (f, w) => {
    bar.value = f;
    what.textContent = w;
  });
  if (reply === null) {
    // Cancelled, or superseded by a newer run of this panel (which has set its own state by now).
    if (s.dataset.params === JSON.stringify(params) && s.dataset.state === 'running') {
      s.dataset.state = 'cancelled';
      what.textContent = 'cancelled';
      bar.value = 0;
      cancel.disabled = true;
    }
    return;
  }
  cancel.disabled = true;
  bar.value = 1;
  if (reply.kind === 'error') {
    s.dataset.state = 'error';
    what.textContent = `could not compute: ${reply.message}`;
    return;
  }
  if (reply.kind !== 'done') return;
  $('.figure', s).innerHTML = reply.svg;
  $('.summary', s).textContent = reply.summary;
  what.textContent = `done in ${reply.ms.toFixed(0)} ms`;
  s.dataset.digest = reply.digest;
  s.dataset.state = 'done';
  s.dataset.firstDoneMs ??= String(Math.round(performance.now() - started));
  $(`#digest-${p.name}`).textContent = reply.digest.slice(0, 16);
}

/**
 * Re-runs a live panel as its controls move: at most once per animation frame, and never by cancelling
 * its own running job (on a slow device every drag event would cancel the last one and nothing would
 * finish); a change that comes in meanwhile runs as soon as that job is done, with the latest values.
 */
const liveState = new Map<PanelUi, { queued: boolean; running: boolean; again: boolean }>();
function schedule(p: PanelUi): void {
  if (!p.live) return;
  let st = liveState.get(p);
  if (!st) liveState.set(p, (st = { queued: false, running: false, again: false }));
  if (st.running) {
    st.again = true;
    return;
  }
  if (st.queued) return;
  st.queued = true;
  requestAnimationFrame(async () => {
    st.queued = false;
    st.running = true;
    await run(p);
    st.running = false;
    if (st.again) {
      st.again = false;
      schedule(p);
    }
  });
}

async function defaultsFor(p: PanelUi, forSeed = seed): Promise<unknown> {
  const r = await p.runner.request({ panel: p.name, kind: 'defaults', seed: forSeed });
  if (r?.kind !== 'defaults') throw new Error(`${p.name}: no default parameters (${r?.kind === 'error' ? r.message : 'cancelled'})`);
  return r.params;
}

function addPanel(ui: Omit<PanelUi, 'runner' | 'section'>, title: string, blurb: string, controls: HTMLElement[]): PanelUi {
  const section = panelSection(ui.name, title, blurb, controls, !ui.live);
  const p: PanelUi = { ...ui, section, runner: new Runner() };
  $<HTMLButtonElement>('.cancel', section).addEventListener('click', () => p.runner.cancel());
  if (!ui.live) $<HTMLButtonElement>('.run', section).addEventListener('click', () => void run(p));
  const row = el('tr', {}, el('td', {}, ui.name), el('td', { id: `digest-${ui.name}`, class: 'digest' }, '—'));
  $('#digests tbody').append(row);
  panels.push(p);
  return p;
}

function build(): void {
  // prox
  {
    const lambda = slider('λ', 0, 2, 0.05, 0.5);
    const radius = slider('simplex radius', 1, 20, 1, 8);
    let p!: PanelUi;
    const pad = new SignalPad(() => schedule(p));
    const reset = el('button', { type: 'button' }, 'New noisy signal');
    p = addPanel({
      name: 'prox', live: true,
      params: () => ({ signal: pad.values, lambda: Number(lambda.input.value), radius: Number(radius.input.value) }),
      reset: (d) => {
        const q = d as { signal: number[] };
        pad.set(q.signal);
      },
    }, 'prox: soft-threshold, TV denoising, simplex projection',
    'Drag across the pad to draw a signal; move λ. The three proximal maps are recomputed in WebAssembly as you draw.',
    [el('div', { class: 'wide' }, pad.canvas), lambda.root, radius.root, reset]);
    for (const s of [lambda, radius]) s.input.addEventListener('input', () => schedule(p));
    reset.addEventListener('click', async () => {
      seed += 1;
      $<HTMLInputElement>('#seed').value = String(seed);
      p.reset(await defaultsFor(p));
      schedule(p);
    });
  }
  // ot: colour transfer
  {
    const photos: [string, string][] = [['canyon', "Black Cañon (O'Sullivan, 1871)"], ['alpine', 'Alpine landscape (Braun, c. 1865–70)'], ['boats', 'Boats at Nagasaki (Beato, c. 1865)']];
    const source = select('source', photos, 'canyon');
    const target = select('palette from', photos, 'alpine');
    const regs = [0.003, 0.005, 0.01, 0.02, 0.05, 0.1];
    const reg = slider('reg', 0, regs.length - 1, 1, 2, (k) => String(regs[k]));
    const p = addPanel({
      name: 'ot-colour', live: false,
      params: () => ({ source: source.input.value, target: target.input.value, reg: regs[Number(reg.input.value)], samples: 300, seed }),
      reset: () => {},
    }, 'ot: colour transfer by Sinkhorn',
    'Choose two of the shipped photographs: the first takes the palette of the second through an entropic optimal-transport plan between 300 sampled colours of each.',
    [source.root, target.root, reg.root]);
    for (const c of [source.input, target.input]) c.addEventListener('change', () => void run(p));
    reg.input.addEventListener('change', () => void run(p));
  }
  // ot: barycenter of drawn digits
  {
    let p!: PanelUi;
    const pads = [0, 1, 2].map(() => new DigitPad(96, () => void run(p)));
    const clear = el('button', { type: 'button' }, 'Clear the pads');
    const reg = slider('reg', 0.002, 0.02, 0.001, 0.004);
    p = addPanel({
      name: 'ot-barycenter', live: false,
      params: () => ({ images: pads.map((d) => d.values.slice()), reg: Number(reg.input.value) }),
      reset: (d) => (d as { images: number[][] }).images.forEach((im, k) => pads[k]!.set(im)),
    }, 'ot: Wasserstein barycenter of the digits you draw',
    'Draw a digit on two or three pads (they start with three handwritten 3s of the UCI digits); their Wasserstein barycenter is computed when you lift the pen.',
    [el('div', { class: 'pads' }, ...pads.map((d) => d.canvas)), clear, reg.root]);
    clear.addEventListener('click', () => pads.forEach((d) => d.clear()));
    reg.input.addEventListener('change', () => void run(p));
  }
  // cvar
  {
    const epochs = slider('epochs', 2, 20, 1, 5);
    const beta = select('β', [['0.9', '0.9'], ['0.99', '0.99']], '0.9');
    addPanel({
      name: 'cvar', live: false,
      params: () => ({ logMin: -3, logMax: 1.5, steps: 7, epochs: Number(epochs.input.value), beta: Number(beta.input.value), seeds: 1 }),
      reset: () => {},
    }, 'cvar: which step sizes minimise CVaR?',
    'SPL+, SPL and SGM on the diabetes regression, 7 step sizes from 0.001 to 32 (log grid): the final suboptimality against a certified optimum (a quick version of `proxkit cvar-sweep`).',
    [epochs.root, beta.root]);
  }
  // tucker
  {
    const budgets = [300, 600, 1200, 2400, 4800, 9600, 19200];
    const budget = slider('budget', 0, budgets.length - 1, 1, 3, (k) => `${budgets[k]} parameters`);
    const photo = select('photograph', [['boats', 'Boats at Nagasaki'], ['canyon', 'Black Cañon'], ['alpine', 'Alpine landscape']], 'boats');
    const p = addPanel({
      name: 'tucker', live: false,
      params: () => ({ budget: budgets[Number(budget.input.value)], photo: photo.input.value }),
      reset: () => {},
    }, 'tucker: a photograph compressed to a parameter budget',
    'Choose a budget: the Tucker-packing DP picks the core shape, HOOI fits it, and the uniform rule is shown beside it.',
    [budget.root, photo.root]);
    budget.input.addEventListener('change', () => void run(p));
    photo.input.addEventListener('change', () => void run(p));
  }
  // bounds
  {
    let p!: PanelUi;
    const pad = new DigitPad(200, () => void run(p));
    const clear = el('button', { type: 'button' }, 'Clear');
    const next = el('button', { type: 'button' }, 'Another test digit');
    let sample = 0;
    p = addPanel({
      name: 'bounds', live: false,
      params: () => ({ pixels: pad.values.slice() }),
      reset: (d) => pad.set((d as { pixels: number[] }).pixels),
    }, 'bounds: certify the digit you draw',
    'Clear the pad and draw a digit (or take another from the test set): the digits MLP classifies it, and IBP, CROWN and α-CROWN prove the largest L∞ radius ε within which no perturbation changes the class.',
    [pad.canvas, clear, next]);
    clear.addEventListener('click', () => pad.clear());
    next.addEventListener('click', async () => {
      sample += 1;
      p.reset(await defaultsFor(p, sample));
      void run(p);
    });
  }
  // policy
  {
    const beta = slider('β', 0.02, 1, 0.01, 0.1);
    const start = select('start', [['0.7,0.2,0.1', '(0.7, 0.2, 0.1)'], ['0.98,0.01,0.01', '(0.98, 0.01, 0.01)'], ['0.1,0.45,0.45', '(0.1, 0.45, 0.45)']], '0.7,0.2,0.1');
    const p = addPanel({
      name: 'policy', live: true,
      params: () => ({ beta: Number(beta.input.value), init: start.input.value.split(',').map(Number) }),
      reset: () => {},
    }, 'policy: Nash learning from preferences on rock–paper–scissors',
    'Mirror Prox on the β-regularised preference game: the policy converges to the equilibrium; smaller β converges more slowly.',
    [beta.root, start.root]);
    beta.input.addEventListener('input', () => schedule(p));
    start.input.addEventListener('change', () => schedule(p));
  }
  // lm
  {
    const steps = slider('training steps', 10, 300, 10, 40);
    const temperature = slider('temperature', 0.1, 1.5, 0.1, 0.8);
    const prompt = el('input', { type: 'text', value: 'And God said', maxlength: '40', size: '18', 'aria-label': 'prompt' });
    addPanel({
      name: 'lm', live: false,
      params: () => ({ steps: Number(steps.input.value), prompt: prompt.value, temperature: Number(temperature.input.value), length: 80, seed }),
      reset: () => {},
    }, 'nn: a tiny language model, trained here',
    'A two-block character transformer learns from the book of Genesis (KJV) inside this page, then continues your prompt. Train longer for better spelling; Cancel stops it.',
    [steps.root, temperature.root, el('label', {}, 'prompt ', prompt)]);
  }
  // federated
  {
    const steps = slider('steps', 40, 600, 20, 200);
    const topK = slider('top-k kept', 0.05, 1, 0.05, 0.4, (v) => `${Math.round(v * 100)} %`);
    const l1 = slider('ℓ1 λ', 0, 0.01, 0.001, 0.002);
    addPanel({
      name: 'federated', live: false,
      params: () => ({ steps: Number(steps.input.value), topK: Number(topK.input.value), l1: Number(l1.input.value), seed }),
      reset: () => {},
    }, 'federated: five nodes, each seeing two digits',
    'Decentralized proximal SGD on a ring of five nodes; each node holds only two of the ten digit classes. Compare gradient tracking, compressed gossip and an ℓ1 prox.',
    [steps.root, topK.root, l1.root]);
  }
  // forecast
  {
    const lookback = slider('lookback', 28, 728, 28, 364, (v) => `${v} days`);
    const horizon = select('horizon', [['14', '14 days'], ['28', '28 days'], ['56', '56 days'], ['112', '112 days']], '56');
    const p = addPanel({
      name: 'forecast', live: false,
      params: () => ({ lookback: Number(lookback.input.value), horizon: Number(horizon.input.value) }),
      reset: () => {},
    }, 'forecast: US daily births, the last weeks of 2003',
    'RLinear (a ridge-regularised linear map from the last lookback days to the next ones) against the weekly seasonal-naive rule, and the periodogram of the series.',
    [lookback.root, horizon.root]);
    lookback.input.addEventListener('change', () => void run(p));
    horizon.input.addEventListener('change', () => void run(p));
  }
  // sparse
  {
    const noise = slider('noise σ', 0.5, 4, 0.5, 2);
    const iterations = slider('EM iterations', 10, 80, 10, 30);
    addPanel({
      name: 'sparse', live: false,
      params: () => ({ N: 200, noise: Number(noise.input.value), iterations: Number(iterations.input.value), seed }),
      reset: () => {},
    }, 'sparse: binary sparse coding on the bars test',
    'Each 5 × 5 image is a sum of randomly chosen horizontal and vertical bars plus noise. Truncated variational EM learns the ten bars without being told what they are; more noise needs more iterations.',
    [noise.root, iterations.root]);
  }
  // fair
  {
    const agents = slider('agents', 2, 5, 1, 4);
    const items = slider('items', 4, 12, 1, 12);
    const kind = select('utilities', [['mixed', 'each agent its own (−5…5)'], ['same-size', 'same size, sign per agent']], 'mixed');
    const p = addPanel({
      name: 'fair', live: true,
      params: () => ({ agents: Number(agents.input.value), items: Number(items.input.value), kind: kind.input.value, seed }),
      reset: () => {},
    }, 'fair: dividing goods and chores',
    'A random instance where some items are liked and others disliked. The double round-robin is always EF1; the greedy rule is always Pareto optimal. Each property of both allocations is checked exactly.',
    [agents.root, items.root, kind.root]);
    agents.input.addEventListener('input', () => schedule(p));
    items.input.addEventListener('input', () => schedule(p));
    kind.input.addEventListener('change', () => schedule(p));
  }
  // causal
  {
    const n = slider('sample size', 100, 600, 50, 300);
    const mis = select('misspecified', [['none', 'none'], ['outcome', 'outcome bridge'], ['treatment', 'treatment bridge'], ['both', 'both']], 'none');
    const p = addPanel({
      name: 'causal', live: false,
      params: () => ({ n: Number(n.input.value), misspecify: mis.input.value, seed }),
      reset: () => {},
    }, 'causal: a dose-response curve despite a hidden confounder',
    'A simulated study where an unobserved variable drives both the dose and the outcome. Two proxies of it recover the causal curve; misspecify one bridge and the doubly robust estimate still follows the truth.',
    [n.root, mis.root]);
    n.input.addEventListener('change', () => void run(p));
    mis.input.addEventListener('change', () => void run(p));
  }
  // saddle
  {
    const rounds = slider('rounds', 100, 1000, 100, 400);
    const flip = slider('labels flipped', 0, 0.3, 0.05, 0.1, (v) => `${Math.round(v * 100)} %`);
    const loss = select('loss', [['logistic', 'logistic'], ['hinge', 'hinge']], 'logistic');
    const p = addPanel({
      name: 'saddle', live: false,
      params: () => ({ loss: loss.input.value, rounds: Number(rounds.input.value), flip: Number(flip.input.value), radius: 3, seed }),
      reset: () => {},
    }, 'saddle: online learning, gradient step vs implicit step',
    'A stream of labelled points arrives one at a time. Online gradient descent and implicit FTRL learn a linear classifier on it; sweep the learning rate and compare their regret against the best fixed classifier in hindsight.',
    [rounds.root, flip.root, loss.root]);
    rounds.input.addEventListener('change', () => void run(p));
    flip.input.addEventListener('change', () => void run(p));
    loss.input.addEventListener('change', () => void run(p));
  }
  // constrained
  {
    const n = slider('dimension n', 5, 40, 5, 30);
    const p = addPanel({
      name: 'constrained', live: false,
      params: () => ({ n: Number(n.input.value), seed }),
      reset: () => {},
    }, 'constrained: Newton steps on an equality-constrained problem',
    'The nearest point of a circle (a sphere cut by a hyperplane) to a random point, solved as min f(x) subject to c(x) = 0 with exact and sketched linear solves, and checked against its closed form.',
    [n.root]);
    n.input.addEventListener('change', () => void run(p));
  }
  // fractional
  {
    const digits: [string, string][] = Array.from({ length: 10 }, (_, d) => [String(d), String(d)]);
    const a = select('digit', digits, '3');
    const b = select('against', digits, '8');
    const lambdas = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
    const lambda = slider('λ', 0, lambdas.length - 1, 1, 3, (k) => String(lambdas[k]));
    const p = addPanel({
      name: 'fractional', live: false,
      params: () => ({ a: Number(a.input.value), b: Number(b.input.value), lambda: lambdas[Number(lambda.input.value)], seed }),
      reset: () => {},
    }, 'fractional: a sparse Fisher discriminant between two digits',
    'Which pixels tell two handwritten digits apart? Fisher\'s ratio with an ℓ1 penalty is a fractional program; coordinate descent solves each one-pixel step exactly and is compared with Dinkelbach\'s method. Pick two digits and λ.',
    [a.root, b.root, lambda.root]);
    for (const c of [a.input, b.input]) {
      c.addEventListener('change', () => {
        // The same digit twice has nothing to separate: move the other choice on.
        if (a.input.value === b.input.value) (c === a.input ? b : a).input.value = String((Number(c.value) + 1) % 10);
        void run(p);
      });
    }
    lambda.input.addEventListener('change', () => void run(p));
  }
}

async function start(): Promise<void> {
  build();
  // A panel's first run, from its defaults (started once; later runs come from its controls).
  const firstRuns = new Map<PanelUi, Promise<void>>();
  const begin = (p: PanelUi): Promise<void> => {
    let r = firstRuns.get(p);
    if (!r) {
      r = (async () => {
        p.reset(await defaultsFor(p));
        await run(p);
      })();
      firstRuns.set(p, r);
    }
    return r;
  };
  const seedInput = $<HTMLInputElement>('#seed');
  seedInput.value = String(seed);
  // A new seed re-runs every panel that has run and draws from it (a panel not started yet reads it when it starts).
  seedInput.addEventListener('change', () => {
    seed = Math.max(0, Math.floor(Number(seedInput.value) || 0));
    const seeded = panels.filter((p) => firstRuns.has(p) && (p.name === 'prox' || Object.hasOwn(p.params() as object, 'seed')));
    for (const p of seeded) {
      void (async () => {
        p.reset(await defaultsFor(p));
        await run(p);
      })();
    }
  });
  // The panels on (or just below) the first screen run at once, each in its own worker; the others
  // follow in page order once the first screen is drawn, (cores − 1) at a time but at least two, and a
  // panel scrolled towards the screen jumps the queue. Every panel computes once in
  // the end, scrolled to or not.
  const nearScreen = (p: PanelUi) => p.section.getBoundingClientRect().top < window.innerHeight * 1.25;
  const onScreen = panels.filter(nearScreen);
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const p = panels.find((q) => q.section === e.target);
      if (e.isIntersecting && p) void begin(p);
    }
  }, { rootMargin: '0px 0px 50% 0px' });
  for (const p of panels) observer.observe(p.section);
  await Promise.all(onScreen.map(begin));
  document.body.dataset.firstScreen = String(Math.round(performance.now() - started));
  document.body.dataset.firstScreenPanels = onScreen.map((p) => p.name).join(' ');
  const queue = panels.filter((p) => !firstRuns.has(p));
  const lanes = Math.max(2, (navigator.hardwareConcurrency || 2) - 1);
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await begin(p);
  }));
  await Promise.all(panels.map(begin));
  observer.disconnect();
  document.body.dataset.ready = String(Math.round(performance.now() - started));
  // When this script started, after navigation start (performance.now()'s origin): the panels' times count from here.
  document.body.dataset.started = String(Math.round(started));
}

void start();
