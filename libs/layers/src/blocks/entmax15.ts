/**
 * 1.5-entmax (Peters, Niculae & Martins, 2019) along the last axis:
 * y = max(x/2 - tau, 0)^2 with tau such that sum(y) = 1 -- between softmax
 * and sparsemax: sums to 1, sparse, smoother than sparsemax. Forward as
 * pytorch-tabnet's `Entmax15Function` (exact sort-based threshold); gradient
 * by the closed-form Jacobian-vector product (tf.customGrad):
 *   dx = s * dy - s * sum(s * dy) / sum(s),  s = sqrt(y).
 */
import { tf } from '../backend';
import { checkMaskInput, sortedWithRanks } from './sparsemax';

function entmax15Forward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(x, tf.max(x, -1, true)), 2);
    const { sorted, rho } = sortedWithRanks(z);
    const axis = z.rank - 1;
    const mean = tf.div(tf.cumsum(sorted, axis), rho);
    const meanSq = tf.div(tf.cumsum(tf.square(sorted), axis), rho);
    const ss = tf.mul(rho, tf.sub(meanSq, tf.square(mean)));
    const delta = tf.div(tf.sub(1, ss), rho);
    const tau = tf.sub(mean, tf.sqrt(tf.relu(delta)));
    const k = tf.sum(tf.cast(tf.lessEqual(tau, sorted), 'float32'), -1, true);
    // tau at position k (1-based): select it with a one-hot mask over the ranks.
    const tauStar = tf.sum(tf.mul(tau, tf.cast(tf.equal(rho, k), 'float32')), -1, true);
    return tf.square(tf.relu(tf.sub(z, tauStar)));
  });
}

const entmax15Grad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = entmax15Forward(x);
  save([y]);
  return {
    value: y,
    gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) => {
      const s = tf.sqrt(saved[0]);
      const dx = tf.mul(g, s);
      const q = tf.div(tf.sum(dx, -1, true), tf.sum(s, -1, true));
      return tf.sub(dx, tf.mul(q, s));
    },
  };
});

/** 1.5-entmax over the last axis of `x` (any rank >= 1); differentiable. */
export function entmax15(x: tf.Tensor): tf.Tensor {
  const xf = checkMaskInput('entmax15', x);
  return entmax15Grad(xf);
}
