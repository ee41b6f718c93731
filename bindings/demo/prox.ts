/** The prox family's section of `proxkit demo`. */
import { createHash } from 'node:crypto';
import { lasso, projectSimplex, rng, softThreshold } from '../index.js';
import type { DemoContext, DemoSection } from './context.js';
import { diabetes, digits } from '../datasets.js';

/** Columns centred and scaled to unit Euclidean norm, y centred (the normalisation of Efron et al. 2004); Z row-major. */
function standardize(X: number[][], y: number[]): { Z: Float64Array; yc: Float64Array; p: number } {
  const n = X.length;
  const p = X[0]!.length;
  const Z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const mean = X.reduce((s, r) => s + r[j]!, 0) / n;
    let norm = 0;
    for (const r of X) norm += (r[j]! - mean) ** 2;
    norm = Math.sqrt(norm);
    X.forEach((r, i) => (Z[i * p + j] = (r[j]! - mean) / norm));
  }
  const ym = y.reduce((s, v) => s + v, 0) / n;
  return { Z, yc: Float64Array.from(y, (v) => v - ym), p };
}

/**
 * Lasso path on the diabetes data by FISTA with adaptive restart (the soft-threshold in WASM on the
 * iterates in WASM memory), warm-started along the path and stopped at a duality gap ≤ 1e-8.
 * Reports the order in which the features enter the model as λ decreases, and two certified solves.
 */
function lassoPath(ctx: DemoContext): void {
  const { X, y, features } = diabetes();
  const { Z, yc, p } = standardize(X, y);
  const n = yc.length;
  let lambdaMax = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Z[i * p + j]! * yc[i]!;
    lambdaMax = Math.max(lambdaMax, Math.abs(s));
  }
  const entered: number[] = [];
  let iterations = 0;
  let worstGap = 0;
  let w: Float64Array = new Float64Array(p);
  const steps = 80;
  for (let s = 1; s <= steps; s++) {
    const lambda = lambdaMax * 10 ** ((-3 * s) / steps);
    const r = lasso(Z, yc, lambda, { x0: w, tol: 1e-8 });
    iterations += r.iterations;
    worstGap = Math.max(worstGap, r.certificate.value);
    w = r.x;
    const fresh = [...w.keys()].filter((j) => w[j] !== 0 && !entered.includes(j));
    fresh.sort((a, b) => Math.abs(w[b]!) - Math.abs(w[a]!));
    entered.push(...fresh);
  }
  const order = entered.map((j) => j + 1).join(', ');
  ctx.log(`Lasso on diabetes (442 × 10, Efron et al. 2004) by FISTA with adaptive restart, certified by the duality gap:`);
  ctx.log(`  80 values of λ from λmax = ${lambdaMax.toFixed(1)} down to λmax/1000, warm starts, ${iterations} FISTA iterations in all, every gap ≤ ${worstGap.toExponential(1)}`);
  ctx.log(`  features enter in the order ${order}`);
  ctx.log(`  (${entered.map((j) => features[j]).join(', ')})`);
  ctx.log(`  Efron et al. (2004, Fig. 1) report 3, 9, 4, 7, 2, 10, 5, 8, 6, 1 for this data: ${order === '3, 9, 4, 7, 2, 10, 5, 8, 6, 1' ? 'same order' : 'the order differs'}`);
  for (const divisor of [10, 100]) {
    const r = lasso(Z, yc, lambdaMax / divisor);
    const nnz = r.x.filter((v) => v !== 0).length;
    ctx.log(
      `  λ = λmax/${divisor}: ${r.iterations} iterations (${r.restarts} restarts) from w = 0, duality gap ${r.certificate.value.toExponential(2)} ` +
        `(objective ${r.objective.toFixed(4)}), ${nnz} of ${p} coefficients nonzero`,
    );
  }
}

/**
 * Sparsemax (Martins & Astudillo, 2016) = projection of a score vector onto the probability simplex.
 * On the digits data: scores are negative squared distances to the ten class means of a training
 * half; the projection gives each test digit a sparse distribution over the classes.
 */
function sparsemaxDigits(ctx: DemoContext): void {
  const { images, labels } = digits();
  const train = Math.floor(images.length / 2);
  const means = Array.from({ length: 10 }, () => new Float64Array(64));
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < train; i++) {
    counts[labels[i]!]!++;
    for (let k = 0; k < 64; k++) means[labels[i]!]![k]! += images[i]![k]!;
  }
  means.forEach((m, d) => m.forEach((_, k) => (m[k]! /= counts[d]!)));
  const distances = images.slice(train).map((img) =>
    means.map((m) => img.reduce((s, v, k) => s + (v - m[k]!) ** 2, 0)),
  );
  // Temperature: the median gap between the nearest and the second-nearest class mean.
  const gaps = distances.map((d) => {
    const s = [...d].sort((a, b) => a - b);
    return s[1]! - s[0]!;
  });
  const temperature = [...gaps].sort((a, b) => a - b)[gaps.length >> 1]!;
  let correct = 0;
  let covered = 0;
  let supportTotal = 0;
  let single = 0;
  distances.forEach((d, i) => {
    const probs = projectSimplex(d.map((v) => -v / temperature));
    const label = labels[train + i]!;
    const support = probs.filter((q) => q > 0).length;
    supportTotal += support;
    if (support === 1) single++;
    if (probs[label]! > 0) covered++;
    if (probs.indexOf(Math.max(...probs)) === label) correct++;
  });
  const m = distances.length;
  const pct = (k: number) => `${((100 * k) / m).toFixed(1)} %`;
  ctx.log(`Sparsemax (simplex projection) on digits (1797 × 8×8, UCI), nearest-class-mean scores, temperature ${temperature.toFixed(1)}:`);
  ctx.log(`  ${m} test digits: argmax accuracy ${pct(correct)}; true class inside the support ${pct(covered)}`);
  ctx.log(`  mean support ${(supportTotal / m).toFixed(2)} classes of 10; a single class for ${pct(single)}`);
}

/** A digest that the same seed reproduces bit for bit on every platform (Node, browsers). */
function determinism(ctx: DemoContext): void {
  const v = rng(ctx.seed).normal(100000);
  const x = projectSimplex(softThreshold(v, 1), 10);
  const digest = createHash('sha256').update(new Uint8Array(x.buffer)).digest('hex');
  ctx.log(`Determinism: rng(${ctx.seed}).normal(1e5) → softThreshold(·, 1) → projectSimplex(·, 10)`);
  ctx.log(`  support ${x.filter((q) => q > 0).length} of 100000; SHA-256 ${digest}`);
}

export const proxDemo: DemoSection = {
  name: 'prox',
  title: 'soft-threshold and simplex projection on real data',
  run(ctx) {
    lassoPath(ctx);
    sparsemaxDigits(ctx);
    determinism(ctx);
  },
};
