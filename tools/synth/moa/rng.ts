/**
 * A small seeded PRNG for the synthetic data: sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator, 128-bit state), seeded through splitmix32,
 * with Box-Muller normals. Only integer ops and Math.log/sqrt/cos/sin, so the
 * same seed gives the same stream (and byte-identical files) on every run.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  /** `stream` separates independent streams from one seed (layout, model, features, labels...). */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng: seed must be a safe integer, received ${String(seed)}`);
    let sm = (seed ^ Math.floor(seed / 2 ** 32) ^ Math.imul(stream + 1, 0x632be5ab)) >>> 0;
    const splitmix = (): number => {
      sm = (sm + 0x9e3779b9) >>> 0;
      let z = sm;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = 1; // the counter
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 32 random bits. */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in (0, 1): safe to take the log of. */
  open(): number {
    return (this.u32() + 0.5) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.open()));
    const th = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Student-t with 4 degrees of freedom (variance 2): Z / sqrt(chi2_4 / 4), chi2_4 = -2 ln(U1 U2). */
  studentT4(): number {
    const chi2 = -2 * Math.log(this.open() * this.open());
    return this.normal() / Math.sqrt(chi2 / 4);
  }

  /** Index drawn with probability proportional to weights[i] (total given). */
  weighted(weights: ArrayLike<number>, total: number): number {
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}
