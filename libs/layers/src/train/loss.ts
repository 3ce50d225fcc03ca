import { tf } from '../backend';

/**
 * A loss: `(yTrue, yPred) => scalar`, mean over the batch. The same function
 * works in `model.compile({loss})` and in trainModel's custom loop.
 */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** Keras' backend epsilon, used for clipping probabilities. */
export const KERAS_EPSILON = 1e-7;

export function checkSameShape(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  const a = yTrue.shape;
  const b = yPred.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new RangeError(`${where}: yTrue/yPred: expected equal shapes, received [${a}] vs [${b}]`);
  }
}
