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

  it('rebuilds a cache file cut short or with a bad header, logging why, with the same data', async () => {
    const cacheDir = path.join(dir, 'cache-damaged');
    const original = await loadEegs(dir, 'train', [11, 12], 20, { cacheDir });
    const [name] = fs.readdirSync(cacheDir);
    const file = path.join(cacheDir, name);
    const whole = fs.readFileSync(file);
    const damages: Array<[string, Buffer, RegExp]> = [
      ['cut short', whole.subarray(0, whole.length - 100), /truncated: shape \[2,20,8\] needs 1280 bytes, file has 1180/],
      ['cut inside the header', whole.subarray(0, 50), /truncated: its header is \d+ bytes but the file ends 40 bytes into it/],
      ['empty', Buffer.alloc(0), /empty \(0 bytes/],
      ['bad header', Buffer.concat([whole.subarray(0, 10), Buffer.alloc(whole.length - 10, 0x20)]), /unreadable \.npy header/],
    ];
    for (const [what, bytes, reason] of damages) {
      fs.writeFileSync(file, bytes);
      const lines: string[] = [];
      const again = await loadEegs(dir, 'train', [11, 12], 20, { cacheDir, log: (l) => lines.push(l) });
      expect({ what, same: Array.from(again) }).toEqual({ what, same: Array.from(original) });
      const damaged = lines.filter((l) => l.startsWith(`cache ${file} is damaged (`));
      expect({ what, damaged }).toEqual({ what, damaged: [expect.stringMatching(reason)] });
      expect(damaged[0]).toMatch(/\); rebuilding$/);
      expect(lines.some((l) => /from the cache/.test(l))).toBe(false); // never read from the damaged file
      // Rebuilt in place, whole, with no temp file left beside it.
      expect(fs.readdirSync(cacheDir)).toEqual([name]);
      expect(fs.readFileSync(file).equals(whole)).toBe(true);
    }
  });

  it('names the missing parquet', async () => {
    await expect(loadEegs(dir, 'train', [11, 99], 20)).rejects.toThrow(/train_eegs\/99\.parquet.*not found.*eeg_id 99/);
  });
});
