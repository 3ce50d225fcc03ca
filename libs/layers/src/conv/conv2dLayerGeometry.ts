/**
 * The geometry arguments the 2-D conv layers (Conv2D, DepthwiseConv2D) share:
 * kernel size, strides, padding and dilation, with their defaults and checks.
 */
import { checkOneOf, checkPair, CONV2D_PADDINGS, Conv2DPadding } from './convUtil';

export const CONV2D_DEFAULT_STRIDES = 1;
export const CONV2D_DEFAULT_DILATION_RATE = 1;
export const CONV2D_DEFAULT_PADDING: Conv2DPadding = 'valid';

export interface Conv2DGeometryArgs {
  /** Kernel size, one number or [height, width]. */
  kernelSize: number | [number, number];
  /** Stride, one number or [height, width]. Default 1. */
  strides?: number | [number, number];
  /** 'valid' (no padding) or 'same' (output = ceil(input / stride), TensorFlow's split). Default 'valid'. */
  padding?: Conv2DPadding;
  /** Dilation rate, one number or [height, width]; > 1 only with stride 1. Default 1. */
  dilationRate?: number | [number, number];
}

/** {@link Conv2DGeometryArgs} checked, defaults filled in. */
export interface Conv2DGeometry {
  kernelSize: [number, number];
  strides: [number, number];
  padding: Conv2DPadding;
  dilationRate: [number, number];
}

/** Checks and normalises the 2-D layers' geometry arguments; errors name `owner`. */
export function checkConv2DGeometry(owner: string, args: Conv2DGeometryArgs): Conv2DGeometry {
  const kernelSize = checkPair(owner, 'kernelSize', args.kernelSize);
  const strides = checkPair(owner, 'strides', args.strides ?? CONV2D_DEFAULT_STRIDES);
  const padding = checkOneOf(owner, 'padding', args.padding ?? CONV2D_DEFAULT_PADDING, CONV2D_PADDINGS);
  const dilationRate = checkPair(owner, 'dilationRate', args.dilationRate ?? CONV2D_DEFAULT_DILATION_RATE);
  if (strides.some((s) => s > 1) && dilationRate.some((d) => d > 1)) {
    throw new Error(`${owner}: strides [${strides}] and dilationRate [${dilationRate}] cannot both exceed 1`);
  }
  return { kernelSize, strides, padding, dilationRate };
}
