/**
 * Binary cross-entropy with Keras' label smoothing, y' = y * (1 - s) + 0.5 * s.
 *
 * - On probabilities (default), as tf.keras >= 2.3 `backend.binary_crossentropy`:
 *   p = clip(p, eps, 1 - eps); -(y' log(p + eps) + (1 - y') log(1 - p + eps)).
 * - With `fromLogits`, the stable sigmoid form max(x, 0) - x y' + log(1 + exp(-|x|))
 *   (tf.nn.sigmoid_cross_entropy_with_logits, torch BCEWithLogits).
 * Mean over the last axis, then over the batch (= the mean over all elements).
 *
 * The MoA seed 004's SmoothBCEwLogits is the same formula (targets * (1 - s) +
 * 0.5 * s, then F.binary_cross_entropy_with_logits with mean reduction):
 * `smoothBceWithLogits(s)` below, checked against torch in the fixture.
 */
import { tf } from '../backend';
import { checkNonNegative, checkRange } from './check';
import { KERAS_EPSILON, LossFn, checkSameShape } from './loss';

export interface BinaryCrossentropyOptions {
  /** s in y * (1 - s) + 0.5 * s. @default 0 */
  labelSmoothing?: number;
  /** yPred are logits rather than probabilities. @default false */
  fromLogits?: boolean;
  /** Clipping epsilon (probabilities only). @default 1e-7 */
  epsilon?: number;
}

export function binaryCrossentropy(options: BinaryCrossentropyOptions = {}): LossFn {
  const s = checkRange('binaryCrossentropy', 'labelSmoothing', options.labelSmoothing ?? 0, 0, 1, true);
  const eps = checkNonNegative('binaryCrossentropy', 'epsilon', options.epsilon ?? KERAS_EPSILON);
  const fromLogits = options.fromLogits ?? false;
  return (yTrue, yPred) =>
    tf.tidy(() => {
      checkSameShape('binaryCrossentropy', yTrue, yPred);
      const y = s > 0 ? tf.add(tf.mul(yTrue, 1 - s), 0.5 * s) : tf.cast(yTrue, 'float32');
      let elem: tf.Tensor;
      if (fromLogits) {
        const x = yPred;
        elem = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
      } else {
        const p = tf.clipByValue(yPred, eps, 1 - eps);
        const pos = tf.mul(y, tf.log(tf.add(p, eps)));
        const neg = tf.mul(tf.sub(1, y), tf.log(tf.add(tf.sub(1, p), eps)));
        elem = tf.neg(tf.add(pos, neg));
      }
      return tf.mean(tf.mean(elem, -1));
    });
}

/** MoA seed 004's SmoothBCEwLogits: binaryCrossentropy({labelSmoothing, fromLogits: true}). */
export function smoothBceWithLogits(labelSmoothing: number): LossFn {
  return binaryCrossentropy({ labelSmoothing, fromLogits: true });
}
