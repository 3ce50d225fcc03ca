import DWT from 'discrete-wavelets';
import { checkInt, checkSignal, show } from './validate';

export type WaveletName = 'haar' | 'db1' | 'db2' | 'db3' | 'db4' | 'db5' | 'db6' | 'db7' | 'db8';
export const WAVELETS: readonly WaveletName[] = ['haar', 'db1', 'db2', 'db3', 'db4', 'db5', 'db6', 'db7', 'db8'];

export function checkWavelet(fn: string, w: unknown): WaveletName {
  if (!WAVELETS.includes(w as WaveletName)) {
    throw new RangeError(`${fn}: wavelet must be one of 'haar', 'db1'..'db8', received ${show(w)}`);
  }
  return w as WaveletName;
}

/**
 * Multilevel 1-D DWT, equal to `pywt.wavedec(x, wavelet, mode='symmetric', level=level)`:
 * `[cA_level, cD_level, ..., cD_1]`. Uses discrete-wavelets (checked against pywt to 1e-14
 * for haar and db1..db8, odd lengths included). Like pywt, levels above the useful maximum
 * are allowed (every coefficient then feels the boundary).
 */
export function wavedec(x: ArrayLike<number>, wavelet: WaveletName, level: number): Float64Array[] {
  checkSignal('wavedec', 'x', x);
  checkWavelet('wavedec', wavelet);
  checkInt('wavedec', 'level', level, 1, 30);
  const coeffs = DWT.wavedec(Array.from(x), wavelet, 'symmetric', level);
  return coeffs.map((c) => Float64Array.from(c));
}
