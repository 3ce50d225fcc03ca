import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HMS_SPECTROGRAM_FREQ_COLUMNS, writeParquet } from '@repro/io';
import { wavedec } from '@repro/dsp';
import { buildModalities, CHAIN_ELECTRODES, eegSpectrogramTiles, flipTiles, kaggleTileRows, kaggleTiles, logAndStandardize, mergeTiles, resizeBilinear, waveletTiles } from './features';
import type { InputSettings } from './features';

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

describe('buildModalities cache', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-effnet-cache-'));
    for (const id of [21, 22]) {
      const cols = Object.fromEntries(CHAIN_ELECTRODES.map((e, j) => [e, Float32Array.from({ length: 1400 }, (_, t) => Math.sin((t * (j + 1)) / (id - 15)) * 40 + ((t * 7919) % 13))]));
      await writeParquet(path.join(dir, 'train_eegs', `${id}.parquet`), cols);
      const spec: Record<string, Float32Array> = { time: Float32Array.from({ length: 320 }, (_, t) => 1 + 2 * t) };
      HMS_SPECTROGRAM_FREQ_COLUMNS.forEach((c, j) => (spec[c] = Float32Array.from({ length: 320 }, (_, t) => 1 + ((t * (j + 3) + id) % 29))));
      await writeParquet(path.join(dir, 'train_spectrograms', `${id}.parquet`), spec);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a tile cache cut short, logging why, with the same tiles', async () => {
    const s = settings({ eegSeconds: 6, eegSpectrogram: { method: 'mel', frames: 16, nMels: 16, nfft: 256, winLength: 128, fmax: 20, logStandardize: true } });
    const items = [21, 22].map((id) => ({ eegId: id, spectrogramId: id, specRow: 0 }));
    const cacheDir = path.join(dir, 'cache');
    const built = await buildModalities(dir, 'train', items, ['eeg', 'wavelet'], s, { cacheDir });
    const names = fs.readdirSync(cacheDir).sort();
    expect(names).toHaveLength(2);
    const file = path.join(cacheDir, names.find((n) => n.startsWith('wavelet-'))!);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 7));
    const lines: string[] = [];
    const again = await buildModalities(dir, 'train', items, ['eeg', 'wavelet'], s, { cacheDir, log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.includes('is damaged'))).toEqual([
      `cache ${file} is damaged (truncated: shape [2,16,6] needs 768 bytes, file has 761 (expected a file of ${whole.length} bytes: 128 of header and 768 of data; it is ${whole.length - 7})); rebuilding`,
    ]);
    expect(lines.some((l) => l.startsWith('eeg tiles:') && l.includes('from the cache'))).toBe(true); // the whole one is still used
    expect(lines.some((l) => l.startsWith('wavelet tiles:') && l.includes('from the cache'))).toBe(false);
    expect(Array.from(again.wavelet!)).toEqual(Array.from(built.wavelet!));
    expect(Array.from(again.eeg!)).toEqual(Array.from(built.eeg!));
    expect(fs.readdirSync(cacheDir).sort()).toEqual(names); // rebuilt in place, no temp file left
    expect(fs.readFileSync(file).equals(whole)).toBe(true);
  });
});
