/**
 * Squeeze-and-excitation of EfficientNet's MBConv, with Keras' layer names
 * (`{prefix}se_squeeze`, `se_reshape`, `se_reduce`, `se_expand`, `se_excite`)
 * so Keras weight files map by name.
 */
import { tf } from '../backend';
import { conv2d, type InitializerSpec } from '../conv';

export interface SqueezeExciteArgs {
  /** Channels of the squeeze bottleneck (Keras: max(1, int(filtersIn * seRatio))). */
  reducedFilters: number;
  /** Layer-name prefix, e.g. 'block2a_'. */
  prefix: string;
  /**
   * Makes the kernel initializer of each conv; called once per conv so that a
   * seeded initializer gives every conv its own stream. Default: 'glorotUniform'.
   */
  kernelInitializer?: () => InitializerSpec;
}

/** x * sigmoid(W2 swish(W1 mean_hw(x))) on a [batch, h, w, c] tensor. */
export function squeezeExcite(x: tf.SymbolicTensor, args: SqueezeExciteArgs): tf.SymbolicTensor {
  const owner = 'squeezeExcite';
  if (x.shape.length !== 4 || x.shape[3] === null) {
    throw new Error(`${owner}: x must be [batch, h, w, c] with known c, received shape ${JSON.stringify(x.shape)}`);
  }
  if (!Number.isInteger(args.reducedFilters) || args.reducedFilters < 1) {
    throw new Error(`${owner}: reducedFilters must be a positive integer, received ${JSON.stringify(args.reducedFilters)}`);
  }
  const c = x.shape[3];
  const p = args.prefix;
  let s = tf.layers.globalAveragePooling2d({ name: `${p}se_squeeze` }).apply(x) as tf.SymbolicTensor;
  s = tf.layers.reshape({ targetShape: [1, 1, c], name: `${p}se_reshape` }).apply(s) as tf.SymbolicTensor;
  const init = args.kernelInitializer;
  s = conv2d({ filters: args.reducedFilters, kernelSize: 1, padding: 'same', activation: 'swish', kernelInitializer: init?.(), name: `${p}se_reduce` }).apply(
    s,
  ) as tf.SymbolicTensor;
  s = conv2d({ filters: c, kernelSize: 1, padding: 'same', activation: 'sigmoid', kernelInitializer: init?.(), name: `${p}se_expand` }).apply(
    s,
  ) as tf.SymbolicTensor;
  // Multiply broadcasts the [b, 1, 1, c] gate over h and w.
  return tf.layers.multiply({ name: `${p}se_excite` }).apply([x, s]) as tf.SymbolicTensor;
}
