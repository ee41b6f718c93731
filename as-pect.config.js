// as-pect runs the AssemblyScript specs (test/<family>/*.spec.ts) against the kernels directly.
// Its own runtime is AssemblyScript's default GC runtime; the specs take raw pointers from heap.alloc,
// as the bindings do from the arena.
export default {
  entries: ['test/**/*.spec.ts'],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
