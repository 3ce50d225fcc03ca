import { checkWavelet, wavedec, WaveletName } from './wavedec';
import { waverec } from './waverec';
import { checkInt, checkOneOf, checkSignal } from './validate';
import { median } from './median';

export interface WaveletDenoiseOptions {
  /**
   * Daubechies wavelet.
   * @default 'db4'
   */
  wavelet?: WaveletName;
  /**
   * Decomposition level.
   * @default 3
   */
  level?: number;
  /**
   * Thresholding of the detail coefficients (pywt.threshold modes).
   * @default 'soft'
   */
  mode?: 'soft' | 'hard';
}

/**
 * Wavelet shrinkage as in the HMS/Kaggle notebooks (Donoho-Johnstone VisuShrink):
 * coeffs = pywt.wavedec(x, wavelet, 'symmetric', level); sigma = median(|cD_1|) / 0.6745
 * (MAD of the finest details); threshold = sigma * sqrt(2 ln n), n = x.length;
 * every detail array thresholded as pywt.threshold (soft: sign(c) max(|c| - thr, 0); hard: c kept
 * when |c| >= thr, else 0), the approximation kept; pywt.waverec, trimmed to n.
 */
export function waveletDenoise(x: ArrayLike<number>, options: WaveletDenoiseOptions = {}): Float64Array {
  checkSignal('waveletDenoise', 'x', x, 2);
  const wavelet = checkWavelet('waveletDenoise', options.wavelet ?? 'db4');
  const level = checkInt('waveletDenoise', 'level', options.level ?? 3, 1, 30);
  const mode = checkOneOf('waveletDenoise', 'mode', options.mode ?? 'soft', ['soft', 'hard'] as const);
  const coeffs = wavedec(x, wavelet, level);
  const sigma = median(coeffs[coeffs.length - 1].map(Math.abs)) / 0.6745;
  const thr = sigma * Math.sqrt(2 * Math.log(x.length));
  for (let l = 1; l < coeffs.length; l++) {
    const c = coeffs[l];
    for (let i = 0; i < c.length; i++) {
      const a = Math.abs(c[i]);
      if (mode === 'soft') c[i] = a <= thr ? 0 : Math.sign(c[i]) * (a - thr);
      else if (a < thr) c[i] = 0;
    }
  }
  return waverec(coeffs, wavelet).slice(0, x.length);
}
