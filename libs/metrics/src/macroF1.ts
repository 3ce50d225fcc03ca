import { pairwiseMean } from './pairwiseSum';
import { f1OfCounts, perClassF1For } from './perClassF1';

/**
 * Macro-averaged F1 (the Ion Switching metric), identical to sklearn's
 * `f1_score(y_true, y_pred, average="macro")`: unweighted mean of per-label F1 over every label
 * that occurs in either array. A label only in `yPred` (or only in `yTrue`) scores 0 and still
 * counts in the mean, as in sklearn.
 */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return pairwiseMean(perClassF1For('macroF1', yTrue, yPred).f1);
}

/**
 * {@link macroF1} from a confusion summary: true positives, true and predicted row counts per label
 * (index = label). Bit-identical to macroF1 on the rows those counts come from; for searches that
 * move a few rows between labels and rescore (the Ion Switching threshold search).
 */
export function macroF1FromCounts(tp: ArrayLike<number>, trueCount: ArrayLike<number>, predCount: ArrayLike<number>): number {
  return pairwiseMean(f1OfCounts(tp, trueCount, predCount).f1);
}
