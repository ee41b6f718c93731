/**
 * A Linearizer fitted to real data, for `proxkit demo nn`: f: ℝ⁶⁴ → ℝ² sends each handwritten digit
 * to the point of its class on a circle; f(x) = g_y⁻¹(A g_x(x)) is nonlinear in the usual sense and
 * exactly linear between the spaces g_x and g_y induce, which the demo checks numerically.
 */
import { nn } from '../index.js';
import type { DemoContext } from './context.js';
import { digitsData } from './bounds.js';

/** Class k's target: the point at angle 2πk/10 on a circle of radius 2. */
export function classPoint(k: number): [number, number] {
  const a = (2 * Math.PI * k) / 10;
  return [2 * Math.cos(a), 2 * Math.sin(a)];
}

/** The class whose point is nearest to (u, v). */
export function nearestClass(u: number, v: number): number {
  let best = 0, dist = Infinity;
  for (let k = 0; k < 10; k++) {
    const [a, b] = classPoint(k);
    const q = (u - a) ** 2 + (v - b) ** 2;
    if (q < dist) (dist = q), (best = k);
  }
  return best;
}

export interface DigitsLinearizer {
  params: nn.LinearizerParams;
  trainAccuracy: number;
  testAccuracy: number;
  loss: number;
  ms: number;
}

/**
 * Fits f = g_y⁻¹ ∘ A ∘ g_x (g_x: 4 coupling layers on ℝ⁶⁴, g_y: 4 on ℝ², A 2 × 64) by Adam on the mean
 * squared distance to the class points; accuracy = nearest class point. The caller frees `params`
 * (nn.freeLinearizer).
 */
export function fitDigitsLinearizer(epochs: number, seed: number, rows?: number): DigitsLinearizer {
  const { train, test } = digitsData();
  const X = rows === undefined ? train.X : train.X.slice(0, rows);
  const y = rows === undefined ? train.y : train.y.slice(0, rows);
  const targets = y.map((k) => classPoint(k));
  const params = nn.initLinearizer(64, 2, { seed, layers: 4, hidden: [32] });
  const t0 = performance.now();
  const r = nn.train(
    { params, loss: (p, x, t) => nn.mean(nn.square(nn.sub(nn.linearizer(p, x), t as nn.Tensor))) },
    { X, y: targets },
    { epochs, batchSize: 32, seed, optimizer: nn.adam({ learningRate: 3e-3 }), clipNorm: 10 },
  );
  const ms = performance.now() - t0;
  const acc = (XX: number[][], yy: number[]): number =>
    nn.scope(() => {
      const out = nn.linearizer(params, nn.tensor(XX)).data();
      return yy.filter((k, i) => nearestClass(out[2 * i]!, out[2 * i + 1]!) === k).length / yy.length;
    });
  return { params, trainAccuracy: acc(X, y), testAccuracy: acc(test.X, test.y), loss: r.history[r.history.length - 1]?.loss ?? NaN, ms };
}

/** Largest |a − b| / max(1, |b|) over two arrays. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e;
}

/** Fits the digits Linearizer and prints the induced-linearity checks, the SVD and the pseudo-inverse round trip. */
export async function linearizerDemo(ctx: DemoContext): Promise<void> {
  const epochs = ctx.quick ? 5 : 40;
  const fit = fitDigitsLinearizer(epochs, ctx.seed);
  const p = fit.params;
  try {
    ctx.log(`Linearizer f(x) = g_y⁻¹(A g_x(x)): 64 pixels → a point on a circle per class (g_x, g_y: 4 affine coupling layers each, A 2 × 64), ${epochs} Adam epochs:`);
    ctx.log(`  nearest class point: test ${(100 * fit.testAccuracy).toFixed(2)} %, train ${(100 * fit.trainAccuracy).toFixed(2)} %; ${(fit.ms / 1000).toFixed(1)} s`);
    nn.scope(() => {
      const { test } = digitsData();
      const a = nn.tensor(test.X.slice(0, 50)), b = nn.tensor(test.X.slice(50, 100));
      const add = relErr(nn.linearizer(p, nn.inducedAdd(p.gx, a, b)).data(), nn.inducedAdd(p.gy, nn.linearizer(p, a), nn.linearizer(p, b)).data());
      const sc = relErr(nn.linearizer(p, nn.inducedScale(p.gx, -0.7, a)).data(), nn.inducedScale(p.gy, -0.7, nn.linearizer(p, a)).data());
      const plain = relErr(nn.linearizer(p, nn.add(a, b)).data(), nn.add(nn.linearizer(p, a), nn.linearizer(p, b)).data());
      ctx.log(`  induced linearity on 50 test pairs: f(a ⊕ b) vs f(a) ⊕ f(b) ${add.toExponential(1)}, f(−0.7 ⊙ a) vs −0.7 ⊙ f(a) ${sc.toExponential(1)} (relative); with the ordinary + instead: ${plain.toExponential(1)}`);
      const s = nn.linearizerSvd(p);
      ctx.log(`  singular values of A: ${Array.from(s.singularValues, (v) => v.toFixed(3)).join(', ')}`);
      const yv = nn.linearizer(p, a);
      const back = nn.linearizer(p, nn.linearizerPinv(p, yv, s));
      ctx.log(`  pseudo-inverse f⁺(y) = g_x⁻¹(A⁺ g_y(y)): f(f⁺(f(x))) = f(x) to ${relErr(back.data(), yv.data()).toExponential(1)}`);
      const decoded = nn.linearizerPinv(p, nn.tensor(Array.from({ length: 10 }, (_, k) => classPoint(k))), s);
      const dec = decoded.data();
      const rowsOk = Array.from({ length: 10 }, (_, k) => nearestClass(...(Array.from(nn.linearizer(p, nn.tensor([Array.from(dec.subarray(64 * k, 64 * (k + 1)))])).data()) as [number, number])) === k);
      ctx.log(`  f⁺ of the 10 class points gives 64-pixel inputs that f sends back to their own class: ${rowsOk.filter(Boolean).length}/10`);
    });
  } finally {
    nn.freeLinearizer(p);
  }
}
