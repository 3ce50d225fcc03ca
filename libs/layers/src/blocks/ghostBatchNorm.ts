/**
 * Ghost batch normalization (Hoffer et al., 2017), as pytorch-tabnet's `GBN`:
 * in training the batch is cut into `torch.chunk(x, ceil(B / virtualBatchSize))`
 * pieces (chunk size ceil(B / n); so B=9, vbs=4 gives 3+3+3, not 4+4+1), each
 * normalized with its own mean and biased variance, and the running statistics
 * are updated once per chunk, in order, the PyTorch way:
 *   running = (1 - momentum) * running + momentum * stat   (unbiased variance).
 * At inference the running statistics are used (= plain BatchNorm1d.eval()).
 * `momentum` therefore follows PyTorch's convention (0.02 = slow), the opposite
 * of Keras' BatchNormalization(momentum=0.99). Epsilon defaults to PyTorch's 1e-5.
 * Normalizes over every axis but the last; chunks along axis 0.
 *
 * `GhostBatchNormCore` holds the four variables and the maths for use inside
 * other layers (TabNet); `GhostBatchNormalization` is the standalone layer.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { tf } from '../backend';
import { checkArgs, checkInt, checkPositive, checkRange, fail, oneShape, oneTensor } from './util';

export const GBN_DEFAULT_VIRTUAL_BATCH_SIZE = 128;
export const GBN_DEFAULT_MOMENTUM = 0.02;
export const GBN_DEFAULT_EPSILON = 1e-5;

/** Creates a weight of the owning layer (its `addWeight`). */
export type AddWeightFn = (name: string, shape: number[], init: Initializer, trainable: boolean) => tf.LayerVariable;

/** Row counts of `torch.chunk(x, chunks, 0)` for a batch of `n` rows (may be fewer than `chunks`). */
export function torchChunkSizes(n: number, chunks: number): number[] {
  const size = Math.ceil(n / chunks);
  const out: number[] = [];
  for (let left = n; left > 0; left -= size) out.push(Math.min(size, left));
  return out;
}

/** Row counts of the ghost batches of a batch of `n` rows (`virtualBatchSize` null: one batch). */
export function ghostBatchSizes(n: number, virtualBatchSize: number | null): number[] {
  if (virtualBatchSize === null || n <= virtualBatchSize) return [n];
  return torchChunkSizes(n, Math.ceil(n / virtualBatchSize));
}

export interface GhostBatchNormOptions {
  /** Rows per ghost batch; null = the whole batch (ordinary batch norm). */
  virtualBatchSize: number | null;
  /** PyTorch-convention momentum of the running statistics. */
  momentum: number;
  /** Added to the variance. */
  epsilon: number;
}

/** The variables and maths of a ghost batch norm, created through an owning layer's addWeight. */
export class GhostBatchNormCore {
  readonly gamma: tf.LayerVariable;
  readonly beta: tf.LayerVariable;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;

  /** Weights are named `${prefix}gamma`, `beta`, `moving_mean`, `moving_variance`. */
  constructor(
    add: AddWeightFn,
    prefix: string,
    readonly dim: number,
    readonly options: GhostBatchNormOptions,
  ) {
    this.gamma = add(`${prefix}gamma`, [dim], tf.initializers.ones(), true);
    this.beta = add(`${prefix}beta`, [dim], tf.initializers.zeros(), true);
    this.movingMean = add(`${prefix}moving_mean`, [dim], tf.initializers.zeros(), false);
    this.movingVariance = add(`${prefix}moving_variance`, [dim], tf.initializers.ones(), false);
  }

  /** Normalizes `x` ([batch, ..., dim]); in training also updates the running statistics. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    return tf.tidy(() => {
      const { epsilon, momentum } = this.options;
      const gamma = this.gamma.read();
      const beta = this.beta.read();
      if (!training) {
        const inv = tf.div(gamma, tf.sqrt(tf.add(this.movingVariance.read(), epsilon)));
        return tf.add(tf.mul(tf.sub(x, this.movingMean.read()), inv), beta);
      }
      // Equal-size chunks are normalized together as [chunks, rows, dim] (one set of ops
      // instead of one per chunk); a smaller last chunk (torch.chunk) is a second group.
      const d = this.dim;
      const n = x.shape[0];
      const perRow = x.size / n / d; // elements per row and feature (1 for [batch, dim])
      const sizes = ghostBatchSizes(n, this.options.virtualBatchSize);
      const c = sizes[0];
      const full = sizes.filter((v) => v === c).length;
      const groups: { rows: number; chunks: number; x: tf.Tensor }[] = [];
      groups.push({ rows: c, chunks: full, x: full === sizes.length ? x : tf.slice(x, 0, full * c) });
      if (full < sizes.length) groups.push({ rows: n - full * c, chunks: 1, x: tf.slice(x, full * c) });
      const means: tf.Tensor[] = [];
      const vars: tf.Tensor[] = [];
      const factors: number[] = [];
      const outs = groups.map((g) => {
        const xg = tf.reshape(g.x, [g.chunks, g.rows * perRow, d]);
        const { mean, variance } = tf.moments(xg, 1, true);
        means.push(tf.reshape(mean, [g.chunks, d]));
        vars.push(tf.reshape(variance, [g.chunks, d]));
        const count = g.rows * perRow;
        for (let i = 0; i < g.chunks; i++) factors.push(count > 1 ? count / (count - 1) : 1);
        const y = tf.add(tf.mul(tf.sub(xg, mean), tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma)), beta);
        return tf.reshape(y, g.x.shape);
      });
      // Sequential per-chunk updates r <- (1 - m) r + m s_i, in closed form:
      // r_k = (1 - m)^k r_0 + sum_i m (1 - m)^(k - 1 - i) s_i.
      const k = sizes.length;
      const w = tf.tensor2d(
        Array.from({ length: k }, (_, i) => momentum * (1 - momentum) ** (k - 1 - i)),
        [k, 1],
      );
      const stackedMean = means.length === 1 ? means[0] : tf.concat(means, 0);
      const stackedVar = tf.mul(vars.length === 1 ? vars[0] : tf.concat(vars, 0), tf.tensor2d(factors, [k, 1]));
      const keep = (1 - momentum) ** k;
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), keep), tf.sum(tf.mul(stackedMean, w), 0)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), keep), tf.sum(tf.mul(stackedVar, w), 0)));
      return outs.length === 1 ? outs[0] : tf.concat(outs, 0);
    });
  }
}

export interface GhostBatchNormalizationLayerArgs extends LayerArgs {
  /** Rows per ghost batch in training; null for the whole batch. Default 128 (pytorch-tabnet). */
  virtualBatchSize?: number | null;
  /** PyTorch-convention momentum: running = (1 - m) * running + m * batch stat. Default 0.02. */
  momentum?: number;
  /** Added to the variance. Default 1e-5 (PyTorch). */
  epsilon?: number;
}

const G = 'GhostBatchNormalization';

/** Ghost batch normalization over the last axis ([batch, ..., features]). */
export class GhostBatchNormalization extends tf.layers.Layer {
  static className = 'ReproGhostBatchNormalization';
  readonly virtualBatchSize: number | null;
  readonly momentum: number;
  readonly epsilon: number;
  private core?: GhostBatchNormCore;

  constructor(args: GhostBatchNormalizationLayerArgs = {}) {
    super(checkArgs(G, args ?? {}));
    const vbs = args.virtualBatchSize === undefined ? GBN_DEFAULT_VIRTUAL_BATCH_SIZE : args.virtualBatchSize;
    this.virtualBatchSize = vbs === null ? null : checkInt(G, 'virtualBatchSize', vbs, 1);
    this.momentum = checkRange(G, 'momentum', args.momentum ?? GBN_DEFAULT_MOMENTUM, 0, 1, true);
    this.epsilon = checkPositive(G, 'epsilon', args.epsilon ?? GBN_DEFAULT_EPSILON);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = oneShape(G, inputShape);
    const d = s[s.length - 1];
    if (s.length < 2 || d === null) fail(G, 'input shape', 'rank >= 2 with a known last dimension', `[${s}]`);
    const add: AddWeightFn = (name, shape, init, trainable) => this.addWeight(name, shape, 'float32', init, undefined, trainable);
    this.core = new GhostBatchNormCore(add, '', d, { virtualBatchSize: this.virtualBatchSize, momentum: this.momentum, epsilon: this.epsilon });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(G, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    return tf.tidy(() => this.core!.apply(oneTensor(G, inputs), kwargs.training === true));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), virtualBatchSize: this.virtualBatchSize, momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(GhostBatchNormalization);

/** Creates a {@link GhostBatchNormalization} layer. */
export function ghostBatchNormalization(args: GhostBatchNormalizationLayerArgs = {}): GhostBatchNormalization {
  return new GhostBatchNormalization(args);
}
