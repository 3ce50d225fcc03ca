// Step 2 of the seed: eeg_from_parquet() for every eeg_id, kept in one cache file.
//
//   eeg = pd.read_parquet(path, columns=FEATS); offset = (rows - 10_000) // 2
//   eeg = eeg.iloc[offset:offset + 10_000]
//   per column: x = float32; m = np.nanmean(x); NaN -> m, or all 0 when the column is all NaN
//
// The seed saves the dict of arrays with np.save('eegs', all_eegs) when CREATE_EEGS is set and
// otherwise loads it. Here the arrays go to one .npy ([nEegs, windowRows, 8] float32) whose name
// carries a hash of the data set (folder, split, window, eeg_ids and each parquet's size and mtime):
// an unchanged data set is read from the cache, a changed one is parsed again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DataError, hmsEegPath, loadNpyCache, progressBar, readHmsEeg, saveNpy, type HmsSplit } from '@repro/io';

/** The seed's FEATS: the 8 electrodes its bipolar differences use, in this order. */
export const EEG_FEATURES = ['Fp1', 'T3', 'C3', 'O1', 'Fp2', 'C4', 'T4', 'O2'] as const;
export const FEAT2IDX: Record<(typeof EEG_FEATURES)[number], number> = Object.fromEntries(EEG_FEATURES.map((f, i) => [f, i])) as never;

/**
 * The middle `windowRows` rows of the 8 columns, row-major windowRows x 8, NaNs filled with
 * the column's nanmean (all-NaN columns become 0).
 */
export function middleWindow(columns: Record<string, Float32Array>, fileRows: number, windowRows: number, file: string): Float32Array {
  if (fileRows < windowRows) {
    throw new DataError(file, `has ${fileRows} rows (${fileRows / 200} s at 200 Hz), fewer than the ${windowRows} rows of the middle window`);
  }
  const offset = Math.floor((fileRows - windowRows) / 2);
  const nF = EEG_FEATURES.length;
  const out = new Float32Array(windowRows * nF);
  EEG_FEATURES.forEach((name, j) => {
    const col = columns[name];
    let sum = 0;
    let count = 0;
    for (let t = 0; t < windowRows; t++) {
      const v = col[offset + t];
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    // np.nanmean of a float32 array is a float32.
    const fill = count > 0 ? Math.fround(sum / count) : 0;
    for (let t = 0; t < windowRows; t++) {
      const v = col[offset + t];
      out[t * nF + j] = count === 0 ? 0 : Number.isNaN(v) ? fill : v;
    }
  });
  return out;
}

/** eeg_from_parquet(): read one EEG parquet and cut its middle window. */
export async function eegFromParquet(dataDir: string, split: HmsSplit, eegId: number, windowRows: number): Promise<Float32Array> {
  // readHmsEeg names the file when it is missing or lacks one of the 8 columns.
  const eeg = await readHmsEeg(dataDir, split, eegId, { columns: EEG_FEATURES });
  return middleWindow(eeg.columns, eeg.fileRows, windowRows, eeg.file);
}

export interface LoadEegsOptions {
  /** Folder for the cache file; no caching when undefined. */
  cacheDir?: string;
  /** Reuse a cache file for the same data set (the seed's CREATE_EEGS = False). @default true */
  useCache?: boolean;
  log?: (line: string) => void;
}

/** Hash of everything the arrays depend on; a missing parquet is reported here, by name. */
export function dataSetKey(dataDir: string, split: HmsSplit, eegIds: ArrayLike<number>, windowRows: number): string {
  const h = createHash('sha1');
  h.update(JSON.stringify({ dir: path.resolve(dataDir), split, windowRows, features: EEG_FEATURES, version: 1 }));
  // The code that builds the windows (this file): editing it makes a new cache, editing the model does not.
  h.update(fs.readFileSync(__filename));
  for (let i = 0; i < eegIds.length; i++) {
    const file = hmsEegPath(dataDir, split, eegIds[i]);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new DataError(file, `EEG parquet not found for ${split} eeg_id ${eegIds[i]} (listed in ${split}.csv; expected ${split}_eegs/${eegIds[i]}.parquet)`);
    }
    h.update(`${eegIds[i]}:${st.size}:${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** The middle windows of every EEG, [n, windowRows, 8] row-major, from the cache when it is current. */
export async function loadEegs(
  dataDir: string,
  split: HmsSplit,
  eegIds: ArrayLike<number>,
  windowRows: number,
  options: LoadEegsOptions = {},
): Promise<Float32Array> {
  const log = options.log ?? (() => {});
  const n = eegIds.length;
  const rowSize = windowRows * EEG_FEATURES.length;
  const key = dataSetKey(dataDir, split, eegIds, windowRows);
  const cacheFile = options.cacheDir ? path.join(options.cacheDir, `eegs-${split}-${n}x${windowRows}-${key}.npy`) : undefined;
  if (cacheFile && options.useCache !== false) {
    // A cache cut short (killed run, full disk) or otherwise damaged is logged and rebuilt below, never used.
    const data = loadNpyCache(cacheFile, { type: Float32Array, shape: [n, windowRows, EEG_FEATURES.length] }, log);
    if (data) {
      log(`Reading ${n} ${split} EEG arrays from the cache ${cacheFile}`);
      return data;
    }
  }
  log(`Processing ${n} ${split} EEG parquets (middle ${windowRows} rows of ${EEG_FEATURES.join(', ')})...`);
  const t0 = Date.now();
  const out = new Float32Array(n * rowSize);
  const bar = n >= 50 ? progressBar(`${split} EEGs`, n) : undefined;
  try {
    for (let i = 0; i < n; i++) {
      out.set(await eegFromParquet(dataDir, split, eegIds[i], windowRows), i * rowSize);
      bar?.increment();
    }
  } finally {
    bar?.stop();
  }
  log(`  parsed ${n} parquets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (cacheFile) {
    // Atomic (temp file + rename): a run killed while writing leaves no half-written cache under this name.
    saveNpy(cacheFile, out, [n, windowRows, EEG_FEATURES.length]);
    log(`  cached to ${cacheFile}`);
  }
  return out;
}
