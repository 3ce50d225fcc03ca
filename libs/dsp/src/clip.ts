import { checkSignal, show } from './validate';

/** Limit every sample to [min, max] (numpy.clip); NaN stays NaN. */
export function clip(x: ArrayLike<number>, min: number, max: number): Float64Array {
  checkSignal('clip', 'x', x, 0);
  if (!(min <= max)) throw new RangeError(`clip: min must be <= max, received min=${show(min)}, max=${show(max)}`);
  return Float64Array.from(x, (v) => (v < min ? min : v > max ? max : v));
}
