import type { LogLossOptions } from './logLossOptions';
import { pairwiseMean } from './pairwiseSum';
import { perColumnLogLossFor } from './perColumnLogLoss';

/**
 * The MoA metric: predictions clipped to [1e-15, 1 - 1e-15], mean binary log loss of each
 * column, then the mean over columns (every column weighs the same, however rare its positives).
 *
 * `yTrue` and `yPred` are flat row-major `rows x nCols` arrays; `yTrue` holds 0/1 targets (soft
 * targets in [0, 1] also work), `yPred` probabilities in [0, 1].
 */
export function columnwiseLogLoss(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nCols: number, options: LogLossOptions = {}): number {
  return pairwiseMean(perColumnLogLossFor('columnwiseLogLoss', yTrue, yPred, nCols, options));
}
