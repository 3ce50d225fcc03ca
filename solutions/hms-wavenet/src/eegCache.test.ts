import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNpy, parseCliArgs, writeParquet } from '@repro/io';
import { compareBatchSources } from '@repro/layers';
import { EEG_FEATURES, loadEegs, middleWindow, type EegWindows } from './eegCache';
import { eegBatches, modelInputs } from './generator';
import { cacheShardBytes } from './train';
import { resolveConfig } from './config';

function columns(rows: number, f: (name: string, t: number) => number): Record<string, Float32Array> {
  return Object.fromEntries(EEG_FEATURES.map((n) => [n, Float32Array.from({ length: rows }, (_, t) => f(n, t))]));
}

describe('middleWindow (eeg_from_parquet)', () => {
  it('takes rows offset = (rows - window) // 2 onwards, in FEATS order', () => {
    const cols = columns(15, (n, t) => EEG_FEATURES.indexOf(n as never) * 100 + t);
    const w = middleWindow(cols, 15, 10, 'x.parquet');
    expect(w.length).toBe(80);
    expect(w[0]).toBe(2); // offset (15 - 10) // 2 = 2, column Fp1
    expect(w[1]).toBe(102); // T3
    expect(w[9 * 8 + 7]).toBe(711); // last row, O2
  });

  it('fills NaN with the column nanmean of the window and an all-NaN column with 0', () => {
    const cols = columns(4, (n, t) => (n === 'C3' ? NaN : n === 'Fp1' && t === 1 ? NaN : t + 1));
    const w = middleWindow(cols, 4, 4, 'x.parquet');
    expect(w[1 * 8 + 0]).toBeCloseTo((1 + 3 + 4) / 3, 6);
    expect([0, 1, 2, 3].map((t) => w[t * 8 + 2])).toEqual([0, 0, 0, 0]);
  });

  it('names the file when it is shorter than the window', () => {
    expect(() => middleWindow(columns(5, () => 0), 5, 10, '/d/train_eegs/1.parquet')).toThrow(/1\.parquet.*5 rows.*fewer than the 10 rows/);
  });
});

/** Every row of the windows as one plain array. */
const allRows = (w: EegWindows) => Array.from({ length: w.n }, (_, i) => Array.from(w.row(i))).flat();

describe('loadEegs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-eegs-'));
    fs.mkdirSync(path.join(dir, 'train_eegs'));
    for (const id of [11, 12, 13]) await writeParquet(path.join(dir, 'train_eegs', `${id}.parquet`), { ...columns(30, (n, t) => id + t), EKG: new Float32Array(30) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every EEG, writes the sharded cache once and reads it back row by row', async () => {
    const lines: string[] = [];
    const cacheDir = path.join(dir, 'cache');
    // 640-byte windows, 1300-byte shards: 2 EEGs per shard.
    const opts = { cacheDir, maxShardBytes: 1300, log: (l: string) => lines.push(l) };
    const a = await loadEegs(dir, 'train', [11, 12, 13], 20, opts);
    expect(a.data).toBeUndefined(); // never one array of all EEGs
    expect(a.row(0)[0]).toBe(11 + 5);
    expect(a.row(1)[0]).toBe(12 + 5);
    expect(a.row(2).length).toBe(20 * 8);
    const [store] = fs.readdirSync(cacheDir);
    expect(fs.readdirSync(path.join(cacheDir, store)).sort()).toEqual(['index.json', 'shard-00000.npy', 'shard-00001.npy']);
    expect(loadNpy(path.join(cacheDir, store, 'shard-00001.npy')).shape).toEqual([1, 20, 8]);
    const b = await loadEegs(dir, 'train', [11, 12, 13], 20, opts);
    expect(allRows(b)).toEqual(allRows(a));
    expect(lines.filter((l) => /from the cache/.test(l))).toHaveLength(1);
    const mem = await loadEegs(dir, 'train', [11, 12, 13], 20);
    expect(mem.data).toBeInstanceOf(Float32Array);
    expect(allRows(mem)).toEqual(allRows(a));
    a.close();
    b.close();
  });

  it('rebuilds a store with a shard cut short, bad, missing or without its index, logging why, with the same data', async () => {
    const cacheDir = path.join(dir, 'cache-damaged');
    const opts = { cacheDir, maxShardBytes: 1300 };
    const original = allRows(await loadEegs(dir, 'train', [11, 12, 13], 20, opts));
    const [name] = fs.readdirSync(cacheDir);
    const store = path.join(cacheDir, name);
    const shard = path.join(store, 'shard-00000.npy');
    const whole = fs.readFileSync(shard);
    const damages: Array<[string, () => void, RegExp]> = [
      ['cut short', () => fs.writeFileSync(shard, whole.subarray(0, whole.length - 100)), /shard-00000\.npy: truncated: shape \[2,20,8\] needs 1280 bytes, file has 1180/],
      ['cut inside the header', () => fs.writeFileSync(shard, whole.subarray(0, 50)), /truncated: its header is \d+ bytes but the file ends 40 bytes into it/],
      ['empty', () => fs.writeFileSync(shard, Buffer.alloc(0)), /empty \(0 bytes/],
      ['bad header', () => fs.writeFileSync(shard, Buffer.concat([whole.subarray(0, 10), Buffer.alloc(whole.length - 10, 0x20)])), /its header says undefined/],
      ['missing shard', () => fs.rmSync(path.join(store, 'shard-00001.npy')), /shard-00001\.npy: missing/],
      ['no index (interrupted build)', () => fs.rmSync(path.join(store, 'index.json')), /index\.json: incomplete/],
    ];
    for (const [what, damage, reason] of damages) {
      damage();
      const lines: string[] = [];
      const again = await loadEegs(dir, 'train', [11, 12, 13], 20, { ...opts, log: (l) => lines.push(l) });
      expect({ what, same: allRows(again) }).toEqual({ what, same: original });
      again.close();
      const damaged = lines.filter((l) => l.startsWith(`cache ${store} is damaged (`));
      expect({ what, damaged }).toEqual({ what, damaged: [expect.stringMatching(reason)] });
      expect(damaged[0]).toMatch(/\); rebuilding$/);
      expect(lines.some((l) => /from the cache/.test(l))).toBe(false); // never read from the damaged store
      // Rebuilt in place, whole, with no temp file left beside it.
      expect(fs.readdirSync(cacheDir)).toEqual([name]);
      expect(fs.readdirSync(store).sort()).toEqual(['index.json', 'shard-00000.npy', 'shard-00001.npy']);
      expect(fs.readFileSync(shard).equals(whole)).toBe(true);
    }
  });

  it('names the missing parquet', async () => {
    await expect(loadEegs(dir, 'train', [11, 99], 20)).rejects.toThrow(/train_eegs\/99\.parquet.*not found.*eeg_id 99/);
  });

  it('refuses, before parsing anything, to hold over 1 GiB of windows in one array without the cache', async () => {
    // Kaggle's 17,089 EEGs x 10,000 rows x 8 channels would be 5.5 GB; the ids need not exist, nothing is read.
    const ids = Array.from({ length: 17089 }, (_, i) => 1e6 + i);
    await expect(loadEegs(dir, 'train', ids, 10000)).rejects.toThrow(/17089 train EEG windows of 10000 x 8 need 5\.09 GiB in one array without a cache \(over 1 GiB\): set data\.cacheEegs true/);
  });
});

describe('acceptance: sharded cache vs in memory (smoke config)', () => {
  let dir: string;
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('gives bit-for-bit the same generator batches with the shard size forced small', async () => {
    const { config } = resolveConfig(parseCliArgs(['train', '--config', 'smoke']), { 'data.cacheShardMiB': 0.1 });
    expect(cacheShardBytes(config)).toBe(104857); // 3 windows of 1000 x 8 float32 per shard
    // Bounds: at most 1 GiB, at least one window.
    expect(() => resolveConfig(parseCliArgs(['train', '--config', 'smoke']), { 'data.cacheShardMiB': 2048 })).toThrow(/data\.cacheShardMiB must be a number from/);
    expect(() => resolveConfig(parseCliArgs(['train', '--config', 'smoke']), { 'data.cacheShardMiB': 0.01 })).toThrow(/data\.cacheShardMiB must be a number from/);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-accept-'));
    fs.mkdirSync(path.join(dir, 'train_eegs'));
    const ids = Array.from({ length: 16 }, (_, i) => 1000 + i);
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    for (const id of ids) {
      // Files longer than the window, large values (clipped) and NaNs (filled), as in real EEGs.
      const rows = 1000 + 2 * (id % 5) * 37;
      const cols = columns(rows, () => (rnd() < 0.01 ? NaN : (rnd() - 0.5) * 3000));
      await writeParquet(path.join(dir, 'train_eegs', `${id}.parquet`), cols);
    }
    const w = config.signal.windowRows;
    const memory = await loadEegs(dir, 'train', ids, w);
    const sharded = await loadEegs(dir, 'train', ids, w, { cacheDir: path.join(dir, 'cache'), maxShardBytes: cacheShardBytes(config) });
    expect(memory.data).toBeDefined();
    expect(sharded.data).toBeUndefined();
    const [store] = fs.readdirSync(path.join(dir, 'cache'));
    expect(fs.readdirSync(path.join(dir, 'cache', store)).filter((f) => f.endsWith('.npy'))).toHaveLength(6);
    const y = Float64Array.from({ length: ids.length * 6 }, () => rnd());
    const rows = Int32Array.from({ length: 12 }, (_, i) => (i * 5) % 16);
    const t = config.train;
    // In memory (cache off); from the shards into one array; from the shards per row (as above 1 GiB).
    const inputs = [modelInputs(memory, config.signal), modelInputs(sharded, config.signal), modelInputs(sharded, config.signal, 1000)];
    expect(inputs.map((x) => x.perRow)).toEqual([false, false, true]);
    const sources = inputs.map((x) => {
      return [
        eegBatches({ x, steps: x.steps, y, rows, batchSize: t.batchSize, microBatchSize: t.microBatchSize, shuffle: true, seed: 3 }),
        eegBatches({ x, steps: x.steps, y, rows, batchSize: t.predictBatchSize, shuffle: false }),
      ];
    });
    let compared = 0;
    for (const other of [1, 2]) for (let k = 0; k < 2; k++) {
      const r = await compareBatchSources(sources[0][k], sources[other][k], [0, 1]);
      expect(r.mismatch).toBeUndefined();
      compared += r.compared;
    }
    expect(compared).toBe(2 * 2 * 2 * rows.length);
    sharded.close();
  });
});
