import { checkSignal } from './validate';

/**
 * Subtract a fitted drift from a signal. With `start`, drift covers x[start .. start + drift.length)
 * and the rest of x is copied unchanged.
 */
export function removeDrift(x: ArrayLike<number>, drift: ArrayLike<number>, start = 0): Float64Array {
  checkSignal('removeDrift', 'x', x, 0);
  checkSignal('removeDrift', 'drift', drift, 0);
  if (!Number.isInteger(start) || start < 0 || start + drift.length > x.length) {
    throw new RangeError(`removeDrift: start + drift length must fit in x (${x.length}), received start=${start}, drift length ${drift.length}`);
  }
  const out = Float64Array.from(x);
  for (let i = 0; i < drift.length; i++) out[start + i] -= drift[i];
  return out;
}
