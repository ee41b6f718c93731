/** The saddle family's embedded data (see data/datasets/README.md for attribution): parsing only. */
import pimaCsv from '../../data/datasets/libsvm_diabetes_scale.csv';
import breastCsv from '../../data/datasets/breast_cancer.csv';

/** LIBSVM "diabetes_scale" (Pima Indians diabetes): 768 × 8 features in [−1, 1], labels ±1. */
export function pimaDiabetes(): { X: number[][]; y: number[] } {
  const rows = pimaCsv
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(',').map(Number));
  return { X: rows.map((r) => r.slice(1)), y: rows.map((r) => r[0]!) };
}

/** Wisconsin diagnostic breast cancer: 569 × 30 raw features; labels ±1 (+1 = benign, −1 = malignant). */
export function breastCancerPm(): { X: number[][]; y: number[] } {
  const rows = breastCsv
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(',').map(Number));
  return { X: rows.map((r) => r.slice(0, 30)), y: rows.map((r) => (r[30] === 1 ? 1 : -1)) };
}

/** Columns standardised to mean 0 and standard deviation 1 (a constant column stays 0). */
export function standardized(X: number[][]): number[][] {
  const d = X[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of X) r.forEach((v, j) => (mean[j]! += v / X.length));
  for (const r of X) r.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / X.length));
  return X.map((r) => r.map((v, j) => (v - mean[j]!) / (Math.sqrt(sd[j]!) || 1)));
}

/**
 * A Fisher–Yates permutation of 0…n−1 driven by n given uniforms (from the package's seeded Rng): the
 * same construction as the training loops' shuffle, kept here because this file must not import the
 * runtime (the CLI bundle holds one copy of it, reached through the package entry).
 */
export function seededOrder(u: Float64Array): Int32Array {
  const n = u.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i]! * (i + 1)));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
