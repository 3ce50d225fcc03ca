/**
 * TabNet's attentive transformer (pytorch-tabnet `AttentiveTransformer`):
 * M = selector(ghostBN(a W) * prior), W: [nA, inputDim] without bias, selector
 * sparsemax or 1.5-entmax over the features. Kernel initialised as
 * `initialize_non_glu`: N(0, 1 / sqrt(nA)).
 */
import { tf } from '../backend';
import { entmax15 } from './entmax15';
import { nonGluInitStd } from './featureTransformer';
import { AddWeightFn, GhostBatchNormCore, GhostBatchNormOptions } from './ghostBatchNorm';
import { sparsemax } from './sparsemax';
import { normalInit } from './util';

export type TabNetMaskType = 'sparsemax' | 'entmax15';
export const TABNET_MASK_TYPES: readonly TabNetMaskType[] = ['sparsemax', 'entmax15'];

export interface AttentiveTransformerOptions extends GhostBatchNormOptions {
  /** Width of the attention features (TabNet nA). */
  inputDim: number;
  /** Number of input features the mask covers. */
  outputDim: number;
  maskType: TabNetMaskType;
  /** Kernel initializer seed; undefined: unseeded. */
  seed?: number;
}

export class AttentiveTransformer {
  private readonly kernel: tf.LayerVariable;
  private readonly bn: GhostBatchNormCore;
  private readonly selector: (x: tf.Tensor) => tf.Tensor;

  /** Weights `${prefix}kernel` and `${prefix}bn/...`, created through the owning layer's addWeight. */
  constructor(add: AddWeightFn, prefix: string, options: AttentiveTransformerOptions) {
    const { inputDim, outputDim } = options;
    this.kernel = add(`${prefix}kernel`, [inputDim, outputDim], normalInit(nonGluInitStd(inputDim), options.seed), true);
    this.bn = new GhostBatchNormCore(add, `${prefix}bn/`, outputDim, options);
    this.selector = options.maskType === 'entmax15' ? entmax15 : sparsemax;
  }

  /** The step's mask M, [batch, outputDim], rows summing to 1. */
  apply(prior: tf.Tensor, features: tf.Tensor, training: boolean): tf.Tensor {
    return tf.tidy(() => this.selector(tf.mul(this.bn.apply(tf.matMul(features, this.kernel.read()), training), prior)));
  }
}
