/**
 * Average over the width (time) axis only, keeping the height (frequency) rows:
 * [batch, h, w, c] -> [batch, h * c] (row-major: row 0's c channels, then row 1's, ...).
 *
 * For spectrogram images a global average pool also averages the frequency axis away, and a
 * from-scratch CNN then has to re-learn "which frequency band" from padding cues; keeping the
 * rows leaves that position to the classifier (audio-tagging CNNs pool the same way). Built from
 * mean and reshape, so it trains on every backend.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';

export class WidthAveragePooling2D extends tf.layers.Layer {
  static readonly className = 'WidthAveragePooling2D';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (s.length !== 4 || s[1] === null || s[3] === null) {
      throw new Error(`WidthAveragePooling2D: expected [batch, h, w, c] with known h and c, received ${JSON.stringify(s)}`);
    }
    return [s[0], (s[1] as number) * (s[3] as number)];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [b, h, , c] = x.shape;
      return tf.reshape(tf.mean(x, 2), [b, h * c]);
    });
  }
}
tf.serialization.registerClass(WidthAveragePooling2D);
