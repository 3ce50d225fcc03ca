/**
 * Keras `Dropout(rate)` whose masks are seeded and change every step. tfjs' own Dropout layer
 * passes its fixed `seed` to every `tf.dropout` call, and a fixed seed draws the same mask each
 * time, so a seeded tfjs Dropout drops the same units on every batch (a fixed sub-network, not
 * dropout); unseeded it is random but not reproducible. Here mask k uses seed + k: a run with the
 * same seed repeats exactly. Identity at inference. {@link DropConnect} is this with one mask value
 * per sample.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { tf } from '../backend';

export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of the units dropped, in [0, 1). */
  rate: number;
  /** Seed of the first mask; later masks use seed+1, seed+2, ... Default: unseeded. */
  seed?: number;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'ReproSeededDropout';
  readonly rate: number;
  readonly seed?: number;
  /** Masks drawn so far (trainModel checkpoints it: a resumed run draws the masks an uninterrupted one would). */
  maskCalls = 0;

  /** @param owner the name error messages start with (a subclass passes its own) */
  constructor(args: SeededDropoutArgs, owner = 'SeededDropout') {
    super(args);
    if (!args || typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`${owner}: rate must be a number in [0, 1), received ${JSON.stringify(args?.rate)}`);
    }
    if (args.seed !== undefined && !Number.isInteger(args.seed)) {
      throw new Error(`${owner}: seed must be an integer, received ${JSON.stringify(args.seed)}`);
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
    return tf.tidy(() => tf.dropout(x, this.rate, this.noiseShape(x), this.nextSeed()));
  }

  /** Shape of the mask, broadcast over x (undefined: x's own shape, one value per unit). */
  protected noiseShape(_x: tf.Tensor): number[] | undefined {
    return undefined;
  }

  /** The seed of the next mask (undefined when unseeded). */
  nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : this.seed + this.maskCalls++;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(SeededDropout);

/** Creates a {@link SeededDropout} layer. */
export function seededDropout(args: SeededDropoutArgs): SeededDropout {
  return new SeededDropout(args);
}
