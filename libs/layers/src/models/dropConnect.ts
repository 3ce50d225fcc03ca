/**
 * Drop-connect (stochastic depth) as EfficientNet uses it: in training, the
 * whole residual branch of a sample is zeroed with probability `rate` and the
 * kept ones scaled by 1/(1-rate) — Keras' `Dropout(rate, noise_shape=(None, 1,
 * 1, 1))`. tfjs' Dropout needs a concrete noiseShape (no null batch), hence
 * this layer. Identity at inference.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { tf } from '../backend';

export interface DropConnectArgs extends LayerArgs {
  /** Probability of dropping a sample's branch, in [0, 1). */
  rate: number;
  /** Seed of the first mask; later masks use seed+1, seed+2, ... Default: unseeded. */
  seed?: number;
}

/** Drops whole samples of a residual branch during training (stochastic depth). */
export class DropConnect extends tf.layers.Layer {
  static className = 'ReproDropConnect';
  readonly rate: number;
  readonly seed?: number;
  private calls = 0;

  constructor(args: DropConnectArgs) {
    super(args);
    if (!args || typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`DropConnect: rate must be a number in [0, 1), received ${JSON.stringify(args?.rate)}`);
    }
    if (args.seed !== undefined && !Number.isInteger(args.seed)) {
      throw new Error(`DropConnect: seed must be an integer, received ${JSON.stringify(args.seed)}`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs?.training || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const maskShape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      // A fixed seed would draw the same mask every step: advance it per call.
      const seed = this.seed === undefined ? undefined : this.seed + this.calls++;
      const mask = tf.floor(tf.add(tf.randomUniform(maskShape, 0, 1, 'float32', seed), keep));
      return tf.mul(x, tf.div(mask, keep));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(DropConnect);

/** Creates a {@link DropConnect} layer. */
export function dropConnect(args: DropConnectArgs): DropConnect {
  return new DropConnect(args);
}
