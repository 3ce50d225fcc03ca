/**
 * DepthwiseConv2D layer (tfjs-layers style, NHWC, depth multiplier 1) that
 * trains on every backend, including wasm (no DepthwiseConv2dNativeBackprop*
 * kernels there). EfficientNet's MBConv blocks need it.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import {
  CONV_DEFAULT_ACTIVATION,
  CONV_DEFAULT_BIAS_INITIALIZER,
  CONV_DEFAULT_IMPL,
  CONV_DEFAULT_KERNEL_INITIALIZER,
  CONV_DEFAULT_USE_BIAS,
} from './conv1dLayer';
import { CONV2D_DEFAULT_DILATION_RATE, CONV2D_DEFAULT_PADDING, CONV2D_DEFAULT_STRIDES } from './conv2dLayer';
import { CONV2D_PADDINGS } from './conv2dOp';
import { depthwiseConv2dOp } from './depthwiseConv2dOp';
import { checkOneOf, checkPair, CONV_IMPLS, Conv2DPadding, ConvImpl } from './convUtil';
import {
  ActivationIdentifier,
  convOutLength,
  getActivation,
  getInitializer,
  Initializer,
  InitializerSpec,
  oneShape,
  oneTensor,
  serializeInitializer,
} from './layerUtil';

export const DEPTHWISE_DEFAULT_DEPTH_MULTIPLIER = 1;

export interface DepthwiseConv2DLayerArgs extends LayerArgs {
  /** Kernel size, one number or [height, width]. */
  kernelSize: number | [number, number];
  /** Stride, one number or [height, width]. Default 1. */
  strides?: number | [number, number];
  /** 'valid' (no padding) or 'same' (output = ceil(input / stride), TensorFlow's split). Default 'valid'. */
  padding?: Conv2DPadding;
  /** Dilation rate, one number or [height, width]; > 1 only with stride 1. Default 1. */
  dilationRate?: number | [number, number];
  /** Output channels per input channel; only 1 is supported. Default 1. */
  depthMultiplier?: number;
  /** Activation applied after the bias. Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Whether to add a learned bias per channel. Default true. */
  useBias?: boolean;
  /** Initializer of the [kernelH, kernelW, channels, 1] depthwise kernel. Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerSpec;
  /** Initializer of the [channels] bias. Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Gradient formulation (see ConvImpl); 'auto' picks per backend at call time. Default 'auto'. */
  impl?: ConvImpl;
}

/** Depthwise 2-D convolution over [batch, height, width, channels] inputs. */
export class DepthwiseConv2D extends tf.layers.Layer {
  /** Serialization name; distinct from tfjs-layers' 'DepthwiseConv2D'. */
  static className = 'ReproDepthwiseConv2D';
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Conv2DPadding;
  readonly dilationRate: [number, number];
  readonly depthMultiplier: number;
  readonly activation: ActivationIdentifier;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly impl: ConvImpl;
  private readonly activationFn: (x: tf.Tensor) => tf.Tensor;
  private depthwiseKernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: DepthwiseConv2DLayerArgs) {
    super(args);
    const owner = 'DepthwiseConv2D';
    if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
    this.kernelSize = checkPair(owner, 'kernelSize', args.kernelSize);
    this.strides = checkPair(owner, 'strides', args.strides ?? CONV2D_DEFAULT_STRIDES);
    this.padding = checkOneOf(owner, 'padding', args.padding ?? CONV2D_DEFAULT_PADDING, CONV2D_PADDINGS);
    this.dilationRate = checkPair(owner, 'dilationRate', args.dilationRate ?? CONV2D_DEFAULT_DILATION_RATE);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new Error(`${owner}: strides [${this.strides}] and dilationRate [${this.dilationRate}] cannot both exceed 1`);
    }
    this.depthMultiplier = args.depthMultiplier ?? DEPTHWISE_DEFAULT_DEPTH_MULTIPLIER;
    if (this.depthMultiplier !== 1) throw new Error(`${owner}: depthMultiplier must be 1 (the only one supported), received ${JSON.stringify(args.depthMultiplier)}`);
    this.activation = args.activation ?? CONV_DEFAULT_ACTIVATION;
    this.activationFn = getActivation(owner, this.activation);
    this.useBias = args.useBias ?? CONV_DEFAULT_USE_BIAS;
    if (typeof this.useBias !== 'boolean') throw new Error(`${owner}: useBias must be a boolean, received ${JSON.stringify(args.useBias)}`);
    this.depthwiseInitializer = getInitializer(owner, 'depthwiseInitializer', args.depthwiseInitializer ?? CONV_DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = getInitializer(owner, 'biasInitializer', args.biasInitializer ?? CONV_DEFAULT_BIAS_INITIALIZER);
    this.impl = checkOneOf(owner, 'impl', args.impl ?? CONV_DEFAULT_IMPL, CONV_IMPLS);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape('DepthwiseConv2D', inputShape);
    if (shape.length !== 4) throw new Error(`DepthwiseConv2D: input must be rank 4 [batch, height, width, channels], received shape [${shape}]`);
    const c = shape[3];
    if (c === null) throw new Error(`DepthwiseConv2D: the channel dimension of the input must be defined, received shape [${shape}]`);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, 1], 'float32', this.depthwiseInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [c], 'float32', this.biasInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape('DepthwiseConv2D', inputShape);
    return [
      s[0],
      convOutLength(s[1], this.kernelSize[0], this.strides[0], this.dilationRate[0], this.padding),
      convOutLength(s[2], this.kernelSize[1], this.strides[1], this.dilationRate[1], this.padding),
      s[3],
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor('DepthwiseConv2D', inputs) as tf.Tensor4D;
      let y: tf.Tensor = depthwiseConv2dOp(x, this.depthwiseKernel!.read() as tf.Tensor4D, {
        strides: this.strides,
        padding: this.padding,
        dilations: this.dilationRate,
        impl: this.impl,
      });
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activationFn(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      depthMultiplier: this.depthMultiplier,
      activation: this.activation,
      useBias: this.useBias,
      depthwiseInitializer: serializeInitializer(this.depthwiseInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      impl: this.impl,
    };
  }
}
tf.serialization.registerClass(DepthwiseConv2D);

/** Creates a {@link DepthwiseConv2D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function depthwiseConv2d(args: DepthwiseConv2DLayerArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}
