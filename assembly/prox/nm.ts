// Exact Euclidean projection onto N:M semi-structured sparsity: in every group of m consecutive
// entries keep the nk entries of largest magnitude and zero the others (the projection onto the
// union of the coordinate subspaces; ties broken by the lowest index). len must be a multiple of m.
// out may equal v. Returns 1 if v holds NaN or ±Inf.

export function nmProject(v: usize, len: i32, nk: i32, m: i32, out: usize): i32 {
  let flag = 0.0;
  for (let g = 0; g < len; g += m) {
    // Rank of entry i = how many entries of the group beat it (larger |.|, or equal and earlier).
    // Kept iff its rank < nk. O(m²) per group; m is small (4 for 2:4).
    for (let i = 0; i < m; i++) {
      const xi = load<f64>(v + (<usize>(g + i) << 3));
      flag += xi - xi;
    }
    if (flag != 0) return 1;
    let keep: u64 = 0;
    for (let i = 0; i < m; i++) {
      const ai = abs<f64>(load<f64>(v + (<usize>(g + i) << 3)));
      let rank = 0;
      for (let j = 0; j < m; j++) {
        const aj = abs<f64>(load<f64>(v + (<usize>(g + j) << 3)));
        rank += i32(aj > ai || (aj == ai && j < i));
      }
      if (rank < nk) keep |= (<u64>1) << <u64>i;
    }
    for (let i = 0; i < m; i++) {
      const p = <usize>(g + i) << 3;
      store<f64>(out + p, (keep >> <u64>i) & 1 ? load<f64>(v + p) : 0.0);
    }
  }
  return 0;
}
