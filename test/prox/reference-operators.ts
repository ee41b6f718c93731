/**
 * Plain-TypeScript references for the operator catalogue, written from the definitions (one obvious
 * loop each), independent of the WASM kernels: the bench measures the kernels against them.
 */
import { projectSimplexLinearRef, softThresholdRef } from './reference.js';

const norm = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
};

export function scaleRef(v: ArrayLike<number>, c: number, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) out[i] = c * v[i]!;
  return out;
}

export function weightedSoftThresholdRef(v: ArrayLike<number>, w: ArrayLike<number>, t: number, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const a = t * w[i]!;
    out[i] = x > a ? x - a : x < -a ? x + a : 0;
  }
  return out;
}

export function elasticNetRef(v: ArrayLike<number>, t1: number, t2: number, out = new Float64Array(v.length)): Float64Array {
  softThresholdRef(v, t1, out);
  return scaleRef(out, 1 / (1 + t2), out);
}

export function blockSoftThresholdRef(v: ArrayLike<number>, t: number, out = new Float64Array(v.length)): Float64Array {
  const nv = norm(v);
  return scaleRef(v, nv > t ? 1 - t / nv : 0, out);
}

export function clampRef(v: ArrayLike<number>, lo: number, hi: number, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) out[i] = v[i]! < lo ? lo : v[i]! > hi ? hi : v[i]!;
  return out;
}

export function clampVectorRef(v: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) out[i] = v[i]! < lo[i]! ? lo[i]! : v[i]! > hi[i]! ? hi[i]! : v[i]!;
  return out;
}

export function huberRef(v: ArrayLike<number>, t: number, delta: number, out = new Float64Array(v.length)): Float64Array {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    out[i] = Math.abs(x) <= delta * (1 + t) ? x / (1 + t) : x - t * delta * Math.sign(x);
  }
  return out;
}

/** Projection onto the L1 ball: soft-threshold at the simplex threshold of |v| (Duchi et al. 2008). */
export function projectL1BallRef(v: ArrayLike<number>, r: number, out = new Float64Array(v.length)): Float64Array {
  const a = Float64Array.from(v, Math.abs);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  if (s <= r) {
    for (let i = 0; i < v.length; i++) out[i] = v[i]!;
    return out;
  }
  const p = projectSimplexLinearRef(a, r);
  for (let i = 0; i < v.length; i++) out[i] = Math.sign(v[i]!) * p[i]!;
  return out;
}

/** prox of t·λ‖·‖∞ = v − P_{‖·‖₁ ≤ tλ}(v). */
export function normLinfRef(v: ArrayLike<number>, tl: number, out = new Float64Array(v.length)): Float64Array {
  projectL1BallRef(v, tl, out);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - out[i]!;
  return out;
}

export function projectL2BallRef(v: ArrayLike<number>, r: number, out = new Float64Array(v.length)): Float64Array {
  const nv = norm(v);
  return scaleRef(v, nv > r ? r / nv : 1, out);
}

export function projectHalfspaceRef(v: ArrayLike<number>, a: ArrayLike<number>, b: number, equality: boolean, out = new Float64Array(v.length)): Float64Array {
  let av = 0;
  let aa = 0;
  for (let i = 0; i < v.length; i++) {
    av += a[i]! * v[i]!;
    aa += a[i]! * a[i]!;
  }
  const r = equality ? av - b : Math.max(av - b, 0);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - (r / aa) * a[i]!;
  return out;
}

/** Group soft-threshold over consecutive groups of size g. */
export function groupSoftThresholdRef(v: ArrayLike<number>, g: number, t: number, out = new Float64Array(v.length)): Float64Array {
  for (let s = 0; s < v.length; s += g) {
    let ss = 0;
    for (let i = s; i < s + g; i++) ss += v[i]! * v[i]!;
    const nv = Math.sqrt(ss);
    const c = nv > t ? 1 - t / nv : 0;
    for (let i = s; i < s + g; i++) out[i] = c * v[i]!;
  }
  return out;
}

/** 2:4 projection: keep the two largest |v| of each group of four (ties to the lowest index). */
export function project24Ref(v: ArrayLike<number>, out = new Float64Array(v.length)): Float64Array {
  for (let g = 0; g < v.length; g += 4) {
    const a = [0, 1, 2, 3].map((i) => Math.abs(v[g + i]!));
    const order = [0, 1, 2, 3].sort((i, j) => a[j]! - a[i]! || i - j);
    for (let i = 0; i < 4; i++) out[g + i] = 0;
    out[g + order[0]!] = v[g + order[0]!]!;
    out[g + order[1]!] = v[g + order[1]!]!;
  }
  return out;
}
