import { labelIndex, resolveLabels } from './resolveLabels';

export interface PerClassF1 {
  /** Label of each entry of `f1`: sorted union of both arrays, or the `labels` given. */
  labels: number[];
  /** F1 of each label, one-vs-rest. */
  f1: Float64Array;
}

/**
 * F1 per label, like sklearn's `f1_score(y_true, y_pred, labels=labels, average=None)`.
 *
 * Ill-defined ratios score 0, as with sklearn's default `zero_division="warn"` (sklearn also
 * warns; we do not, since training loops call this every epoch): precision of a label never
 * predicted, recall of a label never true, and so F1 of a label in neither array.
 */
export function perClassF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): PerClassF1 {
  return perClassF1For('perClassF1', yTrue, yPred, labels);
}

/** {@link perClassF1}, with errors attributed to `fn` (the public function the caller called). */
export function perClassF1For(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): PerClassF1 {
  if (labels === undefined && isIntArray(yTrue) && isIntArray(yPred) && yTrue.length === yPred.length) {
    const fast = countedF1(yTrue, yPred);
    if (fast) return fast;
  }
  const ls = resolveLabels(fn, yTrue, yPred, labels);
  const index = labelIndex(ls);
  const k = ls.length;
  const tp = new Float64Array(k);
  const trueCount = new Float64Array(k);
  const predCount = new Float64Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined) {
      trueCount[t]++;
      if (yTrue[i] === yPred[i]) tp[t]++;
    }
    // A prediction counts against its label even when the true label is not listed (sklearn does the same).
    if (p !== undefined) predCount[p]++;
  }
  const f1 = Float64Array.from({ length: k }, (_, j) => labelF1(tp[j], trueCount[j], predCount[j]));
  return { labels: ls, f1 };
}

/** One label's F1 from its counts: 0 where a ratio is ill-defined. */
function labelF1(tp: number, trueCount: number, predCount: number): number {
  const precision = predCount === 0 ? 0 : tp / predCount;
  const recall = trueCount === 0 ? 0 : tp / trueCount;
  // Same expression and order as sklearn 1.2 (2PR / (P + R)), so the bits match too.
  const denom = precision + recall;
  return (2 * precision * recall) / (denom === 0 ? 1 : denom);
}

type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

function isIntArray(x: ArrayLike<number>): x is IntArray {
  return x instanceof Int32Array || x instanceof Uint8Array || x instanceof Int8Array || x instanceof Uint16Array || x instanceof Int16Array || x instanceof Uint32Array;
}

/**
 * The same counts and F1s for integer typed arrays whose labels span at most 4096 values, by direct
 * indexing instead of a Set and Maps (the ensembles' threshold searches call macroF1 thousands of
 * times on 10^5-10^6 rows: 5-10x faster). Labels come out sorted, as resolveLabels sorts them.
 */
function countedF1(yTrue: IntArray, yPred: IntArray): PerClassF1 | undefined {
  const n = yTrue.length;
  if (n === 0) return undefined;
  let lo = yTrue[0];
  let hi = yTrue[0];
  for (let i = 0; i < n; i++) {
    const a = yTrue[i];
    const b = yPred[i];
    if (a < lo) lo = a;
    if (a > hi) hi = a;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  const span = hi - lo + 1;
  if (span > 4096) return undefined;
  const tp = new Float64Array(span);
  const trueCount = new Float64Array(span);
  const predCount = new Float64Array(span);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] - lo;
    const p = yPred[i] - lo;
    trueCount[t]++;
    predCount[p]++;
    if (t === p) tp[t]++;
  }
  return f1OfCounts(tp, trueCount, predCount, lo);
}

/**
 * Per-label F1 from counts indexed by label - `lo`: every label with a true or a predicted row, in
 * ascending order, as resolveLabels lists them. The formula is the one above (sklearn's).
 */
export function f1OfCounts(tp: ArrayLike<number>, trueCount: ArrayLike<number>, predCount: ArrayLike<number>, lo = 0): PerClassF1 {
  const labels: number[] = [];
  const f1: number[] = [];
  for (let j = 0; j < trueCount.length; j++) {
    if (trueCount[j] === 0 && predCount[j] === 0) continue;
    labels.push(j + lo);
    f1.push(labelF1(tp[j], trueCount[j], predCount[j]));
  }
  return { labels, f1: Float64Array.from(f1) };
}
