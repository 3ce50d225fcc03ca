/**
 * Conv2D layer (tfjs-layers style, NHWC) that trains on every backend,
 * including wasm (no Conv2DBackpropFilter kernel there).
 */
import { tf } from '../backend';
import { BaseConv, BaseConvArgs, ConvSpatial } from './baseConv';
import { conv2dOp, FusedConvActivation } from './conv2dOp';
import { checkConv2DGeometry, Conv2DGeometryArgs } from './conv2dLayerGeometry';
import { checkInt, Conv2DPadding } from './convUtil';
import { Initializer, InitializerSpec } from './layerUtil';

export interface Conv2DLayerArgs extends BaseConvArgs, Conv2DGeometryArgs {
  /** Number of output channels. */
  filters: number;
  /** Initializer of the [kernelH, kernelW, inChannels, filters] kernel. Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
}

/** 2-D convolution over [batch, height, width, channels] inputs. */
export class Conv2D extends BaseConv {
  /** Serialization name; distinct from tfjs-layers' 'Conv2D'. */
  static className = 'ReproConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Conv2DPadding;
  readonly dilationRate: [number, number];

  constructor(args: Conv2DLayerArgs) {
    const owner = 'Conv2D';
    super(args, { owner, rank: 4, axes: '[batch, height, width, channels]', kernelName: 'kernel', kernelInitializerKey: 'kernelInitializer' });
    this.filters = checkInt(owner, 'filters', args.filters);
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate } = checkConv2DGeometry(owner, args));
  }

  get kernelInitializer(): Initializer {
    return this.kernelInit;
  }

  protected spatial(): ConvSpatial {
    return { kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate, padding: this.padding };
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected outChannels(): number {
    return this.filters;
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D | undefined, activation: FusedConvActivation): tf.Tensor {
    const options = { strides: this.strides, padding: this.padding, dilations: this.dilationRate, impl: this.impl, bias, activation };
    return conv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, options);
  }

  protected geometryConfig(): tf.serialization.ConfigDict {
    return { filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
  }
}
tf.serialization.registerClass(Conv2D);

/** Creates a {@link Conv2D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function conv2d(args: Conv2DLayerArgs): Conv2D {
  return new Conv2D(args);
}
