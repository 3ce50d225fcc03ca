/**
 * What AdamW and KerasAdam share: the options and their checks, the moment
 * slots (m, v) and their save / restore, and the per-variable update loop
 *
 *   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;   w <- rule(w, m, v)
 *
 * Each subclass supplies the rule (where eps sits, decay, bias correction).
 */
import { tf } from '../backend';
import { checkNonNegative, checkRange } from './check';
import { NamedTensor, Slot, VariableGradients, disposeSlots, ensureSlot, gradientAt, gradientNames, slotWeights, slotsFrom, variableNamed } from './optimizerSlots';

export interface AdamBaseOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 in AdamW (PyTorch's), 1e-7 in KerasAdam (Keras' backend epsilon) */
  epsilon?: number;
}

/** A variable's new value from its value and its updated moments. */
export type AdamRule = (value: tf.Tensor, m: tf.Tensor, v: tf.Tensor) => tf.Tensor;

export abstract class AdamBase extends tf.Optimizer {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Names the optimizer in error messages. */
  private readonly owner: string;
  private m: Slot[] = [];
  private v: Slot[] = [];

  protected constructor(owner: string, options: AdamBaseOptions, defaultEpsilon: number) {
    super();
    this.owner = owner;
    this.learningRate = checkNonNegative(owner, 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = checkRange(owner, 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkRange(owner, 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = checkNonNegative(owner, 'epsilon', options.epsilon ?? defaultEpsilon);
  }

  setLearningRate(lr: number): void {
    this.learningRate = checkNonNegative(`${this.owner}.setLearningRate`, 'lr', lr);
  }

  /** The update rule of step t (1-based); host-side scalars are computed here, once per step. */
  protected abstract rule(t: number): AdamRule;

  applyGradients(variableGradients: VariableGradients): void {
    const names = gradientNames(variableGradients);
    const rule = this.rule(this.iterations + 1);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variableNamed(name);
        const m = ensureSlot(this.m, i, name, 'm', value);
        const v = ensureSlot(this.v, i, name, 'v', value);
        const g = gradientAt(variableGradients, name, i);
        if (g == null) return; // PyTorch and Keras skip parameters without a gradient (AdamW's decay included)
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        value.assign(rule(value, newM, newV));
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

  /** The options shared by every Adam, first in getConfig. */
  protected adamConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
