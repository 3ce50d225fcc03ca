/**
 * 1-D convolution (NWC) with dilation and 'same' | 'valid' | 'causal' padding
 * whose gradients run on every backend. It is the 2-D op on [B, 1, T, C]; see
 * conv2dOp.ts for the gradient formulation and why.
 */
import { tf } from '../backend';
import { axisOutSize, axisPads, checkInt, checkOneOf, checkRank, CONV_IMPLS, Conv1DPadding, ConvImpl } from './convUtil';
import { checkBias, conv2dExplicit, FUSED_CONV_ACTIVATIONS, FusedConvActivation } from './conv2dOp';

/** Options of {@link conv1dOp}. */
export interface Conv1dOpOptions {
  /** Dilation rate (>= 1). Default 1. */
  dilation?: number;
  /**
   * 'valid' (no padding), 'same' (output length = input length, the smaller
   * half of (K-1)*dilation before), or 'causal' (all (K-1)*dilation before:
   * output t sees inputs <= t). Default 'valid'.
   */
  padding?: Conv1DPadding;
  /** Gradient formulation; see {@link ConvImpl}. Default 'auto'. */
  impl?: ConvImpl;
  /** Optional [Cout] bias added before the activation (fused into the op's gradient). */
  bias?: tf.Tensor1D;
  /** Activation applied last, fused into the op's gradient. Default 'linear'. */
  activation?: FusedConvActivation;
}

export const CONV1D_PADDINGS: readonly Conv1DPadding[] = ['same', 'valid', 'causal'];

/**
 * 1-D convolution of x [B,T,Cin] (or [T,Cin]) with kernel [K,Cin,Cout].
 * Forward equals `tf.conv1d(x, kernel, 1, padding, 'NWC', dilation)` ('causal':
 * left-pad (K-1)*dilation, then 'valid'), then `+ bias`, then the activation; gradients w.r.t. x and kernel work
 * on every backend and for every dilation.
 */
export function conv1dOp<T extends tf.Tensor2D | tf.Tensor3D>(x: T, kernel: tf.Tensor3D, options: Conv1dOpOptions = {}): T {
  const owner = 'conv1dOp';
  const dilation = checkInt(owner, 'dilation', options.dilation ?? 1);
  const padding = checkOneOf(owner, 'padding', options.padding ?? 'valid', CONV1D_PADDINGS);
  const impl = checkOneOf(owner, 'impl', options.impl ?? 'auto', CONV_IMPLS);
  checkRank(owner, 'kernel', kernel, 3, '[kernelSize, inChannels, outChannels]');
  const squeeze = x.rank === 2;
  const x3 = (squeeze ? x.expandDims(0) : x) as tf.Tensor3D;
  checkRank(owner, 'x', x3, 3, '[batch, time, channels]');
  const [b, t, cin] = x3.shape;
  const [k, kin, cout] = kernel.shape;
  if (cin !== kin) {
    throw new Error(`${owner}: x has ${cin} channels but kernel expects inChannels ${kin} (kernel shape [${kernel.shape.join(', ')}])`);
  }
  const pads = axisPads(t, k, 1, dilation, padding);
  const tOut = axisOutSize(t, k, 1, dilation, pads);
  if (tOut < 1) {
    throw new Error(`${owner}: input length ${t} is smaller than the dilated kernel ${(k - 1) * dilation + 1} with padding '${padding}'`);
  }
  const bias = checkBias(owner, options.bias, cout);
  const activation = checkOneOf(owner, 'activation', options.activation ?? 'linear', FUSED_CONV_ACTIVATIONS);
  const y = tf.tidy(() => {
    const y4 = conv2dExplicit(
      x3.reshape([b, 1, t, cin]),
      kernel.reshape([1, k, cin, cout]),
      { strides: [1, 1], dilations: [1, dilation], pads: [[0, 0], pads] },
      impl,
      bias,
      activation,
    );
    return y4.reshape([b, tOut, cout]);
  });
  return (squeeze ? y.squeeze([0]) : y) as T;
}
