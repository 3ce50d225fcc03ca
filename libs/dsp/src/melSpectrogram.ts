import { getWindow } from './getWindow';
import { melFilterbank, MelFilterbankOptions } from './melFilterbank';
import { rfft } from './rfft';
import { checkInt, checkPositive, checkSignal, show } from './validate';

export interface MelSpectrogramOptions extends MelFilterbankOptions {
  /** Sampling frequency (Hz). */
  fs: number;
  /**
   * FFT / frame length (periodic Hann window of this length).
   * @default 2048
   */
  nfft?: number;
  /**
   * Window length (librosa's `win_length`): a periodic Hann window of this length, zero-padded
   * on both sides to nfft (librosa.util.pad_center). Must be <= nfft.
   * @default nfft
   */
  winLength?: number;
  /**
   * Samples between frames.
   * @default nfft / 4 (floored)
   */
  hopLength?: number;
  /**
   * Exponent of the magnitude: 2 = power, 1 = magnitude.
   * @default 2
   */
  power?: number;
  /**
   * Pad nfft//2 samples at both ends so frame j is centred on sample j*hop (librosa's center=True).
   * @default true
   */
  center?: boolean;
  /**
   * Padding used when `center`: zeros (librosa >= 0.10) or numpy 'reflect'.
   * @default 'constant'
   */
  padMode?: 'constant' | 'reflect';
}

export interface MelSpectrogramResult {
  /** nMels x nFrames, row-major. */
  S: Float64Array;
  nMels: number;
  nFrames: number;
}

/**
 * Mel spectrogram with librosa 0.10's defaults (`librosa.feature.melspectrogram`): |STFT|^power of
 * periodic-Hann frames projected on the Slaney mel filterbank (htk=False, norm='slaney').
 * No dB conversion.
 */
export function melSpectrogram(x: ArrayLike<number>, options: MelSpectrogramOptions): MelSpectrogramResult {
  checkSignal('melSpectrogram', 'x', x);
  const fs = checkPositive('melSpectrogram', 'fs', options?.fs);
  const nfft = checkInt('melSpectrogram', 'nfft', options.nfft ?? 2048, 2);
  const hop = checkInt('melSpectrogram', 'hopLength', options.hopLength ?? Math.floor(nfft / 4), 1);
  const power = checkPositive('melSpectrogram', 'power', options.power ?? 2);
  const winLength = checkInt('melSpectrogram', 'winLength', options.winLength ?? nfft, 1);
  if (winLength > nfft) throw new RangeError(`melSpectrogram: winLength must be <= nfft (${nfft}), received ${winLength}`);
  const center = options.center ?? true;
  const padMode = options.padMode ?? 'constant';
  if (padMode !== 'constant' && padMode !== 'reflect') throw new RangeError(`melSpectrogram: padMode must be one of 'constant', 'reflect', received ${show(padMode)}`);
  const fb = melFilterbank(fs, nfft, options);
  const nMels = fb.length / (Math.floor(nfft / 2) + 1);
  const pad = center ? Math.floor(nfft / 2) : 0;
  const n = x.length;
  if (center && padMode === 'reflect' && n <= pad) throw new RangeError(`melSpectrogram: x length must be > nfft/2 (${pad}) for reflect padding, received ${n}`);
  const y = new Float64Array(n + 2 * pad);
  for (let i = 0; i < n; i++) y[pad + i] = x[i];
  if (padMode === 'reflect') {
    for (let i = 0; i < pad; i++) {
      y[pad - 1 - i] = x[i + 1];
      y[pad + n + i] = x[n - 2 - i];
    }
  }
  if (y.length < nfft) throw new RangeError(`melSpectrogram: padded x length must be >= nfft (${nfft}), received ${y.length}`);
  const nFrames = 1 + Math.floor((y.length - nfft) / hop);
  const nBins = Math.floor(nfft / 2) + 1;
  const win = hannPadded(nfft, winLength);
  const S = new Float64Array(nMels * nFrames);
  const frame = new Float64Array(nfft);
  const mag = new Float64Array(nBins);
  for (let j = 0; j < nFrames; j++) {
    for (let i = 0; i < nfft; i++) frame[i] = y[j * hop + i] * win[i];
    const { re, im } = rfft(frame);
    for (let k = 0; k < nBins; k++) mag[k] = Math.hypot(re[k], im[k]) ** power;
    for (let m = 0; m < nMels; m++) {
      let acc = 0;
      for (let k = 0; k < nBins; k++) acc += fb[m * nBins + k] * mag[k];
      S[m * nFrames + j] = acc;
    }
  }
  return { S, nMels, nFrames };
}

/** Periodic Hann window of `winLength` samples centred in `nfft` zeros (librosa's pad_center). */
function hannPadded(nfft: number, winLength: number): Float64Array {
  if (winLength === nfft) return getWindow('hann', nfft);
  const out = new Float64Array(nfft);
  out.set(getWindow('hann', winLength), Math.floor((nfft - winLength) / 2));
  return out;
}
