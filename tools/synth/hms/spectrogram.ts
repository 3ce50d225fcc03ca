// The Kaggle-style 4-region spectrogram of a synthetic recording: the same computation as
// @repro/dsp `hmsSpectrogram` (scipy spectrogram per bipolar pair, hann 1024, hop 400, density
// scaling, constant detrend, bins 3..102, averaged over each chain's 4 pairs), written as one
// float32 column per Kaggle name. Computed here with fft.js's real transform directly because
// hmsSpectrogram's generic rfft path is ~18x slower (a 12-min recording: ~2 s vs ~0.1 s) and the
// generator runs it for every recording; `hms.test.ts` checks the two agree to 1e-9 relative.
import FFT from 'fft.js';
import { getWindow, HMS_CHAINS } from '@repro/dsp';

const NFFT = 1024;
const HOP = 400;
const FIRST = 3;
const NBINS = 100;
const FS = 200;

let plan: FFT | null = null;
let win: Float64Array | null = null;

export interface FastSpectrogram {
  nFrames: number;
  /** 400 columns (LL, RL, LP, RP blocks of 100 bins), each nFrames long. */
  columns: Float32Array[];
  /** The same values as float64, frames x 400 row-major (for parity checks). */
  data: Float64Array;
}

export function recordingSpectrogram(eeg: Record<string, ArrayLike<number>>, nSamples: number): FastSpectrogram {
  if (!plan) {
    plan = new FFT(NFFT);
    win = getWindow('hann', NFFT);
  }
  const w = win!;
  let sumW2 = 0;
  for (const v of w) sumW2 += v * v;
  const scale = 2 / (FS * sumW2); // one-sided: bins 3..102 are all doubled
  const nFrames = Math.floor((nSamples - NFFT) / HOP) + 1;
  const data = new Float64Array(nFrames * 400);
  const diff = new Float64Array(nSamples);
  const seg = new Float64Array(NFFT);
  const out = plan.createComplexArray() as number[];
  HMS_CHAINS.forEach(({ pairs }, r) => {
    for (const [a, b] of pairs) {
      const xa = eeg[a];
      const xb = eeg[b];
      for (let i = 0; i < nSamples; i++) diff[i] = xa[i] - xb[i];
      for (let j = 0; j < nFrames; j++) {
        const s0 = j * HOP;
        let mean = 0;
        for (let i = 0; i < NFFT; i++) mean += diff[s0 + i];
        mean /= NFFT;
        for (let i = 0; i < NFFT; i++) seg[i] = w[i] * (diff[s0 + i] - mean);
        plan!.realTransform(out, seg);
        const o = j * 400 + r * NBINS;
        for (let k = 0; k < NBINS; k++) {
          const re = out[2 * (FIRST + k)];
          const im = out[2 * (FIRST + k) + 1];
          data[o + k] += ((re * re + im * im) * scale) / pairs.length;
        }
      }
    }
  });
  const columns: Float32Array[] = [];
  for (let c = 0; c < 400; c++) {
    const col = new Float32Array(nFrames);
    for (let j = 0; j < nFrames; j++) col[j] = data[j * 400 + c];
    columns.push(col);
  }
  return { nFrames, columns, data };
}
