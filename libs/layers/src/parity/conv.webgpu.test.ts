/**
 * WebGPU vs cpu parity of the library's convolutions: the Conv1D layer (dilated, causal, valid,
 * pointwise), Conv2D and DepthwiseConv2D (stride 1 and 2, 'same' and 'valid', dilation 2), and
 * conv1dOp / conv2dOp / depthwiseConv2dOp called directly; forward and the gradients w.r.t.
 * input, kernel and bias. `impl: 'auto'` runs the stock tfjs gradient kernels on
 * webgpu where dilation is 1 (cpu uses the library's custom gradient there), so those cases also
 * compare the two gradient formulations; `impl: 'custom'` runs the custom one on webgpu too.
 */
import { initBackend, tf } from '../backend';
import { conv1d, conv1dOp, conv2d, conv2dOp, depthwiseConv2d, depthwiseConv2dOp, type ConvImpl } from '../conv';
import { layerModel, layerParity, modelSubject, PARITY_TOLERANCE_TIGHT, printParityReport, randn, tolName, type ParitySubject } from '../parityTesting';
import { describeWebgpu } from '../webgpuTesting';

const describeGpu = describeWebgpu();
// Measured on llvmpipe: every tensor within 3e-6 of its max|cpu| (worst 3.8e-6 absolute).
const TOL = PARITY_TOLERANCE_TIGHT;
const IMPLS: ConvImpl[] = ['auto', 'custom'];

interface ConvCase {
  name: string;
  inputShape: number[];
  make: (impl: ConvImpl) => tf.layers.Layer;
}

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
const bias = (seed: number) => tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

const CASES: ConvCase[] = [
  {
    name: "Conv1D k3 dilation 2 'same' tanh",
    inputShape: [16, 3],
    make: (impl) => conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh', impl, kernelInitializer: seeded(1), biasInitializer: bias(2) }),
  },
  {
    name: "Conv1D k3 dilation 4 'causal' relu",
    inputShape: [16, 3],
    make: (impl) => conv1d({ filters: 4, kernelSize: 3, dilationRate: 4, padding: 'causal', activation: 'relu', impl, kernelInitializer: seeded(3), biasInitializer: bias(4) }),
  },
  {
    name: "Conv1D k2 dilation 3 'valid' sigmoid",
    inputShape: [15, 2],
    make: (impl) => conv1d({ filters: 3, kernelSize: 2, dilationRate: 3, padding: 'valid', activation: 'sigmoid', impl, kernelInitializer: seeded(5), biasInitializer: bias(6) }),
  },
  {
    name: "Conv1D k5 dilation 1 'same' elu",
    inputShape: [12, 3],
    make: (impl) => conv1d({ filters: 4, kernelSize: 5, padding: 'same', activation: 'elu', impl, kernelInitializer: seeded(7), biasInitializer: bias(8) }),
  },
  {
    name: "Conv1D k3 'causal' linear, no bias",
    inputShape: [10, 2],
    make: (impl) => conv1d({ filters: 3, kernelSize: 3, padding: 'causal', useBias: false, impl, kernelInitializer: seeded(9) }),
  },
  {
    name: 'Conv1D 1x1 (pointwise) swish (unfused activation)',
    inputShape: [10, 5],
    make: (impl) => conv1d({ filters: 3, kernelSize: 1, activation: 'swish', impl, kernelInitializer: seeded(10), biasInitializer: bias(11) }),
  },
  {
    name: "Conv2D 3x3 stride 2 'same' relu",
    inputShape: [9, 8, 3],
    make: (impl) => conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', impl, kernelInitializer: seeded(12), biasInitializer: bias(13) }),
  },
  {
    name: "Conv2D 2x3 stride 1 'valid' sigmoid",
    inputShape: [7, 8, 2],
    make: (impl) => conv2d({ filters: 3, kernelSize: [2, 3], padding: 'valid', activation: 'sigmoid', impl, kernelInitializer: seeded(14), biasInitializer: bias(15) }),
  },
  {
    name: "Conv2D 3x3 stride 2 'valid' linear, no bias",
    inputShape: [9, 10, 2],
    make: (impl) => conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, impl, kernelInitializer: seeded(16) }),
  },
  {
    name: "Conv2D 3x2 strides [1, 2] 'same' tanh",
    inputShape: [6, 9, 2],
    make: (impl) => conv2d({ filters: 3, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'tanh', impl, kernelInitializer: seeded(30), biasInitializer: bias(31) }),
  },
  {
    name: "Conv2D 3x3 dilation 2 'same' elu",
    inputShape: [8, 8, 2],
    make: (impl) => conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'elu', impl, kernelInitializer: seeded(17), biasInitializer: bias(18) }),
  },
  {
    name: 'Conv2D 1x1 relu6',
    inputShape: [5, 6, 4],
    make: (impl) => conv2d({ filters: 3, kernelSize: 1, activation: 'relu6', impl, kernelInitializer: seeded(19), biasInitializer: bias(20) }),
  },
  {
    name: "DepthwiseConv2D 3x3 stride 1 'same'",
    inputShape: [8, 7, 3],
    make: (impl) => depthwiseConv2d({ kernelSize: 3, padding: 'same', impl, depthwiseInitializer: seeded(21), biasInitializer: bias(22) }),
  },
  {
    name: "DepthwiseConv2D 3x3 stride 2 'same' relu",
    inputShape: [9, 8, 3],
    make: (impl) => depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', impl, depthwiseInitializer: seeded(23), biasInitializer: bias(24) }),
  },
  {
    name: "DepthwiseConv2D 3x3 stride 1 'valid' tanh",
    inputShape: [7, 8, 2],
    make: (impl) => depthwiseConv2d({ kernelSize: 3, padding: 'valid', activation: 'tanh', impl, depthwiseInitializer: seeded(25), biasInitializer: bias(26) }),
  },
  {
    name: "DepthwiseConv2D 5x5 stride 2 'valid'",
    inputShape: [11, 10, 2],
    make: (impl) => depthwiseConv2d({ kernelSize: 5, strides: 2, padding: 'valid', impl, depthwiseInitializer: seeded(27), biasInitializer: bias(28) }),
  },
  {
    name: "DepthwiseConv2D 3x3 strides [2, 1] 'valid' sigmoid",
    inputShape: [9, 6, 3],
    make: (impl) => depthwiseConv2d({ kernelSize: 3, strides: [2, 1], padding: 'valid', activation: 'sigmoid', impl, depthwiseInitializer: seeded(32), biasInitializer: bias(33) }),
  },
  {
    name: "DepthwiseConv2D 3x3 dilation 2 'same', no bias",
    inputShape: [8, 8, 2],
    make: (impl) => depthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false, impl, depthwiseInitializer: seeded(29) }),
  },
];

/** The ops called directly: inputs [x, kernel(, bias)], all differentiated. */
const OP_CASES: { name: string; op: (xs: tf.Tensor[], impl: ConvImpl) => tf.Tensor; shapes: number[][] }[] = [
  {
    name: "conv1dOp on an unbatched [T, C] input, k3 dilation 3 'causal', bias, fused elu",
    op: ([x, k, b], impl) => conv1dOp(x as tf.Tensor2D, k as tf.Tensor3D, { dilation: 3, padding: 'causal', bias: b as tf.Tensor1D, activation: 'elu', impl }),
    shapes: [[14, 3], [3, 3, 2], [2]],
  },
  {
    name: "conv2dOp 3x3 strides [2, 1] 'same', bias, fused sigmoid",
    op: ([x, k, b], impl) => conv2dOp(x as tf.Tensor4D, k as tf.Tensor4D, { strides: [2, 1], padding: 'same', bias: b as tf.Tensor1D, activation: 'sigmoid', impl }),
    shapes: [[2, 7, 6, 2], [3, 3, 2, 3], [3]],
  },
  {
    name: "depthwiseConv2dOp 3x3 stride 2 'same' on an unbatched [H, W, C] input",
    op: ([x, k], impl) => depthwiseConv2dOp(x as tf.Tensor3D, k as tf.Tensor4D, { strides: 2, padding: 'same', impl }),
    shapes: [[7, 8, 3], [3, 3, 3, 1]],
  },
];

describeGpu(`webgpu vs cpu parity: convolution layers and ops (forward and gradients, ${tolName(TOL)})`, () => {
  afterAll(async () => {
    printParityReport();
    await initBackend({ backend: 'cpu', log: null });
  });

  const rows = CASES.flatMap((c, i) => IMPLS.map((impl) => [`${c.name}, impl '${impl}'`, c, impl, i] as const));
  it.each(rows)(`%s (${tolName(TOL)})`, async (name, c, impl, i) => {
    await layerParity({
      name,
      build: () => modelSubject(layerModel(() => c.make(impl), [c.inputShape]), false),
      inputs: [randn([2, ...c.inputShape], 100 + i)],
      tolerance: TOL,
    });
  });

  const opRows = OP_CASES.flatMap((c, i) => IMPLS.map((impl) => [`${c.name}, impl '${impl}'`, c, impl, i] as const));
  it.each(opRows)(`%s: d x, d kernel, d bias (${tolName(TOL)})`, async (name, c, impl, i) => {
    const build = (): ParitySubject => ({ forward: (xs) => c.op(xs, impl), weights: [], dispose: () => {} });
    await layerParity({ name, build, inputs: c.shapes.map((s, j) => randn(s, 200 + 10 * i + j)), tolerance: TOL });
  });
});
