/**
 * Small, fast, seedable PRNG (sfc32) plus seed derivation. Every tree of a
 * forest gets its own generator whose seed is derived from (forest seed, tree
 * index) only, so results do not depend on how trees are scheduled on workers.
 */

/** splitmix32-style integer hash: good avalanche for deriving seeds. */
export function mixSeed(a: number, b = 0): number {
  let z = (Math.imul(a | 0, 0x9e3779b9) ^ Math.imul((b | 0) + 0x7f4a7c15, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Seed of tree `treeIndex` of a forest seeded with `forestSeed`. */
export function treeSeed(forestSeed: number, treeIndex: number): number {
  return mixSeed(mixSeed(forestSeed, 0x5eed), treeIndex + 1);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mixSeed(seed, 1) | 0;
    this.b = mixSeed(seed, 2) | 0;
    this.c = mixSeed(seed, 3) | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform uint32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
