import * as fs from 'fs';
import * as path from 'path';
import { DataError, loadNpy, readJson, saveNpy, writeFileAtomic, writeJson } from '@repro/io';
import { checkCount, Fold, foldIds } from './fold';

/** What fitFold receives for one fold. */
export interface FitFoldArgs {
  /** 0-based fold number. */
  fold: number;
  /** Sorted training rows. */
  train: Int32Array;
  /** Sorted validation rows; predictions must follow this order. */
  valid: Int32Array;
  /** `dir/fold_{fold}`, created; fitFold may keep its own files here. */
  foldDir: string;
}

/** What fitFold returns for one fold. */
export interface FitFoldResult {
  /** valid.length x nOutputs predictions, row-major, in `valid` order. */
  valid: Float32Array;
  /** nTest x nOutputs test predictions; all folds or none must return them. */
  test?: Float32Array;
  /** Extra numbers to store in metrics.json. */
  metrics?: Record<string, number>;
}

/** One finished (or reloaded) fold, as logged and passed to onFoldDone. */
export interface FoldReport {
  fold: number;
  nFolds: number;
  nTrain: number;
  nValid: number;
  /** score(valid, predictions), when a score function was given. */
  score?: number;
  /** Seconds fitFold took (from metrics.json for a reloaded fold). */
  seconds: number;
  /** True when the fold was reloaded from its DONE directory, not fitted. */
  resumed: boolean;
  metrics: Record<string, number>;
}

export interface OutOfFoldOptions {
  folds: readonly Fold[];
  nRows: number;
  /** Predictions per row (1 for regression / binary, #targets for multilabel). */
  nOutputs: number;
  /** Run directory; fold_{k}/ subdirectories, oof.npy and test.npy go here. */
  dir: string;
  fitFold: (args: FitFoldArgs) => Promise<FitFoldResult>;
  /** Score of predictions (rows.length x nOutputs, in `rows` order) for the given rows. */
  score?: (rows: Int32Array, predictions: Float32Array) => number;
  onFoldDone?: (report: FoldReport) => void | Promise<void>;
  /** Receives one line per fold. @default console.log */
  logger?: (line: string) => void;
}

export interface OutOfFoldResult {
  /** nRows x nOutputs, row order; NaN for rows in no validation fold. */
  oof: Float32Array;
  /** nTest x nOutputs, mean over folds; absent when no fold predicted test rows. */
  test?: Float32Array;
  /** Per-fold scores (empty without a score function). */
  foldScores: number[];
  /** Score over all rows that were in a validation fold. */
  score?: number;
  reports: FoldReport[];
}

interface FoldMetricsFile {
  fold: number;
  nTrain: number;
  nValid: number;
  seconds: number;
  score?: number;
  metrics: Record<string, number>;
}

const DONE = 'DONE';

/**
 * Fit every fold and gather out-of-fold predictions. Each fold's outputs are
 * written atomically with the DONE marker last, so a fold with a marker is
 * complete: a rerun reloads it instead of refitting, and a fold interrupted
 * before its marker is fitted again.
 */
export async function runOutOfFold(options: OutOfFoldOptions): Promise<OutOfFoldResult> {
  const { folds, nRows, nOutputs, dir, fitFold, score, onFoldDone, logger = console.log } = options;
  checkCount('runOutOfFold', 'nRows', nRows, 1);
  checkCount('runOutOfFold', 'nOutputs', nOutputs, 1);
  if (folds.length === 0) throw new RangeError('runOutOfFold: folds must hold at least one fold, received 0');
  foldIds(folds, nRows); // rejects rows outside [0, nRows) and rows validated twice
  fs.mkdirSync(dir, { recursive: true });

  const oof = new Float32Array(nRows * nOutputs).fill(NaN);
  let testSum: Float64Array | undefined;
  let nTest = -1;
  let foldsWithTest = 0;
  const foldScores: number[] = [];
  const reports: FoldReport[] = [];

  for (let k = 0; k < folds.length; k++) {
    const { train, valid } = folds[k];
    const foldDir = path.join(dir, `fold_${k}`);
    const files = {
      valid: path.join(foldDir, 'valid_pred.npy'),
      test: path.join(foldDir, 'test_pred.npy'),
      rows: path.join(foldDir, 'valid_rows.npy'),
      metrics: path.join(foldDir, 'metrics.json'),
      done: path.join(foldDir, DONE),
    };
    let pred: Float32Array;
    let test: Float32Array | undefined;
    let report: FoldReport;

    if (fs.existsSync(files.done)) {
      const rows = loadNpy(files.rows).data;
      if (rows.length !== valid.length || rows.some((r, i) => r !== valid[i])) {
        throw new DataError(
          files.rows,
          `fold ${k} was finished for different validation rows (expected the ${valid.length} rows of folds[${k}], found ${rows.length}); delete ${foldDir} to refit it`,
        );
      }
      pred = readPredictions(files.valid, valid.length, nOutputs);
      test = fs.existsSync(files.test) ? readPredictions(files.test, -1, nOutputs) : undefined;
      const saved = readJson<FoldMetricsFile>(files.metrics);
      report = {
        fold: k,
        nFolds: folds.length,
        nTrain: train.length,
        nValid: valid.length,
        seconds: saved.seconds,
        resumed: true,
        metrics: saved.metrics ?? {},
      };
    } else {
      fs.mkdirSync(foldDir, { recursive: true });
      const started = performance.now();
      const out = await fitFold({ fold: k, train, valid, foldDir });
      const seconds = (performance.now() - started) / 1000;
      pred = checkPredictions(out.valid, valid.length, nOutputs, `fitFold(fold ${k}).valid`);
      test = out.test === undefined ? undefined : checkPredictions(out.test, -1, nOutputs, `fitFold(fold ${k}).test`);
      report = {
        fold: k,
        nFolds: folds.length,
        nTrain: train.length,
        nValid: valid.length,
        seconds,
        resumed: false,
        metrics: { ...(out.metrics ?? {}) },
      };
    }

    if (score) report.score = score(valid, pred);
    if (!report.resumed) {
      // The marker goes last: every file before it is complete once it exists.
      if (test) saveNpy(files.test, test, [test.length / nOutputs, nOutputs]);
      else fs.rmSync(files.test, { force: true });
      saveNpy(files.valid, pred, [valid.length, nOutputs]);
      saveNpy(files.rows, valid);
      const m: FoldMetricsFile = {
        fold: k,
        nTrain: report.nTrain,
        nValid: report.nValid,
        seconds: report.seconds,
        ...(report.score !== undefined ? { score: report.score } : {}),
        metrics: report.metrics,
      };
      writeJson(files.metrics, m);
      writeFileAtomic(files.done, `${new Date().toISOString()}\n`);
    }

    for (let i = 0; i < valid.length; i++) {
      oof.set(pred.subarray(i * nOutputs, (i + 1) * nOutputs), valid[i] * nOutputs);
    }
    if (test) {
      const n = test.length / nOutputs;
      if (nTest === -1) {
        nTest = n;
        testSum = new Float64Array(test.length);
      } else if (n !== nTest) {
        throw new RangeError(`runOutOfFold: fold ${k} predicted ${n} test rows, expected ${nTest} as earlier folds did`);
      }
      for (let i = 0; i < test.length; i++) testSum![i] += test[i];
      foldsWithTest++;
    }
    if (score) foldScores.push(report.score!);
    reports.push(report);
    logger(formatReport(report));
    if (onFoldDone) await onFoldDone(report);
  }

  if (foldsWithTest !== 0 && foldsWithTest !== folds.length) {
    throw new RangeError(`runOutOfFold: ${foldsWithTest} of ${folds.length} folds returned test predictions, expected all or none`);
  }
  saveNpy(path.join(dir, 'oof.npy'), oof, [nRows, nOutputs]);
  let test: Float32Array | undefined;
  if (testSum) {
    test = new Float32Array(testSum.length);
    for (let i = 0; i < test.length; i++) test[i] = testSum[i] / foldsWithTest;
    saveNpy(path.join(dir, 'test.npy'), test, [nTest, nOutputs]);
  }

  const result: OutOfFoldResult = { oof, foldScores, reports };
  if (test) result.test = test;
  if (score) {
    const ids = foldIds(folds, nRows);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i).filter((i) => ids[i] !== -1);
    const pred = new Float32Array(rows.length * nOutputs);
    rows.forEach((r, j) => pred.set(oof.subarray(r * nOutputs, (r + 1) * nOutputs), j * nOutputs));
    result.score = score(rows, pred);
  }
  return result;
}

function formatReport(r: FoldReport): string {
  const parts = [`fold ${r.fold + 1}/${r.nFolds}`, `train ${r.nTrain}`, `valid ${r.nValid}`];
  if (r.score !== undefined) parts.push(`score ${r.score.toFixed(6)}`);
  parts.push(`${r.seconds.toFixed(1)}s`);
  if (r.resumed) parts.push('(resumed)');
  return parts.join('  ');
}

/** nRows -1 means any whole number of rows. */
function checkPredictions(pred: unknown, nRows: number, nOutputs: number, name: string): Float32Array {
  if (!(pred instanceof Float32Array)) {
    throw new TypeError(`runOutOfFold: ${name} must be a Float32Array, received ${describe(pred)}`);
  }
  const ok = nRows === -1 ? pred.length % nOutputs === 0 : pred.length === nRows * nOutputs;
  if (!ok) {
    const expected = nRows === -1 ? `a multiple of nOutputs (${nOutputs})` : `${nRows} x ${nOutputs} = ${nRows * nOutputs}`;
    throw new RangeError(`runOutOfFold: ${name}.length must be ${expected}, received ${pred.length}`);
  }
  return pred;
}

function readPredictions(file: string, nRows: number, nOutputs: number): Float32Array {
  const { data, shape } = loadNpy(file);
  const shapeOk = shape.length === 2 && shape[1] === nOutputs && (nRows === -1 || shape[0] === nRows);
  if (!(data instanceof Float32Array) || !shapeOk) {
    const expected = `float32 [${nRows === -1 ? 'nTest' : nRows}, ${nOutputs}]`;
    throw new DataError(file, `expected ${expected} predictions, found ${data.constructor.name} [${shape.join(', ')}]`);
  }
  return data;
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? (x as object).constructor.name : typeof x;
}
