/**
 * EfficientNet's MBConv block (Keras `efficientnet.block`): 1x1 expansion ->
 * depthwise conv -> squeeze-excitation -> 1x1 projection, with a drop-connect
 * residual when shape allows. Layer names follow Keras (`block2a_expand_conv`,
 * `block2a_dwconv`, `block2a_bn`, `block2a_project_conv`, ...).
 */
import { tf } from '../backend';
import { conv2d, depthwiseConv2d, type InitializerSpec } from '../conv';
import { dropConnect } from './dropConnect';
import { squeezeExcite } from './squeezeExcite';

/** Keras' BatchNormalization defaults, which EfficientNet keeps. */
export const EFFICIENTNET_BN_EPSILON = 1e-3;
export const EFFICIENTNET_BN_MOMENTUM = 0.99;

export interface MBConvArgs {
  /** Output channels. */
  filtersOut: number;
  /** Expansion ratio of the inverted bottleneck (1: no expansion conv). */
  expandRatio: number;
  /** Depthwise kernel size. */
  kernelSize: number;
  /** Depthwise stride (1 or 2). */
  strides: number;
  /** Squeeze-excitation ratio of the *input* channels; 0 disables SE. Default 0.25. */
  seRatio?: number;
  /** Drop-connect rate of the residual branch (training only). Default 0. */
  dropRate?: number;
  /** Layer-name prefix, e.g. 'block2a_'. */
  prefix: string;
  /**
   * Makes the kernel initializer of each conv; called once per conv so that a
   * seeded initializer gives every conv its own stream. Default: 'glorotUniform'.
   */
  kernelInitializer?: () => InitializerSpec;
  /** Seed of the drop-connect masks. */
  seed?: number;
}

function bn(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.batchNormalization({ axis: -1, epsilon: EFFICIENTNET_BN_EPSILON, momentum: EFFICIENTNET_BN_MOMENTUM, name }).apply(x) as tf.SymbolicTensor;
}

function act(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'swish', name }).apply(x) as tf.SymbolicTensor;
}

/** One MBConv block on a [batch, h, w, cin] tensor. */
export function mbConv(x: tf.SymbolicTensor, args: MBConvArgs): tf.SymbolicTensor {
  const owner = 'mbConv';
  if (x.shape.length !== 4 || x.shape[3] === null) {
    throw new Error(`${owner}: x must be [batch, h, w, c] with known c, received shape ${JSON.stringify(x.shape)}`);
  }
  for (const k of ['filtersOut', 'expandRatio', 'kernelSize', 'strides'] as const) {
    if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`${owner}: ${k} must be a positive integer, received ${JSON.stringify(args[k])}`);
  }
  const seRatio = args.seRatio ?? 0.25;
  const dropRate = args.dropRate ?? 0;
  if (!(seRatio >= 0 && seRatio <= 1)) throw new Error(`${owner}: seRatio must be in [0, 1], received ${seRatio}`);
  const p = args.prefix;
  const init = args.kernelInitializer;
  const filtersIn = x.shape[3];
  const filters = filtersIn * args.expandRatio;
  const inputs = x;

  if (args.expandRatio !== 1) {
    x = conv2d({ filters, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: init?.(), name: `${p}expand_conv` }).apply(x) as tf.SymbolicTensor;
    x = bn(x, `${p}expand_bn`);
    x = act(x, `${p}expand_activation`);
  }
  // Keras zero-pads by correct_pad then convs 'valid' for stride 2; that equals
  // TensorFlow's 'same' split (extra pad at the end) for these odd kernels.
  x = depthwiseConv2d({
    kernelSize: args.kernelSize,
    strides: args.strides,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: init?.(),
    name: `${p}dwconv`,
  }).apply(x) as tf.SymbolicTensor;
  x = bn(x, `${p}bn`);
  x = act(x, `${p}activation`);
  if (seRatio > 0) x = squeezeExcite(x, { reducedFilters: Math.max(1, Math.floor(filtersIn * seRatio)), prefix: p, kernelInitializer: init });
  x = conv2d({ filters: args.filtersOut, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: init?.(), name: `${p}project_conv` }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = bn(x, `${p}project_bn`);
  if (args.strides === 1 && filtersIn === args.filtersOut) {
    if (dropRate > 0) x = dropConnect({ rate: dropRate, seed: args.seed, name: `${p}drop` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `${p}add` }).apply([x, inputs]) as tf.SymbolicTensor;
  }
  return x;
}
