// Step 1 of the seed: read train.csv and aggregate it per eeg_id, exactly as
//
//   train = df.groupby('eeg_id')[['patient_id']].agg('first')
//   tmp = df.groupby('eeg_id')[TARGETS].agg('sum');  y = votes / votes.sum(axis=1)
//   train['target'] = df.groupby('eeg_id')[['expert_consensus']].agg('first')
//
// pandas' groupby sorts the keys, so the rows come out by ascending eeg_id; 'first' is the
// first row of the group in file order. GroupKFold depends on this row order.
import { HMS_CLASSES, readHmsTrain, type HmsTrain } from '@repro/io';

export interface EegTable {
  /** Rows (one per eeg_id). */
  n: number;
  /** Ascending eeg_ids (float64: ids exceed 2^31). */
  eegId: Float64Array;
  /** The group's first patient_id. */
  patientId: Int32Array;
  /** Summed votes per class, row-major n x 6 (HMS_VOTE_COLUMNS order). */
  votes: Float64Array;
  /** Summed votes normalised to probabilities, n x 6: the targets. */
  targets: Float64Array;
  /** The group's first expert_consensus, as an index into HMS_CLASSES. */
  target: Int32Array;
  /** train.csv rows per eeg_id. */
  rowCount: Int32Array;
  /** The smallest per-row vote total among the eeg_id's train.csv rows (for two-stage training). */
  minRowVotes: Float64Array;
}

export function aggregateByEeg(t: HmsTrain): EegTable {
  // Group keys in ascending order; within a group, rows in file order.
  const order = Array.from({ length: t.nRows }, (_, i) => i).sort((a, b) => t.eegId[a] - t.eegId[b] || a - b);
  const starts: number[] = [];
  for (let j = 0; j < order.length; j++) if (j === 0 || t.eegId[order[j]] !== t.eegId[order[j - 1]]) starts.push(j);
  const n = starts.length;
  const out: EegTable = {
    n,
    eegId: new Float64Array(n),
    patientId: new Int32Array(n),
    votes: new Float64Array(n * 6),
    targets: new Float64Array(n * 6),
    target: new Int32Array(n),
    rowCount: new Int32Array(n),
    minRowVotes: new Float64Array(n),
  };
  for (let g = 0; g < n; g++) {
    const from = starts[g];
    const to = g + 1 < n ? starts[g + 1] : order.length;
    const first = order[from];
    out.eegId[g] = t.eegId[first];
    out.patientId[g] = t.patientId[first];
    out.target[g] = t.consensusIndex[first];
    out.rowCount[g] = to - from;
    let minVotes = Infinity;
    for (let j = from; j < to; j++) {
      const r = order[j];
      for (let k = 0; k < 6; k++) out.votes[g * 6 + k] += t.votes[r * 6 + k];
      minVotes = Math.min(minVotes, t.totalVotes[r]);
    }
    out.minRowVotes[g] = minVotes;
    let sum = 0;
    for (let k = 0; k < 6; k++) sum += out.votes[g * 6 + k];
    for (let k = 0; k < 6; k++) out.targets[g * 6 + k] = out.votes[g * 6 + k] / sum;
  }
  return out;
}

/** Keep the first `max` rows (0 = all). */
export function headRows(t: EegTable, max: number): EegTable {
  if (max <= 0 || max >= t.n) return t;
  return {
    n: max,
    eegId: t.eegId.slice(0, max),
    patientId: t.patientId.slice(0, max),
    votes: t.votes.slice(0, max * 6),
    targets: t.targets.slice(0, max * 6),
    target: t.target.slice(0, max),
    rowCount: t.rowCount.slice(0, max),
    minRowVotes: t.minRowVotes.slice(0, max),
  };
}

/** Read `<dir>/train.csv` (readHmsTrain validates columns, votes and consensus) and aggregate it. */
export async function loadTrain(dir: string, maxEegs = 0): Promise<EegTable> {
  return headRows(aggregateByEeg(await readHmsTrain(dir)), maxEegs);
}

/** Class shares of the consensus targets, for the log. */
export function consensusCounts(t: EegTable): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(HMS_CLASSES.map((c) => [c, 0]));
  for (let i = 0; i < t.n; i++) out[HMS_CLASSES[t.target[i]]] += 1;
  return out;
}
