/**
 * Conv1D layer (tfjs-layers style) that trains on every backend, including
 * wasm and dilation > 1 (which stock tfjs cannot differentiate), and supports
 * 'causal' padding (not implemented in tfjs-layers' conv1d).
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { conv1dOp, CONV1D_PADDINGS } from './conv1dOp';
import { FUSED_CONV_ACTIVATIONS, FusedConvActivation } from './conv2dOp';
import { checkInt, checkOneOf, CONV_IMPLS, Conv1DPadding, ConvImpl } from './convUtil';
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

export const CONV1D_DEFAULT_DILATION_RATE = 1;
export const CONV1D_DEFAULT_PADDING: Conv1DPadding = 'valid';
export const CONV_DEFAULT_ACTIVATION: ActivationIdentifier = 'linear';
export const CONV_DEFAULT_USE_BIAS = true;
export const CONV_DEFAULT_KERNEL_INITIALIZER: InitializerSpec = 'glorotUniform';
export const CONV_DEFAULT_BIAS_INITIALIZER: InitializerSpec = 'zeros';
export const CONV_DEFAULT_IMPL: ConvImpl = 'auto';

export interface Conv1DLayerArgs extends LayerArgs {
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
  /** Activation applied after the bias. Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Whether to add a learned bias per filter. Default true. */
  useBias?: boolean;
  /** Initializer of the [kernelSize, inChannels, filters] kernel. Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the [filters] bias. Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Gradient formulation (see ConvImpl); 'auto' picks per backend at call time. Default 'auto'. */
  impl?: ConvImpl;
}

function single(owner: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return checkInt(owner, name, n);
}

/** 1-D convolution over [batch, time, channels] inputs. */
export class Conv1D extends tf.layers.Layer {
  /** Serialization name; distinct from tfjs-layers' 'Conv1D' so stock models still load as stock layers. */
  static className = 'ReproConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilationRate: number;
  readonly padding: Conv1DPadding;
  readonly activation: ActivationIdentifier;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly impl: ConvImpl;
  private readonly activationFn: (x: tf.Tensor) => tf.Tensor;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: Conv1DLayerArgs) {
    super(args);
    const owner = 'Conv1D';
    if (!args || typeof args !== 'object') throw new Error(`${owner}: expected an args object, received ${JSON.stringify(args)}`);
    this.filters = checkInt(owner, 'filters', args.filters);
    this.kernelSize = single(owner, 'kernelSize', args.kernelSize);
    this.dilationRate = single(owner, 'dilationRate', args.dilationRate ?? CONV1D_DEFAULT_DILATION_RATE);
    this.padding = checkOneOf(owner, 'padding', args.padding ?? CONV1D_DEFAULT_PADDING, CONV1D_PADDINGS);
    this.activation = args.activation ?? CONV_DEFAULT_ACTIVATION;
    this.activationFn = getActivation(owner, this.activation);
    this.useBias = args.useBias ?? CONV_DEFAULT_USE_BIAS;
    if (typeof this.useBias !== 'boolean') throw new Error(`${owner}: useBias must be a boolean, received ${JSON.stringify(args.useBias)}`);
    this.kernelInitializer = getInitializer(owner, 'kernelInitializer', args.kernelInitializer ?? CONV_DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = getInitializer(owner, 'biasInitializer', args.biasInitializer ?? CONV_DEFAULT_BIAS_INITIALIZER);
    this.impl = checkOneOf(owner, 'impl', args.impl ?? CONV_DEFAULT_IMPL, CONV_IMPLS);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape('Conv1D', inputShape);
    if (shape.length !== 3) throw new Error(`Conv1D: input must be rank 3 [batch, time, channels], received shape [${shape}]`);
    const cin = shape[2];
    if (cin === null) throw new Error(`Conv1D: the channel dimension of the input must be defined, received shape [${shape}]`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, cin, this.filters], 'float32', this.kernelInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = oneShape('Conv1D', inputShape);
    return [shape[0], convOutLength(shape[1], this.kernelSize, 1, this.dilationRate, this.padding), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor('Conv1D', inputs) as tf.Tensor3D;
      // Bias and (derivable-from-output) activations are fused into the op's tape node.
      const fused = FUSED_CONV_ACTIVATIONS.includes(this.activation as FusedConvActivation);
      const y: tf.Tensor = conv1dOp(x, this.kernel!.read() as tf.Tensor3D, {
        dilation: this.dilationRate,
        padding: this.padding,
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
      dilationRate: this.dilationRate,
      padding: this.padding,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      impl: this.impl,
    };
  }
}
tf.serialization.registerClass(Conv1D);

/** Creates a {@link Conv1D} layer (Keras defaults: glorotUniform kernel, zeros bias, 'valid', linear). */
export function conv1d(args: Conv1DLayerArgs): Conv1D {
  return new Conv1D(args);
}
