import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend, tf } from '../backend';
import { DropConnect, dropConnect } from './dropConnect';
import { buildEfficientNet, EfficientNetVariant, efficientNetStages, roundFilters, roundRepeats } from './efficientNet';
import { roundTrip } from '../blocks/testing';
import { loadEfficientNetWeights } from './efficientNetWeights';
import { WidthAveragePooling2D } from './widthAveragePooling';

/** Saves a model's weights with tf.io.withSaveHandler into `dir` as TF.js model.json + one shard. */
async function saveTfjs(model: tf.LayersModel, dir: string, rename?: (n: string) => string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      fs.mkdirSync(dir, { recursive: true });
      const data = a.weightData as ArrayBuffer;
      fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(data));
      const weights = a.weightSpecs!.map((s) => ({ ...s, name: rename ? rename(s.name) : s.name }));
      const json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }] };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

const tiny = { inputShape: [32, 32, 3] as [number, number, number], widthScale: 0.25, nClasses: 5 };

describe('EfficientNet', () => {
  let tmp: string;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: null });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'effnet-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("parameter counts equal Keras' (include_top, 1000 classes; independent of H and W)", () => {
    // Keras EfficientNetB0..B4(weights=None).count_params(); its preprocessing Normalization holds 7 of them.
    const keras: Record<EfficientNetVariant, number> = { b0: 5330571, b1: 7856239, b2: 9177569, b3: 12320535, b4: 19466823 };
    for (const variant of ['b0', 'b1', 'b4'] as const) {
      const m = buildEfficientNet({ variant, inputShape: [32, 32, 3], nClasses: 1000, preprocessing: true });
      expect({ variant, n: m.countParams() }).toEqual({ variant, n: keras[variant] });
      m.dispose();
    }
    const plain = buildEfficientNet({ variant: 'b0', inputShape: [40, 24, 3], nClasses: 1000 });
    expect(plain.countParams()).toBe(keras.b0 - 7);
    plain.dispose();
  });

  it('compound scaling: stage filters and repeats of B1..B4', () => {
    expect([roundFilters(32, 1.1), roundFilters(1280, 1.4), roundFilters(16, 1.4), roundFilters(24, 1.2)]).toEqual([32, 1792, 24, 32]);
    expect([roundRepeats(3, 1.1), roundRepeats(1, 1.8), roundRepeats(4, 1.4)]).toEqual([4, 2, 6]);
    const want: Record<EfficientNetVariant, { stem: number; out: number[]; rep: number[]; top: number }> = {
      b0: { stem: 32, out: [16, 24, 40, 80, 112, 192, 320], rep: [1, 2, 2, 3, 3, 4, 1], top: 1280 },
      b1: { stem: 32, out: [16, 24, 40, 80, 112, 192, 320], rep: [2, 3, 3, 4, 4, 5, 2], top: 1280 },
      b2: { stem: 32, out: [16, 24, 48, 88, 120, 208, 352], rep: [2, 3, 3, 4, 4, 5, 2], top: 1408 },
      b3: { stem: 40, out: [24, 32, 48, 96, 136, 232, 384], rep: [2, 3, 3, 5, 5, 6, 2], top: 1536 },
      b4: { stem: 48, out: [24, 32, 56, 112, 160, 272, 448], rep: [2, 4, 4, 6, 6, 8, 2], top: 1792 },
    };
    for (const v of Object.keys(want) as EfficientNetVariant[]) {
      const s = efficientNetStages(v);
      expect({ v, stem: s.stemFilters, out: s.stages.map((x) => x.filtersOut), rep: s.stages.map((x) => x.repeats), top: s.topFilters }).toEqual({
        v,
        ...want[v],
      });
    }
    // Layer names follow Keras (block letters count repeats within a stage).
    const m = buildEfficientNet({ variant: 'b1', ...tiny });
    const names = m.layers.map((l) => l.name);
    for (const n of ['stem_conv', 'block1a_dwconv', 'block1b_se_reduce', 'block2c_expand_conv', 'block6e_project_bn', 'block7b_add', 'top_conv', 'predictions']) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('block1a_expand_conv');
    expect(names).not.toContain('block6f_dwconv');
    m.dispose();
  });

  it('forward shape on [2, 32, 32, 3], softmax and linear heads; argument checks', () => {
    const m = buildEfficientNet({ variant: 'b0', ...tiny, seed: 1 });
    const y = m.predict(tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 2)) as tf.Tensor;
    expect(y.shape).toEqual([2, 5]);
    const sums = tf.sum(y, 1).arraySync() as number[];
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(m.getLayer('block2a_dwconv').outputShape).toEqual([null, 8, 8, 48]);
    const lin = buildEfficientNet({ variant: 'b0', ...tiny, inputShape: [33, 17, 1], activation: 'linear' });
    expect((lin.getLayer('predictions').getConfig() as { activation: string }).activation).toBe('linear');
    expect(lin.getLayer('top_conv').outputShape).toEqual([null, 2, 1, 320]);
    expect(() => buildEfficientNet({ variant: 'b7' as EfficientNetVariant, ...tiny })).toThrow(/variant must be one of b0\|b1\|b2\|b3\|b4, received "b7"/);
    expect(() => buildEfficientNet({ variant: 'b0', ...tiny, inputShape: [32, 32] as unknown as [number, number, number] })).toThrow(
      /inputShape must be \[height, width, channels\].*received \[32,32\]/,
    );
    tf.dispose(y);
    m.dispose();
    lin.dispose();
  });

  it('drop-connect: identity at inference, whole samples dropped and rescaled in training', () => {
    const layer = dropConnect({ rate: 0.5, seed: 3 });
    const x = tf.ones([64, 2, 2, 3]);
    expect(tf.max(tf.abs(tf.sub(layer.apply(x) as tf.Tensor, x))).dataSync()[0]).toBe(0);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const perSample = tf.reshape(y, [64, 12]);
    const mn = tf.min(perSample, 1).arraySync() as number[];
    const mx = tf.max(perSample, 1).arraySync() as number[];
    mn.forEach((v, i) => {
      expect(v).toBe(mx[i]); // one decision per sample
      expect([0, 2]).toContain(v); // kept ones scaled by 1/(1-rate)
    });
    const kept = mn.filter((v) => v === 2).length;
    expect(kept).toBeGreaterThan(16);
    expect(kept).toBeLessThan(48);
    // Rates grow linearly over blocks: first block none, later ones up to 0.2 * (B-1)/B.
    const m = buildEfficientNet({ variant: 'b0', ...tiny });
    const rates = m.layers.filter((l) => l instanceof DropConnect).map((l) => (l as DropConnect).rate);
    expect(rates[0]).toBeCloseTo((0.2 * 2) / 16, 6); // block2b is block index 2 of 16
    expect(rates[rates.length - 1]).toBeCloseTo((0.2 * 14) / 16, 6); // block6d
    expect(() => dropConnect({ rate: 1 })).toThrow(/DropConnect: rate must be a number in \[0, 1\), received 1/);
    m.dispose();
  });

  it('trains on wasm: a few steps lower the loss', async () => {
    const m = buildEfficientNet({ variant: 'b0', ...tiny, nClasses: 2, dropRate: 0, dropConnectRate: 0, seed: 4 });
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 5);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) losses.push((await m.trainOnBatch(xs, ys)) as number);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.min(...losses.slice(-2))).toBeLessThan(losses[0]);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it("pooling 'width': rows kept ([h * c] features), the mean over width, trains and round-trips", async () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => (i * 7) % 11), [2, 3, 4, 2]);
    const layer = new WidthAveragePooling2D();
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 6]);
    const v = x.arraySync() as number[][][][];
    const want = v.map((img) => img.flatMap((row) => [0, 1].map((c) => row.reduce((a, px) => a + px[c], 0) / 4)));
    expect(Array.from(y.dataSync())).toEqual(want.flat().map((w) => expect.closeTo(w, 5)));

    const m = buildEfficientNet({ variant: 'b0', ...tiny, inputShape: [64, 32, 1], nClasses: 2, dropRate: 0, dropConnectRate: 0, seed: 6, pooling: 'width' });
    // 64 rows / stride 32 = 2 rows of 320 top filters at widthScale 0.25.
    expect(m.getLayer('predictions').getWeights()[0].shape).toEqual([640, 2]);
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([4, 64, 32, 1], 0, 1, 'float32', 7);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) losses.push((await m.trainOnBatch(xs, ys)) as number);
    expect(Math.min(...losses.slice(-2))).toBeLessThan(losses[0]);
    const loaded = await roundTrip(m);
    expect(Array.from((loaded.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(xs) as tf.Tensor).dataSync()));
    expect(() => buildEfficientNet({ variant: 'b0', ...tiny, pooling: 'max' as 'avg' })).toThrow(/pooling must be 'avg'\|'width'/);
    tf.dispose([x, y, xs, ys]);
    [m, loaded].forEach((q) => q.dispose());
  });

  it('weight round trip through a TF.js model.json directory: identical predictions', async () => {
    const src = buildEfficientNet({ variant: 'b0', ...tiny, seed: 10, preprocessing: true });
    // Non-trivial BN statistics and normalization, so that every weight matters.
    src.getLayer('stem_bn').setWeights(src.getLayer('stem_bn').getWeights().map((w, i) => tf.fill(w.shape, 0.3 + 0.2 * i)));
    src.getLayer('normalization').setWeights([tf.tensor1d([0.1, 0.2, 0.3]), tf.tensor1d([2, 3, 4]), tf.scalar(1)]);
    const dir = path.join(tmp, 'roundtrip');
    // Converted Keras files may carry a model scope and ':0'; the loader strips both.
    await saveTfjs(src, dir, (n) => `efficientnetb0/${n}:0`);
    const dst = buildEfficientNet({ variant: 'b0', ...tiny, seed: 99, preprocessing: true });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 11);
    const before = dst.predict(x) as tf.Tensor;
    const report = await loadEfficientNetWeights(dst, dir, { skipLayers: [] });
    expect(report.loaded).toBe(dst.weights.length);
    const a = (src.predict(x) as tf.Tensor).dataSync();
    const b = (dst.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(before.dataSync())).not.toEqual(Array.from(a));

    // Default: the head is skipped, so a file fits a model with another class count.
    const other = buildEfficientNet({ variant: 'b0', ...tiny, nClasses: 3 });
    const r2 = await loadEfficientNetWeights(other, dir);
    expect(r2.unused).toEqual(expect.arrayContaining(['predictions/kernel', 'predictions/bias']));
    for (const name of ['stem_conv', 'block2b_se_reduce', 'block6d_bn', 'top_bn']) {
      const got = other.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
      expect({ name, got }).toEqual({ name, got: src.getLayer(name).getWeights().map((w) => Array.from(w.dataSync())) });
    }
    expect(other.getLayer('predictions').getWeights()[0].shape).toEqual([320, 3]);
    const stemIn = (m: tf.LayersModel) => m.getLayer('stem_conv');

    // 1-channel model from RGB weights: 'average' adapts the stem, 'error' explains.
    const gray = buildEfficientNet({ variant: 'b0', ...tiny, inputShape: [32, 32, 1] });
    await expect(loadEfficientNetWeights(gray, dir)).rejects.toThrow(/stem_conv\/kernel: file \[3,3,3,8\] vs model \[3,3,1,8\]/);
    await loadEfficientNetWeights(gray, dir, { stemChannels: 'average' });
    const k = stemIn(src).getWeights()[0];
    const want = tf.sum(k, 2, true);
    expect(Array.from(stemIn(gray).getWeights()[0].dataSync())).toEqual(Array.from(want.dataSync()).map((v) => expect.closeTo(v, 5)));
    [src, dst, other, gray].forEach((m) => m.dispose());
  });

  it('saves and loads as a tfjs LayersModel (custom layers registered), same predictions', async () => {
    const m = buildEfficientNet({ variant: 'b0', ...tiny, seed: 30, preprocessing: true });
    m.getLayer('normalization').setWeights([tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6]), tf.scalar(7)]);
    const loaded = await roundTrip(m);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(m.layers.map((l) => l.getClassName()));
    expect(loaded.getLayer('block2b_drop').getConfig()).toEqual(m.getLayer('block2b_drop').getConfig());
    const x = tf.randomUniform([1, 32, 32, 3], 0, 255, 'float32', 31);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    m.dispose();
    loaded.dispose();
  });

  it('a file that does not fit errors clearly and leaves the model unchanged', async () => {
    const src = buildEfficientNet({ variant: 'b0', ...tiny, seed: 20 });
    const dir = path.join(tmp, 'b0w025');
    await saveTfjs(src, dir);
    const wider = buildEfficientNet({ variant: 'b0', ...tiny, widthScale: 0.5 });
    const before = wider.getLayer('stem_conv').getWeights()[0].dataSync().slice();
    await expect(loadEfficientNetWeights(wider, dir)).rejects.toThrow(/does not fit model.*\n.*shape mismatches: stem_conv\/kernel: file \[3,3,3,8\] vs model \[3,3,3,16\]/);
    expect(wider.getLayer('stem_conv').getWeights()[0].dataSync()).toEqual(before);
    const deeper = buildEfficientNet({ variant: 'b1', ...tiny });
    await expect(loadEfficientNetWeights(deeper, dir)).rejects.toThrow(/model weights not in the file: block1b_dwconv\/depthwise_kernel/);
    const shallower = buildEfficientNet({ variant: 'b0', ...tiny });
    const dirB1 = path.join(tmp, 'b1');
    await saveTfjs(deeper, dirB1);
    await expect(loadEfficientNetWeights(shallower, dirB1)).rejects.toThrow(/file weights with no layer in the model: block1b_/);
    await expect(loadEfficientNetWeights(shallower, path.join(tmp, 'nowhere'))).rejects.toThrow(/expected a model.json file or a directory holding one, received .*nowhere/);
    [src, wider, deeper, shallower].forEach((m) => m.dispose());
  });
});
