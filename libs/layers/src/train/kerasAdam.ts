/**
 * Adam as Keras 2 / tf.keras (2.x) implement it, including the legacy `decay`
 * argument that the MoA seed uses (`Adam(1e-4, decay=1e-4)`):
 *
 *   lr_t = lr / (1 + decay * iterations)             (iterations before this step)
 *   t    = iterations + 1
 *   lr_t = lr_t * sqrt(1 - b2^t) / (1 - b1^t)
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   w <- w - lr_t * m / (sqrt(v) + eps)              eps NOT bias-corrected (Keras' "epsilon hat")
 *
 * tfjs's own Adam has no decay and puts eps after the bias correction, so it
 * drifts from Keras when v is tiny; this class follows Keras.
 */
import { tf } from '../backend';
import { AdamBase, AdamBaseOptions, AdamRule } from './adamBase';
import { checkNonNegative } from './check';

export interface KerasAdamOptions extends AdamBaseOptions {
  /** Inverse-time decay per optimizer step: lr / (1 + decay * iterations). @default 0 */
  decay?: number;
}

export class KerasAdam extends AdamBase {
  /** Inverse-time decay of the learning rate per step (see decayedLearningRate). */
  readonly decay: number;

  /** @nocollapse Not 'Adam': that name is tfjs's own Adam in the serialization registry. */
  static get className(): string {
    return 'KerasAdam';
  }

  constructor(options: KerasAdamOptions = {}) {
    super('KerasAdam', options, 1e-7);
    this.decay = checkNonNegative('KerasAdam', 'decay', options.decay ?? 0);
  }

  /** The step size the next update will use before bias correction: lr / (1 + decay * iterations). */
  decayedLearningRate(): number {
    return this.learningRate / (1 + this.decay * this.iterations);
  }

  protected rule(t: number): AdamRule {
    const lrT = (this.decayedLearningRate() * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    return (value, m, v) => tf.sub(value, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), lrT));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.adamConfig(), decay: this.decay };
  }
}
tf.serialization.registerClass(KerasAdam);

/** `new KerasAdam(options)`; e.g. the MoA seed's `kerasAdam({learningRate: 1e-4, decay: 1e-4})`. */
export function kerasAdam(options: KerasAdamOptions = {}): KerasAdam {
  return new KerasAdam(options);
}
