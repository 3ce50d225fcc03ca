/**
 * The HMS generator's random source: `Rng` of @repro/cv on xoshiro128** seeded from a hash of
 * (seed, ...labels), so a recording's signal depends only on the seed and its own index:
 * generating the first N recordings of a `kaggle`-scale plan gives the same files as the full run.
 * Adds the draws only this generator makes (gamma, Dirichlet, multinomial).
 */
import { Rng as SeededRandom, XOSHIRO128SS_HASHED } from '@repro/cv';

export class Rng extends SeededRandom {
  constructor(seed: number, ...stream: number[]) {
    super(XOSHIRO128SS_HASHED, seed, stream);
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

  /** Multinomial(n, p) counts (n weighted draws; n is small here). */
  multinomial(n: number, p: ArrayLike<number>): Int32Array {
    const out = new Int32Array(p.length);
    for (let k = 0; k < n; k++) out[this.weighted(p)]++;
    return out;
  }
}
