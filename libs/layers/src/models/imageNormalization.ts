/**
 * Keras' `Normalization(axis=-1)` layer as EfficientNet's preprocessing uses
 * it: (x - mean) / max(sqrt(variance), 1e-7) per channel, with non-trainable
 * `mean`, `variance` and `count` weights. It exists so that a model built with
 * Keras' preprocessing has Keras' parameter count (its 7 weights for RGB are
 * part of the 5,330,571 of B0) and loads the file's ImageNet statistics by name.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';

export type ImageNormalizationArgs = LayerArgs;

/** Per-channel standardization over the last axis with stored statistics. */
export class ImageNormalization extends tf.layers.Layer {
  static className = 'ReproImageNormalization';
  private mean?: tf.LayerVariable;
  private variance?: tf.LayerVariable;

  constructor(args: ImageNormalizationArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1];
    if (c === null) throw new Error(`ImageNormalization: the last axis must be known, received shape ${JSON.stringify(shape)}`);
    // Identity until a weight file brings statistics (Keras' un-adapted state).
    this.mean = this.addWeight('mean', [c], 'float32', tf.initializers.zeros(), undefined, false);
    this.variance = this.addWeight('variance', [c], 'float32', tf.initializers.ones(), undefined, false);
    // Keras keeps the number of samples adapted on; unused at call time.
    this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.div(tf.sub(x, this.mean!.read()), tf.maximum(tf.sqrt(this.variance!.read()), 1e-7)));
  }
}
tf.serialization.registerClass(ImageNormalization);

/** Creates an {@link ImageNormalization} layer. */
export function imageNormalization(args: ImageNormalizationArgs = {}): ImageNormalization {
  return new ImageNormalization(args);
}
