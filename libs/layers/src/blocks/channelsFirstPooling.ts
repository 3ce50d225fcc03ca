/**
 * Keras `MaxPooling1D(data_format='channels_first')` and
 * `AveragePooling1D(data_format='channels_first')` as used by the ion-switching
 * seed 000 on [batch, steps, channels] tensors. With channels_first Keras reads
 * the input as [batch, channels, steps], so axis 1 is left alone and the
 * pooling runs along the LAST axis: [B, T, C] -> [B, T, floor((C - pool) / stride) + 1]
 * (defaults pool 2, stride 2, 'valid': [B, T, floor(C / 2)]).
 *
 * Built from slice / pad / reshape and max / mean (no pooling kernels), so it
 * trains on every backend, wasm included. Only 'valid' padding. The max
 * gradient goes to every tied maximum of a window (tf.max's gradient), where
 * TensorFlow's MaxPool picks one; ties have probability zero on real data.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { checkInt, checkOneOf, fail, oneShape, oneTensor } from './util';

export const CHANNELS_FIRST_POOL_DEFAULT_SIZE = 2;

export interface ChannelsFirstPooling1DLayerArgs extends LayerArgs {
  /** Window length along the last axis (Keras `pool_size`). Default 2. */
  poolSize?: number | [number];
  /** Step between windows (Keras `strides`). Default: poolSize. */
  strides?: number | [number];
  /** Only 'valid' (no padding; a partial window at the end is dropped). Default 'valid'. */
  padding?: 'valid';
}

type Reducer = 'max' | 'avg';

function single(where: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return checkInt(where, name, n, 1);
}

/** Pooled length of an axis of length n ('valid'). */
export function pooledLength(n: number, poolSize: number, strides: number): number {
  return n < poolSize ? 0 : Math.floor((n - poolSize) / strides) + 1;
}

/**
 * Windows of the last axis as a new trailing axis: [..., C] -> [..., out, poolSize].
 * Strided windows use slice + pad + reshape (all differentiable everywhere).
 */
export function lastAxisWindows(x: tf.Tensor, poolSize: number, strides: number): tf.Tensor {
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1];
    const out = pooledLength(c, poolSize, strides);
    const lead = x.shape.slice(0, -1);
    const begin = x.shape.map(() => 0);
    const size = (len: number) => [...lead, len];
    if (out === 0) fail('channelsFirstPooling', 'input', `a last axis of length >= poolSize ${poolSize}`, `shape [${x.shape}]`);
    if (strides === poolSize) {
      const used = tf.slice(x, begin, size(out * poolSize));
      return tf.reshape(used, [...lead, out, poolSize]);
    }
    const span = (out - 1) * strides + 1;
    const taps: tf.Tensor[] = [];
    for (let j = 0; j < poolSize; j++) {
      const b = [...begin];
      b[b.length - 1] = j;
      let s = tf.slice(x, b, size(span)); // elements j, j+1, ..., j+(out-1)*strides
      if (strides > 1) {
        const pads: [number, number][] = x.shape.map(() => [0, 0] as [number, number]);
        pads[pads.length - 1] = [0, out * strides - span];
        s = tf.reshape(tf.pad(s, pads), [...lead, out, strides]);
        s = tf.slice(s, [...begin, 0], [...lead, out, 1]); // every strides-th: [..., out, 1]
      } else {
        s = tf.expandDims(s, -1);
      }
      taps.push(s);
    }
    return tf.concat(taps, -1);
  });
}

/** Common part of the two pooling layers. */
export abstract class ChannelsFirstPooling1D extends tf.layers.Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'valid';
  protected abstract readonly reducer: Reducer;
  /** Class name used in error messages. */
  protected readonly where: string;

  constructor(args: ChannelsFirstPooling1DLayerArgs = {}, where: string) {
    super(args ?? {});
    this.where = where;
    const a = args ?? {};
    if (typeof a !== 'object') fail(where, 'args', 'an options object', a);
    this.poolSize = single(where, 'poolSize', a.poolSize ?? CHANNELS_FIRST_POOL_DEFAULT_SIZE);
    this.strides = single(where, 'strides', a.strides ?? this.poolSize);
    this.padding = checkOneOf(where, 'padding', a.padding ?? 'valid', ['valid'] as const);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape(this.where, inputShape);
    if (s.length !== 3) fail(this.where, 'input shape', 'rank 3 [batch, steps, channels]', `[${s}]`);
    const c = s[2];
    if (c !== null && c < this.poolSize) fail(this.where, 'input shape', `a last dimension >= poolSize ${this.poolSize}`, `[${s}]`);
    return [s[0], s[1], c === null ? null : pooledLength(c, this.poolSize, this.strides)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.where, inputs);
      if (x.rank !== 3) fail(this.where, 'input', 'rank 3 [batch, steps, channels]', `shape [${x.shape}]`);
      const w = lastAxisWindows(x, this.poolSize, this.strides);
      return this.reducer === 'max' ? tf.max(w, -1) : tf.mean(w, -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** Keras MaxPooling1D(data_format='channels_first') on [B, T, C]: max over windows of the last axis. */
export class MaxPooling1DChannelsFirst extends ChannelsFirstPooling1D {
  static className = 'ReproMaxPooling1DChannelsFirst';
  protected readonly reducer: Reducer = 'max';
  constructor(args: ChannelsFirstPooling1DLayerArgs = {}) {
    super(args, 'MaxPooling1DChannelsFirst');
  }
}
tf.serialization.registerClass(MaxPooling1DChannelsFirst);

/** Keras AveragePooling1D(data_format='channels_first') on [B, T, C]: mean over windows of the last axis. */
export class AveragePooling1DChannelsFirst extends ChannelsFirstPooling1D {
  static className = 'ReproAveragePooling1DChannelsFirst';
  protected readonly reducer: Reducer = 'avg';
  constructor(args: ChannelsFirstPooling1DLayerArgs = {}) {
    super(args, 'AveragePooling1DChannelsFirst');
  }
}
tf.serialization.registerClass(AveragePooling1DChannelsFirst);

/** Creates a {@link MaxPooling1DChannelsFirst} (defaults pool 2, stride 2, 'valid'). */
export function maxPooling1dChannelsFirst(args: ChannelsFirstPooling1DLayerArgs = {}): MaxPooling1DChannelsFirst {
  return new MaxPooling1DChannelsFirst(args);
}

/** Creates an {@link AveragePooling1DChannelsFirst} (defaults pool 2, stride 2, 'valid'). */
export function averagePooling1dChannelsFirst(args: ChannelsFirstPooling1DLayerArgs = {}): AveragePooling1DChannelsFirst {
  return new AveragePooling1DChannelsFirst(args);
}
