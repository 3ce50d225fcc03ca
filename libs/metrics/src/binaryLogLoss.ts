import type { LogLossOptions } from './logLossOptions';
import { perColumnLogLossFor } from './perColumnLogLoss';

/**
 * Mean binary log loss of one column, like sklearn's `log_loss(y_true, y_pred, eps=1e-15, labels=[0, 1])`.
 * `yTrue` values are in [0, 1] (0/1 labels, or soft targets); `yPred` are probabilities in [0, 1].
 */
export function binaryLogLoss(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: LogLossOptions = {}): number {
  return perColumnLogLossFor('binaryLogLoss', yTrue, yPred, 1, options)[0];
}
