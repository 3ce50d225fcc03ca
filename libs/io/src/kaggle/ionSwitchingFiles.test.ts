import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from '../errors';
import {
  ION_COLUMNS,
  ION_FILES,
  ION_KAGGLE,
  ION_TEST_CHUNK_GROUPS,
  ION_TRAIN_BATCH_GROUPS,
  ionRowIds,
  ionTestLayout,
  ionTimeAt,
  ionTrainLayout,
  readIonSwitchingTest,
  readIonSwitchingTrain,
  writeIonSwitchingSubmission,
} from './ionSwitchingFiles';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A valid train.csv body of n rows (n divisible by 10). */
function trainText(n: number, edit?: (rows: string[][]) => void): string {
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) rows.push([ionTimeAt(0, i).toFixed(4), (-2.7337 + 1.2336 * (i % 2)).toFixed(4), String(i % 2)]);
  edit?.(rows);
  return 'time,signal,open_channels\n' + rows.map((r) => r.join(',')).join('\n') + '\n';
}

function writeTrain(text: string): string {
  fs.writeFileSync(path.join(dir, ION_FILES.train), text);
  return path.join(dir, ION_FILES.train);
}

async function dataError(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError, got none');
}

describe('Ion Switching layout', () => {
  it('reproduces the real train batches at 5,000,000 rows', () => {
    const b = ionTrainLayout(ION_KAGGLE.trainRows);
    expect(b).toHaveLength(10);
    expect(b.map((s) => [s.start, s.end])).toEqual(Array.from({ length: 10 }, (_, i) => [i * 500_000, (i + 1) * 500_000]));
    expect(b.map((s) => s.group)).toEqual([0, 0, 1, 2, 4, 3, 1, 2, 3, 4]);
  });

  it('reproduces the real test chunks at 2,000,000 rows', () => {
    const c = ionTestLayout(ION_KAGGLE.testRows);
    expect(c).toHaveLength(12);
    const bounds = c.map((s) => s.start);
    expect(bounds.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i * 100_000));
    expect(bounds.slice(10)).toEqual([1_000_000, 1_500_000]);
    expect(c[11].end).toBe(2_000_000);
    // slow 0,3,8; fast 4; 3ch 1,9; 5ch 2,6; 10ch 5,7; both 500k chunks slow
    const byGroup = (g: number): number[] => c.filter((s) => s.group === g).map((s) => s.index);
    expect(byGroup(0)).toEqual([0, 3, 8, 10, 11]);
    expect(byGroup(1)).toEqual([4]);
    expect(byGroup(2)).toEqual([1, 9]);
    expect(byGroup(3)).toEqual([2, 6]);
    expect(byGroup(4)).toEqual([5, 7]);
  });

  it('train batch groups match kaggle-facts', () => {
    const byGroup = (g: number): number[] => ION_TRAIN_BATCH_GROUPS.flatMap((x, i) => (x === g ? [i] : []));
    expect([0, 1, 2, 3, 4].map(byGroup)).toEqual([[0, 1], [2, 6], [3, 7], [5, 8], [4, 9]]);
    expect(ION_TEST_CHUNK_GROUPS).toHaveLength(12);
  });

  it('scales the layout down with the row count', () => {
    expect(ionTrainLayout(40_000)[3]).toEqual({ index: 3, start: 12_000, end: 16_000, group: 2 });
    const t = ionTestLayout(16_000);
    expect(t[9].end).toBe(8_000);
    expect(t[10]).toEqual({ index: 10, start: 8_000, end: 12_000, group: 0 });
    expect(() => ionTrainLayout(40_001)).toThrow(/divisible by 10/);
    expect(() => ionTestLayout(16_010)).toThrow(/divisible by 20/);
    const ids = ionRowIds(ionTrainLayout(100), 100);
    expect(Array.from(ids.segment.subarray(38, 42))).toEqual([3, 3, 4, 4]);
    expect(Array.from(ids.group.subarray(38, 42))).toEqual([2, 2, 4, 4]);
  });

  it('times are 0.0001*(i+1) and continue into test, printed exactly with 4 decimals', () => {
    expect(ionTimeAt(0, 0).toFixed(4)).toBe('0.0001');
    expect(ionTimeAt(0, 4_999_999).toFixed(4)).toBe('500.0000');
    expect(ionTimeAt(5_000_000, 0).toFixed(4)).toBe('500.0001');
    expect(ionTimeAt(5_000_000, 1_999_999).toFixed(4)).toBe('700.0000');
    // every time to 700 s prints as its exact decimal
    for (let i = 0; i < 7_000_000; i += 9973) {
      const s = ionTimeAt(0, i).toFixed(4);
      expect(s.replace('.', '').replace(/^0+/, '')).toBe(String(i + 1));
    }
  });
});

describe('readIonSwitchingTrain / readIonSwitchingTest', () => {
  it('reads typed columns with batch and group ids', async () => {
    writeTrain(trainText(40));
    const d = await readIonSwitchingTrain(dir);
    expect(d.nRows).toBe(40);
    expect(d.time).toBeInstanceOf(Float64Array);
    expect(d.signal).toBeInstanceOf(Float32Array);
    expect(d.openChannels).toBeInstanceOf(Int32Array);
    expect(d.time[39]).toBeCloseTo(0.004, 10);
    expect(d.signal[1]).toBeCloseTo(-1.5001, 4);
    expect(Array.from(d.batch.subarray(0, 9))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
    expect(d.group[16]).toBe(4); // batch 4 (rows 16..19) is the 10-channel group
    expect(d.segments).toHaveLength(10);
  });

  it('reads test.csv without labels', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${ionTimeAt(40, i).toFixed(4)},0.5`);
    fs.writeFileSync(path.join(dir, ION_FILES.test), 'time,signal\n' + rows.join('\n') + '\n');
    const d = await readIonSwitchingTest(dir);
    expect(d.openChannels).toBeUndefined();
    expect(d.segments.map((s) => s.end - s.start)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
    expect(Array.from(d.group)).toEqual([0, 2, 3, 0, 1, 4, 3, 4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(d.time[0]).toBeCloseTo(0.0041, 10);
  });

  it('missing file: names the file and how to get one', async () => {
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/train\.csv: file not found.*ion-switching:data/);
  });

  it('missing column: lists the header found', async () => {
    writeTrain(trainText(10).replace('time,signal,open_channels', 'time,sig,open_channels'));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/train\.csv \(row 1\): expected column 'signal', but the header has: time, sig, open_channels/);
  });

  it('non-numeric signal: row, column and text', async () => {
    writeTrain(trainText(10, (r) => (r[5][1] = 'abc')));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/train\.csv \(row 7, column 'signal'\): expected a float32 number, got 'abc'/);
  });

  it('unsorted time: row and the two times', async () => {
    writeTrain(trainText(10, (r) => ([r[3][0], r[4][0]] = [r[4][0], r[3][0]])));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/train\.csv \(row 6, column 'time'\): expected time sorted ascending \(step 0\.0001\), got 0\.0004 after 0\.0005/);
  });

  it('non-uniform time: expected step 0.0001', async () => {
    writeTrain(trainText(10, (r) => r.forEach((row, i) => i >= 6 && (row[0] = ionTimeAt(1, i).toFixed(4)))));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/\(row 8, column 'time'\): expected a uniform time step of 0\.0001 s \(10 kHz\), got 0\.0008 after 0\.0006 \(step 0\.0002\)/);
  });

  it('time off the 4-decimal grid', async () => {
    writeTrain(trainText(10, (r) => (r[2][0] = '0.00031')));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/\(row 4, column 'time'\): expected time on a 0\.0001 s grid/);
  });

  it('open_channels outside 0..10', async () => {
    writeTrain(trainText(10, (r) => (r[8][2] = '11')));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/\(row 10, column 'open_channels'\): expected open_channels in 0\.\.10, got 11/);
  });

  it('row counts that cannot be the layout', async () => {
    writeTrain(trainText(10, (r) => r.pop()));
    const err = await dataError(readIonSwitchingTrain(dir));
    expect(err.message).toMatch(/train\.csv: expected a row count divisible by 10 .* got 9/);
  });
});

describe('writeIonSwitchingSubmission', () => {
  it('writes time as %.4f and integer labels under the real header', async () => {
    const file = path.join(dir, 'submission.csv');
    await writeIonSwitchingSubmission(file, [500.0001, 500.0002, 700], Int32Array.from([0, 10, 3]));
    expect(fs.readFileSync(file, 'utf8')).toBe(`${ION_COLUMNS.time},${ION_COLUMNS.openChannels}\n500.0001,0\n500.0002,10\n700.0000,3\n`);
  });

  it('refuses labels outside 0..10 and length mismatches', async () => {
    const file = path.join(dir, 'submission.csv');
    await expect(writeIonSwitchingSubmission(file, [1, 2], [0, 11])).rejects.toThrow(/openChannels\[1\] is 11/);
    await expect(writeIonSwitchingSubmission(file, [1, 2], [0, 1.5])).rejects.toThrow(/openChannels\[1\] is 1\.5/);
    await expect(writeIonSwitchingSubmission(file, [1, 2, 3], [0, 1])).rejects.toThrow(/time has 3 values but openChannels has 2/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
