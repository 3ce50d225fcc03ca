/**
 * Drop-connect (stochastic depth) as EfficientNet uses it: in training, the
 * whole residual branch of a sample is zeroed with probability `rate` and the
 * kept ones scaled by 1/(1-rate) — Keras' `Dropout(rate, noise_shape=(None, 1,
 * 1, 1))`. tfjs' Dropout needs a concrete noiseShape (no null batch), hence
 * this layer. Identity at inference.
 */
import { tf } from '../backend';
import { SeededDropout, type SeededDropoutArgs } from './seededDropout';

export interface DropConnectArgs extends SeededDropoutArgs {
  /** Probability of dropping a sample's branch, in [0, 1). */
  rate: number;
  /** Seed of the first mask; later masks use seed+1, seed+2, ... Default: unseeded. */
  seed?: number;
}

/** Drops whole samples of a residual branch during training (stochastic depth). */
export class DropConnect extends SeededDropout {
  static override className = 'ReproDropConnect';

  constructor(args: DropConnectArgs) {
    super(args, 'DropConnect');
  }

  /** One mask value per sample: [batch, 1, 1, ...]. */
  protected override noiseShape(x: tf.Tensor): number[] {
    return [x.shape[0], ...x.shape.slice(1).map(() => 1)];
  }
}
tf.serialization.registerClass(DropConnect);

/** Creates a {@link DropConnect} layer. */
export function dropConnect(args: DropConnectArgs): DropConnect {
  return new DropConnect(args);
}
