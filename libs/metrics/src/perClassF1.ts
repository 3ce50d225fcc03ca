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
  const f1 = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const precision = predCount[j] === 0 ? 0 : tp[j] / predCount[j];
    const recall = trueCount[j] === 0 ? 0 : tp[j] / trueCount[j];
    // Same expression and order as sklearn 1.2 (2PR / (P + R)), so the bits match too.
    const denom = precision + recall;
    f1[j] = (2 * precision * recall) / (denom === 0 ? 1 : denom);
  }
  return { labels: ls, f1 };
}
