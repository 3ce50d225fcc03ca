import { initBackend, tf } from '../backend';
import { Conv1D, conv1d } from './conv1dLayer';
import { Conv2D, conv2d } from './conv2dLayer';
import { DepthwiseConv2D, depthwiseConv2d } from './depthwiseConv2dLayer';

const BACKENDS = ['wasm', 'cpu'] as const;

interface Spec {
  name: string;
  inputShape: number[];
  /** Our layers, in order. */
  mine: () => tf.layers.Layer[];
  /** Stock tfjs-layers equivalents (forward only), same weight shapes. */
  stock: () => tf.layers.Layer[];
}

const SPECS: Spec[] = [
  {
    name: 'Conv1D',
    inputShape: [16, 2],
    mine: () => [
      conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }),
      conv1d({ filters: 3, kernelSize: 1 }),
      conv1d({ filters: 3, kernelSize: 2, dilationRate: 3, padding: 'valid', activation: 'relu' }),
    ],
    stock: () => [
      tf.layers.conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }),
      tf.layers.conv1d({ filters: 3, kernelSize: 1 }),
      tf.layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: 3, padding: 'valid', activation: 'relu' }),
    ],
  },
  {
    name: 'Conv2D',
    inputShape: [9, 8, 2],
    mine: () => [
      conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      conv2d({ filters: 3, kernelSize: [2, 3], padding: 'valid', activation: 'sigmoid' }),
      conv2d({ filters: 2, kernelSize: 1 }),
    ],
    stock: () => [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], padding: 'valid', activation: 'sigmoid' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
    ],
  },
  {
    name: 'DepthwiseConv2D',
    inputShape: [9, 8, 3],
    mine: () => [
      depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      depthwiseConv2d({ kernelSize: 3, padding: 'valid', activation: 'tanh' }),
    ],
    stock: () => [
      tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'valid', activation: 'tanh' }),
    ],
  },
];

function buildModel(spec: Spec, layers: tf.layers.Layer[]): tf.LayersModel {
  const input = tf.input({ shape: spec.inputShape });
  let h = input as tf.SymbolicTensor;
  for (const l of layers) h = l.apply(h) as tf.SymbolicTensor;
  const pooled = (spec.inputShape.length === 2 ? tf.layers.globalAveragePooling1d({}) : tf.layers.globalAveragePooling2d({})).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: 'ones' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function data(spec: Spec): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomNormal([4, ...spec.inputShape], 0, 1, 'float32', 7);
  const y = tf.tensor2d([[1], [-1], [0.5], [2]]);
  return { x, y };
}

describe.each(BACKENDS)('conv layers on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  test.each(SPECS.map((s) => [s.name, s] as const))('%s: forward equals stock tfjs-layers with the same weights; output shapes', (_n, spec) => {
    const mine = buildModel(spec, spec.mine());
    const stock = buildModel(spec, spec.stock());
    stock.setWeights(mine.getWeights());
    const { x, y } = data(spec);
    const a = mine.predict(x) as tf.Tensor;
    const b = stock.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    for (let i = 1; i < mine.layers.length - 2; i++) {
      expect(mine.layers[i].outputShape).toEqual(stock.layers[i].outputShape);
    }
    tf.dispose([x, y, a, b]);
    mine.dispose();
    stock.dispose();
  });

  test.each(SPECS.map((s) => [s.name, s] as const))('%s: training lowers the loss and leaks no tensors', async (_n, spec) => {
    const model = buildModel(spec, spec.mine());
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const { x, y } = data(spec);
    const w0 = model.getWeights().map((w) => w.clone());
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) {
      losses.push((await model.trainOnBatch(x, y)) as number);
      counts.push(tf.memory().numTensors);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);
    // Every conv weight moved, i.e. received a non-zero gradient.
    const w1 = model.getWeights();
    for (let i = 0; i < w0.length - 2; i++) {
      expect(tf.max(tf.abs(tf.sub(w1[i], w0[i]))).dataSync()[0]).toBeGreaterThan(0);
    }
    // The tensor count is flat after the first steps (optimizer slots created on step 1).
    expect(counts[counts.length - 1]).toBe(counts[2]);
    tf.dispose([x, y, ...w0]);
    model.dispose();
  });

  test.each(SPECS.map((s) => [s.name, s] as const))('%s: save/load round trip through tf.io gives identical predictions', async (_n, spec) => {
    const model = buildModel(spec, spec.mine());
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(saved!.modelTopology);
    expect(topology).toContain(`"Repro${spec.name}"`);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    const { x, y } = data(spec);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    // The config round-trips too (initializers serialized as {className, config}).
    // Saving writes an unset seed as null; compare with nulls dropped.
    const plain = (l: tf.layers.Layer) => JSON.parse(JSON.stringify(l.getConfig(), (_k, v) => (v === null ? undefined : v)));
    for (let i = 1; i <= spec.mine().length; i++) expect(plain(loaded.layers[i])).toEqual(plain(model.layers[i]));
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });

  test('the layers work in tf.sequential', () => {
    const m = tf.sequential({
      layers: [conv1d({ inputShape: [10, 1], filters: 2, kernelSize: 3, padding: 'causal' }), tf.layers.flatten(), tf.layers.dense({ units: 1 })],
    });
    expect(m.outputShape).toEqual([null, 1]);
    expect(m.layers[0].outputShape).toEqual([null, 10, 2]);
    const y = m.predict(tf.ones([3, 10, 1])) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    m.dispose();
  });

  test('causal Conv1D: output t does not depend on inputs after t', () => {
    const layer = conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'causal', inputShape: [12, 1] });
    const x = tf.randomNormal([1, 12, 1], 0, 1, 'float32', 3);
    const xChanged = tf.concat([x.slice([0, 0, 0], [1, 6, 1]), tf.ones([1, 6, 1]).mul(9)], 1);
    const a = (layer.apply(x) as tf.Tensor).slice([0, 0, 0], [1, 6, 2]);
    const b = (layer.apply(xChanged) as tf.Tensor).slice([0, 0, 0], [1, 6, 2]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const full = (layer.apply(xChanged) as tf.Tensor).slice([0, 6, 0], [1, 6, 2]);
    const fullA = (layer.apply(x) as tf.Tensor).slice([0, 6, 0], [1, 6, 2]);
    expect(tf.max(tf.abs(tf.sub(full, fullA))).dataSync()[0]).toBeGreaterThan(0);
  });

  test('Keras defaults: glorotUniform kernel, zeros bias, valid padding, linear, bias on', () => {
    const l = new Conv1D({ filters: 2, kernelSize: 3 });
    const cfg = l.getConfig();
    expect(cfg.padding).toBe('valid');
    expect(cfg.activation).toBe('linear');
    expect(cfg.useBias).toBe(true);
    // tfjs-layers serializes glorotUniform as VarianceScaling(fanAvg, uniform, scale 1), as Keras does.
    expect(cfg.kernelInitializer).toMatchObject({ className: 'VarianceScaling', config: { mode: 'fanAvg', distribution: 'uniform', scale: 1 } });
    expect((cfg.biasInitializer as { className: string }).className).toBe('Zeros');
    expect(new Conv2D({ filters: 1, kernelSize: 1 }).getConfig().strides).toEqual([1, 1]);
    expect(new DepthwiseConv2D({ kernelSize: 3 }).getConfig().depthMultiplier).toBe(1);
  });

  test('constructor errors name the argument, expected and received', () => {
    expect(() => conv1d({ filters: 0, kernelSize: 3 })).toThrow(/Conv1D: filters must be an integer >= 1, received 0/);
    expect(() => conv1d({ filters: 2, kernelSize: 2.5 })).toThrow(/Conv1D: kernelSize must be an integer >= 1, received 2.5/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/Conv1D: padding must be one of 'same'\|'valid'\|'causal', received "full"/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, activation: 'gelu_new' as never })).toThrow(/Conv1D: activation must be one of .*received "gelu_new"/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, kernelInitializer: 'foo' as never })).toThrow(/Conv1D: kernelInitializer must be one of .*received 'foo'/);
    expect(() => conv2d({ filters: 2, kernelSize: [3, 3, 3] as never })).toThrow(/Conv2D: kernelSize must be an integer or a pair of integers/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/Conv2D: strides \[2,2\] and dilationRate \[2,2\] cannot both exceed 1/);
    expect(() => depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 })).toThrow(/DepthwiseConv2D: depthMultiplier must be 1 .*received 2/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, impl: 'fast' as never })).toThrow(/Conv1D: impl must be one of 'auto'\|'stock'\|'custom', received "fast"/);
  });
});
