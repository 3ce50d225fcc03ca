/**
 * AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW (torch 1.13, amsgrad off):
 *
 *   w  <- w * (1 - lr * weightDecay)          decoupled decay, before the Adam step
 *   m  <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
 *   w  <- w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *
 * Note where eps sits: added after the bias correction of sqrt(v) (unlike
 * Keras, which adds an uncorrected eps). Bias corrections are computed in
 * float64 on the host from the step count, as PyTorch does.
 */
import { tf } from '../backend';
import { AdamBase, AdamBaseOptions, AdamRule } from './adamBase';
import { checkNonNegative } from './check';

export interface AdamWOptions extends AdamBaseOptions {
  /** Decoupled weight decay (multiplied by the learning rate, as PyTorch). @default 1e-2 */
  weightDecay?: number;
}

export class AdamW extends AdamBase {
  /** @nocollapse */
  static get className(): string {
    return 'AdamW';
  }

  readonly weightDecay: number;

  constructor(options: AdamWOptions = {}) {
    super('AdamW', options, 1e-8);
    this.weightDecay = checkNonNegative('AdamW', 'weightDecay', options.weightDecay ?? 1e-2);
  }

  protected rule(t: number): AdamRule {
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    const keep = 1 - this.learningRate * this.weightDecay;
    return (value, m, v) => {
      const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.epsilon);
      return tf.sub(tf.mul(value, keep), tf.mul(tf.div(m, denom), stepSize));
    };
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.adamConfig(), weightDecay: this.weightDecay };
  }
}
tf.serialization.registerClass(AdamW);

/** `new AdamW(options)`, in the style of tf.train.adam(). */
export function adamW(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
