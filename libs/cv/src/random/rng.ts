import type { BitGenerator } from './bitGenerator';

/**
 * How a generator is built and how its floats are formed. The project's generators differed in
 * exactly these points; a scheme keeps each one's stream bit for bit (see `schemes.ts`).
 */
export interface RngScheme {
  /** Recorded in `state()`, so a checkpoint is never restored into another generator. */
  readonly name: string;
  /** The core seeded for stream (seed, ...labels); no labels is the root stream. */
  create(seed: number, labels: readonly number[]): BitGenerator;
  /** `next()` from one word (u32 / 2^32) or 53 bits of two words (uniform enough for `int` of any length). */
  readonly floatBits: 32 | 53;
  /**
   * Box-Muller's uniforms: the radius from `open()` (never 0) or from `next()` redrawn at 0; the
   * angle from `next()` or `open()`.
   */
  readonly normal: { readonly radius: 'open' | 'nonzero'; readonly angle: 'next' | 'open' };
}

/** Where a generator stands, as plain JSON (checkpoints). */
export interface RngState {
  readonly scheme: string;
  readonly words: readonly number[];
  /** Box-Muller's cached second value; null when none is cached. */
  readonly spare: number | null;
}

/** Anything indexable in place: arrays and typed arrays. */
export type Shuffleable = { length: number; [i: number]: unknown };

const TWO_32 = 4294967296;

/** The project's one seeded random source: every draw any library or tool makes goes through it. */
export class Rng {
  private readonly core: BitGenerator;
  private spare: number | null = null;

  constructor(
    readonly scheme: RngScheme,
    readonly seed: number,
    readonly labels: readonly number[] = [],
  ) {
    this.core = scheme.create(seed, labels);
  }

  /** An independent stream of the same scheme: (seed, ...labels, ...more), whatever this one drew. */
  derive(...more: number[]): Rng {
    return new Rng(this.scheme, this.seed, [...this.labels, ...more]);
  }

  /** Uniform uint32. */
  nextU32(): number {
    return this.core.nextU32();
  }

  /** Uniform in [0, 1). */
  next(): number {
    if (this.scheme.floatBits === 53) return (this.core.nextU32() * 2 ** 21 + (this.core.nextU32() >>> 11)) / 2 ** 53;
    return this.core.nextU32() / TWO_32;
  }

  /** Uniform in (0, 1), 32 bits: safe to take the log of. */
  open(): number {
    return (this.core.nextU32() + 0.5) / TWO_32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  bool(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.scheme.normal.radius === 'open' ? this.open() : this.next();
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * (this.scheme.normal.angle === 'open' ? this.open() : this.next());
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Index drawn with probability proportional to weights[i] (`total` their sum, summed here if not given). */
  weighted(weights: ArrayLike<number>, total?: number): number {
    let t = 0;
    if (total === undefined) for (let i = 0; i < weights.length; i++) t += weights[i];
    else t = total;
    let u = this.next() * t;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends Shuffleable>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** `k` distinct indices from [0, n), like numpy's `choice(n, k, replace=False)` (partial Fisher-Yates). */
  choice(n: number, k: number): Int32Array {
    if (!(k >= 0 && k <= n)) throw new RangeError(`Rng.choice: need 0 <= k <= n, received n=${n}, k=${k}`);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, k);
  }

  /** The position, for a checkpoint: `restore(state())` later draws the very same numbers. */
  state(): RngState {
    return { scheme: this.scheme.name, words: this.core.words(), spare: this.spare };
  }

  restore(state: RngState): void {
    if (state.scheme !== this.scheme.name) {
      throw new RangeError(`Rng.restore: a ${state.scheme} state cannot be restored into a ${this.scheme.name} generator`);
    }
    this.core.setWords(state.words);
    this.spare = state.spare;
  }
}
