/**
 * TabNet's feature transformer (pytorch-tabnet `FeatTransformer`): a block of
 * GLU layers shared by every step (the fc kernels are shared, each use has its
 * own ghost batch norm) followed by a block of step-specific GLU layers.
 *
 * GLU layer: fc (no bias) -> ghost BN -> a * sigmoid(b) (halves of 2 * outputDim).
 * GLU block: the first layer of the first block maps inputDim -> outputDim with no
 * residual; every other layer is x = (x + glu(x)) * sqrt(0.5).
 * With nShared = 0 the independent block is the first; with nIndependent = 0
 * there is only the shared block.
 *
 * Initialisation as pytorch-tabnet's `initialize_glu`: xavier-normal with gain
 * sqrt((fanIn + fanOut) / sqrt(fanIn)), i.e. N(0, 2 / sqrt(fanIn)).
 */
import { tf } from '../backend';
import { AddWeightFn, GhostBatchNormCore, GhostBatchNormOptions } from './ghostBatchNorm';
import { normalInit } from './util';

/** pytorch-tabnet `initialize_glu` std for a [fanIn, 2 * outputDim] kernel. */
export function gluInitStd(fanIn: number): number {
  return Math.sqrt(2 / Math.sqrt(fanIn));
}

/** pytorch-tabnet `initialize_non_glu` std for a [fanIn, fanOut] kernel. */
export function nonGluInitStd(fanIn: number): number {
  return Math.sqrt(1 / Math.sqrt(fanIn));
}

interface GluLayerParts {
  kernel: tf.LayerVariable;
  bn: GhostBatchNormCore;
}

export interface FeatureTransformerOptions extends GhostBatchNormOptions {
  /** Width of the input. */
  inputDim: number;
  /** Width of the output (TabNet: nD + nA). */
  outputDim: number;
  /** Shared fc kernels ([inputDim, 2*outputDim] then [outputDim, 2*outputDim]); empty for none. */
  sharedKernels: tf.LayerVariable[];
  /** Step-specific GLU layers. */
  nIndependent: number;
  /** Seed of the first independent kernel's initializer (the next get seed + 1, ...); undefined: unseeded. */
  seed?: number;
}

/** One feature transformer; its weights are created through the owning layer's addWeight, named `${prefix}...`. */
export class FeatureTransformer {
  private readonly shared: GluLayerParts[];
  private readonly independent: GluLayerParts[];
  readonly outputDim: number;

  constructor(add: AddWeightFn, prefix: string, options: FeatureTransformerOptions) {
    const { inputDim, outputDim, sharedKernels, nIndependent, seed } = options;
    this.outputDim = outputDim;
    const bnOpts: GhostBatchNormOptions = { virtualBatchSize: options.virtualBatchSize, momentum: options.momentum, epsilon: options.epsilon };
    this.shared = sharedKernels.map((kernel, i) => ({
      kernel,
      bn: new GhostBatchNormCore(add, `${prefix}shared${i}/bn/`, 2 * outputDim, bnOpts),
    }));
    this.independent = [];
    for (let i = 0; i < nIndependent; i++) {
      const fanIn = i === 0 && sharedKernels.length === 0 ? inputDim : outputDim;
      const kernel = add(`${prefix}indep${i}/kernel`, [fanIn, 2 * outputDim], normalInit(gluInitStd(fanIn), seed === undefined ? undefined : seed + i), true);
      this.independent.push({ kernel, bn: new GhostBatchNormCore(add, `${prefix}indep${i}/bn/`, 2 * outputDim, bnOpts) });
    }
  }

  private gluLayer(x: tf.Tensor, l: GluLayerParts, training: boolean): tf.Tensor {
    const h = l.bn.apply(tf.matMul(x, l.kernel.read()), training);
    const [a, b] = tf.split(h, 2, -1);
    return tf.mul(a, tf.sigmoid(b));
  }

  private block(x: tf.Tensor, layers: GluLayerParts[], first: boolean, training: boolean): tf.Tensor {
    let h = x;
    let rest = layers;
    if (first) {
      h = this.gluLayer(h, layers[0], training);
      rest = layers.slice(1);
    }
    for (const l of rest) h = tf.mul(tf.add(h, this.gluLayer(h, l, training)), Math.SQRT1_2);
    return h;
  }

  /** [batch, inputDim] -> [batch, outputDim]. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      let first = true;
      if (this.shared.length) {
        h = this.block(h, this.shared, true, training);
        first = false;
      }
      if (this.independent.length) h = this.block(h, this.independent, first, training);
      return h;
    });
  }
}
