// Step 2 of the seed: eeg_from_parquet() for every eeg_id, kept in one cache file.
//
//   eeg = pd.read_parquet(path, columns=FEATS); offset = (rows - 10_000) // 2
//   eeg = eeg.iloc[offset:offset + 10_000]
//   per column: x = float32; m = np.nanmean(x); NaN -> m, or all 0 when the column is all NaN
//
// The seed saves the dict of arrays with np.save('eegs', all_eegs) when CREATE_EEGS is set and
// otherwise loads it. Here the arrays go to a sharded store (@repro/io NpyShardWriter: .npy shards
// of [rows, windowRows, 8] float32, at most maxShardBytes each, and an index written last) in a
// folder whose name carries a hash of the data set (folder, split, window, eeg_ids and each
// parquet's size and mtime): an unchanged data set is read from the cache, row by row as the
// batches ask for it (Kaggle's 17,089 EEGs are ~5.5 GB, more than one buffer can hold), and a
// changed one is parsed again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { allocTyped, checkDiskSpace, DataError, fmtBytes, ResourceError, hmsEegPath, NpyShardWriter, openNpyShardsCache, progressBar, readHmsEeg, setActivity, type HmsSplit, type NpyShardReader } from '@repro/io';

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

/** The middle windows of n EEGs: row i is EEG i's [windowRows, 8], row-major. */
export interface EegWindows {
  n: number;
  /** windowRows * 8. */
  rowSize: number;
  /** Row i (the caller must not modify it). */
  row(i: number): Float32Array;
  /** All rows in one array when they are held in memory (no cache); undefined for a cache store. */
  data?: Float32Array;
  /** Where the rows are read from: 'memory' or the store folder. */
  source: string;
  close(): void;
}

/** Windows held in one array ([n, rowSize]). */
export function windowsInMemory(data: Float32Array, n: number, rowSize: number): EegWindows {
  if (data.length !== n * rowSize) throw new RangeError(`windowsInMemory: ${data.length} values are not ${n} rows of ${rowSize}`);
  return { n, rowSize, data, source: 'memory', row: (i) => data.subarray(i * rowSize, (i + 1) * rowSize), close: () => {} };
}

/** Windows read row by row from a sharded cache store. */
export function windowsFromStore(reader: NpyShardReader): EegWindows {
  return { n: reader.rows, rowSize: reader.rowSize, source: reader.dir, row: (i) => reader.row(i), close: () => reader.close() };
}

export interface LoadEegsOptions {
  /** Folder for the cache store; no caching (all windows in memory) when undefined. */
  cacheDir?: string;
  /** Data bytes per cache shard (data.cacheShardMiB). @default 256 MiB */
  maxShardBytes?: number;
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

/**
 * The middle windows of every EEG: from the cache store when it is current (read lazily), else
 * parsed and, with a cacheDir, written to a new store one EEG at a time (never all in one buffer).
 */
export async function loadEegs(
  dataDir: string,
  split: HmsSplit,
  eegIds: ArrayLike<number>,
  windowRows: number,
  options: LoadEegsOptions = {},
): Promise<EegWindows> {
  const log = options.log ?? (() => {});
  const n = eegIds.length;
  const rowShape = [windowRows, EEG_FEATURES.length];
  const rowSize = windowRows * EEG_FEATURES.length;
  const what = `${n} ${split} EEG windows of ${windowRows} x ${EEG_FEATURES.length}`;
  if (!options.cacheDir && n * rowSize * 4 > 2 ** 30) {
    // Refused before any file is looked at, not after minutes of parsing.
    throw new ResourceError(`${what} need ${fmtBytes(n * rowSize * 4)} in one array without a cache (over 1 GiB): set data.cacheEegs true, so they stay on disk in shards and are read per batch`);
  }
  const key = dataSetKey(dataDir, split, eegIds, windowRows);
  const cacheDir = options.cacheDir ? path.join(options.cacheDir, `eegs-${split}-${n}x${windowRows}-${key}`) : undefined;
  if (cacheDir && options.useCache !== false) {
    // A store cut short (killed run, full disk) or otherwise damaged is logged and rebuilt below, never used.
    const reader = openNpyShardsCache(cacheDir, { key, rowShape, rows: n }, log);
    if (reader) {
      log(`Reading ${n} ${split} EEG arrays from the cache ${cacheDir} (${reader.index.shards.length} shard(s), row by row)`);
      return windowsFromStore(reader);
    }
  }
  log(`Processing ${n} ${split} EEG parquets (middle ${windowRows} rows of ${EEG_FEATURES.join(', ')})...`);
  const t0 = Date.now();
  // Without a cache the windows stay in memory, as before; with one they go straight to the shards.
  if (cacheDir) checkDiskSpace(path.dirname(cacheDir), n * rowSize * 4, `the EEG cache (${what})`);
  const out = cacheDir ? undefined : allocTyped(Float32Array, n * rowSize, `${what} in memory (data.cacheEegs is off; turn it on to keep them on disk)`);
  setActivity(cacheDir ? `building the EEG cache ${cacheDir} (${what})` : `reading ${what} into memory`);
  const writer = cacheDir ? new NpyShardWriter(cacheDir, { rowShape, key, maxShardBytes: options.maxShardBytes }) : undefined;
  const bar = n >= 50 ? progressBar(`${split} EEGs`, n) : undefined;
  try {
    for (let i = 0; i < n; i++) {
      const w = await eegFromParquet(dataDir, split, eegIds[i], windowRows);
      if (writer) writer.append(w);
      else out!.set(w, i * rowSize);
      bar?.increment();
    }
  } catch (err) {
    // A store that will never be finished is removed now rather than found incomplete next time.
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
    throw err;
  } finally {
    bar?.stop();
    setActivity(undefined);
  }
  log(`  parsed ${n} parquets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (!writer) return windowsInMemory(out!, n, rowSize);
  // The index is written last and atomically: a run killed before this leaves no whole store.
  const index = writer.finish();
  log(`  cached to ${cacheDir} (${index.shards.length} shard(s))`);
  const reader = openNpyShardsCache(cacheDir!, { key, rowShape, rows: n }, log);
  if (!reader) throw new DataError(cacheDir!, 'the cache store just written cannot be read back');
  return windowsFromStore(reader);
}
