// The seed's build_model(): one WaveNet feature extractor shared by the 8 bipolar channels,
// global average pooling per channel, the average of each chain's two channels (LL, LP, RP, RR),
// their concatenation, Dense(64, relu), Dense(6, softmax); KL-divergence loss, Adam 1e-3.
//
// The seed calls the extractor sub-model 8 times on the slices inp[:, :, k:k+1]. Here the 8
// channels are folded into the batch instead ([B, T, 8] -> [B*8, T, 1]), the extractor runs once,
// and the pooled features are unfolded ([B*8, F] -> [B, 8, F]) before the chain averages: the
// same function with the same shared weights, in one pass (fewer, larger kernel calls).
import { conv1d, tf } from '@repro/layers';
import type { WaveBlockSpec } from './config';

/** The 8 channels form 4 chains of 2, in the generator's order: LL, LP, RP, RR. */
export const CHAINS = ['LL', 'LP', 'RP', 'RR'] as const;
export const N_CHANNELS = 8;
export const N_CLASSES = 6;

/** [B, T, C] -> [B*C, T, 1]: every channel becomes its own sequence (row b*C + c). */
export class ChannelsToBatch extends tf.layers.Layer {
  static className = 'HmsChannelsToBatch';
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0] === null || s[2] === null ? null : s[0] * s[2], s[1], 1];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const t = x.shape[1];
      return tf.reshape(tf.transpose(x, [0, 2, 1]), [-1, t, 1]);
    });
  }
}
tf.serialization.registerClass(ChannelsToBatch);

export interface ChainAverageArgs {
  /** Channels per EEG (8); consecutive pairs form the chains. */
  nChannels: number;
  name?: string;
}

/**
 * [B*C, F] pooled features -> [B, (C/2)*F]: the mean of channels (0,1), (2,3), ... of each EEG
 * (the seed's Average()([x1, x2]) per chain), concatenated in chain order (Concatenate()([z1..z4])).
 */
export class ChainAverage extends tf.layers.Layer {
  static className = 'HmsChainAverage';
  readonly nChannels: number;
  constructor(args: ChainAverageArgs) {
    super({ name: args.name });
    this.nChannels = args.nChannels;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0] === null ? null : s[0] / this.nChannels, s[1] === null ? null : (this.nChannels / 2) * s[1]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const f = x.shape[1];
      const pairs = tf.reshape(x, [-1, this.nChannels / 2, 2, f]);
      return tf.reshape(tf.mean(pairs, 2), [-1, (this.nChannels / 2) * f]);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), nChannels: this.nChannels };
  }
}
tf.serialization.registerClass(ChainAverage);

export interface ModelOptions {
  blocks: WaveBlockSpec[];
  headUnits: number;
  /** Time steps per channel (2,000 in the seed). */
  steps: number;
  /** Seeds the initializers (each layer gets its own stream). */
  seed: number;
}

/**
 * The seed's wave_block: Conv1D(f, 1) -> res; for each dilation 2^i (i < n):
 * tanh Conv1D(f, k, d, same) * sigmoid Conv1D(f, k, d, same) -> Conv1D(f, 1) -> res += that.
 * Note, as in the seed, every gated unit reads the previous unit's 1x1 output, not the residual sum.
 */
export function waveBlock(x: tf.SymbolicTensor, [filters, kernelSize, n]: WaveBlockSpec, nextSeed: () => number): tf.SymbolicTensor {
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed() });
  x = conv1d({ filters, kernelSize: 1, padding: 'same', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  let res = x;
  for (let i = 0; i < n; i++) {
    const dilationRate = 2 ** i;
    const tanh = conv1d({ filters, kernelSize, padding: 'same', activation: 'tanh', dilationRate, kernelInitializer: init() }).apply(x);
    const sigm = conv1d({ filters, kernelSize, padding: 'same', activation: 'sigmoid', dilationRate, kernelInitializer: init() }).apply(x);
    x = tf.layers.multiply().apply([tanh, sigm] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    x = conv1d({ filters, kernelSize: 1, padding: 'same', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    res = tf.layers.add().apply([res, x]) as tf.SymbolicTensor;
  }
  return res;
}

/** The seed's feature-extraction sub-model (model2): [N, T, 1] -> [N, T, lastFilters]. */
export function buildExtractor(blocks: WaveBlockSpec[], steps: number, nextSeed: () => number): tf.LayersModel {
  const inp = tf.input({ shape: [steps, 1], name: 'extractor_input' });
  let x = inp;
  for (const b of blocks) x = waveBlock(x, b, nextSeed);
  return tf.model({ inputs: inp, outputs: x, name: 'wavenet_extractor' });
}

/** The full model: [B, steps, 8] -> [B, 6] probabilities. */
export function buildModel(options: ModelOptions): tf.LayersModel {
  let s = options.seed * 1000;
  const nextSeed = () => ++s;
  const inp = tf.input({ shape: [options.steps, N_CHANNELS], name: 'eeg' });
  const extractor = buildExtractor(options.blocks, options.steps, nextSeed);
  const perChannel = new ChannelsToBatch({ name: 'channels_to_batch' }).apply(inp) as tf.SymbolicTensor;
  const features = extractor.apply(perChannel) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(features) as tf.SymbolicTensor;
  const chains = new ChainAverage({ nChannels: N_CHANNELS, name: 'chain_average' }).apply(pooled) as tf.SymbolicTensor;
  const hidden = tf.layers
    .dense({ units: options.headUnits, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }), name: 'head' })
    .apply(chains) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: N_CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }), name: 'probs' })
    .apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out, name: 'hms_wavenet' });
}
