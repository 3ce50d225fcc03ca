/**
 * The core of a generator: a stream of uint32 words and its whole state as plain numbers, so a
 * checkpoint (JSON) can put it back exactly. `Rng` builds every draw on top of one of these.
 */
export interface BitGenerator {
  nextU32(): number;
  words(): number[];
  setWords(words: readonly number[]): void;
}

/** `words` checked for a core of `n` state words (a checkpoint of another generator is refused). */
export function checkWords(name: string, words: readonly number[], n: number): readonly number[] {
  if (words.length !== n || !words.every((w) => Number.isInteger(w))) {
    throw new RangeError(`${name}: state must be ${n} integer words, received ${JSON.stringify(words)}`);
  }
  return words;
}
