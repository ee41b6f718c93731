// Seeded generator shared by every stochastic routine: xoshiro256** (Blackman & Vigna, 2018) with
// its 256-bit state filled from the seed by splitmix64, as the xoshiro authors recommend. The state
// is four u64 words at `state`; the bindings own it and pass it in, so the module holds no state.

// 2⁻⁵³: maps the top 53 bits of an output onto [0, 1).
const INV_2_53: f64 = 1.1102230246251565e-16;

@inline function rotl(x: u64, k: u64): u64 {
  return (x << k) | (x >> (64 - k));
}

/** Fills the four state words from `seed` with splitmix64. */
export function rngSeed(state: usize, seed: u64): void {
  let z = seed;
  for (let k: usize = 0; k < 4; k++) {
    z += 0x9E3779B97F4A7C15;
    let x = z;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
    store<u64>(state + (k << 3), x ^ (x >> 31));
  }
}

// @ts-ignore: decorator
@lazy let s0: u64 = 0;
// @ts-ignore: decorator
@lazy let s1: u64 = 0;
// @ts-ignore: decorator
@lazy let s2: u64 = 0;
// @ts-ignore: decorator
@lazy let s3: u64 = 0;

@inline function loadState(state: usize): void {
  s0 = load<u64>(state); s1 = load<u64>(state, 8); s2 = load<u64>(state, 16); s3 = load<u64>(state, 24);
}
@inline function saveState(state: usize): void {
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

@inline function next(): u64 {
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 45);
  return result;
}

/** The next 64-bit output. */
export function rngNext(state: usize): u64 {
  loadState(state);
  const r = next();
  saveState(state);
  return r;
}

/** out[0..n) = uniform doubles in [0, 1): the top 53 bits of each output times 2⁻⁵³. */
export function rngUniform(state: usize, out: usize, n: i32): void {
  loadState(state);
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>(next() >> 11) * INV_2_53);
  saveState(state);
}

/**
 * out[0..n) = standard normal doubles by the Box–Muller transform: each pair of uniforms u₁ ∈ (0, 1],
 * u₂ ∈ [0, 1) gives √(−2 ln u₁)·(cos 2πu₂, sin 2πu₂). Uses this module's own log/cos/sin, so the bits
 * do not depend on the host's Math.
 */
export function rngNormal(state: usize, out: usize, n: i32): void {
  loadState(state);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1.0 - <f64>(next() >> 11) * INV_2_53;
    const u2 = <f64>(next() >> 11) * INV_2_53;
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const theta = 2.0 * Math.PI * u2;
    store<f64>(out + (<usize>i << 3), r * Math.cos(theta));
    if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), r * Math.sin(theta));
  }
  saveState(state);
}
