/**
 * TabNet (Arik & Pfister, 2019) with pytorch-tabnet's semantics (the MoA seed
 * 001 model, `TabNetRegressor`/`TabNetClassifier` without embeddings):
 *
 *   x = BatchNorm(x)                                   (momentum 0.01, whole batch)
 *   prior = 1; a = FT_0(x)[:, nD:]
 *   for step s: M = AT_s(prior, a)                     (sparsemax / entmax15)
 *               entropy += mean_b sum_f -M log(M + epsilon)
 *               prior = (gamma - M) * prior
 *               h = FT_{s+1}(M * x); out += relu(h[:, :nD]); a = h[:, nD:]
 *   logits = out W_final                               (W_final: [nD, outputDim], no bias)
 *   sparsity = entropy / nSteps
 *
 * pytorch-tabnet's `M_loss` is the negative of `sparsity` (it sums M log M) and
 * its training loss is `loss - lambda_sparse * M_loss` = `loss + lambdaSparse * sparsity`.
 * `sparsity` lies in [0, log(inputDim)].
 *
 * How the penalty reaches the loss (choose one):
 * - `lambdaSparse > 0` (default 1e-3, pytorch-tabnet's): the layer registers
 *   `lambdaSparse * sparsity` with `addLoss`; `trainModel` (and `model.fit`) add
 *   `model.calculateLosses()` to the loss, so nothing else is needed.
 * - `lambdaSparse: 0` and `withPenalty(loss, () => tabnet.sparsityLoss(), {weight: lambda})`.
 * Using both counts the penalty twice. The value is the one of the layer's most
 * recent forward pass (one call per loss evaluation, as in trainModel).
 *
 * Output: the decision logits [batch, outputDim] (`activation` 'linear',
 * default; use binaryCrossentropy({fromLogits: true}) as pytorch-tabnet's
 * BCEWithLogits), or 'sigmoid' / 'softmax'.
 *
 * Ghost batch norm momentum follows PyTorch's convention (see ghostBatchNorm.ts).
 * Weights are named `initial_bn/*`, `shared{i}/kernel`, `ft{t}/shared{i}/bn/*`,
 * `ft{t}/indep{i}/{kernel,bn/*}` (t = 0: initial splitter, t = s + 1: step s),
 * `att{s}/{kernel,bn/*}`, `final/kernel`; kernels are [in, out].
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { AttentiveTransformer, TABNET_MASK_TYPES, TabNetMaskType } from './attentiveTransformer';
import { FeatureTransformer, gluInitStd, nonGluInitStd } from './featureTransformer';
import { AddWeightFn, GhostBatchNormCore } from './ghostBatchNorm';
import { checkArgs, checkInt, checkOneOf, checkPositive, checkRange, checkSeed, fail, normalInit, oneShape, oneTensor } from './util';

export type TabNetActivation = 'linear' | 'sigmoid' | 'softmax';

/** pytorch-tabnet defaults. */
export const TABNET_DEFAULTS = {
  nD: 8,
  nA: 8,
  nSteps: 3,
  gamma: 1.3,
  nIndependent: 2,
  nShared: 2,
  virtualBatchSize: 128,
  momentum: 0.02,
  epsilon: 1e-15,
  maskType: 'sparsemax' as TabNetMaskType,
  lambdaSparse: 1e-3,
  initialBnMomentum: 0.01,
  bnEpsilon: 1e-5,
} as const;

export interface TabNetLayerArgs extends LayerArgs {
  /** Number of outputs (pytorch-tabnet `output_dim`). */
  outputDim: number;
  /** Width of the decision part of each step (`n_d`). Default 8. */
  nD?: number;
  /** Width of the attention part of each step (`n_a`). Default 8. */
  nA?: number;
  /** Number of decision steps (`n_steps`). Default 3. */
  nSteps?: number;
  /** Relaxation of feature re-use, prior = (gamma - M) * prior (`gamma`); >= 1. Default 1.3. */
  gamma?: number;
  /** Step-specific GLU layers per feature transformer (`n_independent`). Default 2. */
  nIndependent?: number;
  /** GLU layers shared across steps (`n_shared`). Default 2. */
  nShared?: number;
  /** Ghost batch size (`virtual_batch_size`). Default 128. */
  virtualBatchSize?: number;
  /** PyTorch-convention momentum of the ghost batch norms (`momentum`). Default 0.02. */
  momentum?: number;
  /** Inside log(M + epsilon) of the sparsity term (`epsilon`). Default 1e-15. */
  epsilon?: number;
  /** Mask function (`mask_type`). Default 'sparsemax'. */
  maskType?: TabNetMaskType;
  /** Weight of the sparsity term added with addLoss (`lambda_sparse`); 0 adds nothing. Default 1e-3. */
  lambdaSparse?: number;
  /** PyTorch-convention momentum of the initial (whole-batch) batch norm. Default 0.01. */
  initialBnMomentum?: number;
  /** Epsilon of every batch norm. Default 1e-5. */
  bnEpsilon?: number;
  /** Output activation. Default 'linear' (logits). */
  activation?: TabNetActivation;
  /** Seed of the kernel initializers (kernel i gets seed + i); undefined: unseeded. */
  seed?: number;
}

const W = 'TabNet';

/** The TabNet encoder and final mapping as one layer: [batch, inputDim] -> [batch, outputDim]. */
export class TabNet extends tf.layers.Layer {
  static className = 'ReproTabNet';
  readonly outputDim: number;
  readonly nD: number;
  readonly nA: number;
  readonly nSteps: number;
  readonly gamma: number;
  readonly nIndependent: number;
  readonly nShared: number;
  readonly virtualBatchSize: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly maskType: TabNetMaskType;
  readonly lambdaSparse: number;
  readonly initialBnMomentum: number;
  readonly bnEpsilon: number;
  readonly activation: TabNetActivation;
  readonly seed?: number;
  private inputDim?: number;
  private initialBn?: GhostBatchNormCore;
  private featureTransformers: FeatureTransformer[] = [];
  private attentiveTransformers: AttentiveTransformer[] = [];
  private finalKernel?: tf.LayerVariable;
  private lastSparsity?: tf.Scalar;
  private lastMasks: tf.Tensor[] = [];
  private keepMasks = false;

  constructor(args: TabNetLayerArgs) {
    super(checkArgs(W, args));
    const d = TABNET_DEFAULTS;
    this.outputDim = checkInt(W, 'outputDim', args.outputDim, 1);
    this.nD = checkInt(W, 'nD', args.nD ?? d.nD, 1);
    this.nA = checkInt(W, 'nA', args.nA ?? d.nA, 1);
    this.nSteps = checkInt(W, 'nSteps', args.nSteps ?? d.nSteps, 1);
    this.gamma = checkRange(W, 'gamma', args.gamma ?? d.gamma, 1, Infinity);
    this.nIndependent = checkInt(W, 'nIndependent', args.nIndependent ?? d.nIndependent, 0);
    this.nShared = checkInt(W, 'nShared', args.nShared ?? d.nShared, 0);
    if (this.nIndependent + this.nShared === 0) fail(W, 'nIndependent + nShared', 'at least 1 GLU layer', 0);
    this.virtualBatchSize = checkInt(W, 'virtualBatchSize', args.virtualBatchSize ?? d.virtualBatchSize, 1);
    this.momentum = checkRange(W, 'momentum', args.momentum ?? d.momentum, 0, 1, true);
    this.epsilon = checkPositive(W, 'epsilon', args.epsilon ?? d.epsilon);
    this.maskType = checkOneOf(W, 'maskType', args.maskType ?? d.maskType, TABNET_MASK_TYPES);
    this.lambdaSparse = checkRange(W, 'lambdaSparse', args.lambdaSparse ?? d.lambdaSparse, 0, Infinity);
    this.initialBnMomentum = checkRange(W, 'initialBnMomentum', args.initialBnMomentum ?? d.initialBnMomentum, 0, 1, true);
    this.bnEpsilon = checkPositive(W, 'bnEpsilon', args.bnEpsilon ?? d.bnEpsilon);
    this.activation = checkOneOf(W, 'activation', args.activation ?? 'linear', ['linear', 'sigmoid', 'softmax'] as const);
    this.seed = checkSeed(W, args.seed);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = oneShape(W, inputShape);
    if (s.length !== 2 || s[1] === null) fail(W, 'input shape', 'rank 2 [batch, features] with known features', `[${s}]`);
    const inputDim = s[1];
    this.inputDim = inputDim;
    const add: AddWeightFn = (name, shape, init, trainable) => this.addWeight(name, shape, 'float32', init, undefined, trainable);
    let k = 0;
    const seed = () => (this.seed === undefined ? undefined : this.seed + k++);
    const h = this.nD + this.nA;
    const bn = { virtualBatchSize: this.virtualBatchSize, momentum: this.momentum, epsilon: this.bnEpsilon };
    this.initialBn = new GhostBatchNormCore(add, 'initial_bn/', inputDim, { virtualBatchSize: null, momentum: this.initialBnMomentum, epsilon: this.bnEpsilon });
    const shared: tf.LayerVariable[] = [];
    for (let i = 0; i < this.nShared; i++) {
      const fanIn = i === 0 ? inputDim : h;
      shared.push(add(`shared${i}/kernel`, [fanIn, 2 * h], normalInit(gluInitStd(fanIn), seed()), true));
    }
    this.featureTransformers = [];
    this.attentiveTransformers = [];
    for (let t = 0; t <= this.nSteps; t++) {
      const ftSeed = seed();
      if (this.seed !== undefined) k += this.nIndependent;
      this.featureTransformers.push(
        new FeatureTransformer(add, `ft${t}/`, { ...bn, inputDim, outputDim: h, sharedKernels: shared, nIndependent: this.nIndependent, seed: ftSeed }),
      );
    }
    for (let st = 0; st < this.nSteps; st++) {
      this.attentiveTransformers.push(
        new AttentiveTransformer(add, `att${st}/`, { ...bn, inputDim: this.nA, outputDim: inputDim, maskType: this.maskType, seed: seed() }),
      );
    }
    this.finalKernel = add('final/kernel', [this.nD, this.outputDim], normalInit(nonGluInitStd(this.nD), seed()), true);
    if (this.lambdaSparse > 0) this.addLoss(() => tf.tidy(() => tf.mul(this.sparsityLoss(), this.lambdaSparse) as tf.Scalar));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape(W, inputShape);
    return [s[0], this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const training = kwargs.training === true;
    const [out, sparsity, masks] = tf.tidy(() => {
      const x0 = oneTensor(W, inputs);
      if (x0.rank !== 2 || x0.shape[1] !== this.inputDim) fail(W, 'input', `shape [batch, ${this.inputDim}]`, `shape [${x0.shape}]`);
      const x = this.initialBn!.apply(x0, training);
      let prior: tf.Tensor = tf.onesLike(x);
      let att = tf.slice(this.featureTransformers[0].apply(x, training), [0, this.nD], [-1, this.nA]);
      let res: tf.Tensor | undefined;
      let entropy: tf.Tensor = tf.scalar(0);
      const ms: tf.Tensor[] = [];
      for (let st = 0; st < this.nSteps; st++) {
        const m = this.attentiveTransformers[st].apply(prior, att, training);
        if (this.keepMasks) ms.push(m);
        entropy = tf.add(entropy, tf.mean(tf.sum(tf.neg(tf.mul(m, tf.log(tf.add(m, this.epsilon)))), 1)));
        prior = tf.mul(tf.sub(this.gamma, m), prior);
        const hOut = this.featureTransformers[st + 1].apply(tf.mul(m, x), training);
        const d = tf.relu(tf.slice(hOut, [0, 0], [-1, this.nD]));
        res = res ? tf.add(res, d) : d;
        att = tf.slice(hOut, [0, this.nD], [-1, this.nA]);
      }
      let y = tf.matMul(res!, this.finalKernel!.read());
      if (this.activation === 'sigmoid') y = tf.sigmoid(y);
      else if (this.activation === 'softmax') y = tf.softmax(y);
      return [y, tf.div(entropy, this.nSteps) as tf.Scalar, ms] as [tf.Tensor, tf.Scalar, tf.Tensor[]];
    });
    // Kept beyond the call (the sparsity term is read by addLoss / sparsityLoss in the same tape).
    this.lastSparsity?.dispose();
    this.lastSparsity = tf.keep(sparsity);
    tf.dispose(this.lastMasks);
    this.lastMasks = masks.map((m) => tf.keep(m));
    return out;
  }

  /**
   * The sparsity (entropy) term of the most recent forward pass, mean over steps
   * of mean over the batch of sum_f -M log(M + epsilon) (= -M_loss of
   * pytorch-tabnet); a new scalar (0 before any forward pass) the caller owns.
   * Differentiable when read inside the gradient tape of that forward pass.
   */
  sparsityLoss(): tf.Scalar {
    return this.lastSparsity && !this.lastSparsity.isDisposed ? (tf.clone(this.lastSparsity) as tf.Scalar) : tf.scalar(0);
  }

  /**
   * Calls `fn` with mask recording on and returns the step masks M ([batch,
   * inputDim] each, rows sum to 1) of the last forward pass made inside it
   * (pytorch-tabnet's `explain`); the caller owns them.
   */
  recordMasks(fn: () => void): tf.Tensor[] {
    this.keepMasks = true;
    try {
      fn();
    } finally {
      this.keepMasks = false;
    }
    const ms = this.lastMasks.map((m) => tf.clone(m));
    tf.dispose(this.lastMasks);
    this.lastMasks = [];
    return ms;
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.lastSparsity?.dispose();
    this.lastSparsity = undefined;
    tf.dispose(this.lastMasks);
    this.lastMasks = [];
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      outputDim: this.outputDim,
      nD: this.nD,
      nA: this.nA,
      nSteps: this.nSteps,
      gamma: this.gamma,
      nIndependent: this.nIndependent,
      nShared: this.nShared,
      virtualBatchSize: this.virtualBatchSize,
      momentum: this.momentum,
      epsilon: this.epsilon,
      maskType: this.maskType,
      lambdaSparse: this.lambdaSparse,
      initialBnMomentum: this.initialBnMomentum,
      bnEpsilon: this.bnEpsilon,
      activation: this.activation,
    };
    if (this.seed !== undefined) c.seed = this.seed;
    return c;
  }
}
tf.serialization.registerClass(TabNet);

/** Creates a {@link TabNet} layer. */
export function tabNet(args: TabNetLayerArgs): TabNet {
  return new TabNet(args);
}

export interface BuildTabNetOptions extends TabNetLayerArgs {
  /** Number of input features. */
  inputDim: number;
}

export interface TabNetModel {
  /** Input [batch, inputDim] -> TabNet -> [batch, outputDim]. Trains with trainModel / model.fit. */
  model: tf.LayersModel;
  /** The TabNet layer inside `model`. */
  layer: TabNet;
  /** The unweighted sparsity term of the last forward pass (see TabNet.sparsityLoss). */
  sparsityLoss(): tf.Scalar;
}

/**
 * A one-layer functional model around {@link TabNet}. With the default
 * `lambdaSparse` (1e-3) the sparsity penalty is part of `model.calculateLosses()`,
 * which trainModel adds to the loss; pass `lambdaSparse: 0` to add it yourself
 * with `withPenalty(loss, () => sparsityLoss(), {weight})` instead.
 */
export function buildTabNet(options: BuildTabNetOptions): TabNetModel {
  checkArgs('buildTabNet', options);
  const { inputDim, ...layerArgs } = options;
  checkInt('buildTabNet', 'inputDim', inputDim, 1);
  const input = tf.input({ shape: [inputDim] });
  const layer = new TabNet(layerArgs);
  const output = layer.apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: options.name ? `${options.name}_model` : undefined });
  return { model, layer, sparsityLoss: () => layer.sparsityLoss() };
}
