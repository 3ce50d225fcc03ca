import { initBackend, tf, type BackendName } from './backend';
import { addMany } from './train/addMany';
import { nextTurn } from './train/nextTurn';
import { webgpuAdapter } from './webgpu';
import { describeWebgpu } from './webgpuTesting';

/** A tiny regression problem a dense net can learn in a few steps. */
async function trainDense(): Promise<{ first: number; last: number }> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
  const xs = tf.tidy(() => tf.randomUniform([64, 4], -1, 1, 'float32', 3));
  const ys = tf.tidy(() => xs.sum(1, true).mul(2).add(0.5));
  const h = await model.fit(xs, ys, { epochs: 20, batchSize: 16, verbose: 0, shuffle: false });
  const loss = h.history.loss as number[];
  tf.dispose([xs, ys]);
  model.optimizer.dispose(); // Adam's moment slots are not owned by the model
  model.dispose();
  return { first: loss[0], last: loss[loss.length - 1] };
}

describe('initBackend', () => {
  it.each<BackendName>(['wasm', 'cpu'])('trains a small dense model on %s', async (name) => {
    const info = await initBackend({ backend: name, log: null });
    expect(info.backend).toBe(name);
    expect(tf.getBackend()).toBe(name);
    const before = tf.memory().numTensors;
    const { first, last } = await trainDense();
    expect(last).toBeLessThan(first * 0.2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('auto picks the best backend that loads and says why the better ones did not', async () => {
    const lines: string[] = [];
    const info = await initBackend({ backend: 'auto', log: (l) => lines.push(l) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`backend ${info.backend}`);
    const nodeInstalled = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) => {
      try {
        require.resolve(`${p}/package.json`);
        return true;
      } catch {
        return false;
      }
    });
    if (!nodeInstalled) {
      // This project's machines: no libtensorflow and no hardware GPU adapter, so wasm, with every reason given.
      const adapter = webgpuAdapter();
      if (adapter && !adapter.software) {
        expect(info.backend).toBe('webgpu');
      } else {
        expect(info.backend).toBe('wasm');
        expect(info.skipped.map((s) => s.package)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node']);
        expect(lines[0]).toMatch(/not used: tfjs-node-gpu not installed.*; (webgpu adapter is .*, a software adapter on the CPU: slower than wasm|webgpu: no adapter|webgpu not installed).*; tfjs-node not installed/);
      }
    } else {
      expect(['tensorflow', 'wasm']).toContain(info.backend);
    }
  });

  it('reads TFJS_BACKEND and rejects unknown names', async () => {
    process.env.TFJS_BACKEND = 'cpu';
    try {
      expect((await initBackend({ log: null })).backend).toBe('cpu');
      process.env.TFJS_BACKEND = 'gpu';
      await expect(initBackend({ log: null })).rejects.toThrow(/expected one of auto\|tensorflow\|webgpu\|wasm\|cpu, received 'gpu'/);
    } finally {
      delete process.env.TFJS_BACKEND;
    }
  });

  it('fails clearly when a forced backend cannot load', async () => {
    const nodeInstalled = (() => {
      try {
        require.resolve('@tensorflow/tfjs-node/package.json');
        return true;
      } catch {
        return false;
      }
    })();
    if (nodeInstalled) return;
    await expect(initBackend({ backend: 'tensorflow', log: null })).rejects.toThrow(/no TensorFlow.js backend could be loaded for 'tensorflow'.*not installed/);
  });
});

describeWebgpu()('initBackend webgpu', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('trains a small dense model on webgpu (any adapter, llvmpipe included, when asked for by name) and names the adapter', async () => {
    const lines: string[] = [];
    const info = await initBackend({ backend: 'webgpu', log: (l) => lines.push(l) });
    expect(info.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.adapter?.name).toBeTruthy();
    expect(info.adapter!.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(lines[0]).toContain(`WebGPU${info.adapter!.software ? ' software adapter' : ''}: ${info.adapter!.name}`);
    const before = tf.memory().numTensors;
    const { first, last } = await trainDense();
    expect(last).toBeLessThan(first * 0.2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a device error (here tfjs-backend-webgpu 4.22\'s invalid rank-5 Pad shader, whose output silently reads as zeros) is thrown at the next turn of a batch loop', async () => {
    await initBackend({ backend: 'webgpu', log: null });
    const y = tf.tidy(() => tf.ones([1, 2, 1, 2, 1]).pad([[0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]));
    expect(Array.from(await y.data()).every((v) => v === 0)).toBe(true);
    y.dispose();
    await new Promise((r) => setTimeout(r, 50));
    await expect(nextTurn()).rejects.toThrow(/WebGPU device error \(in the previous batch\): .*vec5.*the backend dropped the command/);
    await expect(nextTurn()).resolves.toBeUndefined();
  });
});

describeWebgpu()('addMany on webgpu', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('sums more tensors than one WebGPU shader may bind (tf.addN of 29 would be an invalid pipeline), without a device error', async () => {
    await initBackend({ backend: 'webgpu', log: null });
    const ts = Array.from({ length: 29 }, (_, i) => tf.fill([3], i + 1));
    const s = addMany(ts);
    expect(Array.from(await s.data())).toEqual([435, 435, 435]);
    await expect(nextTurn()).resolves.toBeUndefined();
    tf.dispose([...ts, s]);
  });
});
