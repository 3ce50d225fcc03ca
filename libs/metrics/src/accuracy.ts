import { checkIntegerLabels, checkSameLength } from './inputChecks';

/** Fraction of exact matches, like sklearn's `accuracy_score(y_true, y_pred)`. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const fn = 'accuracy';
  checkSameLength(fn, 'yTrue', yTrue, 'yPred', yPred);
  checkIntegerLabels(fn, 'yTrue', yTrue);
  checkIntegerLabels(fn, 'yPred', yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}
