/**
 * sparsemax (Martins & Astudillo, 2016) along the last axis: the Euclidean
 * projection of x onto the probability simplex, y = max(x - tau, 0) with
 * tau chosen so that sum(y) = 1. Outputs sum to 1 and are exactly 0 outside
 * the support. Forward as pytorch-tabnet's `Sparsemax` (sort, cumsum, support
 * size k = #{j : 1 + j z_(j) > sum_{i<=j} z_(i)}); the gradient is the
 * closed-form Jacobian-vector product (tf.customGrad):
 *   dx = s * (dy - sum(dy * s) / sum(s)),  s = 1[y > 0].
 * Only ops every backend has (topk, cumsum, elementwise, sums), so it trains
 * on cpu, wasm and webgl alike.
 */
import { tf } from '../backend';
import { fail } from './util';

/** Descending sort of the last axis, and ranks 1..n broadcastable against it. */
export function sortedWithRanks(z: tf.Tensor): { sorted: tf.Tensor; rho: tf.Tensor } {
  const n = z.shape[z.rank - 1];
  const sorted = tf.topk(z, n, true).values;
  const rho = tf.range(1, n + 1, 1, 'float32');
  return { sorted, rho };
}

function checkInput(where: string, x: tf.Tensor): tf.Tensor {
  if (!(x instanceof tf.Tensor)) fail(where, 'x', 'a tf.Tensor', x);
  if (x.rank < 1) fail(where, 'x', 'a tensor of rank >= 1', `shape [${x.shape}]`);
  if (x.shape[x.rank - 1] < 1) fail(where, 'x', 'a non-empty last axis', `shape [${x.shape}]`);
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

function sparsemaxForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.sub(x, tf.max(x, -1, true));
    const { sorted, rho } = sortedWithRanks(z);
    const cs = tf.cumsum(sorted, z.rank - 1);
    const support = tf.cast(tf.greater(tf.mul(rho, sorted), tf.sub(cs, 1)), 'float32');
    const k = tf.sum(support, -1, true);
    const tau = tf.div(tf.sub(tf.sum(tf.mul(sorted, support), -1, true), 1), k);
    return tf.relu(tf.sub(z, tau));
  });
}

const sparsemaxGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = sparsemaxForward(x);
  save([y]);
  return {
    value: y,
    gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) => {
      const s = tf.cast(tf.greater(saved[0], 0), 'float32');
      const vHat = tf.div(tf.sum(tf.mul(g, s), -1, true), tf.sum(s, -1, true));
      return tf.mul(s, tf.sub(g, vHat));
    },
  };
});

/** sparsemax over the last axis of `x` (any rank >= 1); differentiable. */
export function sparsemax(x: tf.Tensor): tf.Tensor {
  const xf = checkInput('sparsemax', x);
  return sparsemaxGrad(xf);
}

export { checkInput as checkMaskInput };
