import { applyPerChannel } from './applyPerChannel';
import { MultiChannel } from './types';
import { checkSignal } from './validate';

function fill1d(x: ArrayLike<number>): Float64Array {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i])) {
      sum += x[i];
      count++;
    }
  }
  // An all-NaN channel becomes zeros (the HMS notebooks' convention).
  const mean = count > 0 ? sum / count : 0;
  return Float64Array.from(x, (v) => (Number.isNaN(v) ? mean : v));
}

/**
 * Replace NaNs with the mean of the non-NaN samples (np.nanmean), per channel for a
 * multi-channel signal; an all-NaN channel becomes 0.
 */
export function fillNaNWithMean(x: ArrayLike<number>): Float64Array;
export function fillNaNWithMean(x: MultiChannel): MultiChannel;
export function fillNaNWithMean(x: ArrayLike<number> | MultiChannel): Float64Array | MultiChannel {
  if (x != null && typeof (x as MultiChannel).nChannels === 'number' && (x as MultiChannel).data != null) {
    return applyPerChannel(x as MultiChannel, fill1d);
  }
  checkSignal('fillNaNWithMean', 'x', x, 0);
  return fill1d(x as ArrayLike<number>);
}
