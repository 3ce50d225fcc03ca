// The Kaggle-style 4-region spectrogram of a synthetic recording (@repro/dsp `hmsSpectrogram`),
// laid out as one float32 column per Kaggle name, as the spectrogram parquet stores it.
import { hmsSpectrogram } from '@repro/dsp';

export interface FastSpectrogram {
  nFrames: number;
  /** 400 columns (LL, RL, LP, RP blocks of 100 bins), each nFrames long. */
  columns: Float32Array[];
  /** The same values as float64, frames x 400 row-major (for parity checks). */
  data: Float64Array;
}

export function recordingSpectrogram(eeg: Record<string, ArrayLike<number>>, nSamples: number): FastSpectrogram {
  const first = Object.values(eeg)[0];
  const channels =
    first && first.length !== nSamples
      ? Object.fromEntries(Object.entries(eeg).map(([k, v]) => [k, Array.prototype.slice.call(v, 0, nSamples) as number[]]))
      : eeg;
  const { data, nFrames, nColumns } = hmsSpectrogram(channels);
  const columns: Float32Array[] = [];
  for (let c = 0; c < nColumns; c++) {
    const col = new Float32Array(nFrames);
    for (let j = 0; j < nFrames; j++) col[j] = data[j * nColumns + c];
    columns.push(col);
  }
  return { nFrames, columns, data };
}
