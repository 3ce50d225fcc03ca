// Recipe fidelity: the `kaggle` config, resolved as the CLI resolves it, is the write-up's recipe
// (seed 002: Chris Deotte's "WaveNet Starter LB 0.52"), and README.md's "Recipe" table says so row
// by row. Every config value is checked three ways: against the write-up's value written here,
// against the README table's `kaggle` column, and (for the code rows) through the code itself.
// Changing a `kaggle` value, or adding a config field without a table row, fails this test.
import * as path from 'path';
import { configLeaves, configValue, hmsTrainMeanOof, parseCliArgs, readmeTable } from '@repro/io';
import { initBackend, KerasAdam, tf } from '@repro/layers';
import { resolveConfig, type HmsWavenetConfig, type WaveBlockSpec } from './config';
import { EEG_FEATURES } from './eegCache';
import { BIPOLAR_PAIRS, epochMicroBatches, makeTransform, modelSteps } from './generator';
import type { EegTable } from './load';
import { buildModel, ChainAverage, CHAINS } from './model';
import { fitRecipe, makeFolds } from './train';

const README = path.resolve(__dirname, '..', 'README.md');

function load(name: string): HmsWavenetConfig {
  return resolveConfig(parseCliArgs(['train', '--config', name])).config;
}

/** The first `...` of a cell, or undefined. */
const code = (cell: string): string | undefined => /`([^`]*)`/.exec(cell)?.[1];

// ---- the write-up's values (notebook version 8), typed in from seeds/002 ----------------------
const WRITE_UP_BLOCKS: WaveBlockSpec[] = [[8, 3, 12], [16, 3, 8], [32, 3, 4], [64, 3, 1]];
const WRITE_UP: Record<string, unknown> = {
  'data.maxEegs': 0, // EEG_IDS = train.eeg_id.unique(): all of them
  'signal.windowRows': 10_000, // middle 50 s
  'signal.clip': 1024, // np.clip(sample, -1024, 1024)
  'signal.scale': 32, // / 32.0
  'signal.filterOrder': 4, // butter_lowpass_filter(order=4)
  'signal.lowpassHz': 20, // cutoff_freq=20
  'signal.fs': 200, // sampling_rate=200
  'signal.downsample': 5, // X[:, ::5, :]
  'model.blocks': WRITE_UP_BLOCKS,
  'model.headUnits': 64, // Dense(64, activation='relu')
  'train.lrs': [1e-3, 1e-3, 1e-4, 1e-4, 1e-5], // lrfn
  'train.epochs': 5, // EPOCHS = 5
  'train.batchSize': 32, // DataGenerator(train, shuffle=True, batch_size=32)
  'train.predictBatchSize': 64, // valid/test DataGenerator(batch_size=64)
  'train.validateEachEpoch': true, // fit(validation_data=valid_gen)
  'train.folds': 5, // GroupKFold(n_splits=5)
  'train.foldsToTrain': 5, // FOLDS_TO_TRAIN = 5
  'data.cacheEegs': true, // CREATE_EEGS = False: the saved arrays are loaded
};
// Ours, not the write-up's: off, or operational only (README rows marked "extra").
const EXTRAS: Record<string, unknown> = {
  'data.dir': 'data/hms',
  'data.cacheShardMiB': 256, // cache shard size: where the windows lie on disk, not their values
  'train.microBatchSize': 32, // = batchSize: one pass, no gradient accumulation
  'train.workers': 1,
  'train.twoStage.enabled': false,
  'train.twoStage.minVotes': 10,
  'train.twoStage.epochs': 2,
  'train.twoStage.lrs': [1e-4, 1e-5],
  'ensemble.runs': [],
  'ensemble.includeEfficientnet': false,
};

let kaggle: HmsWavenetConfig;
let dflt: HmsWavenetConfig;

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
  kaggle = load('kaggle');
  dflt = load('default');
});

describe('the kaggle config is the write-up recipe', () => {
  it("has the write-up's value for every recipe field, and the extras off", () => {
    for (const [key, want] of Object.entries({ ...WRITE_UP, ...EXTRAS })) {
      expect({ key, value: configValue(kaggle, key) }).toEqual({ key, value: want });
    }
  });

  it('has no field that is neither a recipe value nor a listed extra', () => {
    const known = new Set([...Object.keys(WRITE_UP), ...Object.keys(EXTRAS)]);
    expect([...configLeaves(kaggle as never).keys()].filter((k) => !known.has(k))).toEqual([]);
  });

  it("README's Recipe table gives every config key's kaggle value, and covers every field", () => {
    const rows = readmeTable(README, '## Recipe');
    expect(rows.length).toBeGreaterThanOrEqual(50);
    const covered = new Set<string>();
    for (const cells of rows) {
      expect(cells).toHaveLength(5);
      const [item, , keyCell, valueCell, source] = cells;
      expect(item).not.toBe('');
      expect(source).not.toBe('');
      if (!keyCell.startsWith('`')) continue; // code rows and rows with no config key
      const key = code(keyCell)!;
      const value = configValue(kaggle, key);
      expect({ key, defined: value !== undefined }).toEqual({ key, defined: true });
      expect({ key, value: JSON.parse(code(valueCell) ?? 'undefined') }).toEqual({ key, value });
      covered.add(key.replace(/\[\d+\]/g, ''));
      if (item.startsWith('extra')) expect(Object.keys(EXTRAS)).toContain(key);
    }
    expect([...configLeaves(kaggle as never).keys()].filter((k) => !covered.has(k))).toEqual([]);
  });
});

describe("the kaggle signal steps are the write-up's DataGenerator", () => {
  it('reads FEATS and forms the 8 bipolar differences in the chain order LL, LP, RP, RR', () => {
    expect([...EEG_FEATURES]).toEqual(['Fp1', 'T3', 'C3', 'O1', 'Fp2', 'C4', 'T4', 'O2']);
    expect(BIPOLAR_PAIRS.map(([a, b]) => `${a}-${b}`)).toEqual(['Fp1-T3', 'T3-O1', 'Fp1-C3', 'C3-O1', 'Fp2-C4', 'C4-O2', 'Fp2-T4', 'T4-O2']);
    expect([...CHAINS]).toEqual(['LL', 'LP', 'RP', 'RR']);
  });

  it('clips at 1024, divides by 32, filters with butter(4, 20 Hz, fs 200) + lfilter and keeps ::5 -> 2000 steps', () => {
    expect(modelSteps(kaggle.signal)).toBe(2000);
    // scipy.signal.butter(4, 20, btype='low', fs=200) (libs/dsp fixtures).
    const b = [0.004824343357716231, 0.019297373430864923, 0.028946060146297387, 0.019297373430864923, 0.004824343357716231];
    const a = [1.0, -2.3695130071820376, 2.31398841441588, -1.0546654058785676, 0.18737949236818488];
    // Fp1 - T3 is a step of 5000 at t = 0 (clipped to 1024, / 32 -> 32): lfilter's step response from rest.
    const rows = kaggle.signal.windowRows;
    const raw = new Float32Array(rows * 8);
    for (let t = 0; t < rows; t++) raw[t * 8 + EEG_FEATURES.indexOf('Fp1')] = 5000;
    const out = makeTransform(kaggle.signal)(raw);
    const x = 1024 / 32;
    const y: number[] = [];
    for (let t = 0; t < rows; t++) {
      let v = 0;
      for (let k = 0; k < b.length; k++) if (t - k >= 0) v += b[k] * x;
      for (let k = 1; k < a.length; k++) if (t - k >= 0) v -= a[k] * y[t - k];
      y.push(v);
    }
    for (let s = 0; s < 2000; s++) expect(Math.abs(out[s * 8] - y[s * 5])).toBeLessThan(1e-4);
    // Fp1 - C3 (channel 2) carries the same step; the right-side channels are 0.
    expect(out[1999 * 8 + 2]).toBeCloseTo(32, 3);
    for (const c of [1, 3, 4, 5, 6, 7]) expect(out[1999 * 8 + c]).toBe(0);
  });
});

describe("the kaggle model is the write-up's build_model()", () => {
  /** The write-up's wave_block as a list of its Conv1D layers, in the order it creates them. */
  function writeUpConvs(blocks: WaveBlockSpec[]) {
    const out: { filters: number; kernelSize: number; dilationRate: number; activation: string }[] = [];
    for (const [f, k, n] of blocks) {
      out.push({ filters: f, kernelSize: 1, dilationRate: 1, activation: 'linear' });
      for (let i = 0; i < n; i++) {
        out.push({ filters: f, kernelSize: k, dilationRate: 2 ** i, activation: 'tanh' });
        out.push({ filters: f, kernelSize: k, dilationRate: 2 ** i, activation: 'sigmoid' });
        out.push({ filters: f, kernelSize: 1, dilationRate: 1, activation: 'linear' });
      }
    }
    return out;
  }

  /** Keras' parameter count of the write-up's model (Conv1D and Dense with biases). */
  function writeUpParams(blocks: WaveBlockSpec[], head: number): number {
    let p = 0;
    let cin = 1;
    for (const [f, k, n] of blocks) {
      p += (cin + 1) * f + n * (2 * (k * f * f + f) + (f * f + f));
      cin = f;
    }
    return p + (4 * cin + 1) * head + (head + 1) * 6;
  }

  it('has the shared extractor of wave blocks 8/3/12, 16/3/8, 32/3/4, 64/3/1, chain averages, Dense 64 relu, Dense 6 softmax', () => {
    const steps = modelSteps(kaggle.signal);
    const model = buildModel({ blocks: kaggle.model.blocks, headUnits: kaggle.model.headUnits, steps, seed: 1 });
    try {
      expect(model.inputs[0].shape).toEqual([null, 2000, 8]);
      const extractor = model.layers.find((l) => l.name === 'wavenet_extractor') as tf.LayersModel;
      expect(extractor.inputs[0].shape).toEqual([null, 2000, 1]); // model2 = Input(shape=(2_000, 1))
      const suffix = (l: tf.layers.Layer) => Number(/(\d+)$/.exec(l.name)![1]);
      const convs = extractor.layers.filter((l) => l.getClassName() === 'ReproConv1D').sort((p, q) => suffix(p) - suffix(q));
      const got = convs.map((l) => {
        const c = l.getConfig();
        expect({ padding: c.padding, useBias: c.useBias }).toEqual({ padding: 'same', useBias: true });
        return { filters: c.filters, kernelSize: c.kernelSize, dilationRate: c.dilationRate, activation: c.activation };
      });
      expect(got).toEqual(writeUpConvs(WRITE_UP_BLOCKS));
      // Each gated pair reads the previous 1x1 output (x), not the residual sum.
      for (let i = 0; i < got.length; i++) {
        if (got[i].activation !== 'tanh' && got[i].activation !== 'sigmoid') continue;
        const src = convs[i].inboundNodes[0].inboundLayers[0];
        const prev1x1 = got[i].activation === 'tanh' ? convs[i - 1] : convs[i - 2];
        expect(src.name).toBe(prev1x1.name);
      }
      const nUnits = WRITE_UP_BLOCKS.reduce((s, [, , n]) => s + n, 0);
      expect(extractor.layers.filter((l) => l.getClassName() === 'Multiply')).toHaveLength(nUnits);
      expect(extractor.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(nUnits);
      expect(extractor.outputs[0].sourceLayer.getClassName()).toBe('Add'); // return res_x

      const byName = (n: string) => model.layers.find((l) => l.name === n)!;
      expect(byName('pool').getClassName()).toBe('GlobalAveragePooling1D');
      expect((byName('chain_average') as ChainAverage).nChannels).toBe(8);
      expect(byName('head').getConfig()).toMatchObject({ units: 64, activation: 'relu', useBias: true });
      expect(byName('probs').getConfig()).toMatchObject({ units: 6, activation: 'softmax', useBias: true });
      // One extractor shared by the 8 channels: Keras' parameter count of the write-up's model.
      expect(model.countParams()).toBe(writeUpParams(WRITE_UP_BLOCKS, 64));
    } finally {
      model.dispose();
    }
  });

  it('averages the two channels of each chain and concatenates LL, LP, RP, RR', () => {
    const pooled = tf.tensor2d(Array.from({ length: 8 }, (_, c) => [c, 10 * c]), [8, 2]);
    const out = new ChainAverage({ nChannels: 8 }).apply(pooled) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([0.5, 5, 2.5, 25, 4.5, 45, 6.5, 65]);
    tf.dispose([pooled, out]);
  });
});

describe("the kaggle fit is the write-up's compile + fit", () => {
  it('KLDivergence, Adam(1e-3) with Keras defaults, the LR list per epoch, last weights kept', () => {
    const r = fitRecipe(kaggle.train.lrs);
    const opt = r.optimizer();
    expect(opt).toBeInstanceOf(KerasAdam);
    expect({ lr: opt.learningRate, b1: opt.beta1, b2: opt.beta2, eps: opt.epsilon, decay: opt.decay }).toEqual({ lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-7, decay: 0 });
    expect(r.schedule.unit).toBe('epoch');
    expect([0, 1, 2, 3, 4].map((e) => r.schedule(e))).toEqual([1e-3, 1e-3, 1e-4, 1e-4, 1e-5]);
    expect(r.restoreBest).toBe(false);
    // tf.keras.losses.KLDivergence: clip both to [1e-7, 1], sum y log(y / p), mean over the batch.
    const y = [[0.5, 0.5, 0, 0, 0, 0], [0, 0, 0, 0, 0.25, 0.75]];
    const p = [[0.2, 0.3, 0.1, 0.1, 0.1, 0.2], [0.1, 0.1, 0.1, 0.1, 0.3, 0.3]];
    const c = (v: number) => Math.min(1, Math.max(1e-7, v));
    const want = y.map((row, i) => row.reduce((s, v, k) => s + c(v) * Math.log(c(v) / c(p[i][k])), 0)).reduce((s, v) => s + v, 0) / 2;
    const yt = tf.tensor2d(y);
    const pt = tf.tensor2d(p);
    const loss = r.loss(yt, pt);
    expect(loss.dataSync()[0]).toBeCloseTo(want, 5);
    tf.dispose([yt, pt, loss]);
  });

  it('trains batches of 32 in one pass, reshuffled every epoch and visited in a random order (Keras fit on a Sequence)', () => {
    const rows = Int32Array.from({ length: 100 }, (_, i) => i);
    const o = { rows, batchSize: kaggle.train.batchSize, microBatchSize: kaggle.train.microBatchSize, shuffle: true, seed: 1 };
    const shortAt = new Set<number>();
    for (let e = 0; e < 10; e++) {
      const batches = epochMicroBatches(o, e);
      expect(batches.map((b) => b.length).sort((x, y) => x - y)).toEqual([4, 32, 32, 32]);
      shortAt.add(batches.findIndex((b) => b.length === 4));
    }
    expect(shortAt.size).toBeGreaterThan(1);
  });
});

describe('the kaggle folds and baseline are the write-up evaluation', () => {
  // 40 EEGs of 13 patients (patient p owns EEGs with i % 13 === p).
  const n = 40;
  const patientId = Int32Array.from({ length: n }, (_, i) => i % 13);
  const targets = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    targets[i * 6 + (i % 6)] = 0.75;
    targets[i * 6 + ((i + 1) % 6)] = 0.25;
  }
  const table = { n, patientId, targets } as unknown as EegTable;

  it('trains all 5 GroupKFold folds by patient_id, every EEG out of fold once', () => {
    const folds = makeFolds(kaggle, table);
    expect(folds).toHaveLength(5);
    const seen = new Int32Array(n);
    for (const f of folds) {
      const trainPatients = new Set(Array.from(f.train, (r) => patientId[r]));
      for (const r of f.valid) {
        expect(trainPatients.has(patientId[r])).toBe(false);
        seen[r]++;
      }
    }
    expect(Array.from(seen).every((c) => c === 1)).toBe(true);
  });

  it("scores the train-mean baseline: each validation row gets its fold's training means, renormalised", () => {
    const folds = makeFolds(kaggle, table);
    const base = hmsTrainMeanOof(table, folds, true);
    const f = folds[2];
    const mean = [0, 1, 2, 3, 4, 5].map((k) => Array.from(f.train).reduce((s, r) => s + targets[r * 6 + k], 0) / f.train.length);
    const sum = mean.reduce((s, v) => s + v, 0);
    const r = f.valid[0];
    for (let k = 0; k < 6; k++) expect(base[r * 6 + k]).toBeCloseTo(mean[k] / sum, 12);
  });
});

describe('default is a miniature of kaggle', () => {
  it('differs from kaggle in exactly the fields README lists under "`default` vs `kaggle`", with those values', () => {
    const k = configLeaves(kaggle as never);
    const d = configLeaves(dflt as never);
    expect([...d.keys()].sort()).toEqual([...k.keys()].sort());
    const differing = [...k.keys()].filter((key) => JSON.stringify(k.get(key)) !== JSON.stringify(d.get(key))).sort();
    const rows = readmeTable(README, '### `default` vs `kaggle`');
    const listed = rows.map((cells) => code(cells[0])!);
    expect([...listed].sort()).toEqual(differing);
    for (const [keyCell, kCell, dCell, why] of rows) {
      const key = code(keyCell)!;
      expect({ key, kaggle: JSON.parse(code(kCell)!), default: JSON.parse(code(dCell)!) }).toEqual({ key, kaggle: k.get(key), default: d.get(key) });
      expect(why).not.toBe('');
    }
  });

  it('keeps the graph: the same kernels, dilations and head, half the filters', () => {
    expect(dflt.signal).toEqual(kaggle.signal);
    expect(dflt.model.headUnits).toBe(kaggle.model.headUnits);
    expect(dflt.model.blocks.map(([f, k, n]) => [f * 2, k, n])).toEqual(kaggle.model.blocks);
    expect(dflt.train.lrs).toEqual(kaggle.train.lrs.slice(0, dflt.train.epochs));
    expect(dflt.train.folds).toBe(kaggle.train.folds);
    expect(dflt.train.twoStage.enabled).toBe(false);
  });
});
