import { Rng } from './rng';
import { XOSHIRO128SS_SPLITMIX } from './schemes';

/**
 * The project's default generator for a seed: xoshiro128** seeded through splitmix32, 53-bit
 * floats. numpy's RandomState (MT19937 and its own shuffle/choice) is not reproduced, so shuffled
 * folds never equal scikit-learn's; they are only deterministic for a given seed.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createRng: seed must be a safe integer, received ${String(seed)}`);
  }
  return new Rng(XOSHIRO128SS_SPLITMIX, seed);
}
