import { initBackend, tf } from '../backend';
import { conv1d } from './conv1dLayer';
import { cloneSharesBuffersOnWasm, shareCloneBuffersOnWasm } from './wasmClone';

function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [32, 1] });
  const a = conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh', kernelInitializer: 'ones' }).apply(input) as tf.SymbolicTensor;
  const b = conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'sigmoid', kernelInitializer: 'ones' }).apply(input) as tf.SymbolicTensor;
  const m = tf.layers.multiply().apply([a, b]) as tf.SymbolicTensor;
  const s = tf.layers.add().apply([m, a]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: 'ones' }).apply(tf.layers.globalAveragePooling1d({}).apply(s) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

async function losses(): Promise<number[]> {
  const model = tinyModel();
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const x = tf.tensor3d(Array.from({ length: 64 }, (_, i) => Math.sin(i)), [2, 32, 1]);
  const y = tf.tensor2d([[1], [-1]]);
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push((await model.trainOnBatch(x, y)) as number);
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('shareCloneBuffersOnWasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: null });
  });

  test('clones share the buffer, survive disposal of the original, and training is unchanged', async () => {
    const copying = await losses();
    expect(cloneSharesBuffersOnWasm()).toBe(false);
    const a = tf.tensor1d([1, 2, 3]);
    const c0 = a.clone();
    expect(c0.dataId).not.toBe(a.dataId); // stock wasm: a copy
    tf.dispose([a, c0]);

    expect(shareCloneBuffersOnWasm()).toBe(true);
    expect(shareCloneBuffersOnWasm()).toBe(true); // idempotent
    const buffers = tf.memory().numDataBuffers;
    const b = tf.tensor1d([1, 2, 3]);
    const c = b.clone();
    expect(c.dataId).toBe(b.dataId); // one shared buffer
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);

    const sharing = await losses();
    expect(sharing).toEqual(copying);
    expect(sharing[3]).toBeLessThan(sharing[0]);
  });
});
