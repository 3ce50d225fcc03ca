/**
 * Gated linear unit on the last axis (Dauphin et al., 2017; torch.nn.GLU(dim=-1)):
 * the last axis (even length 2n) is split into halves a, b and the output is
 * a * sigmoid(b), length n. TabNet's GLU layers apply it after fc + ghost BN.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { fail, oneShape, oneTensor } from './util';

/** a * sigmoid(b) for x = [a | b] split in halves along the last axis. */
export function gatedLinearUnit(x: tf.Tensor): tf.Tensor {
  if (!(x instanceof tf.Tensor)) fail('gatedLinearUnit', 'x', 'a tf.Tensor', x);
  const d = x.shape[x.rank - 1];
  if (x.rank < 1 || d % 2 !== 0) fail('gatedLinearUnit', 'x', 'an even-length last axis', `shape [${x.shape}]`);
  return tf.tidy(() => {
    const [a, b] = tf.split(x, 2, -1);
    return tf.mul(a, tf.sigmoid(b));
  });
}

/** No options beyond the usual layer ones (name, trainable, inputShape, ...). */
export type GluLayerArgs = LayerArgs;

/** Layer form of {@link gatedLinearUnit}: [..., 2n] -> [..., n]. No weights. */
export class Glu extends tf.layers.Layer {
  static className = 'ReproGlu';

  constructor(args: GluLayerArgs = {}) {
    super(args ?? {});
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape('Glu', inputShape);
    const d = s[s.length - 1];
    if (d !== null && d % 2 !== 0) fail('Glu', 'input shape', 'an even last dimension', `[${s}]`);
    return [...s.slice(0, -1), d === null ? null : d / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => gatedLinearUnit(oneTensor('Glu', inputs)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(Glu);

/** Creates a {@link Glu} layer. */
export function glu(args: GluLayerArgs = {}): Glu {
  return new Glu(args);
}
