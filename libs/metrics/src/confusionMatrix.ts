import { labelIndex, resolveLabels } from './resolveLabels';

export interface ConfusionMatrix {
  /** Row/column order: sorted union of both arrays, or the `labels` given. */
  labels: number[];
  /** Counts, flat row-major `labels.length x labels.length`: row = true label, column = predicted (sklearn's layout). */
  counts: Float64Array;
}

/**
 * Confusion matrix like sklearn's `confusion_matrix(y_true, y_pred, labels=labels)`.
 * With explicit `labels`, samples whose true or predicted label is not listed are left out.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): ConfusionMatrix {
  const fn = 'confusionMatrix';
  const ls = resolveLabels(fn, yTrue, yPred, labels);
  const index = labelIndex(ls);
  const k = ls.length;
  const counts = new Float64Array(k * k);
  let anyTrueListed = false;
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    if (t !== undefined) anyTrueListed = true;
    const p = index.get(yPred[i]);
    if (t !== undefined && p !== undefined) counts[t * k + p]++;
  }
  // sklearn refuses this too: the matrix would be all zeros, almost surely a label mix-up.
  if (!anyTrueListed) {
    throw new RangeError(`${fn}: none of labels [${ls.join(', ')}] occurs in yTrue (expected at least one)`);
  }
  return { labels: ls, counts };
}
