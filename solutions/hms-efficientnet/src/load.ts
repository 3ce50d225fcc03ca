// The seed's data preparation: train.csv (optionally the balanced subset) grouped per eeg_id as
// its notebook does it:
//
//   train = df.groupby('eeg_id')[['spectrogram_id','spectrogram_label_offset_seconds']]
//             .agg({'spectrogram_id':'first','spectrogram_label_offset_seconds':'min'})   -> min
//   ... ['spectrogram_label_offset_seconds'].agg('max')                                    -> max
//   patient_id 'first'; votes 'sum' -> y / y.sum(axis=1); expert_consensus 'first' -> target
//
// pandas sorts the group keys (ascending eeg_id); 'first' is the group's first row in file order.
import * as path from 'path';
import { SeededRng } from '@repro/layers';
import {
  aggregateHmsEegs,
  headHmsEegs,
  hmsConsensusCounts,
  hmsEegGroups,
  HMS_CLASSES,
  readHmsTrain,
  selectHmsEegs,
  takeRowsInOrder,
  writeCsv,
  type HmsEegTable,
  type HmsTrain,
} from '@repro/io';

/** The seeds' per-eeg_id table (libs/io's hmsEegTable) plus this notebook's spectrogram columns. */
export interface EegTable extends HmsEegTable {
  spectrogramId: Float64Array;
  /** Smallest and largest spectrogram_label_offset_seconds of the eeg_id's rows. */
  specMin: Float64Array;
  specMax: Float64Array;
  /** The eeg_id's train.csv label windows in file order (eeg_/spectrogram_label_offset_seconds), for train.randomWindows. */
  windows: LabelWindow[][];
}

export interface LabelWindow {
  eegOffset: number;
  specOffset: number;
}

export function groupByEeg(t: HmsTrain): EegTable {
  const groups = hmsEegGroups(t);
  const n = groups.length;
  const out: EegTable = { ...aggregateHmsEegs(t, groups), spectrogramId: new Float64Array(n), specMin: new Float64Array(n), specMax: new Float64Array(n), windows: [] };
  groups.forEach((rows, g) => {
    out.spectrogramId[g] = t.spectrogramId[rows[0]];
    let lo = Infinity;
    let hi = -Infinity;
    const windows: LabelWindow[] = [];
    for (const r of rows) {
      windows.push({ eegOffset: t.eegLabelOffsetSeconds[r], specOffset: t.spectrogramLabelOffsetSeconds[r] });
      lo = Math.min(lo, t.spectrogramLabelOffsetSeconds[r]);
      hi = Math.max(hi, t.spectrogramLabelOffsetSeconds[r]);
    }
    out.specMin[g] = lo;
    out.specMax[g] = hi;
    out.windows.push(windows);
  });
  return out;
}

/** Rows of train.csv kept by `rows` (in that order). */
export function selectTrainRows(t: HmsTrain, rows: ArrayLike<number>): HmsTrain {
  const pick = <A extends Float64Array | Int32Array>(a: A, width = 1): A => takeRowsInOrder(a, width, rows);
  return {
    nRows: rows.length,
    eegId: pick(t.eegId),
    eegSubId: pick(t.eegSubId),
    eegLabelOffsetSeconds: pick(t.eegLabelOffsetSeconds),
    spectrogramId: pick(t.spectrogramId),
    spectrogramSubId: pick(t.spectrogramSubId),
    spectrogramLabelOffsetSeconds: pick(t.spectrogramLabelOffsetSeconds),
    labelId: pick(t.labelId),
    patientId: pick(t.patientId),
    expertConsensus: Array.from(rows, (r) => t.expertConsensus[r]),
    consensusIndex: pick(t.consensusIndex),
    votes: pick(t.votes, 6),
    totalVotes: pick(t.totalVotes),
  };
}

/**
 * The seed's "Spliting small Datasets": for each expert_consensus class, `perClass` train.csv rows
 * drawn at random without replacement (all of a class's rows when it has fewer; `short` lists
 * those). Returns the kept row indices in class order, then draw order.
 */
export function balancedRows(t: HmsTrain, perClass: number, seed: number): { rows: Int32Array; counts: Record<string, number>; short: string[] } {
  const rng = new SeededRng(seed);
  const rows: number[] = [];
  const counts: Record<string, number> = {};
  const short: string[] = [];
  HMS_CLASSES.forEach((cls, k) => {
    const pool: number[] = [];
    for (let i = 0; i < t.nRows; i++) if (t.consensusIndex[i] === k) pool.push(i);
    // Partial Fisher-Yates: the first `take` entries are a uniform sample without replacement.
    const take = Math.min(perClass, pool.length);
    for (let j = 0; j < take; j++) {
      const r = j + Math.floor(rng.next() * (pool.length - j));
      [pool[j], pool[r]] = [pool[r], pool[j]];
      rows.push(pool[j]);
    }
    counts[cls] = take;
    if (take < perClass) short.push(`${cls} (${pool.length} rows)`);
  });
  return { rows: Int32Array.from(rows), counts, short };
}

/** Write train.csv rows in Kaggle's column order (the seed's balanced_train.csv). */
export async function writeTrainCsv(file: string, t: HmsTrain): Promise<void> {
  await writeCsv(file, [
    { name: 'eeg_id', values: t.eegId, format: 'int' },
    { name: 'eeg_sub_id', values: t.eegSubId, format: 'int' },
    { name: 'eeg_label_offset_seconds', values: t.eegLabelOffsetSeconds },
    { name: 'spectrogram_id', values: t.spectrogramId, format: 'int' },
    { name: 'spectrogram_sub_id', values: t.spectrogramSubId, format: 'int' },
    { name: 'spectrogram_label_offset_seconds', values: t.spectrogramLabelOffsetSeconds },
    { name: 'label_id', values: t.labelId, format: 'int' },
    { name: 'patient_id', values: t.patientId, format: 'int' },
    { name: 'expert_consensus', values: t.expertConsensus },
    ...(['seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'] as const).map((name, k) => ({
      name,
      values: Float64Array.from({ length: t.nRows }, (_, i) => t.votes[i * 6 + k]),
      format: 'int' as const,
    })),
  ]);
}

/** Keep the first `max` eeg_ids (0 = all). */
export function headRows(t: EegTable, max: number): EegTable {
  return headHmsEegs(t, max, selectEegs);
}

export function selectEegs(t: EegTable, rows: ArrayLike<number>): EegTable {
  return {
    ...selectHmsEegs(t, rows),
    spectrogramId: takeRowsInOrder(t.spectrogramId, 1, rows),
    specMin: takeRowsInOrder(t.specMin, 1, rows),
    specMax: takeRowsInOrder(t.specMax, 1, rows),
    windows: Array.from(rows, (r) => t.windows[r]),
  };
}

export interface LoadTrainOptions {
  maxEegs: number;
  balanced?: { enabled: boolean; perClass: number };
  seed: number;
  /** Where balanced_train.csv goes (the run directory); not written when undefined. */
  outDir?: string;
  log?: (line: string) => void;
}

/** train.csv (validated by readHmsTrain), optionally the balanced subset, grouped per eeg_id. */
export async function loadTrain(dir: string, o: LoadTrainOptions): Promise<EegTable> {
  const log = o.log ?? (() => {});
  let t = await readHmsTrain(dir);
  const before = hmsConsensusCounts({ n: t.nRows, target: t.consensusIndex });
  if (o.balanced?.enabled) {
    log(`Initial data distribution (expert_consensus rows): ${JSON.stringify(before)}`);
    const b = balancedRows(t, o.balanced.perClass, o.seed);
    if (b.short.length) log(`  fewer than ${o.balanced.perClass} rows, all taken: ${b.short.join(', ')}`);
    t = selectTrainRows(t, b.rows);
    log(`Balanced data distribution (${o.balanced.perClass} per class, without replacement): ${JSON.stringify(b.counts)}`);
    if (o.outDir) {
      const file = path.join(o.outDir, 'balanced_train.csv');
      await writeTrainCsv(file, t);
      log(`  balanced subset -> ${file}`);
    }
  }
  return headRows(groupByEeg(t), o.maxEegs);
}
