import { getWindow, WindowName } from './getWindow';
import { rfft } from './rfft';
import { checkInt, checkPositive, checkSignal, show } from './validate';

export interface SpectrogramOptions {
  /**
   * Sampling frequency (Hz).
   * @default 1
   */
  fs?: number;
  /**
   * Window name ('tukey' is tukey(alpha=0.25)) or explicit window samples (then nperseg = window length).
   * @default 'tukey'
   */
  window?: WindowName | ArrayLike<number>;
  /**
   * Segment length; clipped to x.length as scipy does.
   * @default 256 (or the window array's length)
   */
  nperseg?: number;
  /**
   * Overlap between segments.
   * @default floor(nperseg / 8)
   */
  noverlap?: number;
  /**
   * FFT length (>= nperseg; zero-padding).
   * @default nperseg
   */
  nfft?: number;
  /**
   * Subtract each segment's mean ('constant') or nothing (false).
   * @default 'constant'
   */
  detrend?: false | 'constant';
  /**
   * 'density' (V^2/Hz: divides by fs * sum(w^2)) or 'spectrum' (V^2: divides by sum(w)^2).
   * @default 'density'
   */
  scaling?: 'density' | 'spectrum';
  /**
   * 'psd' (one-sided power, non-DC/non-Nyquist bins doubled) or 'magnitude' (|STFT| * sqrt(scale), not doubled).
   * @default 'psd'
   */
  mode?: 'psd' | 'magnitude';
}

export interface SpectrogramResult {
  /** Bin frequencies k * fs / nfft, k = 0..nfft//2. */
  f: Float64Array;
  /** Segment centres (nperseg/2 + j*step) / fs. */
  t: Float64Array;
  /** nFreq x nTime, row-major: `Sxx[k * nTime + j]`. */
  Sxx: Float64Array;
  nFreq: number;
  nTime: number;
}

interface Plan {
  fs: number;
  win: Float64Array;
  nperseg: number;
  noverlap: number;
  nfft: number;
  detrend: false | 'constant';
  scale: number;
}

// Hand-written: no installed JS library reproduces scipy's _spectral_helper segmentation/scaling.
/** Resolve options exactly as scipy's spectrogram/_spectral_helper do (not exported from the index). */
export function spectralPlan(fn: string, x: ArrayLike<number>, o: SpectrogramOptions, mode: 'psd' | 'stft'): Plan {
  checkSignal(fn, 'x', x);
  const fs = checkPositive(fn, 'fs', o.fs ?? 1);
  const window = o.window ?? 'tukey';
  let win: Float64Array;
  let nperseg: number;
  if (typeof window === 'string') {
    nperseg = o.nperseg ?? 256;
    checkInt(fn, 'nperseg', nperseg, 1);
    nperseg = Math.min(nperseg, x.length); // scipy warns and shrinks
    win = getWindow(window, nperseg);
  } else {
    checkSignal(fn, 'window', window);
    nperseg = window.length;
    if (o.nperseg !== undefined && o.nperseg !== nperseg) {
      throw new RangeError(`${fn}: nperseg must equal the window length (${nperseg}), received ${show(o.nperseg)}`);
    }
    if (nperseg > x.length) throw new RangeError(`${fn}: window length must be <= x length (${x.length}), received ${nperseg}`);
    win = Float64Array.from(window);
  }
  const noverlap = o.noverlap ?? Math.floor(nperseg / 8);
  checkInt(fn, 'noverlap', noverlap, 0, nperseg - 1);
  const nfft = o.nfft ?? nperseg;
  checkInt(fn, 'nfft', nfft, nperseg);
  const detrend = o.detrend ?? 'constant';
  if (detrend !== false && detrend !== 'constant') throw new RangeError(`${fn}: detrend must be false or 'constant', received ${show(detrend)}`);
  const scaling = o.scaling ?? 'density';
  let sumW = 0;
  let sumW2 = 0;
  for (const v of win) {
    sumW += v;
    sumW2 += v * v;
  }
  let scale: number;
  if (scaling === 'density') scale = 1 / (fs * sumW2);
  else if (scaling === 'spectrum') scale = 1 / (sumW * sumW);
  else throw new RangeError(`${fn}: scaling must be one of 'density', 'spectrum', received ${show(scaling)}`);
  if (mode === 'stft') scale = Math.sqrt(scale);
  return { fs, win, nperseg, noverlap, nfft, detrend, scale };
}

/** Windowed, detrended one-sided FFT of every segment, scaled by sqrt(scale) or not. Returns per-segment spectra. */
export function segmentSpectra(x: ArrayLike<number>, p: Plan, each: (j: number, re: Float64Array, im: Float64Array) => void): { f: Float64Array; t: Float64Array; nTime: number; nFreq: number } {
  const step = p.nperseg - p.noverlap;
  const nTime = Math.floor((x.length - p.noverlap) / step);
  const nFreq = Math.floor(p.nfft / 2) + 1;
  const seg = new Float64Array(p.nperseg);
  for (let j = 0; j < nTime; j++) {
    const start = j * step;
    let mean = 0;
    if (p.detrend === 'constant') {
      for (let i = 0; i < p.nperseg; i++) mean += x[start + i];
      mean /= p.nperseg;
    }
    for (let i = 0; i < p.nperseg; i++) seg[i] = p.win[i] * (x[start + i] - mean);
    const { re, im } = rfft(seg, { n: p.nfft });
    each(j, re, im);
  }
  const f = Float64Array.from({ length: nFreq }, (_, k) => (k * p.fs) / p.nfft);
  const t = Float64Array.from({ length: nTime }, (_, j) => (p.nperseg / 2 + j * step) / p.fs);
  return { f, t, nTime, nFreq };
}

/**
 * Spectrogram equal to `scipy.signal.spectrogram(x, fs, window, nperseg, noverlap, nfft, detrend, scaling=..., mode=...)`
 * (one-sided, no boundary padding). Defaults are scipy's: tukey(0.25) window, nperseg 256,
 * noverlap nperseg//8, detrend 'constant', scaling 'density', mode 'psd'.
 */
export function spectrogram(x: ArrayLike<number>, options: SpectrogramOptions = {}): SpectrogramResult {
  const mode = options.mode ?? 'psd';
  if (mode !== 'psd' && mode !== 'magnitude') throw new RangeError(`spectrogram: mode must be one of 'psd', 'magnitude', received ${show(mode)}`);
  const p = spectralPlan('spectrogram', x, options, mode === 'psd' ? 'psd' : 'stft');
  const nFreq = Math.floor(p.nfft / 2) + 1;
  const nTime = Math.floor((x.length - p.noverlap) / (p.nperseg - p.noverlap));
  const Sxx = new Float64Array(nFreq * nTime);
  // One-sided PSD doubles every bin except DC and (for even nfft) Nyquist.
  const lastDoubled = p.nfft % 2 === 0 ? nFreq - 2 : nFreq - 1;
  const res = segmentSpectra(x, p, (j, re, im) => {
    for (let k = 0; k < nFreq; k++) {
      let v: number;
      if (mode === 'psd') {
        v = (re[k] * re[k] + im[k] * im[k]) * p.scale;
        if (k >= 1 && k <= lastDoubled) v *= 2;
      } else {
        v = Math.hypot(re[k] * p.scale, im[k] * p.scale);
      }
      Sxx[k * nTime + j] = v;
    }
  });
  return { f: res.f, t: res.t, Sxx, nFreq, nTime };
}
