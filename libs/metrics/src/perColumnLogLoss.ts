import { checkPositiveInteger, checkSameLength, checkUnitInterval, rowCount } from './inputChecks';
import { LOG_LOSS_EPSILON, type LogLossOptions } from './logLossOptions';
import { pairwiseMean } from './pairwiseSum';

/**
 * Binary log loss of each column of a flat row-major `rows x nCols` pair: entry `j` is the
 * binary log loss of column `j`. Useful to see which MoA targets dominate the score.
 */
export function perColumnLogLoss(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nCols: number, options: LogLossOptions = {}): Float64Array {
  return perColumnLogLossFor('perColumnLogLoss', yTrue, yPred, nCols, options);
}

/** {@link perColumnLogLoss}, with errors attributed to `fn` (the public function the caller called). */
export function perColumnLogLossFor(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nCols: number, options: LogLossOptions): Float64Array {
  const eps = options.epsilon ?? LOG_LOSS_EPSILON;
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`${fn}: options.epsilon is ${eps} (expected a number in [0, 0.5))`);
  checkPositiveInteger(fn, 'nCols', nCols);
  checkSameLength(fn, 'yTrue', yTrue, 'yPred', yPred);
  const rows = rowCount(fn, 'yTrue', yTrue, nCols);
  const at = nCols === 1 ? (i: number) => `[${i}]` : (i: number) => ` row ${Math.floor(i / nCols)} column ${i % nCols}`;
  checkUnitInterval(fn, 'yTrue', yTrue, at);
  // Out-of-range predictions are refused rather than clipped: they are logits or a bug, not probabilities.
  checkUnitInterval(fn, 'yPred', yPred, at);

  const hi = 1 - eps;
  const out = new Float64Array(nCols);
  const losses = new Float64Array(rows);
  for (let j = 0; j < nCols; j++) {
    for (let r = 0; r < rows; r++) {
      const i = r * nCols + j;
      losses[r] = sampleLogLoss(yTrue[i], Math.min(Math.max(yPred[i], eps), hi));
    }
    // Per-sample losses first, then numpy's summation order: the same steps as sklearn's log_loss.
    out[j] = pairwiseMean(losses);
  }
  return out;
}

/** Log loss of one sample, `p` already clipped. Zero-weight terms are skipped, as xlogy does, so 0 * log(0) is never NaN. */
function sampleLogLoss(y: number, p: number): number {
  let sum = 0;
  if (y !== 0) sum += y * Math.log(p);
  if (y !== 1) sum += (1 - y) * Math.log(1 - p);
  return -sum;
}
