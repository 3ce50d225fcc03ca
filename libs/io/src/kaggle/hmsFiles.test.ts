import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeCsv } from '../csvWrite';
import { DataError } from '../errors';
import { readParquet, writeParquet } from '../parquet';
import {
  HMS_CLASSES,
  HMS_EEG_COLUMNS,
  HMS_SPECTROGRAM_COLUMNS,
  HMS_SPECTROGRAM_FREQ_COLUMNS,
  HMS_TRAIN_COLUMNS,
  HMS_VOTE_COLUMNS,
  readHmsEeg,
  readHmsSpectrogram,
  readHmsTest,
  readHmsTrain,
  writeHmsSubmission,
} from './hmsFiles';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hmsfiles-'));
  for (const d of ['train_eegs', 'train_spectrograms', 'test_eegs', 'test_spectrograms']) fs.mkdirSync(path.join(dir, d));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, number | string>;
const goodRows = (): Row[] => [
  { eeg_id: 4294958358, eeg_sub_id: 0, eeg_label_offset_seconds: 0, spectrogram_id: 353733, spectrogram_sub_id: 0, spectrogram_label_offset_seconds: 0, label_id: 127492639, patient_id: 42516, expert_consensus: 'Seizure', seizure_vote: 3, lpd_vote: 0, gpd_vote: 0, lrda_vote: 0, grda_vote: 0, other_vote: 0 },
  { eeg_id: 4294958358, eeg_sub_id: 1, eeg_label_offset_seconds: 6, spectrogram_id: 353733, spectrogram_sub_id: 1, spectrogram_label_offset_seconds: 6, label_id: 3887563113, patient_id: 42516, expert_consensus: 'GRDA', seizure_vote: 0, lpd_vote: 0, gpd_vote: 1, lrda_vote: 0, grda_vote: 2, other_vote: 1 },
];

async function writeTrain(rows: Row[], drop: string[] = []): Promise<string> {
  const file = path.join(dir, 'train.csv');
  const cols = HMS_TRAIN_COLUMNS.filter((c) => !drop.includes(c)).map((name) => ({
    name,
    values: rows.map((r) => r[name]) as (number | string)[],
    format: name.endsWith('offset_seconds') ? { fixed: 1 } : undefined,
  }));
  await writeCsv(file, cols);
  return file;
}

async function writeEeg(id: number, rows: number, columns: readonly string[] = HMS_EEG_COLUMNS): Promise<string> {
  const file = path.join(dir, 'train_eegs', `${id}.parquet`);
  const cols: Record<string, Float32Array> = {};
  columns.forEach((c, k) => (cols[c] = Float32Array.from({ length: rows }, (_, i) => (i === 5 ? NaN : k * 1000 + i))));
  await writeParquet(file, cols);
  return file;
}

async function writeSpec(id: number, frames: number, columns: readonly string[] = HMS_SPECTROGRAM_COLUMNS): Promise<string> {
  const file = path.join(dir, 'train_spectrograms', `${id}.parquet`);
  const cols: Record<string, Float32Array> = {};
  columns.forEach((c, k) => (cols[c] = Float32Array.from({ length: frames }, (_, j) => (c === 'time' ? 1 + 2 * j : k + j / 1000))));
  await writeParquet(file, cols);
  return file;
}

describe('HMS layout constants', () => {
  it('match the Kaggle names', () => {
    expect(HMS_TRAIN_COLUMNS).toHaveLength(15);
    expect(HMS_EEG_COLUMNS.join(',')).toBe('Fp1,F3,C3,P3,F7,T3,T5,O1,Fz,Cz,Pz,Fp2,F4,C4,P4,F8,T4,T6,O2,EKG');
    expect(HMS_CLASSES.join(',')).toBe('Seizure,LPD,GPD,LRDA,GRDA,Other');
    expect(HMS_SPECTROGRAM_COLUMNS).toHaveLength(401);
    expect(HMS_SPECTROGRAM_FREQ_COLUMNS.slice(0, 4)).toEqual(['LL_0.59', 'LL_0.78', 'LL_0.98', 'LL_1.17']);
    expect(HMS_SPECTROGRAM_FREQ_COLUMNS).toContain('LL_3.13');
    expect(HMS_SPECTROGRAM_FREQ_COLUMNS).toContain('RL_4.1');
    expect(HMS_SPECTROGRAM_FREQ_COLUMNS[399]).toBe('RP_19.92');
    expect(HMS_SPECTROGRAM_FREQ_COLUMNS[100]).toBe('RL_0.59');
  });
});

describe('readHmsTrain', () => {
  it('reads typed columns, votes and ids above 2^31', async () => {
    await writeTrain(goodRows());
    const t = await readHmsTrain(dir);
    expect(t.nRows).toBe(2);
    expect(t.eegId).toBeInstanceOf(Float64Array);
    expect(t.eegId[0]).toBe(4294958358);
    expect(t.eegSubId).toBeInstanceOf(Int32Array);
    expect(Array.from(t.eegLabelOffsetSeconds)).toEqual([0, 6]);
    expect(Array.from(t.votes.subarray(6, 12))).toEqual([0, 0, 1, 0, 2, 1]);
    expect(Array.from(t.totalVotes)).toEqual([3, 4]);
    expect(Array.from(t.consensusIndex)).toEqual([0, 4]);
    expect(t.labelId[1]).toBe(3887563113);
  });

  it('names a missing vote column', async () => {
    await writeTrain(goodRows(), ['lpd_vote']);
    await expect(readHmsTrain(dir)).rejects.toThrow(/train\.csv \(row 1\): missing vote column 'lpd_vote'/);
    await expect(readHmsTrain(dir)).rejects.toBeInstanceOf(DataError);
  });

  it('rejects non-integer votes, zero-vote rows and unknown consensus labels', async () => {
    const r1 = goodRows();
    r1[1].grda_vote = 1.5;
    await writeTrain(r1);
    await expect(readHmsTrain(dir)).rejects.toThrow(/train\.csv \(row 3, column 'grda_vote'\): expected a vote count \(integer >= 0\), got 1\.5/);
    const r2 = goodRows();
    r2[0].seizure_vote = 0;
    await writeTrain(r2);
    await expect(readHmsTrain(dir)).rejects.toThrow(/train\.csv \(row 2\): the 6 vote columns sum to 0/);
    const r3 = goodRows();
    r3[1].expert_consensus = 'Spike';
    await writeTrain(r3);
    await expect(readHmsTrain(dir)).rejects.toThrow(/row 3, column 'expert_consensus'\): unknown expert_consensus 'Spike' \(expected one of Seizure, LPD/);
  });

  it('reads test.csv', async () => {
    await writeCsv(path.join(dir, 'test.csv'), [
      { name: 'spectrogram_id', values: [853520] },
      { name: 'eeg_id', values: [3911565283] },
      { name: 'patient_id', values: [6885] },
    ]);
    const t = await readHmsTest(dir);
    expect(t.nRows).toBe(1);
    expect(t.eegId[0]).toBe(3911565283);
    expect(t.patientId[0]).toBe(6885);
  });
});

describe('readHmsEeg', () => {
  it('reads all 20 columns as float32 with NaNs kept, and a window', async () => {
    await writeEeg(7, 2000);
    const e = await readHmsEeg(dir, 'train', 7);
    expect(e.columnNames).toEqual([...HMS_EEG_COLUMNS]);
    expect(e.nRows).toBe(2000);
    expect(e.columns.Fp1).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(e.columns.EKG[5])).toBe(true);
    const w = await readHmsEeg(dir, 'train', 7, { columns: ['O2', 'Fz'], offsetSeconds: 2, seconds: 5 });
    expect(w.nRows).toBe(1000);
    expect(w.columnNames).toEqual(['O2', 'Fz']);
    expect(w.columns.O2[0]).toBe(18 * 1000 + 400);
    expect(w.columns.Fz[999]).toBe(8 * 1000 + 1399);
  });

  it('errors with the path when the parquet is missing', async () => {
    await expect(readHmsEeg(dir, 'train', 123)).rejects.toThrow(/train_eegs\/123\.parquet: EEG parquet not found for train eeg_id 123/);
  });

  it('lists the needed columns a parquet lacks', async () => {
    await writeEeg(8, 400, HMS_EEG_COLUMNS.filter((c) => c !== 'Cz' && c !== 'EKG'));
    await expect(readHmsEeg(dir, 'train', 8)).rejects.toThrow(/train_eegs\/8\.parquet: EEG parquet lacks needed columns 'Cz', 'EKG'; the file has: Fp1/);
    // Only what is asked for is needed.
    await expect(readHmsEeg(dir, 'train', 8, { columns: ['Fp1'] })).resolves.toMatchObject({ nRows: 400 });
  });

  it('rejects a window outside the file', async () => {
    await writeEeg(9, 400);
    await expect(readHmsEeg(dir, 'train', 9, { offsetSeconds: 1, seconds: 2 })).rejects.toThrow(/9\.parquet: the window \[1, 3\) s .* outside the file's 400 rows/);
  });
});

describe('readHmsSpectrogram', () => {
  it('reads frames x 400 float32 and time, whole or a 10-min window', async () => {
    await writeSpec(11, 320);
    const s = await readHmsSpectrogram(dir, 'train', 11);
    expect(s.nFrames).toBe(320);
    expect(s.data).toBeInstanceOf(Float32Array);
    expect(s.data.length).toBe(320 * 400);
    expect(Array.from(s.time.subarray(0, 3))).toEqual([1, 3, 5]);
    // column k (1-based in the file) at frame j = k + j/1000
    expect(s.data[2 * 400 + 0]).toBeCloseTo(1.002, 5);
    const w = await readHmsSpectrogram(dir, 'train', 11, { offsetSeconds: 40 });
    expect(w.nFrames).toBe(300);
    expect(w.time[0]).toBe(41);
    await expect(readHmsSpectrogram(dir, 'train', 11, { offsetSeconds: 42 })).rejects.toThrow(/rows 21\.\.321 .* outside the file's 320 rows/);
  });

  it('names missing frequency columns', async () => {
    await writeSpec(12, 10, HMS_SPECTROGRAM_COLUMNS.filter((c) => !c.startsWith('RP_')));
    await expect(readHmsSpectrogram(dir, 'train', 12)).rejects.toThrow(
      /train_spectrograms\/12\.parquet: spectrogram parquet lacks 100 of the 401 needed columns .* e\.g\. 'RP_0\.59', 'RP_0\.78'/,
    );
    await expect(readHmsSpectrogram(dir, 'test', 13)).rejects.toThrow(/test_spectrograms\/13\.parquet: spectrogram parquet not found/);
  });
});

describe('writeHmsSubmission', () => {
  it('writes eeg_id + 6 probabilities after checking row sums', async () => {
    const file = path.join(dir, 'submission.csv');
    await writeHmsSubmission(file, [3911565283, 5], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6]);
    const text = fs.readFileSync(file, 'utf8').split('\n');
    expect(text[0]).toBe(['eeg_id', ...HMS_VOTE_COLUMNS].join(','));
    expect(text[1]).toBe('3911565283,0.5,0.1,0.1,0.1,0.1,0.1');
    await expect(writeHmsSubmission(path.join(dir, 'bad.csv'), [1, 2], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2])).rejects.toThrow(
      /row 1 \(eeg_id 2\) sums to 1\.2 \(expected 1 within 1e-5\)/,
    );
    expect(fs.existsSync(path.join(dir, 'bad.csv'))).toBe(false);
    await expect(writeHmsSubmission(file, [1], [1, 0, 0])).rejects.toThrow(/probs has 3 values, expected 1 eeg_ids x 6 classes = 6/);
  });
});

it('keeps parquet float32 columns float32 (the EEG dtype)', async () => {
  const f = await writeEeg(10, 10);
  const t = await readParquet(f, { columns: ['Fp1'] });
  expect(t.columns.Fp1).toBeInstanceOf(Float32Array);
});
