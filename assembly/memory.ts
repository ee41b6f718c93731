// The arena that the bindings allocate from. Kernels never allocate: they borrow pointers.
//
// AssemblyScript's stub runtime can only release its most recent block, so proxkit keeps its own
// first-fit, address-ordered free list above __heap_base. Blocks are 16-byte aligned (f64x2 loads)
// and carry a 16-byte header: [total size u32 | next free u32 | 8 unused]. Freed blocks coalesce with
// their neighbours and a free block touching the top lowers the top, so a workload that frees
// everything it allocated returns to the same top, whatever the order of the frees.
// Allocation failure returns 0 instead of trapping; the bindings turn it into a MemoryError.

const HEADER: usize = 16;
const ALIGN_MASK: usize = 15;
const MIN_SPLIT: usize = 32;
// Largest request served: keeps every size computation below 2^32.
const MAX_REQUEST: u64 = 0xFFFF0000 - 64;

let top: usize = 0;
let freeHead: usize = 0;
let used: usize = 0;

@inline function sizeOf(block: usize): usize { return <usize>load<u32>(block); }
@inline function setSize(block: usize, size: usize): void { store<u32>(block, <u32>size); }
@inline function nextOf(block: usize): usize { return <usize>load<u32>(block, 4); }
@inline function setNext(block: usize, next: usize): void { store<u32>(block, <u32>next, 4); }

function ensureTop(): void {
  if (top == 0) top = (__heap_base + ALIGN_MASK) & ~ALIGN_MASK;
}

/** Bytes of linear memory currently committed (memory.size in bytes). */
function committed(): u64 {
  return <u64>memory.size() << 16;
}

/** Allocates `bytes` bytes, 16-byte aligned. Returns 0 when the memory cap is reached. */
export function alloc(bytes: usize): usize {
  ensureTop();
  if (<u64>bytes > MAX_REQUEST) return 0;
  let size = (bytes + HEADER + ALIGN_MASK) & ~ALIGN_MASK;
  let prev: usize = 0;
  let block = freeHead;
  while (block != 0) {
    const have = sizeOf(block);
    if (have >= size) {
      let next = nextOf(block);
      if (have - size >= MIN_SPLIT) {
        const rest = block + size;
        setSize(rest, have - size);
        setNext(rest, next);
        next = rest;
      } else {
        size = have;
      }
      if (prev != 0) setNext(prev, next); else freeHead = next;
      setSize(block, size);
      used += size;
      return block + HEADER;
    }
    prev = block;
    block = nextOf(block);
  }
  const end = <u64>top + <u64>size;
  const have = committed();
  if (end > have) {
    const needed = <i32>((end - have + 0xFFFF) >> 16);
    // Grow by at least half the current size so that repeated growth stays rare: every grow
    // detaches the JS views over memory.
    const generous = max<i32>(needed, memory.size() >> 1);
    if (memory.grow(generous) < 0 && memory.grow(needed) < 0) return 0;
  }
  const block2 = top;
  setSize(block2, size);
  top = <usize>end;
  used += size;
  return block2 + HEADER;
}

/** Returns a block from `alloc` to the arena. `free(0)` does nothing. */
export function free(ptr: usize): void {
  if (ptr == 0) return;
  let block = ptr - HEADER;
  let size = sizeOf(block);
  used -= size;
  if (block + size == top) {
    top = block;
    // The list is coalesced, so at most its last block can now touch the top.
    let prev: usize = 0;
    let last = freeHead;
    if (last == 0) return;
    while (nextOf(last) != 0) { prev = last; last = nextOf(last); }
    if (last + sizeOf(last) == top) {
      top = last;
      if (prev != 0) setNext(prev, 0); else freeHead = 0;
    }
    return;
  }
  let prev: usize = 0;
  let next = freeHead;
  while (next != 0 && next < block) { prev = next; next = nextOf(next); }
  if (next != 0 && block + size == next) {
    size += sizeOf(next);
    next = nextOf(next);
  }
  if (prev != 0 && prev + sizeOf(prev) == block) {
    setSize(prev, sizeOf(prev) + size);
    setNext(prev, next);
  } else {
    setSize(block, size);
    setNext(block, next);
    if (prev != 0) setNext(prev, block); else freeHead = block;
  }
}

/** Bytes held by live blocks, headers included. 0 when everything allocated has been freed. */
export function allocatedBytes(): usize {
  return used;
}

/** End of the highest block ever handed out and not yet returned (the arena's high-water mark). */
export function arenaTop(): usize {
  ensureTop();
  return top;
}
