/**
 * What the conv layers (Conv1D, Conv2D, DepthwiseConv2D) share, as tfjs-layers'
 * own BaseConv: the activation / bias / initializer / impl arguments and their
 * checks, weight creation, the fused call and getConfig. Each layer adds its
 * geometry (kernel size, strides, dilation, padding) and its op.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { FUSED_CONV_ACTIVATIONS, FusedConvActivation } from './conv2dOp';
import { checkOneOf, CONV_IMPLS, Conv1DPadding, ConvImpl } from './convUtil';
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

export const CONV_DEFAULT_ACTIVATION: ActivationIdentifier = 'linear';
export const CONV_DEFAULT_USE_BIAS = true;
export const CONV_DEFAULT_KERNEL_INITIALIZER: InitializerSpec = 'glorotUniform';
export const CONV_DEFAULT_BIAS_INITIALIZER: InitializerSpec = 'zeros';
export const CONV_DEFAULT_IMPL: ConvImpl = 'auto';

/** Arguments every conv layer takes besides its geometry (and its kernel initializer, named per layer). */
export interface BaseConvArgs extends LayerArgs {
  /** Activation applied after the bias. Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Whether to add a learned bias per output channel. Default true. */
  useBias?: boolean;
  /** Initializer of the bias (one value per output channel). Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Gradient formulation (see ConvImpl); 'auto' picks per backend at call time. Default 'auto'. */
  impl?: ConvImpl;
}

/** How a conv layer names and lays out its input and kernel (fixed per class). */
export interface ConvLayout {
  /** Names the layer in error messages. */
  owner: string;
  /** Input rank and its axes, e.g. 4 and '[batch, height, width, channels]'. */
  rank: number;
  axes: string;
  /** The kernel's weight name ('kernel', 'depthwise_kernel'). */
  kernelName: string;
  /** The kernel initializer's argument and config key ('kernelInitializer', 'depthwiseInitializer'). */
  kernelInitializerKey: string;
}

/** Spatial geometry, one entry per spatial axis. */
export interface ConvSpatial {
  kernelSize: number[];
  strides: number[];
  dilationRate: number[];
  padding: Conv1DPadding;
}

/** The shared part of Conv1D, Conv2D and DepthwiseConv2D. */
export abstract class BaseConv extends tf.layers.Layer {
  readonly activation: ActivationIdentifier;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;
  readonly impl: ConvImpl;
  protected readonly layout: ConvLayout;
  /** The kernel's initializer (public under the layout's kernelInitializerKey). */
  protected readonly kernelInit: Initializer;
  protected readonly activationFn: (x: tf.Tensor) => tf.Tensor;
  protected kernel?: tf.LayerVariable;
  protected bias?: tf.LayerVariable;

  /**
   * Checks the shared arguments. Subclasses check their geometry after this
   * call, so where several arguments are wrong the shared one is reported.
   */
  protected constructor(args: BaseConvArgs, layout: ConvLayout) {
    super(args);
    const owner = layout.owner;
    if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
    this.layout = layout;
    this.activation = args.activation ?? CONV_DEFAULT_ACTIVATION;
    this.activationFn = getActivation(owner, this.activation);
    this.useBias = args.useBias ?? CONV_DEFAULT_USE_BIAS;
    if (typeof this.useBias !== 'boolean') throw new Error(`${owner}: useBias must be a boolean, received ${JSON.stringify(args.useBias)}`);
    const key = layout.kernelInitializerKey;
    const kernelSpec = (args as Record<string, unknown>)[key] as InitializerSpec | undefined;
    this.kernelInit = getInitializer(owner, key, kernelSpec ?? CONV_DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = getInitializer(owner, 'biasInitializer', args.biasInitializer ?? CONV_DEFAULT_BIAS_INITIALIZER);
    this.impl = checkOneOf(owner, 'impl', args.impl ?? CONV_DEFAULT_IMPL, CONV_IMPLS);
  }

  /** Spatial geometry, for the output shape. */
  protected abstract spatial(): ConvSpatial;
  /** Kernel shape for `channels` input channels. */
  protected abstract kernelShape(channels: number): number[];
  /** Output channels for `channels` input channels (also the bias length). */
  protected abstract outChannels(channels: number | null): number | null;
  /** The layer's own config entries (geometry), in the order getConfig writes them. */
  protected abstract geometryConfig(): tf.serialization.ConfigDict;
  /**
   * The convolution of x with the kernel. Layers whose op fuses bias and
   * activation get them here (activation 'linear' when the layer applies its
   * own afterwards); others add the bias themselves and get 'linear'.
   */
  protected abstract convolve(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D | undefined, activation: FusedConvActivation): tf.Tensor;
  /** Whether the op fuses the activation (DepthwiseConv2D's does not). */
  protected fusesActivation(): boolean {
    return true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const { owner, rank, axes, kernelName } = this.layout;
    const shape = oneShape(owner, inputShape);
    if (shape.length !== rank) throw new Error(`${owner}: input must be rank ${rank} ${axes}, received shape [${shape}]`);
    const cin = shape[rank - 1];
    if (cin === null) throw new Error(`${owner}: the channel dimension of the input must be defined, received shape [${shape}]`);
    this.kernel = this.addWeight(kernelName, this.kernelShape(cin), 'float32', this.kernelInit, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [this.outChannels(cin)!], 'float32', this.biasInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShape(this.layout.owner, inputShape);
    const { kernelSize, strides, dilationRate, padding } = this.spatial();
    const lengths = kernelSize.map((k, i) => convOutLength(s[1 + i], k, strides[i], dilationRate[i], padding));
    return [s[0], ...lengths, this.outChannels(s[kernelSize.length + 1])];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.layout.owner, inputs);
      // Bias and (derivable-from-output) activations are fused into the op's tape node.
      const fused = this.fusesActivation() && FUSED_CONV_ACTIVATIONS.includes(this.activation as FusedConvActivation);
      const y = this.convolve(x, this.kernel!.read(), this.bias?.read() as tf.Tensor1D | undefined, fused ? (this.activation as FusedConvActivation) : 'linear');
      return fused ? y : this.activationFn(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...this.geometryConfig(),
      activation: this.activation,
      useBias: this.useBias,
      [this.layout.kernelInitializerKey]: serializeInitializer(this.kernelInit),
      biasInitializer: serializeInitializer(this.biasInitializer),
      impl: this.impl,
    };
  }
}
