// The seed's inputs, one image per modality and chain, resized to tiles and merged into one
// input tensor (the seed's "Reshaping and Merging Modalities"):
//
//   kaggle   Kaggle's spectrogram: 300 rows (10 min) from row (min+max)//4 of the eeg_id's
//            offsets, cut to frames [crop, 300-crop), one 100-bin image per region (LL, RL, LP, RP),
//            log_and_Standarize (clip to [e^-4, e^8], log, per-image standardise, NaN -> 0);
//            `kagglePad`: the kernel's X[14:-14, :, k] = img[:, 22:-22] / 2.0 (100 rows centred
//            in a 128-row tile, halved), else resized to the whole tile.
//   eeg      EEG spectrogram per bipolar chain from the middle `eegSeconds` of the raw EEG,
//            averaged over the chain's 4 pairs: the seed notebook's librosa mel spectrogram
//            (win_length `winLength`, power_to_db(ref=max), (db+40)/40), then with
//            `logStandardize` the write-up's log_and_Standarize; or Kaggle-style STFT
//            (@repro/dsp hmsSpectrogram, then log_and_Standarize).
//   wavelet  the write-up's per-level statistics: for each of the 400 columns of the whole
//            Kaggle spectrogram file (NaN -> 0), pywt.wavedec(col, 'db1', level=5) and the mean
//            and std of each level's coefficients: a 400 x 12 image, log_and_Standarize, resized
//            to the tile and used for all 4 chain tiles (skimage resize to (128, 256, 4) of a
//            2-D image repeats it along the channel axis).
//
// Each modality is [n, 4 * tileH, tileW] (the 4 chain tiles stacked vertically, as the notebook
// stacks its 4 spectrograms); the enabled modalities are placed side by side: the model input
// is [n, 4 * tileH, m * tileW, channels].
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HMS_CHAINS, hmsSpectrogram, melSpectrogram, wavedec } from '@repro/dsp';
import { DataError, hmsEegPath, hmsSpectrogramPath, loadNpyCache, progressBar, readHmsEeg, readHmsSpectrogram, saveNpy, type HmsSplit } from '@repro/io';
import { MODALITIES, type HmsEfficientnetConfig, type Modality } from './config';

export type InputSettings = HmsEfficientnetConfig['inputs'];

/** One image to build: which files and where in them. */
export interface Item {
  eegId: number;
  spectrogramId: number;
  /** First row of the 300-row Kaggle spectrogram window (the notebook's r = (min + max) // 4). */
  specRow: number;
  /**
   * eeg_label_offset_seconds of a train.csv label window: the EEG inputs are centred on its 50 s
   * [o, o + 50) instead of the file's middle (train.randomWindows). Undefined = the middle.
   */
  eegOffsetSeconds?: number;
}

export const N_CHAINS = 4;
const SPEC_WINDOW_ROWS = 300;
const LOG_MIN = Math.exp(-4);
const LOG_MAX = Math.exp(8);

/** The electrodes the 4 chains use. */
export const CHAIN_ELECTRODES: string[] = [...new Set(HMS_CHAINS.flatMap((c) => c.pairs.flat()))];

/** The seed's log_and_Standarize, in place: clip, log, (x - nanmean) / (nanstd + 1e-6), NaN -> 0. */
export function logAndStandardize(img: Float32Array | Float64Array): void {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    if (Number.isNaN(v)) continue;
    const l = Math.log(Math.min(LOG_MAX, Math.max(LOG_MIN, v)));
    img[i] = l;
    sum += l;
    count++;
  }
  standardize(img, sum, count);
}

/** (x - nanmean) / (nanstd + 1e-6), NaN -> 0, in place (np.nanstd: population std). */
function standardize(img: Float32Array | Float64Array, sum?: number, count?: number): void {
  if (sum === undefined || count === undefined) {
    sum = 0;
    count = 0;
    for (const v of img) if (!Number.isNaN(v)) (sum += v), count++;
  }
  const mu = count ? sum / count : 0;
  let ss = 0;
  for (const v of img) if (!Number.isNaN(v)) ss += (v - mu) * (v - mu);
  const sd = count ? Math.sqrt(ss / count) : 0;
  for (let i = 0; i < img.length; i++) img[i] = Number.isNaN(img[i]) ? 0 : (img[i] - mu) / (sd + 1e-6);
}

/** Bilinear resize of an h x w row-major image (half-pixel centres, as cv2.resize / torch align_corners=False). */
export function resizeBilinear(src: ArrayLike<number>, h: number, w: number, outH: number, outW: number, out = new Float32Array(outH * outW), outStride = outW, outOffset = 0): Float32Array {
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const dx = fx - x0;
      const top = src[y0 * w + x0] * (1 - dx) + src[y0 * w + x1] * dx;
      const bot = src[y1 * w + x0] * (1 - dx) + src[y1 * w + x1] * dx;
      out[outOffset + y * outStride + x] = top * (1 - dy) + bot * dy;
    }
  }
  return out;
}

/** Kaggle spectrogram tiles of one item from the file's frames x 400 data. */
export function kaggleTiles(data: Float32Array, fileRows: number, specRow: number, s: InputSettings, file: string): Float32Array {
  if (specRow + SPEC_WINDOW_ROWS > fileRows) {
    throw new DataError(file, `the 10-minute window (rows ${specRow}..${specRow + SPEC_WINDOW_ROWS}) is beyond the file's ${fileRows} rows`);
  }
  const { tileHeight: th, tileWidth: tw } = s;
  const from = specRow + s.kaggleCropFrames;
  const frames = SPEC_WINDOW_ROWS - 2 * s.kaggleCropFrames;
  const out = new Float32Array(N_CHAINS * th * tw);
  const img = new Float32Array(100 * frames);
  const { rows, top } = kaggleTileRows(th, s.kagglePad);
  for (let k = 0; k < N_CHAINS; k++) {
    // Rows = frequency bins (low first), columns = time: the notebook's .T of the region's columns.
    for (let f = 0; f < 100; f++) for (let t = 0; t < frames; t++) img[f * frames + t] = data[(from + t) * 400 + k * 100 + f];
    logAndStandardize(img);
    resizeBilinear(img, 100, frames, rows, tw, out, tw, (k * th + top) * tw);
  }
  // The kernel halves the padded spectrogram rows (`/ 2.0`); its zero rows stay 0.
  if (s.kagglePad) for (let i = 0; i < out.length; i++) out[i] /= 2;
  return out;
}

/**
 * Rows of a Kaggle tile the 100 frequency bins fill: with padding, 100 of 128 (the kernel's
 * X[14:-14]) scaled to the tile height and centred; else all of them.
 */
export function kaggleTileRows(tileHeight: number, pad: boolean): { rows: number; top: number } {
  if (!pad) return { rows: tileHeight, top: 0 };
  const rows = Math.max(1, Math.round((tileHeight * 100) / 128));
  return { rows, top: Math.floor((tileHeight - rows) / 2) };
}

/**
 * `samples` of each chain electrode, NaN filled with the column mean (all-NaN -> 0): the file's
 * middle, or centred on the label window [o, o + 50 s) when `labelOffsetSeconds` o is given.
 */
export async function eegWindow(dir: string, split: HmsSplit, eegId: number, samples: number, labelOffsetSeconds?: number): Promise<Record<string, Float64Array>> {
  const eeg = await readHmsEeg(dir, split, eegId, { columns: CHAIN_ELECTRODES });
  if (eeg.fileRows < samples) {
    throw new DataError(eeg.file, `has ${eeg.fileRows} rows (${eeg.fileRows / 200} s), fewer than the ${samples} rows (${samples / 200} s) the EEG inputs need`);
  }
  const off = labelOffsetSeconds === undefined ? Math.floor((eeg.fileRows - samples) / 2) : Math.round((labelOffsetSeconds + 25) * 200 - samples / 2);
  if (off < 0 || off + samples > eeg.fileRows) {
    throw new DataError(eeg.file, `the EEG window (rows ${off}..${off + samples}, label offset ${labelOffsetSeconds} s) is beyond the file's ${eeg.fileRows} rows`);
  }
  const out: Record<string, Float64Array> = {};
  for (const name of CHAIN_ELECTRODES) {
    const col = eeg.columns[name];
    let sum = 0;
    let count = 0;
    for (let i = 0; i < samples; i++) {
      const v = col[off + i];
      if (!Number.isNaN(v)) (sum += v), count++;
    }
    const fill = count ? sum / count : 0;
    const x = new Float64Array(samples);
    for (let i = 0; i < samples; i++) {
      const v = col[off + i];
      x[i] = Number.isNaN(v) ? fill : v;
    }
    out[name] = x;
  }
  return out;
}

function pairDiff(eeg: Record<string, Float64Array>, a: string, b: string): Float64Array {
  const xa = eeg[a];
  const xb = eeg[b];
  const d = new Float64Array(xa.length);
  for (let i = 0; i < d.length; i++) d[i] = xa[i] - xb[i];
  return d;
}

/** EEG spectrogram tiles of one EEG window. */
export function eegSpectrogramTiles(eeg: Record<string, Float64Array>, s: InputSettings): Float32Array {
  const { tileHeight: th, tileWidth: tw } = s;
  const out = new Float32Array(N_CHAINS * th * tw);
  const e = s.eegSpectrogram;
  if (e.method === 'stft') {
    const spec = hmsSpectrogram(eeg);
    for (let k = 0; k < N_CHAINS; k++) {
      const img = new Float32Array(100 * spec.nFrames);
      for (let f = 0; f < 100; f++) for (let t = 0; t < spec.nFrames; t++) img[f * spec.nFrames + t] = spec.data[t * spec.nColumns + k * 100 + f];
      logAndStandardize(img);
      resizeBilinear(img, 100, spec.nFrames, th, tw, out, tw, k * th * tw);
    }
    return out;
  }
  const n = eeg[CHAIN_ELECTRODES[0]].length;
  const hop = Math.max(1, Math.floor(n / e.frames));
  HMS_CHAINS.forEach(({ pairs }, k) => {
    const img = new Float64Array(e.nMels * e.frames);
    for (const [a, b] of pairs) {
      const m = melSpectrogram(pairDiff(eeg, a, b), { fs: 200, nfft: e.nfft, winLength: e.winLength, hopLength: hop, nMels: e.nMels, fmin: 0, fmax: e.fmax });
      // librosa.power_to_db(S, ref=np.max) (amin 1e-10, top_db 80), then the notebook's (db + 40) / 40.
      let ref = 1e-10;
      for (const v of m.S) ref = Math.max(ref, v);
      const db = new Float64Array(e.nMels * e.frames);
      let top = -Infinity;
      for (let f = 0; f < e.nMels; f++) {
        for (let t = 0; t < e.frames; t++) {
          const v = 10 * Math.log10(Math.max(1e-10, m.S[f * m.nFrames + t])) - 10 * Math.log10(ref);
          db[f * e.frames + t] = v;
          top = Math.max(top, v);
        }
      }
      for (let i = 0; i < db.length; i++) img[i] += (Math.max(db[i], top - 80) + 40) / 40 / pairs.length;
    }
    // The write-up's code runs log_and_Standarize on the EEG image too, before the resize.
    if (e.logStandardize) logAndStandardize(img);
    resizeBilinear(img, e.nMels, e.frames, th, tw, out, tw, k * th * tw);
  });
  return out;
}

/**
 * The write-up's wavelet features of one Kaggle spectrogram file (fileRows x 400, whole file):
 * per column (NaN -> 0, as its `aux.fillna(0)`) wavedec(db1, level) and [mean, std] of each of
 * the level + 1 coefficient arrays (pywt order cA_n, cD_n, ..., cD_1; np.std), i.e. a 400 x
 * 2(level + 1) image; log_and_Standarize; resized to one tile, repeated for the 4 chain tiles.
 */
export function waveletTiles(data: Float32Array, fileRows: number, s: InputSettings): Float32Array {
  const { tileHeight: th, tileWidth: tw } = s;
  const { level } = s.wavelet;
  const cols = 2 * (level + 1);
  const img = new Float64Array(400 * cols);
  const x = new Float64Array(fileRows);
  for (let c = 0; c < 400; c++) {
    for (let t = 0; t < fileRows; t++) {
      const v = data[t * 400 + c];
      x[t] = Number.isNaN(v) ? 0 : v;
    }
    wavedec(x, s.wavelet.wavelet, level).forEach((co, j) => {
      let sum = 0;
      for (const v of co) sum += v;
      const mean = sum / co.length;
      let ss = 0;
      for (const v of co) ss += (v - mean) ** 2;
      img[c * cols + 2 * j] = mean;
      img[c * cols + 2 * j + 1] = Math.sqrt(ss / co.length);
    });
  }
  logAndStandardize(img);
  const tile = resizeBilinear(img, 400, cols, th, tw);
  const out = new Float32Array(N_CHAINS * th * tw);
  for (let k = 0; k < N_CHAINS; k++) out.set(tile, k * th * tw);
  return out;
}

/** The settings a modality's tiles depend on (part of its cache key). */
function modalitySettings(m: Modality, s: InputSettings): unknown {
  const tile = [s.tileHeight, s.tileWidth];
  if (m === 'kaggle') return { tile, crop: s.kaggleCropFrames, pad: s.kagglePad };
  if (m === 'eeg') return { tile, seconds: s.eegSeconds, spec: s.eegSpectrogram };
  return { tile, wavelet: s.wavelet };
}

function cacheKey(dir: string, split: HmsSplit, m: Modality, s: InputSettings, items: readonly Item[]): string {
  const h = createHash('sha1');
  h.update(JSON.stringify({ version: 1, dir: path.resolve(dir), split, m, settings: modalitySettings(m, s) }));
  // The code that builds the tiles (this file): editing it makes a new cache, editing the model does not.
  h.update(fs.readFileSync(__filename));
  const seen = new Set<string>();
  for (const it of items) {
    h.update(`${it.eegId}:${it.spectrogramId}:${it.specRow}${it.eegOffsetSeconds === undefined ? '' : `:${it.eegOffsetSeconds}`}\n`);
    const file = m !== 'eeg' ? hmsSpectrogramPath(dir, split, it.spectrogramId) : hmsEegPath(dir, split, it.eegId);
    if (seen.has(file)) continue;
    seen.add(file);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      const what = m !== 'eeg' ? `spectrogram parquet not found for ${split} spectrogram_id ${it.spectrogramId}` : `EEG parquet not found for ${split} eeg_id ${it.eegId}`;
      throw new DataError(file, `${what} (listed in ${split}.csv)`);
    }
    h.update(`${file}:${st.size}:${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

export interface BuildOptions {
  cacheDir?: string;
  log?: (line: string) => void;
  /** Wraps each modality's computation (the timing log). */
  time?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** Tiles of every requested modality, [n, 4 * tileH, tileW] each, from the cache when current. */
export async function buildModalities(dir: string, split: HmsSplit, items: readonly Item[], wanted: readonly Modality[], s: InputSettings, o: BuildOptions = {}): Promise<Partial<Record<Modality, Float32Array>>> {
  const log = o.log ?? (() => {});
  const time = o.time ?? ((_n, fn) => fn());
  const n = items.length;
  const size = N_CHAINS * s.tileHeight * s.tileWidth;
  const shape = [n, N_CHAINS * s.tileHeight, s.tileWidth];
  const out: Partial<Record<Modality, Float32Array>> = {};
  const files: Partial<Record<Modality, string>> = {};
  const todo: Modality[] = [];
  for (const m of MODALITIES.filter((x) => wanted.includes(x))) {
    const file = o.cacheDir ? path.join(o.cacheDir, `${m}-${split}-${n}x${shape[1]}x${shape[2]}-${cacheKey(dir, split, m, s, items)}.npy`) : undefined;
    files[m] = file;
    // A cache cut short (killed run, full disk) or otherwise damaged is logged and rebuilt, never used.
    const cached = file ? loadNpyCache(file, { type: Float32Array, shape }, log) : undefined;
    if (cached) {
      out[m] = cached;
      log(`${m} tiles: ${n} ${split} images from the cache ${file}`);
      continue;
    }
    todo.push(m);
  }
  // Kaggle tiles and the wavelet features both come from the spectrogram parquets.
  const specMods = todo.filter((m) => m !== 'eeg');
  if (specMods.length) {
    const res = await time(`${split}_${specMods.join('_')}_from_spectrograms`, async () => {
      const xs = specMods.map(() => new Float32Array(n * size));
      // One read per spectrogram file: eeg_ids share spectrograms.
      const bySpec = new Map<number, number[]>();
      items.forEach((it, i) => bySpec.set(it.spectrogramId, [...(bySpec.get(it.spectrogramId) ?? []), i]));
      const bar = bySpec.size >= 50 ? progressBar(`${split} spectrograms`, bySpec.size) : undefined;
      try {
        for (const [id, rows] of bySpec) {
          const spec = await readHmsSpectrogram(dir, split, id);
          specMods.forEach((m, j) => {
            // The wavelet image depends on the file only (the write-up keys it by spectrogram_id).
            const w = m === 'wavelet' ? waveletTiles(spec.data, spec.nFrames, s) : undefined;
            for (const i of rows) xs[j].set(w ?? kaggleTiles(spec.data, spec.nFrames, items[i].specRow, s, spec.file), i * size);
          });
          bar?.increment();
        }
      } finally {
        bar?.stop();
      }
      log(`${specMods.join(' + ')} tiles: ${bySpec.size} ${split} spectrogram parquets -> [${shape}] each`);
      return xs;
    });
    specMods.forEach((m, j) => (out[m] = res[j]));
  }
  const eegMods = todo.filter((m) => m === 'eeg');
  if (eegMods.length) {
    const res = await time(`${split}_${eegMods.join('_')}_from_raw_eeg`, async () => {
      const xs = eegMods.map(() => new Float32Array(n * size));
      const bar = n >= 50 ? progressBar(`${split} EEGs`, n) : undefined;
      try {
        for (let i = 0; i < n; i++) {
          const eeg = await eegWindow(dir, split, items[i].eegId, Math.round(s.eegSeconds * 200), items[i].eegOffsetSeconds);
          eegMods.forEach((_m, j) => xs[j].set(eegSpectrogramTiles(eeg, s), i * size));
          bar?.increment();
        }
      } finally {
        bar?.stop();
      }
      log(`${eegMods.join(' + ')} tiles: ${n} ${split} EEG parquets -> [${shape}] each`);
      return xs;
    });
    eegMods.forEach((m, j) => (out[m] = res[j]));
  }
  for (const m of todo) {
    const file = files[m];
    // Atomic (temp file + rename): a run killed while writing leaves no half-written cache under this name.
    if (file) saveNpy(file, out[m]!, shape);
  }
  return out;
}

/** Merge the modalities (in MODALITIES order) side by side: [n, 4 * tileH, m * tileW]. */
export function mergeTiles(mods: Partial<Record<Modality, Float32Array>>, use: readonly Modality[], n: number, s: InputSettings): { x: Float32Array; height: number; width: number } {
  const h = N_CHAINS * s.tileHeight;
  const tw = s.tileWidth;
  const list = MODALITIES.filter((m) => use.includes(m)).map((m) => {
    const a = mods[m];
    if (!a) throw new Error(`mergeTiles: modality '${m}' was not built`);
    return a;
  });
  const width = list.length * tw;
  const x = new Float32Array(n * h * width);
  for (let i = 0; i < n; i++) {
    list.forEach((a, b) => {
      for (let y = 0; y < h; y++) x.set(a.subarray((i * h + y) * tw, (i * h + y + 1) * tw), (i * h + y) * width + b * tw);
    });
  }
  return { x, height: h, width };
}

/** Reverse time within every tile of one image (the seed's horizontal flip, per tile so modalities stay in place). */
export function flipTiles(img: Float32Array, height: number, width: number, tileWidth: number): void {
  for (let y = 0; y < height; y++) {
    for (let b = 0; b < width; b += tileWidth) {
      let lo = y * width + b;
      let hi = lo + tileWidth - 1;
      while (lo < hi) {
        const t = img[lo];
        img[lo++] = img[hi];
        img[hi--] = t;
      }
    }
  }
}
