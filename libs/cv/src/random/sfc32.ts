import { checkWords, type BitGenerator } from './bitGenerator';

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): three seeded words and a counter
 * starting at 1, advanced 12 steps so that similar seeds part ways before the first draw.
 */
export function sfc32(a: number, b: number, c: number): BitGenerator {
  let s = [a | 0, b | 0, c | 0, 1];
  const core: BitGenerator = {
    nextU32: () => {
      const t = (((s[0] + s[1]) | 0) + s[3]) | 0;
      s[3] = (s[3] + 1) | 0;
      s[0] = s[1] ^ (s[1] >>> 9);
      s[1] = (s[2] + (s[2] << 3)) | 0;
      s[2] = (s[2] << 21) | (s[2] >>> 11);
      s[2] = (s[2] + t) | 0;
      return t >>> 0;
    },
    words: () => s.map((w) => w >>> 0),
    setWords: (w) => {
      s = checkWords('sfc32', w, 4).map((x) => x | 0);
    },
  };
  for (let i = 0; i < 12; i++) core.nextU32();
  return core;
}
