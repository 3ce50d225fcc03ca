import DWT from 'discrete-wavelets';
import { checkWavelet, WaveletName } from './wavedec';
import { show } from './validate';

/**
 * Multilevel inverse DWT, equal to `pywt.waverec(coeffs, wavelet, mode='symmetric')`.
 * As in pywt, an odd-length input comes back one sample longer; trim to the original length.
 */
export function waverec(coeffs: ReadonlyArray<ArrayLike<number>>, wavelet: WaveletName): Float64Array {
  checkWavelet('waverec', wavelet);
  if (!Array.isArray(coeffs) || coeffs.length < 2) {
    throw new RangeError(`waverec: coeffs must be [cA, cD_level, ..., cD_1] with at least 2 arrays, received ${show(coeffs?.length ?? coeffs)}`);
  }
  return Float64Array.from(DWT.waverec(coeffs.map((c) => Array.from(c)), wavelet));
}
