// How both HMS solutions score their fold loop: Kaggle's KL divergence over eeg_id rows of the
// per-eeg_id table (the KL function itself comes from @repro/metrics through the caller), the
// train-mean baseline next to it, and the synthetic data's truth figures when it has them.
import * as fs from 'fs';
import * as path from 'path';
import { readJson } from '../json';
import type { HmsEegTable } from './hmsEegTable';

/** Kaggle's KL (solution, submission, 6 classes) as @repro/metrics' klDivergenceScore computes it. */
export type HmsKl = (solution: Float64Array, submission: Float64Array, nClasses: number) => number;

/** KL of predictions against the targets over `rows`; `pred` by position in rows, or by row when byRow. */
export function hmsScoreRows(kl: HmsKl, table: Pick<HmsEegTable, 'targets'>, rows: ArrayLike<number>, pred: ArrayLike<number>, byRow = false): number {
  const sol = new Float64Array(rows.length * 6);
  const sub = new Float64Array(rows.length * 6);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let k = 0; k < 6; k++) {
      sol[i * 6 + k] = table.targets[r * 6 + k];
      sub[i * 6 + k] = pred[(byRow ? r : i) * 6 + k];
    }
  }
  return kl(sol, sub, 6);
}

/**
 * The train-mean baseline: each validation row gets its fold's training rows' mean targets.
 * `renormalize` is the WaveNet seed's "TRAIN MEAN OOF" (column sums / n, then scaled to sum to 1);
 * without it the mean is accumulated as target / n (the EfficientNet notebook's), so each
 * solution's baseline is the float value its seed computes.
 */
export function hmsTrainMeanOof(table: Pick<HmsEegTable, 'n' | 'targets'>, folds: readonly { train: Int32Array; valid: Int32Array }[], renormalize: boolean): Float64Array {
  const out = new Float64Array(table.n * 6).fill(NaN);
  for (const f of folds) {
    const mean = new Float64Array(6);
    if (renormalize) {
      for (const r of f.train) for (let k = 0; k < 6; k++) mean[k] += table.targets[r * 6 + k];
      for (let k = 0; k < 6; k++) mean[k] /= f.train.length;
      const s = mean.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 6; k++) mean[k] /= s;
    } else {
      for (const r of f.train) for (let k = 0; k < 6; k++) mean[k] += table.targets[r * 6 + k] / f.train.length;
    }
    for (const r of f.valid) for (let k = 0; k < 6; k++) out[r * 6 + k] = mean[k];
  }
  return out;
}

/** The synthetic generator's figures (tools/synth/hms truth.json); undefined for real data. */
export interface HmsTruthFigures {
  /** Best possible KL on these targets. */
  floorKL?: number;
  /** In-sample KL of the train-mean prediction. */
  trainMeanKL?: number;
  floorKLHighVotes?: number;
}

export function readHmsTruthFigures(dataDir: string): HmsTruthFigures | undefined {
  const file = path.join(dataDir, 'truth.json');
  if (!fs.existsSync(file)) return undefined;
  return readJson<{ figures?: HmsTruthFigures }>(file).figures;
}

/** @repro/cv runOutOfFold's options for a fold loop over the eeg_id table: 6 outputs per row, scored by KL. */
export function hmsOutOfFoldOptions(kl: HmsKl, table: Pick<HmsEegTable, 'n' | 'targets'>, dir: string, logger: (line: string) => void) {
  return { nRows: table.n, nOutputs: 6, dir, logger, score: (rows: Int32Array, pred: Float32Array) => hmsScoreRows(kl, table, rows, pred) };
}
