/**
 * Shared helpers for the convolution ops: padding arithmetic, backend kernel
 * detection and argument checks.
 */
import { tf } from '../backend';

/** Padding modes of the 1-D convolution. `causal` left-pads (K-1)*dilation. */
export type Conv1DPadding = 'same' | 'valid' | 'causal';
/** Padding modes of the 2-D convolutions. */
export type Conv2DPadding = 'same' | 'valid';
export const CONV2D_PADDINGS: readonly Conv2DPadding[] = ['same', 'valid'];

/**
 * Which gradient formulation an op uses.
 * - `auto`: the stock tfjs gradient when the active backend registers its
 *   backprop kernels, the dilation is 1 and the backend is not one where the
 *   custom path was measured faster ({@link CUSTOM_PREFERRED_BACKENDS});
 *   else `custom`.
 * - `stock`: always the stock op (throws where tfjs cannot differentiate it).
 * - `custom`: gradients built only from forward ops every backend has
 *   (Conv2D/DepthwiseConv2dNative forward, MatMul, Transpose, Pad, Slice).
 */
export type ConvImpl = 'auto' | 'stock' | 'custom';
export const CONV_IMPLS: readonly ConvImpl[] = ['auto', 'stock', 'custom'];

/** Padding before/after one spatial axis. */
export type Pads = [number, number];

/** Kernels the stock Conv2D gradient calls. */
export const CONV2D_GRAD_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const;
/** Kernels the stock DepthwiseConv2dNative gradient calls. */
export const DEPTHWISE_GRAD_KERNELS = [
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/**
 * Backends where 'auto' uses the custom gradient even when the stock one is
 * available. wasm lacks the backprop kernels; on cpu the custom path was
 * measured 5-11x faster (fwd+bwd, 2 shared cores: conv1d B=4 T=2000 3-tap
 * 8 ch 201 vs 1138 ms, 32 ch 1.9 vs 17.0 s; conv2d 3x3 s2 [2,32,32,16]->32
 * 232 vs 2545 ms; depthwise 3x3 129 vs 322 ms) because tfjs-backend-cpu's
 * Conv2DBackpropFilter/Input are scalar JS loops while its forward conv is
 * better optimised. tfjs-node ('tensorflow') keeps the stock native kernels.
 */
export const CUSTOM_PREFERRED_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** Whether 'auto' resolves to the stock gradient on `backend` for these kernels and dilations. */
export function autoUsesStock(kernels: readonly string[], dilations: [number, number], backend: string = tf.getBackend()): boolean {
  return dilations[0] === 1 && dilations[1] === 1 && !CUSTOM_PREFERRED_BACKENDS.includes(backend) && backendHasKernels(kernels, backend);
}

/** Whether the active backend registers every named kernel. */
export function backendHasKernels(names: readonly string[], backend: string = tf.getBackend()): boolean {
  return names.every((n) => tf.getKernel(n, backend) !== undefined);
}

/**
 * TensorFlow's padding for one axis: `same` pads ceil(in/stride) outputs'
 * worth, the smaller half before (as tf.nn / tfjs-core do); `causal` puts all
 * (K-1)*dilation before; `valid` pads nothing.
 */
export function axisPads(
  inSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Conv1DPadding,
): Pads {
  const span = (kernel - 1) * dilation;
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [span, 0];
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + span + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output length of one axis given explicit pads. */
export function axisOutSize(inSize: number, kernel: number, stride: number, dilation: number, pads: Pads): number {
  return Math.floor((inSize + pads[0] + pads[1] - (kernel - 1) * dilation - 1) / stride) + 1;
}

/** Throws unless `value` is an integer >= `min`, naming the argument. */
export function checkInt(owner: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${owner}: ${name} must be an integer >= ${min}, received ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws unless `value` is one of `allowed`, naming the argument. */
export function checkOneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${owner}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join('|')}, received ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Normalises `n | [h, w]` to a pair of integers >= min. */
export function checkPair(owner: string, name: string, value: unknown, min = 1): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new Error(`${owner}: ${name} must be an integer or a pair of integers, received ${JSON.stringify(value)}`);
  }
  return [checkInt(owner, `${name}[0]`, pair[0], min), checkInt(owner, `${name}[1]`, pair[1], min)];
}

/** Throws unless `t` has the given rank, naming the argument. */
export function checkRank(owner: string, name: string, t: tf.Tensor, rank: number, layout: string): void {
  if (t.rank !== rank) {
    throw new Error(`${owner}: ${name} must be rank ${rank} ${layout}, received shape [${t.shape.join(', ')}]`);
  }
}

/** Geometry options the 2-D (NHWC) ops share. */
export interface Conv2dGeometryOptions {
  /** Stride, one number or [strideH, strideW]. Default 1. */
  strides?: number | [number, number];
  /** 'same' (TensorFlow's rule: out = ceil(in/stride)) or 'valid'. Default 'valid'. */
  padding?: Conv2DPadding;
  /** Dilation, one number or [dH, dW]; > 1 only with stride 1. Default 1. */
  dilations?: number | [number, number];
  /** Gradient formulation; see {@link ConvImpl}. Default 'auto'. */
  impl?: ConvImpl;
}

/** A 2-D op's arguments once checked: x batched, the geometry with defaults, TensorFlow's pads. */
export interface Conv2dOpArgs {
  x4: tf.Tensor4D;
  /** Whether x came unbatched (the result is squeezed back). */
  squeeze: boolean;
  strides: [number, number];
  dilations: [number, number];
  padding: Conv2DPadding;
  impl: ConvImpl;
  pads: [Pads, Pads];
}

/**
 * Checks what the 2-D ops share (options, kernel rank, x rank) and batches an
 * unbatched x; `kernelAxes` names the kernel's layout in errors. Channel and
 * output-size checks stay with each op.
 */
export function checkConv2dOpArgs(
  owner: string,
  x: tf.Tensor3D | tf.Tensor4D,
  kernel: tf.Tensor4D,
  options: Conv2dGeometryOptions,
  kernelAxes: string,
): Conv2dOpArgs {
  const strides = checkPair(owner, 'strides', options.strides ?? 1);
  const dilations = checkPair(owner, 'dilations', options.dilations ?? 1);
  const padding = checkOneOf(owner, 'padding', options.padding ?? 'valid', CONV2D_PADDINGS);
  const impl = checkOneOf(owner, 'impl', options.impl ?? 'auto', CONV_IMPLS);
  checkRank(owner, 'kernel', kernel, 4, kernelAxes);
  const squeeze = x.rank === 3;
  const x4 = (squeeze ? x.expandDims(0) : x) as tf.Tensor4D;
  checkRank(owner, 'x', x4, 4, '[batch, height, width, channels]');
  const [kh, kw] = kernel.shape;
  const pads: [Pads, Pads] = [
    axisPads(x4.shape[1], kh, strides[0], dilations[0], padding),
    axisPads(x4.shape[2], kw, strides[1], dilations[1], padding),
  ];
  return { x4, squeeze, strides, dilations, padding, impl, pads };
}

/**
 * x [B,H,W,C] with zeros inserted between rows/columns so that a stride-s
 * convolution's dy becomes a stride-1 one: [B, H*sh, W*sw, C] (the trailing
 * sh-1 rows / sw-1 columns are zero too; callers account for them).
 *
 * Two rank-3 pads (columns, then rows) rather than one rank-5 pad of
 * [B*H, 1, W, 1, C]: tfjs-backend-webgpu 4.22's Pad kernel emits invalid WGSL
 * for rank 5 (`vec5`); nothing throws, the invalid command buffer is dropped
 * and every result submitted with it (forward output included) reads as
 * zeros (found by the parity tests in ../parity). Same values on every
 * backend; on cpu/wasm the second pass costs little next to the convolution.
 */
export function insertZeros(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    let y: tf.Tensor = x;
    if (sw > 1) y = y.reshape([b * h * w, 1, c]).pad([[0, 0], [0, sw - 1], [0, 0]]);
    if (sh > 1) y = y.reshape([b * h, 1, w * sw * c]).pad([[0, 0], [0, sh - 1], [0, 0]]);
    return y.reshape([b, h * sh, w * sw, c]);
  });
}

/**
 * Pads of the stride-1 convolution of zero-inserted dy (length outSize*stride,
 * the last stride-1 entries zero) that yields dx of length inSize for the
 * forward conv with pads `pads`. Returns [before, after, cropAfter]: a negative
 * `after` cannot be expressed as padding, so the zero tail is cropped instead.
 */
export function backpropInputPads(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  pads: Pads,
): { before: number; after: number; crop: number } {
  const span = (kernel - 1) * dilation;
  const before = span - pads[0];
  const len = outSize * stride; // zero-inserted length incl. the zero tail
  let after = inSize - len - before + span;
  let crop = 0;
  if (after < 0) {
    crop = -after;
    after = 0;
  }
  if (before < 0) throw new Error(`conv backprop: padding before (${pads[0]}) larger than the kernel span (${span})`);
  return { before, after, crop };
}
