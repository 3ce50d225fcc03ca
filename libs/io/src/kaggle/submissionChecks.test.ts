// The submission checks of the three competitions: test ids against sample_submission.csv (issue
// item 6) and the written submission re-read as Kaggle would before it gets its name (item 8).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from '../errors';
import {
  HMS_SUBMISSION_COLUMNS,
  hmsSubmissionOrder,
  readHmsSampleSubmission,
  readHmsTest,
  validateHmsSubmission,
  writeHmsSubmission,
} from './hmsFiles';
import {
  ionSubmissionOrder,
  ionTimeId,
  readIonSwitchingSampleSubmission,
  validateIonSwitchingSubmission,
  writeIonSwitchingSubmission,
} from './ionSwitchingFiles';
import { moaSubmissionOrder, readMoaSampleSubmission, selectMoaFeatureRows, validateMoaSubmission, writeMoaSubmission, type MoaFeatures } from './moaFiles';
import { alignToSample, checkUniqueIds } from './submissionChecks';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-submission-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: string[]): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
};

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (err) {
    return err as DataError;
  }
  throw new Error('expected a rejection');
}

describe('alignToSample / checkUniqueIds', () => {
  const col = (file: string, ids: string[]) => ({ file, column: 'eeg_id', ids });

  it('returns null for the same ids in the same order, else the test row of each sample row', () => {
    expect(alignToSample(col('test.csv', ['1', '2', '3']), col('sample.csv', ['1', '2', '3']))).toBeNull();
    expect(Array.from(alignToSample(col('test.csv', ['1', '2', '3']), col('sample.csv', ['3', '1', '2']))!)).toEqual([2, 0, 1]);
  });

  it('names every row of a repeated id (1-based CSV lines, header = row 1)', () => {
    expect(() => checkUniqueIds(col('test.csv', ['7', '8', '7', '7']))).toThrow(
      "test.csv (row 4, column 'eeg_id'): eeg_id '7' appears 3 times, on rows 2, 4, 5; expected each eeg_id once (one submission row per id)",
    );
    // Both files are checked, also when they repeat the same id in the same place.
    expect(() => alignToSample(col('test.csv', ['1', '1']), col('sample.csv', ['1', '1']))).toThrow(/^test\.csv \(row 3, column 'eeg_id'\): eeg_id '1' appears 2 times, on rows 2, 3/);
    expect(() => alignToSample(col('test.csv', ['1', '2']), col('sample.csv', ['2', '2']))).toThrow(/^sample\.csv \(row 3, column 'eeg_id'\): eeg_id '2' appears 2 times, on rows 2, 3/);
  });

  it('names the file, row and id of an id missing on either side', () => {
    expect(() => alignToSample(col('test.csv', ['1', '2']), col('sample.csv', ['2', '1', '3']))).toThrow(
      "sample.csv (row 4, column 'eeg_id'): eeg_id '3' is not in test.csv; expected the same eeg_ids in both files",
    );
    // Both sides: the test file's extra id is named first.
    expect(() => alignToSample(col('test.csv', ['1', '2', '9']), col('sample.csv', ['2', '1', '3']))).toThrow(/^test\.csv \(row 4, column 'eeg_id'\): eeg_id '9' is not in sample\.csv;/);
    expect(() => alignToSample(col('test.csv', ['1', '2', '9', '8']), col('sample.csv', ['2', '1']))).toThrow(
      "test.csv (row 4, column 'eeg_id'): eeg_id '9' is not in sample.csv (nor are 1 more of this file's ids); expected the same eeg_ids in both files",
    );
  });
});

describe('HMS: test.csv against sample_submission.csv', () => {
  const header = HMS_SUBMISSION_COLUMNS.join(',');
  const testCsv = (ids: number[]) => write('test.csv', ['spectrogram_id,eeg_id,patient_id', ...ids.map((id, i) => `${100 + i},${id},${7 + i}`)]);
  const sampleCsv = (ids: number[], head = header) => write('sample_submission.csv', [head, ...ids.map((id) => `${id},${Array(6).fill(1 / 6).join(',')}`)]);

  it('a duplicate eeg_id in test.csv is an error naming its rows (it would be two submission rows)', async () => {
    testCsv([3911565283, 5, 3911565283]);
    await expect(readHmsTest(dir)).rejects.toThrow(/test\.csv \(row 4, column 'eeg_id'\): eeg_id '3911565283' appears 2 times, on rows 2, 4/);
  });

  it('the sample: its header exactly, each eeg_id once, and the test eeg_ids matched to its order', async () => {
    testCsv([3911565283, 5, 6]);
    sampleCsv([6, 3911565283, 5]);
    const test = await readHmsTest(dir);
    const sample = await readHmsSampleSubmission(dir);
    expect(Array.from(hmsSubmissionOrder(test, sample)!)).toEqual([2, 0, 1]);
    sampleCsv([6, 3911565283, 6]);
    await expect(readHmsSampleSubmission(dir)).rejects.toThrow(/sample_submission\.csv \(row 4, column 'eeg_id'\): eeg_id '6' appears 2 times, on rows 2, 4/);
    sampleCsv([6, 3911565283, 7]);
    expect(() => hmsSubmissionOrder(test, sample)).not.toThrow();
    expect(() => hmsSubmissionOrder(test, { ...sample, ids: ['6', '3911565283', '7'] })).toThrow(/test\.csv \(row 3, column 'eeg_id'\): eeg_id '5' is not in .*sample_submission\.csv/);
    expect(() => hmsSubmissionOrder(test, { ...sample, ids: ['6', '3911565283', '5', '7'] })).toThrow(/sample_submission\.csv \(row 5, column 'eeg_id'\): eeg_id '7' is not in .*test\.csv/);
    sampleCsv([5], 'eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote');
    await expect(readHmsSampleSubmission(dir)).rejects.toThrow(/sample_submission\.csv \(row 1\): expected the header eeg_id,seizure_vote,.*,other_vote, got eeg_id,.*grda_vote$/);
    fs.rmSync(path.join(dir, 'sample_submission.csv'));
    await expect(readHmsSampleSubmission(dir)).rejects.toThrow(/sample_submission\.csv: file not found: expected Kaggle's sample_submission\.csv/);
  });
});

describe('HMS: the written submission is checked before it gets its name', () => {
  const header = HMS_SUBMISSION_COLUMNS.join(',');
  const third = [0.5, 0.1, 0.1, 0.1, 0.1, 0.1].join(',');
  const expected = { ids: ['5', '6'], source: 'sample_submission.csv' };

  it('accepts a good file; names file, row and column of a bad header, order, count, NaN, range and row sum', async () => {
    await validateHmsSubmission(write('ok.csv', [header, `5,${third}`, `6,${third}`]), expected);
    const cases: [string[], RegExp][] = [
      [['eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,Other_vote', `5,${third}`], /\(row 1, column 'Other_vote'\): expected the header 'eeg_id,.*other_vote' \(as sample_submission\.csv\), got .*column 7 is 'Other_vote', expected 'other_vote'/],
      [[header, `6,${third}`, `5,${third}`], /\(row 2, column 'eeg_id'\): eeg_id '6' where sample_submission\.csv has '5' on this row; expected the ids of sample_submission\.csv in its order/],
      [[header, `5,${third}`], /: has 1 data rows, expected 2 \(one per id of sample_submission\.csv\); the first missing id is '6'/],
      [[header, `5,${third}`, `6,${third}`, `7,${third}`], /\(row 4\): has more data rows than the 2 ids of sample_submission\.csv/],
      [[header, `5,${third}`, '6,0.5,NaN,0.1,0.1,0.1,0.2'], /\(row 3, column 'lpd_vote'\): expected a probability \(a finite number in \[0, 1\]\), got 'NaN'/],
      [[header, `5,${third}`, '6,0.5,,0.1,0.1,0.1,0.2'], /\(row 3, column 'lpd_vote'\): expected a probability .*got an empty field/],
      [[header, '5,1.5,-0.5,0,0,0,0', `6,${third}`], /\(row 2, column 'seizure_vote'\): expected a probability .*got '1\.5'/],
      [[header, `5,${third}`, '6,0.5,0.1,0.1,0.1,0.1,0.2'], /\(row 3\): the 6 vote probabilities \(seizure_vote\.\.other_vote\) sum to 1\.1, expected 1 within 0\.00001/],
      [[header, `5.5,${third}`], /\(row 2, column 'eeg_id'\): expected an integer eeg_id, got '5\.5'/],
    ];
    for (const [lines, re] of cases) {
      const err = await rejection(validateHmsSubmission(write('bad.csv', lines), expected, path.join(dir, 'submission.csv')));
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(re);
      expect(err.message).toMatch(/submission\.csv( \(.*\))?: .*; the submission was not written$/);
    }
  });

  it('writeHmsSubmission with the sample: rows out of its order never reach the final name (the old file stays)', async () => {
    write('test.csv', ['spectrogram_id,eeg_id,patient_id', '1,5,1', '2,6,2']);
    write('sample_submission.csv', [header, `6,${third}`, `5,${third}`]);
    const sample = await readHmsSampleSubmission(dir);
    const file = path.join(dir, 'submission.csv');
    fs.writeFileSync(file, 'old');
    const probs = [0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1];
    await expect(writeHmsSubmission(file, [5, 6], probs, { sample })).rejects.toThrow(
      `${file} (row 2, column 'eeg_id'): eeg_id '5' where ${sample.file} has '6' on this row; expected the ids of ${sample.file} in its order; the submission was not written`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // In the sample's order (hmsSubmissionOrder), it is written.
    const order = hmsSubmissionOrder(await readHmsTest(dir), sample)!;
    await writeHmsSubmission(file, [6, 5], Array.from(order).flatMap((i) => probs.slice(i * 6, i * 6 + 6)), { sample });
    expect(fs.readFileSync(file, 'utf8').split('\n')[1]).toMatch(/^6,0\.2,/);
  });
});

describe('Ion Switching: time is an id with 4 decimals', () => {
  it('ionTimeId compares the fixed-4 value, not floats', () => {
    expect(ionTimeId('500.0001')).toBe('500.0001');
    expect(ionTimeId(500.0001)).toBe('500.0001');
    expect(ionTimeId(0.1 + 0.2)).toBe('0.3000');
    expect(ionTimeId('700')).toBe('700.0000');
    expect(ionTimeId('abc')).toBeUndefined();
    expect(ionTimeId('')).toBeUndefined();
  });

  it('the sample: header exactly, a number in every time field; test times matched to its order', async () => {
    write('sample_submission.csv', ['time,open_channels', '500.0002,0', '500.0001,0']);
    const sample = await readIonSwitchingSampleSubmission(dir);
    expect(sample.ids).toEqual(['500.0002', '500.0001']);
    const test = { file: path.join(dir, 'test.csv'), time: Float64Array.from([500.0001, 500.0002]) };
    expect(Array.from(ionSubmissionOrder(test, sample)!)).toEqual([1, 0]);
    expect(ionSubmissionOrder({ ...test, time: Float64Array.from([500.0002, 500.0001]) }, sample)).toBeNull();
    expect(() => ionSubmissionOrder({ ...test, time: Float64Array.from([500.0001, 500.0003]) }, sample)).toThrow(
      /test\.csv \(row 3, column 'time'\): time '500\.0003' is not in .*sample_submission\.csv/,
    );
    expect(() => ionSubmissionOrder({ ...test, time: Float64Array.from([500.0001]) }, sample)).toThrow(/sample_submission\.csv \(row 2, column 'time'\): time '500\.0002' is not in .*test\.csv/);
    write('sample_submission.csv', ['time,open_channels', '500.0001,0', '500.0001,0']);
    const dup = await readIonSwitchingSampleSubmission(dir);
    expect(() => ionSubmissionOrder(test, dup)).toThrow(/sample_submission\.csv \(row 3, column 'time'\): time '500\.0001' appears 2 times, on rows 2, 3/);
    write('sample_submission.csv', ['time,open_channels', '500.0001,0', 'x,0']);
    await expect(readIonSwitchingSampleSubmission(dir)).rejects.toThrow(/\(row 3, column 'time'\): expected a time \(a number such as 500\.0001\), got 'x'/);
    write('sample_submission.csv', ['time,open_channel', '500.0001,0']);
    await expect(readIonSwitchingSampleSubmission(dir)).rejects.toThrow(/\(row 1\): expected the header time,open_channels, got time,open_channel/);
  });

  it('the written submission: integer classes 0..10, the sample times in order', async () => {
    const expected = { ids: ['500.0001', '500.0002'], source: 'sample_submission.csv' };
    await validateIonSwitchingSubmission(write('ok.csv', ['time,open_channels', '500.0001,0', '500.0002,10']), expected);
    const cases: [string[], RegExp][] = [
      [['time,open_channels', '500.0001,0', '500.0002,11'], /\(row 3, column 'open_channels'\): expected an integer class in 0\.\.10, got '11'/],
      [['time,open_channels', '500.0001,1.5', '500.0002,1'], /\(row 2, column 'open_channels'\): expected an integer class in 0\.\.10, got '1\.5'/],
      [['time,open_channels', '500.0001,NaN', '500.0002,1'], /\(row 2, column 'open_channels'\): expected an integer class in 0\.\.10, got 'NaN'/],
      [['time,open_channels', '500.0002,0', '500.0001,1'], /\(row 2, column 'time'\): time '500\.0002' where sample_submission\.csv has '500\.0001' on this row/],
      [['open_channels,time', '0,500.0001'], /\(row 1, column 'open_channels'\): expected the header 'time,open_channels'/],
    ];
    for (const [lines, re] of cases) await expect(validateIonSwitchingSubmission(write('bad.csv', lines), expected)).rejects.toThrow(re);
  });

  it('writeIonSwitchingSubmission with the sample writes nothing when the times are not the sample\'s', async () => {
    write('sample_submission.csv', ['time,open_channels', '500.0001,0', '500.0002,0']);
    const sample = await readIonSwitchingSampleSubmission(dir);
    const file = path.join(dir, 'submission.csv');
    await expect(writeIonSwitchingSubmission(file, [500.0001, 500.0003], [1, 2], { sample })).rejects.toThrow(/\(row 3, column 'time'\): time '500\.0003' where .* has '500\.0002'/);
    expect(fs.existsSync(file)).toBe(false);
    await writeIonSwitchingSubmission(file, [500.0001, 500.0002], [1, 2], { sample });
    expect(fs.readFileSync(file, 'utf8')).toBe('time,open_channels\n500.0001,1\n500.0002,2\n');
  });
});

describe('MoA: sig_ids against sample_submission.csv', () => {
  const features = (sigIds: string[]): MoaFeatures => ({
    file: path.join(dir, 'test_features.csv'),
    nRows: sigIds.length,
    header: [],
    sigIds,
    cpType: Uint8Array.from(sigIds, (_, i) => i % 2),
    cpTime: Int32Array.from(sigIds, () => 24),
    cpDose: Uint8Array.from(sigIds, () => 0),
    raw: { cpType: sigIds.map((_, i) => (i % 2 ? 'ctl_vehicle' : 'trt_cp')), cpTime: sigIds.map(() => '24'), cpDose: sigIds.map(() => 'D1') },
    genes: Float32Array.from({ length: sigIds.length * 2 }, (_, k) => k),
    cells: Float32Array.from({ length: sigIds.length }, (_, k) => 10 + k),
    geneNames: ['g-0', 'g-1'],
    cellNames: ['c-0'],
    featureNames: ['g-0', 'g-1', 'c-0'],
  });

  it('reads the sample (each sig_id once) and puts the test rows in its order', async () => {
    const f = write('sample_submission.csv', ['sig_id,a,b', 'id_0004d9e33,0.5,0.5', 'id_000779bfc,0.5,0.5']);
    const sample = await readMoaSampleSubmission(f);
    expect(sample.columns).toEqual(['a', 'b']);
    const test = features(['id_000779bfc', 'id_0004d9e33']);
    const order = moaSubmissionOrder(test, sample);
    expect(Array.from(order!)).toEqual([1, 0]);
    const t = selectMoaFeatureRows(test, order);
    expect(t.sigIds).toEqual(sample.sigIds);
    expect(Array.from(t.genes)).toEqual([2, 3, 0, 1]);
    expect(Array.from(t.cells)).toEqual([11, 10]);
    expect(t.raw.cpType).toEqual(['ctl_vehicle', 'trt_cp']);
    expect(() => moaSubmissionOrder(features(['id_000779bfc', 'id_x']), sample)).toThrow(/test_features\.csv \(row 3, column 'sig_id'\): sig_id 'id_x' is not in .*sample_submission\.csv/);
    write('sample_submission.csv', ['sig_id,a,b', 'id_0004d9e33,0.5,0.5', 'id_0004d9e33,0.5,0.5']);
    await expect(readMoaSampleSubmission(f)).rejects.toThrow(/\(row 3, column 'sig_id'\): sig_id 'id_0004d9e33' appears again \(first at row 2\)/);
  });

  it('the written submission: header, sig_ids in order, probabilities in [0, 1]', async () => {
    const expected = { header: ['sig_id', 'a', 'b'], ids: ['id_1', 'id_2'], source: 'sample_submission.csv' };
    await validateMoaSubmission(write('ok.csv', ['sig_id,a,b', 'id_1,0,1', 'id_2,1e-7,0.5']), expected);
    const cases: [string[], RegExp][] = [
      [['sig_id,b,a', 'id_1,0,1', 'id_2,0,0.5'], /\(row 1, column 'b'\): expected the header 'sig_id,a,b'/],
      [['sig_id,a,b', 'id_2,0,1', 'id_1,0,0.5'], /\(row 2, column 'sig_id'\): sig_id 'id_2' where sample_submission\.csv has 'id_1'/],
      [['sig_id,a,b', 'id_1,0,1', 'id_2,NaN,0.5'], /\(row 3, column 'a'\): expected a probability .*got 'NaN'/],
      [['sig_id,a,b', 'id_1,0,1.0001', 'id_2,0,0.5'], /\(row 2, column 'b'\): expected a probability .*got '1\.0001'/],
      [['sig_id,a,b', 'id_1,0,1', 'id_2,0'], /\(row 3\): expected 3 fields as in the header, got 2/],
    ];
    for (const [lines, re] of cases) await expect(validateMoaSubmission(write('bad.csv', lines), expected)).rejects.toThrow(re);
  });

  it('writeMoaSubmission with the sample: its columns by default; other sig_ids or order are refused', async () => {
    const sample = await readMoaSampleSubmission(write('sample_submission.csv', ['sig_id,b,a', 'id_1,0.5,0.5', 'id_2,0.5,0.5']));
    const file = path.join(dir, 'submission.csv');
    await writeMoaSubmission(file, ['id_1', 'id_2'], ['a', 'b', 'extra'], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], { sample });
    expect(fs.readFileSync(file, 'utf8')).toBe('sig_id,b,a\nid_1,0.2,0.1\nid_2,0.5,0.4\n');
    await expect(writeMoaSubmission(file, ['id_2', 'id_1'], ['a', 'b'], [0.1, 0.2, 0.3, 0.4], { sample })).rejects.toThrow(/\(row 2, column 'sig_id'\): sig_id 'id_2' where .* has 'id_1'/);
    expect(fs.readFileSync(file, 'utf8')).toBe('sig_id,b,a\nid_1,0.2,0.1\nid_2,0.5,0.4\n');
  });
});
