/**
 * The axioms of a reverse derivative category (Cockett et al. 2019), as seeded property tests on the
 * tape: R[f](x, w) is the pullback of w at x. On 1000 random compositions of ops at random points
 * each:
 * - RD.1/RD.2: R[f](x, ·) is linear;
 * - RD.5: the chain rule R[g∘f](x, w) = R[f](x, R[g](f(x), w));
 * - RD.3/RD.4: projections pull back to injections, and R[⟨f, g⟩](x, (a, b)) = R[f](x, a) + R[g](x, b);
 * - the dagger relation ⟨J v, w⟩ = ⟨v, Jᵀ w⟩, with J v computed independently by forward-mode dual
 *   numbers in plain TypeScript (JS Math, its own derivative formulas).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { dot, norm, type T } from './helpers.js';

beforeAll(() => init());

const CASES = 1000;

/** A random differentiable map R^nIn → R^nOut, as nn ops and as a dual-number evaluator. */
interface RandomMap {
  nIn: number;
  nOut: number;
  describe: string;
  f: (x: T) => T;
  /** (f(x), J(x)·dx) in plain TS. */
  dual: (x: Float64Array, dx: Float64Array) => [Float64Array, Float64Array];
}

type Layer = { name: string; nOut: number; f: (x: T) => T; dual: (x: Float64Array, dx: Float64Array) => [Float64Array, Float64Array] };

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const GC = Math.sqrt(2 / Math.PI);
const GK = 0.044715;

/** Elementwise activations: nn op, value and derivative written independently. */
const ACTS: [string, (x: T) => T, (v: number) => number, (v: number) => number][] = [
  ['tanh', nn.tanh, Math.tanh, (v) => 1 - Math.tanh(v) ** 2],
  ['sigmoid', nn.sigmoid, sig, (v) => sig(v) * (1 - sig(v))],
  ['softplus', nn.softplus, (v) => Math.log1p(Math.exp(v)), sig],
  ['silu', nn.silu, (v) => v * sig(v), (v) => sig(v) * (1 + v * (1 - sig(v)))],
  [
    'gelu',
    nn.gelu,
    (v) => 0.5 * v * (1 + Math.tanh(GC * (v + GK * v ** 3))),
    (v) => {
      const t = Math.tanh(GC * (v + GK * v ** 3));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GC * (1 + 3 * GK * v * v);
    },
  ],
  ['square', nn.square, (v) => v * v, (v) => 2 * v],
  ['exp', nn.exp, Math.exp, Math.exp],
];

function matVec(W: Float64Array, x: Float64Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[i]! += W[i * cols + j]! * x[j]!;
  return y;
}

/**
 * One random layer on R^d. `bound` is a crude bound on the input's magnitude: exp and square are
 * only drawn while their output stays far from overflow (else tanh), so every case is finite.
 */
function randomLayer(u: () => number, d: number, bound: number): Layer & { bound: number } {
  const pick = Math.floor(u() * 6);
  const vals = (n: number, s: number): Float64Array => Float64Array.from({ length: n }, () => s * (2 * u() - 1));
  if (pick <= 1) {
    const dOut = 1 + Math.floor(u() * 5);
    const W = vals(dOut * d, 1);
    const b = vals(dOut, 0.5);
    const asRow = u() < 0.5;
    return {
      name: `linear${d}→${dOut}${asRow ? 'ᵀ' : ''}`,
      nOut: dOut,
      bound: bound * d + 0.5,
      f: (x) => {
        const Wt = nn.tensor(W, { shape: [dOut, d] });
        // x·Wᵀ as a row vector, or W·x as a column: both products and their transposed backward
        const y = asRow ? nn.matmul(nn.reshape(x, [1, d]), Wt, { transposeB: true }) : nn.matmul(Wt, nn.reshape(x, [d, 1]));
        return nn.add(nn.reshape(y, [dOut]), nn.tensor(b));
      },
      dual: (x, dx) => [matVec(W, x, dOut, d).map((v, i) => v + b[i]!), matVec(W, dx, dOut, d)],
    };
  }
  if (pick === 2) {
    let [name, op, val, der] = ACTS[Math.floor(u() * ACTS.length)]!;
    if ((name === 'exp' && bound > 20) || (name === 'square' && bound > 1e4)) [name, op, val, der] = ACTS[0]!;
    const next = name === 'exp' ? Math.exp(bound) : name === 'square' ? bound * bound : name === 'tanh' || name === 'sigmoid' ? 1 : bound + 1;
    return { name, nOut: d, bound: next, f: op, dual: (x, dx) => [x.map(val), x.map((v, i) => der(v) * dx[i]!)] };
  }
  if (pick === 3) {
    // y = x ⊙ (A x): a product of two branches of the same input
    const A = vals(d * d, 1);
    return {
      name: 'x⊙Ax',
      nOut: d,
      bound: bound * bound * d,
      f: (x) => nn.mul(x, nn.reshape(nn.matmul(nn.tensor(A, { shape: [d, d] }), nn.reshape(x, [d, 1])), [d])),
      dual: (x, dx) => {
        const ax = matVec(A, x, d, d);
        const adx = matVec(A, dx, d, d);
        return [x.map((v, i) => v * ax[i]!), x.map((v, i) => dx[i]! * ax[i]! + v * adx[i]!)];
      },
    };
  }
  if (pick === 4) {
    return {
      name: 'logSoftmax',
      nOut: d,
      bound: 2 * bound + Math.log(d),
      f: (x) => nn.logSoftmax(x),
      dual: (x, dx) => {
        const m = Math.max(...x);
        const s = x.reduce((acc, v) => acc + Math.exp(v - m), 0);
        const p = x.map((v) => Math.exp(v - m) / s);
        const pd = dot(p, dx);
        return [x.map((v) => v - m - Math.log(s)), dx.map((v) => v - pd)];
      },
    };
  }
  // RMS normalisation with a fixed gain (d ≥ 2, and eps = 0.1: for d = 1 and a tiny eps the map is
  // nearly constant and its derivative a difference of nearly equal terms, which no engine gets to
  // 1e-12 relative), or a sum broadcast back (x + Σx)
  if (u() < 0.5 && d >= 2) {
    const g = vals(d, 1);
    const eps = 0.1;
    return {
      name: 'rmsNorm',
      nOut: d,
      bound: Math.sqrt(d),
      f: (x) => nn.reshape(nn.rmsNorm(nn.reshape(x, [1, d]), nn.tensor(g), { eps }), [d]),
      dual: (x, dx) => {
        const ms = dot(x, x) / d + eps;
        const r = 1 / Math.sqrt(ms);
        const dms = (2 * dot(x, dx)) / d;
        return [x.map((v, i) => v * r * g[i]!), x.map((v, i) => g[i]! * (dx[i]! * r - 0.5 * v * r * r * r * dms))];
      },
    };
  }
  return {
    name: 'x+Σx',
    nOut: d,
    bound: (d + 1) * bound,
    f: (x) => nn.add(x, nn.sum(x)),
    dual: (x, dx) => {
      const s = x.reduce((a, v) => a + v, 0);
      const ds = dx.reduce((a, v) => a + v, 0);
      return [x.map((v) => v + s), dx.map((v) => v + ds)];
    },
  };
}

function randomMap(u: () => number, nIn = 1 + Math.floor(u() * 5)): RandomMap {
  const layers: Layer[] = [];
  let d = nIn;
  let bound = 1;
  const count = 1 + Math.floor(u() * 4);
  for (let l = 0; l < count; l++) {
    const layer = randomLayer(u, d, bound);
    layers.push(layer);
    d = layer.nOut;
    bound = layer.bound;
  }
  return {
    nIn,
    nOut: d,
    describe: layers.map((l) => l.name).join(' ∘ '),
    f: (x) => layers.reduce((y, l) => l.f(y), x),
    dual: (x, dx) => layers.reduce<[Float64Array, Float64Array]>(([y, dy], l) => l.dual(y, dy), [x, dx]),
  };
}

const vec = (u: () => number, n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => s * (2 * u() - 1));
const pull = (f: (x: T) => T, x: Float64Array, w: Float64Array): Float64Array =>
  nn.scope(() => nn.vjp(f, nn.tensor(x)).pullback(nn.tensor(w))[0]!.data());
const value = (f: (x: T) => T, x: Float64Array): Float64Array => nn.scope(() => f(nn.tensor(x)).data());

/** max over i of |a_i − b_i| / scale. */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / scale);
  return m;
}

describe(`reverse derivative category axioms (${CASES} seeded cases each)`, () => {
  it('RD.1–2: R[f](x, ·) is linear', () => {
    let worst = 0;
    for (let c = 0; c < CASES; c++) {
      const u = uniforms(10_000 + c);
      const m = randomMap(u);
      const x = vec(u, m.nIn);
      const w1 = vec(u, m.nOut);
      const w2 = vec(u, m.nOut);
      const a = 4 * u() - 2;
      const b = 4 * u() - 2;
      const r1 = pull(m.f, x, w1);
      const r2 = pull(m.f, x, w2);
      const lhs = pull(m.f, x, w1.map((v, i) => a * v + b * w2[i]!));
      const rhs = r1.map((v, i) => a * v + b * r2[i]!);
      const zero = pull(m.f, x, new Float64Array(m.nOut));
      expect(Array.from(zero).every((v) => v === 0), `R[f](x, 0) = 0 for ${m.describe}`).toBe(true);
      const err = maxRel(lhs, rhs, Math.abs(a) * norm(r1) + Math.abs(b) * norm(r2) + 1e-300);
      worst = Math.max(worst, err);
      expect(err, `case ${c}: ${m.describe}`).toBeLessThan(1e-12);
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('RD.5: chain rule R[g∘f](x, w) = R[f](x, R[g](f(x), w))', () => {
    for (let c = 0; c < CASES; c++) {
      const u = uniforms(20_000 + c);
      const f = randomMap(u);
      const g = randomMap(u, f.nOut);
      const x = vec(u, f.nIn);
      const w = vec(u, g.nOut);
      const lhs = pull((t) => g.f(f.f(t)), x, w);
      const rhs = pull(f.f, x, pull(g.f, value(f.f, x), w));
      expect(maxRel(lhs, rhs, norm(rhs) + 1e-300), `case ${c}: ${g.describe} after ${f.describe}`).toBeLessThan(1e-12);
    }
  });

  it('RD.3–4: projections pull back to injections; pairing pulls back to a sum', () => {
    for (let c = 0; c < CASES; c++) {
      const u = uniforms(30_000 + c);
      const f = randomMap(u);
      const g = randomMap(u, f.nIn);
      const x = vec(u, f.nIn);
      const wa = vec(u, f.nOut);
      const wb = vec(u, g.nOut);
      // projections of the pair (a, b) ∈ R^{n+m}, written as slices of the concatenation
      const n = f.nIn;
      const m = g.nOut;
      const y = vec(u, m);
      const [pa, pb] = nn.scope(() => {
        const r0 = nn.vjp((a: T, b: T) => nn.slice(nn.concat([a, b]), 0, 0, n), nn.tensor(x), nn.tensor(y)).pullback(nn.tensor(vec(uniforms(c), n)));
        return [r0[0]!.data(), r0[1]!.data()];
      });
      expect(Array.from(pa)).toEqual(Array.from(vec(uniforms(c), n)));
      expect(Array.from(pb)).toEqual(new Array(m).fill(0));
      const [qa, qb] = nn.scope(() => {
        const r1 = nn.vjp((a: T, b: T) => nn.slice(nn.concat([a, b]), 0, n), nn.tensor(x), nn.tensor(y)).pullback(nn.tensor(wb));
        return [r1[0]!.data(), r1[1]!.data()];
      });
      expect(Array.from(qa)).toEqual(new Array(n).fill(0));
      expect(Array.from(qb)).toEqual(Array.from(wb));
      // pairing ⟨f, g⟩(x) = (f(x), g(x))
      const paired = pull((t) => nn.concat([f.f(t), g.f(t)]), x, Float64Array.from([...wa, ...wb]));
      const sum = pull(f.f, x, wa).map((v, i) => v + pull(g.f, x, wb)[i]!);
      expect(maxRel(paired, sum, norm(sum) + 1e-300), `case ${c}: ⟨${f.describe}, ${g.describe}⟩`).toBeLessThan(1e-12);
    }
  });

  it('dagger: ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ with J v by independent dual numbers', () => {
    let worst = 0;
    for (let c = 0; c < CASES; c++) {
      const u = uniforms(40_000 + c);
      const m = randomMap(u);
      const x = vec(u, m.nIn);
      const v = vec(u, m.nIn);
      const w = vec(u, m.nOut);
      const [y, jv] = m.dual(x, v);
      // the dual evaluator's value must be the engine's value (same function)
      expect(maxRel(y, value(m.f, x), norm(y) + 1e-300), `case ${c} value: ${m.describe}`).toBeLessThan(1e-12);
      const jtw = pull(m.f, x, w);
      const left = dot(jv, w);
      const right = dot(v, jtw);
      // relative to the terms' magnitudes: exact up to rounding
      let scale = 0;
      for (let i = 0; i < jv.length; i++) scale += Math.abs(jv[i]! * w[i]!);
      for (let i = 0; i < v.length; i++) scale += Math.abs(v[i]! * jtw[i]!);
      const err = Math.abs(left - right) / (scale + 1e-300);
      worst = Math.max(worst, err);
      expect(err, `case ${c}: ${m.describe}`).toBeLessThan(1e-12);
    }
    expect(worst).toBeLessThan(1e-12);
  });
});
