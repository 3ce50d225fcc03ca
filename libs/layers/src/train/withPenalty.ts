/**
 * A loss plus an extra term, e.g. TabNet's sparsity regulariser
 * (lambda_sparse * M_loss). The penalty is evaluated inside the same gradient
 * tape as the loss, so it must be computed from tensors produced during this
 * forward pass (a model that stores its M_loss while `call`-ing exposes it to
 * `penalty`).
 */
import { tf } from '../backend';
import { checkFinite } from './check';
import { LossFn } from './loss';

export interface WithPenaltyOptions {
  /** Multiplier on the penalty. @default 1 */
  weight?: number;
}

export function withPenalty(loss: LossFn, penalty: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar, options: WithPenaltyOptions = {}): LossFn {
  if (typeof loss !== 'function') throw new TypeError(`withPenalty: loss: expected a function (yTrue, yPred) => scalar, received ${typeof loss}`);
  if (typeof penalty !== 'function') throw new TypeError(`withPenalty: penalty: expected a function (yTrue, yPred) => scalar, received ${typeof penalty}`);
  const weight = checkFinite('withPenalty', 'weight', options.weight ?? 1);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const p = penalty(yTrue, yPred);
      if (p.rank !== 0) throw new RangeError(`withPenalty: penalty: expected a scalar, received shape [${p.shape}]`);
      return tf.add(loss(yTrue, yPred), weight === 1 ? p : tf.mul(p, weight)) as tf.Scalar;
    });
}
