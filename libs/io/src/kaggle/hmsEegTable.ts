// train.csv per eeg_id, as both HMS seeds' notebooks aggregate it:
//
//   train = df.groupby('eeg_id')[['patient_id']].agg('first')
//   tmp = df.groupby('eeg_id')[TARGETS].agg('sum');  y = votes / votes.sum(axis=1)
//   train['target'] = df.groupby('eeg_id')[['expert_consensus']].agg('first')
//
// pandas' groupby sorts the keys, so the rows come out by ascending eeg_id; 'first' is the
// first row of the group in file order. GroupKFold depends on this row order.
import { HMS_CLASSES, type HmsTrain } from './hmsFiles';
import { takeRowsInOrder } from './submissionChecks';

export interface HmsEegTable {
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

/** train.csv's row indices per eeg_id: groups by ascending eeg_id, rows in file order. */
export function hmsEegGroups(t: HmsTrain): Int32Array[] {
  const order = Array.from({ length: t.nRows }, (_, i) => i).sort((a, b) => t.eegId[a] - t.eegId[b] || a - b);
  const starts: number[] = [];
  for (let j = 0; j < order.length; j++) if (j === 0 || t.eegId[order[j]] !== t.eegId[order[j - 1]]) starts.push(j);
  return starts.map((from, g) => Int32Array.from(order.slice(from, g + 1 < starts.length ? starts[g + 1] : order.length)));
}

/** The seeds' groupby of train.csv per eeg_id; `groups` as hmsEegGroups gives them. */
export function aggregateHmsEegs(t: HmsTrain, groups: readonly Int32Array[] = hmsEegGroups(t)): HmsEegTable {
  const n = groups.length;
  const out: HmsEegTable = {
    n,
    eegId: new Float64Array(n),
    patientId: new Int32Array(n),
    votes: new Float64Array(n * 6),
    targets: new Float64Array(n * 6),
    target: new Int32Array(n),
    rowCount: new Int32Array(n),
    minRowVotes: new Float64Array(n),
  };
  groups.forEach((rows, g) => {
    const first = rows[0];
    out.eegId[g] = t.eegId[first];
    out.patientId[g] = t.patientId[first];
    out.target[g] = t.consensusIndex[first];
    out.rowCount[g] = rows.length;
    let minVotes = Infinity;
    for (const r of rows) {
      for (let k = 0; k < 6; k++) out.votes[g * 6 + k] += t.votes[r * 6 + k];
      minVotes = Math.min(minVotes, t.totalVotes[r]);
    }
    out.minRowVotes[g] = minVotes;
    let sum = 0;
    for (let k = 0; k < 6; k++) sum += out.votes[g * 6 + k];
    for (let k = 0; k < 6; k++) out.targets[g * 6 + k] = out.votes[g * 6 + k] / sum;
  });
  return out;
}

/** The table's `rows` (eeg_id row indices), in that order. */
export function selectHmsEegs(t: HmsEegTable, rows: ArrayLike<number>): HmsEegTable {
  return {
    n: rows.length,
    eegId: takeRowsInOrder(t.eegId, 1, rows),
    patientId: takeRowsInOrder(t.patientId, 1, rows),
    votes: takeRowsInOrder(t.votes, 6, rows),
    targets: takeRowsInOrder(t.targets, 6, rows),
    target: takeRowsInOrder(t.target, 1, rows),
    rowCount: takeRowsInOrder(t.rowCount, 1, rows),
    minRowVotes: takeRowsInOrder(t.minRowVotes, 1, rows),
  };
}

/** The first `max` eeg_ids (0 = all: data.maxEegs), through `select` for a table with more columns. */
export function headHmsEegs<T extends { n: number }>(t: T, max: number, select: (t: T, rows: Int32Array) => T): T {
  return max <= 0 || max >= t.n ? t : select(t, Int32Array.from({ length: max }, (_, i) => i));
}

/** Eeg_ids per expert_consensus class, for the log. */
export function hmsConsensusCounts(t: Pick<HmsEegTable, 'n' | 'target'>): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(HMS_CLASSES.map((c) => [c, 0]));
  for (let i = 0; i < t.n; i++) out[HMS_CLASSES[t.target[i]]] += 1;
  return out;
}
