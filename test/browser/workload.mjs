// The seeded computations whose outputs must be bit-identical in Node and in the browser. Plain
// JavaScript (no TypeScript, no imports) so that the browser spec can serve this very file to the
// page and import it in Node: both sides run the same code against the same dist/index.js.

/** The little-endian bytes of a Float64Array (the view's window only). */
function bytes(x) {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/**
 * Runs the fixed workload with `lib` (the proxkit module) and `sha256` (bytes → Promise<hex>).
 * Returns { digests: { name: hex }, summary: { name: number } }; the summary holds counts and sums
 * that show the outputs are not trivial (all zero, all equal, …).
 */
export async function workload(lib, sha256) {
  const { init, rng, softThreshold, projectSimplex } = lib;
  await init();
  const digests = {};
  const summary = {};
  for (const seed of [1, 2, 3]) {
    const v = rng(seed).normal(100000);
    const a = softThreshold(v, 0.5);
    const b = projectSimplex(v, 3);
    const u = rng(seed).uniform(1000);
    digests[`normal/${seed}`] = await sha256(bytes(v));
    digests[`softThreshold/${seed}`] = await sha256(bytes(a));
    digests[`projectSimplex/${seed}`] = await sha256(bytes(b));
    digests[`uniform/${seed}`] = await sha256(bytes(u));
    summary[`softThreshold/${seed}/nonzero`] = a.filter((q) => q !== 0).length;
    summary[`projectSimplex/${seed}/support`] = b.filter((q) => q > 0).length;
    summary[`projectSimplex/${seed}/sum`] = b.reduce((s, q) => s + q, 0);
    summary[`uniform/${seed}/distinct`] = new Set(u).size;
  }
  // The chain `proxkit demo` prints (seed 42), so its SHA-256 line can be checked against a browser.
  const x = projectSimplex(softThreshold(rng(42).normal(100000), 1), 10);
  digests['demo/42'] = await sha256(bytes(x));
  return { digests, summary };
}
