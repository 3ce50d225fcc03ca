/**
 * The University of Liverpool - Ion Switching (2020) files in their real
 * Kaggle layout: constants, the batch/chunk layout, loaders that check what
 * they read, and the submission writer. The synthetic generator
 * (tools/synth/ion-switching) writes with these constants and the solution
 * reads with these loaders, so both agree on the layout by construction.
 *
 * The layout is scale-aware and derived from the row counts alone (no
 * truth.json needed): train is ten equal batches (rows / 10 each); test is ten
 * small chunks of rows / 20 followed by two large chunks of rows / 4. At the
 * real sizes (5,000,000 / 2,000,000) this is exactly the Kaggle layout:
 * 500,000-row batches, 100,000-row and 500,000-row test chunks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readCsvColumns, readCsvHeader, type CsvColumnType } from '../csvRead';
import { writeCsv } from '../csvWrite';
import { DataError } from '../errors';
import { alignToSample, fieldText, validateSubmissionCsv } from './submissionChecks';

/** File names of the competition's data folder. */
export const ION_FILES = {
  train: 'train.csv',
  test: 'test.csv',
  sampleSubmission: 'sample_submission.csv',
} as const;

/** Column names, as in the real files. */
export const ION_COLUMNS = {
  time: 'time',
  signal: 'signal',
  openChannels: 'open_channels',
} as const;

export const ION_TRAIN_COLUMNS = [ION_COLUMNS.time, ION_COLUMNS.signal, ION_COLUMNS.openChannels] as const;
export const ION_TEST_COLUMNS = [ION_COLUMNS.time, ION_COLUMNS.signal] as const;
export const ION_SUBMISSION_COLUMNS = [ION_COLUMNS.time, ION_COLUMNS.openChannels] as const;

/** Sampling rate (Hz) and the time step between rows (s). */
export const ION_SAMPLE_RATE_HZ = 10_000;
export const ION_TIME_STEP = 0.0001;
/** Decimals of the `time` column (`%.4f`). */
export const ION_TIME_DECIMALS = 4;
/** Labels are 0..ION_MAX_OPEN_CHANNELS. */
export const ION_MAX_OPEN_CHANNELS = 10;
export const ION_N_CLASSES = ION_MAX_OPEN_CHANNELS + 1;

/** The real files' sizes (kaggle-facts.md). */
export const ION_KAGGLE = {
  trainRows: 5_000_000,
  testRows: 2_000_000,
  trainBatches: 10,
  trainBatchRows: 500_000,
  testSmallChunks: 10,
  testSmallChunkRows: 100_000,
  testLargeChunks: 2,
  testLargeChunkRows: 500_000,
} as const;

/**
 * Channel-count model groups. The numeric group id used per row is the index
 * into this list.
 */
export const ION_GROUPS = [
  { id: 0, name: '1ch-slow', channels: 1 },
  { id: 1, name: '1ch-fast', channels: 1 },
  { id: 2, name: '3ch', channels: 3 },
  { id: 3, name: '5ch', channels: 5 },
  { id: 4, name: '10ch', channels: 10 },
] as const;
export type IonGroupId = 0 | 1 | 2 | 3 | 4;
export const ION_GROUP_SLOW_1CH: IonGroupId = 0;
export const ION_GROUP_FAST_1CH: IonGroupId = 1;
export const ION_GROUP_3CH: IonGroupId = 2;
export const ION_GROUP_5CH: IonGroupId = 3;
export const ION_GROUP_10CH: IonGroupId = 4;

/**
 * Group of each train batch (0-indexed): slow-1ch 0,1; fast-1ch 2,6;
 * 3ch 3,7; 5ch 5,8; 10ch 4,9.
 */
export const ION_TRAIN_BATCH_GROUPS: readonly IonGroupId[] = [0, 0, 1, 2, 4, 3, 1, 2, 3, 4];

/**
 * Group of each test chunk: the ten small chunks (slow 0,3,8; fast 4; 3ch 1,9;
 * 5ch 2,6; 10ch 5,7), then the two large chunks (both slow-1ch).
 */
export const ION_TEST_CHUNK_GROUPS: readonly IonGroupId[] = [0, 2, 3, 0, 1, 4, 3, 4, 0, 2, 0, 0];

/** A contiguous run of rows recorded with one channel model: a train batch or a test chunk. */
export interface IonSegment {
  /** Batch (train) or chunk (test) index, 0-based. */
  index: number;
  /** First row (0-based, inclusive). */
  start: number;
  /** One past the last row. */
  end: number;
  group: IonGroupId;
}

/** The ten train batches of a train file of `nRows` rows (must be a multiple of 10). */
export function ionTrainLayout(nRows: number): IonSegment[] {
  if (!Number.isInteger(nRows) || nRows <= 0 || nRows % ION_KAGGLE.trainBatches !== 0) {
    throw new RangeError(`ionTrainLayout: expected a positive row count divisible by 10 (ten equal batches), got ${nRows}`);
  }
  const len = nRows / ION_KAGGLE.trainBatches;
  return ION_TRAIN_BATCH_GROUPS.map((group, index) => ({ index, start: index * len, end: (index + 1) * len, group }));
}

/**
 * The twelve test chunks of a test file of `nRows` rows (must be a multiple of
 * 20): ten chunks of nRows/20, then two of nRows/4.
 */
export function ionTestLayout(nRows: number): IonSegment[] {
  if (!Number.isInteger(nRows) || nRows <= 0 || nRows % 20 !== 0) {
    throw new RangeError(
      `ionTestLayout: expected a positive row count divisible by 20 (ten chunks of rows/20, two of rows/4), got ${nRows}`,
    );
  }
  const small = nRows / 20;
  const large = nRows / 4;
  const out: IonSegment[] = [];
  let start = 0;
  ION_TEST_CHUNK_GROUPS.forEach((group, index) => {
    const len = index < ION_KAGGLE.testSmallChunks ? small : large;
    out.push({ index, start, end: start + len, group });
    start += len;
  });
  return out;
}

/** Per-row segment index and group id of a layout. */
export function ionRowIds(segments: readonly IonSegment[], nRows: number): { segment: Uint8Array; group: Uint8Array } {
  const segment = new Uint8Array(nRows);
  const group = new Uint8Array(nRows);
  for (const s of segments) {
    segment.fill(s.index, s.start, s.end);
    group.fill(s.group, s.start, s.end);
  }
  return { segment, group };
}

/**
 * The `time` value of row i (0-based) of train (`offsetRows` 0) or test
 * (`offsetRows` = train rows): (offsetRows + i + 1) * 0.0001, correctly
 * rounded so that `%.4f` prints the exact decimal.
 */
export function ionTimeAt(offsetRows: number, i: number): number {
  return (offsetRows + i + 1) / ION_SAMPLE_RATE_HZ;
}

export interface IonSwitchingData {
  /** The file read. */
  file: string;
  nRows: number;
  time: Float64Array;
  signal: Float32Array;
  /** `open_channels` (train only). */
  openChannels?: Int32Array;
  /** Batch (train) or chunk (test) index of each row. */
  batch: Uint8Array;
  /** Group id of each row (index into ION_GROUPS). */
  group: Uint8Array;
  /** The layout: ten train batches or twelve test chunks. */
  segments: IonSegment[];
}

export interface IonReadOptions {
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

function requireFile(file: string, what: string): void {
  if (!fs.existsSync(file)) {
    throw new DataError(
      file,
      `file not found: expected the Ion Switching ${what} (the Kaggle file, or a synthetic set from \`nx run ion-switching:data\`)`,
    );
  }
}

/**
 * Check that `time` rises by exactly 0.0001 s (10 kHz, 4 decimals) from row
 * to row. Rows are numbered as in the file (header = row 1).
 */
export function checkIonTime(file: string, time: Float64Array): void {
  const n = time.length;
  const ticks = (i: number): number => {
    const scaled = time[i] * ION_SAMPLE_RATE_HZ;
    const tick = Math.round(scaled);
    if (!(Math.abs(scaled - tick) < 0.01)) {
      throw new DataError(file, `expected time on a 0.0001 s grid (10 kHz, 4 decimals), got ${time[i]}`, {
        row: i + 2,
        column: ION_COLUMNS.time,
      });
    }
    return tick;
  };
  // Order first (the more basic problem), then the step.
  for (let i = 1; i < n; i++) {
    if (!(time[i] > time[i - 1])) {
      ticks(i - 1);
      ticks(i);
      throw new DataError(
        file,
        `expected time sorted ascending (step 0.0001), got ${time[i].toFixed(4)} after ${time[i - 1].toFixed(4)} on the previous row`,
        { row: i + 2, column: ION_COLUMNS.time },
      );
    }
  }
  let prev = n > 0 ? ticks(0) : 0;
  for (let i = 1; i < n; i++) {
    const tick = ticks(i);
    if (tick !== prev + 1) {
      throw new DataError(
        file,
        `expected a uniform time step of 0.0001 s (10 kHz), got ${time[i].toFixed(4)} after ${time[i - 1].toFixed(4)} ` +
          `(step ${((tick - prev) / ION_SAMPLE_RATE_HZ).toFixed(4)})`,
        { row: i + 2, column: ION_COLUMNS.time },
      );
    }
    prev = tick;
  }
}

function checkSignal(file: string, signal: Float32Array): void {
  for (let i = 0; i < signal.length; i++) {
    if (!Number.isFinite(signal[i])) {
      throw new DataError(file, `expected a finite signal value, got ${signal[i]} (empty or non-finite field)`, {
        row: i + 2,
        column: ION_COLUMNS.signal,
      });
    }
  }
}

function checkOpenChannels(file: string, y: Int32Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v < 0 || v > ION_MAX_OPEN_CHANNELS) {
      throw new DataError(file, `expected open_channels in 0..${ION_MAX_OPEN_CHANNELS}, got ${v}`, {
        row: i + 2,
        column: ION_COLUMNS.openChannels,
      });
    }
  }
}

async function readIon(file: string, train: boolean, options: IonReadOptions): Promise<IonSwitchingData> {
  requireFile(file, train ? 'train.csv' : 'test.csv');
  const columns: Record<string, CsvColumnType> = train
    ? { time: 'float64', signal: 'float32', open_channels: 'int32' }
    : { time: 'float64', signal: 'float32' };
  const table = await readCsvColumns(file, { columns, onProgress: options.onProgress });
  const nRows = table.nRows;
  let segments: IonSegment[];
  try {
    segments = train ? ionTrainLayout(nRows) : ionTestLayout(nRows);
  } catch {
    throw new DataError(
      file,
      train
        ? `expected a row count divisible by 10 (ten equal batches; Kaggle: 5,000,000), got ${nRows}`
        : `expected a row count divisible by 20 (ten chunks of rows/20 then two of rows/4; Kaggle: 2,000,000), got ${nRows}`,
    );
  }
  const time = table.columns.time as Float64Array;
  const signal = table.columns.signal as Float32Array;
  checkIonTime(file, time);
  checkSignal(file, signal);
  let openChannels: Int32Array | undefined;
  if (train) {
    openChannels = table.columns.open_channels as Int32Array;
    checkOpenChannels(file, openChannels);
  }
  const ids = ionRowIds(segments, nRows);
  return { file, nRows, time, signal, openChannels, batch: ids.segment, group: ids.group, segments };
}

/** Path of a file in the data folder `dir` (or `dir` itself when it names a .csv file). */
function inDir(dir: string, name: string): string {
  return dir.endsWith('.csv') ? dir : path.join(dir, name);
}

/**
 * Read train.csv (`time`, `signal`, `open_channels`) from the data folder
 * `dir` (or a path to the CSV itself), checking the 10 kHz time grid,
 * finite signals and labels in 0..10; rows get their batch and group ids.
 */
export async function readIonSwitchingTrain(dir: string, options: IonReadOptions = {}): Promise<IonSwitchingData & { openChannels: Int32Array }> {
  return (await readIon(inDir(dir, ION_FILES.train), true, options)) as IonSwitchingData & { openChannels: Int32Array };
}

/** Read test.csv (`time`, `signal`) like readIonSwitchingTrain; rows get their chunk and group ids. */
export async function readIonSwitchingTest(dir: string, options: IonReadOptions = {}): Promise<IonSwitchingData> {
  return readIon(inDir(dir, ION_FILES.test), false, options);
}

/**
 * A `time` as the id it is: the value with 4 decimals (`%.4f`, as the files write it), so
 * "500.0001" and 500.0001 agree without comparing floats. Undefined for text that is not a number.
 */
export function ionTimeId(time: number | string): string | undefined {
  if (typeof time === 'string') {
    if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(time)) return undefined;
    time = Number(time);
  }
  return Number.isFinite(time) ? time.toFixed(ION_TIME_DECIMALS) : undefined;
}

/** sample_submission.csv: the header, times and their order every submission must have. */
export interface IonSampleSubmission {
  file: string;
  /** The header as found (always ION_SUBMISSION_COLUMNS: anything else is refused). */
  header: string[];
  nRows: number;
  /** The times as compared (ionTimeId: 4 decimals). */
  ids: string[];
}

/**
 * Read `<dir>/sample_submission.csv` (or the path itself when it names a .csv file): header
 * `time,open_channels`, a number in every `time` field, each time once.
 */
export async function readIonSwitchingSampleSubmission(dir: string, options: IonReadOptions = {}): Promise<IonSampleSubmission> {
  const file = inDir(dir, ION_FILES.sampleSubmission);
  if (!fs.existsSync(file)) {
    throw new DataError(file, `file not found: expected Kaggle's sample_submission.csv (${ION_SUBMISSION_COLUMNS.join(',')}; the submission must have its times, in its order)`);
  }
  const header = await readCsvHeader(file);
  if (header.length !== ION_SUBMISSION_COLUMNS.length || ION_SUBMISSION_COLUMNS.some((c, j) => header[j] !== c)) {
    throw new DataError(file, `expected the header ${ION_SUBMISSION_COLUMNS.join(',')}, got ${header.join(',')}`, { row: 1 });
  }
  // Kept as text: the ids are the written times, not floats near them.
  const table = await readCsvColumns(file, { columns: { time: 'string' }, onProgress: options.onProgress });
  const text = table.columns.time as string[];
  const ids = new Array<string>(table.nRows);
  for (let i = 0; i < text.length; i++) {
    const id = ionTimeId(text[i]);
    if (id === undefined) throw new DataError(file, `expected a time (a number such as 500.0001), got ${fieldText(text[i])}`, { row: i + 2, column: ION_COLUMNS.time });
    ids[i] = id;
  }
  return { file, header, nRows: table.nRows, ids };
}

/**
 * test.csv's times against sample_submission.csv's: the same times, each once. Returns the test
 * row of each sample row (the order to write the submission in), or null when test.csv is already
 * in the sample's order (the Kaggle files are).
 */
export function ionSubmissionOrder(test: Pick<IonSwitchingData, 'file' | 'time'>, sample: IonSampleSubmission): Int32Array | null {
  const ids = Array.from(test.time, (t) => ionTimeId(t) ?? String(t));
  // readIonSwitchingTest checked that time rises row to row: its ids are unique.
  return alignToSample({ file: test.file, column: ION_COLUMNS.time, ids }, { file: sample.file, column: ION_COLUMNS.time, ids: sample.ids }, { testUnique: true });
}

/**
 * Check a written submission as Kaggle would (see validateSubmissionCsv): the header and times
 * (in order) of `expected` (sample_submission.csv, or just these times), an integer class 0..10
 * per row. `shownAs` names the file in errors (the final name of a temp file).
 */
export async function validateIonSwitchingSubmission(file: string, expected: { header?: readonly string[]; ids: ArrayLike<string>; source: string }, shownAs = file): Promise<void> {
  await validateSubmissionCsv(file, shownAs, {
    header: expected.header ?? ION_SUBMISSION_COLUMNS,
    ids: expected.ids,
    source: expected.source,
    canonicalId: (text) => ionTimeId(text),
    idWhat: 'a time (a number such as 500.0001)',
    checkRow: (fields) => {
      const t = fields[1];
      const v = /^\s*\d+\s*$/.test(t) ? Number(t) : NaN;
      return v >= 0 && v <= ION_MAX_OPEN_CHANNELS
        ? undefined
        : { column: ION_COLUMNS.openChannels, problem: `expected an integer class in 0..${ION_MAX_OPEN_CHANNELS}, got ${fieldText(t)}` };
    },
  });
}

export interface IonSubmissionOptions {
  /**
   * sample_submission.csv: the written file must have its header and its times in its order
   * (pass the rows in that order: ionSubmissionOrder). Unset: the times given, in their order.
   */
  sample?: IonSampleSubmission;
}

/**
 * Write a submission: header `time,open_channels`, time as `%.4f`, integer labels in 0..10. The
 * written file is re-read and checked (validateIonSwitchingSubmission) before it gets its name.
 */
export async function writeIonSwitchingSubmission(
  file: string,
  time: ArrayLike<number>,
  openChannels: ArrayLike<number>,
  options: IonSubmissionOptions = {},
): Promise<void> {
  if (time.length !== openChannels.length) {
    throw new RangeError(
      `writeIonSwitchingSubmission(${file}): time has ${time.length} values but openChannels has ${openChannels.length} (expected equal)`,
    );
  }
  for (let i = 0; i < openChannels.length; i++) {
    const v = openChannels[i];
    if (!Number.isInteger(v) || v < 0 || v > ION_MAX_OPEN_CHANNELS) {
      throw new RangeError(
        `writeIonSwitchingSubmission(${file}): openChannels[${i}] is ${v} (expected an integer in 0..${ION_MAX_OPEN_CHANNELS})`,
      );
    }
  }
  const { sample } = options;
  const expected = sample
    ? { header: sample.header, ids: sample.ids, source: sample.file }
    : { ids: Array.from(time, (t) => ionTimeId(t) ?? String(t)), source: 'the predictions' };
  await writeCsv(
    file,
    [
      { name: ION_COLUMNS.time, values: time, format: { fixed: ION_TIME_DECIMALS } },
      { name: ION_COLUMNS.openChannels, values: openChannels, format: 'int' },
    ],
    { validate: (tmp) => validateIonSwitchingSubmission(tmp, expected, file) },
  );
}
