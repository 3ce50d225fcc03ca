import { checkIntegerLabels, checkSameLength } from './inputChecks';

/**
 * Validates a (yTrue, yPred) pair of class labels and returns the label set to score: the
 * caller's `labels` in the caller's order, or else the sorted union of both arrays (sklearn's
 * `unique_labels`).
 */
export function resolveLabels(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): number[] {
  checkSameLength(fn, 'yTrue', yTrue, 'yPred', yPred);
  checkIntegerLabels(fn, 'yTrue', yTrue);
  checkIntegerLabels(fn, 'yPred', yPred);
  if (labels === undefined) {
    const set = new Set<number>();
    for (let i = 0; i < yTrue.length; i++) set.add(yTrue[i]);
    for (let i = 0; i < yPred.length; i++) set.add(yPred[i]);
    return [...set].sort((a, b) => a - b);
  }
  if (labels.length === 0) throw new RangeError(`${fn}: labels is empty (expected at least one label)`);
  checkIntegerLabels(fn, 'labels', labels);
  const out = Array.from(labels);
  if (new Set(out).size !== out.length) {
    throw new RangeError(`${fn}: labels [${out.join(', ')}] has duplicates (expected each label once)`);
  }
  return out;
}

/** Label -> its row/column index. `-0` and `0` are the same key in a Map, as they should be. */
export function labelIndex(labels: readonly number[]): Map<number, number> {
  return new Map(labels.map((l, i) => [l, i]));
}
