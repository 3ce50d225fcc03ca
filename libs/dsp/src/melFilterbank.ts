import { checkInt, checkPositive, show } from './validate';

export interface MelFilterbankOptions {
  /**
   * Number of mel bands.
   * @default 128
   */
  nMels?: number;
  /**
   * Lowest band edge (Hz).
   * @default 0
   */
  fmin?: number;
  /**
   * Highest band edge (Hz).
   * @default fs / 2
   */
  fmax?: number;
}

// Hand-written: librosa has no JS port installed; this transcribes its Slaney filterbank.
// Slaney (Auditory Toolbox) mel scale: linear below 1 kHz, logarithmic above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;
export const hzToMel = (f: number): number => (f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP);
export const melToHz = (m: number): number => (m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m);

/**
 * Slaney-style mel filterbank, equal to librosa's default `librosa.filters.mel(sr=fs, n_fft=nfft,
 * htk=False, norm='slaney')`: triangular filters on the Slaney mel scale, each scaled to unit
 * area (2 / bandwidth in Hz). Returns nMels x (nfft//2 + 1), row-major.
 */
export function melFilterbank(fs: number, nfft: number, options: MelFilterbankOptions = {}): Float64Array {
  checkPositive('melFilterbank', 'fs', fs);
  checkInt('melFilterbank', 'nfft', nfft, 2);
  const nMels = checkInt('melFilterbank', 'nMels', options.nMels ?? 128, 1);
  const fmin = options.fmin ?? 0;
  const fmax = options.fmax ?? fs / 2;
  if (!(fmin >= 0 && fmin < fmax && fmax <= fs / 2)) {
    throw new RangeError(`melFilterbank: fmin/fmax must satisfy 0 <= fmin < fmax <= fs/2 (${fs / 2}), received fmin=${show(fmin)}, fmax=${show(fmax)}`);
  }
  const nBins = Math.floor(nfft / 2) + 1;
  const melLo = hzToMel(fmin);
  const melHi = hzToMel(fmax);
  const melF = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(melLo + ((melHi - melLo) * i) / (nMels + 1)));
  const fftF = Float64Array.from({ length: nBins }, (_, k) => ((fs / 2) * k) / (nBins - 1));
  const w = new Float64Array(nMels * nBins);
  for (let m = 0; m < nMels; m++) {
    const enorm = 2 / (melF[m + 2] - melF[m]);
    for (let k = 0; k < nBins; k++) {
      const lower = (fftF[k] - melF[m]) / (melF[m + 1] - melF[m]);
      const upper = (melF[m + 2] - fftF[k]) / (melF[m + 2] - melF[m + 1]);
      w[m * nBins + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return w;
}
