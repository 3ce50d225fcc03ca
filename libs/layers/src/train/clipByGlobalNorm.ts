/**
 * Gradient clipping by global norm, as tf.clip_by_global_norm (and Keras'
 * `global_clipnorm`): every gradient is scaled by clipNorm / max(norm, clipNorm),
 * where norm is the L2 norm of all gradients together, so the direction of the
 * update is kept.
 */
import { tf } from '../backend';
import { addMany } from './addMany';
import { checkPositive } from './check';

export interface ClippedGradients {
  /** New tensors (the inputs are not disposed). */
  grads: tf.NamedTensorMap;
}

export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length ? addMany(squares) : tf.scalar(0)) as tf.Scalar;
  });
}

export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): ClippedGradients {
  checkPositive('clipByGlobalNorm', 'clipNorm', clipNorm);
  // The scale stays on the backend: reading the norm back would stall the step (and webgpu in
  // Node has no synchronous read). Under the clip norm the scale is exactly 1.
  const scale = tf.tidy(() => tf.div(clipNorm, tf.maximum(globalNorm(grads), clipNorm)));
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale);
  scale.dispose();
  return { grads: out };
}
