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
import { checkNonNegative, checkRange } from './check';
import { NamedTensor, Slot, VariableGradients, disposeSlots, ensureSlot, gradientAt, gradientNames, slotWeights, slotsFrom, variableNamed } from './optimizerSlots';

export interface KerasAdamOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** Keras' backend epsilon. @default 1e-7 */
  epsilon?: number;
  /** Inverse-time decay per optimizer step: lr / (1 + decay * iterations). @default 0 */
  decay?: number;
}

export class KerasAdam extends tf.Optimizer {
  /** @nocollapse Not 'Adam': that name is tfjs's own Adam in the serialization registry. */
  static get className(): string {
    return 'KerasAdam';
  }

  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly decay: number;
  private m: Slot[] = [];
  private v: Slot[] = [];

  constructor(options: KerasAdamOptions = {}) {
    super();
    const w = 'KerasAdam';
    this.learningRate = checkNonNegative(w, 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = checkRange(w, 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkRange(w, 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = checkNonNegative(w, 'epsilon', options.epsilon ?? 1e-7);
    this.decay = checkNonNegative(w, 'decay', options.decay ?? 0);
  }

  setLearningRate(lr: number): void {
    this.learningRate = checkNonNegative('KerasAdam.setLearningRate', 'lr', lr);
  }

  /** The step size the next update will use before bias correction: lr / (1 + decay * iterations). */
  decayedLearningRate(): number {
    return this.learningRate / (1 + this.decay * this.iterations);
  }

  applyGradients(variableGradients: VariableGradients): void {
    const names = gradientNames(variableGradients);
    const t = this.iterations + 1;
    const lrT = (this.decayedLearningRate() * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variableNamed(name);
        const m = ensureSlot(this.m, i, name, 'm', value);
        const v = ensureSlot(this.v, i, name, 'v', value);
        const g = gradientAt(variableGradients, name, i);
        if (g == null) return;
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        value.assign(tf.sub(value, tf.mul(tf.div(newM, tf.add(tf.sqrt(newV), this.epsilon)), lrT)));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    disposeSlots(this.m);
    disposeSlots(this.v);
    this.m = [];
    this.v = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...slotWeights(this.m), ...slotWeights(this.v)];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const half = rest.length / 2;
    this.dispose();
    this.m = slotsFrom(rest.slice(0, half));
    this.v = slotsFrom(rest.slice(half));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as KerasAdamOptions);
  }
}
tf.serialization.registerClass(KerasAdam);

/** `new KerasAdam(options)`; e.g. the MoA seed's `kerasAdam({learningRate: 1e-4, decay: 1e-4})`. */
export function kerasAdam(options: KerasAdamOptions = {}): KerasAdam {
  return new KerasAdam(options);
}
