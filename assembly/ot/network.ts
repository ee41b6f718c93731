// Exact optimal transport by the primal network simplex on the complete bipartite graph sources →
// sinks (Ahuja, Magnanti & Orlin, Network Flows, 1993, ch. 11; the tree data structures and pivot
// of LEMON's NetworkSimplex (Kovács, "Minimum-cost flow algorithms: an experimental evaluation",
// Optim. Methods Softw. 2015), as used by POT's emd): block-search pivoting (blocks of ⌈√(nm)⌉
// arcs, the most negative reduced cost of the first block that has one enters), strongly feasible
// spanning trees (no cycling), and subtree potential updates by thread order.
//
// Nodes: sources 0..n−1 (supply a_i), sinks n..n+m−1 (supply −b_j), a root n+m. Arcs: i·m + j is
// source i → sink n + j with cost M_ij (its flow is P_ij, stored in P); n·m + v is node v's artificial
// arc, v → root at cost 0 when v's supply is ≥ 0, root → v at cost ART = (max|M| + 1)(n + m + 1)
// otherwise, which start as the tree. Reduced cost of arc s → t: cost + π_s − π_t (0 on the tree,
// ≥ 0 at the optimum). When Σa ≠ Σb the artificial arcs carry the difference: min(Σa, Σb) is moved
// (artificial arcs that left the tree are priced again in the final checks, so who keeps the excess
// is optimised too).
//
// Floating point: the flows are recomputed from the final tree at the end (leaves first), so that
// they are sums of the weights rather than the residue of many cycle updates (and a flow within
// 4 ulps of an endpoint's whole mass is set to that mass). An arc enters when its reduced cost is < −eps, eps = 2⁻⁴⁴(max|M| + 1). When no arc
// qualifies, π is recomputed from the tree (clearing the drift of the incremental updates) and all
// arcs are checked again; the run ends only when that clean check finds none. The returned duals are
// recomputed once more from the tree, each subtree of the root from 0 at its top (so that they carry
// no ART-sized offset), plus the offset of its top relative to the subtree of source 0.
// No allocation, no state, no throw.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
@inline function gi(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function si(p: usize, i: i32, x: i32): void {
  store<i32>(p + (<usize>i << 2), x);
}

/** Bytes of scratch otNetworkSimplex needs for n sources and m sinks (16-byte multiples). */
export function otNetworkSimplexWork(n: i32, m: i32): f64 {
  const N1 = <f64>(n + m + 1);
  return 3 * 8 * N1 + 8 * 4 * N1 + N1 + <f64>n * <f64>m + 64;
}

/**
 * A flow within 4 ulps of its source's whole supply ai or its sink's whole demand bj is set to it:
 * the arc carries an endpoint's entire mass, which the subtree sums only reproduce up to rounding.
 */
@inline function snap(x: f64, ai: f64, bj: f64): f64 {
  if (Math.abs(x - bj) <= 8.881784197001252e-16 * bj) return bj;
  if (Math.abs(x - ai) <= 8.881784197001252e-16 * ai) return ai;
  return x;
}

/** True when node v's artificial arc points up (v → root): its supply is ≥ 0. */
@inline function artUp(v: i32, n: i32, b: usize): bool {
  return v < n || at(b, v - n) == 0;
}

/** Cost of arc e. */
@inline function arcCost(e: i32, M: usize, nm: i32, n: i32, b: usize, art: f64): f64 {
  if (e < nm) return at(M, e);
  return artUp(e - nm, n, b) ? 0.0 : art;
}

/**
 * Fresh potentials from the tree (thread order from the root: a parent before its children):
 * π_root = 0, π_u = π_parent − cost if u's tree arc points up, + cost if down. With `local`, each
 * subtree of the root starts from 0 at its top (the artificial arcs' costs ignored).
 */
function treePotentials(pi: usize, M: usize, n: i32, m: i32, b: usize, art: f64, parent: usize, pred: usize, predDir: usize, thread: usize, local: bool): void {
  const root = n + m;
  const nm = n * m;
  put(pi, root, 0);
  for (let u = gi(thread, root); u != root; u = gi(thread, u)) {
    const p = gi(parent, u);
    if (local && p == root) {
      put(pi, u, 0);
      continue;
    }
    const c = arcCost(gi(pred, u), M, nm, n, b, art);
    put(pi, u, gi(predDir, u) > 0 ? at(pi, p) - c : at(pi, p) + c);
  }
}

/**
 * Solves min ⟨P, M⟩ over P ≥ 0 with P 1 ≤ a, Pᵀ 1 ≤ b moving min(Σa, Σb) (= the transport polytope
 * when the sums agree). Writes the plan P (n × m) and duals f (n), g (m): f_i + g_j ≤ M_ij + O(eps)
 * with equality where P_ij > 0. work: otNetworkSimplexWork(n, m) bytes, 16-aligned. Returns the
 * number of pivots, or −1 when maxIter pivots did not suffice.
 */
export function otNetworkSimplex(M: usize, n: i32, m: i32, a: usize, b: usize, P: usize, f: usize, g: usize, work: usize, maxIter: i32): i32 {
  const N = n + m;
  const root = N;
  const N1 = N + 1;
  const nm = n * m;
  const pi = work;
  const art = pi + (<usize>N1 << 3); // flows of the artificial arcs
  const loc = art + (<usize>N1 << 3);
  const parent = loc + (<usize>N1 << 3);
  const pred = parent + (<usize>N1 << 2);
  const predDir = pred + (<usize>N1 << 2);
  const thread = predDir + (<usize>N1 << 2);
  const revThread = thread + (<usize>N1 << 2);
  const succNum = revThread + (<usize>N1 << 2);
  const lastSucc = succNum + (<usize>N1 << 2);
  const dirty = lastSucc + (<usize>N1 << 2);
  const artState = dirty + (<usize>N1 << 2); // N1 bytes, the artificial arcs' states
  const state = artState + <usize>N1; // nm bytes: 1 = at its lower bound 0, 0 = in the tree

  let maxAbs = 0.0;
  for (let e = 0; e < nm; e++) maxAbs = max(maxAbs, Math.abs(at(M, e)));
  const ART = (maxAbs + 1) * <f64>N1;
  const eps = (maxAbs + 1) * 5.684341886080802e-14; // 2⁻⁴⁴(max|M| + 1)

  memory.fill(P, 0, <usize>nm << 3);
  memory.fill(state, 1, <usize>nm);
  memory.fill(artState, 0, <usize>N1);
  for (let u = 0; u < N; u++) {
    si(parent, u, root);
    si(pred, u, nm + u);
    si(thread, u, u + 1);
    si(revThread, u + 1, u);
    si(succNum, u, 1);
    si(lastSucc, u, u);
    if (artUp(u, n, b)) {
      si(predDir, u, 1);
      put(pi, u, 0);
      put(art, u, u < n ? at(a, u) : 0.0);
    } else {
      si(predDir, u, -1);
      put(pi, u, ART);
      put(art, u, at(b, u - n));
    }
  }
  si(parent, root, -1);
  si(pred, root, -1);
  si(thread, root, 0);
  si(revThread, 0, root);
  si(succNum, root, N1);
  si(lastSucc, root, root - 1);
  put(pi, root, 0);

  const block = max(10, <i32>Math.ceil(Math.sqrt(<f64>nm)));
  let nextArc = 0;
  let pivots = 0;
  while (true) {
    // Entering arc: block search from nextArc, cyclically.
    let inArc = -1;
    let minC = -eps;
    {
      let e = nextArc;
      let i = e / m;
      let j = e - i * m;
      let cnt = block;
      for (let k = 0; k < nm; k++) {
        if (load<u8>(state + <usize>e) != 0) {
          const c = at(M, e) + at(pi, i) - at(pi, n + j);
          if (c < minC) {
            minC = c;
            inArc = e;
          }
        }
        e++;
        j++;
        if (j == m) {
          j = 0;
          i++;
          if (i == n) {
            i = 0;
            e = 0;
          }
        }
        if (--cnt == 0) {
          if (inArc >= 0) break;
          cnt = block;
        }
      }
      nextArc = e;
    }
    if (inArc < 0) {
      // Candidate optimum: recompute π from the tree and check every arc once more.
      treePotentials(pi, M, n, m, b, ART, parent, pred, predDir, thread, false);
      let e = 0;
      for (let i = 0; i < n; i++) {
        const pii = at(pi, i);
        for (let j = 0; j < m; j++) {
          if (load<u8>(state + <usize>e) != 0) {
            const c = at(M, e) + pii - at(pi, n + j);
            if (c < minC) {
              minC = c;
              inArc = e;
            }
          }
          e++;
        }
      }
      // The artificial arcs may re-enter: where Σa ≠ Σb they carry the difference, and which nodes keep
      // it is part of the optimisation (v → root at cost 0, root → v at cost ART).
      for (let v = 0; v < N; v++) {
        if (load<u8>(artState + <usize>v) == 0) continue;
        const c = artUp(v, n, b) ? at(pi, v) - at(pi, root) : ART + at(pi, root) - at(pi, v);
        if (c < minC) {
          minC = c;
          inArc = nm + v;
        }
      }
      if (inArc < 0) break;
    }
    if (pivots >= maxIter) return -1;
    pivots++;

    // Join node: the first common ancestor of the entering arc's ends.
    let first = 0;
    let second = 0;
    if (inArc < nm) {
      first = inArc / m;
      second = n + (inArc - first * m);
    } else if (artUp(inArc - nm, n, b)) {
      first = inArc - nm;
      second = root;
    } else {
      first = root;
      second = inArc - nm;
    }
    let u = first;
    let v = second;
    while (u != v) {
      if (gi(succNum, u) < gi(succNum, v)) u = gi(parent, u);
      else v = gi(parent, v);
    }
    const join = u;

    // Leaving arc: the blocking arc of the cycle, the last one met on the second side (strongly feasible).
    let delta = Infinity;
    let uOut = -1;
    let result = 0;
    for (u = first; u != join; u = gi(parent, u)) {
      if (gi(predDir, u) > 0) {
        const e = gi(pred, u);
        const d = e < nm ? at(P, e) : at(art, e - nm);
        if (d < delta) {
          delta = d;
          uOut = u;
          result = 1;
        }
      }
    }
    for (u = second; u != join; u = gi(parent, u)) {
      if (gi(predDir, u) < 0) {
        const e = gi(pred, u);
        const d = e < nm ? at(P, e) : at(art, e - nm);
        if (d <= delta) {
          delta = d;
          uOut = u;
          result = 2;
        }
      }
    }
    if (result == 0) return -1; // unbounded: impossible with nonnegative flows and artificial arcs
    const uIn = result == 1 ? first : second;
    const vIn = result == 1 ? second : first;

    // Push delta around the cycle.
    if (delta > 0) {
      if (inArc < nm) put(P, inArc, at(P, inArc) + delta);
      else put(art, inArc - nm, at(art, inArc - nm) + delta);
      for (u = first; u != join; u = gi(parent, u)) {
        const e = gi(pred, u);
        const dd = gi(predDir, u) > 0 ? -delta : delta;
        if (e < nm) put(P, e, at(P, e) + dd);
        else put(art, e - nm, at(art, e - nm) + dd);
      }
      for (u = second; u != join; u = gi(parent, u)) {
        const e = gi(pred, u);
        const dd = gi(predDir, u) > 0 ? delta : -delta;
        if (e < nm) put(P, e, at(P, e) + dd);
        else put(art, e - nm, at(art, e - nm) + dd);
      }
    }
    if (inArc < nm) store<u8>(state + <usize>inArc, 0);
    else store<u8>(artState + <usize>(inArc - nm), 0);
    const outArc = gi(pred, uOut);
    if (outArc < nm) {
      put(P, outArc, 0);
      store<u8>(state + <usize>outArc, 1);
    } else {
      put(art, outArc - nm, 0);
      store<u8>(artState + <usize>(outArc - nm), 1);
    }

    // Update the tree: the subtree of uOut is re-hung below vIn by the entering arc.
    const oldRevThread = gi(revThread, uOut);
    const oldSuccNum = gi(succNum, uOut);
    const oldLastSucc = gi(lastSucc, uOut);
    const vOut = gi(parent, uOut);
    const inDir = uIn == first ? 1 : -1; // the entering arc points up from uIn when uIn is its source
    if (uIn == uOut) {
      si(parent, uIn, vIn);
      si(pred, uIn, inArc);
      si(predDir, uIn, inDir);
      if (gi(thread, vIn) != uOut) {
        let after = gi(thread, oldLastSucc);
        si(thread, oldRevThread, after);
        si(revThread, after, oldRevThread);
        after = gi(thread, vIn);
        si(thread, vIn, uOut);
        si(revThread, uOut, vIn);
        si(thread, oldLastSucc, after);
        si(revThread, after, oldLastSucc);
      }
    } else {
      const threadContinue = oldRevThread == vIn ? gi(thread, oldLastSucc) : gi(thread, vIn);
      let stem = uIn;
      let parStem = vIn;
      let last = gi(lastSucc, uIn);
      let after = gi(thread, last);
      si(thread, vIn, uIn);
      let nd = 0;
      si(dirty, nd++, vIn);
      while (stem != uOut) {
        const nextStem = gi(parent, stem);
        si(thread, last, nextStem);
        si(dirty, nd++, last);
        const before = gi(revThread, stem);
        si(thread, before, after);
        si(revThread, after, before);
        si(parent, stem, parStem);
        parStem = stem;
        stem = nextStem;
        last = gi(lastSucc, stem) == gi(lastSucc, parStem) ? gi(revThread, parStem) : gi(lastSucc, stem);
        after = gi(thread, last);
      }
      si(parent, uOut, parStem);
      si(thread, last, threadContinue);
      si(revThread, threadContinue, last);
      si(lastSucc, uOut, last);
      if (oldRevThread != vIn) {
        si(thread, oldRevThread, after);
        si(revThread, after, oldRevThread);
      }
      for (let k = 0; k < nd; k++) {
        const w = gi(dirty, k);
        si(revThread, gi(thread, w), w);
      }
      let tmpSc = 0;
      const tmpLs = gi(lastSucc, uOut);
      for (let w = uOut, p = gi(parent, w); w != uIn; w = p, p = gi(parent, w)) {
        si(pred, w, gi(pred, p));
        si(predDir, w, -gi(predDir, p));
        tmpSc += gi(succNum, w) - gi(succNum, p);
        si(succNum, w, tmpSc);
        si(lastSucc, p, tmpLs);
      }
      si(pred, uIn, inArc);
      si(predDir, uIn, inDir);
      si(succNum, uIn, oldSuccNum);
    }
    const upLimitOut = gi(lastSucc, join) == vIn ? join : -1;
    const lastSuccOut = gi(lastSucc, uOut);
    for (let w = vIn; w != -1 && gi(lastSucc, w) == vIn; w = gi(parent, w)) si(lastSucc, w, lastSuccOut);
    if (join != oldRevThread && vIn != oldRevThread) {
      for (let w = vOut; w != upLimitOut && gi(lastSucc, w) == oldLastSucc; w = gi(parent, w)) si(lastSucc, w, oldRevThread);
    } else if (lastSuccOut != oldLastSucc) {
      for (let w = vOut; w != upLimitOut && gi(lastSucc, w) == oldLastSucc; w = gi(parent, w)) si(lastSucc, w, lastSuccOut);
    }
    for (let w = vIn; w != join; w = gi(parent, w)) si(succNum, w, gi(succNum, w) + oldSuccNum);
    for (let w = vOut; w != join; w = gi(parent, w)) si(succNum, w, gi(succNum, w) - oldSuccNum);

    // Potentials of the moved subtree: the entering arc's reduced cost becomes 0.
    const cIn = arcCost(inArc, M, nm, n, b, ART);
    const sigma = at(pi, vIn) - at(pi, uIn) - (inDir > 0 ? cIn : -cIn);
    const end = gi(thread, gi(lastSucc, uIn));
    for (let w = uIn; w != end; w = gi(thread, w)) put(pi, w, at(pi, w) + sigma);
  }

  // Flows recomputed from the final tree, leaves first: the arc above u carries the net supply of u's
  // subtree (exact where a subtree is one node, e.g. P_ij = b_j for a leaf sink), clearing the
  // rounding the cycle updates accumulated. `art` holds the subtree excesses.
  for (let u = 0; u < N; u++) put(art, u, u < n ? at(a, u) : -at(b, u - n));
  for (let u = gi(revThread, root); u != root; u = gi(revThread, u)) {
    const ex = at(art, u);
    const e = gi(pred, u);
    const p = gi(parent, u);
    if (e < nm) put(P, e, snap(max(0.0, gi(predDir, u) > 0 ? ex : -ex), at(a, e / m), at(b, e % m)));
    if (p != root) put(art, p, at(art, p) + ex);
  }

  // Duals: local potentials per subtree of the root plus each subtree's offset relative to source 0's.
  treePotentials(loc, M, n, m, b, ART, parent, pred, predDir, thread, true);
  let top = 0;
  for (let u = 0; gi(parent, u) != root; u = gi(parent, u)) top = gi(parent, u);
  const c0 = at(pi, top);
  let offset = 0.0;
  for (let u = gi(thread, root); u != root; u = gi(thread, u)) {
    if (gi(parent, u) == root) offset = at(pi, u) - c0;
    const p = offset + at(loc, u);
    if (u < n) put(f, u, -p);
    else put(g, u - n, p);
  }
  return pivots;
}
