/**
 * Categorical cross-entropy on probabilities, as Keras (tf.keras 2.x):
 * predictions are renormalised to sum to 1, clipped to [eps, 1 - eps], and the
 * per-sample loss is -sum(yTrue * log(yPred)). With `classWeights`, each sample
 * is weighted by the weight of its argmax class, and the weighted losses are
 * divided by the batch size (Keras' class_weight + SUM_OVER_BATCH_SIZE), not
 * by the sum of the weights.
 */
import { tf } from '../backend';
import { checkNonNegative, fail } from './check';
import { KERAS_EPSILON, LossFn, checkSameShape } from './loss';

export interface CategoricalCrossentropyOptions {
  /** One weight per class (last axis). @default none (all 1) */
  classWeights?: number[];
  /** Clipping epsilon. @default 1e-7 */
  epsilon?: number;
}

export function categoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): LossFn {
  const eps = checkNonNegative('categoricalCrossentropy', 'epsilon', options.epsilon ?? KERAS_EPSILON);
  const cw = options.classWeights;
  if (cw !== undefined) {
    if (!Array.isArray(cw) || cw.length === 0) fail('categoricalCrossentropy', 'classWeights', 'a non-empty array', cw);
    cw.forEach((v, i) => checkNonNegative('categoricalCrossentropy', `classWeights[${i}]`, v));
  }
  const loss: LossFn = (yTrue, yPred) =>
    tf.tidy(() => {
      checkSameShape('categoricalCrossentropy', yTrue, yPred);
      const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), eps, 1 - eps);
      const perSample = tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
      if (!cw) return tf.mean(perSample);
      const classes = yTrue.shape[yTrue.shape.length - 1];
      if (classes !== cw.length) fail('categoricalCrossentropy', 'classWeights.length', `${classes} (classes in yTrue)`, cw.length);
      const w = tf.gather(tf.tensor1d(cw), tf.argMax(yTrue, -1));
      return tf.div(tf.sum(tf.mul(perSample, w)), perSample.size);
    });
  return loss;
}
