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
import { checkNonNegative, checkRange } from './check';
import { NamedTensor, Slot, VariableGradients, disposeSlots, ensureSlot, gradientAt, gradientNames, slotWeights, slotsFrom, variableNamed } from './optimizerSlots';

export interface AdamWOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** Decoupled weight decay (multiplied by the learning rate, as PyTorch). @default 1e-2 */
  weightDecay?: number;
}

export class AdamW extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'AdamW';
  }

  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private m: Slot[] = [];
  private v: Slot[] = [];

  constructor(options: AdamWOptions = {}) {
    super();
    const w = 'AdamW';
    this.learningRate = checkNonNegative(w, 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = checkRange(w, 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkRange(w, 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = checkNonNegative(w, 'epsilon', options.epsilon ?? 1e-8);
    this.weightDecay = checkNonNegative(w, 'weightDecay', options.weightDecay ?? 1e-2);
  }

  setLearningRate(lr: number): void {
    this.learningRate = checkNonNegative('AdamW.setLearningRate', 'lr', lr);
  }

  applyGradients(variableGradients: VariableGradients): void {
    const names = gradientNames(variableGradients);
    const t = this.iterations + 1;
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    const keep = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variableNamed(name);
        const m = ensureSlot(this.m, i, name, 'm', value);
        const v = ensureSlot(this.v, i, name, 'v', value);
        const g = gradientAt(variableGradients, name, i);
        if (g == null) return; // PyTorch skips parameters without a gradient, decay included
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        const denom = tf.add(tf.div(tf.sqrt(newV), bc2Sqrt), this.epsilon);
        value.assign(tf.sub(tf.mul(value, keep), tf.mul(tf.div(newM, denom), stepSize)));
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
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as AdamWOptions);
  }
}
tf.serialization.registerClass(AdamW);

/** `new AdamW(options)`, in the style of tf.train.adam(). */
export function adamW(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
