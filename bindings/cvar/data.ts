/** The cvar family's embedded data (see data/datasets/README.md for attribution), standardised for the experiments. */
import breastCsv from '../../data/datasets/breast_cancer.csv';
import { diabetes } from '../datasets.js';
import type { CvarProblem } from '../index.js';

/** Wisconsin diagnostic breast cancer (Street, Wolberg & Mangasarian 1993): 569 × 30 features; label 1 = benign, 0 = malignant. */
export function breastCancer(): { X: number[][]; y: number[] } {
  const rows = breastCsv
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(',').map(Number));
  return { X: rows.map((r) => r.slice(0, 30)), y: rows.map((r) => r[30]!) };
}

/** Columns centred to mean 0 and scaled to unit standard deviation, as a row-major matrix. */
export function standardize(X: number[][]): { data: Float64Array; rows: number; cols: number } {
  const rows = X.length;
  const cols = X[0]!.length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (const r of X) mean += r[j]!;
    mean /= rows;
    let sd = 0;
    for (const r of X) sd += (r[j]! - mean) ** 2;
    sd = Math.sqrt(sd / rows) || 1;
    X.forEach((r, i) => (data[i * cols + j] = (r[j]! - mean) / sd));
  }
  return { data, rows, cols };
}


/**
 * Diabetes regression (442 × 10): standardised features, and the target standardised (mean 0,
 * standard deviation 1) then multiplied by `scale`; the squared loss by default, or the absolute loss.
 */
export function diabetesProblem(scale = 1, loss: 'squared' | 'absolute' = 'squared'): CvarProblem {
  const { X, y } = diabetes();
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  return {
    name: (scale === 1 ? 'diabetes' : `diabetes (y × ${scale})`) + (loss === 'squared' ? '' : `, ${loss} loss`),
    X: standardize(X),
    y: Float64Array.from(y, (v) => ((v - mean) / sd) * scale),
    loss,
  };
}

/**
 * Breast-cancer classification (569 × 30, standardised features, labels ±1 with +1 = benign).
 * Default loss 'squared' (least-squares classification): with 'logistic' and all 30 features the data
 * are linearly separable, so CVaR has no minimiser (it tends to 0 as ‖w‖ → ∞); `features` keeps only
 * the first columns.
 */
export function breastCancerProblem(loss: 'squared' | 'logistic' | 'absolute' = 'squared', features = 30): CvarProblem {
  const { X, y } = breastCancer();
  return {
    name: `breast cancer (${loss}${features < 30 ? `, ${features} features` : ''})`,
    X: standardize(X.map((r) => r.slice(0, features))),
    y: Float64Array.from(y, (v) => (v === 1 ? 1 : -1)),
    loss,
  };
}

/** The sweep's problems: diabetes (standardised target), the same with targets × 100, breast cancer; all with the squared loss (default) or all with the absolute loss. */
export function sweepProblems(loss: 'squared' | 'absolute' = 'squared'): CvarProblem[] {
  return [diabetesProblem(1, loss), diabetesProblem(100, loss), breastCancerProblem(loss)];
}
