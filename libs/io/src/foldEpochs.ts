// A fold's per-epoch records (fold_k/epochs.json): written after every epoch, a resumed fold's
// epochs replaced by their re-run, read back per fold for the run's metrics and learning curve.
import * as fs from 'fs';
import * as path from 'path';
import { readJson, writeJson } from './json';
import type { Series } from './plot';

/** What every epoch record holds: which epoch of which training stage, its learning rate, losses and time. */
export interface EpochRecordBase {
  stage: number;
  epoch: number;
  lr: number;
  loss: number;
  valLoss?: number;
  /** The whole epoch (training + validation). */
  seconds: number;
}

/** `file`'s records (empty when it does not exist yet) and record(), which saves each one. */
export function foldEpochs<T extends EpochRecordBase>(file: string): { records: T[]; record: (rec: T) => void } {
  const records: T[] = fs.existsSync(file) ? readJson<T[]>(file) : [];
  const record = (rec: T) => {
    const i = records.findIndex((x) => x.stage === rec.stage && x.epoch === rec.epoch);
    if (i >= 0) records[i] = rec;
    else records.push(rec);
    writeJson(file, records);
  };
  return { records, record };
}

/** fold_k/epochs.json of folds 0..nFolds-1 of a run (empty for a fold without one). */
export function readFoldEpochs<T extends EpochRecordBase>(runDir: string, nFolds: number): T[][] {
  return Array.from({ length: nFolds }, (_, k) => {
    const f = path.join(runDir, `fold_${k}`, 'epochs.json');
    return fs.existsSync(f) ? readJson<T[]>(f) : [];
  });
}

/**
 * Learning-curve series: each fold's loss per epoch and its validation loss, always or only
 * when that fold recorded one (`val`).
 */
export function foldLossSeries(epochs: readonly EpochRecordBase[][], val: 'always' | 'when-recorded'): (Series & { x: number[]; y: number[] })[] {
  return epochs.flatMap((ts, k) => {
    const x = ts.map((_, i) => i + 1);
    const s: (Series & { x: number[]; y: number[] })[] = [{ name: `fold ${k + 1} loss`, x, y: ts.map((e) => e.loss) }];
    if (val === 'always' || ts.some((e) => e.valLoss !== undefined)) s.push({ name: `fold ${k + 1} val`, x, y: ts.map((e) => e.valLoss ?? NaN) });
    return s;
  });
}
