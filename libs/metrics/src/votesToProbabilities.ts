import { checkPositiveInteger, rowCount } from './inputChecks';

/**
 * Expert vote counts to target probabilities (HMS): each row divided by its total, as the
 * competition's targets are built (`votes / votes.sum(axis=1)`).
 *
 * `votes` is flat row-major `rows x nClasses`. Counts must be finite and non-negative; a row with
 * no votes has no distribution and is an error naming the row (0-based).
 */
export function votesToProbabilities(votes: ArrayLike<number>, nClasses = 6): Float64Array {
  const fn = 'votesToProbabilities';
  checkPositiveInteger(fn, 'nClasses', nClasses);
  if (votes.length === 0) throw new RangeError(`${fn}: votes is empty (expected at least one row)`);
  const rows = rowCount(fn, 'votes', votes, nClasses);
  const out = new Float64Array(votes.length);
  for (let r = 0; r < rows; r++) {
    const o = r * nClasses;
    let total = 0;
    for (let c = 0; c < nClasses; c++) {
      const v = votes[o + c];
      if (!(v >= 0 && v < Infinity)) {
        throw new RangeError(`${fn}: votes row ${r} column ${c} is ${v} (expected a finite count >= 0)`);
      }
      total += v;
    }
    if (total === 0) throw new RangeError(`${fn}: votes row ${r} has no votes (expected a total > 0)`);
    for (let c = 0; c < nClasses; c++) out[o + c] = votes[o + c] / total;
  }
  return out;
}
