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
import { HMS_CLASSES, readHmsTrain, writeCsv, type HmsTrain } from '@repro/io';

export interface EegTable {
  n: number;
  eegId: Float64Array;
  spectrogramId: Float64Array;
  /** Smallest and largest spectrogram_label_offset_seconds of the eeg_id's rows. */
  specMin: Float64Array;
  specMax: Float64Array;
  patientId: Int32Array;
  /** Summed votes per class, n x 6. */
  votes: Float64Array;
  /** Votes normalised per row, n x 6: the targets. */
  targets: Float64Array;
  /** First expert_consensus as an index into HMS_CLASSES. */
  target: Int32Array;
  /** Smallest per-row vote total of the eeg_id's train.csv rows (stage 2 keeps eeg_ids with many votes). */
  minRowVotes: Float64Array;
  /** The eeg_id's train.csv label windows in file order (eeg_/spectrogram_label_offset_seconds), for train.randomWindows. */
  windows: LabelWindow[][];
}

export interface LabelWindow {
  eegOffset: number;
  specOffset: number;
}

export function groupByEeg(t: HmsTrain): EegTable {
  const order = Array.from({ length: t.nRows }, (_, i) => i).sort((a, b) => t.eegId[a] - t.eegId[b] || a - b);
  const starts: number[] = [];
  for (let j = 0; j < order.length; j++) if (j === 0 || t.eegId[order[j]] !== t.eegId[order[j - 1]]) starts.push(j);
  const n = starts.length;
  const out: EegTable = {
    n,
    eegId: new Float64Array(n),
    spectrogramId: new Float64Array(n),
    specMin: new Float64Array(n),
    specMax: new Float64Array(n),
    patientId: new Int32Array(n),
    votes: new Float64Array(n * 6),
    targets: new Float64Array(n * 6),
    target: new Int32Array(n),
    minRowVotes: new Float64Array(n),
    windows: [],
  };
  for (let g = 0; g < n; g++) {
    const from = starts[g];
    const to = g + 1 < n ? starts[g + 1] : order.length;
    const first = order[from];
    out.eegId[g] = t.eegId[first];
    out.spectrogramId[g] = t.spectrogramId[first];
    out.patientId[g] = t.patientId[first];
    out.target[g] = t.consensusIndex[first];
    let lo = Infinity;
    let hi = -Infinity;
    let minVotes = Infinity;
    const windows: LabelWindow[] = [];
    for (let j = from; j < to; j++) {
      const r = order[j];
      windows.push({ eegOffset: t.eegLabelOffsetSeconds[r], specOffset: t.spectrogramLabelOffsetSeconds[r] });
      lo = Math.min(lo, t.spectrogramLabelOffsetSeconds[r]);
      hi = Math.max(hi, t.spectrogramLabelOffsetSeconds[r]);
      minVotes = Math.min(minVotes, t.totalVotes[r]);
      for (let k = 0; k < 6; k++) out.votes[g * 6 + k] += t.votes[r * 6 + k];
    }
    out.specMin[g] = lo;
    out.specMax[g] = hi;
    out.minRowVotes[g] = minVotes;
    out.windows.push(windows);
    let s = 0;
    for (let k = 0; k < 6; k++) s += out.votes[g * 6 + k];
    for (let k = 0; k < 6; k++) out.targets[g * 6 + k] = out.votes[g * 6 + k] / s;
  }
  return out;
}

/** Rows of train.csv kept by `rows` (in that order). */
export function selectTrainRows(t: HmsTrain, rows: ArrayLike<number>): HmsTrain {
  const n = rows.length;
  const pick = <A extends Float64Array | Int32Array>(a: A, width = 1): A => {
    const out = new (a.constructor as { new (k: number): A })(n * width);
    for (let i = 0; i < n; i++) for (let k = 0; k < width; k++) out[i * width + k] = a[rows[i] * width + k];
    return out;
  };
  return {
    nRows: n,
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
  if (max <= 0 || max >= t.n) return t;
  return selectEegs(t, Int32Array.from({ length: max }, (_, i) => i));
}

export function selectEegs(t: EegTable, rows: ArrayLike<number>): EegTable {
  const n = rows.length;
  const pick = <A extends Float64Array | Int32Array>(a: A, width = 1): A => {
    const out = new (a.constructor as { new (k: number): A })(n * width);
    for (let i = 0; i < n; i++) for (let k = 0; k < width; k++) out[i * width + k] = a[rows[i] * width + k];
    return out;
  };
  return {
    n,
    eegId: pick(t.eegId),
    spectrogramId: pick(t.spectrogramId),
    specMin: pick(t.specMin),
    specMax: pick(t.specMax),
    patientId: pick(t.patientId),
    votes: pick(t.votes, 6),
    targets: pick(t.targets, 6),
    target: pick(t.target),
    minRowVotes: pick(t.minRowVotes),
    windows: Array.from({ length: n }, (_, i) => t.windows[rows[i]]),
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
  const before: Record<string, number> = Object.fromEntries(HMS_CLASSES.map((c) => [c, 0]));
  for (let i = 0; i < t.nRows; i++) before[HMS_CLASSES[t.consensusIndex[i]]] += 1;
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

export function consensusCounts(t: EegTable): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(HMS_CLASSES.map((c) => [c, 0]));
  for (let i = 0; i < t.n; i++) out[HMS_CLASSES[t.target[i]]] += 1;
  return out;
}
