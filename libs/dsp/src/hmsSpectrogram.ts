import FFT from 'fft.js';
import { getWindow } from './getWindow';
import { show } from './validate';

/**
 * Bipolar chains of the HMS recipe, keyed by the Kaggle spectrogram name they are written under.
 * Kaggle's files name the regions LL (left lateral), RL (right lateral), LP (left parasagittal),
 * RP (right parasagittal), in that column order. The usual notebook chains map as:
 * LL = Fp1-F7..T5-O1 -> 'LL'; RR = Fp2-F8..T6-O2 (right lateral) -> 'RL';
 * LP = Fp1-F3..P3-O1 -> 'LP'; RP = Fp2-F4..P4-O2 -> 'RP'.
 */
export const HMS_CHAINS: ReadonlyArray<{ name: 'LL' | 'RL' | 'LP' | 'RP'; chain: string; pairs: ReadonlyArray<readonly [string, string]> }> = [
  { name: 'LL', chain: 'LL', pairs: [['Fp1', 'F7'], ['F7', 'T3'], ['T3', 'T5'], ['T5', 'O1']] },
  { name: 'RL', chain: 'RR', pairs: [['Fp2', 'F8'], ['F8', 'T4'], ['T4', 'T6'], ['T6', 'O2']] },
  { name: 'LP', chain: 'LP', pairs: [['Fp1', 'F3'], ['F3', 'C3'], ['C3', 'P3'], ['P3', 'O1']] },
  { name: 'RP', chain: 'RP', pairs: [['Fp2', 'F4'], ['F4', 'C4'], ['C4', 'P4'], ['P4', 'O2']] },
];

/** EEG sampling rate (Hz), segment/FFT length, hop, and kept bins k = 3..102 (k * 200/1024 Hz). */
export const HMS_FS = 200;
export const HMS_NFFT = 1024;
export const HMS_HOP = 400;
export const HMS_FIRST_BIN = 3;
export const HMS_N_BINS = 100;

export interface HmsSpectrogramResult {
  /** Frame centres in seconds: (512 + 400 j) / 200. */
  t: Float64Array;
  /** nFrames x 400, row-major, columns in `hmsSpectrogramColumnNames().slice(1)` order. */
  data: Float64Array;
  nFrames: number;
  nColumns: number;
}

/**
 * Kaggle-HMS-style 4-region spectrogram from raw EEG (200 Hz, electrode name -> samples).
 *
 * Scaling (our choice; Kaggle's exact recipe is unpublished): for every bipolar pair the
 * one-sided PSD of `scipy.signal.spectrogram(pair, fs=200, window='hann', nperseg=1024,
 * noverlap=624, nfft=1024, detrend='constant', scaling='density')` (units^2/Hz), linear (no log),
 * averaged over the chain's 4 pairs; bins k = 3..102 (0.59..19.92 Hz) kept. One frame every
 * 400 samples (2 s); frame j covers samples [400 j, 400 j + 1024). NaNs propagate: fill them first
 * (`fillNaNWithMean`). Columns: LL, RL, LP, RP blocks of 100 (see HMS_CHAINS for the mapping).
 */
export function hmsSpectrogram(eeg: Record<string, ArrayLike<number>>): HmsSpectrogramResult {
  if (eeg == null || typeof eeg !== 'object') throw new TypeError(`hmsSpectrogram: eeg must be a record of electrode -> samples, received ${show(eeg)}`);
  let n = -1;
  for (const { pairs } of HMS_CHAINS) {
    for (const e of pairs.flat()) {
      const ch = eeg[e];
      if (ch == null) throw new RangeError(`hmsSpectrogram: eeg must contain electrode '${e}', received keys ${show(Object.keys(eeg))}`);
      if (n === -1) n = ch.length;
      else if (ch.length !== n) throw new RangeError(`hmsSpectrogram: every electrode must have ${n} samples, '${e}' has ${ch.length}`);
    }
  }
  if (n < HMS_NFFT) throw new RangeError(`hmsSpectrogram: eeg must have at least ${HMS_NFFT} samples (5.12 s at 200 Hz), received ${n}`);
  const nFrames = Math.floor((n - HMS_NFFT) / HMS_HOP) + 1;
  const nColumns = HMS_CHAINS.length * HMS_N_BINS;
  const data = new Float64Array(nFrames * nColumns);
  const t = Float64Array.from({ length: nFrames }, (_, j) => (HMS_NFFT / 2 + j * HMS_HOP) / HMS_FS);
  // Equal to scipy.signal.spectrogram per pair (tested against it), computed
  // directly: only the 100 kept bins, one real FFT plan and no per-frame
  // allocation, because synthetic data and feature pipelines call this for
  // every 10-minute recording.
  const plan = new FFT(HMS_NFFT);
  const win = getWindow('hann', HMS_NFFT);
  let sumW2 = 0;
  for (const v of win) sumW2 += v * v;
  const scale = 2 / (HMS_FS * sumW2); // 'density', one-sided: the kept bins are all doubled
  const diff = new Float64Array(n);
  const seg = new Float64Array(HMS_NFFT);
  const out = plan.createComplexArray() as number[];
  HMS_CHAINS.forEach(({ pairs }, r) => {
    for (const [a, b] of pairs) {
      const xa = eeg[a];
      const xb = eeg[b];
      for (let i = 0; i < n; i++) diff[i] = xa[i] - xb[i];
      for (let j = 0; j < nFrames; j++) {
        const s0 = j * HMS_HOP;
        let mean = 0; // detrend='constant'
        for (let i = 0; i < HMS_NFFT; i++) mean += diff[s0 + i];
        mean /= HMS_NFFT;
        for (let i = 0; i < HMS_NFFT; i++) seg[i] = win[i] * (diff[s0 + i] - mean);
        plan.realTransform(out, seg);
        const o = j * nColumns + r * HMS_N_BINS;
        for (let k = 0; k < HMS_N_BINS; k++) {
          const re = out[2 * (HMS_FIRST_BIN + k)];
          const im = out[2 * (HMS_FIRST_BIN + k) + 1];
          data[o + k] += ((re * re + im * im) * scale) / pairs.length;
        }
      }
    }
  });
  return { t, data, nFrames, nColumns };
}

/**
 * `time` plus the 400 Kaggle spectrogram column names: `${region}_${freq}` with freq = k*200/1024
 * rounded half-up to 2 decimals and trailing zeros dropped, as in Kaggle's files
 * (LL_0.59, LL_0.78, ..., LL_3.13, LL_4.1, ..., RP_19.92).
 */
export function hmsSpectrogramColumnNames(): string[] {
  const names = ['time'];
  for (const { name } of HMS_CHAINS) {
    for (let k = 0; k < HMS_N_BINS; k++) {
      const f = ((HMS_FIRST_BIN + k) * HMS_FS) / HMS_NFFT;
      // toFixed rounds exact binary ties (3.125) up, like Kaggle's names; Number() drops trailing zeros.
      names.push(`${name}_${Number(f.toFixed(2))}`);
    }
  }
  return names;
}
