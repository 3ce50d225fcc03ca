/**
 * Convolution ops and layers that train on every backend (wasm and cpu
 * included, dilation > 1 included). Named exports only, to keep the package
 * namespace free of helper names.
 */
export {
  autoUsesStock,
  CONV2D_PADDINGS,
  CONV_IMPLS,
  CUSTOM_PREFERRED_BACKENDS,
  type Conv1DPadding,
  type Conv2DPadding,
  type ConvImpl,
} from './convUtil';
export { conv1dOp, CONV1D_PADDINGS, type Conv1dOpOptions } from './conv1dOp';
export {
  conv2dBackpropFilterCustom,
  conv2dBackpropInputCustom,
  conv2dOp,
  FUSED_CONV_ACTIVATIONS,
  pendingBackwardAliases,
  usesStockConv2dGrad,
  type Conv2dOpOptions,
  type ConvGeometry,
  type FusedConvActivation,
} from './conv2dOp';
export {
  depthwiseBackpropFilterCustom,
  depthwiseBackpropInputCustom,
  depthwiseConv2dOp,
  usesStockDepthwiseGrad,
  type DepthwiseConv2dOpOptions,
} from './depthwiseConv2dOp';
export { type ActivationIdentifier, type InitializerIdentifier, type InitializerSpec } from './layerUtil';
export {
  CONV_DEFAULT_ACTIVATION,
  CONV_DEFAULT_BIAS_INITIALIZER,
  CONV_DEFAULT_IMPL,
  CONV_DEFAULT_KERNEL_INITIALIZER,
  CONV_DEFAULT_USE_BIAS,
} from './baseConv';
export { CONV2D_DEFAULT_DILATION_RATE, CONV2D_DEFAULT_PADDING, CONV2D_DEFAULT_STRIDES } from './conv2dLayerGeometry';
export { Conv1D, conv1d, CONV1D_DEFAULT_DILATION_RATE, CONV1D_DEFAULT_PADDING, type Conv1DLayerArgs } from './conv1dLayer';
export { Conv2D, conv2d, type Conv2DLayerArgs } from './conv2dLayer';
export {
  DepthwiseConv2D,
  depthwiseConv2d,
  DEPTHWISE_DEFAULT_DEPTH_MULTIPLIER,
  type DepthwiseConv2DLayerArgs,
} from './depthwiseConv2dLayer';
export { cloneSharesBuffersOnWasm, shareCloneBuffersOnWasm } from './wasmClone';
