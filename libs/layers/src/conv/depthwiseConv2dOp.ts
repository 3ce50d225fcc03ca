/**
 * Depthwise 2-D convolution (NHWC, depth multiplier 1) whose gradients run on
 * every backend. The wasm backend registers DepthwiseConv2dNative but neither
 * of its backprop kernels (tfjs issue 8474), and tfjs-core's gradient asserts
 * dilation 1. The custom path differentiates with forward ops only:
 * - dx: a stride-1 depthwise conv of dy (zeros inserted for stride > 1) with
 *   the spatially flipped kernel (multiplier 1: no channel transpose);
 * - dW: one depthwise conv correlating x (as [1, H, W, B*C]) with dy (as a
 *   [Ho, Wo, B*C, 1] filter), summed over the batch. On wasm, for
 *   x [8, 64, 64, 96] 3x3: 390 ms (stride 1) / 125 ms (stride 2) vs 430 ms /
 *   4000 ms for nine strided-slice * dy sums (2 shared cores, load ~9).
 */
import { tf } from '../backend';
import { autoUsesStock, axisOutSize, checkConv2dOpArgs, Conv2dGeometryOptions, ConvImpl, DEPTHWISE_GRAD_KERNELS } from './convUtil';
import { backpropInputByFlippedKernel, ConvGeometry, correlateForFilterGrad, explicitPadding } from './conv2dOp';

function depthwiseForward(x: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.depthwiseConv2d(x, w, g.strides, explicitPadding(g.pads), 'NHWC', g.dilations);
}

/** dL/dx of the depthwise conv (multiplier 1), from forward ops only (no channel transpose). */
export function depthwiseBackpropInputCustom(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], g: ConvGeometry): tf.Tensor4D {
  return backpropInputByFlippedKernel(dy, w, xShape, g, (k) => tf.reverse(k, [0, 1]) as tf.Tensor4D, tf.depthwiseConv2d);
}

/**
 * dL/dW of the depthwise conv (multiplier 1) as one depthwise convolution:
 * x as [1, H, W, B*C] correlated with dy as a [Ho, Wo, B*C, 1] filter (forward
 * stride as dilation, forward dilation as stride), then summed over B.
 */
export function depthwiseBackpropFilterCustom(x: tf.Tensor4D, dy: tf.Tensor4D, wShape: number[], g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c] = wShape;
    const [b, h, wd] = x.shape;
    const [, ho, wo] = dy.shape;
    const xT = x.transpose([1, 2, 0, 3]).reshape([1, h, wd, b * c]) as tf.Tensor4D;
    const dyT = dy.transpose([1, 2, 0, 3]).reshape([ho, wo, b * c, 1]) as tf.Tensor4D;
    const exact = correlateForFilterGrad(tf.depthwiseConv2d, xT, dyT, g, kh, kw); // [1, KH, KW, B*C]
    return exact.reshape([kh, kw, b, c]).sum(2).reshape([kh, kw, c, 1]) as tf.Tensor4D;
  });
}

function depthwiseCustom(x: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    const value = depthwiseForward(xi as tf.Tensor4D, wi as tf.Tensor4D, g);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      return [
        depthwiseBackpropInputCustom(dy as tf.Tensor4D, ws, xs.shape, g),
        depthwiseBackpropFilterCustom(xs, dy as tf.Tensor4D, ws.shape, g),
      ];
    };
    return { value, gradFunc };
  });
  return f(x, w) as tf.Tensor4D;
}

/** Whether `impl` resolves to the stock tfjs depthwise op (and its gradient) on the active backend. */
export function usesStockDepthwiseGrad(impl: ConvImpl, dilations: [number, number]): boolean {
  if (impl === 'stock') return true;
  if (impl === 'custom') return false;
  return autoUsesStock(DEPTHWISE_GRAD_KERNELS, dilations);
}

/** Options of {@link depthwiseConv2dOp}. */
export type DepthwiseConv2dOpOptions = Conv2dGeometryOptions;

/**
 * Depthwise convolution of x [B,H,W,C] (or [H,W,C]) with kernel [KH,KW,C,1]
 * (depth multiplier 1). Forward equals `tf.depthwiseConv2d`; gradients w.r.t.
 * x and kernel work on every backend (wasm included).
 */
export function depthwiseConv2dOp<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  kernel: tf.Tensor4D,
  options: DepthwiseConv2dOpOptions = {},
): T {
  const owner = 'depthwiseConv2dOp';
  const { x4, squeeze, strides, dilations, padding, impl, pads } = checkConv2dOpArgs(owner, x, kernel, options, '[kernelH, kernelW, channels, 1]');
  if (kernel.shape[3] !== 1) {
    throw new Error(`${owner}: only depth multiplier 1 is supported: kernel shape[3] must be 1, received ${kernel.shape[3]}`);
  }
  if (x4.shape[3] !== kernel.shape[2]) {
    throw new Error(`${owner}: x has ${x4.shape[3]} channels but kernel expects ${kernel.shape[2]} (kernel shape [${kernel.shape.join(', ')}])`);
  }
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) {
    throw new Error(`${owner}: strides [${strides}] and dilations [${dilations}] cannot both exceed 1`);
  }
  const [kh, kw] = kernel.shape;
  if (axisOutSize(x4.shape[1], kh, strides[0], dilations[0], pads[0]) < 1 || axisOutSize(x4.shape[2], kw, strides[1], dilations[1], pads[1]) < 1) {
    throw new Error(`${owner}: input [${x4.shape.slice(1, 3)}] is smaller than the dilated kernel with padding '${padding}'`);
  }
  const g: ConvGeometry = { strides, dilations, pads };
  const y = usesStockDepthwiseGrad(impl, dilations) ? depthwiseForward(x4, kernel, g) : depthwiseCustom(x4, kernel, g);
  return (squeeze ? y.squeeze([0]) : y) as T;
}
