// The HMS (Harmful Brain Activity Classification) files in Kaggle's layout: what the synthetic
// generator (tools/synth/hms) writes and what both HMS solutions read.
//
//   <dir>/train.csv                                  HMS_TRAIN_COLUMNS, one row per labelled window
//   <dir>/test.csv                                   spectrogram_id, eeg_id, patient_id
//   <dir>/sample_submission.csv                      eeg_id + the 6 vote columns
//   <dir>/{train,test}_eegs/{eeg_id}.parquet         HMS_EEG_COLUMNS, float32, 200 Hz
//   <dir>/{train,test}_spectrograms/{spectrogram_id}.parquet   `time` + 400 `{LL,RL,LP,RP}_{freq}`
import * as fs from 'fs';
import * as path from 'path';
import { readCsvColumns, readCsvHeader } from '../csvRead';
import { writeCsv } from '../csvWrite';
import { DataError } from '../errors';
import { readParquet, readParquetSchema } from '../parquet';
import { alignToSample, checkUniqueIds, probabilityProblem, validateSubmissionCsv, fieldNumber, type RowProblem } from './submissionChecks';

export const HMS_CLASSES = ['Seizure', 'LPD', 'GPD', 'LRDA', 'GRDA', 'Other'] as const;
export type HmsClass = (typeof HMS_CLASSES)[number];

/** Vote columns, in class order (HMS_CLASSES[i] <-> HMS_VOTE_COLUMNS[i]). */
export const HMS_VOTE_COLUMNS = ['seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'] as const;

export const HMS_TRAIN_COLUMNS = [
  'eeg_id',
  'eeg_sub_id',
  'eeg_label_offset_seconds',
  'spectrogram_id',
  'spectrogram_sub_id',
  'spectrogram_label_offset_seconds',
  'label_id',
  'patient_id',
  'expert_consensus',
  ...HMS_VOTE_COLUMNS,
] as const;

export const HMS_TEST_COLUMNS = ['spectrogram_id', 'eeg_id', 'patient_id'] as const;
export const HMS_SUBMISSION_COLUMNS = ['eeg_id', ...HMS_VOTE_COLUMNS] as const;

/** The 20 EEG parquet columns, in file order: 19 electrodes (10-20 system) then EKG. */
export const HMS_EEG_COLUMNS = [
  'Fp1', 'F3', 'C3', 'P3', 'F7', 'T3', 'T5', 'O1', 'Fz', 'Cz', 'Pz',
  'Fp2', 'F4', 'C4', 'P4', 'F8', 'T4', 'T6', 'O2', 'EKG',
] as const;
export type HmsEegColumn = (typeof HMS_EEG_COLUMNS)[number];

/** EEG sampling rate (Hz). */
export const HMS_EEG_FS = 200;
/** A labelled EEG window: 50 s = 10,000 rows from eeg_label_offset_seconds * 200. */
export const HMS_EEG_WINDOW_SECONDS = 50;
/** A labelled spectrogram window: 10 min = 300 rows from spectrogram_label_offset_seconds / 2. */
export const HMS_SPECTROGRAM_WINDOW_SECONDS = 600;
/** Seconds between spectrogram rows (`time` = 1, 3, 5, ...). */
export const HMS_SPECTROGRAM_STEP_SECONDS = 2;

/** The 4 spectrogram regions in column order, each with 100 frequency bins k*200/1024 Hz, k = 3..102. */
export const HMS_SPECTROGRAM_REGIONS = ['LL', 'RL', 'LP', 'RP'] as const;

/**
 * The 400 frequency column names, `${region}_${freq}` with freq = k*200/1024 rounded half-up to 2
 * decimals, trailing zeros dropped (LL_0.59, LL_0.78, ..., LL_4.1, ..., RP_19.92), as Kaggle's files.
 * (Same rule as @repro/dsp hmsSpectrogramColumnNames; io does not depend on dsp.)
 */
export const HMS_SPECTROGRAM_FREQ_COLUMNS: readonly string[] = HMS_SPECTROGRAM_REGIONS.flatMap((r) =>
  Array.from({ length: 100 }, (_, i) => `${r}_${Number((((i + 3) * 200) / 1024).toFixed(2))}`),
);
/** `time` + the 400 frequency columns. */
export const HMS_SPECTROGRAM_COLUMNS: readonly string[] = ['time', ...HMS_SPECTROGRAM_FREQ_COLUMNS];

export type HmsSplit = 'train' | 'test';

export interface HmsTrain {
  nRows: number;
  /** Ids above 2^31 occur (eeg_id, label_id reach ~4.29e9): float64, integer-valued. */
  eegId: Float64Array;
  eegSubId: Int32Array;
  eegLabelOffsetSeconds: Float64Array;
  spectrogramId: Float64Array;
  spectrogramSubId: Int32Array;
  spectrogramLabelOffsetSeconds: Float64Array;
  labelId: Float64Array;
  patientId: Int32Array;
  expertConsensus: string[];
  /** Index of expert_consensus in HMS_CLASSES. */
  consensusIndex: Int32Array;
  /** Vote counts, row-major nRows x 6 in HMS_VOTE_COLUMNS order. */
  votes: Float64Array;
  /** Row sums of `votes` (all > 0). */
  totalVotes: Float64Array;
}

export interface HmsTest {
  /** The file read. */
  file: string;
  nRows: number;
  spectrogramId: Float64Array;
  eegId: Float64Array;
  patientId: Int32Array;
}

function checkIntegers(file: string, column: string, a: Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i])) {
      throw new DataError(file, `expected ${what}, got ${Number.isNaN(a[i]) ? 'an empty field' : a[i]}`, { row: i + 2, column });
    }
  }
}

/** Read `<dir>/train.csv` into typed columns, validating votes and expert_consensus. */
export async function readHmsTrain(dir: string): Promise<HmsTrain> {
  const file = path.join(dir, 'train.csv');
  const header = await readCsvHeader(file);
  const missingVotes = HMS_VOTE_COLUMNS.filter((c) => !header.includes(c));
  if (missingVotes.length) {
    throw new DataError(
      file,
      `missing vote column${missingVotes.length > 1 ? 's' : ''} ${missingVotes.map((c) => `'${c}'`).join(', ')} ` +
        `(train.csv needs all of ${HMS_VOTE_COLUMNS.join(', ')}); the header has: ${header.join(', ')}`,
      { row: 1 },
    );
  }
  const t = await readCsvColumns(file, {
    columns: {
      eeg_id: 'float64',
      eeg_sub_id: 'int32',
      eeg_label_offset_seconds: 'float64',
      spectrogram_id: 'float64',
      spectrogram_sub_id: 'int32',
      spectrogram_label_offset_seconds: 'float64',
      label_id: 'float64',
      patient_id: 'int32',
      expert_consensus: 'string',
      seizure_vote: 'float64',
      lpd_vote: 'float64',
      gpd_vote: 'float64',
      lrda_vote: 'float64',
      grda_vote: 'float64',
      other_vote: 'float64',
    },
  });
  const n = t.nRows;
  const c = t.columns;
  for (const id of ['eeg_id', 'spectrogram_id', 'label_id'] as const) checkIntegers(file, id, c[id], 'an integer id');
  for (const off of ['eeg_label_offset_seconds', 'spectrogram_label_offset_seconds'] as const) {
    const a = c[off];
    for (let i = 0; i < n; i++) {
      if (!(a[i] >= 0)) throw new DataError(file, `expected an offset in seconds >= 0, got ${Number.isNaN(a[i]) ? 'an empty field' : a[i]}`, { row: i + 2, column: off });
    }
  }
  const votes = new Float64Array(n * 6);
  const totalVotes = new Float64Array(n);
  HMS_VOTE_COLUMNS.forEach((name, k) => {
    const a = c[name];
    for (let i = 0; i < n; i++) {
      const v = a[i];
      if (!(Number.isInteger(v) && v >= 0)) {
        throw new DataError(file, `expected a vote count (integer >= 0), got ${Number.isNaN(v) ? 'an empty field' : v}`, { row: i + 2, column: name });
      }
      votes[i * 6 + k] = v;
      totalVotes[i] += v;
    }
  });
  for (let i = 0; i < n; i++) {
    if (totalVotes[i] === 0) throw new DataError(file, `the 6 vote columns sum to 0 (expected at least one vote per labelled window)`, { row: i + 2 });
  }
  const consensusIndex = new Int32Array(n);
  const ec = c.expert_consensus;
  for (let i = 0; i < n; i++) {
    const k = (HMS_CLASSES as readonly string[]).indexOf(ec[i]);
    if (k < 0) throw new DataError(file, `unknown expert_consensus '${ec[i]}' (expected one of ${HMS_CLASSES.join(', ')})`, { row: i + 2, column: 'expert_consensus' });
    consensusIndex[i] = k;
  }
  return {
    nRows: n,
    eegId: c.eeg_id,
    eegSubId: c.eeg_sub_id,
    eegLabelOffsetSeconds: c.eeg_label_offset_seconds,
    spectrogramId: c.spectrogram_id,
    spectrogramSubId: c.spectrogram_sub_id,
    spectrogramLabelOffsetSeconds: c.spectrogram_label_offset_seconds,
    labelId: c.label_id,
    patientId: c.patient_id,
    expertConsensus: ec,
    consensusIndex,
    votes,
    totalVotes,
  };
}

/** eeg_ids as the text they are compared by (integers, so String() is exact up to 2^53). */
const idTexts = (a: ArrayLike<number>): string[] => Array.from(a, (v) => String(v));

/**
 * Read `<dir>/test.csv` (spectrogram_id, eeg_id, patient_id): one row per eeg_id (the submission
 * has one row per eeg_id, so a repeated eeg_id is an error naming its rows).
 */
export async function readHmsTest(dir: string): Promise<HmsTest> {
  const file = path.join(dir, 'test.csv');
  const t = await readCsvColumns(file, { columns: { spectrogram_id: 'float64', eeg_id: 'float64', patient_id: 'int32' } });
  checkIntegers(file, 'eeg_id', t.columns.eeg_id, 'an integer id');
  checkIntegers(file, 'spectrogram_id', t.columns.spectrogram_id, 'an integer id');
  checkUniqueIds({ file, column: 'eeg_id', ids: idTexts(t.columns.eeg_id) });
  return { file, nRows: t.nRows, spectrogramId: t.columns.spectrogram_id, eegId: t.columns.eeg_id, patientId: t.columns.patient_id };
}

/** sample_submission.csv: the header, eeg_ids and their order every HMS submission must have. */
export interface HmsSampleSubmission {
  file: string;
  /** The header as found (always HMS_SUBMISSION_COLUMNS: anything else is refused). */
  header: string[];
  eegId: Float64Array;
  /** The eeg_ids as compared (integer text). */
  ids: string[];
}

/** Read `<dir>/sample_submission.csv`, checking its header and that each eeg_id appears once. */
export async function readHmsSampleSubmission(dir: string): Promise<HmsSampleSubmission> {
  const file = path.join(dir, 'sample_submission.csv');
  if (!fs.existsSync(file)) {
    throw new DataError(file, `file not found: expected Kaggle's sample_submission.csv (${HMS_SUBMISSION_COLUMNS.join(',')}; the submission must have its eeg_ids, in its order)`);
  }
  const header = await readCsvHeader(file);
  const k = HMS_SUBMISSION_COLUMNS.findIndex((c, j) => header[j] !== c);
  if (k >= 0 || header.length !== HMS_SUBMISSION_COLUMNS.length) {
    throw new DataError(file, `expected the header ${HMS_SUBMISSION_COLUMNS.join(',')}, got ${header.join(',')}`, { row: 1, ...(k >= 0 && k < header.length ? { column: header[k] } : {}) });
  }
  const t = await readCsvColumns(file, { columns: { eeg_id: 'float64' } });
  checkIntegers(file, 'eeg_id', t.columns.eeg_id, 'an integer eeg_id');
  const ids = idTexts(t.columns.eeg_id);
  checkUniqueIds({ file, column: 'eeg_id', ids });
  return { file, header, eegId: t.columns.eeg_id, ids };
}

/**
 * test.csv's eeg_ids against sample_submission.csv's: the same eeg_ids, each once. Returns the
 * test row of each sample row (the order to write the submission in), or null when test.csv is
 * already in the sample's order.
 */
export function hmsSubmissionOrder(test: Pick<HmsTest, 'file' | 'eegId'>, sample: HmsSampleSubmission): Int32Array | null {
  return alignToSample({ file: test.file, column: 'eeg_id', ids: idTexts(test.eegId) }, { file: sample.file, column: 'eeg_id', ids: sample.ids });
}

function checkSplit(fn: string, split: string): void {
  if (split !== 'train' && split !== 'test') throw new TypeError(`${fn}: split must be 'train' or 'test', received ${JSON.stringify(split)}`);
}

/** Path of an EEG parquet: `<dir>/<split>_eegs/<eegId>.parquet`. */
export function hmsEegPath(dir: string, split: HmsSplit, eegId: number): string {
  return path.join(dir, `${split}_eegs`, `${eegId}.parquet`);
}

/** Path of a spectrogram parquet: `<dir>/<split>_spectrograms/<spectrogramId>.parquet`. */
export function hmsSpectrogramPath(dir: string, split: HmsSplit, spectrogramId: number): string {
  return path.join(dir, `${split}_spectrograms`, `${spectrogramId}.parquet`);
}

export interface HmsEegReadOptions {
  /** Columns to read. @default HMS_EEG_COLUMNS (all 20) */
  columns?: readonly string[];
  /** Start of the window, seconds from the file start (row offsetSeconds * 200). @default 0 */
  offsetSeconds?: number;
  /** Window length in seconds. @default to the end of the file */
  seconds?: number;
}

export interface HmsEeg {
  file: string;
  /** One Float32Array per column read (NaNs kept as they are in the file). */
  columns: Record<string, Float32Array>;
  columnNames: string[];
  /** Rows in the returned window. */
  nRows: number;
  /** Rows in the whole file. */
  fileRows: number;
  fs: number;
}

function toFloat32(file: string, name: string, col: unknown): Float32Array {
  if (col instanceof Float32Array) return col;
  if (col instanceof Float64Array || col instanceof Int32Array) return Float32Array.from(col);
  throw new DataError(file, `expected a float column, got ${(col as object)?.constructor?.name ?? typeof col}`, { column: name });
}

/** Read an EEG parquet (or a window of it) as one Float32Array per column. */
export async function readHmsEeg(dir: string, split: HmsSplit, eegId: number, options: HmsEegReadOptions = {}): Promise<HmsEeg> {
  checkSplit('readHmsEeg', split);
  const file = hmsEegPath(dir, split, eegId);
  if (!fs.existsSync(file)) {
    throw new DataError(file, `EEG parquet not found for ${split} eeg_id ${eegId} (expected ${split}_eegs/${eegId}.parquet with columns ${HMS_EEG_COLUMNS.join(', ')})`);
  }
  const wanted = [...(options.columns ?? HMS_EEG_COLUMNS)];
  const have = await readParquetSchema(file);
  const missing = wanted.filter((c) => !have.includes(c));
  if (missing.length) {
    throw new DataError(
      file,
      `EEG parquet lacks needed column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}; the file has: ${have.join(', ')}`,
    );
  }
  const t = await readParquet(file, { columns: wanted });
  const off = options.offsetSeconds ?? 0;
  const start = Math.round(off * HMS_EEG_FS);
  const end = options.seconds === undefined ? t.nRows : start + Math.round(options.seconds * HMS_EEG_FS);
  if (!(off >= 0) || !(end >= start) || end > t.nRows) {
    throw new DataError(
      file,
      `the window [${off}, ${end / HMS_EEG_FS}) s (rows ${start}..${end}) is outside the file's ${t.nRows} rows (${t.nRows / HMS_EEG_FS} s at ${HMS_EEG_FS} Hz)`,
    );
  }
  const columns: Record<string, Float32Array> = {};
  for (const name of wanted) {
    const col = toFloat32(file, name, t.columns[name]);
    columns[name] = start === 0 && end === t.nRows ? col : col.slice(start, end);
  }
  return { file, columns, columnNames: wanted, nRows: end - start, fileRows: t.nRows, fs: HMS_EEG_FS };
}

export interface HmsSpectrogramReadOptions {
  /** Window start in seconds (row offsetSeconds / 2). @default 0 */
  offsetSeconds?: number;
  /** Window length in seconds. @default 600 (10 min) when offsetSeconds is given, else the whole file */
  seconds?: number;
}

export interface HmsSpectrogramTable {
  file: string;
  /** The `time` column of the rows returned (1, 3, 5, ... in Kaggle's files). */
  time: Float64Array;
  /** nFrames x 400, row-major, columns in HMS_SPECTROGRAM_FREQ_COLUMNS order (NaNs kept). */
  data: Float32Array;
  nFrames: number;
  /** Rows in the whole file. */
  fileRows: number;
  columnNames: readonly string[];
}

/** Read a spectrogram parquet (or the 10-min window at offsetSeconds) as frames x 400 float32. */
export async function readHmsSpectrogram(
  dir: string,
  split: HmsSplit,
  spectrogramId: number,
  options: HmsSpectrogramReadOptions = {},
): Promise<HmsSpectrogramTable> {
  checkSplit('readHmsSpectrogram', split);
  const file = hmsSpectrogramPath(dir, split, spectrogramId);
  if (!fs.existsSync(file)) {
    throw new DataError(file, `spectrogram parquet not found for ${split} spectrogram_id ${spectrogramId} (expected ${split}_spectrograms/${spectrogramId}.parquet)`);
  }
  const have = await readParquetSchema(file);
  const missing = HMS_SPECTROGRAM_COLUMNS.filter((c) => !have.includes(c));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((m) => `'${m}'`).join(', ');
    throw new DataError(
      file,
      `spectrogram parquet lacks ${missing.length} of the ${HMS_SPECTROGRAM_COLUMNS.length} needed columns (time + {LL,RL,LP,RP}_{freq}), ` +
        `e.g. ${shown}${missing.length > 5 ? ', ...' : ''}; the file has ${have.length} columns`,
    );
  }
  const t = await readParquet(file, { columns: [...HMS_SPECTROGRAM_COLUMNS] });
  const off = options.offsetSeconds ?? 0;
  const start = Math.floor(off / HMS_SPECTROGRAM_STEP_SECONDS);
  const seconds = options.seconds ?? (options.offsetSeconds === undefined ? undefined : HMS_SPECTROGRAM_WINDOW_SECONDS);
  const end = seconds === undefined ? t.nRows : start + Math.round(seconds / HMS_SPECTROGRAM_STEP_SECONDS);
  if (!(off >= 0) || !(end >= start) || end > t.nRows) {
    throw new DataError(file, `the window of rows ${start}..${end} (offset ${off} s) is outside the file's ${t.nRows} rows`);
  }
  const nFrames = end - start;
  const data = new Float32Array(nFrames * HMS_SPECTROGRAM_FREQ_COLUMNS.length);
  HMS_SPECTROGRAM_FREQ_COLUMNS.forEach((name, k) => {
    const col = t.columns[name] as ArrayLike<number>;
    if (!(col instanceof Float32Array || col instanceof Float64Array)) {
      throw new DataError(file, `expected a float column, got ${(col as object)?.constructor?.name}`, { column: name });
    }
    for (let j = 0; j < nFrames; j++) data[j * 400 + k] = col[start + j];
  });
  const timeCol = t.columns.time as ArrayLike<number | bigint>;
  const time = new Float64Array(nFrames);
  for (let j = 0; j < nFrames; j++) time[j] = Number(timeCol[start + j]);
  return { file, time, data, nFrames, fileRows: t.nRows, columnNames: HMS_SPECTROGRAM_FREQ_COLUMNS };
}

/** How far from 1 a submission row's six probabilities may sum. */
export const HMS_ROW_SUM_TOLERANCE = 1e-5;

const INTEGER_TEXT = /^\s*\d+\s*$/;

/** One data row of an HMS submission: six probabilities summing to 1. */
function hmsRowProblem(fields: string[]): RowProblem | undefined {
  let s = 0;
  for (let k = 0; k < 6; k++) {
    const problem = probabilityProblem(fields[k + 1]);
    if (problem) return { column: HMS_VOTE_COLUMNS[k], problem };
    s += fieldNumber(fields[k + 1]);
  }
  if (!(Math.abs(s - 1) <= HMS_ROW_SUM_TOLERANCE)) {
    return { problem: `the 6 vote probabilities (${HMS_VOTE_COLUMNS[0]}..${HMS_VOTE_COLUMNS[5]}) sum to ${Number(s.toPrecision(10))}, expected 1 within ${HMS_ROW_SUM_TOLERANCE}` };
  }
  return undefined;
}

/**
 * Check a written HMS submission as Kaggle would (see validateSubmissionCsv): the header and
 * eeg_ids (in order) of `expected` (sample_submission.csv, or just these ids), six probabilities
 * per row summing to 1. `shownAs` names the file in errors (the final name of a temp file).
 */
export async function validateHmsSubmission(file: string, expected: { header?: readonly string[]; ids: ArrayLike<string>; source: string }, shownAs = file): Promise<void> {
  await validateSubmissionCsv(file, shownAs, {
    header: expected.header ?? HMS_SUBMISSION_COLUMNS,
    ids: expected.ids,
    source: expected.source,
    canonicalId: (text) => (INTEGER_TEXT.test(text) ? String(Number(text.trim())) : undefined),
    idWhat: 'an integer eeg_id',
    checkRow: hmsRowProblem,
  });
}

export interface HmsSubmissionOptions {
  /**
   * sample_submission.csv: the written file must have its header and its eeg_ids in its order
   * (pass the rows in that order: hmsSubmissionOrder). Unset: the ids given, in their order.
   */
  sample?: HmsSampleSubmission;
}

/**
 * Write a submission (eeg_id + the 6 vote-probability columns) atomically, after checking that
 * `probs` (row-major eegIds.length x 6) holds probabilities whose rows sum to 1 within 1e-5; the
 * written file is re-read and checked (validateHmsSubmission) before it gets its name.
 */
export async function writeHmsSubmission(file: string, eegIds: ArrayLike<number>, probs: ArrayLike<number>, options: HmsSubmissionOptions = {}): Promise<void> {
  const n = eegIds.length;
  if (probs.length !== n * 6) {
    throw new RangeError(`writeHmsSubmission(${file}): probs has ${probs.length} values, expected ${n} eeg_ids x 6 classes = ${n * 6}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(eegIds[i])) throw new RangeError(`writeHmsSubmission(${file}): eeg_id at row ${i} (0-based) is ${eegIds[i]} (expected an integer)`);
    let s = 0;
    for (let k = 0; k < 6; k++) {
      const v = probs[i * 6 + k];
      if (!(v >= 0 && v <= 1)) {
        throw new RangeError(`writeHmsSubmission(${file}): row ${i} (eeg_id ${eegIds[i]}) ${HMS_VOTE_COLUMNS[k]} is ${v} (expected a probability in [0, 1])`);
      }
      s += v;
    }
    if (!(Math.abs(s - 1) <= 1e-5)) {
      throw new RangeError(`writeHmsSubmission(${file}): row ${i} (eeg_id ${eegIds[i]}) sums to ${Number(s.toPrecision(10))} (expected 1 within 1e-5)`);
    }
  }
  const cols = HMS_VOTE_COLUMNS.map((name, k) => ({ name, values: Float64Array.from({ length: n }, (_, i) => probs[i * 6 + k]) }));
  const { sample } = options;
  const expected = sample ? { header: sample.header, ids: sample.ids, source: sample.file } : { ids: idTexts(eegIds), source: 'the predictions' };
  await writeCsv(file, [{ name: 'eeg_id', values: eegIds, format: 'int' }, ...cols], { validate: (tmp) => validateHmsSubmission(tmp, expected, file) });
}

/** An HMS submission.csv: eeg_id and the six vote columns. */
export async function readHmsSubmission(file: string): Promise<{ ids: Float64Array; probs: Float32Array }> {
  const cols = Object.fromEntries([['eeg_id', 'float64'], ...HMS_VOTE_COLUMNS.map((c) => [c, 'float64'])]) as Record<string, 'float64'>;
  const t = await readCsvColumns(file, { columns: cols });
  const probs = new Float32Array(t.nRows * 6);
  HMS_VOTE_COLUMNS.forEach((c, k) => {
    const col = t.columns[c] as Float64Array;
    for (let i = 0; i < t.nRows; i++) probs[i * 6 + k] = col[i];
  });
  return { ids: t.columns.eeg_id as Float64Array, probs };
}
