/**
 * Turning seeds and stream labels into starting states. Each scheme in `schemes.ts` keeps the
 * mixing its generator has always used, so every seed keeps its stream (and every synthetic file
 * its bytes).
 */

/** splitmix32: spreads nearby states (0, 1, 2...) over the whole uint32 range. */
export function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seed's low and high 32 bits xor-ed: seeds above 2^32 differ too. */
export function foldSeed(seed: number): number {
  return (Math.floor(seed) ^ Math.floor(seed / 4294967296)) >>> 0;
}

/** splitmix32-style hash of two integers, with good avalanche (the forest's per-tree seeds). */
export function mixSeed(a: number, b = 0): number {
  let z = (Math.imul(a | 0, 0x9e3779b9) ^ Math.imul((b | 0) + 0x7f4a7c15, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Seed of stream (seed, ...labels) under `mixSeed`: a forest's tree t is `deriveMixedSeed(seed, t)`. */
export function deriveMixedSeed(seed: number, ...labels: number[]): number {
  let s = seed;
  for (const label of labels) s = mixSeed(mixSeed(s, 0x5eed), label + 1);
  return s;
}

/** 32-bit FNV-1a with murmur finalising steps over integers (seed, epoch, ...): the training loop's keys. */
export function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    // Split into two 32-bit halves so seeds above 2^32 still matter.
    for (const word of [p >>> 0, Math.floor(p / 4294967296) >>> 0]) {
      h = Math.imul(h ^ word, 0x01000193) >>> 0;
      h ^= h >>> 13;
      h = Math.imul(h, 0x5bd1e995) >>> 0;
      h ^= h >>> 15;
    }
  }
  return h >>> 0;
}

/** 32-bit FNV-1a over the 16-bit halves of integers (seed, ...labels): the HMS generator's streams. */
export function hashInts(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    for (const w of [x >>> 0, Math.floor(x / 4294967296) >>> 0]) {
      h = Math.imul(h ^ (w & 0xffff), 0x01000193) >>> 0;
      h = Math.imul(h ^ (w >>> 16), 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}
