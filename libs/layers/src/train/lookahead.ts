/**
 * Lookahead (Zhang et al. 2019), as tfa.optimizers.Lookahead: the inner
 * optimizer moves the "fast" weights; after every k-th step the "slow" weights
 * move a fraction alpha towards them and the fast weights are reset to the
 * slow ones. Slow weights start at the parameters' values before the first
 * step (tfa initialises the slot from the variable).
 */
import { tf } from '../backend';
import { checkInt, checkRange } from './check';
import { getLearningRate, setLearningRate } from './learningRate';
import { NamedTensor, Slot, VariableGradients, disposeSlots, gradientNames, slotWeights, slotsFrom, variableNamed } from './optimizerSlots';

export interface LookaheadOptions {
  /** Inner steps between synchronisations ("sync_period"). @default 5 */
  k?: number;
  /** Slow step size ("slow_step_size"). @default 0.5 */
  alpha?: number;
}

const INNER = 'inner/';

export class Lookahead extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'Lookahead';
  }

  readonly inner: tf.Optimizer;
  readonly k: number;
  readonly alpha: number;
  private slow: Slot[] = [];

  constructor(inner: tf.Optimizer, options: LookaheadOptions = {}) {
    super();
    if (!(inner instanceof tf.Optimizer)) {
      throw new TypeError(`Lookahead: inner: expected a tf.Optimizer, received ${typeof inner}`);
    }
    this.inner = inner;
    this.k = checkInt('Lookahead', 'k', options.k ?? 5, 1);
    this.alpha = checkRange('Lookahead', 'alpha', options.alpha ?? 0.5, 0, 1, true);
  }

  /** The inner optimizer's learning rate (schedules act on the inner optimizer). */
  get learningRate(): number {
    return getLearningRate(this.inner);
  }

  setLearningRate(lr: number): void {
    setLearningRate(this.inner, lr);
  }

  applyGradients(variableGradients: VariableGradients): void {
    const names = gradientNames(variableGradients);
    names.forEach((name, i) => {
      if (this.slow[i] == null) {
        const value = variableNamed(name);
        this.slow[i] = { originalName: `${name}/slow`, variable: tf.tidy(() => tf.clone(value).variable(false)) };
      }
    });
    this.inner.applyGradients(variableGradients);
    this.incrementIterations();
    if (this.iterations % this.k !== 0) return;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const fast = variableNamed(name);
        const slow = this.slow[i].variable;
        const next = tf.add(slow, tf.mul(tf.sub(fast, slow), this.alpha));
        slow.assign(next);
        fast.assign(next);
      });
    });
  }

  override dispose(): void {
    this.inner.dispose();
    disposeSlots(this.slow);
    this.slow = [];
  }

  /** [iterations, inner weights (named 'inner/...'), slow weights]. */
  override async getWeights(): Promise<NamedTensor[]> {
    const inner = (await this.inner.getWeights()).map((w) => ({ name: INNER + w.name, tensor: w.tensor }));
    return [await this.saveIterations(), ...inner, ...slotWeights(this.slow)];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const inner = rest.filter((w) => w.name.startsWith(INNER)).map((w) => ({ name: w.name.slice(INNER.length), tensor: w.tensor }));
    await this.inner.setWeights(inner);
    disposeSlots(this.slow);
    this.slow = slotsFrom(rest.filter((w) => !w.name.startsWith(INNER)));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { inner: { className: this.inner.getClassName(), config: this.inner.getConfig() }, k: this.k, alpha: this.alpha };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const innerCfg = config.inner as { className: string; config: tf.serialization.ConfigDict };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[innerCfg.className];
    if (!entry) throw new Error(`Lookahead.fromConfig: inner.className: expected a registered optimizer class, received '${innerCfg.className}'`);
    const [innerCls, fromConfig] = entry;
    const inner = fromConfig(innerCls, innerCfg.config);
    return new cls(inner, { k: config.k as number, alpha: config.alpha as number });
  }
}
tf.serialization.registerClass(Lookahead);

export function lookahead(inner: tf.Optimizer, options: LookaheadOptions = {}): Lookahead {
  return new Lookahead(inner, options);
}
