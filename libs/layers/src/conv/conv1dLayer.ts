/**
 * Conv1D layer (tfjs-layers style) that trains on every backend, including
 * wasm and dilation > 1 (which stock tfjs cannot differentiate), and supports
 * 'causal' padding (not implemented in tfjs-layers' conv1d).
 */
import { tf } from '../backend';
import { BaseConv, BaseConvArgs, ConvSpatial } from './baseConv';
import { conv1dOp, CONV1D_PADDINGS } from './conv1dOp';
import { FusedConvActivation } from './conv2dOp';
import { checkInt, checkOneOf, Conv1DPadding } from './convUtil';
import { Initializer, InitializerSpec } from './layerUtil';

export const CONV1D_DEFAULT_DILATION_RATE = 1;
export const CONV1D_DEFAULT_PADDING: Conv1DPadding = 'valid';

export interface Conv1DLayerArgs extends BaseConvArgs {
  /** Number of output channels. */
  filters: number;
  /** Kernel length (taps), a number or a one-element array. */
  kernelSize: number | [number];
  /** Spacing between kernel taps (atrous convolution). Default 1. */
  dilationRate?: number | [number];
  /**
   * 'valid' (no padding), 'same' (output length = input length) or 'causal'
   * (left-pad (kernelSize-1)*dilationRate: output t depends on inputs <= t).
   * Default 'valid'.
   */
  padding?: Conv1DPadding;
  /** Initializer of the [kernelSize, inChannels, filters] kernel. Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
}

function single(owner: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return checkInt(owner, name, n);
}

/** 1-D convolution over [batch, time, channels] inputs. */
export class Conv1D extends BaseConv {
  /** Serialization name; distinct from tfjs-layers' 'Conv1D' so stock models still load as stock layers. */
  static className = 'ReproConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilationRate: number;
  readonly padding: Conv1DPadding;

  constructor(args: Conv1DLayerArgs) {
    const owner = 'Conv1D';
    super(args, { owner, rank: 3, axes: '[batch, time, channels]', kernelName: 'kernel', kernelInitializerKey: 'kernelInitializer' });
    this.filters = checkInt(owner, 'filters', args.filters);
    this.kernelSize = single(owner, 'kernelSize', args.kernelSize);
    this.dilationRate = single(owner, 'dilationRate', args.dilationRate ?? CONV1D_DEFAULT_DILATION_RATE);
    this.padding = checkOneOf(owner, 'padding', args.padding ?? CONV1D_DEFAULT_PADDING, CONV1D_PADDINGS);
  }

  get kernelInitializer(): Initializer {
    return this.kernelInit;
  }

  protected spatial(): ConvSpatial {
    return { kernelSize: [this.kernelSize], strides: [1], dilationRate: [this.dilationRate], padding: this.padding };
  }

  protected kernelShape(channels: number): number[] {
    return [this.kernelSize, channels, this.filters];
  }

  protected outChannels(): number {
    return this.filters;
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D | undefined, activation: FusedConvActivation): tf.Tensor {
    return conv1dOp(x as tf.Tensor3D, kernel as tf.Tensor3D, { dilation: this.dilationRate, padding: this.padding, impl: this.impl, bias, activation });
  }

  protected geometryConfig(): tf.serialization.ConfigDict {
    return { filters: this.filters, kernelSize: this.kernelSize, dilationRate: this.dilationRate, padding: this.padding };
  }
}
tf.serialization.registerClass(Conv1D);

/** Creates a {@link Conv1D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function conv1d(args: Conv1DLayerArgs): Conv1D {
  return new Conv1D(args);
}
