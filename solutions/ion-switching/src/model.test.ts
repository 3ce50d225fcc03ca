import { categoricalCrossentropy, initBackend, tf } from '@repro/layers';
import {
  FoldTime,
  GRUCellResetAfter,
  GRUResetAfter,
  UnfoldTime,
  buildCnnGruTransformerWave,
  resolveWidths,
  trainableParamCount,
  type CnnGruTransformerWaveWidths,
} from './model';

/**
 * Parameter counts of the seed's default widths (seqLen 4000, 19 features, 11
 * classes), printed by the PyTorch equivalent:
 *   /usr/bin/python3 tools/bench/seed000_torch.py --count-only
 *   -> {"params": 773606, "paramsWithBnStats": 775110}   (torch 1.13.1)
 * "params" = sum of torch parameters() = Keras "Trainable params";
 * "paramsWithBnStats" adds the BatchNorm running mean/var = Keras "Total params".
 */
const TORCH_PARAMS = 773606;
const TORCH_PARAMS_WITH_BN_STATS = 775110;

const TINY: Partial<CnnGruTransformerWaveWidths> = {
  cbrIn: 8,
  gru1: 8,
  gru2: 8,
  nHead: 2,
  dModel: 16,
  dK: 4,
  dV: 4,
  cbrMid: 8,
  wave: [
    [4, 3],
    [8, 2],
  ],
  cbrOut: 8,
};
const SEQ = 64;
const FEAT = 5;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: null });
});

describe('FoldTime / UnfoldTime', () => {
  it('folds consecutive sub-sequences into the batch, as K.reshape(x, (-1, T/8, C)), and back', () => {
    const x = tf.reshape(tf.range(0, 2 * 16 * 3), [2, 16, 3]);
    const f = new FoldTime({ factor: 8 }).apply(x) as tf.Tensor;
    expect(f.shape).toEqual([16, 2, 3]);
    expect(Array.from(f.dataSync())).toEqual(Array.from(tf.reshape(x, [-1, 2, 3]).dataSync()));
    const u = new UnfoldTime({ factor: 8 }).apply(f) as tf.Tensor;
    expect(u.shape).toEqual([2, 16, 3]);
    expect(Array.from(u.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, f, u]);
  });

  it('rejects a time axis not divisible by the factor', () => {
    expect(() => buildCnnGruTransformerWave({ seqLen: 60, nFeatures: FEAT, widths: TINY })).toThrow(/divisible by fold 8/);
  });
});

describe('GRUCellResetAfter', () => {
  it('matches a hand-written Keras reset_after=True step', () => {
    const cell = new GRUCellResetAfter({ units: 3, seed: 1 });
    cell.build([null, 2]);
    const [k, rk, b] = cell.getWeights();
    cell.setWeights([k, rk, tf.randomNormal(b.shape, 0, 1, 'float32', 3)]);
    const x = tf.randomNormal([4, 2], 0, 1, 'float32', 4);
    const h = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const [got] = cell.call([x, h], {}) as tf.Tensor[];
    const [K, R, B] = cell.getWeights().map((w) => w.arraySync() as number[][]);
    const xs = x.arraySync() as number[][];
    const hs = h.arraySync() as number[][];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const want = xs.map((xr, n) => {
      const mx = (j: number) => xr.reduce((s, xi, i) => s + xi * K[i][j], 0) + B[0][j];
      const mh = (j: number) => hs[n].reduce((s, hi, i) => s + hi * R[i][j], 0) + B[1][j];
      return [0, 1, 2].map((u) => {
        const z = sig(mx(u) + mh(u));
        const r = sig(mx(3 + u) + mh(3 + u));
        const c = Math.tanh(mx(6 + u) + r * mh(6 + u));
        return z * hs[n][u] + (1 - z) * c;
      });
    });
    const g = got.arraySync() as number[][];
    for (let n = 0; n < 4; n++) for (let u = 0; u < 3; u++) expect(g[n][u]).toBeCloseTo(want[n][u], 5);
    tf.dispose([x, h, got]);
  });

  it('survives a serialization round trip inside Bidirectional', () => {
    const layer = new GRUResetAfter({ units: 4, returnSequences: true });
    const config = layer.getConfig();
    const back = tf.serialization.SerializationMap.getMap().classNameMap[GRUResetAfter.className];
    expect(back).toBeDefined();
    const bi = tf.layers.bidirectional({ layer, mergeMode: 'concat' });
    const y = bi.apply(tf.ones([2, 5, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 5, 8]);
    expect(config.units).toBe(4);
    y.dispose();
  });
});

describe('buildCnnGruTransformerWave', () => {
  it('tiny config: output [B, seqLen, 11], rows sum to 1, the seed\'s intermediate shapes', () => {
    const model = buildCnnGruTransformerWave({ seqLen: SEQ, nFeatures: FEAT, widths: TINY, seed: 1 });
    expect(model.outputs[0].shape).toEqual([null, SEQ, 11]);
    const shape = (name: string) => model.getLayer(name).outputShape;
    expect(shape('cgtw_fold')).toEqual([null, SEQ / 8, FEAT]);
    expect(shape('cgtw_pool1_cat')).toEqual([null, SEQ / 8, 8]); // 4 max + 4 avg (channels-first pools the last axis)
    expect(shape('cgtw_bigru1')).toEqual([null, SEQ / 8, 16]);
    expect(shape('cgtw_bigru2')).toEqual([null, SEQ / 8, 16]);
    expect(shape('cgtw_pool2_cat')).toEqual([null, SEQ / 8, 16]);
    expect(shape('cgtw_unfold')).toEqual([null, SEQ, 11]);
    expect(shape('cgtw_cat_in_out1')).toEqual([null, SEQ, FEAT + 11]);
    const x = tf.randomNormal([3, SEQ, FEAT], 0, 1, 'float32', 7);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, SEQ, 11]);
    const sums = tf.sum(y, -1);
    const s = sums.dataSync();
    for (const v of s) expect(v).toBeCloseTo(1, 5);
    tf.dispose([x, y, sums]);
    model.dispose();
  });

  it('tiny config: a few Adam steps with categorical cross-entropy lower the loss on wasm', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = buildCnnGruTransformerWave({ seqLen: SEQ, nFeatures: FEAT, widths: TINY, dropout: 0, attentionDropout: 0, seed: 2 });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: categoricalCrossentropy() as unknown as string });
    // Learnable target: the class is a function of the first feature.
    const x = tf.randomNormal([4, SEQ, FEAT], 0, 1, 'float32', 11);
    const cls = tf.cast(tf.clipByValue(tf.floor(tf.add(tf.mul(tf.squeeze(tf.slice(x, [0, 0, 0], [4, SEQ, 1]), [2]), 2), 5)), 0, 10), 'int32');
    const y = tf.oneHot(cls, 11).toFloat();
    // Training-mode losses (trainOnBatch): eval-mode loss would use the batch-norm
    // moving statistics, which barely move in 20 steps (momentum 0.99).
    const losses: number[] = [];
    await model.trainOnBatch(x, y); // first step (creates the optimizer slots)
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) losses.push(Number(await model.trainOnBatch(x, y)));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 4);
    tf.dispose([x, cls, y]);
    model.dispose();
  });

  it('default widths are the seed\'s and their parameter count equals the PyTorch equivalent', () => {
    expect(resolveWidths()).toEqual({
      cbrIn: 64,
      gru1: 128,
      gru2: 64,
      nHead: 4,
      dModel: 128,
      dK: 64,
      dV: 64,
      cbrMid: 64,
      wave: [
        [16, 12],
        [32, 8],
        [64, 4],
        [128, 1],
      ],
      cbrOut: 32,
    });
    const model = buildCnnGruTransformerWave();
    expect(model.inputs[0].shape).toEqual([null, 4000, 19]);
    expect(model.outputs[0].shape).toEqual([null, 4000, 11]);
    expect(trainableParamCount(model)).toBe(TORCH_PARAMS);
    expect(model.countParams()).toBe(TORCH_PARAMS_WITH_BN_STATS);
    model.dispose();
  });

  it('rejects inconsistent widths', () => {
    expect(() => buildCnnGruTransformerWave({ widths: { gru2: 32 } })).toThrow(/dModel \(128\) must equal 2 \* gru2 \(64\)/);
    expect(() => buildCnnGruTransformerWave({ widths: { cbrIn: 7 } })).toThrow(/cbrIn must be even/);
  });
});
