/**
 * A small, fast, seeded PRNG: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, with Box-Muller normals. Integer arithmetic only (Math.imul),
 * so a seed gives the same stream on every platform; the normals use
 * Math.log/Math.cos/Math.sin, which V8 computes with its own fdlibm port.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  /** One stream per (seed, stream): streams are independent of the order they are used in. */
  constructor(seed: number, stream = 0) {
    let s = (Math.floor(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    // Mix the seed's upper bits too (seeds above 2^32).
    s = (s ^ Math.floor(seed / 4294967296)) >>> 0;
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in (0, 1), never 0 or 1 (32 bits). */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box-Muller; pairs are cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const th = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(th);
    this.hasSpare = true;
    return r * Math.cos(th);
  }

  /** Index drawn from the cumulative distribution `cdf[off..off+k)` (last entry 1). */
  categorical(cdf: Float64Array, off: number, k: number): number {
    const u = this.uniform();
    for (let j = 0; j < k - 1; j++) if (u < cdf[off + j]) return j;
    return k - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
