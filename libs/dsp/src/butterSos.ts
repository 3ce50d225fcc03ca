import { ButterOptions, butterZpk } from './butterZpk';
import { zpk2sos } from './zpk';

/**
 * Butterworth filter as second-order sections, equal to
 * `scipy.signal.butter(..., output='sos')` (zpk2sos with pairing 'nearest',
 * same section order; the gain sits in the first section).
 * Rows are `[b0, b1, b2, 1, a1, a2]`.
 */
export function butterSos(order: number, cutoff: number | readonly [number, number], options: ButterOptions = {}): Float64Array[] {
  return zpk2sos(butterZpk('butterSos', order, cutoff, options));
}
