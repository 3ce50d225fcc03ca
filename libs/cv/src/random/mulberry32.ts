import { checkWords, type BitGenerator } from './bitGenerator';

/** mulberry32 (Tommy Ettinger): one uint32 of state, so a checkpoint stores a single number. */
export function mulberry32(state: number): BitGenerator {
  let s = state >>> 0;
  return {
    nextU32: () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    },
    words: () => [s],
    setWords: (w) => {
      s = checkWords('mulberry32', w, 1)[0] >>> 0;
    },
  };
}
