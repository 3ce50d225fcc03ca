/**
 * The Ion Switching generator's random source: `Rng` of @repro/cv on xoshiro128** seeded through
 * splitmix32, Box-Muller normals from two open uniforms; integer arithmetic only, so a seed gives
 * the same stream on every platform (the normals use V8's fdlibm Math.log/cos/sin).
 */
import { Rng as SeededRandom, XOSHIRO128SS_SPLITMIX } from '@repro/cv';

export class Rng extends SeededRandom {
  /** One stream per (seed, stream): streams are independent of the order they are used in. */
  constructor(seed: number, stream = 0) {
    super(XOSHIRO128SS_SPLITMIX, seed, [stream]);
  }

  /** Index drawn from the cumulative distribution `cdf[off..off+k)` (last entry 1). */
  categorical(cdf: Float64Array, off: number, k: number): number {
    const u = this.open();
    for (let j = 0; j < k - 1; j++) if (u < cdf[off + j]) return j;
    return k - 1;
  }
}
