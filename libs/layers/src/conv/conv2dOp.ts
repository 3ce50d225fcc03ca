/**
 * 2-D convolution (NHWC) whose gradients run on every backend.
 *
 * tfjs-core's Conv2D gradient needs the Conv2DBackpropFilter/Input kernels
 * (the wasm backend lacks the former, tfjs issue 8474) and asserts dilation 1
 * (tfjs issue 7906). The custom path below differentiates with forward ops
 * only (Conv2D/FusedConv2D, MatMul, Transpose, Reverse, Pad, Slice, Reshape):
 * - dx: a stride-1 convolution of dy (zeros inserted for stride > 1) with the
 *   spatially flipped, in/out-transposed kernel and the same dilation;
 * - dW: one convolution that correlates x with dy: x transposed to
 *   [Cin, H, W, B] (batch <-> channels) convolved with dy transposed to
 *   [Ho, Wo, B, Cout] as the filter, with the forward stride as dilation and
 *   the forward dilation as stride, giving [Cin, KH, KW, Cout];
 * - 1x1 stride-1 unpadded kernels: dW as one matMul with explicit transposes
 *   (wasm's MatMul with transposeA/transposeB flags is 5-10x slower), dx as a
 *   1x1 conv with the transposed kernel (XNNPACK beats wasm's MatMul there);
 * - bias and activations whose derivative follows from the output (linear,
 *   relu, relu6, sigmoid, tanh, elu) are fused into the same tape node, which
 *   keeps x, W and y as zero-copy aliases instead of tfjs' copying save().
 * Measured on wasm, one 3-tap layer at B=8, T=2000, 64 -> 64 channels (2
 * shared cores, load 2): forward 12-25 ms; dW by the correlation conv 24 ms vs
 * 36..64 ms for per-tap matMuls with explicit transposes, 180 ms with
 * transposeA flags, 196 ms for an im2col matMul, 900 ms for wasm's
 * Conv3DBackpropFilterV2 on a reshaped view; dx by the flipped conv 20 ms vs
 * 169 ms for wasm's Conv2DBackpropInput. spaceToBatchND -> conv ->
 * batchToSpaceND is no faster than XNNPACK's own dilated forward (and still
 * needs a custom dW), so dilation stays inside the conv.
 */
import { tf } from '../backend';
import {
  autoUsesStock,
  axisOutSize,
  backendHasKernels,
  backpropInputPads,
  checkConv2dOpArgs,
  checkOneOf,
  CONV2D_GRAD_KERNELS,
  Conv2dGeometryOptions,
  ConvImpl,
  insertZeros,
  Pads,
} from './convUtil';

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** The 4-D explicit padding tfjs-core takes, or 'valid' when it is all zeros. */
export function explicitPadding(pads: [Pads, Pads]): ExplicitPadding | 'valid' {
  if (pads[0][0] === 0 && pads[0][1] === 0 && pads[1][0] === 0 && pads[1][1] === 0) return 'valid';
  return [[0, 0], [pads[0][0], pads[0][1]], [pads[1][0], pads[1][1]], [0, 0]];
}

/** Geometry of a convolution with explicit pads, shared by the forward and backward passes. */
export interface ConvGeometry {
  /** [strideH, strideW]. */
  strides: [number, number];
  /** [dilationH, dilationW]. */
  dilations: [number, number];
  /** [[top, bottom], [left, right]]. */
  pads: [Pads, Pads];
}

/** True for a 1x1, stride-1, unpadded kernel: the conv is a matMul over B*H*W rows. */
function isPointwise(w: tf.Tensor4D, g: ConvGeometry): boolean {
  return (
    w.shape[0] === 1 &&
    w.shape[1] === 1 &&
    g.strides[0] === 1 &&
    g.strides[1] === 1 &&
    g.pads.every((p) => p[0] === 0 && p[1] === 0)
  );
}

/** Forward conv with explicit pads (what every path computes). */
function convForward(x: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.conv2d(x, w, g.strides, explicitPadding(g.pads), 'NHWC', g.dilations);
}

/** tf.conv2d or tf.depthwiseConv2d, as the custom gradients call them. */
export type NhwcConv = (
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: number | [number, number],
  pad: ExplicitPadding | 'valid',
  dataFormat: 'NHWC',
  dilations: [number, number],
) => tf.Tensor4D;

/**
 * dL/dx of a conv with geometry g, from forward ops only: a stride-1 `conv` of
 * dy (zeros inserted for stride > 1) with the kernel `flip(w)` (spatially
 * flipped, plus the in/out transpose a full conv needs) and the same dilation.
 */
export function backpropInputByFlippedKernel(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: number[],
  g: ConvGeometry,
  flip: (w: tf.Tensor4D) => tf.Tensor4D,
  conv: NhwcConv,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = w.shape;
    const [, h, wd] = xShape;
    const [, ho, wo] = dy.shape;
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const ph = backpropInputPads(h, ho, kh, sh, dh, g.pads[0]);
    const pw = backpropInputPads(wd, wo, kw, sw, dw, g.pads[1]);
    let dyz = insertZeros(dy, sh, sw);
    if (ph.crop || pw.crop) {
      dyz = dyz.slice([0, 0, 0, 0], [-1, ho * sh - ph.crop, wo * sw - pw.crop, -1]);
    }
    const pads = explicitPadding([
      [ph.before, ph.after],
      [pw.before, pw.after],
    ]);
    return conv(dyz, flip(w), 1, pads, 'NHWC', g.dilations);
  });
}

/**
 * The correlation at the heart of the custom dW: `conv` of x with dy as the
 * filter (the forward stride becomes its dilation and vice versa), cropped to
 * the kernel's [kh, kw] (a stride that does not divide the input leaves extra rows).
 */
export function correlateForFilterGrad(conv: NhwcConv, xT: tf.Tensor4D, dyT: tf.Tensor4D, g: ConvGeometry, kh: number, kw: number): tf.Tensor4D {
  const o = conv(xT, dyT, g.dilations, explicitPadding(g.pads), 'NHWC', g.strides);
  return o.shape[1] === kh && o.shape[2] === kw ? o : o.slice([0, 0, 0, 0], [-1, kh, kw, -1]);
}

/** dL/dx of convForward, from forward ops only. */
export function conv2dBackpropInputCustom(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], g: ConvGeometry): tf.Tensor4D {
  const flip = (k: tf.Tensor4D) => tf.reverse(k, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
  return backpropInputByFlippedKernel(dy, w, xShape, g, flip, tf.conv2d);
}

/** dL/dW of convForward, as one correlation convolution of x with dy. */
export function conv2dBackpropFilterCustom(x: tf.Tensor4D, dy: tf.Tensor4D, wShape: number[], g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = wShape;
    const xT = x.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Cin, H, W, B]
    const dyT = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, B, Cout]
    return correlateForFilterGrad(tf.conv2d, xT, dyT, g, kh, kw).transpose([1, 2, 0, 3]) as tf.Tensor4D; // [Cin, KH, KW, Cout] -> [KH, KW, Cin, Cout]
  });
}

/**
 * Activations whose derivative the fused op computes from its output y, so
 * conv + bias + activation is one tape node that keeps one tensor (y) for the
 * backward pass instead of three (tfjs-layers' conv, bias-add and activation
 * outputs, plus a gradient tensor for each).
 */
export type FusedConvActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'elu';
export const FUSED_CONV_ACTIVATIONS: readonly FusedConvActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu'];
/** Activations the FusedConv2D kernel applies itself (wasm and cpu register it). */
const KERNEL_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'sigmoid', 'elu'];

function applyFusedActivation(y: tf.Tensor, act: FusedConvActivation): tf.Tensor {
  switch (act) {
    case 'linear':
      return y;
    case 'relu':
      return tf.relu(y);
    case 'relu6':
      return tf.relu6(y);
    case 'sigmoid':
      return tf.sigmoid(y);
    case 'tanh':
      return tf.tanh(y);
    case 'elu':
      return tf.elu(y);
  }
}

/** dL/d(pre-activation) from dL/dy and the activation's output y. */
function activationGrad(dy: tf.Tensor, y: tf.Tensor, act: FusedConvActivation): tf.Tensor {
  switch (act) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'relu6':
      return tf.mul(dy, tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)).cast('float32'));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'elu':
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1)));
  }
}

/** act(conv(x, w) + bias) in as few kernels as the backend allows (forward only). */
function fusedConvForward(x: tf.Tensor4D, w: tf.Tensor4D, bias: tf.Tensor1D | undefined, act: FusedConvActivation, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    if ((bias || act !== 'linear') && backendHasKernels(['FusedConv2D'])) {
      // Called as a kernel: tf.fused.conv2d refuses to fuse non-linear activations while recording gradients.
      const inKernel = KERNEL_ACTIVATIONS.includes(act) ? act : 'linear';
      const inputs: tf.NamedTensorMap = bias ? { x, filter: w, bias } : { x, filter: w };
      const attrs = {
        strides: g.strides,
        pad: explicitPadding(g.pads),
        dataFormat: 'NHWC',
        dilations: g.dilations,
        dimRoundingMode: undefined,
        activation: inKernel,
        leakyreluAlpha: undefined,
      };
      const y = tf.engine().runKernel('FusedConv2D', inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
      return (inKernel === act ? y : applyFusedActivation(y, act)) as tf.Tensor4D;
    }
    const z = convForward(x, w, g);
    return applyFusedActivation(bias ? tf.add(z, bias) : z, act) as tf.Tensor4D;
  });
}

interface EngineState {
  state: { activeTape: unknown[] | null; gradientDepth: number; kernelDepth: number };
}

/**
 * Zero-copy aliases kept for backward passes, with the tape they belong to.
 *
 * tfjs' `save()` in customGrad clones what it keeps, and the wasm backend's
 * Identity kernel copies the data: x and y of every conv would be stored
 * twice. We keep Reshape aliases instead (they share the buffer on every
 * backend) and dispose them in the gradient function. An alias whose node is
 * not on the differentiated path (its backward never runs) is disposed when
 * the next recording session starts, so nothing accumulates.
 */
const pendingAliases = new Map<tf.Tensor, unknown>();

/** Whether ops called now are recorded on the gradient tape. */
function isRecording(): boolean {
  const st = (tf.engine() as unknown as EngineState).state;
  return st.gradientDepth > 0 && st.kernelDepth === 0 && st.activeTape != null;
}

/** Zero-copy kept aliases of `ts` for the backward pass (call with the tape paused, i.e. inside customGrad's f). */
function aliasForBackward(ts: tf.Tensor[]): tf.Tensor[] {
  const tape = (tf.engine() as unknown as EngineState).state.activeTape;
  for (const [t, owner] of pendingAliases) {
    if (owner !== tape) {
      t.dispose();
      pendingAliases.delete(t);
    }
  }
  return ts.map((t) => {
    const a = tf.keep(tf.reshape(t, t.shape));
    pendingAliases.set(a, tape);
    return a;
  });
}

function releaseAliases(ts: tf.Tensor[]): void {
  for (const t of ts) {
    pendingAliases.delete(t);
    t.dispose();
  }
}

/** Number of aliases currently kept for pending backward passes (for tests). */
export function pendingBackwardAliases(): number {
  return pendingAliases.size;
}

/** Forward + custom gradients, for any backend; bias and activation fused into the same tape node. */
function convCustom(x: tf.Tensor4D, w: tf.Tensor4D, bias: tf.Tensor1D | undefined, act: FusedConvActivation, g: ConvGeometry): tf.Tensor4D {
  const pointwise = isPointwise(w, g);
  const recording = isRecording();
  let kept: tf.Tensor[] = [];
  const backward = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
    const [xs, ws, ys] = (kept.length ? kept : saved) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const grads = tf.tidy(() => {
      const dz = activationGrad(dy, ys, act) as tf.Tensor4D;
      let dx: tf.Tensor;
      let dw: tf.Tensor;
      if (pointwise) {
        // 1x1: dx as a 1x1 conv with the transposed kernel (XNNPACK; faster than
        // wasm's MatMul for few channels), dW as a matMul with explicit transposes.
        const [b, h, wd, cin] = xs.shape;
        const cout = ws.shape[3];
        dx = tf.conv2d(dz, ws.transpose([0, 1, 3, 2]) as tf.Tensor4D, 1, 'valid');
        dw = tf.matMul(xs.reshape([b * h * wd, cin]).transpose(), dz.reshape([b * h * wd, cout])).reshape(ws.shape);
      } else {
        dx = conv2dBackpropInputCustom(dz, ws, xs.shape, g);
        dw = conv2dBackpropFilterCustom(xs, dz, ws.shape, g);
      }
      return bias ? [dx, dw, tf.sum(dz, [0, 1, 2])] : [dx, dw];
    });
    releaseAliases(kept);
    kept = [];
    return grads;
  };
  const forward = (xi: tf.Tensor4D, wi: tf.Tensor4D, bi: tf.Tensor1D | undefined, save: tf.GradSaveFunc) => {
    const value = fusedConvForward(xi, wi, bi, act, g);
    if (recording) kept = aliasForBackward([xi, wi, value]);
    else save([xi, wi, value]); // not recorded: the engine ignores it
    return { value, gradFunc: backward };
  };
  if (bias) {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xi, wi, bi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
      return forward(xi, wi, bi, save);
    });
    return f(x, w, bias) as tf.Tensor4D;
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    return forward(xi, wi, undefined, save);
  });
  return f(x, w) as tf.Tensor4D;
}

/**
 * Whether `impl` resolves to the stock tfjs op on the active backend: 'auto'
 * picks it when the backend registers Conv2DBackpropFilter/Input, every
 * dilation is 1 (the stock gradient's own requirements) and the backend is
 * not in CUSTOM_PREFERRED_BACKENDS (wasm, cpu).
 */
export function usesStockConv2dGrad(impl: ConvImpl, dilations: [number, number]): boolean {
  if (impl === 'stock') return true;
  if (impl === 'custom') return false;
  return autoUsesStock(CONV2D_GRAD_KERNELS, dilations);
}

/**
 * The convolution every op in this folder reduces to: NHWC x [B,H,W,Cin],
 * kernel [KH,KW,Cin,Cout], explicit pads, then optional bias and activation.
 * Chooses the stock or the custom gradient per `impl` and the active backend
 * at call time.
 */
export function conv2dExplicit(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  g: ConvGeometry,
  impl: ConvImpl = 'auto',
  bias?: tf.Tensor1D,
  activation: FusedConvActivation = 'linear',
): tf.Tensor4D {
  if (g.strides.some((s) => s > 1) && g.dilations.some((d) => d > 1)) {
    throw new Error(`conv2d: strides [${g.strides}] and dilations [${g.dilations}] cannot both exceed 1`);
  }
  if (usesStockConv2dGrad(impl, g.dilations)) {
    return tf.tidy(() => {
      const z = convForward(x, kernel, g);
      return applyFusedActivation(bias ? tf.add(z, bias) : z, activation) as tf.Tensor4D;
    });
  }
  return convCustom(x, kernel, bias, activation, g);
}

/** Checks the optional bias against the kernel's output channels. */
export function checkBias(owner: string, bias: tf.Tensor | undefined, channels: number): tf.Tensor1D | undefined {
  if (bias === undefined) return undefined;
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new Error(`${owner}: bias must have shape [${channels}], received [${bias.shape.join(', ')}]`);
  }
  return bias as tf.Tensor1D;
}

/** Options of {@link conv2dOp}. */
export interface Conv2dOpOptions extends Conv2dGeometryOptions {
  /** Optional [Cout] bias added before the activation (fused into the op's gradient). */
  bias?: tf.Tensor1D;
  /** Activation applied last, fused into the op's gradient. Default 'linear'. */
  activation?: FusedConvActivation;
}

/**
 * 2-D convolution, x [B,H,W,Cin] (or [H,W,Cin]) with kernel [KH,KW,Cin,Cout].
 * Forward equals `tf.conv2d(x, kernel, strides, padding, 'NHWC', dilations)`
 * (then `+ bias`, then the activation);
 * gradients w.r.t. x and kernel work on every backend (wasm included).
 */
export function conv2dOp<T extends tf.Tensor3D | tf.Tensor4D>(x: T, kernel: tf.Tensor4D, options: Conv2dOpOptions = {}): T {
  const owner = 'conv2dOp';
  const { x4, squeeze, strides, dilations, padding, impl, pads } = checkConv2dOpArgs(owner, x, kernel, options, '[kernelH, kernelW, inChannels, outChannels]');
  if (x4.shape[3] !== kernel.shape[2]) {
    throw new Error(`${owner}: x has ${x4.shape[3]} channels but kernel expects inChannels ${kernel.shape[2]} (kernel shape [${kernel.shape.join(', ')}])`);
  }
  const [kh, kw] = kernel.shape;
  for (const [axis, size, k, s, d, p] of [
    ['height', x4.shape[1], kh, strides[0], dilations[0], pads[0]],
    ['width', x4.shape[2], kw, strides[1], dilations[1], pads[1]],
  ] as const) {
    if (axisOutSize(size, k, s, d, p) < 1) {
      throw new Error(`${owner}: input ${axis} ${size} is smaller than the dilated kernel ${(k - 1) * d + 1} with padding '${padding}'`);
    }
  }
  const bias = checkBias(owner, options.bias, kernel.shape[3]);
  const activation = checkOneOf(owner, 'activation', options.activation ?? 'linear', FUSED_CONV_ACTIVATIONS);
  const y = conv2dExplicit(x4, kernel, { strides, dilations, pads }, impl, bias, activation);
  return (squeeze ? y.squeeze([0]) : y) as T;
}
