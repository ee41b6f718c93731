/**
 * The playground's Web Worker: one per panel (it loads only that panel's data), so that a long computation never blocks the page and a
 * panel's run can be cancelled by terminating its worker. It instantiates proxkit (the WASM bytes are
 * inlined into this bundle), fetches the shipped data from the site once, and answers
 * `{ id, panel, params }` with progress messages and then the result: the panel's summary, the SHA-256
 * digest of its numbers and the SVG figure, its pictures embedded as PNG data URIs.
 */
import { init } from '../bindings/index.js';
import { loadData, type PlaygroundData } from './data.js';
import { PANELS, digest, runPanel, type PanelName, type Picture } from './compute.js';

/** A request from the page. */
export interface Job {
  id: number;
  panel: PanelName;
  /** 'run' (default): compute with `params`; 'defaults': reply with the panel's default parameters for `seed`. */
  kind?: 'run' | 'defaults';
  params?: unknown;
  seed?: number;
  /** Lay the figure out for a phone-size screen. */
  narrow?: boolean;
}

/** What the worker posts back. */
export type Reply =
  | { id: number; kind: 'progress'; fraction: number; what: string }
  | { id: number; kind: 'done'; summary: string; digest: string; svg: string; ms: number }
  | { id: number; kind: 'defaults'; params: unknown }
  | { id: number; kind: 'error'; message: string };

interface WorkerScope {
  postMessage(message: Reply): void;
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  location: { href: string };
}
const scope = self as unknown as WorkerScope;

let ready: Promise<PlaygroundData> | undefined;

/** proxkit and the data files of `panel` (each worker serves one panel, so one set of files). */
function prepare(panel: PanelName): Promise<PlaygroundData> {
  ready ??= (async () => {
    await init();
    return loadData(async (file) => {
      // The site's root is this script's folder; files are plain static files, no network beyond it.
      const res = await fetch(new URL(file, scope.location.href));
      if (!res.ok) throw new Error(`fetch ${file}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    }, PANELS[panel].needs);
  })();
  return ready;
}

/** A picture as a PNG data URI, through an OffscreenCanvas (available in workers). */
async function pngUri(p: Picture): Promise<string> {
  const canvas = new OffscreenCanvas(p.cols, p.rows);
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(p.cols, p.rows);
  for (let i = 0; i < p.rows * p.cols; i++) {
    for (let k = 0; k < 3; k++) img.data[i * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, p.rgb[i * 3 + k]!)));
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(text)}`;
}

scope.onmessage = async (e) => {
  const { id, panel, params, kind, seed, narrow } = e.data;
  try {
    const data = await prepare(panel);
    if (kind === 'defaults') {
      scope.postMessage({ id, kind: 'defaults', params: PANELS[panel].defaults(data, seed ?? 0) });
      return;
    }
    const t0 = performance.now();
    const result = runPanel(panel, params, data, (fraction, what) => scope.postMessage({ id, kind: 'progress', fraction, what }));
    const ms = performance.now() - t0;
    const uris = await Promise.all(result.pictures.map(pngUri));
    scope.postMessage({ id, kind: 'done', summary: result.summary, digest: await digest(result.values), svg: result.figure(uris, narrow), ms });
  } catch (err) {
    scope.postMessage({ id, kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
