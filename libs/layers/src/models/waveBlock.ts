/**
 * WaveNet residual block and conv-BN-ReLU unit of seeds 000 and 002, built
 * from the library's Conv1D (stock tfjs cannot differentiate dilated Conv1D
 * nor train Conv1D on wasm).
 *
 * Both seeds' `wave_block` are identical, token for token: after the gate
 * (tanh * sigmoid) a 1x1 conv is applied, and THAT 1x1 output is both added
 * to the residual sum and fed to the next dilation's tanh/sigmoid convs. The
 * block returns the residual sum (the input 1x1 projection plus every
 * dilation's 1x1 output), not the last `x`.
 */
import { tf } from '../backend';
import { conv1d } from '../conv';

export interface WaveBlockArgs {
  /** Channels of every conv in the block (the seeds' `filters`). */
  filters: number;
  /** Taps of the dilated tanh/sigmoid convs (the seeds use 3). */
  kernelSize: number;
  /** Number of dilations 1, 2, 4, ..., 2^(nDilations-1) (the seeds' `n`). */
  nDilations: number;
  /**
   * Prefix for layer names, so that several blocks in one model (and weight
   * files) have readable, unique names. Default: tfjs' automatic names.
   */
  prefix?: string;
  /**
   * Seed of the convs' glorot-uniform kernels (Keras' default initializer); conv i of the block
   * gets seed + i. Default: unseeded (two builds start from different weights).
   */
  seed?: number;
}

export interface CbrArgs {
  /** Output channels (the seed's `out_layer`). */
  filters: number;
  /** Conv taps. */
  kernelSize: number;
  /**
   * Conv stride; only 1 is supported by the library's Conv1D (the seeds only
   * use 1). Default 1.
   */
  stride?: number;
  /** Conv dilation. Default 1. */
  dilation?: number;
  /** Prefix for layer names. Default: tfjs' automatic names. */
  prefix?: string;
  /** Seed of the conv's glorot-uniform kernel. Default: unseeded. */
  seed?: number;
}

/** Glorot-uniform kernel initializers seeded seed, seed + 1, ... (tfjs' unseeded default when seed is undefined). */
function kernelInits(seed: number | undefined): () => { kernelInitializer?: ReturnType<typeof tf.initializers.glorotUniform> } {
  let k = 0;
  return () => (seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k++ }) });
}

function checkPositiveInt(owner: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${owner}: ${name} must be a positive integer, received ${JSON.stringify(v)}`);
  }
  return v;
}

function checkRank3(owner: string, x: tf.SymbolicTensor): void {
  if (!(x instanceof tf.SymbolicTensor) || x.shape.length !== 3) {
    const got = x instanceof tf.SymbolicTensor ? `shape ${JSON.stringify(x.shape)}` : String(x);
    throw new Error(`${owner}: x must be a rank-3 SymbolicTensor [batch, time, channels], received ${got}`);
  }
}

/** `${prefix}_${suffix}` when a prefix is given; otherwise undefined (tfjs picks a unique name). */
function named(prefix: string | undefined, suffix: string): string | undefined {
  return prefix === undefined ? undefined : `${prefix}_${suffix}`;
}

/**
 * Seed 000/002's `wave_block(x, filters, kernel_size, n)` on a symbolic
 * [batch, time, channels] tensor; returns [batch, time, filters].
 *
 * Parameters: cin*f + f for the input projection, then per dilation
 * 2*(k*f*f + f) (tanh and sigmoid convs) + f*f + f (1x1 conv).
 */
export function waveBlock(x: tf.SymbolicTensor, args: WaveBlockArgs): tf.SymbolicTensor {
  const owner = 'waveBlock';
  checkRank3(owner, x);
  if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
  const filters = checkPositiveInt(owner, 'filters', args.filters);
  const kernelSize = checkPositiveInt(owner, 'kernelSize', args.kernelSize);
  const n = checkPositiveInt(owner, 'nDilations', args.nDilations);
  const p = args.prefix;
  const init = kernelInits(args.seed);

  x = conv1d({ filters, kernelSize: 1, padding: 'same', name: named(p, 'in'), ...init() }).apply(x) as tf.SymbolicTensor;
  let res = x;
  for (let i = 0; i < n; i++) {
    const dilationRate = 2 ** i;
    const tanhOut = conv1d({ filters, kernelSize, padding: 'same', activation: 'tanh', dilationRate, name: named(p, `d${dilationRate}_tanh`), ...init() }).apply(
      x,
    ) as tf.SymbolicTensor;
    const sigmOut = conv1d({
      filters,
      kernelSize,
      padding: 'same',
      activation: 'sigmoid',
      dilationRate,
      name: named(p, `d${dilationRate}_sigm`),
      ...init(),
    }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.multiply({ name: named(p, `d${dilationRate}_gate`) }).apply([tanhOut, sigmOut]) as tf.SymbolicTensor;
    // The seeds feed this 1x1 output (not the raw gate) to the next dilation.
    x = conv1d({ filters, kernelSize: 1, padding: 'same', name: named(p, `d${dilationRate}_1x1`), ...init() }).apply(x) as tf.SymbolicTensor;
    res = tf.layers.add({ name: named(p, `d${dilationRate}_add`) }).apply([res, x]) as tf.SymbolicTensor;
  }
  return res;
}

/** Seed 000's `cbr`: Conv1D('same') -> BatchNormalization -> ReLU. */
export function cbr(x: tf.SymbolicTensor, args: CbrArgs): tf.SymbolicTensor {
  const owner = 'cbr';
  checkRank3(owner, x);
  if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
  const filters = checkPositiveInt(owner, 'filters', args.filters);
  const kernelSize = checkPositiveInt(owner, 'kernelSize', args.kernelSize);
  const stride = checkPositiveInt(owner, 'stride', args.stride ?? 1);
  // The library's Conv1D is stride-1 only; the seeds never stride.
  if (stride !== 1) throw new Error(`${owner}: stride must be 1 (Conv1D here is stride-1 only), received ${stride}`);
  const dilationRate = checkPositiveInt(owner, 'dilation', args.dilation ?? 1);
  const p = args.prefix;
  x = conv1d({ filters, kernelSize, dilationRate, padding: 'same', name: named(p, 'conv'), ...kernelInits(args.seed)() }).apply(x) as tf.SymbolicTensor;
  // Keras defaults (momentum 0.99, epsilon 1e-3), as the seed's BatchNormalization().
  x = tf.layers.batchNormalization({ name: named(p, 'bn') }).apply(x) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu', name: named(p, 'relu') }).apply(x) as tf.SymbolicTensor;
}

/** Parameter count of one {@link waveBlock} on `inChannels` input channels (the formula in its doc). */
export function waveBlockParamCount(inChannels: number, args: WaveBlockArgs): number {
  const { filters: f, kernelSize: k, nDilations: n } = args;
  return inChannels * f + f + n * (2 * (k * f * f + f) + f * f + f);
}
