import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeParquet } from '@repro/io';
import { buildModalities, CHAIN_ELECTRODES, flipTiles, kaggleTiles, logAndStandardize, mergeTiles, resizeBilinear, waveletTiles } from './features';
import type { InputSettings } from './features';

const settings = (over: Partial<InputSettings> = {}): InputSettings => ({
  useKaggleSpectrograms: true,
  useEegSpectrograms: true,
  useWaveletSpectrograms: true,
  tileHeight: 4,
  tileWidth: 6,
  kaggleCropFrames: 22,
  eegSeconds: 50,
  eegSpectrogram: { method: 'mel', frames: 16, nMels: 16, nfft: 256, fmax: 20 },
  wavelet: { wavelet: 'db1', level: 5, frames: 8 },
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

  it('waveletTiles are finite and differ between a quiet and a loud chain', () => {
    const s = settings();
    const eeg: Record<string, Float64Array> = {};
    for (const e of ['Fp1', 'F7', 'T3', 'T5', 'O1', 'Fp2', 'F8', 'T4', 'T6', 'O2', 'F3', 'C3', 'P3', 'F4', 'C4', 'P4']) {
      eeg[e] = Float64Array.from({ length: 10000 }, (_, i) => Math.sin(i / (e.length + 3)) * (e.startsWith('F') ? 50 : 5) + ((i * 7919) % 13));
    }
    const out = waveletTiles(eeg, s);
    expect(out.length).toBe(4 * 24);
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
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
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a tile cache cut short, logging why, with the same tiles', async () => {
    const s = settings({ eegSeconds: 6 });
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
