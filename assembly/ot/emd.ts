// Exact optimal transport by successive shortest paths with potentials (a primal-dual min-cost-flow:
// Ahuja, Magnanti & Orlin, Network Flows, 1993, §9.7) on the complete bipartite graph sources → sinks.
// Each round runs a dense O((n+m)² + nm) Dijkstra on reduced costs from every source with supply left
// to the nearest sink with demand left, updates the potentials, and pushes the bottleneck amount
// (supply, demand, or the flow on a reversed arc). The potentials are dual variables: with
// f_i = −pot[i] and g_j = pot[n + j], f_i + g_j ≤ M_ij everywhere and = on the support of the plan.
// No allocation; scratch is the caller's. Non-finite M is the bindings' to reject.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * Solves min ⟨P, M⟩ s.t. P ≥ 0, P 1 ≤ sup, Pᵀ 1 ≤ dem moving min(Σsup, Σdem); P (n × m) is written,
 * sup and dem are consumed (left with the unmoved remainders), pot (n + m) receives the potentials.
 * Scratch: dist (n + m doubles), pred and seen (n + m i32 each). Returns the number of augmentations,
 * or −1 when maxAug is reached first.
 */
export function otEmd(M: usize, n: i32, m: i32, sup: usize, dem: usize, P: usize, pot: usize, dist: usize, pred: usize, seen: usize, maxAug: i32): i32 {
  const V = n + m;
  memory.fill(P, 0, (<usize>n * <usize>m) << 3);
  for (let i = 0; i < n; i++) put(pot, i, 0);
  for (let j = 0; j < m; j++) {
    let mn = Infinity;
    for (let i = 0; i < n; i++) mn = min(mn, at(M, i * m + j));
    put(pot, n + j, mn); // reduced costs M_ij − pot_j ≥ 0 from the start, whatever the sign of M
  }
  let aug = 0;
  while (true) {
    let anyS = false;
    let anyD = false;
    for (let i = 0; i < n; i++) if (at(sup, i) > 0) anyS = true;
    for (let j = 0; j < m; j++) if (at(dem, j) > 0) anyD = true;
    if (!anyS || !anyD) break;
    if (aug >= maxAug) return -1;
    for (let v = 0; v < V; v++) {
      put(dist, v, v < n && at(sup, v) > 0 ? 0.0 : Infinity);
      store<i32>(pred + (<usize>v << 2), -1);
      store<i32>(seen + (<usize>v << 2), 0);
    }
    let t = -1;
    let dt = Infinity;
    while (true) {
      let x = -1;
      let dx = Infinity;
      for (let v = 0; v < V; v++) {
        if (load<i32>(seen + (<usize>v << 2)) == 0 && at(dist, v) < dx) {
          x = v;
          dx = at(dist, v);
        }
      }
      if (x < 0) break;
      store<i32>(seen + (<usize>x << 2), 1);
      if (x >= n && at(dem, x - n) > 0) {
        t = x;
        dt = dx;
        break;
      }
      const px = at(pot, x);
      if (x < n) {
        const row = M + ((<usize>x * <usize>m) << 3);
        for (let j = 0; j < m; j++) {
          const v = n + j;
          if (load<i32>(seen + (<usize>v << 2)) != 0) continue;
          let rc = at(row, j) + px - at(pot, v);
          if (rc < 0) rc = 0; // rounding only: reduced costs are ≥ 0 in exact arithmetic
          const nd = dx + rc;
          if (nd < at(dist, v)) {
            put(dist, v, nd);
            store<i32>(pred + (<usize>v << 2), x);
          }
        }
      } else {
        const j = x - n;
        for (let i = 0; i < n; i++) {
          if (load<i32>(seen + (<usize>i << 2)) != 0 || at(P, i * m + j) <= 0) continue;
          let rc = px - at(M, i * m + j) - at(pot, i);
          if (rc < 0) rc = 0;
          const nd = dx + rc;
          if (nd < at(dist, i)) {
            put(dist, i, nd);
            store<i32>(pred + (<usize>i << 2), x);
          }
        }
      }
    }
    if (t < 0) break;
    for (let v = 0; v < V; v++) {
      const d = at(dist, v);
      put(pot, v, at(pot, v) + (d < dt ? d : dt));
    }
    // bottleneck along the path t ← … ← origin source
    let delta = at(dem, t - n);
    let v = t;
    let u = load<i32>(pred + (<usize>v << 2));
    while (u >= 0) {
      if (u >= n) delta = min(delta, at(P, v * m + (u - n))); // reversed arc sink u → source v
      v = u;
      u = load<i32>(pred + (<usize>v << 2));
    }
    const origin = v;
    delta = min(delta, at(sup, origin));
    v = t;
    u = load<i32>(pred + (<usize>v << 2));
    while (u >= 0) {
      if (u < n) put(P, u * m + (v - n), at(P, u * m + (v - n)) + delta);
      else {
        const k = v * m + (u - n);
        const f = at(P, k);
        put(P, k, f == delta ? 0.0 : f - delta);
      }
      v = u;
      u = load<i32>(pred + (<usize>v << 2));
    }
    const s = at(sup, origin);
    put(sup, origin, s == delta ? 0.0 : s - delta);
    const d = at(dem, t - n);
    put(dem, t - n, d == delta ? 0.0 : d - delta);
    aug++;
  }
  return aug;
}
