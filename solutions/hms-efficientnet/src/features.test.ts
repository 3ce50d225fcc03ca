import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_CLASSES, HMS_SPECTROGRAM_FREQ_COLUMNS, parseCliArgs, writeParquet } from '@repro/io';
import { wavedec } from '@repro/dsp';
import { compareBatchSources, tf, type IndexedBatchSource } from '@repro/layers';
import { enabledModalities, resolveConfig } from './config';
import {
  buildModalities,
  cacheShardBytes,
  CHAIN_ELECTRODES,
  eegSpectrogramTiles,
  flipTiles,
  inputImages,
  kaggleTileRows,
  kaggleTiles,
  logAndStandardize,
  mergeTiles,
  resizeBilinear,
  waveletTiles,
} from './features';
import type { InputSettings } from './features';
import { inputChannels, predictRows } from './model';
import { gatherImages, imageBatches, makeFolds, predictImages, prepareTrainData, type TrainData } from './train';
import { StepTimer } from './timing';

const settings = (over: Partial<InputSettings> = {}): InputSettings => ({
  useKaggleSpectrograms: true,
  useEegSpectrograms: true,
  useWaveletSpectrograms: true,
  tileHeight: 4,
  tileWidth: 6,
  kaggleCropFrames: 22,
  kagglePad: false,
  eegSeconds: 50,
  eegSpectrogram: { method: 'mel', frames: 16, nMels: 16, nfft: 256, winLength: 128, fmax: 20, logStandardize: false },
  wavelet: { wavelet: 'db1', level: 5 },
  imageChannels: 1,
  positionChannel: false,
  hflip: 0,
  ...over,
});

describe('logAndStandardize (the seed log_and_Standarize)', () => {
  it('clips to [e^-4, e^8], logs, standardises with nanmean/nanstd and sets NaN to 0', () => {
    const img = new Float64Array([0, 1, Math.E, Math.exp(20), NaN]);
    logAndStandardize(img);
    // After clip + log: [-4, 0, 1, 8]; mean 1.25, population std sqrt(mean((x-1.25)^2)).
    const v = [-4, 0, 1, 8];
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - 1.25) ** 2, 0) / 4);
    v.forEach((x, i) => expect(img[i]).toBeCloseTo((x - 1.25) / (sd + 1e-6), 10));
    expect(img[4]).toBe(0);
  });
});

describe('resizeBilinear', () => {
  it('keeps an image of the same size and interpolates with half-pixel centres', () => {
    const src = [1, 2, 3, 4];
    expect(Array.from(resizeBilinear(src, 2, 2, 2, 2))).toEqual([1, 2, 3, 4]);
    // 1 x 2 -> 1 x 4: cv2.resize gives [1, 1.25, 1.75, 2].
    expect(Array.from(resizeBilinear([1, 2], 1, 2, 1, 4))).toEqual([1, 1.25, 1.75, 2]);
    // Downsizing 1 x 4 -> 1 x 2 averages neighbours: [1.5, 3.5].
    expect(Array.from(resizeBilinear([1, 2, 3, 4], 1, 4, 1, 2))).toEqual([1.5, 3.5]);
  });
});

describe('tiles', () => {
  it('kaggleTiles cuts the window at specRow, one tile per region, each standardised', () => {
    const s = settings();
    const rows = 400;
    const data = new Float32Array(rows * 400);
    for (let t = 0; t < rows; t++) for (let c = 0; c < 400; c++) data[t * 400 + c] = 1 + ((t * 7 + c * 13) % 50);
    const out = kaggleTiles(data, rows, 50, s, 'x.parquet');
    expect(out.length).toBe(4 * s.tileHeight * s.tileWidth);
    for (let k = 0; k < 4; k++) {
      const tile = out.subarray(k * 24, (k + 1) * 24);
      expect(Array.from(tile).every(Number.isFinite)).toBe(true);
    }
    expect(() => kaggleTiles(data, rows, 150, s, 'x.parquet')).toThrow(/x\.parquet: the 10-minute window \(rows 150\.\.450\) is beyond the file's 400 rows/);
  });

  it('kagglePad: the kernel X[14:-14] = img / 2.0 (100 of 128 rows, halved, zero rows around)', () => {
    expect(kaggleTileRows(128, true)).toEqual({ rows: 100, top: 14 });
    expect(kaggleTileRows(32, true)).toEqual({ rows: 25, top: 3 });
    expect(kaggleTileRows(32, false)).toEqual({ rows: 32, top: 0 });
    const rows = 300;
    const data = new Float32Array(rows * 400);
    for (let t = 0; t < rows; t++) for (let c = 0; c < 400; c++) data[t * 400 + c] = 1 + ((t * 7 + c * 13) % 50);
    const s = settings({ tileHeight: 128, tileWidth: 256, kagglePad: true });
    const out = kaggleTiles(data, rows, 0, s, 'x.parquet');
    // Region 1 (RL), frequency row 5 at tile row 14 + 5, time column 0 = file row 22: log-standardised / 2.
    const img = new Float32Array(100 * 256);
    for (let f = 0; f < 100; f++) for (let t = 0; t < 256; t++) img[f * 256 + t] = data[(22 + t) * 400 + 100 + f];
    logAndStandardize(img);
    const tile = out.subarray(128 * 256, 2 * 128 * 256);
    expect(tile[(14 + 5) * 256 + 0]).toBeCloseTo(img[5 * 256] / 2, 6);
    expect(tile[(14 + 99) * 256 + 255]).toBeCloseTo(img[99 * 256 + 255] / 2, 6);
    expect(Array.from(tile.subarray(0, 14 * 256)).every((v) => v === 0)).toBe(true);
    expect(Array.from(tile.subarray(114 * 256)).every((v) => v === 0)).toBe(true);
  });

  it('waveletTiles: per spectrogram column, mean and std of each db1 level (the write-up), log-standardised, same tile for all 4 chains', () => {
    const s = settings({ tileHeight: 400, tileWidth: 12 });
    const rows = 64;
    const data = new Float32Array(rows * 400);
    for (let t = 0; t < rows; t++) for (let c = 0; c < 400; c++) data[t * 400 + c] = t === 3 && c === 7 ? NaN : 1 + ((t * 7 + c * 13) % 50) * (1 + (c % 4));
    const out = waveletTiles(data, rows, s);
    // Column 7 by hand (NaN -> 0): pywt order cA5, cD5, ..., cD1, [mean, std] each.
    const col = Array.from({ length: rows }, (_, t) => (t === 3 ? 0 : data[t * 400 + 7]));
    const feats = wavedec(col, 'db1', 5).flatMap((c) => {
      const m = c.reduce((a, v) => a + v, 0) / c.length;
      return [m, Math.sqrt(c.reduce((a, v) => a + (v - m) ** 2, 0) / c.length)];
    });
    expect(feats).toHaveLength(12);
    // The same image through log_and_Standarize; a 400 x 12 tile is that image unresized.
    const all = new Float64Array(400 * 12);
    for (let c = 0; c < 400; c++) {
      const x = Array.from({ length: rows }, (_, t) => (Number.isNaN(data[t * 400 + c]) ? 0 : data[t * 400 + c]));
      wavedec(x, 'db1', 5).forEach((co, j) => {
        const m = co.reduce((a, v) => a + v, 0) / co.length;
        all[c * 12 + 2 * j] = m;
        all[c * 12 + 2 * j + 1] = Math.sqrt(co.reduce((a, v) => a + (v - m) ** 2, 0) / co.length);
      });
    }
    expect(Array.from(all.subarray(7 * 12, 8 * 12))).toEqual(feats);
    logAndStandardize(all);
    for (let j = 0; j < 12; j++) expect(out[7 * 12 + j]).toBeCloseTo(all[7 * 12 + j], 5);
    for (let k = 1; k < 4; k++) expect(Array.from(out.subarray(k * 4800, (k + 1) * 4800))).toEqual(Array.from(out.subarray(0, 4800)));
  });

  it('eegSpectrogramTiles: logStandardize runs the write-up log_and_Standarize on each chain image', () => {
    const eeg: Record<string, Float64Array> = {};
    CHAIN_ELECTRODES.forEach((e, j) => (eeg[e] = Float64Array.from({ length: 2000 }, (_, i) => Math.sin((i * (j + 1)) / 17) * 30 + ((i * 7919) % 13))));
    const s = settings({ eegSeconds: 10, tileHeight: 16, tileWidth: 16 });
    const plain = eegSpectrogramTiles(eeg, s);
    const std = eegSpectrogramTiles(eeg, settings({ eegSeconds: 10, tileHeight: 16, tileWidth: 16, eegSpectrogram: { ...s.eegSpectrogram, logStandardize: true } }));
    // A 16 x 16 mel image is not resized: each chain tile is the plain tile, log-standardised.
    for (let k = 0; k < 4; k++) {
      const ref = Float64Array.from(plain.subarray(k * 256, (k + 1) * 256));
      logAndStandardize(ref);
      for (let i = 0; i < 256; i++) expect(std[k * 256 + i]).toBeCloseTo(ref[i], 4);
    }
  });

  it('mergeTiles places modalities side by side and flipTiles reverses time inside each tile', () => {
    const s = settings({ tileHeight: 1, tileWidth: 2 });
    const k = Float32Array.from({ length: 4 * 2 }, (_, i) => i); // 1 image: 4 rows x 2
    const w = Float32Array.from({ length: 4 * 2 }, (_, i) => 100 + i);
    const m = mergeTiles({ kaggle: k, wavelet: w }, ['kaggle', 'wavelet'], 1, s);
    expect([m.height, m.width]).toEqual([4, 4]);
    expect(Array.from(m.x.subarray(0, 8))).toEqual([0, 1, 100, 101, 2, 3, 102, 103]);
    flipTiles(m.x, m.height, m.width, 2);
    expect(Array.from(m.x.subarray(0, 8))).toEqual([1, 0, 101, 100, 3, 2, 103, 102]);
  });
});

/**
 * A small HMS data set in Kaggle's layout: 3 train eeg_ids of 2 patients with 1-2 label windows
 * each (4 in all), eeg_ids 101 and 103 on one spectrogram (so the spectrogram stores' row order is
 * not the item order), NaNs in the EEGs and spectrograms; 2 test EEGs on one spectrogram (copies
 * of train files: writing parquets is slow under jest).
 */
async function writeHmsFixture(dir: string): Promise<void> {
  let seed = 11;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const eeg = async (split: string, id: number) =>
    writeParquet(
      path.join(dir, `${split}_eegs`, `${id}.parquet`),
      Object.fromEntries(CHAIN_ELECTRODES.map((e) => [e, Float32Array.from({ length: 34 * 200 }, (_, t) => (rnd() < 0.002 ? NaN : ((t % (9 + (id % 5))) - 4) * 20 + (rnd() - 0.5) * 60))])),
    );
  const spectrogram = async (split: string, id: number) => {
    const spec: Record<string, Float32Array> = { time: Float32Array.from({ length: 330 }, (_, t) => 1 + 2 * t) };
    HMS_SPECTROGRAM_FREQ_COLUMNS.forEach((c) => (spec[c] = Float32Array.from({ length: 330 }, () => (rnd() < 0.01 ? NaN : 0.05 + 40 * rnd() * rnd()))));
    await writeParquet(path.join(dir, `${split}_spectrograms`, `${id}.parquet`), spec);
  };
  const eegIds = [101, 102, 103];
  const specIds = [901, 902, 901];
  const lines = ['eeg_id,eeg_sub_id,eeg_label_offset_seconds,spectrogram_id,spectrogram_sub_id,spectrogram_label_offset_seconds,label_id,patient_id,expert_consensus,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote'];
  let label = 1;
  for (let k = 0; k < eegIds.length; k++) {
    await eeg('train', eegIds[k]);
    if (!specIds.slice(0, k).includes(specIds[k])) await spectrogram('train', specIds[k]);
    for (let w = 0; w < 1 + (k % 2); w++) {
      const votes = HMS_CLASSES.map(() => Math.floor(rnd() * 4));
      votes[k % 6] += 1;
      const cls = HMS_CLASSES[votes.indexOf(Math.max(...votes))];
      lines.push([eegIds[k], w, 4 * w, specIds[k], w, 12 * w + 2 * k, label++, 7 + (k % 2), cls, ...votes].join(','));
    }
  }
  fs.writeFileSync(path.join(dir, 'train.csv'), lines.join('\n') + '\n');
  const copy = (from: string, to: string) => (fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true }), fs.copyFileSync(path.join(dir, from), path.join(dir, to)));
  copy('train_eegs/101.parquet', 'test_eegs/201.parquet');
  copy('train_eegs/102.parquet', 'test_eegs/202.parquet');
  copy('train_spectrograms/902.parquet', 'test_spectrograms/951.parquet');
}


describe('tile stores (sharded .npy) and per-batch inputs, smoke config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-effnet-stores-'));
    await writeHmsFixture(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Every batch of two sources over two epochs, compared bit for bit; returns the images compared. */
  const sameBatches = async (a: IndexedBatchSource, b: IndexedBatchSource): Promise<number> => {
    const r = await compareBatchSources(a, b, [0, 1]);
    expect(r.mismatch).toBeUndefined();
    return r.compared;
  };

  it('acceptance: the same train, validation and inference inputs bit for bit with the shard size forced small; damaged or unfinished stores rebuilt', async () => {
    // The smoke config's tiles, batches and augmentations; short windows (6 s of EEG, 20 spectrogram
    // frames) and a 64-point mel FFT only because jest runs Math.log & co. many times slower than node.
    const { config } = resolveConfig(parseCliArgs(['train', '--config', 'smoke', '--data-dir', dir]), {
      'data.cacheShardMiB': 0.005,
      'inputs.eegSeconds': 6,
      'inputs.kaggleCropFrames': 140,
      'inputs.eegSpectrogram.nfft': 64,
      'inputs.eegSpectrogram.winLength': 64,
    });
    expect(cacheShardBytes(config.data)).toBe(5242); // 2 items of [32, 16] float32 per shard
    // Bounds: at most 1 GiB, at least one item's tiles.
    expect(() => resolveConfig(parseCliArgs(['train', '--config', 'smoke']), { 'data.cacheShardMiB': 2048 })).toThrow(/data\.cacheShardMiB must be a number from/);
    expect(() => resolveConfig(parseCliArgs(['train', '--config', 'smoke']), { 'data.cacheShardMiB': 0.001 })).toThrow(/data\.cacheShardMiB must be a number from 0\.001953125/);
    const cacheDir = path.join(dir, 'cache');
    const timer = new StepTimer(() => {});
    const prepare = (cache: boolean, maxInputsBytes?: number, log: (l: string) => void = () => {}) =>
      prepareTrainData({ ...config, data: { ...config.data, cache } }, 42, { cacheDir, log, timer, maxInputsBytes });
    // In memory (cache off: today's mergeTiles); from the stores into one array; from the stores per batch (as above 1 GiB).
    const memory = await prepare(false);
    const lines: string[] = [];
    const sharded = await prepare(true, undefined, (l) => lines.push(l));
    const perBatch = await prepare(true, 0);
    const all = [memory, sharded, perBatch];
    const images = (d: TrainData) => [d.x, d.windows!.x].map((x) => x as Exclude<typeof x, Float32Array>);
    expect(all.map((d) => images(d).map((x) => x.perBatch))).toEqual([[false, false], [false, false], [true, true]]);
    expect(lines.filter((l) => /from the cache/.test(l))).toEqual([]); // built (the stores were new)
    expect(lines.filter((l) => /input images|label windows/.test(l))).toEqual([
      '  input images in memory',
      'train.randomWindows: 4 label windows of 3 EEGs for training (in memory)',
    ]);
    expect(memory.table.n).toBe(3);
    const stores = fs.readdirSync(cacheDir).sort();
    expect(stores.map((n) => n.replace(/-[0-9a-f]{16}$/, ''))).toEqual(['eeg-train-3x32x16', 'eeg-train-4x32x16', 'kaggle-train-3x32x16', 'kaggle-train-4x32x16', 'wavelet-train-3x32x16', 'wavelet-train-4x32x16']);
    for (const name of stores) expect(fs.readdirSync(path.join(cacheDir, name)).sort()).toEqual(['index.json', 'shard-00000.npy', 'shard-00001.npy']);

    const t = config.train;
    const channels = inputChannels(config.inputs.positionChannel, config.inputs.imageChannels);
    const folds = makeFolds(config, memory.table);
    // Each fold trains on one patient: eeg_id 102 (2 label windows) or 101 and 103 (one spectrogram).
    expect(folds.map((f) => f.train.length).sort()).toEqual([1, 2]);
    const sources = (d: TrainData, fold = folds[0]) => [
      // Training as the smoke config trains: shuffled, flipped, each eeg_id at one of its label windows.
      imageBatches({ data: d, rows: fold.train, batchSize: t.microBatchSize, shuffle: t.shuffle, seed: 5, hflip: config.inputs.hflip, tileWidth: config.inputs.tileWidth, channels, randomWindows: t.randomWindows }),
      imageBatches({ data: d, rows: fold.valid, batchSize: t.predictBatchSize, shuffle: false, seed: 0, hflip: 0, tileWidth: config.inputs.tileWidth, channels }),
    ];
    expect([t.shuffle, config.inputs.hflip > 0, t.randomWindows]).toEqual([true, true, true]);
    let compared = 0;
    for (const fold of folds) {
      const [ref, ...others] = all.map((d) => sources(d, fold));
      for (const other of others) for (let k = 0; k < 2; k++) compared += await sameBatches(ref[k], other[k]);
    }
    expect(compared).toBe(2 * 2 * 2 * memory.table.n); // 2 folds x (train + valid) x 2 epochs x 2 paths

    // OOF / inference: predictions per batch from the stores are predictRows' on the whole array
    // (a small stand-in for the EfficientNet: predictImages only calls model.predict per batch).
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [memory.height, memory.width, channels], filters: 3, kernelSize: 3, strides: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 6 })] });
    const rows = Int32Array.from([2, 0, 1]);
    const expected = await predictRows(model, images(memory)[0].data!, memory.height, memory.width, rows, 2);
    const fromStores = await predictImages(model, images(perBatch)[0], rows, 2);
    expect(Buffer.from(fromStores.buffer).equals(Buffer.from(expected.buffer))).toBe(true);

    // The test split as infer builds it (10 min from spectrogram row 0): 2 test EEGs on one spectrogram.
    const use = enabledModalities(config.inputs);
    const testItems = [201, 202].map((id) => ({ eegId: id, spectrogramId: 951, specRow: 0 }));
    const testMemory = inputImages(await buildModalities(dir, 'test', testItems, use, config.inputs), use, 2, config.inputs);
    const testStores = inputImages(await buildModalities(dir, 'test', testItems, use, config.inputs, { cacheDir, maxShardBytes: cacheShardBytes(config.data) }), use, 2, config.inputs, 0);
    expect([testMemory.perBatch, testStores.perBatch]).toEqual([false, true]);
    const order = [1, 0, 1];
    expect(Buffer.from(gatherImages(testStores, order).buffer).equals(Buffer.from(gatherImages(testMemory, order).buffer))).toBe(true);
    const testRows = Int32Array.from([1, 0]);
    expect(Buffer.from((await predictImages(model, testStores, testRows, 2)).buffer).equals(Buffer.from((await predictRows(model, testMemory.data!, testMemory.height, testMemory.width, testRows, 2)).buffer))).toBe(true);
    model.dispose();
    testStores.close();

    // A damaged store (a shard cut short) and an unfinished one (a build killed before its index was
    // written) are logged and rebuilt, never read; the others are reused; the batches are the same.
    const storeOf = (prefix: string) => path.join(cacheDir, stores.find((n) => n.startsWith(prefix))!);
    const [cut, killed] = [storeOf('wavelet-train-3x'), storeOf('kaggle-train-3x')];
    const shard = path.join(cut, 'shard-00001.npy');
    const whole = fs.readFileSync(shard);
    fs.writeFileSync(shard, whole.subarray(0, 200));
    fs.rmSync(path.join(killed, 'index.json'));
    const relog: string[] = [];
    const rebuilt = await prepare(true, 0, (l) => relog.push(l));
    expect(relog.filter((l) => l.includes('is damaged'))).toEqual([
      `cache ${killed} is damaged (index.json: incomplete: no index.json (the build was interrupted)); rebuilding`,
      expect.stringMatching(new RegExp(`^cache ${cut} is damaged \\(shard-00001\\.npy: truncated: shape \\[1,32,16\\] needs 2048 bytes, file has \\d+ .*\\); rebuilding$`)),
    ]);
    expect(relog.filter((l) => /from the cache/.test(l)).map((l) => l.split(' ')[0])).toEqual(['eeg', 'kaggle', 'eeg', 'wavelet']);
    expect(fs.readFileSync(shard).equals(whole)).toBe(true);
    for (const name of stores) expect(fs.readdirSync(path.join(cacheDir, name)).sort()).toEqual(['index.json', 'shard-00000.npy', 'shard-00001.npy']); // no temp file left
    const [ref, again] = [memory, rebuilt].map((d) => sources(d));
    for (let k = 0; k < 2; k++) await sameBatches(ref[k], again[k]);
    for (const d of [...all, rebuilt]) for (const x of images(d)) x.close();
  }, 60_000);

  it('a failed build leaves no store behind', async () => {
    const cacheDir = path.join(dir, 'cache-failed');
    const s = settings({ kaggleCropFrames: 140 });
    // Spectrogram 99 is missing: the cache key names it before anything is built.
    const missing = [901, 99].map((id) => ({ eegId: 101, spectrogramId: id, specRow: 0 }));
    await expect(buildModalities(dir, 'train', missing, ['kaggle'], s, { cacheDir })).rejects.toThrow(/99\.parquet.*spectrogram parquet not found/);
    // A window beyond the file's end fails mid-build (after item 0 was written).
    const beyond = [0, 100].map((specRow) => ({ eegId: 101, spectrogramId: 901, specRow }));
    await expect(buildModalities(dir, 'train', beyond, ['kaggle'], s, { cacheDir, maxShardBytes: 400 })).rejects.toThrow(/beyond the file's 330 rows/);
    expect(fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []).toEqual([]);
  });
});
