import { initBackend, tf } from '../backend';
import { multiHeadAttention } from '../blocks/multiHeadAttention';
import { webgpuAdapter } from '../webgpu';
import { describeWebgpu } from '../webgpuTesting';
import { checkDeviceLimits, layerOutputSizes } from './deviceLimits';

function wide(): tf.LayersModel {
  const x = tf.input({ shape: [64] });
  const h = tf.layers.dense({ units: 1024, name: 'wide_dense' }).apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2, name: 'head' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

describe('layerOutputSizes', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('gives each layer output at the batch size, largest first, float32 bytes', () => {
    const m = wide();
    const s = layerOutputSizes(m, 10);
    expect(s[0]).toEqual({ layer: 'wide_dense', shape: [10, 1024], bytes: 10 * 1024 * 4 });
    expect(s.find((x) => x.layer === 'head')).toEqual({ layer: 'head', shape: [10, 2], bytes: 80 });
    m.dispose();
  });

  it("counts multi-head attention weights head-major: [nHead * batch, Tq, Tk]", () => {
    const x = tf.input({ shape: [50, 8] });
    const [o] = multiHeadAttention({ nHead: 4, dModel: 8, dK: 2, dV: 2, name: 'mha' }).apply(x) as tf.SymbolicTensor[];
    const m = tf.model({ inputs: x, outputs: o });
    const s = layerOutputSizes(m, 3);
    expect(s[0]).toEqual({ layer: 'mha', shape: [12, 50, 50], bytes: 12 * 50 * 50 * 4 });
    m.dispose();
  });

  it('checkDeviceLimits does nothing off webgpu', () => {
    const m = wide();
    expect(() => checkDeviceLimits(m, 1e6, 'training')).not.toThrow();
    m.dispose();
  });
});

describeWebgpu()('checkDeviceLimits on webgpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'webgpu', log: null });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it("names the layer, its shape, the adapter's limit and the batch that fits", () => {
    const m = wide();
    const limit = Math.min(webgpuAdapter()!.maxStorageBufferBindingSize, webgpuAdapter()!.maxBufferSize);
    const perExample = 1024 * 4;
    const over = Math.floor(limit / perExample) + 1;
    expect(() => checkDeviceLimits(m, over - 1, 'training')).not.toThrow();
    expect(() => checkDeviceLimits(m, over, 'training step 1')).toThrow(
      new RegExp(`training step 1: layer 'wide_dense' would output \\[${over}, 1024\\] float32 = \\d+ MiB at batch ${over}, over the WebGPU adapter's \\d+ MiB per-tensor limit .*a batch of at most ${over - 1} fits`),
    );
    m.dispose();
  });
});
