/**
 * Kullback-Leibler divergence, two flavours:
 *
 * - `klDivergence()`: Keras `KLDivergence` on probabilities: both clipped to
 *   [eps, 1], sum(y * log(y / p)) over the last axis, mean over the batch.
 * - `klDivWithLogits()`: PyTorch `KLDivLoss(reduction='batchmean')` applied to
 *   `log_softmax(logits)` against target probabilities (the HMS recipe):
 *   sum over all elements of t * (log t - logSoftmax(x)), divided by the batch
 *   size, with 0 * log 0 = 0 (torch uses xlogy).
 */
import { tf } from '../backend';
import { checkNonNegative } from './check';
import { KERAS_EPSILON, LossFn, checkSameShape } from './loss';

export interface KlDivergenceOptions {
  /** Clipping epsilon. @default 1e-7 */
  epsilon?: number;
}

export function klDivergence(options: KlDivergenceOptions = {}): LossFn {
  const eps = checkNonNegative('klDivergence', 'epsilon', options.epsilon ?? KERAS_EPSILON);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      checkSameShape('klDivergence', yTrue, yPred);
      const y = tf.clipByValue(yTrue, eps, 1);
      const p = tf.clipByValue(yPred, eps, 1);
      return tf.mean(tf.sum(tf.mul(y, tf.log(tf.div(y, p))), -1));
    });
}

/** Smallest target treated as non-zero in xlogy; below float32's normal range anyway. */
const TINY = 1e-30;

export function klDivWithLogits(): LossFn {
  return (yTrue, logits) =>
    tf.tidy(() => {
      checkSameShape('klDivWithLogits', yTrue, logits);
      const logp = tf.logSoftmax(logits, -1);
      // xlogy(t, t): t * log(max(t, tiny)) is exactly 0 where t == 0, and never NaN.
      const tLogT = tf.mul(yTrue, tf.log(tf.maximum(yTrue, TINY)));
      const batch = logits.shape[0] ?? 1;
      return tf.div(tf.sum(tf.sub(tLogT, tf.mul(yTrue, logp))), batch);
    });
}
