import { describe, expect, it } from 'vitest';
import { parsePpm } from '../../bindings/demo/tucker.js';
import boats from '../../data/images/nagasaki-boats-rgb-128.ppm';

describe('parsePpm (the tucker demo photograph loader)', () => {
  it('reads the embedded P6 photograph as a 102 × 128 × 3 tensor in [0, 1]', () => {
    const T = parsePpm(boats);
    expect(T.shape).toEqual([102, 128, 3]);
    expect(T.data.length).toBe(102 * 128 * 3);
    expect(Math.min(...T.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...T.data)).toBeLessThanOrEqual(1);
    // the first pixel's bytes follow the 15-byte header "P6\n128 102\n255\n"
    expect(T.data[0]).toBe(boats[15]! / 255);
  });

  it('skips comments, scales by maxval, and rejects other formats', () => {
    const head = new TextEncoder().encode('P6\n# a comment\n2 1\n100\n');
    const bytes = new Uint8Array(head.length + 6);
    bytes.set(head);
    bytes.set([0, 50, 100, 25, 75, 10], head.length);
    const T = parsePpm(bytes);
    expect(T.shape).toEqual([1, 2, 3]);
    expect(Array.from(T.data)).toEqual([0, 0.5, 1, 0.25, 0.75, 0.1]);
    expect(() => parsePpm(new TextEncoder().encode('P5\n2 1\n255\nab'))).toThrow('parsePpm: not a P6 PPM with maxval < 256 (got P5 2×1 max 255)');
  });
});
