/**
 * EfficientNet-B0..B4 (Tan & Le 2019) as Keras' `keras.applications`
 * builds it, on the library's conv layers so it trains on wasm and cpu, for
 * any input size and channel count. Layer names follow Keras (`stem_conv`,
 * `block1a_dwconv`, `block2b_se_reduce`, `top_conv`, `predictions`, ...) so
 * Keras/TF.js weight files load by name (see loadEfficientNetWeights).
 */
import { tf } from '../backend';
import { tfSeed } from '../tfSeed';
import { conv2d, type InitializerSpec } from '../conv';
import { imageNormalization } from './imageNormalization';
import { EFFICIENTNET_BN_EPSILON, EFFICIENTNET_BN_MOMENTUM, mbConv } from './mbConv';
import { SeededDropout } from './seededDropout';
import { WidthAveragePooling2D } from './widthAveragePooling';

export type EfficientNetVariant = 'b0' | 'b1' | 'b2' | 'b3' | 'b4';
export const EFFICIENTNET_VARIANTS: readonly EfficientNetVariant[] = ['b0', 'b1', 'b2', 'b3', 'b4'];

/** Compound-scaling coefficients and Keras' defaults per variant. */
export interface EfficientNetScaling {
  widthCoefficient: number;
  depthCoefficient: number;
  /** Resolution the variant was trained at (informative; any input size builds). */
  defaultResolution: number;
  /** Keras' dropout before the classifier. */
  dropRate: number;
}

export const EFFICIENTNET_SCALING: Readonly<Record<EfficientNetVariant, EfficientNetScaling>> = {
  b0: { widthCoefficient: 1.0, depthCoefficient: 1.0, defaultResolution: 224, dropRate: 0.2 },
  b1: { widthCoefficient: 1.0, depthCoefficient: 1.1, defaultResolution: 240, dropRate: 0.2 },
  b2: { widthCoefficient: 1.1, depthCoefficient: 1.2, defaultResolution: 260, dropRate: 0.3 },
  b3: { widthCoefficient: 1.2, depthCoefficient: 1.4, defaultResolution: 300, dropRate: 0.3 },
  b4: { widthCoefficient: 1.4, depthCoefficient: 1.8, defaultResolution: 380, dropRate: 0.4 },
};

/** One MBConv stage of B0 (before scaling). */
export interface MBConvStage {
  expandRatio: number;
  kernelSize: number;
  /** Stride of the stage's first block; the others use 1. */
  strides: number;
  filtersIn: number;
  filtersOut: number;
  repeats: number;
}

/** B0's seven stages (Keras DEFAULT_BLOCKS_ARGS; SE ratio 0.25 everywhere). */
export const EFFICIENTNET_B0_STAGES: readonly MBConvStage[] = [
  { expandRatio: 1, kernelSize: 3, strides: 1, filtersIn: 32, filtersOut: 16, repeats: 1 },
  { expandRatio: 6, kernelSize: 3, strides: 2, filtersIn: 16, filtersOut: 24, repeats: 2 },
  { expandRatio: 6, kernelSize: 5, strides: 2, filtersIn: 24, filtersOut: 40, repeats: 2 },
  { expandRatio: 6, kernelSize: 3, strides: 2, filtersIn: 40, filtersOut: 80, repeats: 3 },
  { expandRatio: 6, kernelSize: 5, strides: 1, filtersIn: 80, filtersOut: 112, repeats: 3 },
  { expandRatio: 6, kernelSize: 5, strides: 2, filtersIn: 112, filtersOut: 192, repeats: 4 },
  { expandRatio: 6, kernelSize: 3, strides: 1, filtersIn: 192, filtersOut: 320, repeats: 1 },
];
export const EFFICIENTNET_STEM_FILTERS = 32;
export const EFFICIENTNET_TOP_FILTERS = 1280;
export const EFFICIENTNET_DEPTH_DIVISOR = 8;
export const EFFICIENTNET_SE_RATIO = 0.25;
export const EFFICIENTNET_DEFAULT_DROP_CONNECT_RATE = 0.2;

/** Keras' round_filters: scale, round to the nearest multiple of `divisor`, never lose more than 10%. */
export function roundFilters(filters: number, widthCoefficient: number, divisor = EFFICIENTNET_DEPTH_DIVISOR): number {
  const f = filters * widthCoefficient;
  let out = Math.max(divisor, Math.floor((f + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * f) out += divisor;
  return out;
}

/** Keras' round_repeats: ceil(depthCoefficient * repeats). */
export function roundRepeats(repeats: number, depthCoefficient: number): number {
  return Math.ceil(depthCoefficient * repeats);
}

/** The stem, stages and top widths of a variant after compound scaling (times `widthScale`). */
export function efficientNetStages(
  variant: EfficientNetVariant,
  widthScale = 1,
): { stemFilters: number; stages: MBConvStage[]; topFilters: number } {
  const s = EFFICIENTNET_SCALING[variant];
  if (!s) throw new Error(`efficientNetStages: variant must be one of ${EFFICIENTNET_VARIANTS.join('|')}, received ${JSON.stringify(variant)}`);
  const w = s.widthCoefficient * widthScale;
  return {
    stemFilters: roundFilters(EFFICIENTNET_STEM_FILTERS, w),
    stages: EFFICIENTNET_B0_STAGES.map((st) => ({
      ...st,
      filtersIn: roundFilters(st.filtersIn, w),
      filtersOut: roundFilters(st.filtersOut, w),
      repeats: roundRepeats(st.repeats, s.depthCoefficient),
    })),
    topFilters: roundFilters(EFFICIENTNET_TOP_FILTERS, w),
  };
}

export interface EfficientNetArgs {
  /** 'b0' .. 'b4'. */
  variant: EfficientNetVariant;
  /** [height, width, channels]; any size >= 1 and any channel count. */
  inputShape: [number, number, number];
  /** Units of the final Dense ('predictions'). */
  nClasses: number;
  /**
   * Extra width multiplier on top of the variant's, for small CPU configs
   * (filters still rounded to multiples of 8). Default 1.
   */
  widthScale?: number;
  /** Dropout before the classifier. Default: the variant's (0.2, 0.2, 0.3, 0.3, 0.4). */
  dropRate?: number;
  /** Final drop-connect rate; block b of B uses rate * b / B (Keras). Default 0.2. */
  dropConnectRate?: number;
  /** Activation of the classifier. Default 'softmax'. */
  activation?: 'softmax' | 'linear';
  /** Seed of the initializers and drop-connect masks. Default: unseeded. */
  seed?: number;
  /**
   * Add Keras' preprocessing: Rescaling(1/255) then per-channel Normalization
   * (weights `normalization/mean|variance|count`, loadable from a Keras file).
   * Expects 0..255 inputs then. Default false (inputs used as given).
   */
  preprocessing?: boolean;
  /**
   * Pooling before the classifier: 'avg' (Keras' global average, the default) or 'width' (average
   * over the width axis only, the rows kept: [h * topFilters] features; for spectrograms, where the
   * height is frequency).
   */
  pooling?: 'avg' | 'width';
}

/** Builds an EfficientNet as a tf.LayersModel with Keras' layer names. */
export function buildEfficientNet(args: EfficientNetArgs): tf.LayersModel {
  const owner = 'buildEfficientNet';
  if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
  const scaling = EFFICIENTNET_SCALING[args.variant];
  if (!scaling) throw new Error(`${owner}: variant must be one of ${EFFICIENTNET_VARIANTS.join('|')}, received ${JSON.stringify(args.variant)}`);
  const shape = args.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${owner}: inputShape must be [height, width, channels] of positive integers, received ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(args.nClasses) || args.nClasses < 1) {
    throw new Error(`${owner}: nClasses must be a positive integer, received ${JSON.stringify(args.nClasses)}`);
  }
  const widthScale = args.widthScale ?? 1;
  if (!(widthScale > 0)) throw new Error(`${owner}: widthScale must be > 0, received ${JSON.stringify(args.widthScale)}`);
  const dropRate = args.dropRate ?? scaling.dropRate;
  if (!(dropRate >= 0 && dropRate < 1)) throw new Error(`${owner}: dropRate must be in [0, 1), received ${JSON.stringify(args.dropRate)}`);
  const dropConnectRate = args.dropConnectRate ?? EFFICIENTNET_DEFAULT_DROP_CONNECT_RATE;
  if (!(dropConnectRate >= 0 && dropConnectRate < 1)) {
    throw new Error(`${owner}: dropConnectRate must be in [0, 1), received ${JSON.stringify(args.dropConnectRate)}`);
  }
  const activation = args.activation ?? 'softmax';
  if (activation !== 'softmax' && activation !== 'linear') {
    throw new Error(`${owner}: activation must be 'softmax'|'linear', received ${JSON.stringify(args.activation)}`);
  }
  const pooling = args.pooling ?? 'avg';
  if (pooling !== 'avg' && pooling !== 'width') throw new Error(`${owner}: pooling must be 'avg'|'width', received ${JSON.stringify(args.pooling)}`);
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`${owner}: seed must be an integer, received ${JSON.stringify(args.seed)}`);

  // Keras' initializers; a seeded one per layer (same seed everywhere would repeat weights).
  let seedCounter = args.seed ?? 0;
  const nextSeed = () => (args.seed === undefined ? undefined : seedCounter++);
  const convInit = (): InitializerSpec =>
    tf.initializers.varianceScaling({ scale: 2.0, mode: 'fanOut', distribution: 'truncatedNormal', seed: tfSeed(nextSeed()) });
  const denseInit = (): InitializerSpec =>
    tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanOut', distribution: 'uniform', seed: nextSeed() });

  const { stemFilters, stages, topFilters } = efficientNetStages(args.variant, widthScale);
  const bn = (t: tf.SymbolicTensor, name: string) =>
    tf.layers.batchNormalization({ axis: -1, epsilon: EFFICIENTNET_BN_EPSILON, momentum: EFFICIENTNET_BN_MOMENTUM, name }).apply(t) as tf.SymbolicTensor;
  const swish = (t: tf.SymbolicTensor, name: string) => tf.layers.activation({ activation: 'swish', name }).apply(t) as tf.SymbolicTensor;

  const input = tf.input({ shape, name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  if (args.preprocessing) {
    x = tf.layers.rescaling({ scale: 1 / 255, name: 'rescaling' }).apply(x) as tf.SymbolicTensor;
    x = imageNormalization({ name: 'normalization' }).apply(x) as tf.SymbolicTensor;
  }
  // 'same' equals Keras' correct_pad + 'valid' for the stride-2 3x3 stem.
  x = conv2d({ filters: stemFilters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: convInit(), name: 'stem_conv' }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = bn(x, 'stem_bn');
  x = swish(x, 'stem_activation');

  const totalBlocks = stages.reduce((n, s) => n + s.repeats, 0);
  let b = 0;
  stages.forEach((st, i) => {
    for (let j = 0; j < st.repeats; j++) {
      x = mbConv(x, {
        filtersOut: st.filtersOut,
        expandRatio: st.expandRatio,
        kernelSize: st.kernelSize,
        // Only the stage's first block strides; the others keep filtersIn = filtersOut.
        strides: j === 0 ? st.strides : 1,
        seRatio: EFFICIENTNET_SE_RATIO,
        dropRate: (dropConnectRate * b) / totalBlocks,
        prefix: `block${i + 1}${String.fromCharCode(97 + j)}_`,
        kernelInitializer: convInit,
        seed: nextSeed(),
      });
      b++;
    }
  });

  x = conv2d({ filters: topFilters, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: convInit(), name: 'top_conv' }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = bn(x, 'top_bn');
  x = swish(x, 'top_activation');
  x = (pooling === 'width' ? new WidthAveragePooling2D({ name: 'avg_pool_width' }) : tf.layers.globalAveragePooling2d({ name: 'avg_pool' })).apply(x) as tf.SymbolicTensor;
  // SeededDropout: tfjs' Dropout with a seed would drop the same units on every step.
  if (dropRate > 0) x = new SeededDropout({ rate: dropRate, seed: nextSeed(), name: 'top_dropout' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: args.nClasses, activation, kernelInitializer: denseInit() as ReturnType<typeof tf.initializers.zeros>, name: 'predictions' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: `efficientnet${args.variant}` });
}
