import { checkInt, show } from './validate';

export type WindowName = 'hann' | 'hamming' | 'tukey' | 'boxcar';

/**
 * Periodic ("fftbins=True") window as `scipy.signal.get_window(name, n)`:
 * 'hann', 'hamming', 'boxcar', and 'tukey' (alpha 0.25, scipy spectrogram's default).
 * Written out here because no installed library provides scipy's periodic windows.
 */
export function getWindow(name: WindowName, n: number, tukeyAlpha = 0.25): Float64Array {
  checkInt('getWindow', 'n', n, 1);
  if (n === 1) return Float64Array.of(1);
  // Periodic windows are the symmetric window of length n+1 minus its last sample.
  const M = n + 1;
  const w = new Float64Array(n);
  switch (name) {
    case 'hann':
    case 'hamming': {
      const a = name === 'hann' ? 0.5 : 0.54;
      // scipy general_cosine: fac = linspace(-pi, pi, M); w = a - (1-a) cos(...) written as a + (1-a) cos(fac).
      for (let i = 0; i < n; i++) w[i] = a + (1 - a) * Math.cos(-Math.PI + (2 * Math.PI * i) / (M - 1));
      return w;
    }
    case 'boxcar':
      return w.fill(1);
    case 'tukey': {
      const alpha = tukeyAlpha;
      if (alpha <= 0) return w.fill(1);
      if (alpha >= 1) return getWindow('hann', n);
      const width = Math.floor((alpha * (M - 1)) / 2);
      for (let i = 0; i < n; i++) {
        if (i <= width) w[i] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * i) / alpha / (M - 1))));
        else if (i < M - width - 1) w[i] = 1;
        else w[i] = 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * i) / alpha / (M - 1))));
      }
      return w;
    }
    default:
      throw new RangeError(`getWindow: window must be one of 'hann', 'hamming', 'tukey', 'boxcar', received ${show(name)}`);
  }
}
