/**
 * Step 1 of the pipeline: read the competition files (in Kaggle's layout) and
 * check that they agree with each other. The @repro/io loaders check each
 * file (columns, values, sig_id order against the features); this adds the
 * checks across files and runs: a test file's columns must be the training
 * file's, and a run's stored training columns must match what is read now.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  DataError,
  MOA_FILES,
  MoaFeatures,
  MoaSampleSubmission,
  MoaTargets,
  loadNpy,
  moaSubmissionOrder,
  readCsvHeader,
  readJson,
  readMoaDrugs,
  readMoaFeatures,
  readMoaSampleSubmission,
  readMoaTargets,
  selectMoaFeatureRows,
  takeRowsInOrder,
} from '@repro/io';

export interface MoaTrainData {
  dir: string;
  train: MoaFeatures;
  /** test_features.csv's rows in sample_submission.csv's order (the order every submission is written in). */
  test: MoaFeatures;
  scored: MoaTargets;
  /** Absent when train_targets_nonscored.csv is not in the folder (then no pre-training). */
  nonscored?: MoaTargets;
  drugIds: string[];
  /** sample_submission.csv's target columns, in order. */
  submissionColumns: string[];
  /** sample_submission.csv: the header, sig_ids and order of every submission. */
  sample: MoaSampleSubmission;
  /** truth.json's figures, when the folder holds synthetic data. */
  truth?: { floorLogLoss?: number; trainMeanLogLoss?: number; testFloorLogLoss?: number; [k: string]: number | undefined };
  /** Synthetic data only: the test set's true targets (nTest x 206), to score submissions. */
  testTruth?: Float32Array;
}

export function dataFile(dir: string, name: keyof typeof MOA_FILES): string {
  return path.join(dir, MOA_FILES[name]);
}

/** The test features file, checked to have exactly the training file's columns (any order). */
export async function readTestFeatures(file: string, trainHeader: readonly string[]): Promise<MoaFeatures> {
  if (fs.existsSync(file)) checkSameColumns(file, await readCsvHeader(file), trainHeader);
  return readMoaFeatures(file);
}

export function checkSameColumns(file: string, header: readonly string[], trainHeader: readonly string[]): void {
  const want = new Set(trainHeader);
  const have = new Set(header);
  const missing = trainHeader.filter((c) => !have.has(c));
  const extra = header.filter((c) => !want.has(c));
  if (missing.length || extra.length) {
    const show = (xs: string[]) => xs.slice(0, 8).map((x) => `'${x}'`).join(', ') + (xs.length > 8 ? ` and ${xs.length - 8} more` : '');
    throw new DataError(
      file,
      `the feature columns differ from the training features' (${trainHeader.length} columns): ` +
        [missing.length ? `missing ${show(missing)}` : '', extra.length ? `extra ${show(extra)}` : ''].filter(Boolean).join('; '),
      { row: 1 },
    );
  }
}

/** Read everything `train` needs; every cross-file mismatch is a DataError naming the file. */
export async function loadTrainData(dir: string): Promise<MoaTrainData> {
  if (!fs.existsSync(dir)) throw new DataError(dir, 'data folder not found (generate it with `nx run moa:data` or put the Kaggle files there)');
  const train = await readMoaFeatures(dataFile(dir, 'trainFeatures'));
  const testRead = await readTestFeatures(dataFile(dir, 'testFeatures'), train.header);
  const scored = await readMoaTargets(dataFile(dir, 'trainTargetsScored'), train.sigIds);
  const nonscoredFile = dataFile(dir, 'trainTargetsNonscored');
  const nonscored = fs.existsSync(nonscoredFile) ? await readMoaTargets(nonscoredFile, train.sigIds) : undefined;
  const drugs = await readMoaDrugs(dataFile(dir, 'trainDrug'), train.sigIds);
  const sample = await readSampleSubmission(dataFile(dir, 'sampleSubmission'), scored.names);
  // Test rows in the sample's order from here on: every submission written from them follows it.
  const { features: test, order } = alignTestToSample(testRead, sample);
  const out: MoaTrainData = { dir, train, test, scored, nonscored, drugIds: drugs.drugIds, submissionColumns: sample.columns, sample };
  const truth = readTruth(dir, test.nRows, scored.names.length);
  if (truth.testTruth) truth.testTruth = takeRowsInOrder(truth.testTruth, scored.names.length, order);
  Object.assign(out, truth);
  return out;
}

/**
 * sample_submission.csv (sig_id, then the scored targets in any order; each sig_id once): the
 * header, sig_ids and order every submission must have.
 */
export async function readSampleSubmission(file: string, targetNames: readonly string[]): Promise<MoaSampleSubmission> {
  const sample = await readMoaSampleSubmission(file);
  const cols = sample.columns;
  const known = new Set(targetNames);
  const unknown = cols.filter((c) => !known.has(c));
  if (unknown.length || cols.length !== targetNames.length) {
    throw new DataError(file, `expected the ${targetNames.length} scored targets as columns, got ${cols.length}${unknown.length ? ` (not scored targets: ${unknown.slice(0, 5).join(', ')})` : ''}`, { row: 1 });
  }
  return sample;
}

/**
 * A test features table checked against sample_submission.csv (the same sig_ids, each once) and
 * put in its order; `order` (null: already in it) maps sample rows to the file's rows.
 */
export function alignTestToSample(features: MoaFeatures, sample: MoaSampleSubmission): { features: MoaFeatures; order: Int32Array | null } {
  const order = moaSubmissionOrder(features, sample);
  return { features: selectMoaFeatureRows(features, order), order };
}

/** truth.json (synthetic data only): the generator's figures and the test set's true targets. */
export function readTruth(dir: string, nTest: number, nTargets: number): Pick<MoaTrainData, 'truth' | 'testTruth'> {
  const file = path.join(dir, 'truth.json');
  if (!fs.existsSync(file)) return {};
  const t = readJson<{ figures?: MoaTrainData['truth'] }>(file);
  const out: Pick<MoaTrainData, 'truth' | 'testTruth'> = { truth: t.figures };
  const yFile = path.join(dir, 'truth_test_targets_scored.npy');
  if (fs.existsSync(yFile)) {
    const y = loadNpy(yFile);
    if (y.data.length === nTest * nTargets) out.testTruth = Float32Array.from(y.data);
  }
  return out;
}

/** Rows of ctl_vehicle (cp_type 1): never positive; dropped from training and predicted 0. */
export function treatedRows(f: MoaFeatures): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < f.nRows; i++) if (f.cpType[i] === 0) rows.push(i);
  return Int32Array.from(rows);
}

/** Set the rows of ctl_vehicle samples to 0 in a row-major nRows x nCols prediction matrix (in place). */
export function zeroControls(P: Float32Array, f: Pick<MoaFeatures, 'cpType' | 'nRows'>, nCols: number): Float32Array {
  if (P.length !== f.nRows * nCols) throw new RangeError(`zeroControls: P has ${P.length} values, expected ${f.nRows} x ${nCols}`);
  for (let i = 0; i < f.nRows; i++) if (f.cpType[i] === 1) P.fill(0, i * nCols, (i + 1) * nCols);
  return P;
}

/** Rows `rows` of a row-major matrix with `cols` columns. */
export function takeRows<T extends Float32Array | Float64Array>(M: T, cols: number, rows: ArrayLike<number>): T {
  const out = new (M.constructor as { new (n: number): T })(rows.length * cols);
  for (let i = 0; i < rows.length; i++) out.set(M.subarray(rows[i] * cols, (rows[i] + 1) * cols), i * cols);
  return out;
}

/** Stable short fingerprint of a list of ids (to check that runs were made on the same rows). */
export function fingerprint(ids: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x12345678;
  for (const id of ids) {
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    }
    h1 = Math.imul(h1 ^ 0x2c, 0x01000193) >>> 0;
  }
  return `${ids.length}-${h1.toString(16)}${h2.toString(16)}`;
}

export { readJson };
