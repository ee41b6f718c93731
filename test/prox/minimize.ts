/**
 * A small derivative-free minimiser for the operator tests, independent of the code under test:
 * pattern search by golden-section line searches along every direction of {−1, 0, 1}ⁿ (n ≤ 5),
 * which includes the coordinate axes, the pairs eᵢ ± eⱼ and the block directions along which the
 * kinks of ‖·‖₁, ‖·‖₂, ‖·‖∞ and TV run. For the strongly convex F(x) = f(x) + ‖x − v‖²/(2t) it
 * reaches the minimiser to about the square root of the machine epsilon in x (F is flat there), and
 * its value to within a few ulps.
 */

function directions(n: number): Float64Array[] {
  const out: Float64Array[] = [];
  const d = new Int8Array(n);
  const total = 3 ** n;
  for (let code = 1; code < total; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      d[i] = (c % 3) - 1;
      c = Math.floor(c / 3);
    }
    // Keep one of ±d: the first non-zero entry positive.
    const first = d.find((x) => x !== 0);
    if (first === undefined || first < 0) continue;
    const norm = Math.sqrt(d.reduce((s, x) => s + x * x, 0));
    out.push(Float64Array.from(d, (x) => x / norm));
  }
  return out;
}

const PHI = (Math.sqrt(5) - 1) / 2;

/** Golden-section minimum of g on [a, b] (g convex along the line). */
function golden(g: (s: number) => number, a: number, b: number, iterations = 80): number {
  let c = b - PHI * (b - a);
  let d = a + PHI * (b - a);
  let gc = g(c);
  let gd = g(d);
  for (let k = 0; k < iterations; k++) {
    if (gc <= gd) {
      b = d;
      d = c;
      gd = gc;
      c = b - PHI * (b - a);
      gc = g(c);
    } else {
      a = c;
      c = d;
      gc = gd;
      d = a + PHI * (b - a);
      gd = g(d);
    }
  }
  return gc <= gd ? c : d;
}

/** argmin F from x0 (F finite at x0 and convex); returns the point and its value. */
export function patternSearch(
  F: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  scale = 1,
  sweeps = 400,
  extraDirections: ArrayLike<number>[] = [],
): { x: Float64Array; value: number } {
  const n = x0.length;
  // Extra directions: those of kinks that {−1, 0, 1}ⁿ does not contain (e.g. a hyperplane ⟨a, x⟩ = b).
  const dirs = [...directions(n), ...extraDirections.map((d) => Float64Array.from(d))];
  const x = Float64Array.from(x0);
  let fx = F(x);
  let h = scale;
  const y = new Float64Array(n);
  const along = (d: Float64Array, s: number) => {
    for (let i = 0; i < n; i++) y[i] = x[i]! + s * d[i]!;
    return F(y);
  };
  for (let sweep = 0; sweep < sweeps && h > 1e-13 * scale; sweep++) {
    let improved = false;
    for (const d of dirs) {
      const s = golden((s) => along(d, s), -h, h);
      const fs = along(d, s);
      if (fs < fx) {
        for (let i = 0; i < n; i++) x[i] = y[i]!;
        fx = fs;
        improved = true;
      }
    }
    if (!improved) h /= 4;
  }
  return { x, value: fx };
}

/** F(x) = f(x) + ‖x − v‖²/(2t). */
export function proxObjective(f: (x: Float64Array) => number, v: ArrayLike<number>, t: number): (x: Float64Array) => number {
  return (x) => {
    let q = 0;
    for (let i = 0; i < x.length; i++) q += (x[i]! - v[i]!) ** 2;
    return f(x) + q / (2 * t);
  };
}
