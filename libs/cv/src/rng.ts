/**
 * Small seeded RNG (xoshiro128**, seeded through splitmix32) for shuffling
 * folds. numpy's RandomState (MT19937 + its own shuffle/choice algorithms)
 * is not reproduced, so shuffled folds never equal scikit-learn's; they are
 * only deterministic for a given seed.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T;
}

export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createRng: seed must be a safe integer, received ${String(seed)}`);
  }
  // splitmix32 spreads nearby seeds (0, 1, 2...) over the whole state space;
  // fold in the high bits so large seeds differ too.
  let sm = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const rng: Rng = {
    // 53 random bits so int(n) is unbiased enough for any array length.
    next: () => (nextU32() * 2 ** 21 + (nextU32() >>> 11)) / 2 ** 53,
    int: (n: number) => Math.floor(rng.next() * n),
    shuffle: (a) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
      }
      return a;
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
