// The Tucker packing problem (Ghadiri, Fahrbach, Fu & Mirrokni, ICML 2023, Sec. 3): choose the core
// shape r (1 ≤ rₙ ≤ Iₙ) maximising the captured energy Σₙ Σ_{i≤rₙ} σ²ₙ,ᵢ — the higher-order singular
// values of the modes — subject to the parameter count Πₙ rₙ + Σₙ Iₙ rₙ ≤ B.
//
// Label-setting dynamic program over the modes. A label after modes 0..n is (q, c, v): partial core
// size q = Π rₘ, partial factor size c = Σ Iₘ rₘ and energy v. Two labels with the same (q, c) have
// the same feasible completions, so only the one of larger v is kept. Labels whose cheapest
// completion (every later rank 1) exceeds B are dropped. The last mode is closed in O(1): the value is
// non-decreasing in r, so the best r_{N−1} is the largest with (q + I)·r + c ≤ B.
//
//  * epsilon = 0: exact. The number of labels is at most the number of distinct (q, c) pairs reachable
//    within the budget over modes 0..N−2 (≤ Π_{n<N−1} Iₙ); the caller puts the largest mode last.
//  * epsilon > 0: with 1 + δ = (1+ε)^{1/(N−1)}, q and c are rounded UP to the geometric grid
//    {(1+δ)^k} after every mode but the last, and labels are merged per grid cell. Rounded costs only
//    over-estimate, so every returned shape is feasible; a shape of true cost C has rounded cost
//    ≤ (1+δ)^{N−1}·C = (1+ε)·C, so the result captures at least the energy of the best shape for the
//    budget B/(1+ε) (a bicriteria (1+ε) guarantee). The number of labels per mode is at most
//    (ln B / ln(1+δ))², independent of the mode sizes.

/** Bytes of work `tuckerPack` needs for `cap` labels. */
export function tuckerPackWorkBytes(cap: i32): usize {
  return <usize>cap * 32 + (<usize>hashSize(cap) << 2);
}

function hashSize(cap: i32): i32 {
  let h = 16;
  while (h < 2 * cap) h <<= 1;
  return h;
}

@inline function roundUp(x: f64, lg: f64): f64 {
  // Smallest grid point (1+δ)^k ≥ x, computed in WASM (deterministic).
  if (x <= 1.0) return 1.0;
  let k = Math.ceil(Math.log(x) / lg);
  let g = Math.exp(k * lg);
  while (g < x) { k += 1; g = Math.exp(k * lg); }
  while (k > 0 && Math.exp((k - 1) * lg) >= x) { k -= 1; g = Math.exp(k * lg); }
  return g;
}

/**
 * cum: for each mode in order, Iₙ + 1 doubles: cum[n][r] = Σ_{i<r} σ²ₙ,ᵢ (cum[n][0] = 0, non-decreasing).
 * dims: N i32. budget: B. epsilon: 0 (exact) or the approximation parameter ε. work: tuckerPackWorkBytes(cap).
 * out: N i32 ranks (written on success). Returns the number of labels used (≥ 1) on success,
 * −1 if the labels exceed `cap`, −2 if no shape fits the budget. `outValue` (1 double) receives the
 * captured energy Σ cum[n][rₙ].
 */
export function tuckerPack(cum: usize, dims: usize, N: i32, budget: f64, epsilon: f64, work: usize, cap: i32, out: usize, outValue: usize): i32 {
  const qa = work;
  const ca = qa + (<usize>cap << 3);
  const va = ca + (<usize>cap << 3);
  const pa = va + (<usize>cap << 3); // parent label (i32)
  const ra = pa + (<usize>cap << 2); // rank chosen at this label's mode (i32)
  const hs = hashSize(cap);
  const ht = ra + (<usize>cap << 2);
  const lg = epsilon > 0 && N > 1 ? Math.log1p(epsilon) / <f64>(N - 1) : 0.0;
  // rest[n] = Σ_{m>n} I_m: the cheapest linear cost of the modes after n.
  let totalI = 0.0;
  for (let n = 0; n < N; n++) totalI += <f64>load<i32>(dims + (<usize>n << 2));
  // Root label.
  store<f64>(qa, 1.0);
  store<f64>(ca, 0.0);
  store<f64>(va, 0.0);
  store<i32>(pa, -1);
  store<i32>(ra, 0);
  let start = 0;
  let end = 1;
  let cumOff: usize = cum;
  let restAfter = totalI;
  for (let n = 0; n < N - 1; n++) {
    const I = load<i32>(dims + (<usize>n << 2));
    restAfter -= <f64>I;
    memory.fill(ht, 0xff, <usize>hs << 2);
    const next = end;
    for (let a = start; a < next; a++) {
      const q = load<f64>(qa + (<usize>a << 3));
      const c = load<f64>(ca + (<usize>a << 3));
      const v = load<f64>(va + (<usize>a << 3));
      for (let r = 1; r <= I; r++) {
        let q2 = q * <f64>r;
        let c2 = c + <f64>I * <f64>r;
        if (lg > 0) { q2 = roundUp(q2, lg); c2 = roundUp(c2, lg); }
        if (q2 + c2 + restAfter > budget) break; // costs grow with r
        const v2 = v + load<f64>(cumOff + (<usize>r << 3));
        // Find or insert the label of (q2, c2).
        const key = (reinterpret<u64>(q2) * 0x9E3779B97F4A7C15) ^ (reinterpret<u64>(c2) * 0xC2B2AE3D27D4EB4F);
        let h = <i32>((key ^ (key >> 29)) & <u64>(hs - 1));
        while (true) {
          const slot = ht + (<usize>h << 2);
          const idx = load<i32>(slot);
          if (idx < 0) {
            if (end >= cap) return -1;
            store<i32>(slot, end);
            store<f64>(qa + (<usize>end << 3), q2);
            store<f64>(ca + (<usize>end << 3), c2);
            store<f64>(va + (<usize>end << 3), v2);
            store<i32>(pa + (<usize>end << 2), a);
            store<i32>(ra + (<usize>end << 2), r);
            end++;
            break;
          }
          if (load<f64>(qa + (<usize>idx << 3)) == q2 && load<f64>(ca + (<usize>idx << 3)) == c2) {
            if (v2 > load<f64>(va + (<usize>idx << 3))) {
              store<f64>(va + (<usize>idx << 3), v2);
              store<i32>(pa + (<usize>idx << 2), a);
              store<i32>(ra + (<usize>idx << 2), r);
            }
            break;
          }
          h = (h + 1) & (hs - 1);
        }
      }
    }
    start = next;
    cumOff += (<usize>(I + 1)) << 3;
    if (start == end) return -2;
  }
  // Close the last mode.
  const IL = load<i32>(dims + (<usize>(N - 1) << 2));
  let best = -1;
  let bestR = 0;
  let bestV = -Infinity;
  for (let a = start; a < end; a++) {
    const q = load<f64>(qa + (<usize>a << 3));
    const c = load<f64>(ca + (<usize>a << 3));
    let r = <i32>min<f64>(<f64>IL, Math.floor((budget - c) / (q + <f64>IL)));
    while (r >= 1 && (q + <f64>IL) * <f64>r + c > budget) r--;
    if (r < 1) continue;
    const v = load<f64>(va + (<usize>a << 3)) + load<f64>(cumOff + (<usize>r << 3));
    if (v > bestV) { bestV = v; best = a; bestR = r; }
  }
  if (best < 0) return -2;
  store<i32>(out + (<usize>(N - 1) << 2), bestR);
  let a = best;
  for (let n = N - 2; n >= 0; n--) {
    store<i32>(out + (<usize>n << 2), load<i32>(ra + (<usize>a << 2)));
    a = load<i32>(pa + (<usize>a << 2));
  }
  store<f64>(outValue, bestV);
  return end;
}
