import { initBackend, tf } from '../backend';
import { cbr, waveBlock, waveBlockParamCount } from './waveBlock';

/** Seed 002's feature extractor: wave blocks 8/3/12, 16/3/8, 32/3/4, 64/3/1 on one channel. */
function seed002Extractor(time: number): tf.LayersModel {
  const inp = tf.input({ shape: [time, 1] });
  let x = waveBlock(inp, { filters: 8, kernelSize: 3, nDilations: 12 });
  x = waveBlock(x, { filters: 16, kernelSize: 3, nDilations: 8 });
  x = waveBlock(x, { filters: 32, kernelSize: 3, nDilations: 4 });
  x = waveBlock(x, { filters: 64, kernelSize: 3, nDilations: 1 });
  return tf.model({ inputs: inp, outputs: x });
}

describe('waveBlock and cbr', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: null });
  });

  it('output shapes and layer structure follow the seeds', () => {
    const inp = tf.input({ shape: [20, 3] });
    const y = waveBlock(inp, { filters: 4, kernelSize: 3, nDilations: 3, prefix: 'wb' });
    expect(y.shape).toEqual([null, 20, 4]);
    const m = tf.model({ inputs: inp, outputs: y });
    const dil = m.layers.filter((l) => l.name.endsWith('_tanh')).map((l) => (l.getConfig().dilationRate as number));
    expect(dil).toEqual([1, 2, 4]);
    // The next dilation's convs read the previous 1x1 conv's output (as in both seeds).
    const tanh2 = m.getLayer('wb_d2_tanh');
    expect(tanh2.inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual(['wb_d1_1x1']);
    // The block returns the residual sum, not the last 1x1 output.
    expect(m.outputs[0].sourceLayer.name).toEqual('wb_d4_add');
    expect(m.getLayer('wb_d2_add').inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual(['wb_d1_add', 'wb_d2_1x1']);
    const c = cbr(inp, { filters: 5, kernelSize: 7 });
    expect(c.shape).toEqual([null, 20, 5]);
    const out = m.predict(tf.ones([2, 20, 3])) as tf.Tensor;
    expect(out.shape).toEqual([2, 20, 4]);
    out.dispose();
  });

  it('forward equals the seed recipe written with stock tfjs ops', () => {
    const inp = tf.input({ shape: [24, 2] });
    const m = tf.model({ inputs: inp, outputs: waveBlock(inp, { filters: 3, kernelSize: 3, nDilations: 3, prefix: 'r' }) });
    const xv = tf.randomNormal([2, 24, 2], 0, 1, 'float32', 7) as tf.Tensor3D;
    const w = (name: string) => m.getLayer(name).getWeights() as [tf.Tensor3D, tf.Tensor1D];
    const conv = (t: tf.Tensor3D, name: string, d = 1) => tf.add(tf.conv1d(t, w(name)[0], 1, 'same', 'NWC', d), w(name)[1]) as tf.Tensor3D;
    let x = conv(xv, 'r_in');
    let res = x;
    for (const d of [1, 2, 4]) {
      const g = tf.mul(tf.tanh(conv(x, `r_d${d}_tanh`, d)), tf.sigmoid(conv(x, `r_d${d}_sigm`, d))) as tf.Tensor3D;
      x = conv(g, `r_d${d}_1x1`);
      res = tf.add(res, x);
    }
    const got = (m.predict(xv) as tf.Tensor).dataSync();
    const want = res.dataSync();
    let worst = 0;
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]))));
    expect(worst).toBeLessThan(1e-5);
  });

  it('seeded blocks build the same weights every time; unseeded ones do not', () => {
    const build = (seed?: number) => {
      const inp = tf.input({ shape: [16, 3] });
      const out = waveBlock(cbr(inp, { filters: 4, kernelSize: 3, seed }), { filters: 4, kernelSize: 3, nDilations: 2, seed: seed === undefined ? undefined : seed + 50 });
      const m = tf.model({ inputs: inp, outputs: out });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    expect(build(7)).toEqual(build(7));
    expect(build(7)).not.toEqual(build(8));
    expect(build()).not.toEqual(build());
  });

  it('rejects bad arguments naming expected vs received', () => {
    const inp = tf.input({ shape: [20, 3] });
    expect(() => waveBlock(inp, { filters: 0, kernelSize: 3, nDilations: 2 })).toThrow(/waveBlock: filters must be a positive integer, received 0/);
    expect(() => waveBlock(tf.input({ shape: [3] }), { filters: 2, kernelSize: 3, nDilations: 2 })).toThrow(/rank-3.*received shape \[null,3\]/);
    expect(() => cbr(inp, { filters: 2, kernelSize: 3, stride: 2 })).toThrow(/cbr: stride must be 1.*received 2/);
  });

  it("seed 002's extractor has 81,120 parameters (hand formula = model.countParams)", () => {
    const m = seed002Extractor(16);
    const specs: [number, number, number][] = [[8, 3, 12], [16, 3, 8], [32, 3, 4], [64, 3, 1]];
    let cin = 1;
    let formula = 0;
    for (const [filters, kernelSize, nDilations] of specs) {
      formula += waveBlockParamCount(cin, { filters, kernelSize, nDilations });
      cin = filters;
    }
    expect(formula).toBe(81120);
    expect(m.countParams()).toBe(formula);
    m.dispose();
  });

  it('a 2-block WaveNet with cbr trains on wasm (loss decreases)', async () => {
    const inp = tf.input({ shape: [32, 2] });
    let x = waveBlock(inp, { filters: 4, kernelSize: 3, nDilations: 3 });
    x = waveBlock(x, { filters: 8, kernelSize: 3, nDilations: 2 });
    x = cbr(x, { filters: 4, kernelSize: 3 });
    const out = tf.layers.dense({ units: 1 }).apply(tf.layers.globalAveragePooling1d().apply(x)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: inp, outputs: out });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([8, 32, 2], 0, 1, 'float32', 1);
    const ys = tf.mean(xs, [1, 2]).reshape([8, 1]).mul(3);
    const h = await model.fit(xs, ys, { epochs: 15, batchSize: 8, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.7);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
