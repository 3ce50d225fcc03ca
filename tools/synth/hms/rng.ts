/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) with the draws the HMS
 * generator needs. Streams are derived from (seed, ...labels) by hashing, so a recording's
 * signal depends only on the seed and its own index: generating the first N recordings of a
 * `kaggle`-scale plan gives the same files as the full run.
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a style mix of integers (stream labels). */
export function hashInts(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    // Split into two 32-bit halves so ids above 2^32 still mix in.
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    for (const w of [lo, hi]) {
      h = Math.imul(h ^ (w & 0xffff), 0x01000193) >>> 0;
      h = Math.imul(h ^ (w >>> 16), 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: number, ...stream: number[]) {
    const sm = splitmix32(hashInts(seed, ...stream));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  bool(p: number): boolean {
    return this.next() < p;
  }

  /** Index drawn with probability proportional to `weights`. */
  choice(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Gamma(shape, 1) (Marsaglia-Tsang; shape < 1 via the boost). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next() || 1e-300, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Dirichlet(alpha) sample. */
  dirichlet(alpha: ArrayLike<number>): Float64Array {
    const out = new Float64Array(alpha.length);
    let s = 0;
    for (let i = 0; i < alpha.length; i++) {
      out[i] = alpha[i] > 0 ? this.gamma(alpha[i]) : 0;
      s += out[i];
    }
    for (let i = 0; i < out.length; i++) out[i] = s > 0 ? out[i] / s : 1 / out.length;
    return out;
  }

  /** Multinomial(n, p) counts (sequential binomials by inversion; n is small here). */
  multinomial(n: number, p: ArrayLike<number>): Int32Array {
    const out = new Int32Array(p.length);
    for (let k = 0; k < n; k++) out[this.choice(p)]++;
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
