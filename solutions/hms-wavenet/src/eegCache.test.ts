import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeParquet } from '@repro/io';
import { EEG_FEATURES, loadEegs, middleWindow } from './eegCache';

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

describe('loadEegs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-eegs-'));
    fs.mkdirSync(path.join(dir, 'train_eegs'));
    for (const id of [11, 12]) await writeParquet(path.join(dir, 'train_eegs', `${id}.parquet`), { ...columns(30, (n, t) => id + t), EKG: new Float32Array(30) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every EEG, writes the cache once and reads it back', async () => {
    const lines: string[] = [];
    const cacheDir = path.join(dir, 'cache');
    const a = await loadEegs(dir, 'train', [11, 12], 20, { cacheDir, log: (l) => lines.push(l) });
    expect(a.length).toBe(2 * 20 * 8);
    expect(a[0]).toBe(11 + 5);
    expect(a[20 * 8]).toBe(12 + 5);
    expect(fs.readdirSync(cacheDir)).toHaveLength(1);
    const b = await loadEegs(dir, 'train', [11, 12], 20, { cacheDir, log: (l) => lines.push(l) });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(lines.some((l) => /from the cache/.test(l))).toBe(true);
  });

  it('names the missing parquet', async () => {
    await expect(loadEegs(dir, 'train', [11, 99], 20)).rejects.toThrow(/train_eegs\/99\.parquet.*not found.*eeg_id 99/);
  });
});
