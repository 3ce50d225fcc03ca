import { ButterOptions, butterZpk } from './butterZpk';
import { zpk2tf } from './zpk';

/**
 * Butterworth filter coefficients, equal to `scipy.signal.butter(order, cutoff, btype, fs=fs, output='ba')`.
 * Designed by hand (fili is not scipy-exact: even orders only, no edge padding).
 *
 * @param order 1..8 (a 'band' filter has order 2*order, as in scipy)
 * @param cutoff Hz when `fs` is given, else a fraction of Nyquist; `[lo, hi]` for 'band'
 */
export function butter(
  order: number,
  cutoff: number | readonly [number, number],
  options: ButterOptions = {},
): { b: Float64Array; a: Float64Array } {
  return zpk2tf(butterZpk('butter', order, cutoff, options));
}
