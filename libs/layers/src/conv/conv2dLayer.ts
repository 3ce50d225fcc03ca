/**
 * Conv2D layer (tfjs-layers style, NHWC) that trains on every backend,
 * including wasm (no Conv2DBackpropFilter kernel there).
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
import { conv2dOp, CONV2D_PADDINGS, FUSED_CONV_ACTIVATIONS, FusedConvActivation } from './conv2dOp';
import { checkInt, checkOneOf, checkPair, CONV_IMPLS, Conv2DPadding, ConvImpl } from './convUtil';
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

export const CONV2D_DEFAULT_STRIDES = 1;
export const CONV2D_DEFAULT_DILATION_RATE = 1;
export const CONV2D_DEFAULT_PADDING: Conv2DPadding = 'valid';

export interface Conv2DLayerArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Kernel size, one number or [height, width]. */
  kernelSize: number | [number, number];
  /** Stride, one number or [height, width]. Default 1. */
  strides?: number | [number, number];
  /** 'valid' (no padding) or 'same' (output = ceil(input / stride), TensorFlow's split). Default 'valid'. */
  padding?: Conv2DPadding;
  /** Dilation rate, one number or [height, width]; > 1 only with stride 1. Default 1. */
  dilationRate?: number | [number, number];
  /** Activation applied after the bias. Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Whether to add a learned bias per filter. Default true. */
  useBias?: boolean;
  /** Initializer of the [kernelH, kernelW, inChannels, filters] kernel. Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the [filters] bias. Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Gradient formulation (see ConvImpl); 'auto' picks per backend at call time. Default 'auto'. */
  impl?: ConvImpl;
}

/** 2-D convolution over [batch, height, width, channels] inputs. */
export class Conv2D extends tf.layers.Layer {
  /** Serialization name; distinct from tfjs-layers' 'Conv2D'. */
  static className = 'ReproConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Conv2DPadding;
  readonly dilationRate: [number, number];
  readonly activation: ActivationIdentifier;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly impl: ConvImpl;
  private readonly activationFn: (x: tf.Tensor) => tf.Tensor;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: Conv2DLayerArgs) {
    super(args);
    const owner = 'Conv2D';
    if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
    this.filters = checkInt(owner, 'filters', args.filters);
    this.kernelSize = checkPair(owner, 'kernelSize', args.kernelSize);
    this.strides = checkPair(owner, 'strides', args.strides ?? CONV2D_DEFAULT_STRIDES);
    this.padding = checkOneOf(owner, 'padding', args.padding ?? CONV2D_DEFAULT_PADDING, CONV2D_PADDINGS);
    this.dilationRate = checkPair(owner, 'dilationRate', args.dilationRate ?? CONV2D_DEFAULT_DILATION_RATE);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new Error(`${owner}: strides [${this.strides}] and dilationRate [${this.dilationRate}] cannot both exceed 1`);
    }
    this.activation = args.activation ?? CONV_DEFAULT_ACTIVATION;
    this.activationFn = getActivation(owner, this.activation);
    this.useBias = args.useBias ?? CONV_DEFAULT_USE_BIAS;
    if (typeof this.useBias !== 'boolean') throw new Error(`${owner}: useBias must be a boolean, received ${JSON.stringify(args.useBias)}`);
    this.kernelInitializer = getInitializer(owner, 'kernelInitializer', args.kernelInitializer ?? CONV_DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = getInitializer(owner, 'biasInitializer', args.biasInitializer ?? CONV_DEFAULT_BIAS_INITIALIZER);
    this.impl = checkOneOf(owner, 'impl', args.impl ?? CONV_DEFAULT_IMPL, CONV_IMPLS);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape('Conv2D', inputShape);
    if (shape.length !== 4) throw new Error(`Conv2D: input must be rank 4 [batch, height, width, channels], received shape [${shape}]`);
    const cin = shape[3];
    if (cin === null) throw new Error(`Conv2D: the channel dimension of the input must be defined, received shape [${shape}]`);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, cin, this.filters], 'float32', this.kernelInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape('Conv2D', inputShape);
    return [
      s[0],
      convOutLength(s[1], this.kernelSize[0], this.strides[0], this.dilationRate[0], this.padding),
      convOutLength(s[2], this.kernelSize[1], this.strides[1], this.dilationRate[1], this.padding),
      this.filters,
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor('Conv2D', inputs) as tf.Tensor4D;
      // Bias and (derivable-from-output) activations are fused into the op's tape node.
      const fused = FUSED_CONV_ACTIVATIONS.includes(this.activation as FusedConvActivation);
      const y: tf.Tensor = conv2dOp(x, this.kernel!.read() as tf.Tensor4D, {
        strides: this.strides,
        padding: this.padding,
        dilations: this.dilationRate,
        impl: this.impl,
        bias: this.bias?.read() as tf.Tensor1D | undefined,
        activation: fused ? (this.activation as FusedConvActivation) : 'linear',
      });
      return fused ? y : this.activationFn(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      impl: this.impl,
    };
  }
}
tf.serialization.registerClass(Conv2D);

/** Creates a {@link Conv2D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function conv2d(args: Conv2DLayerArgs): Conv2D {
  return new Conv2D(args);
}
