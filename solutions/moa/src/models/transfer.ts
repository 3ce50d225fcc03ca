/**
 * Seed 004's network and its two-step training.
 *
 * The MLP (the public "transfer learning with k-folds by drug ids" kernel the
 * write-up follows): for k = 1..H, block k = BatchNorm -> (Dropout d[k-1] for
 * k > 1) -> Dense hidden[k-1] -> leaky_relu(0.01); then the top block
 * BatchNorm -> Dropout d[H-1] -> weight-normalised Dense -> logits.
 *
 * Step 1 trains it on the scored + non-scored targets (or the non-scored
 * alone: `pretrainTargets`) and keeps the best validation epoch. Step 2 copies every block but the top one into a model whose top
 * block is new (206 outputs), freezes the copied blocks and unfreezes them one
 * at a time from the top, every floor(epochs / (H + 1)) epochs (the kernel's
 * FineTuneScheduler: epoch 0 unfreezes the new top, then block H, H-1, ...).
 *
 * Freezing is done in the optimizer (FreezingOptimizer), not with
 * `layer.trainable`: our optimizers keep their slots by position in the
 * gradient list, so the list must not change length mid-run. Frozen variables
 * get no update at all (as torch skips parameters without a gradient), and
 * their BatchNorm statistics keep updating in training mode, as torch's do.
 */
import { seededDropout, tf } from '@repro/layers';

/** torch.nn.utils.weight_norm(nn.Linear): w = g * v / ||v|| per output unit; torch's Linear init. */
export class WeightNormDense extends tf.layers.Layer {
  static className = 'MoaWeightNormDense';
  readonly units: number;
  readonly seed?: number;
  private v?: tf.LayerVariable;
  private g?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: { units: number; seed?: number; name?: string; trainable?: boolean }) {
    super(args);
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const fanIn = shape[shape.length - 1] as number;
    const bound = 1 / Math.sqrt(fanIn);
    const init = (seed?: number) => tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
    this.v = this.addWeight('v', [fanIn, this.units], 'float32', init(this.seed));
    this.g = this.addWeight('g', [this.units], 'float32', tf.initializers.ones());
    this.bias = this.addWeight('bias', [this.units], 'float32', init(this.seed === undefined ? undefined : this.seed + 1));
    // torch initialises g to ||v|| so that w = v at the start
    this.g.write(tf.tidy(() => tf.norm(this.v!.read(), 'euclidean', 0)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const v = this.v!.read();
      const w = tf.mul(v, tf.div(this.g!.read(), tf.norm(v, 'euclidean', 0)));
      return tf.add(tf.matMul(x, w), this.bias!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, ...(this.seed !== undefined ? { seed: this.seed } : {}) };
  }
}
tf.serialization.registerClass(WeightNormDense);

export interface TransferModelOptions {
  inputDim: number;
  outputDim: number;
  hidden: number[];
  dropout: number[];
  seed: number;
}

/** Number of blocks the fine-tuning unfreezes (hidden blocks + the top block). */
export const transferBlocks = (o: Pick<TransferModelOptions, 'hidden'>): number => o.hidden.length + 1;

export function buildTransferModel(o: TransferModelOptions, name = 'moa_transfer'): tf.LayersModel {
  const L = tf.layers;
  let s = o.seed * 1000;
  const H = o.hidden.length;
  const input = tf.input({ shape: [o.inputDim], name: 'features' });
  let x: tf.SymbolicTensor = input;
  for (let k = 1; k <= H + 1; k++) {
    // torch BatchNorm1d: momentum 0.1 (Keras 0.9), eps 1e-5
    x = L.batchNormalization({ name: `batch_norm${k}`, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
    if (k > 1) x = seededDropout({ rate: o.dropout[k - 2], name: `dropout${k}`, seed: s++ }).apply(x) as tf.SymbolicTensor;
    if (k <= H) {
      const bound = 1 / Math.sqrt(k === 1 ? o.inputDim : o.hidden[k - 2]);
      const init = () => tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: s++ });
      x = L.dense({ units: o.hidden[k - 1], kernelInitializer: init(), biasInitializer: init(), name: `dense${k}` }).apply(x) as tf.SymbolicTensor;
      x = L.leakyReLU({ alpha: 0.01, name: `leaky_relu${k}` }).apply(x) as tf.SymbolicTensor;
    } else {
      x = new WeightNormDense({ units: o.outputDim, seed: s++, name: `dense${k}` }).apply(x) as tf.SymbolicTensor;
    }
  }
  return tf.model({ inputs: input, outputs: x, name });
}

/** Copy the weights of every block but the top one from `from` into `to` (same names). */
export function copyLowerBlocks(from: tf.LayersModel, to: tf.LayersModel, hidden: number[]): void {
  for (let k = 1; k <= hidden.length; k++) {
    for (const name of [`batch_norm${k}`, `dense${k}`]) to.getLayer(name).setWeights(from.getLayer(name).getWeights());
  }
}

/** Variable names of block k (1-based): what trainModel's gradient map is keyed by. */
export function blockVariableNames(model: tf.LayersModel, k: number): string[] {
  return [`batch_norm${k}`, `dense${k}`].flatMap((n) => model.getLayer(n).trainableWeights.map((w) => (w.read() as tf.Variable).name));
}

/**
 * Frozen blocks at a fine-tuning epoch (the kernel's FineTuneScheduler):
 * with B blocks and e = max(1, floor(epochs / B)) epochs per step, blocks
 * 1..(B - 1 - floor(epoch / e)) are frozen.
 */
export function frozenBlocksAt(epoch: number, epochs: number, nBlocks: number): number[] {
  const per = Math.max(1, Math.floor(epochs / nBlocks));
  const nFrozen = Math.max(0, nBlocks - 1 - Math.floor(epoch / per));
  return Array.from({ length: nFrozen }, (_, i) => i + 1);
}

/**
 * Wraps an optimizer and withholds updates from frozen variables. The frozen
 * set is a function of the epoch, derived from the inner optimizer's step
 * count (restored with its checkpoint), so a resumed run freezes the same way.
 */
export class FreezingOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'MoaFreezingOptimizer';
  }

  constructor(
    readonly inner: tf.Optimizer,
    private readonly stepsPerEpoch: number,
    private readonly frozenAtEpoch: (epoch: number) => Set<string>,
  ) {
    super();
  }

  get learningRate(): number {
    return (this.inner as unknown as { learningRate: number }).learningRate;
  }

  setLearningRate(lr: number): void {
    const o = this.inner as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
    if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
    else o.learningRate = lr;
  }

  /** Epoch of the next step. */
  currentEpoch(): number {
    return Math.floor(this.inner.iterations / this.stepsPerEpoch);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const frozen = this.frozenAtEpoch(this.currentEpoch());
    // Same list, same positions; a null gradient makes our optimizers skip the variable.
    const masked = list.map((v) => ({ name: v.name, tensor: frozen.has(v.name) ? (null as unknown as tf.Tensor) : v.tensor }));
    this.inner.applyGradients(masked);
  }

  override dispose(): void {
    this.inner.dispose();
  }

  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    return this.inner.getWeights();
  }

  override async setWeights(w: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    await this.inner.setWeights(w);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
