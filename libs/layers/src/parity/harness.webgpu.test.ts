/**
 * The parity harness itself (parityTesting.ts): it must fail, with a message naming the case, the
 * tensor and the worst difference, when webgpu differs from cpu. Each test plants a webgpu-only
 * fault into a real layer (a 1% forward error, a 1% gradient error, a leaked tensor, an invalid
 * shader) and expects the harness to reject it.
 */
import { initBackend, tf } from '../backend';
import { conv1d } from '../conv';
import { layerModel, layerParity, PARITY_TOLERANCE, randn, tolName, type ParitySubject } from '../parityTesting';
import { describeWebgpu } from '../webgpuTesting';

const describeGpu = describeWebgpu();
const TOL = PARITY_TOLERANCE;

const onWebgpu = () => tf.getBackend() === 'webgpu';

/** Identity whose gradient is scaled by `factor` (a wrong gradient kernel, when factor != 1). */
function scaledGradient(factor: number): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor) };
  }) as (x: tf.Tensor) => tf.Tensor;
}

/** A dilated causal Conv1D whose forward output goes through `fault` on webgpu only. */
function faultyConv(fault: (y: tf.Tensor) => tf.Tensor): () => ParitySubject {
  return () => {
    const model = layerModel(
      () => conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'causal', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'faulty' }),
      [[10, 2]],
    );
    return {
      forward: ([x]) => {
        const y = model.apply(x) as tf.Tensor;
        return onWebgpu() ? fault(y) : y;
      },
      weights: model.weights,
      dispose: () => model.dispose(),
    };
  };
}

const inputs = [randn([2, 10, 2], 1)];

describeGpu(`the parity harness catches webgpu-only faults (${tolName(TOL)})`, () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('passes the unmodified layer', async () => {
    await layerParity({ name: 'Conv1D', build: faultyConv((y) => y), inputs });
  });

  it('a forward output 1% too large on webgpu: names the output and every gradient, with the worst difference', async () => {
    await expect(layerParity({ name: 'Conv1D forward x1.01', build: faultyConv((y) => tf.mul(y, 1.01)), inputs })).rejects.toThrow(
      /\[webgpu parity\] Conv1D forward x1\.01: \d+ of \d+ tensors differ from cpu:\n {2}output \[2,10,4\]: worst \|webgpu - cpu\| = [\d.e-]+ at \[\d+,\d+,\d+\] \(cpu [-\d.e]+, webgpu [-\d.e]+\) > allowed [\d.e-]+ = atol 0\.000100 \+ rtol 0\.00100 \* max\|cpu\| [\d.e]+[\s\S]*d weight\[0\] faulty\/kernel \[3,2,4\]/,
    );
  });

  it('a gradient 1% too large on webgpu (forward right): names the gradients only', async () => {
    const err = await layerParity({ name: 'Conv1D gradient x1.01', build: faultyConv(scaledGradient(1.01)), inputs }).then(
      () => new Error('passed'),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/Conv1D gradient x1\.01: 3 of 5 tensors differ from cpu/);
    expect(err.message).toMatch(/d input\[0\] \[2,10,2\]: worst \|webgpu - cpu\|/);
    expect(err.message).toMatch(/d weight\[0\] faulty\/kernel \[3,2,4\]: worst \|webgpu - cpu\|/);
    expect(err.message).toMatch(/d weight\[1\] faulty\/bias \[4\]: worst \|webgpu - cpu\|/);
    expect(err.message).not.toMatch(/output/);
  });

  it('a 0.05% gradient error passes the default tolerance and fails a 1e-5 one (the tolerance is what decides)', async () => {
    const build = faultyConv(scaledGradient(1.0005));
    await layerParity({ name: 'Conv1D gradient x1.0005', build, inputs });
    await expect(layerParity({ name: 'Conv1D gradient x1.0005', build, inputs, tolerance: { atol: 1e-5, rtol: 1e-5 } })).rejects.toThrow(/d weight\[0\] faulty\/kernel/);
  });

  it('a tensor leaked on webgpu', async () => {
    let leaked: tf.Tensor | undefined;
    const leak = (y: tf.Tensor) => ((leaked = tf.keep(tf.ones([1]))), y);
    await expect(layerParity({ name: 'Conv1D leaking', build: faultyConv(leak), inputs })).rejects.toThrow(/Conv1D leaking: 1 tensor\(s\) leaked on webgpu/);
    leaked?.dispose();
  });

  it('an output that is all zeros on cpu tests nothing and fails', async () => {
    const build = (): ParitySubject => ({ forward: ([x]) => tf.mul(x, 0), weights: [], dispose: () => {} });
    await expect(layerParity({ name: 'zeros', build, inputs })).rejects.toThrow(/zeros: output all zeros on cpu: the case tests nothing/);
  });

  it('a WebGPU validation error is named (a rank-5 pad: invalid WGSL in tfjs-backend-webgpu 4.22, why conv/convUtil.ts insertZeros pads in rank 3)', async () => {
    const build = (): ParitySubject => ({
      forward: ([x]) => tf.reshape(tf.pad(tf.reshape(x, [2, 10, 1, 2, 1]), [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]), [2, -1]),
      weights: [],
      dispose: () => {},
    });
    await expect(layerParity({ name: 'rank-5 pad', build, inputs })).rejects.toThrow(/rank-5 pad: WebGPU validation error .*WGSL/);
  });
});
