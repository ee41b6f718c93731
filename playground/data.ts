/**
 * The playground's data: the photographs, digits, diabetes table and digits MLP shipped in data/,
 * parsed from their bytes. The page fetches the files from the built site (copied there by
 * scripts/playground.mjs); the Node test reads the same files from disk. Nothing here touches the DOM
 * or Node's APIs, so both sides parse the same bytes with the same code.
 */
import type { NetworkSpec } from '../bindings/index.js';

/** An RGB picture, rows × cols pixels, channel values in [0, 1] interleaved (r, g, b, r, …). */
export interface Photo {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** The photographs a visitor can choose from (data/images/README.md has their sources). */
export const PHOTOS = {
  canyon: { file: 'data/images/black-canyon-rgb-128.ppm', label: "Black Cañon (T. H. O'Sullivan, 1871)" },
  alpine: { file: 'data/images/french-alpine-landscape-rgb-128.ppm', label: 'Alpine landscape (A. Braun, c. 1865–70)' },
  boats: { file: 'data/images/nagasaki-boats-rgb-128.ppm', label: 'Boats at Nagasaki (F. Beato, c. 1865)' },
} as const;

export type PhotoName = keyof typeof PHOTOS;

/** Every file the playground reads, relative to the site's root (and to the repository's root). */
export const DATA_FILES = [
  ...Object.values(PHOTOS).map((p) => p.file),
  'data/datasets/digits.csv',
  'data/datasets/diabetes_data_raw.csv',
  'data/datasets/diabetes_target.csv',
  'data/models/digits-mlp.json',
  'data/text/genesis-kjv.txt',
  'data/datasets/us_births_1994_2003.csv',
] as const;

/** Everything the panels compute on. */
export interface PlaygroundData {
  photos: Record<PhotoName, Photo>;
  /** UCI digits: 1797 images of 8 × 8 pixels scaled to [0, 1] (pixel / 16), labels 0–9. */
  digits: { images: Float64Array[]; labels: number[] };
  /** Diabetes: 442 rows of 10 raw features and the disease-progression target. */
  diabetes: { X: number[][]; y: number[] };
  /** The digits MLP (64 inputs in [0, 1], 10 logits). */
  model: NetworkSpec;
  /** The book of Genesis (King James Version), the language model's corpus. */
  genesis: string;
  /** US daily births 1994–2003 (3652 days, no gaps). */
  births: { dates: string[]; births: number[] };
}

/** A binary PPM (P6, maxval < 256) as an RGB picture in [0, 1]. */
export function parsePpm(bytes: Uint8Array, name = 'PPM'): Photo {
  const fields: string[] = [];
  let p = 0;
  const space = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  while (fields.length < 4 && p < bytes.length) {
    while (p < bytes.length && space(bytes[p])) p++;
    if (bytes[p] === 0x23) { // a comment runs to the end of its line
      while (p < bytes.length && bytes[p] !== 0x0a) p++;
      continue;
    }
    let token = '';
    while (p < bytes.length && !space(bytes[p])) token += String.fromCharCode(bytes[p++]!);
    fields.push(token);
  }
  p++; // exactly one whitespace byte separates maxval from the pixels
  const [magic, cols, rows, max] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (magic !== 'P6' || !(cols > 0 && rows > 0 && max > 0 && max < 256) || bytes.length - p < cols * rows * 3) {
    throw new Error(`parsePpm: ${name} is not a binary P6 PPM with maxval < 256 (header ${fields.join(' ')}, ${bytes.length} bytes)`);
  }
  const data = new Float64Array(cols * rows * 3);
  for (let i = 0; i < data.length; i++) data[i] = bytes[p + i]! / max;
  return { data, rows, cols };
}

const numberRows = (text: string, sep: RegExp): number[][] =>
  text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).map((l) => l.split(sep).map(Number));

/** The parts of {@link PlaygroundData}; a panel's worker loads only the parts that panel reads. */
export type DataPart = 'photos' | 'digits' | 'diabetes' | 'model' | 'genesis' | 'births';

export const ALL_PARTS: readonly DataPart[] = ['photos', 'digits', 'diabetes', 'model', 'genesis', 'births'];

/**
 * Reads the data files of `parts` through `read` (a fetch in the page, a file read in Node) and
 * parses them. A part not loaded throws when a panel reaches for it (a missing `needs` entry).
 */
export async function loadData(read: (file: string) => Promise<Uint8Array>, parts: readonly DataPart[] = ALL_PARTS): Promise<PlaygroundData> {
  const text = async (file: string) => new TextDecoder().decode(await read(file));
  const loaders: Record<DataPart, () => Promise<unknown>> = {
    photos: async () => Object.fromEntries(await Promise.all(
      (Object.keys(PHOTOS) as PhotoName[]).map(async (k) => [k, parsePpm(await read(PHOTOS[k].file), PHOTOS[k].file)] as const),
    )),
    digits: async () => {
      const rows = numberRows(await text('data/datasets/digits.csv'), /,/);
      return { images: rows.map((r) => Float64Array.from(r.slice(0, 64), (v) => v / 16)), labels: rows.map((r) => r[64]!) };
    },
    diabetes: async () => {
      const [xText, yText] = await Promise.all([text('data/datasets/diabetes_data_raw.csv'), text('data/datasets/diabetes_target.csv')]);
      return { X: numberRows(xText, /\s+/), y: numberRows(yText, /\s+/).map((r) => r[0]!) };
    },
    model: async () => JSON.parse(await text('data/models/digits-mlp.json')) as NetworkSpec,
    genesis: () => text('data/text/genesis-kjv.txt'),
    births: async () => {
      // date,year,month,day,day_of_week,births
      const rows = (await text('data/datasets/us_births_1994_2003.csv')).trim().split('\n').slice(1).map((l) => l.split(','));
      return { dates: rows.map((r) => r[0]!), births: rows.map((r) => Number(r[5])) };
    },
  };
  const data = {} as Record<DataPart, unknown>;
  const loaded = await Promise.all(parts.map((part) => loaders[part]()));
  for (const part of ALL_PARTS) {
    const k = parts.indexOf(part);
    if (k >= 0) data[part] = loaded[k];
    else Object.defineProperty(data, part, { get: () => { throw new Error(`playground: the data part '${part}' was not loaded for this panel`); } });
  }
  return data as unknown as PlaygroundData;
}
