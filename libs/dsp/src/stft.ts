import { segmentSpectra, SpectrogramOptions, spectralPlan } from './spectrogram';

export type StftOptions = Omit<SpectrogramOptions, 'mode'>;

export interface StftResult {
  f: Float64Array;
  t: Float64Array;
  /** nFreq x nTime row-major real part. */
  re: Float64Array;
  /** nFreq x nTime row-major imaginary part. */
  im: Float64Array;
  nFreq: number;
  nTime: number;
}

/**
 * Complex short-time Fourier transform with spectrogram's segmentation and defaults, equal to
 * `scipy.signal.spectrogram(x, ..., mode='complex')` (NOT scipy.signal.stft, which pads the
 * boundaries and defaults to a Hann window): segments scaled by sqrt(scale), no one-sided doubling.
 */
export function stft(x: ArrayLike<number>, options: StftOptions = {}): StftResult {
  const p = spectralPlan('stft', x, options, 'stft');
  let re = new Float64Array(0);
  let im = new Float64Array(0);
  let nT = 0;
  let nF = 0;
  const res = segmentSpectra(x, p, (j, r, i) => {
    if (j === 0) {
      nF = r.length;
      nT = Math.floor((x.length - p.noverlap) / (p.nperseg - p.noverlap));
      re = new Float64Array(nF * nT);
      im = new Float64Array(nF * nT);
    }
    for (let k = 0; k < nF; k++) {
      re[k * nT + j] = r[k] * p.scale;
      im[k * nT + j] = i[k] * p.scale;
    }
  });
  return { f: res.f, t: res.t, re, im, nFreq: res.nFreq, nTime: res.nTime };
}
