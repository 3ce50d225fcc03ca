// The seed's inputs, one image per modality and chain, resized to tiles and merged into one
// input tensor (the seed's "Reshaping and Merging Modalities"):
//
//   kaggle   Kaggle's spectrogram: 300 rows (10 min) from row (min+max)//4 of the eeg_id's
//            offsets, cut to frames [crop, 300-crop), one 100-bin image per region (LL, RL, LP, RP),
//            log_and_Standarize (clip to [e^-4, e^8], log, per-image standardise, NaN -> 0).
//   eeg      EEG spectrogram per bipolar chain from the middle `eegSeconds` of the raw EEG,
//            averaged over the chain's 4 pairs: the seed notebook's librosa mel spectrogram
//            (power_to_db(ref=max), (db+40)/40) or Kaggle-style STFT (@repro/dsp hmsSpectrogram,
//            then log_and_Standarize).
//   wavelet  per bipolar pair pywt.wavedec(x, 'db1', level=5); per level and time frame the mean
//            |coefficient| and the std, averaged over the chain's pairs, log + standardise.
//
// Each modality is [n, 4 * tileH, tileW] (the 4 chain tiles stacked vertically, as the notebook
// stacks its 4 spectrograms); the enabled modalities are placed side by side: the model input
// is [n, 4 * tileH, m * tileW, 1].
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
  for (let k = 0; k < N_CHAINS; k++) {
    // Rows = frequency bins (low first), columns = time: the notebook's .T of the region's columns.
    for (let f = 0; f < 100; f++) for (let t = 0; t < frames; t++) img[f * frames + t] = data[(from + t) * 400 + k * 100 + f];
    logAndStandardize(img);
    resizeBilinear(img, 100, frames, th, tw, out, tw, k * th * tw);
  }
  return out;
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
      const m = melSpectrogram(pairDiff(eeg, a, b), { fs: 200, nfft: e.nfft, hopLength: hop, nMels: e.nMels, fmin: 0, fmax: e.fmax });
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
    resizeBilinear(img, e.nMels, e.frames, th, tw, out, tw, k * th * tw);
  });
  return out;
}

/** Wavelet tiles: per chain a (2 * (level + 1)) x frames image of log mean|c| / log std, standardised. */
export function waveletTiles(eeg: Record<string, Float64Array>, s: InputSettings): Float32Array {
  const { tileHeight: th, tileWidth: tw } = s;
  const { level, frames } = s.wavelet;
  const rows = 2 * (level + 1);
  const out = new Float32Array(N_CHAINS * th * tw);
  HMS_CHAINS.forEach(({ pairs }, k) => {
    const img = new Float64Array(rows * frames);
    for (const [a, b] of pairs) {
      const coeffs = wavedec(pairDiff(eeg, a, b), s.wavelet.wavelet, level);
      coeffs.forEach((c, j) => {
        for (let f = 0; f < frames; f++) {
          const from = Math.floor((f * c.length) / frames);
          const to = Math.max(from + 1, Math.floor(((f + 1) * c.length) / frames));
          let sa = 0;
          let sm = 0;
          for (let i = from; i < to; i++) (sa += Math.abs(c[i])), (sm += c[i]);
          const mean = sm / (to - from);
          let ss = 0;
          for (let i = from; i < to; i++) ss += (c[i] - mean) ** 2;
          img[2 * j * frames + f] += sa / (to - from) / pairs.length;
          img[(2 * j + 1) * frames + f] += Math.sqrt(ss / (to - from)) / pairs.length;
        }
      });
    }
    for (let i = 0; i < img.length; i++) img[i] = Math.log(Math.max(img[i], 1e-6));
    standardize(img);
    resizeBilinear(img, rows, frames, th, tw, out, tw, k * th * tw);
  });
  return out;
}

/** The settings a modality's tiles depend on (part of its cache key). */
function modalitySettings(m: Modality, s: InputSettings): unknown {
  const tile = [s.tileHeight, s.tileWidth];
  if (m === 'kaggle') return { tile, crop: s.kaggleCropFrames };
  if (m === 'eeg') return { tile, seconds: s.eegSeconds, spec: s.eegSpectrogram };
  return { tile, seconds: s.eegSeconds, wavelet: s.wavelet };
}

function cacheKey(dir: string, split: HmsSplit, m: Modality, s: InputSettings, items: readonly Item[]): string {
  const h = createHash('sha1');
  h.update(JSON.stringify({ version: 1, dir: path.resolve(dir), split, m, settings: modalitySettings(m, s) }));
  // The code that builds the tiles (this file): editing it makes a new cache, editing the model does not.
  h.update(fs.readFileSync(__filename));
  const seen = new Set<string>();
  for (const it of items) {
    h.update(`${it.eegId}:${it.spectrogramId}:${it.specRow}${it.eegOffsetSeconds === undefined ? '' : `:${it.eegOffsetSeconds}`}\n`);
    const file = m === 'kaggle' ? hmsSpectrogramPath(dir, split, it.spectrogramId) : hmsEegPath(dir, split, it.eegId);
    if (seen.has(file)) continue;
    seen.add(file);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      const what = m === 'kaggle' ? `spectrogram parquet not found for ${split} spectrogram_id ${it.spectrogramId}` : `EEG parquet not found for ${split} eeg_id ${it.eegId}`;
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
  if (todo.includes('kaggle')) {
    out.kaggle = await time(`${split}_kaggle_spectrograms`, async () => {
      const x = new Float32Array(n * size);
      // One read per spectrogram file: eeg_ids share spectrograms.
      const bySpec = new Map<number, number[]>();
      items.forEach((it, i) => bySpec.set(it.spectrogramId, [...(bySpec.get(it.spectrogramId) ?? []), i]));
      const bar = bySpec.size >= 50 ? progressBar(`${split} spectrograms`, bySpec.size) : undefined;
      try {
        for (const [id, rows] of bySpec) {
          const spec = await readHmsSpectrogram(dir, split, id);
          for (const i of rows) x.set(kaggleTiles(spec.data, spec.nFrames, items[i].specRow, s, spec.file), i * size);
          bar?.increment();
        }
      } finally {
        bar?.stop();
      }
      log(`kaggle tiles: ${bySpec.size} ${split} spectrogram parquets -> [${shape}]`);
      return x;
    });
  }
  const eegMods = todo.filter((m) => m !== 'kaggle');
  if (eegMods.length) {
    const res = await time(`${split}_${eegMods.join('_')}_from_raw_eeg`, async () => {
      const xs = eegMods.map(() => new Float32Array(n * size));
      const bar = n >= 50 ? progressBar(`${split} EEGs`, n) : undefined;
      try {
        for (let i = 0; i < n; i++) {
          const eeg = await eegWindow(dir, split, items[i].eegId, Math.round(s.eegSeconds * 200), items[i].eegOffsetSeconds);
          eegMods.forEach((m, j) => xs[j].set(m === 'eeg' ? eegSpectrogramTiles(eeg, s) : waveletTiles(eeg, s), i * size));
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
