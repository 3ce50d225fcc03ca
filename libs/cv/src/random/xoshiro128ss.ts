import { checkWords, type BitGenerator } from './bitGenerator';

/** xoshiro128** (Blackman & Vigna): 128-bit state, integer ops only, so a seed is one stream everywhere. */
export function xoshiro128ss(a: number, b: number, c: number, d: number): BitGenerator {
  // The all-zero state is a fixed point.
  let s = (a | b | c | d) === 0 ? [1, 0, 0, 0] : [a | 0, b | 0, c | 0, d | 0];
  return {
    nextU32: () => {
      const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
      const t = s[1] << 9;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = rotl(s[3], 11);
      return result;
    },
    words: () => s.map((w) => w >>> 0),
    setWords: (w) => {
      s = checkWords('xoshiro128**', w, 4).map((x) => x | 0);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
