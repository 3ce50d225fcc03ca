/**
 * DepthwiseConv2D layer (tfjs-layers style, NHWC, depth multiplier 1) that
 * trains on every backend, including wasm (no DepthwiseConv2dNativeBackprop*
 * kernels there). EfficientNet's MBConv blocks need it.
 */
import { tf } from '../backend';
import { BaseConv, BaseConvArgs, ConvSpatial } from './baseConv';
import { checkConv2DGeometry, Conv2DGeometryArgs } from './conv2dLayerGeometry';
import { Conv2DPadding } from './convUtil';
import { depthwiseConv2dOp } from './depthwiseConv2dOp';
import { Initializer, InitializerSpec } from './layerUtil';

export const DEPTHWISE_DEFAULT_DEPTH_MULTIPLIER = 1;

export interface DepthwiseConv2DLayerArgs extends BaseConvArgs, Conv2DGeometryArgs {
  /** Output channels per input channel; only 1 is supported. Default 1. */
  depthMultiplier?: number;
  /** Initializer of the [kernelH, kernelW, channels, 1] depthwise kernel. Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerSpec;
}

/** Depthwise 2-D convolution over [batch, height, width, channels] inputs. */
export class DepthwiseConv2D extends BaseConv {
  /** Serialization name; distinct from tfjs-layers' 'DepthwiseConv2D'. */
  static className = 'ReproDepthwiseConv2D';
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Conv2DPadding;
  readonly dilationRate: [number, number];
  readonly depthMultiplier: number;

  constructor(args: DepthwiseConv2DLayerArgs) {
    const owner = 'DepthwiseConv2D';
    const layout = { owner, rank: 4, axes: '[batch, height, width, channels]', kernelName: 'depthwise_kernel', kernelInitializerKey: 'depthwiseInitializer' };
    super(args, layout);
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate } = checkConv2DGeometry(owner, args));
    this.depthMultiplier = args.depthMultiplier ?? DEPTHWISE_DEFAULT_DEPTH_MULTIPLIER;
    if (this.depthMultiplier !== 1) throw new Error(`${owner}: depthMultiplier must be 1 (the only one supported), received ${JSON.stringify(args.depthMultiplier)}`);
  }

  get depthwiseInitializer(): Initializer {
    return this.kernelInit;
  }

  protected spatial(): ConvSpatial {
    return { kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate, padding: this.padding };
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, 1];
  }

  protected outChannels(channels: number | null): number | null {
    return channels;
  }

  /** depthwiseConv2dOp fuses neither bias nor activation: the bias is added here, the activation by BaseConv. */
  protected override fusesActivation(): boolean {
    return false;
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D | undefined): tf.Tensor {
    const y = depthwiseConv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, { strides: this.strides, padding: this.padding, dilations: this.dilationRate, impl: this.impl });
    return bias ? tf.add(y, bias) : y;
  }

  protected geometryConfig(): tf.serialization.ConfigDict {
    return { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, depthMultiplier: this.depthMultiplier };
  }
}
tf.serialization.registerClass(DepthwiseConv2D);

/** Creates a {@link DepthwiseConv2D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function depthwiseConv2d(args: DepthwiseConv2DLayerArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}
