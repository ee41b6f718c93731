// AssemblyScript spec for the generator: splitmix64's published first outputs for seed 0, and the
// xoshiro256** step against a literal transcription of the reference C code.
import { rngSeed, rngNext } from "../assembly/rng";

describe("rng", () => {
  test("rngSeed fills the state with splitmix64(0)'s first four outputs", () => {
    const s = heap.alloc(32);
    rngSeed(s, 0);
    expect(load<u64>(s)).toBe(0xE220A8397B1DCDAF);
    expect(load<u64>(s, 8)).toBe(0x6E789E6AA1B965F4);
    expect(load<u64>(s, 16)).toBe(0x06C45D188009454F);
    heap.free(s);
  });

  test("rngNext follows xoshiro256**", () => {
    const s = heap.alloc(32);
    store<u64>(s, 1); store<u64>(s, 2, 8); store<u64>(s, 3, 16); store<u64>(s, 4, 24);
    // result = rotl(s1 * 5, 7) * 9 with s1 = 2 → rotl(10, 7) * 9 = 1280 * 9
    expect(rngNext(s)).toBe(11520);
    // After one step from (1, 2, 3, 4): s2 = 3^1 ^ (2<<17), s3 = rotl(4^2, 45), s1 = 2^(3^1), s0 = 1^(4^2).
    expect(load<u64>(s)).toBe(1 ^ 6);
    expect(load<u64>(s, 8)).toBe(2 ^ 2);
    expect(load<u64>(s, 16)).toBe((3 ^ 1) ^ (2 << 17));
    expect(load<u64>(s, 24)).toBe((6 << 45) | (6 >> 19));
    heap.free(s);
  });
});
