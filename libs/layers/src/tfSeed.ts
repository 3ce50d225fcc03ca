/**
 * The seed to hand a tfjs normal-distribution initializer or op (randomNormal, truncatedNormal,
 * glorotNormal, heNormal, leCunNormal, varianceScaling, orthogonal). tfjs' Gaussian generator takes
 * `seed ? seed : Math.random()`, so seed 0 silently means unseeded: a run whose seed arithmetic
 * reaches 0 (seed 0, fold 0) drew other weights every time. 0 maps to 2^31 - 1; every other seed
 * (and undefined, meaning unseeded on purpose) passes through unchanged.
 */
export function tfSeed(seed: number): number;
export function tfSeed(seed: number | undefined): number | undefined;
export function tfSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? 2 ** 31 - 1 : seed;
}
