/**
 * SVM hyper-parameter selection as a bilevel problem, on the LIBSVM diabetes data (Pima, 768 × 8):
 * one weight C_i per training point, chosen to minimize the logistic loss of the SVM on a validation
 * set; against a grid search over one shared C. Not part of the library entry (it embeds the data).
 *
 * - LV-HBA on the hinge SVM in its dual, min_α ½‖Ãᵀ(ℓ∘α)‖² − 1ᵀα subject to 0 ≤ αᵢ ≤ Cᵢ: lower-level
 *   constraints that couple both levels (the setting LV-HBA is built for); (C, α) is projected onto
 *   {0 ≤ αᵢ ≤ Cᵢ} pair by pair in closed form.
 * - The penalty method on the squared-hinge SVM in its primal, min_w ½‖w‖² + ½Σ Cᵢ max(0, 1 − ℓᵢwᵀãᵢ)²
 *   (no lower-level constraints: the penalty method does not take them), C ∈ [0, Cmax].
 * ã = (a, 1) carries the bias. Split as in the LV-HBA code: shuffle (seeded), 500 train, 150
 * validation, 118 test.
 */
// A consumer of the public API (like the CLI): everything through the package entry.
import { Rng, indBox, lvhba, nn, penaltyBilevel, type BilevelFunction } from '../index.js';
import { pimaDiabetes, seededOrder } from './data.js';

export interface SvmSplit {
  d: number;
  train: { X: Float64Array; y: Float64Array };
  val: { X: Float64Array; y: Float64Array };
  test: { X: Float64Array; y: Float64Array };
}

/** The seeded 500 / 150 / 118 split of the Pima data, features augmented with a constant 1. */
export function pimaSplit(seed: number): SvmSplit {
  const { X, y } = pimaDiabetes();
  const order = seededOrder(new Rng(seed).uniform(X.length));
  const d = X[0]!.length + 1;
  const take = (from: number, to: number) => {
    const idx = Array.from(order.subarray(from, to));
    const Xs = new Float64Array(idx.length * d);
    idx.forEach((r, i) => {
      X[r]!.forEach((v, j) => (Xs[i * d + j] = v));
      Xs[i * d + d - 1] = 1;
    });
    return { X: Xs, y: Float64Array.from(idx, (r) => y[r]!) };
  };
  return { d, train: take(0, 500), val: take(500, 650), test: take(650, X.length) };
}

/** Fraction of rows with sign(wᵀã) = ℓ. */
export function accuracy(w: ArrayLike<number>, data: { X: Float64Array; y: Float64Array }, d: number): number {
  let ok = 0;
  for (let i = 0; i < data.y.length; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data.X[i * d + j]! * w[j]!;
    if ((s >= 0 ? 1 : -1) === data.y[i]) ok++;
  }
  return ok / data.y.length;
}

/**
 * Mean logistic loss log(1 + exp(−ℓ wᵀã)) and its gradient in w (into g). φ(m) = softplus(−m) and
 * −φ'(m) = sigmoid(−m) are computed in WASM (the nn family's elementwise ops) so that the run has the
 * same bits in every engine; JavaScript's Math.exp / Math.log1p differ between Node and Chromium.
 */
function logisticLoss(w: ArrayLike<number>, data: { X: Float64Array; y: Float64Array }, d: number, g?: Float64Array): number {
  const n = data.y.length;
  const negMargin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data.X[i * d + j]! * w[j]!;
    negMargin[i] = -data.y[i]! * s;
  }
  const [phi, sig] = nn.scope(() => {
    const t = nn.tensor(negMargin);
    return [nn.softplus(t).toArray(), g ? nn.sigmoid(t).toArray() : null];
  }) as [Float64Array, Float64Array | null];
  let loss = 0;
  for (let i = 0; i < n; i++) loss += phi[i]!;
  if (g && sig) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const c = (-data.y[i]! * sig[i]!) / n;
      for (let j = 0; j < d; j++) g[j] = g[j]! + c * data.X[i * d + j]!;
    }
  }
  return loss / n;
}

/** w = Ãᵀ(ℓ∘α). */
function dualToPrimal(alpha: ArrayLike<number>, tr: { X: Float64Array; y: Float64Array }, d: number): Float64Array {
  const w = new Float64Array(d);
  for (let i = 0; i < tr.y.length; i++) {
    const c = alpha[i]! * tr.y[i]!;
    for (let j = 0; j < d; j++) w[j] = w[j]! + c * tr.X[i * d + j]!;
  }
  return w;
}

/** λmax(ÃᵀÃ) by power iteration. */
function gramNorm(X: Float64Array, n: number, d: number): number {
  let v = new Float64Array(d).fill(1);
  let lam = 0;
  for (let it = 0; it < 300; it++) {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) u[i] = u[i]! + X[i * d + j]! * v[j]!;
    const w = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) w[j] = w[j]! + X[i * d + j]! * u[i]!;
    const nw = Math.hypot(...w);
    lam = nw / Math.hypot(...v);
    v = w.map((t) => t / nw);
  }
  return lam;
}

/** The hinge SVM with box weights C (per point) by accelerated projected gradient on its dual; returns w. */
export function hingeSvm(split: SvmSplit, C: ArrayLike<number>, iterations = 3000): Float64Array {
  const { train: tr, d } = split;
  const n = tr.y.length;
  const L = gramNorm(tr.X, n, d);
  let a = new Float64Array(n);
  let aPrev = a.slice();
  for (let k = 1; k <= iterations; k++) {
    const mom = (k - 1) / (k + 2);
    const v = a.map((ai, i) => ai + mom * (ai - aPrev[i]!));
    const w = dualToPrimal(v, tr, d);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += tr.X[i * d + j]! * w[j]!;
      const grad = tr.y[i]! * s - 1;
      next[i] = Math.min(C[i]!, Math.max(0, v[i]! - grad / L));
    }
    aPrev = a;
    a = next;
  }
  return dualToPrimal(a, tr, d);
}

/** The squared-hinge SVM ½‖w‖² + ½Σ Cᵢ max(0, 1 − ℓᵢwᵀãᵢ)² by gradient descent with Nesterov momentum; returns w. */
export function squaredHingeSvm(split: SvmSplit, C: ArrayLike<number>, iterations = 3000): Float64Array {
  const { train: tr, d } = split;
  const n = tr.y.length;
  let cmax = 0;
  for (let i = 0; i < n; i++) cmax = Math.max(cmax, C[i]!);
  const L = 1 + cmax * gramNorm(tr.X, n, d);
  const q = 1 / L;
  const mom = (1 - Math.sqrt(q)) / (1 + Math.sqrt(q));
  let w = new Float64Array(d);
  let wPrev = w.slice();
  const g = new Float64Array(d);
  for (let k = 0; k < iterations; k++) {
    const v = w.map((wi, j) => wi + mom * (wi - wPrev[j]!));
    sqHingeGradW(v, C, tr, d, g);
    wPrev = w;
    w = v.map((vi, j) => vi - g[j]! / L);
  }
  return w;
}

/** ∇_w of ½‖w‖² + ½Σ Cᵢ max(0, 1 − ℓᵢwᵀãᵢ)² into g; returns the value. */
function sqHingeGradW(w: ArrayLike<number>, C: ArrayLike<number>, tr: { X: Float64Array; y: Float64Array }, d: number, g: Float64Array): number {
  let val = 0;
  for (let j = 0; j < d; j++) {
    g[j] = w[j]!;
    val += 0.5 * w[j]! ** 2;
  }
  for (let i = 0; i < tr.y.length; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += tr.X[i * d + j]! * w[j]!;
    const h = Math.max(0, 1 - tr.y[i]! * s);
    if (h > 0) {
      val += 0.5 * C[i]! * h * h;
      const c = -C[i]! * h * tr.y[i]!;
      for (let j = 0; j < d; j++) g[j] = g[j]! + c * tr.X[i * d + j]!;
    }
  }
  return val;
}

export interface SvmMethodResult {
  method: string;
  valAccuracy: number;
  testAccuracy: number;
  valLoss: number;
  timeMs: number;
  /** For the grid: the C chosen; for the bilevel methods: mean and range of the learned Cᵢ. */
  C: { mean: number; min: number; max: number };
  iterations?: number;
  /** Per-iteration upper-level value (validation logistic loss), thinned to ≤ 200 points. */
  upperValues?: number[];
  /** Per-iteration lower-level value, thinned likewise. */
  lowerValues?: number[];
}

export interface SvmExperimentResult {
  seed: number;
  grid: number[];
  methods: SvmMethodResult[];
}

function thin(v: number[], max = 200): number[] {
  if (v.length <= max) return v;
  const step = v.length / max;
  return Array.from({ length: max }, (_, i) => v[Math.floor(i * step)]!);
}

function summary(C: ArrayLike<number>): { mean: number; min: number; max: number } {
  let s = 0;
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < C.length; i++) {
    s += C[i]!;
    mn = Math.min(mn, C[i]!);
    mx = Math.max(mx, C[i]!);
  }
  return { mean: s / C.length, min: mn, max: mx };
}

export interface SvmExperimentOptions {
  seed?: number;
  /** Iterations of LV-HBA (default 3000) and of the penalty method (default 300). */
  lvhbaIterations?: number;
  penaltyIterations?: number;
  /** The grid of shared C values (default 16 values, 10^−3 … 10^2). */
  grid?: number[];
  /** Iterations of each grid point's SVM solve (default 3000). */
  svmIterations?: number;
}

/** Runs grid search (hinge and squared hinge), LV-HBA (hinge dual) and the penalty method (squared hinge) on one split. */
export function svmHyperparameterExperiment(o: SvmExperimentOptions = {}): SvmExperimentResult {
  const seed = o.seed ?? 1;
  const split = pimaSplit(seed);
  const { d, train: tr, val, test } = split;
  const n = tr.y.length;
  // 10^{−3 + i/3} with WASM's pow (nn.pow): JavaScript's ** differs in the last bit between engines
  const grid = o.grid ?? nn.scope(() => Array.from({ length: 16 }, (_, i) => nn.pow(nn.tensor([10]), -3 + i / 3).toArray()[0]!));
  const svmIt = o.svmIterations ?? 3000;
  const methods: SvmMethodResult[] = [];
  for (const [name, solver] of [['grid search (hinge)', hingeSvm], ['grid search (squared hinge)', squaredHingeSvm]] as const) {
    const t0 = performance.now();
    let best: { C: number; w: Float64Array; acc: number; loss: number } | undefined;
    for (const c of grid) {
      const w = solver(split, new Float64Array(n).fill(c), svmIt);
      const acc = accuracy(w, val, d);
      const loss = logisticLoss(w, val, d);
      if (!best || acc > best.acc || (acc === best.acc && loss < best.loss)) best = { C: c, w, acc, loss };
    }
    methods.push({ method: name, valAccuracy: best!.acc, testAccuracy: accuracy(best!.w, test, d), valLoss: best!.loss, timeMs: performance.now() - t0, C: { mean: best!.C, min: best!.C, max: best!.C } });
  }

  // LV-HBA on the hinge dual: x = C (n), y = α (n); F(α) = validation logistic loss of w(α).
  {
    const LQ = gramNorm(tr.X, n, d);
    const LV = gramNorm(val.X, val.y.length, d) / (4 * val.y.length);
    const gw = new Float64Array(d);
    const upper: BilevelFunction = {
      lipschitz: LQ * LV,
      value: (_x, a) => logisticLoss(dualToPrimal(a, tr, d), val, d),
      gradX: (_x, _a, out) => void out.fill(0),
      gradY: (_x, a, out) => {
        logisticLoss(dualToPrimal(a, tr, d), val, d, gw);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += tr.X[i * d + j]! * gw[j]!;
          out[i] = tr.y[i]! * s;
        }
      },
    };
    const lower: BilevelFunction = {
      lipschitz: LQ,
      value: (_x, a) => {
        const w = dualToPrimal(a, tr, d);
        let s = 0;
        for (let i = 0; i < n; i++) s += a[i]!;
        return 0.5 * w.reduce((t, v) => t + v * v, 0) - s;
      },
      gradX: (_x, _a, out) => void out.fill(0),
      gradY: (_x, a, out) => {
        const w = dualToPrimal(a, tr, d);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += tr.X[i * d + j]! * w[j]!;
          out[i] = tr.y[i]! * s - 1;
        }
      },
    };
    // c(C, α) = (α − C, −α) ≤ 0
    const constraints = {
      count: 2 * n,
      value: (x: Float64Array, a: Float64Array, out: Float64Array) => {
        for (let i = 0; i < n; i++) {
          out[i] = a[i]! - x[i]!;
          out[n + i] = -a[i]!;
        }
      },
      gradXT: (_x: Float64Array, _a: Float64Array, l: Float64Array, out: Float64Array) => {
        for (let i = 0; i < n; i++) out[i] = -l[i]!;
      },
      gradYT: (_x: Float64Array, _a: Float64Array, l: Float64Array, out: Float64Array) => {
        for (let i = 0; i < n; i++) out[i] = l[i]! - l[n + i]!;
      },
      jacobianNorm: Math.SQRT2,
    };
    // Euclidean projection of each pair (Cᵢ, αᵢ) onto {0 ≤ α ≤ C}.
    const projectXY = (x: Float64Array, a: Float64Array) => {
      for (let i = 0; i < n; i++) {
        const c = x[i]!;
        const al = a[i]!;
        if (al >= 0 && al <= c) continue;
        if (al < 0) {
          a[i] = 0;
          x[i] = Math.max(c, 0);
        } else {
          const m = Math.max(0, (al + c) / 2);
          x[i] = m;
          a[i] = m;
        }
      }
    };
    const t0 = performance.now();
    const r = lvhba(
      { upper, lower, dimX: n, dimY: n, constraints, projectXY },
      { x0: new Float64Array(n).fill(1), maxIter: o.lvhbaIterations ?? 3000, tol: 0, gamma1: 10, gamma2: 0.01, c0: 10, p: 0.3 },
    );
    const w = dualToPrimal(r.y, tr, d);
    methods.push({
      method: 'LV-HBA (hinge, per-point C)',
      valAccuracy: accuracy(w, val, d),
      testAccuracy: accuracy(w, test, d),
      valLoss: logisticLoss(w, val, d),
      timeMs: performance.now() - t0,
      C: summary(r.x),
      iterations: r.iterations,
      upperValues: thin(r.upperValues),
      lowerValues: thin(r.lowerValues),
    });
  }

  // The penalty method on the squared-hinge primal: x = C ∈ [0, Cmax]ⁿ, y = w.
  {
    const cmax = 1;
    const LG = gramNorm(tr.X, n, d);
    const LV = gramNorm(val.X, val.y.length, d) / (4 * val.y.length);
    const g = new Float64Array(d);
    const upper: BilevelFunction = {
      lipschitz: LV,
      value: (_x, w) => logisticLoss(w, val, d),
      gradX: (_x, _w, out) => void out.fill(0),
      gradY: (_x, w, out) => void logisticLoss(w, val, d, out),
    };
    const lower: BilevelFunction = {
      lipschitz: 1 + cmax * LG,
      value: (x, w) => sqHingeGradW(w, x, tr, d, g),
      gradY: (x, w, out) => void sqHingeGradW(w, x, tr, d, out),
      gradX: (_x, w, out) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += tr.X[i * d + j]! * w[j]!;
          const h = Math.max(0, 1 - tr.y[i]! * s);
          out[i] = 0.5 * h * h;
        }
      },
    };
    const t0 = performance.now();
    const r = penaltyBilevel(
      { upper, lower, dimX: n, dimY: d, X: indBox(0, cmax) },
      { x0: new Float64Array(n).fill(cmax / 2), maxIter: o.penaltyIterations ?? 300, tol: 0, sigma: 1e-2, innerSteps: 20, stepX: 0.5 },
    );
    methods.push({
      method: 'penalty (squared hinge, per-point C)',
      valAccuracy: accuracy(r.y, val, d),
      testAccuracy: accuracy(r.y, test, d),
      valLoss: logisticLoss(r.y, val, d),
      timeMs: performance.now() - t0,
      C: summary(r.x),
      iterations: r.iterations,
      upperValues: thin(r.upperValues),
      lowerValues: thin(r.lowerValues),
    });
  }
  return { seed, grid, methods };
}
