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
//
// At Kaggle scale (17,089 EEGs) one modality is ~9 GB and the merged input more than Node can
// allocate: each modality's tiles go to a sharded .npy store item by item (buildModalities), and
// the model input is merged per batch from the stores (inputImages) once it is over 1 GiB.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HMS_CHAINS, hmsSpectrogram, melSpectrogram, wavedec } from '@repro/dsp';
import { DataError, hmsEegPath, hmsSpectrogramPath, NpyShardWriter, openNpyShardsCache, progressBar, readHmsEeg, readHmsSpectrogram, type HmsSplit, type NpyShardReader } from '@repro/io';
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
  // version 2: sharded stores (spectrogram modalities in bySpectrogram order), no longer one .npy per modality.
  h.update(JSON.stringify({ version: 2, dir: path.resolve(dir), split, m, settings: modalitySettings(m, s) }));
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

/**
 * The largest array the data path allocates for all items at once: a modality's tiles without a
 * cache, or the merged model inputs. Above it the inputs are merged per batch from the tile stores
 * (Kaggle's 17,089 EEGs: 8.9 GB of [512, 256] kaggle images; Node cannot allocate that).
 */
export const MAX_INPUTS_BYTES = 2 ** 30;

/** data.cacheShardMiB in bytes (256 MiB for a stored config from before the setting). */
export function cacheShardBytes(data: { cacheShardMiB?: number }): number {
  return Math.floor((data.cacheShardMiB ?? 256) * 2 ** 20);
}

/** One modality's tiles of n items, [4 * tileH, tileW] each, by item index. */
export interface TileRows {
  n: number;
  rowSize: number;
  /** Item i's tiles copied into `out` (rowSize values). */
  row(i: number, out: Float32Array): Float32Array;
  /** All items' tiles in one [n, 4 * tileH, tileW] array when held in memory (no cache); undefined for a store. */
  data?: Float32Array;
  /** 'memory' or the store folder. */
  source: string;
  close(): void;
}

function checkRow(i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`row ${i} is outside 0..${n - 1}`);
}

/** Tiles held in one array. */
export function tilesInMemory(data: Float32Array, n: number, rowSize: number): TileRows {
  if (data.length !== n * rowSize) throw new RangeError(`tilesInMemory: ${data.length} values are not ${n} rows of ${rowSize}`);
  return {
    n,
    rowSize,
    data,
    source: 'memory',
    row: (i, out) => (checkRow(i, n), out.set(data.subarray(i * rowSize, (i + 1) * rowSize)), out),
    close: () => {},
  };
}

/** Tiles read row by row from a sharded store; item i is store row storeRow[i] (i when undefined). */
export function tilesFromStore(reader: NpyShardReader, storeRow?: Int32Array): TileRows {
  if (storeRow && storeRow.length !== reader.rows) throw new RangeError(`tilesFromStore: ${storeRow.length} items for a store of ${reader.rows} rows`);
  return { n: reader.rows, rowSize: reader.rowSize, source: reader.dir, row: (i, out) => (checkRow(i, reader.rows), reader.row(storeRow ? storeRow[i] : i, out as Float32Array<ArrayBuffer>)), close: () => reader.close() };
}

/** Spectrogram files in order of first use, each with its items in item order: one read per file. */
function bySpectrogram(items: readonly Item[]): Map<number, number[]> {
  const bySpec = new Map<number, number[]>();
  items.forEach((it, i) => {
    const rows = bySpec.get(it.spectrogramId);
    if (rows) rows.push(i);
    else bySpec.set(it.spectrogramId, [i]);
  });
  return bySpec;
}

/** Store row of each item of a spectrogram modality: its tiles are written file by file (bySpectrogram order). */
function spectrogramStoreRows(bySpec: Map<number, number[]>, n: number): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  for (const rows of bySpec.values()) for (const i of rows) out[i] = k++;
  return out;
}

export interface BuildOptions {
  cacheDir?: string;
  /** Data bytes per cache shard (data.cacheShardMiB). @default 256 MiB */
  maxShardBytes?: number;
  log?: (line: string) => void;
  /** Wraps each modality's computation (the timing log). */
  time?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** Where a modality's tiles go while they are built: a new store, row by row, or one array. */
interface TileSink {
  add(i: number, tile: Float32Array): void;
  finish(): TileRows;
  abort(): void;
}

/**
 * Tiles of every requested modality, [4 * tileH, tileW] per item. With a cacheDir each modality
 * is a sharded .npy store (@repro/io NpyShardWriter: shards of at most maxShardBytes, index.json
 * written last) in a folder named by a hash of the data set, the items, the settings and this
 * file's source: a current store is reused and read row by row as batches ask for it; one that is
 * stale has another name and is built anew; one without its index (a killed build) or otherwise
 * damaged is logged and rebuilt. Tiles are written one item at a time as they are built, so no
 * modality is ever held whole in memory. Without a cacheDir they are built into one array per
 * modality (refused above MAX_INPUTS_BYTES).
 */
export async function buildModalities(dir: string, split: HmsSplit, items: readonly Item[], wanted: readonly Modality[], s: InputSettings, o: BuildOptions = {}): Promise<Partial<Record<Modality, TileRows>>> {
  const log = o.log ?? (() => {});
  const time = o.time ?? ((_n, fn) => fn());
  const n = items.length;
  const size = N_CHAINS * s.tileHeight * s.tileWidth;
  const rowShape = [N_CHAINS * s.tileHeight, s.tileWidth];
  const shape = [n, ...rowShape];
  const bySpec = bySpectrogram(items);
  const specRows = spectrogramStoreRows(bySpec, n);
  const out: Partial<Record<Modality, TileRows>> = {};
  const stores: Partial<Record<Modality, { dir: string; key: string }>> = {};
  const todo: Modality[] = [];
  for (const m of MODALITIES.filter((x) => wanted.includes(x))) {
    if (o.cacheDir) {
      const key = cacheKey(dir, split, m, s, items);
      const store = path.join(o.cacheDir, `${m}-${split}-${shape.join('x')}-${key}`);
      stores[m] = { dir: store, key };
      // A store cut short (killed run, full disk), without its index or otherwise damaged is logged and rebuilt, never used.
      const reader = openNpyShardsCache(store, { key, rowShape, rows: n }, log);
      if (reader) {
        out[m] = tilesFromStore(reader, m === 'eeg' ? undefined : specRows);
        log(`${m} tiles: ${n} ${split} images from the cache ${store} (${reader.index.shards.length} shard(s), read per row)`);
        continue;
      }
    } else if (n * size * 4 > MAX_INPUTS_BYTES) {
      throw new DataError(dir, `${n} ${split} images of ${m} tiles [${rowShape}] need ${((n * size * 4) / 2 ** 30).toFixed(2)} GiB in one array without a cache; turn data.cache on (sharded tile stores)`);
    }
    todo.push(m);
  }
  const sink = (m: Modality, storeRow?: Int32Array): TileSink => {
    const st = stores[m];
    if (!st) {
      const x = new Float32Array(n * size);
      return { add: (i, tile) => x.set(tile, i * size), finish: () => tilesInMemory(x, n, size), abort: () => {} };
    }
    const writer = new NpyShardWriter(st.dir, { rowShape, key: st.key, maxShardBytes: o.maxShardBytes });
    let next = 0;
    return {
      add: (i, tile) => {
        // Rows go to the store in the order they are built, which is the store order by construction.
        if ((storeRow ? storeRow[i] : i) !== next++) throw new Error(`buildModalities: item ${i} built out of store order`);
        writer.append(tile);
      },
      finish: () => {
        // The index is written last and atomically: a run killed before this leaves no whole store.
        const index = writer.finish();
        const reader = openNpyShardsCache(st.dir, { key: st.key, rowShape, rows: n }, log);
        if (!reader) throw new DataError(st.dir, 'the cache store just written cannot be read back');
        log(`  ${m} tiles cached to ${st.dir} (${index.shards.length} shard(s))`);
        return tilesFromStore(reader, storeRow);
      },
      // A store that will never be finished is removed now rather than found incomplete next time.
      abort: () => fs.rmSync(st.dir, { recursive: true, force: true }),
    };
  };
  const build = async (mods: Modality[], storeRow: Int32Array | undefined, fill: (sinks: TileSink[]) => Promise<void>): Promise<void> => {
    const sinks = mods.map((m) => sink(m, storeRow));
    try {
      await fill(sinks);
    } catch (err) {
      for (const k of sinks) k.abort();
      throw err;
    }
    mods.forEach((m, j) => (out[m] = sinks[j].finish()));
  };
  // Kaggle tiles and the wavelet features both come from the spectrogram parquets.
  const specMods = todo.filter((m) => m !== 'eeg');
  if (specMods.length) {
    await time(`${split}_${specMods.join('_')}_from_spectrograms`, () =>
      build(specMods, specRows, async (sinks) => {
        // One read per spectrogram file: eeg_ids share spectrograms.
        const bar = bySpec.size >= 50 ? progressBar(`${split} spectrograms`, bySpec.size) : undefined;
        try {
          for (const [id, rows] of bySpec) {
            const spec = await readHmsSpectrogram(dir, split, id);
            // The wavelet image depends on the file only (the write-up keys it by spectrogram_id).
            const w = specMods.map((m) => (m === 'wavelet' ? waveletTiles(spec.data, spec.nFrames, s) : undefined));
            for (const i of rows) specMods.forEach((_m, j) => sinks[j].add(i, w[j] ?? kaggleTiles(spec.data, spec.nFrames, items[i].specRow, s, spec.file)));
            bar?.increment();
          }
        } finally {
          bar?.stop();
        }
        log(`${specMods.join(' + ')} tiles: ${bySpec.size} ${split} spectrogram parquets -> [${shape}] each`);
      }),
    );
  }
  const eegMods = todo.filter((m) => m === 'eeg');
  if (eegMods.length) {
    await time(`${split}_${eegMods.join('_')}_from_raw_eeg`, () =>
      build(eegMods, undefined, async (sinks) => {
        const bar = n >= 50 ? progressBar(`${split} EEGs`, n) : undefined;
        try {
          for (let i = 0; i < n; i++) {
            const eeg = await eegWindow(dir, split, items[i].eegId, Math.round(s.eegSeconds * 200), items[i].eegOffsetSeconds);
            for (const k of sinks) k.add(i, eegSpectrogramTiles(eeg, s));
            bar?.increment();
          }
        } finally {
          bar?.stop();
        }
        log(`${eegMods.join(' + ')} tiles: ${n} ${split} EEG parquets -> [${shape}] each`);
      }),
    );
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

/** The model's input images, [height, width] each (mergeTiles' layout), by item index. */
export interface InputImages {
  n: number;
  height: number;
  width: number;
  /** Image i copied into `out` (height * width values). */
  row(i: number, out: Float32Array): Float32Array;
  /** All images in one [n, height, width] array when held in memory; undefined when merged per batch. */
  data?: Float32Array;
  /** True when each image is merged from the tile stores as a batch asks for it. */
  perBatch: boolean;
  close(): void;
}

/** Images held in one [n, height, width] array. */
export function imagesInMemory(x: Float32Array, n: number, height: number, width: number): InputImages {
  const size = height * width;
  if (x.length !== n * size) throw new RangeError(`imagesInMemory: ${x.length} values are not ${n} images of ${height} x ${width}`);
  return { n, height, width, data: x, perBatch: false, row: (i, out) => (checkRow(i, n), out.set(x.subarray(i * size, (i + 1) * size)), out), close: () => {} };
}

/** An [n, height, width] array as InputImages (InputImages as they are). */
export function asImages(x: Float32Array | InputImages, height: number, width: number): InputImages {
  return x instanceof Float32Array ? imagesInMemory(x, x.length / (height * width), height, width) : x;
}

/**
 * The merged model inputs of n items: in one array when they fit in maxBytes (the smoke and
 * default data sets: tens of MB), merged from the tiles as each image is asked for otherwise
 * (Kaggle scale: only a batch's images are ever in memory). Both are mergeTiles' layout, the same
 * bits: merging copies values and nothing else.
 */
export function inputImages(mods: Partial<Record<Modality, TileRows>>, use: readonly Modality[], n: number, s: InputSettings, maxBytes = MAX_INPUTS_BYTES): InputImages {
  const h = N_CHAINS * s.tileHeight;
  const tw = s.tileWidth;
  const used = MODALITIES.filter((m) => use.includes(m));
  const list = used.map((m) => {
    const t = mods[m];
    if (!t) throw new Error(`inputImages: modality '${m}' was not built`);
    if (t.n !== n || t.rowSize !== h * tw) throw new RangeError(`inputImages: modality '${m}' has ${t.n} rows of ${t.rowSize}, expected ${n} of ${h * tw}`);
    return t;
  });
  const width = list.length * tw;
  const bufs = list.map((t) => (t.data ? undefined : new Float32Array(t.rowSize)));
  const merge = (i: number, out: Float32Array): Float32Array => {
    checkRow(i, n);
    list.forEach((t, b) => {
      const a = t.data ? t.data.subarray(i * t.rowSize, (i + 1) * t.rowSize) : t.row(i, bufs[b]!);
      for (let y = 0; y < h; y++) out.set(a.subarray(y * tw, (y + 1) * tw), y * width + b * tw);
    });
    return out;
  };
  const size = h * width;
  if (n * size * 4 <= maxBytes) {
    // Tiles in memory (no cache): mergeTiles, as before the stores.
    if (list.every((t) => t.data)) return imagesInMemory(mergeTiles(Object.fromEntries(used.map((m, b) => [m, list[b].data!])), use, n, s).x, n, h, width);
    const x = new Float32Array(n * size);
    for (let i = 0; i < n; i++) merge(i, x.subarray(i * size, (i + 1) * size));
    for (const t of list) t.close(); // every image is in memory now: the stores' files are done with
    return imagesInMemory(x, n, h, width);
  }
  return { n, height: h, width, perBatch: true, row: merge, close: () => list.forEach((t) => t.close()) };
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
